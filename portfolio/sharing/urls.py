from django.urls import path

from portfolio.sharing import public, views

# The learner's screens, under /portfolio/ beside the portfolio app's own.
app_name = "portfolio_sharing"
urlpatterns = [
    path("shares/", views.shares, name="shares"),
    path("shares/new/", views.share_new, name="share_new"),
    path("shares/<int:pk>/revoke/", views.share_revoke, name="share_revoke"),
    path("export/", views.export, name="export"),
]

# Without sign-in: a shared portfolio (/shared/<token>/) and its files.
shared_patterns = (
    [
        path("<str:token>/", public.shared, name="view"),
        path("<str:token>/files/<int:attachment_id>/", public.shared_file, name="file"),
    ],
    "portfolio_shared",
)

# Without sign-in: the check behind an exported PDF's QR code (/verify/portfolio/<code>/).
verify_patterns = ([path("<str:code>/", public.verify, name="verify")], "portfolio_verify")

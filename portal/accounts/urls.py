from django.urls import path

from portal.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.PortalLoginView.as_view(), name="login"),
    path("logout/", views.PortalLogoutView.as_view(), name="logout"),
    path("login/second-factor/", views.second_factor, name="second_factor"),
    path("activate/", views.activate_start, name="activate"),
    path("activate/secret/", views.activate_secret, name="activate_secret"),
    path(
        "staff/learners/<str:dossier_number>/activation-letter/",
        views.activation_letter,
        name="activation_letter",
    ),
]

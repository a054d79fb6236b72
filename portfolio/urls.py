from django.urls import path

from portfolio import views

# Under /portfolio/, beside the sharing screens (portfolio.sharing.urls).
app_name = "portfolio"
urlpatterns = [
    # Learners: their own portfolio
    path("", views.home, name="home"),
    path("new/", views.item_new, name="item_new"),
    path("items/<int:item_id>/", views.item, name="item"),
    path("items/<int:item_id>/delete/", views.item_delete, name="item_delete"),
    path("items/<int:item_id>/files/", views.attachment_add, name="attachment_add"),
    path("items/<int:item_id>/recognition/", views.recognition, name="recognition"),
    path("files/<int:attachment_id>/delete/", views.attachment_delete, name="attachment_delete"),
    path("access/", views.access, name="access"),
    path("my-data/", views.data_export, name="data_export"),
    # The owner and their case manager
    path("files/<int:attachment_id>/", views.file, name="file"),
    # Case managers and agency admins: a learner's portfolio, read-only
    path("learners/<str:dossier_number>/", views.staff_portfolio, name="staff_portfolio"),
]

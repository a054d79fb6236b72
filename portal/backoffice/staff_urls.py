from django.urls import path

from portal.backoffice import views

app_name = "backoffice_staff"
urlpatterns = [
    path("", views.webhooks_page, name="webhooks"),
    path("secret/", views.secret_rotate, name="secret_rotate"),
    path("redeliver/", views.redeliver, name="redeliver"),
]

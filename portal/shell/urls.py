from django.urls import path

from portal.shell import views

app_name = "shell"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
]

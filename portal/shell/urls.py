from django.urls import path
from pwa.views import manifest

from portal.shell import views

app_name = "shell"
urlpatterns = [
    path("", views.home, name="home"),
    path("language/", views.language, name="language"),
    path("offline/", views.offline, name="offline"),
    # Root scope: the worker controls every page of the portal.
    path("sw.js", views.service_worker, name="service_worker"),
    path("manifest.json", manifest, name="manifest"),
    path("healthz", views.healthz, name="healthz"),
]

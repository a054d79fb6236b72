from django.urls import path

from portal.media import views

app_name = "media"

urlpatterns = [
    path("<path:name>", views.serve, name="file"),
]

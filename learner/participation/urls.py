from django.urls import path

from learner.participation import views

app_name = "participation"
urlpatterns = [
    path("", views.home, name="home"),
    path("confirm/", views.confirm, name="confirm"),
    path("coordinate/", views.coordinate, name="coordinate"),
]

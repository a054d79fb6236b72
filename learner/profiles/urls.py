from django.urls import path

from learner.profiles import views

app_name = "profiles"
urlpatterns = [
    path("", views.learner_list, name="learner_list"),
    path("<str:dossier_number>/", views.learner_detail, name="learner_detail"),
]

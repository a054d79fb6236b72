from django.urls import path

from learner.participation import views

app_name = "participation"
urlpatterns = [
    path("", views.home, name="home"),
    path("confirm/", views.confirm, name="confirm"),
    path("coordinate/", views.coordinate, name="coordinate"),
    path("proof.pdf", views.proof, name="proof"),
    path("learners/<str:dossier_number>/proof.pdf", views.proof_of, name="proof_of"),
]

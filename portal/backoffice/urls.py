from django.urls import path

from portal.backoffice import api

app_name = "backoffice"
urlpatterns = [
    path("ingest", api.Ingest.as_view(), name="ingest"),
    path("slots", api.Slots.as_view(), name="slots"),
    path("changes", api.Changes.as_view(), name="changes"),
    path(
        "learners/<str:dossier_number>/trajectory",
        api.LearnerTrajectory.as_view(),
        name="learner_trajectory",
    ),
]

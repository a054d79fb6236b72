from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from learner.trajectory import api

app_name = "api"
urlpatterns = [
    path("learner/trajectory/", api.OwnTrajectory.as_view(), name="own_trajectory"),
    path(
        "staff/learners/<str:dossier_number>/trajectory/",
        api.LearnerTrajectory.as_view(),
        name="learner_trajectory",
    ),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
]

from django.urls import path

from learner.plan import views

app_name = "plan"
urlpatterns = [
    # Learners: their own plan
    path("", views.home, name="home"),
    path("goals/<int:goal_id>/", views.goal_history, name="goal"),
    # Case managers (and agency admins): a learner's plan in their scope
    path("learners/<str:dossier_number>/", views.learner_plan, name="learner"),
    path(
        "learners/<str:dossier_number>/goals/<int:goal_id>/",
        views.learner_goal_history,
        name="learner_goal",
    ),
]

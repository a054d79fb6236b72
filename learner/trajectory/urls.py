from django.urls import path

from learner.trajectory.views import learner, public, staff

app_name = "trajectory"
urlpatterns = [
    path("", learner.timeline, name="timeline"),
    path("fees/", learner.fees, name="fees"),
    path("declaration/", learner.declaration, name="declaration"),
    path("proof/", learner.proof, name="proof"),
]

staff_patterns = (
    [
        path("learners/<str:dossier_number>/eligibility/", staff.eligibility, name="eligibility"),
        path("learners/<str:dossier_number>/contract/", staff.contract, name="contract"),
        path("learners/<str:dossier_number>/deadline/", staff.deadline, name="deadline"),
        path("learners/<str:dossier_number>/referral/", staff.referral, name="referral"),
        path("learners/<str:dossier_number>/record/<slug:kind>/", staff.record, name="record"),
        path(
            "learners/<str:dossier_number>/exam/<int:session_id>/result/",
            staff.exam_result,
            name="exam_result",
        ),
        path(
            "learners/<str:dossier_number>/decide/<slug:kind>/<int:pk>/",
            staff.decide,
            name="decide",
        ),
        path("learners/<str:dossier_number>/attest/", staff.attest, name="attest"),
        path("learners/<str:dossier_number>/advice/", staff.advice, name="advice"),
        path("rule-sets/", staff.rule_sets, name="rule_sets"),
        path("rule-sets/new/", staff.rule_set_edit, name="rule_set_new"),
        path("rule-sets/<int:pk>/", staff.rule_set_edit, name="rule_set_edit"),
    ],
    "trajectory_staff",
)

public_patterns = ([path("<str:token>/", public.verify, name="verify")], "trajectory_public")

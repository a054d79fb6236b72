from django.contrib import admin

from learner.profiles.models import CaseloadAssignment, LearnerProfile


@admin.register(LearnerProfile)
class LearnerProfileAdmin(admin.ModelAdmin):
    list_display = ["dossier_number", "user", "agency", "municipality", "obligation"]
    list_filter = ["agency", "obligation", "employment", "literacy"]
    list_select_related = ["user", "agency", "municipality"]
    search_fields = ["dossier_number", "user__first_name", "user__last_name"]
    raw_id_fields = ["user"]


@admin.register(CaseloadAssignment)
class CaseloadAssignmentAdmin(admin.ModelAdmin):
    list_display = ["learner", "case_manager", "started_at", "ended_at"]
    list_select_related = ["learner", "case_manager"]
    raw_id_fields = ["learner", "case_manager"]

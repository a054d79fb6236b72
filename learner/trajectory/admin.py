"""Site operators' view of the trajectory data. Agency staff work in the portal's own screens,
where the rules and the audit trail apply; here everything derived is read-only."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from modeltranslation.admin import TranslationAdmin

from learner.trajectory import models


@admin.register(models.Declaration)
class DeclarationAdmin(TranslationAdmin):
    list_display = ["version", "effective_from", "title"]


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(models.RuleSet)
class RuleSetAdmin(ReadOnly):
    list_display = ["effective_from", "mo_course_fee", "nt2_fee_cap", "participation_hours"]


@admin.register(models.Contract)
class ContractAdmin(ReadOnly):
    list_display = ["learner", "signed_on", "richttermijn", "source", "updated_at"]
    search_fields = ["learner__dossier_number"]


@admin.register(models.Signal)
class SignalAdmin(ReadOnly):
    list_display = ["learner", "code", "raised_on", "withdrawn_at"]
    list_filter = ["code"]
    search_fields = ["learner__dossier_number"]


@admin.register(models.TrajectoryState)
class TrajectoryStateAdmin(ReadOnly):
    list_display = ["learner", "next_deadline", "open_signals", "computed_at"]
    search_fields = ["learner__dossier_number"]

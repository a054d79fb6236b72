from django.contrib import admin
from django.http import HttpRequest

from portal.events.models import Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """Read-only: the log is append-only, and only services append to it."""

    list_display = ["id", "code", "occurred_at", "actor", "learner", "agency"]
    list_filter = ["code"]
    search_fields = ["code", "event_id"]
    list_select_related = ["actor", "learner", "agency"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

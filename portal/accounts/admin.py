"""Site operators' admin (superusers only, behind the same second factor as all staff)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from portal.accounts.models import ActivationCode, Agency, Municipality, User


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "agency", "is_active"]
    list_filter = ["role", "agency", "is_active"]
    list_select_related = ["agency"]
    fieldsets = (
        *UserAdmin.fieldsets,  # type: ignore[misc]
        (
            "Portal",
            {"fields": ("role", "agency", "municipality", "preferred_language", "activated_at")},
        ),
    )


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "nis_code", "region"]
    list_filter = ["region"]
    search_fields = ["name", "nis_code"]


@admin.register(ActivationCode)
class ActivationCodeAdmin(admin.ModelAdmin):
    """Codes are issued from the dossier screen only; here they can be looked at or revoked."""

    list_display = ["user", "issued_by", "issued_at", "expires_at", "used_at", "revoked_at"]
    list_select_related = ["user", "issued_by"]
    readonly_fields = ["user", "code_hash", "issued_by", "issued_at", "expires_at", "used_at"]
    exclude = ["code_hash"]

    def has_add_permission(self, request: object) -> bool:
        return False

"""Django admin: member systems and contracts to look at; the message log read-only."""

from django.contrib import admin

from kiban.exchange.models import CallRecord, Checkpoint, Contract, MemberSystem


class ReadOnly(admin.ModelAdmin):
    """Changes go through the services (and staff pages), which audit them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MemberSystem)
class MemberSystemAdmin(ReadOnly):
    list_display = ["code", "name", "organisation", "client_id", "created_at", "revoked_at"]
    search_fields = ["code", "name", "client_id"]


@admin.register(Contract)
class ContractAdmin(ReadOnly):
    list_display = ["system", "purpose", "legal_basis", "valid_from", "valid_to", "revoked_at"]
    list_filter = ["purpose"]


@admin.register(CallRecord)
class CallRecordAdmin(ReadOnly):
    list_display = ["number", "at", "system", "operation", "purpose", "status", "error"]
    list_filter = ["status", "operation"]


@admin.register(Checkpoint)
class CheckpointAdmin(ReadOnly):
    list_display = ["number", "at", "public_key"]

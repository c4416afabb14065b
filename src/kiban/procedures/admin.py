"""Admin for the platform team: which organisations may prefill from sensitive attributes."""

from django.contrib import admin

from kiban.procedures.models import AttributeAccess, LifeEvent, ProcedureTemplate


@admin.register(AttributeAccess)
class AttributeAccessAdmin(admin.ModelAdmin):
    list_display = ("organisation", "attribute", "legal_basis", "granted_by", "granted_at")
    list_filter = ("attribute",)
    readonly_fields = ("granted_by", "granted_at")

    def save_model(self, request, obj, form, change):
        from kiban.procedures.attribute_access import attribute_access_grant

        attribute_access_grant(organisation=obj.organisation, attribute=obj.attribute,
                               legal_basis=obj.legal_basis, actor=request.user)

    def delete_model(self, request, obj):
        from kiban.procedures.attribute_access import attribute_access_revoke

        attribute_access_revoke(organisation=obj.organisation, attribute=obj.attribute,
                                actor=request.user)


@admin.register(ProcedureTemplate)
class ProcedureTemplateAdmin(admin.ModelAdmin):
    list_display = ("version", "shared_by", "shared_at", "withdrawn_at")

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(LifeEvent)
class LifeEventAdmin(admin.ModelAdmin):
    list_display = ("code", "organisation", "published_at")

    def has_change_permission(self, request, obj=None):
        return False

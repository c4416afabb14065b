"""Django admin: read-only views of the insights data for the platform team. Changes go
through the staff pages (and their services), which audit them."""

from django.contrib import admin

from kiban.insights.models import ChannelVolume, KpiValue, OrgKpi, Publication, ServiceCost


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OrgKpi)
class OrgKpiAdmin(ReadOnlyAdmin):
    list_display = ("code", "name_ja", "owner", "grain", "target_value", "target_date", "is_public")


@admin.register(KpiValue)
class KpiValueAdmin(ReadOnlyAdmin):
    list_display = ("kpi", "period_start", "organisation", "value", "status", "provenance")
    list_filter = ("status", "provenance", "kpi")


@admin.register(ChannelVolume)
class ChannelVolumeAdmin(ReadOnlyAdmin):
    list_display = ("procedure", "month", "channel", "count", "source")


@admin.register(ServiceCost)
class ServiceCostAdmin(ReadOnlyAdmin):
    list_display = ("procedure", "grain", "period_start", "amount_yen", "source")


@admin.register(Publication)
class PublicationAdmin(ReadOnlyAdmin):
    list_display = ("procedure", "is_public", "decided_by", "decided_at")

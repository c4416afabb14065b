"""The platform team's view of events and deliveries; dead deliveries are re-driven here."""

from django.contrib import admin, messages

from kiban.events.constants import DeliveryStatus
from kiban.events.models import Delivery, OutboxEvent, WebhookSubscription
from kiban.events.services import delivery_redrive


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OutboxEvent)
class OutboxEventAdmin(ReadOnlyAdmin):
    list_display = ("sequence", "type", "organisation", "occurred_at", "published_at")
    list_filter = ("type",)
    search_fields = ("=event_id", "=subject_public_id")
    list_select_related = ("organisation",)
    readonly_fields = ("event_id", "type", "organisation", "subject_public_id", "payload",
                       "actor_label", "occurred_at", "sequence", "published_at")


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(ReadOnlyAdmin):
    list_display = ("url", "system", "event_types", "cursor", "created_at")
    list_select_related = ("system",)
    # The secret is never shown after it was handed out.
    exclude = ("secret",)


@admin.action(description="Re-drive the selected dead deliveries")
def redrive(modeladmin, request, queryset):
    count = delivery_redrive(deliveries=queryset.filter(status=DeliveryStatus.DEAD),
                             actor=request.user)
    modeladmin.message_user(request, f"{count} dead deliveries will be tried again.",
                            messages.SUCCESS)


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ("id", "event", "subscription", "status", "attempts", "next_attempt_at",
                    "last_status_code", "last_error")
    list_filter = ("status",)
    list_select_related = ("event", "subscription")
    search_fields = ("=event__event_id",)
    actions = [redrive]

    def get_actions(self, request):
        # Actions need the change permission, which this read-only view withholds from all;
        # re-driving is for platform admins (superusers) only.
        actions = super().get_actions(request)
        if not request.user.is_superuser:
            actions.pop("redrive", None)
        return actions

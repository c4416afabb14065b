from django.contrib import admin

from kiban.identity.models import ExternalIdentity, SignOnClient


@admin.register(SignOnClient)
class SignOnClientAdmin(admin.ModelAdmin):
    """Bureau applications that sign residents in through kiban (register with the command
    `kiban sign_on_client_register`, which also creates the OAuth application and its secret)."""

    list_display = ["name_ja", "organisation", "member_system", "contract", "created_at"]
    list_filter = ["organisation"]
    readonly_fields = ["application", "created_at"]


@admin.register(ExternalIdentity)
class ExternalIdentityAdmin(admin.ModelAdmin):
    list_display = ["user", "provider", "linked_at", "verified_at"]
    list_filter = ["provider"]
    readonly_fields = ["user", "provider", "issuer", "subject", "linked_at", "verified_at"]

    def has_add_permission(self, request):
        return False

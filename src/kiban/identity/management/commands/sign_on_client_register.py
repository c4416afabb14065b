import secrets

from django.core.management.base import BaseCommand, CommandError

from kiban.identity.models import Organisation
from kiban.identity.oidc_provider import SCOPE_ATTRIBUTES
from kiban.identity.services import sign_on_client_register


class Command(BaseCommand):
    help = (
        "Register a bureau application that signs residents in through kiban (OpenID Connect). "
        "Prints its client secret once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organisation", required=True, help="organisation code, e.g. welfare")
        parser.add_argument("--client-id", required=True)
        parser.add_argument("--name-ja", required=True)
        parser.add_argument("--name-en", required=True)
        parser.add_argument("--purpose-ja", required=True)
        parser.add_argument("--purpose-en", required=True)
        parser.add_argument("--redirect-uri", action="append", required=True)
        parser.add_argument("--post-logout-redirect-uri", action="append", default=[])
        parser.add_argument("--scopes", default="profile", help="comma-separated, besides openid")
        parser.add_argument("--member-system", default="", help="its exchange member system code")
        parser.add_argument("--contract", default="", help="its exchange contract")

    def handle(self, *args, **options):
        organisation = Organisation.objects.filter(code=options["organisation"]).first()
        if organisation is None:
            raise CommandError(f"no organisation {options['organisation']}")
        scopes = [s for s in options["scopes"].split(",") if s]
        unknown = set(scopes) - set(SCOPE_ATTRIBUTES)
        if unknown:
            raise CommandError(f"unknown scopes: {', '.join(sorted(unknown))}")
        secret = secrets.token_urlsafe(32)
        sign_on_client_register(
            organisation=organisation,
            client_id=options["client_id"],
            client_secret=secret,
            name_ja=options["name_ja"],
            name_en=options["name_en"],
            purpose_ja=options["purpose_ja"],
            purpose_en=options["purpose_en"],
            redirect_uris=options["redirect_uri"],
            post_logout_redirect_uris=options["post_logout_redirect_uri"],
            scopes=scopes,
            member_system=options["member_system"],
            contract=options["contract"],
        )
        client_id = options["client_id"]
        self.stdout.write(f"Registered {client_id}. Client secret (shown once): {secret}")

"""The development identity provider's own data: demo people, clients, codes and tokens.

The models implement Authlib's mixins, so Authlib's authorization server runs the protocol.
"""

import time
import uuid

from authlib.oauth2.rfc6749 import ClientMixin, TokenMixin
from authlib.oidc.core import AuthorizationCodeMixin
from django.contrib.auth.hashers import check_password
from django.db import models
from django.utils import timezone

from kiban.devidp.constants import SCOPES, Issuer

CODE_SECONDS = 60


class Person(models.Model):
    """A made-up person (or business account holder) one can sign in as."""

    issuer = models.CharField(max_length=20, choices=Issuer.choices)
    code = models.SlugField(max_length=60)
    sub = models.CharField(max_length=64, unique=True, default=uuid.uuid4)
    family_name = models.CharField(max_length=60)
    given_name = models.CharField(max_length=60)
    family_name_kana = models.CharField(max_length=60, blank=True)
    given_name_kana = models.CharField(max_length=60, blank=True)
    birthdate = models.DateField(null=True, blank=True)
    gender = models.CharField(max_length=10, blank=True)  # "female" / "male", as OIDC says
    postal_code = models.CharField(max_length=7, blank=True)
    region = models.CharField(max_length=10, blank=True)
    locality = models.CharField(max_length=60, blank=True)
    street_address = models.CharField(max_length=120, blank=True)
    corporate_number = models.CharField(max_length=13, blank=True)
    corporate_name = models.CharField(max_length=200, blank=True)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["issuer", "code"]
        constraints = [
            models.UniqueConstraint(fields=["issuer", "code"], name="devidp_person_code")
        ]

    def __str__(self) -> str:
        return f"{self.family_name} {self.given_name}"


class Client(models.Model, ClientMixin):
    """A relying party registered at one issuer (kiban itself, in the demo)."""

    issuer = models.CharField(max_length=20, choices=Issuer.choices)
    client_id = models.CharField(max_length=80)
    client_secret_hash = models.CharField(max_length=200)
    name = models.CharField(max_length=120)
    redirect_uris = models.JSONField(default=list)
    post_logout_redirect_uris = models.JSONField(default=list)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "client_id"], name="devidp_client_id")
        ]

    def __str__(self) -> str:
        return f"{self.issuer}:{self.client_id}"

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return self.redirect_uris[0] if self.redirect_uris else None

    def get_allowed_scope(self, scope):
        allowed = set(SCOPES[self.issuer])
        return " ".join(s for s in (scope or "").split() if s in allowed)

    def check_redirect_uri(self, redirect_uri):
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret):
        return check_password(client_secret, self.client_secret_hash)

    def check_endpoint_auth_method(self, method, endpoint):
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type):
        return response_type == "code"

    def check_grant_type(self, grant_type):
        return grant_type == "authorization_code"


class AuthorizationCode(models.Model, AuthorizationCodeMixin):
    """A one-time code; deleted when exchanged, so a replayed code finds nothing."""

    issuer = models.CharField(max_length=20, choices=Issuer.choices)
    code = models.CharField(max_length=120, unique=True)
    client_id = models.CharField(max_length=80)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    redirect_uri = models.TextField()
    scope = models.TextField()
    nonce = models.CharField(max_length=200, blank=True)
    code_challenge = models.CharField(max_length=200)
    code_challenge_method = models.CharField(max_length=10)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"code for {self.client_id}"

    def is_expired(self) -> bool:
        return (timezone.now() - self.created_at).total_seconds() > CODE_SECONDS

    def get_redirect_uri(self):
        return self.redirect_uri

    def get_scope(self):
        return self.scope

    def get_nonce(self):
        return self.nonce or None

    def get_auth_time(self):
        return int(self.created_at.timestamp())


class Token(models.Model, TokenMixin):
    issuer = models.CharField(max_length=20, choices=Issuer.choices)
    client_id = models.CharField(max_length=80)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    access_token = models.CharField(max_length=255, unique=True)
    token_type = models.CharField(max_length=40, default="Bearer")
    scope = models.TextField()
    issued_at = models.IntegerField()  # seconds since the epoch, as Authlib counts
    expires_in = models.IntegerField()
    revoked = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"token for {self.client_id}"

    def check_client(self, client):
        return client.client_id == self.client_id

    def get_scope(self):
        return self.scope

    def get_expires_in(self):
        return self.expires_in

    def is_expired(self):
        return self.issued_at + self.expires_in < time.time()

    def is_revoked(self):
        return self.revoked

    def get_user(self):
        return self.person

    def get_client(self):
        return Client.objects.filter(issuer=self.issuer, client_id=self.client_id).first()

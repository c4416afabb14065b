from django.db import models


class Issuer(models.TextChoices):
    """The providers the development identity provider stands in for, one issuer each."""

    NATIONAL = "national", "デジタル認証アプリ（開発用）"
    BUSINESS = "business", "GビズID（開発用）"


# Scopes each issuer offers, as the real services name them (the national one returns the
# four basic facts 基本4情報; GビズID returns the account holder and their business).
SCOPES = {
    Issuer.NATIONAL: ["openid", "name", "address", "birthdate", "gender"],
    Issuer.BUSINESS: ["openid", "profile", "corporate", "address"],
}

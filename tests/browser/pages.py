"""The pages the browser tests visit. To check a new page, add it here.

PUBLIC_PAGES are visited signed out, SIGNED_IN_PAGES as the demo resident; the OPTIONAL
lists name pages (by URL name) of features another change may not have added yet: they are
checked as soon as they resolve.
"""

from django.urls import NoReverseMatch, reverse

from kiban.web.browser import APPLICANT

PUBLIC_PAGES = [
    ("catalogue", "/services/"),
    *[(f"procedure page {code}", f"/services/{code}/") for code in APPLICANT],
    ("sign-in", "/accounts/sign-in/"),
    ("register", "/accounts/register/"),
    ("password reset", "/accounts/password-reset/"),
    ("password reset sent", "/accounts/password-reset/sent/"),
    ("password reset link expired", "/accounts/password-reset/MQ/expired-token/"),
]
# Forms sent wrong: (label, path, a field of the form, values typed before sending).
PUBLIC_FORMS_WITH_ERRORS = [
    ("sign-in, nothing typed", "/accounts/sign-in/", "username", {}),
    ("sign-in, wrong password", "/accounts/sign-in/", "username",
     {"username": "nobody@demo.kiban.jp", "password": "wrong-password"}),
    ("register, nothing typed", "/accounts/register/", "email", {}),
    ("register, bad values", "/accounts/register/", "email",
     {"email": "not-an-address", "password": "short"}),
    ("password reset, bad address", "/accounts/password-reset/", "email",
     {"email": "not-an-address"}),
]
SIGNED_IN_PAGES = [
    ("my page", "/my/"),
    ("my data", "/my/data/"),
]
# Pages of features that may not exist yet, by URL name: checked as soon as they do.
OPTIONAL_PAGES = [
    ("transparency", "transparency:index"),
    ("open data", "opendata:index"),
    ("life events", "life_events:catalogue"),
]
SIGNED_IN_OPTIONAL_PAGES = [
    ("sign-in and security", "identity:security"),
    ("verify your identity", "identity:verify"),
]


def existing(pages):
    """Yield (label, path) of the named pages this version of kiban has."""
    for label, name in pages:
        try:
            yield label, reverse(name)
        except NoReverseMatch:
            continue

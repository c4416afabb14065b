"""E-mail addresses, including the old mobile-carrier ones that break the RFC.

Until about 2009 docomo and au let subscribers pick local parts such as ``taro..yamada`` or
``taro.@docomo.ne.jp``. Those addresses still receive mail, so they are accepted with a
warning (``email_rfc_nonconforming``) for the form to show, never refused.
"""

from __future__ import annotations

import re

from kiban.jp.errors import JpValueError
from kiban.jp.width import fold_width

WARNING_RFC_NONCONFORMING = "email_rfc_nonconforming"
MAX_LENGTH = 254
MAX_LOCAL_LENGTH = 64

# IDNA reads the ideographic full stops as dots, and Japanese input methods type them.
_FULL_STOPS = str.maketrans({"\u3002": ".", "\uff61": "."})  # 。 ｡
_LOCAL_PART = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.\-]+")


def _is_domain(domain: str) -> bool:
    labels = domain.split(".")
    if len(labels) < 2 or labels[-1].isdigit():
        return False
    return all(
        label
        and not label.startswith("-")
        and not label.endswith("-")
        and label.replace("-", "").isalnum()
        for label in labels
    )


def _is_dot_atom(local: str) -> bool:
    return not (local.startswith(".") or local.endswith(".") or ".." in local)


def check_email(s: str) -> tuple[str, list[str]]:
    """Return e-mail address ``s`` normalised, with a list of warning codes.

    Fold width (。 counts as a dot), strip spaces at the ends and lowercase the domain; the
    local part keeps its case, which the receiving server may honour. A local part with
    consecutive dots or a dot at either end gets the warning ``email_rfc_nonconforming``.
    Raise JpValueError ``email_invalid`` if ``s`` has no single @, spaces inside, characters
    a mailbox cannot hold, or a domain without a dot.
    """
    address = fold_width(s).translate(_FULL_STOPS).strip()
    local, at, domain = address.rpartition("@")
    if (
        not at
        or not local
        or len(address) > MAX_LENGTH
        or len(local) > MAX_LOCAL_LENGTH
        or not _LOCAL_PART.fullmatch(local)
        or not _is_domain(domain)
    ):
        raise JpValueError("email_invalid", value=s)
    warnings = [] if _is_dot_atom(local) else [WARNING_RFC_NONCONFORMING]
    return f"{local}@{domain.lower()}", warnings

"""Numbers with check digits: the corporate number (法人番号) and the My Number (個人番号).

The My Number Act limits collecting and keeping a person's number to the affairs the law
lists. Code here never puts a My Number in an error message or its params, and
``mask_my_number`` is the only form in which one may be shown.
"""

from __future__ import annotations

import re

from kiban.jp.errors import JpValueError
from kiban.jp.width import fold_width

CORPORATE_NUMBER_LENGTH = 13
MY_NUMBER_LENGTH = 12
_SEPARATORS = re.compile(r"[\s\-]+")


def _digits(s: str) -> str | None:
    """Return ``s`` without width, spaces and hyphens if only ASCII digits remain."""
    text = _SEPARATORS.sub("", fold_width(s))
    return text if text.isascii() and text.isdigit() else None


def _is_base(base: str, length: int) -> bool:
    return len(base) == length and base.isascii() and base.isdigit()


def corporate_number_check_digit(base12: str) -> int:
    """Return the check digit of the 12-digit corporate number base ``base12``.

    With the base's digits P(n) counted from the right (n = 1..12) and weights Q(n) = 1 for
    odd n and 2 for even n, the check digit is 9 − (Σ P(n)·Q(n) mod 9). Raise JpValueError
    ``corporate_number_digits`` unless ``base12`` is 12 ASCII digits.
    """
    if not _is_base(base12, CORPORATE_NUMBER_LENGTH - 1):
        raise JpValueError("corporate_number_digits", value=base12)
    total = sum(int(ch) * (1 if n % 2 else 2) for n, ch in enumerate(reversed(base12), start=1))
    return 9 - total % 9


def normalise_corporate_number(s: str) -> str:
    """Return the 13 digits of corporate number ``s``, whose first digit is the check digit.

    Accept either width, spaces and hyphens. Raise JpValueError ``corporate_number_digits``
    if ``s`` is not 13 digits and ``corporate_number_check`` if the check digit is wrong.
    """
    digits = _digits(s)
    if digits is None or len(digits) != CORPORATE_NUMBER_LENGTH:
        raise JpValueError("corporate_number_digits", value=s)
    if int(digits[0]) != corporate_number_check_digit(digits[1:]):
        raise JpValueError("corporate_number_check", value=digits)
    return digits


def is_valid_corporate_number(s: str) -> bool:
    """Return whether ``s`` is a corporate number with a correct check digit."""
    try:
        normalise_corporate_number(s)
    except JpValueError:
        return False
    return True


def my_number_check_digit(base11: str) -> int:
    """Return the check digit of the 11-digit My Number base ``base11``.

    With the base's digits P(n) counted from the right (n = 1..11) and weights Q(n) = n + 1
    for n ≤ 6 and n − 5 for n ≥ 7, r = Σ P(n)·Q(n) mod 11; the check digit is 0 if r ≤ 1,
    else 11 − r. Raise JpValueError ``my_number_digits`` unless ``base11`` is 11 ASCII digits.
    """
    if not _is_base(base11, MY_NUMBER_LENGTH - 1):
        raise JpValueError("my_number_digits")
    total = sum(
        int(ch) * (n + 1 if n <= 6 else n - 5) for n, ch in enumerate(reversed(base11), start=1)
    )
    remainder = total % 11
    return 0 if remainder <= 1 else 11 - remainder


def normalise_my_number(s: str) -> str:
    """Return the 12 digits of My Number ``s``, whose last digit is the check digit.

    Raise JpValueError ``my_number_digits`` or ``my_number_check``; neither carries the value.
    """
    digits = _digits(s)
    if digits is None or len(digits) != MY_NUMBER_LENGTH:
        raise JpValueError("my_number_digits")
    if int(digits[-1]) != my_number_check_digit(digits[:-1]):
        raise JpValueError("my_number_check")
    return digits


def is_valid_my_number(s: str) -> bool:
    """Return whether ``s`` is a My Number with a correct check digit."""
    try:
        normalise_my_number(s)
    except JpValueError:
        return False
    return True


def mask_my_number(s: str) -> str:
    """Return My Number ``s`` with all but its last four digits hidden: ********1234.

    Raise JpValueError ``my_number_digits`` unless ``s`` has 12 digits; the check digit is
    not verified, so a stored number can always be shown masked.
    """
    digits = _digits(s)
    if digits is None or len(digits) != MY_NUMBER_LENGTH:
        raise JpValueError("my_number_digits")
    return "*" * (MY_NUMBER_LENGTH - 4) + digits[-4:]

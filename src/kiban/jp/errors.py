"""The one error type raised by ``kiban.jp``.

Every error carries a stable machine ``code`` and the ``params`` that a translated message
needs, so the Django layer can say the same thing in Japanese, English and やさしい日本語.
``str(error)`` is an English message for logs and tests.

Params never contain a My Number (個人番号): those errors carry no value at all.
"""

from __future__ import annotations

from collections.abc import Mapping

#: English message templates by code; ``{name}`` is filled from ``params``.
MESSAGES: Mapping[str, str] = {
    "reading_not_kana": "A reading may hold only kana, ー, ・ and spaces; found {chars}.",
    "era_not_found": "{value} is before the Meiji era, the first era kiban knows.",
    "era_out_of_range": "{value} is outside the {era} era, which ran from {first} to {last}.",
    "date_invalid": "{value} is not a date in the calendar.",
    "date_format": "Could not read {value!r} as a date.",
    "numeral_format": "{value!r} is not a kanji numeral.",
    "postal_code_digits": "A postal code has 7 digits; got {value!r}.",
    "corporate_number_digits": "A corporate number has 13 digits; got {value!r}.",
    "corporate_number_check": "The check digit of corporate number {value} is wrong.",
    "my_number_digits": "An individual number (My Number) has 12 digits.",
    "my_number_check": "The check digit of the individual number (My Number) is wrong.",
    "phone_digits": "A phone number has 10 or 11 digits starting with 0, or starts with +; "
    "got {value!r}.",
    "email_invalid": "{value!r} is not an e-mail address.",
    "reference_alphabet": "A reference may contain only {alphabet} and '-'; found {chars}.",
    "reference_format": "{value!r} is not a reference number.",
    "reference_check": "The check character of reference {value} is wrong.",
}


class _Blank(dict):
    """Format missing params as an empty string rather than failing."""

    def __missing__(self, key: str) -> str:
        return ""


class JpValueError(ValueError):
    """Report a value that does not follow a Japanese convention.

    ``code`` is stable and meant for machines (translation keys, API error codes);
    ``params`` holds plain, JSON-serialisable values for the translated message.
    """

    def __init__(self, code: str, /, message: str | None = None, **params: object) -> None:
        self.code = code
        self.params: dict[str, object] = dict(params)
        if message is None:
            template = MESSAGES.get(code, code.replace("_", " ") + ".")
            message = template.format_map(_Blank(self.params))
        self.message = message
        super().__init__(message)

    def __repr__(self) -> str:
        return f"JpValueError({self.code!r}, params={self.params!r})"

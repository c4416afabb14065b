"""Reference numbers (受付番号) with a check character, such as KB-2026-0000123-4.

The check character uses an ISO 7064 style pure system over a prime modulus: the alphabet
has 31 characters (digits and capital letters without I, L, O, S and U, which are misread
as 1, 0, 5 and V), and 31 is prime. Counting the characters from the right with the check
character at position 0, Σ value(c_i)·3^i ≡ 0 (mod 31). Because 31 is prime and the weights
3^i are never 0 and never equal to a neighbour's, every single substitution and every
transposition of two adjacent different characters changes the sum and is detected. (Luhn
mod N misses one transposition pair, so it was not chosen.) The check character is drawn
from the same alphabet, unlike MOD 37-2, which needs an extra symbol.

Hyphens only group the characters for reading and do not take part in the check. Input is
read leniently: either width, any case, spaces for hyphens, and O, I, L, S, U read as 0, 1,
1, 5, V.
"""

from __future__ import annotations

import re

from kiban.jp.errors import JpValueError
from kiban.jp.width import fold_width

ALPHABET = "0123456789ABCDEFGHJKMNPQRTVWXYZ"
MODULUS = len(ALPHABET)  # 31, a prime
WEIGHT_BASE = 3  # a primitive root mod 31: the weights only repeat after 30 characters
SEPARATOR = "-"

_VALUES = {ch: value for value, ch in enumerate(ALPHABET)}
_MISREAD = str.maketrans({"O": "0", "I": "1", "L": "1", "S": "5", "U": "V"})
_HYPHEN_RUN = re.compile(r"-{2,}")


def _weighted_sum(chars: str, first_position: int) -> int:
    total = 0
    weight = pow(WEIGHT_BASE, first_position, MODULUS)
    for ch in reversed(chars):
        total = (total + _VALUES[ch] * weight) % MODULUS
        weight = weight * WEIGHT_BASE % MODULUS
    return total


def check_character(body: str) -> str:
    """Return the check character for ``body``; hyphens in it are ignored.

    Raise JpValueError ``reference_alphabet`` if ``body`` holds other characters.
    """
    chars = "".join(ch for ch in body if ch != SEPARATOR)
    bad = sorted({ch for ch in chars if ch not in _VALUES})
    if bad or not chars:
        raise JpValueError("reference_alphabet", alphabet=ALPHABET, chars="".join(bad))
    return ALPHABET[-_weighted_sum(chars, 1) % MODULUS]


def reference_with_check(body: str) -> str:
    """Return ``body`` with its check character appended: KB-2026-0000123 → KB-2026-0000123-4."""
    return f"{body}{SEPARATOR}{check_character(body)}"


def normalise_reference(ref: str) -> str:
    """Return reference ``ref`` in its canonical form, or raise.

    Read ``ref`` leniently (either width, any case, misread letters, spaces for hyphens)
    and return it in capitals with its hyphens where they were. Raise JpValueError
    ``reference_format`` if it holds characters outside the alphabet and ``reference_check``
    if the check fails.
    """
    folded = "-".join(fold_width(ref).upper().translate(_MISREAD).split())
    folded = _HYPHEN_RUN.sub(SEPARATOR, folded).strip(SEPARATOR)
    chars = folded.replace(SEPARATOR, "")
    if len(chars) < 2 or any(ch not in _VALUES for ch in chars):
        raise JpValueError("reference_format", value=ref)
    if _weighted_sum(chars, 0) != 0:
        raise JpValueError("reference_check", value=folded)
    return folded


def is_valid_reference(ref: str) -> bool:
    """Return whether ``ref`` is a reference whose check character is right."""
    try:
        normalise_reference(ref)
    except JpValueError:
        return False
    return True

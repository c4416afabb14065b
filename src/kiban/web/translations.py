"""Compile the .po translation files to .mo with polib (no GNU gettext needed)."""

from pathlib import Path

import polib
from django.conf import settings


def compile_translations() -> list[Path]:
    """Write a .mo beside every .po that is newer than it; return the files written."""
    written = []
    for locale_dir in settings.LOCALE_PATHS:
        for po_path in Path(locale_dir).glob("*/LC_MESSAGES/*.po"):
            mo_path = po_path.with_suffix(".mo")
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
            written.append(mo_path)
    if written:
        _forget_loaded_catalogues()
    return written


def _forget_loaded_catalogues() -> None:
    """Drop catalogues this process loaded before the .mo files existed (e.g. a fresh clone)."""
    from asgiref.local import Local
    from django.utils.translation import trans_real

    # The same reset Django makes when LANGUAGES or LOCALE_PATHS change in tests.
    trans_real._translations = {}
    trans_real._default = None
    trans_real._active = Local()
    trans_real.translation_catalog_exists.cache_clear()

import base64
import re
import zlib
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from reportlab.pdfbase.ttfonts import TTFontFile

from kiban.submissions.receipt import FONT_PATH, Receipt, format_submitted_at, receipt_pdf

RARE_NAME = "髙﨑 𠮷子"  # 髙 U+9AD9, 﨑 U+FA11, 𠮷 U+20BB7 (beyond the BMP)
KAMI_COMPAT = "\ufa19"  # 神 as a CJK compatibility ideograph; NFC would make it U+795E


def _receipt(**changes) -> Receipt:
    receipt = Receipt(
        reference="KB-2025-000123",
        procedure_title="児童手当の認定請求",
        organisation_name="福祉局 子供・子育て支援部",
        submitted_at=datetime(2025, 3, 31, 15, 30, tzinfo=UTC),
        applicant_name=RARE_NAME,
        sections=[
            ("申請者の情報", [("氏名", RARE_NAME), ("フリガナ", "タカサキ ヨシコ")]),
            ("本籍", [("氏子の社", f"{KAMI_COMPAT}社")]),
        ],
        language="ja",
        contact="福祉局 児童手当担当\n電話 03-5321-1111",
        status_url="https://kiban.example.lg.jp/submissions/KB-2025-000123",
    )
    return replace(receipt, **changes)


def _streams(pdf: bytes) -> list[bytes]:
    """Return every stream of ``pdf``, decoded (reportlab uses Flate, and ASCII85 for pages)."""
    decoded = []
    for match in re.finditer(rb"/Filter \[ ([^\]]*) \].*?stream\r?\n(.*?)endstream", pdf, re.S):
        raw = match.group(2)
        raw = base64.a85decode(raw.strip(), adobe=True) if b"ASCII85" in match.group(1) else raw
        decoded.append(zlib.decompressobj().decompress(raw))
    return decoded


def _to_unicode_characters(pdf: bytes) -> set[str]:
    """Return the characters the PDF's ToUnicode maps give its glyphs, as copied or searched."""
    maps = [s for s in _streams(pdf) if b"beginbfchar" in s]
    targets = re.findall(rb"^<[0-9A-F]{2}> <([0-9A-F]{4,})>$", b"\n".join(maps), re.M)
    return {bytes.fromhex(t.decode()).decode("utf-16-be") for t in targets}


def _shown_ascii_text(pdf: bytes) -> str:
    """Return the strings the pages show; ASCII reads as itself, so English text is legible."""
    contents = b"\n".join(s for s in _streams(pdf) if b" Tj" in s)
    shown = re.findall(rb"\(((?:\\.|[^\\)])*)\) Tj", contents)
    return "\n".join(s.decode("latin-1") for s in shown)


def _page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b(?!s)", pdf))


def test_receipt_is_a_pdf():
    pdf = receipt_pdf(_receipt())

    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")


def test_font_covers_rare_name_glyphs():
    cmap = TTFontFile(str(FONT_PATH)).charToGlyph

    assert {0x9AD9, 0xFA11, 0x20BB7, 0x5B50, 0xFA19, 0x795E} <= cmap.keys()
    assert all(ord(c) in cmap for c in RARE_NAME + KAMI_COMPAT)


def test_font_stays_small_enough_to_commit():
    assert FONT_PATH.stat().st_size < 8 * 1024 * 1024


def test_font_is_embedded_as_a_subset():
    pdf = receipt_pdf(_receipt())

    assert b"/FontFile2" in pdf
    assert re.search(rb"/BaseFont /[A-Z]{6}\+KibanSansJP-Regular", pdf)
    assert b"/Helvetica" not in pdf


def test_names_are_not_normalised():
    receipt = _receipt()

    characters = _to_unicode_characters(receipt_pdf(receipt))

    assert {"髙", "﨑", "𠮷", KAMI_COMPAT} <= characters
    assert "\u795e" not in characters
    assert receipt.applicant_name == "髙﨑 𠮷子"


def test_long_values_wrap_onto_several_pages_with_page_numbers():
    words = [f"w{i:04d}" for i in range(1500)]
    receipt = _receipt(language="en", sections=[("Notes", [("Remarks", " ".join(words))])])

    pdf = receipt_pdf(receipt)
    pages = _page_count(pdf)
    shown = _shown_ascii_text(pdf)

    assert pages >= 3
    assert [n for n in range(1, pages + 1) if f"Page {n} of {pages}" in shown] == [
        *range(1, pages + 1)
    ]
    # Every word once, in order, none glued to its neighbour at a line or page break.
    assert re.findall(r"w\d{4}\S*", shown) == words


def test_long_japanese_values_wrap_onto_several_pages():
    value = "東京都千代田区丸の内一丁目一番一号 髙﨑ビルディング𠮷野家の隣。" * 120
    receipt = _receipt(sections=[("その他", [("備考", value), ("短い項目", "あ")])])

    pdf = receipt_pdf(receipt)
    pages = _page_count(pdf)

    assert pages >= 2
    assert f"{pages} / {pages}" in _shown_ascii_text(pdf)


def test_reference_and_status_url_are_shown():
    pdf = receipt_pdf(_receipt(language="en"))

    assert "KB-2025-000123" in _shown_ascii_text(pdf)
    assert b"/URI (https://kiban.example.lg.jp/submissions/KB-2025-000123)" in pdf


def test_easy_japanese_receipt_renders():
    pdf = receipt_pdf(_receipt(language="ja-easy"))

    assert _page_count(pdf) == 1


def test_same_receipt_gives_same_bytes():
    assert receipt_pdf(_receipt()) == receipt_pdf(_receipt())


def test_submitted_at_is_shown_in_tokyo_time_in_both_calendars():
    moment = datetime(2025, 3, 31, 15, 30, tzinfo=UTC)

    assert format_submitted_at(moment, "ja") == "2025年4月1日（令和7年4月1日）00:30"
    assert format_submitted_at(moment, "en") == "1 April 2025, 00:30 JST (令和7年4月1日)"


def test_first_reiwa_year_is_gannen():
    moment = datetime(2019, 5, 1, 0, 0, tzinfo=UTC)

    assert format_submitted_at(moment, "ja-easy") == "2019年5月1日（令和元年5月1日）09:00"


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="language"):
        _receipt(language="fr")


def test_naive_submission_time_is_refused():
    with pytest.raises(ValueError, match="aware"):
        _receipt(submitted_at=datetime(2025, 4, 1, 9, 0))

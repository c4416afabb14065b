"""Render the receipt (受付控え) a resident keeps after submitting an application, as A4 PDF.

The text is drawn exactly as given, never normalised: a name written with 神 (U+FA19) or 𠮷
(U+20BB7) must print with that glyph. The embedded font, Kiban Sans JP (a subset of Noto
Sans JP, see ``kiban/web/fonts/README.md``), covers JIS X 0208, JIS X 0213, the cp932
extensions and 𠮷.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache, partial
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from kiban.jp.era import format_era

FONT_PATH = Path(__file__).resolve().parent.parent / "web" / "fonts" / "KibanSansJP-Regular.ttf"
FONT_NAME = "KibanSansJP"
TITLE = "申請受付控え / Application receipt"
TOKYO = ZoneInfo("Asia/Tokyo")

_MARGIN = 18 * mm
_LABEL_WIDTH = 50 * mm
_BORDER = colors.HexColor("#8a8a8a")
_SHADE = colors.HexColor("#f0f0f0")

# Fixed texts by receipt language. A receipt is printed in the language it was submitted
# in, whatever the language of the request that asks for it.
TEXTS: dict[str, dict[str, str]] = {
    "ja": {
        "intro": "次の内容で申請を受け付けました。この控えは大切に保管してください。",
        "reference": "受付番号",
        "reference_hint": "お問い合わせの際は、この受付番号をお伝えください。",
        "procedure": "手続き",
        "organisation": "担当",
        "applicant": "申請者",
        "submitted_at": "受付日時",
        "answers": "申請内容",
        "contact": "お問い合わせ先",
        "status": "申請の状況は、次のURLで確認できます。",
        "page": "{page} / {total} ページ",
        "empty": "（未入力）",
    },
    "en": {
        "intro": "We have received your application with the details below. "
        "Please keep this receipt.",
        "reference": "Reference number",
        "reference_hint": "Please quote this reference number when you contact us.",
        "procedure": "Procedure",
        "organisation": "Handled by",
        "applicant": "Applicant",
        "submitted_at": "Received",
        "answers": "Your answers",
        "contact": "Contact",
        "status": "You can check the status of your application here:",
        "page": "Page {page} of {total}",
        "empty": "(not answered)",
    },
    "ja-easy": {
        "intro": "あなたの 申請を 受け付けました。この 紙を なくさないで ください。",
        "reference": "受付番号（うけつけ ばんごう）",
        "reference_hint": "質問（しつもん）が あるときは、この 番号を 言って ください。",
        "procedure": "申請（しんせい）",
        "organisation": "担当（たんとう）",
        "applicant": "申請した 人",
        "submitted_at": "受け付けた 日",
        "answers": "あなたが 書いた こと",
        "contact": "質問（しつもん）は ここへ",
        "status": "申請が いま どう なって いるか、ここで 見る ことが できます。",
        "page": "{page} / {total} ページ",
        "empty": "（なし）",
    },
}

# Not strftime's %B, which follows the process locale.
_MONTHS = (
    "January February March April May June July August September October November December"
).split()

Section = tuple[str, list[tuple[str, str]]]


@dataclass(frozen=True)
class Receipt:
    """What the receipt of one submitted application shows."""

    reference: str
    procedure_title: str
    organisation_name: str
    submitted_at: datetime
    applicant_name: str
    sections: list[Section]
    language: str
    contact: str
    status_url: str

    def __post_init__(self) -> None:
        if self.language not in TEXTS:
            raise ValueError(f"no receipt texts for language {self.language!r}")
        if self.submitted_at.tzinfo is None:
            raise ValueError("submitted_at must be an aware datetime")


def receipt_pdf(receipt: Receipt) -> bytes:
    """Return the receipt as an A4 PDF with the Japanese font embedded."""
    font = _register_font()
    texts = TEXTS[receipt.language]
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=_MARGIN,
        rightMargin=_MARGIN,
        topMargin=_MARGIN,
        bottomMargin=_MARGIN + 8 * mm,
        title=f"{TITLE} {receipt.reference}",
        subject=receipt.procedure_title,
        creator="kiban",
        lang=receipt.language,
        initialFontName=font,
        invariant=True,
    )
    footer = partial(_draw_footer, receipt=receipt, texts=texts, font=font)
    document.build(
        _story(receipt, texts, _styles(font)),
        canvasmaker=partial(_NumberedCanvas, draw_footer=footer),
    )
    return buffer.getvalue()


def format_submitted_at(moment: datetime, language: str) -> str:
    """Return ``moment`` in Tokyo time, in the Gregorian (西暦) and Japanese (和暦) calendars."""
    local = moment.astimezone(TOKYO)
    era = format_era(local.date())
    if language == "en":
        month = _MONTHS[local.month - 1]
        return f"{local.day} {month} {local.year}, {local:%H:%M} JST ({era})"
    return f"{local.year}年{local.month}月{local.day}日（{era}）{local:%H:%M}"


class _ReceiptFont(TTFont):
    """A TTFont whose ToUnicode maps give characters beyond the BMP as UTF-16 pairs.

    reportlab 5.1 writes each entry as four hex digits, so 𠮷 (U+20BB7) is drawn right but
    copies and searches as ₻ (U+20BB). Fix the maps once the font objects exist.
    """

    def addObjects(self, doc) -> None:
        super().addObjects(doc)
        for key, obj in list(doc.idToObject.items()):
            if isinstance(key, str) and key.startswith("toUnicodeCMap:"):
                obj.content = _BEYOND_BMP.sub(_as_utf16, obj.content)


_BEYOND_BMP = re.compile(r"^<([0-9A-F]{2})> <([0-9A-F]{5,6})>$", re.MULTILINE)


def _as_utf16(match: re.Match[str]) -> str:
    character = chr(int(match.group(2), 16))
    return f"<{match.group(1)}> <{character.encode('utf-16-be').hex().upper()}>"


@cache
def _register_font() -> str:
    pdfmetrics.registerFont(_ReceiptFont(FONT_NAME, str(FONT_PATH)))
    return FONT_NAME


class _NumberedCanvas(Canvas):
    """A canvas that keeps its pages until the end, so each footer can say "n of N"."""

    def __init__(self, *args, draw_footer: Callable[[Canvas, int, int], None], **kwargs):
        super().__init__(*args, **kwargs)
        self._draw_footer = draw_footer
        self._pages: list[dict] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for number, page in enumerate(self._pages, start=1):
            self.__dict__.update(page)
            self._draw_footer(self, number, total)
            super().showPage()
        super().save()


def _styles(font: str) -> dict[str, ParagraphStyle]:
    # CJK wrapping breaks lines between any two characters (keeping kinsoku rules), which
    # Japanese text without spaces needs.
    base = ParagraphStyle("base", fontName=font, fontSize=10, leading=15, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", base, fontSize=18, leading=24, alignment=TA_CENTER),
        "body": base,
        "heading": ParagraphStyle(
            "heading", base, fontSize=13, leading=18, spaceBefore=6 * mm, spaceAfter=2 * mm
        ),
        "section": ParagraphStyle(
            "section", base, fontSize=11, leading=16, spaceBefore=4 * mm, spaceAfter=1.5 * mm
        ),
        "reference": ParagraphStyle(
            "reference", base, fontSize=24, leading=30, alignment=TA_CENTER, wordWrap=None
        ),
        "reference_label": ParagraphStyle("reference_label", base, alignment=TA_CENTER),
    }


def _text(value: str) -> str:
    """Return ``value`` as Paragraph markup: escaped, never normalised."""
    return escape(value)


class _Line(Paragraph):
    """A paragraph that keeps the spaces at its line breaks when split across pages.

    In CJK wrap mode reportlab 5.1 rejoins the lines of the part carried over without the
    spaces it broke them at ("than in" becomes "thanin"); give that part the original text.
    """

    def split(self, availWidth, availHeight):
        parts = super().split(availWidth, availHeight)
        if len(parts) != 2 or len(self.frags) != 1:
            return parts
        frag = self.frags[0]
        text = frag.text if hasattr(frag, "text") else "".join(frag.words)
        end = 0
        for _, words in parts[0].blPara.lines:
            for word in words:
                found = text.find(word, end)
                if found < 0:
                    return parts
                end = found + len(word)
        parts[1].frags[0].text = text[end:].lstrip(" ")
        return parts


def _lines(value: str, style: ParagraphStyle) -> list[Flowable]:
    """Return one paragraph per line of ``value``, so each can be split on its own."""
    return [
        _Line(_text(line), style) if line.strip() else Spacer(0, style.leading)
        for line in value.splitlines() or [""]
    ]


def _story(
    receipt: Receipt, texts: dict[str, str], styles: dict[str, ParagraphStyle]
) -> list[Flowable]:
    story: list[Flowable] = [
        Paragraph(_text(TITLE), styles["title"]),
        Spacer(0, 5 * mm),
        Paragraph(_text(texts["intro"]), styles["body"]),
        Spacer(0, 4 * mm),
        _reference_box(receipt, texts, styles),
        Spacer(0, 5 * mm),
    ]
    summary = [
        (texts["procedure"], receipt.procedure_title),
        (texts["organisation"], receipt.organisation_name),
        (texts["applicant"], receipt.applicant_name),
        (texts["submitted_at"], format_submitted_at(receipt.submitted_at, receipt.language)),
    ]
    story.append(_rows_table(summary, texts, styles))
    story.append(Paragraph(_text(texts["answers"]), styles["heading"]))
    for title, rows in receipt.sections:
        story.append(Paragraph(_text(title), styles["section"]))
        story.append(_rows_table(rows, texts, styles))
    story += [
        Paragraph(_text(texts["contact"]), styles["heading"]),
        *_lines(receipt.contact, styles["body"]),
        Spacer(0, 3 * mm),
        Paragraph(_text(texts["status"]), styles["body"]),
        Paragraph(_link(receipt.status_url), styles["body"]),
    ]
    return story


def _link(url: str) -> str:
    quoted = escape(url, {'"': "&quot;"})
    return f'<a href="{quoted}" color="#0b57d0"><u>{escape(url)}</u></a>'


def _reference_box(
    receipt: Receipt, texts: dict[str, str], styles: dict[str, ParagraphStyle]
) -> Table:
    box = Table(
        [
            [Paragraph(_text(texts["reference"]), styles["reference_label"])],
            [Paragraph(_text(receipt.reference), styles["reference"])],
            [Paragraph(_text(texts["reference_hint"]), styles["reference_label"])],
        ],
        colWidths=[A4[0] - 2 * _MARGIN - 40 * mm],
    )
    box.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT_NAME),
                ("BOX", (0, 0), (-1, -1), 2, colors.black),
                ("BACKGROUND", (0, 0), (-1, -1), _SHADE),
                ("TOPPADDING", (0, 0), (-1, -1), 2 * mm),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2 * mm),
            ]
        )
    )
    return box


def _rows_table(
    rows: list[tuple[str, str]], texts: dict[str, str], styles: dict[str, ParagraphStyle]
) -> Table:
    cells = [
        [_lines(label, styles["body"]), _lines(value or texts["empty"], styles["body"])]
        for label, value in rows
    ]
    # splitInRow lets one answer longer than a page continue on the next.
    table = Table(
        cells,
        colWidths=[_LABEL_WIDTH, A4[0] - 2 * _MARGIN - _LABEL_WIDTH],
        splitInRow=1,
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT_NAME),
                ("GRID", (0, 0), (-1, -1), 0.5, _BORDER),
                ("BACKGROUND", (0, 0), (0, -1), _SHADE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5 * mm),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5 * mm),
            ]
        )
    )
    return table


def _draw_footer(
    canvas: Canvas, page: int, total: int, *, receipt: Receipt, texts: dict[str, str], font: str
) -> None:
    width = A4[0] - 2 * _MARGIN
    y = _MARGIN
    canvas.saveState()
    canvas.setStrokeColor(_BORDER)
    canvas.setLineWidth(0.5)
    canvas.line(_MARGIN, y + 9 * mm, _MARGIN + width, y + 9 * mm)
    canvas.setFont(font, 8)
    contact = _fit(" ".join(receipt.contact.split()), font, 8, width)
    canvas.drawString(_MARGIN, y + 5 * mm, contact)
    canvas.setFont(font, 9)
    canvas.drawString(_MARGIN, y, f"{texts['reference']} {receipt.reference}")
    canvas.drawRightString(_MARGIN + width, y, texts["page"].format(page=page, total=total))
    canvas.restoreState()


def _fit(text: str, font: str, size: float, width: float) -> str:
    """Return ``text``, cut with an ellipsis if it is wider than ``width``."""
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"

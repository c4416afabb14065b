"""Build KibanSansJP-Regular.ttf: Noto Sans JP cut to the Japanese character sets, as TrueType.

Run with fontTools (a development tool, not a kiban dependency):
    python make_font.py NotoSansJP-Regular.otf KibanSansJP-Regular.ttf
"""

import sys

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable

FAMILY = "Kiban Sans JP"
POSTSCRIPT_NAME = "KibanSansJP-Regular"


def charset() -> set[str]:
    """Return JIS X 0208 and 0213, the cp932 (NEC/IBM) extensions, Latin and common symbols."""
    chars: set[str] = set()
    for b1 in range(0x81, 0x100):
        for b2 in range(0x40, 0x100):
            for encoding in ("shift_jis_2004", "cp932"):
                try:
                    chars.update(bytes([b1, b2]).decode(encoding))
                except UnicodeDecodeError:
                    pass
    for b1 in range(0xA1, 0xFF):
        for b2 in range(0xA1, 0xFF):
            for seq in (bytes([b1, b2]), bytes([0x8F, b1, b2])):
                try:
                    chars.update(seq.decode("euc_jis_2004"))
                except UnicodeDecodeError:
                    pass
    ranges = [
        (0x20, 0x7F),  # ASCII
        (0xA0, 0x180),  # Latin-1, Latin Extended-A (Ōno, Müller)
        (0x2000, 0x2070),  # punctuation
        (0x2100, 0x2200),  # letterlike symbols, number forms (№, Ⅳ)
        (0x2190, 0x2300),  # arrows, mathematical operators
        (0x2460, 0x2500),  # enclosed alphanumerics (①)
        (0x25A0, 0x2700),  # geometric shapes, symbols (○, ☎)
        (0x3000, 0x3100),  # CJK punctuation, hiragana, katakana
        (0x31F0, 0x3400),  # small katakana, enclosed CJK (㈱), CJK compatibility (㍻)
        (0xF900, 0xFB00),  # CJK compatibility ideographs (神 U+FA19, 﨑 U+FA11)
        (0xFF00, 0xFFF0),
    ]
    for lo, hi in ranges:
        chars.update(chr(c) for c in range(lo, hi))
    chars.add("\U00020bb7")  # 𠮷, in no JIS set but common in names
    return chars


def to_truetype(font: TTFont) -> None:
    """Replace the CFF outlines with quadratic TrueType ones, which reportlab can embed."""
    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        glyphs[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyf[name] = pen.glyph()
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    del font["CFF "]
    for tag in ("VORG",):
        if tag in font:
            del font[tag]
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for attr in (
        "maxZones",
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    maxp.maxComponentDepth = 0
    font["head"].glyphDataFormat = 0
    post = font["post"]
    post.formatType = 3.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = order
    font.sfntVersion = "\x00\x01\x00\x00"


def rename(font: TTFont) -> None:
    """Name the derivative apart from the original, as the OFL asks of modified versions."""
    name = font["name"]
    for record in list(name.names):
        if record.nameID in (1, 4, 16, 21):
            name.setName(
                FAMILY if record.nameID in (1, 16, 21) else f"{FAMILY} Regular",
                record.nameID,
                record.platformID,
                record.platEncID,
                record.langID,
            )
        elif record.nameID == 6:
            name.setName(POSTSCRIPT_NAME, 6, record.platformID, record.platEncID, record.langID)
        elif record.nameID == 3:
            name.setName(
                f"2.004;KIBAN;{POSTSCRIPT_NAME}",
                3,
                record.platformID,
                record.platEncID,
                record.langID,
            )


def main(source: str, target: str) -> None:
    font = TTFont(source, recalcTimestamp=False)
    options = subset.Options()
    options.layout_features = []
    options.drop_tables += ["BASE", "DSIG", "GSUB", "GPOS", "GDEF", "vhea", "vmtx", "VORG"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.glyph_names = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(c) for c in charset()])
    subsetter.subset(font)
    to_truetype(font)
    rename(font)
    font.save(target)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

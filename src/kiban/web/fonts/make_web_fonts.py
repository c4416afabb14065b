"""Build the web fonts for rare name glyphs: small WOFF2 cuts of KibanSansJP-Regular.ttf.

Pages use the reader's own Japanese fonts for everything else. These files hold only the
characters those fonts often lack — CJK Extension A, the CJK compatibility ideographs (﨑,
神 U+FA19) and the Supplementary Ideographic Plane (𠮷) — and kiban.css declares them with a
``unicode-range``, so a browser downloads one only for a page that shows such a character.

Run with fontTools and brotli (development tools, not kiban dependencies):
    python make_web_fonts.py KibanSansJP-Regular.ttf ../static/kiban/fonts/
"""

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

# file stem → code point ranges; kiban.css repeats these as each face's unicode-range.
CUTS = {
    "KibanNames-ExtA": [(0x3400, 0x4DBF)],
    "KibanNames-Compat": [(0xF900, 0xFAFF)],
    "KibanNames-Plane2": [(0x20000, 0x2FFFF)],
}


def build(source: Path, target_dir: Path) -> list[Path]:
    target_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for stem, ranges in CUTS.items():
        font = TTFont(source, recalcTimestamp=False)
        options = subset.Options()
        options.flavor = "woff2"
        options.layout_features = []
        options.hinting = False
        options.name_IDs = ["*"]  # keep the copyright, licence and "Kiban Sans JP" names
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=[c for lo, hi in ranges for c in range(lo, hi + 1)])
        subsetter.subset(font)
        path = target_dir / f"{stem}.woff2"
        font.flavor = "woff2"
        font.save(path)
        written.append(path)
    return written


if __name__ == "__main__":
    for written_path in build(Path(sys.argv[1]), Path(sys.argv[2])):
        print(written_path, written_path.stat().st_size)

"""One Unicode font with CJK coverage for every PDF Ordo renders with fpdf2.

`UnicodePdf` is an `FPDF` whose family `UnicodePdf.FAMILY` ("ordo-sans") is that font: the file
named by `ORDO_PDF_FONT`, else the first of the OS packages' CJK fonts found (Noto Sans CJK,
WenQuanYi, ...). fpdf2 embeds only the glyphs a document uses, so a page of Chinese stays a
few kilobytes. Styles the font has no face for (italic always, bold unless `bold_path` names
one) fall back to its regular face. When no font is found the PDF still renders with Helvetica,
every character it lacks replaced, and the log says once which font is missing and how to set
one.

Cost: fpdf2 reads a CJK font (tens of thousands of glyphs) and subsets it for every document,
about 0.7 s per face on an idle core; so only the regular face is used (a bold face doubles
it), and callers that serve the same PDF again should keep it (the certificate does).
"""

from __future__ import annotations

import functools
import logging
import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

logger = logging.getLogger(__name__)
# fontTools logs every step of subsetting a font at INFO: a screenful per PDF.
logging.getLogger("fontTools").setLevel(logging.WARNING)

FONT_ENV = "ORDO_PDF_FONT"

# Core fonts only cover Windows-1252.
CORE_ENCODING = "windows-1252"


@dataclass(frozen=True)
class PdfFont:
    """A font file (a TTC collection needs the face number) and its bold face, if any."""

    path: Path
    face: int = 0
    bold_path: Path | None = None


# Searched in this order; the face numbers pick Simplified Chinese out of the collections.
_NOTO = Path("/usr/share/fonts/opentype/noto")
_TRUETYPE = Path("/usr/share/fonts/truetype")
OS_FONTS = (
    PdfFont(_NOTO / "NotoSansCJK-Regular.ttc", 2),
    PdfFont(_TRUETYPE / "wqy/wqy-microhei.ttc"),
    PdfFont(_TRUETYPE / "noto-cjk/NotoSansCJK-Regular.ttc", 2),
    PdfFont(_TRUETYPE / "wqy/wqy-zenhei.ttc"),
    PdfFont(_TRUETYPE / "arphic/uming.ttc"),
    PdfFont(_TRUETYPE / "droid/DroidSansFallbackFull.ttf"),
)


def configured_font() -> PdfFont | None:
    """The font `ORDO_PDF_FONT` names (`path` or `path#face` for a collection), else the OS's."""
    setting = os.environ.get(FONT_ENV, "").strip()
    if setting:
        return _configured(setting)
    return _os_font()


@functools.cache
def _configured(setting: str) -> PdfFont | None:
    path, _, face = setting.partition("#")
    if Path(path).is_file() and (face or "0").isdigit():
        return PdfFont(Path(path), int(face or 0))
    logger.warning(
        "%s=%s is not a font file (path, or path#face for a collection): PDFs render with a "
        "core font and Chinese characters print as '?'",
        FONT_ENV,
        setting,
    )
    return None


@functools.cache
def _os_font() -> PdfFont | None:
    for font in OS_FONTS:
        if font.path.is_file():
            bold = font.bold_path if font.bold_path and font.bold_path.is_file() else None
            return PdfFont(font.path, font.face, bold)
    logger.warning(
        "No CJK font found (looked for %s): PDFs render with a core font and Chinese characters "
        "print as '?'. Install fonts-wqy-microhei or fonts-noto-cjk, or set %s to a TTF/OTF/TTC "
        "file (path#face for a collection's face)",
        ", ".join(str(font.path) for font in OS_FONTS),
        FONT_ENV,
    )
    return None


def core_safe(text: str) -> str:
    """`text` with every character the core fonts lack replaced: accents dropped, else '?'."""
    kept = []
    for character in text:
        if _encodable(character):
            kept.append(character)
            continue
        base = "".join(
            part
            for part in unicodedata.normalize("NFKD", character)
            if not unicodedata.combining(part)
        )
        kept.append(base if base and _encodable(base) else "?")
    return "".join(kept)


def _encodable(text: str) -> bool:
    try:
        text.encode(CORE_ENCODING)
    except UnicodeEncodeError:
        return False
    return True


class UnicodePdf(FPDF):
    """FPDF with `FAMILY` set to Ordo's Unicode font (Helvetica when none is installed).

    Draw any text a person wrote with `pdf.set_font(UnicodePdf.FAMILY, style, size)`, and
    style table cells with `pdf.face(...)`; core fonts (Courier for digests) stay available
    for ASCII.
    """

    FAMILY = "ordo-sans"

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.core_fonts_encoding = CORE_ENCODING
        self._unicode_styles = {""}
        font = configured_font()
        if font is None:
            self.unicode_font = None
            return
        self.add_font(self.FAMILY, "", font.path, collection_font_number=font.face)
        if font.bold_path:
            self.add_font(self.FAMILY, "B", font.bold_path, collection_font_number=font.face)
            self._unicode_styles.add("B")
        self.unicode_font = font

    @property
    def sans(self) -> str:
        """The family `FAMILY` is drawn with: the Unicode font, or Helvetica without one."""
        return self.FAMILY if self.unicode_font else "helvetica"

    def face(self, emphasis: str = "", **style) -> FontFace:
        """A table cell style in `FAMILY` (fpdf2 checks a heading's face exists up front)."""
        return FontFace(family=self.sans, emphasis=self._drawable(emphasis), **style)

    def set_font(self, family=None, style="", size=0) -> None:
        family = (family or self.font_family).lower()
        if family == self.FAMILY:
            family = self.sans
            style = self._drawable(str(getattr(style, "style", style)).upper())
        super().set_font(family, style, size)

    def _drawable(self, style: str) -> str:
        """`style` without the faces the Unicode font lacks (drawn with its regular face)."""
        if self.unicode_font is None:
            return style
        kept = "".join(letter for letter in style if letter in self._unicode_styles)
        return kept + ("U" if "U" in style else "")

    def normalize_text(self, text: str) -> str:
        if not self.is_ttf_font:
            text = core_safe(text)
        return super().normalize_text(text)

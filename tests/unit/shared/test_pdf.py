"""Unit tests of shared.pdf: the Unicode font every PDF draws with, and its fallback."""

import logging

import pytest

import shared.pdf
from shared.pdf import FONT_ENV, UnicodePdf, configured_font, core_safe
from tests.pdf_text import pdf_text

NAME = "杭州泵业有限公司"


def one_line_pdf(text: str, style: str = "") -> bytes:
    pdf = UnicodePdf()
    pdf.set_compression(False)
    pdf.add_page()
    pdf.set_font(UnicodePdf.FAMILY, style, 12)
    pdf.cell(0, 10, text)
    return bytes(pdf.output())


@pytest.fixture
def fresh_lookup(monkeypatch):
    """Forget the fonts found so far, so a test sees its own setting and its own log line."""
    shared.pdf._configured.cache_clear()
    shared.pdf._os_font.cache_clear()
    yield monkeypatch
    shared.pdf._configured.cache_clear()
    shared.pdf._os_font.cache_clear()


def test_core_font_text_keeps_western_characters_and_replaces_the_rest():
    assert core_safe("Zoë Ærø – 東京") == "Zoë Ærø – ??"


def test_accented_letters_outside_the_core_fonts_lose_only_their_accent():
    assert core_safe("Łódź, Kraków – Ağa") == "?ódz, Kraków – Aga"


def test_chinese_text_is_drawn_in_chinese_and_only_the_glyphs_used_are_embedded():
    pdf = one_line_pdf(f"{NAME} Hangzhou Pump Co.")

    assert NAME in pdf_text(pdf)
    # A CJK font file is megabytes; the subset of a dozen glyphs is a few kilobytes.
    assert len(pdf) < 60_000


def test_a_face_the_font_lacks_is_drawn_with_its_regular_face():
    assert NAME in pdf_text(one_line_pdf(NAME, style="IU"))


def test_a_missing_configured_font_falls_back_to_core_fonts_and_says_so_once(fresh_lookup, caplog):
    fresh_lookup.setenv(FONT_ENV, "/nowhere/font.ttc")

    with caplog.at_level(logging.WARNING, logger="shared.pdf"):
        first = one_line_pdf(f"{NAME} Zoë")
        one_line_pdf(NAME)

    assert first.startswith(b"%PDF-")
    assert b"(???????? Zo\xeb) Tj" in first  # uncompressed core-font text, windows-1252
    warnings = [record.getMessage() for record in caplog.records]
    assert len(warnings) == 1
    assert FONT_ENV in warnings[0] and "/nowhere/font.ttc" in warnings[0]


def test_without_any_cjk_font_the_log_names_the_packages_to_install(fresh_lookup, caplog):
    fresh_lookup.delenv(FONT_ENV, raising=False)
    fresh_lookup.setattr(shared.pdf, "OS_FONTS", (shared.pdf.PdfFont(shared.pdf.Path("/no.ttc")),))

    with caplog.at_level(logging.WARNING, logger="shared.pdf"):
        assert configured_font() is None
        assert configured_font() is None

    assert len(caplog.records) == 1
    assert "fonts-noto-cjk" in caplog.text and FONT_ENV in caplog.text


def test_the_configured_font_and_its_collection_face_are_used(fresh_lookup):
    found = configured_font()
    if found is None:
        pytest.skip("no CJK font installed")
    fresh_lookup.setenv(FONT_ENV, f"{found.path}#{found.face}")

    font = configured_font()

    assert (font.path, font.face, font.bold_path) == (found.path, found.face, None)

"""Unit tests of the delivery document checks."""

import hashlib
import io
import zipfile

import pytest

from services.delivery.domain.media import (
    ALLOWED_MEDIA_TYPES,
    MAX_DOCUMENT_BYTES,
    DocumentKind,
    check_document,
    normalise_media_type,
    sha256_hex,
)
from shared.errors import RuleViolation

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def zipped(*names):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<xml/>")
    return buffer.getvalue()


GOOD = {
    "application/pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n",
    "image/png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    "image/jpeg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
    "text/plain": "Zoë Ærø – 東京\n".encode(),
    "text/markdown": b"# Summary\n\nAll done.\n",
    "text/csv": b"criterion,result\nc-1,met\n",
    "application/zip": zipped("readme.txt"),
    DOCX: zipped("[Content_Types].xml", "word/document.xml"),
    XLSX: zipped("[Content_Types].xml", "xl/workbook.xml"),
}


def refusal(content, media_type):
    with pytest.raises(RuleViolation) as refused:
        check_document(content, media_type)
    return refused.value.errors


def test_the_document_kinds_are_the_five_delivery_documents():
    assert [kind.value for kind in DocumentKind] == [
        "project_summary",
        "user_manual",
        "test_report",
        "certificate",
        "other",
    ]


def test_every_allowed_media_type_has_a_sample_here():
    assert set(GOOD) == ALLOWED_MEDIA_TYPES


@pytest.mark.parametrize("media_type", sorted(GOOD))
def test_content_matching_its_media_type_is_accepted_with_size_and_checksum(media_type):
    content = GOOD[media_type]

    checked = check_document(content, media_type)

    assert checked.media_type == media_type
    assert checked.size == len(content)
    assert checked.sha256 == hashlib.sha256(content).hexdigest()


@pytest.mark.parametrize(
    "media_type", ["application/pdf", "image/png", "image/jpeg", "application/zip", DOCX, XLSX]
)
def test_binary_content_that_does_not_start_with_its_signature_is_refused(media_type):
    errors = refusal(b"<html>not it</html>", media_type)

    assert errors["content"].startswith(f"declared {media_type} but the bytes do not start like")


def test_a_png_declared_as_pdf_is_refused_saying_what_was_expected():
    assert refusal(GOOD["image/png"], "application/pdf") == {
        "content": "declared application/pdf but the bytes do not start like a PDF"
    }


def test_a_plain_zip_declared_as_a_word_document_is_refused():
    assert refusal(GOOD["application/zip"], DOCX) == {
        "content": f"declared {DOCX} but word/document.xml is missing"
    }


def test_a_truncated_zip_is_refused():
    assert "cannot be read" in refusal(GOOD[XLSX][:40], XLSX)["content"]


def test_text_that_is_not_utf8_is_refused_naming_the_byte():
    assert refusal("naïve".encode("latin-1"), "text/plain") == {
        "content": "declared text/plain but byte 2 is not valid UTF-8"
    }


def test_text_with_nul_bytes_is_refused():
    assert "NUL" in refusal(b"a\x00b", "text/csv")["content"]


def test_an_empty_document_is_refused():
    assert refusal(b"", "text/plain") == {"content": "the document is empty"}


def test_a_document_over_the_limit_is_refused_and_one_at_the_limit_is_not():
    at_limit = b"%PDF-" + b"0" * (MAX_DOCUMENT_BYTES - 5)

    assert check_document(at_limit, "application/pdf").size == MAX_DOCUMENT_BYTES
    message = refusal(at_limit + b"0", "application/pdf")["content"]
    assert message == "the document is 10,485,761 bytes; the limit is 10,485,760 bytes (10 MiB)"


def test_an_unlisted_media_type_is_refused_listing_the_allowed_ones():
    message = refusal(b"MZ\x90\x00", "application/x-msdownload")["media_type"]

    assert message.startswith("'application/x-msdownload' is not accepted; use one of:")
    assert "application/pdf" in message


def test_media_type_case_and_parameters_are_normalised():
    assert normalise_media_type("Text/Plain; charset=UTF-8") == "text/plain"
    assert normalise_media_type("application/pdf; name=x.pdf") == "application/pdf"


def test_text_in_another_charset_is_refused():
    with pytest.raises(RuleViolation, match="text must be UTF-8"):
        normalise_media_type('text/csv; charset="iso-8859-1"')


def test_sha256_hex_is_the_hex_digest():
    assert sha256_hex(b"abc") == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )

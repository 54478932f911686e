"""Delivery documents: their kinds, the media types accepted, and a check that bytes match."""

import hashlib
import io
import zipfile
from dataclasses import dataclass
from enum import StrEnum

from .errors import RuleViolation

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024


class DocumentKind(StrEnum):
    PROJECT_SUMMARY = "project_summary"
    USER_MANUAL = "user_manual"
    TEST_REPORT = "test_report"
    CERTIFICATE = "certificate"
    OTHER = "other"


PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
PLAIN_TEXT = "text/plain"
MARKDOWN = "text/markdown"
CSV = "text/csv"
ZIP = "application/zip"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

TEXT_MEDIA_TYPES = frozenset({PLAIN_TEXT, MARKDOWN, CSV})

_SIGNATURES: dict[str, tuple[bytes, str]] = {
    PDF: (b"%PDF-", "a PDF"),
    PNG: (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    JPEG: (b"\xff\xd8\xff", "a JPEG image"),
    ZIP: (b"PK\x03\x04", "a ZIP archive"),
    DOCX: (b"PK\x03\x04", "a Word document"),
    XLSX: (b"PK\x03\x04", "an Excel workbook"),
}

# The part every OOXML package of that type has, so a renamed ZIP is not taken for one.
_OOXML_MAIN_PART = {DOCX: "word/document.xml", XLSX: "xl/workbook.xml"}

ALLOWED_MEDIA_TYPES = frozenset(_SIGNATURES) | TEXT_MEDIA_TYPES

_TEXT_CHARSETS = frozenset({"utf-8", "utf8", "us-ascii"})


@dataclass(frozen=True)
class CheckedDocument:
    """What is known of a document's bytes once they passed the check."""

    media_type: str
    size: int
    sha256: str


def sha256_hex(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def normalise_media_type(declared: str) -> str:
    """The bare, lower-case media type, refused unless allowed; a text charset must be UTF-8."""
    media_type, *parameters = (part.strip() for part in declared.lower().split(";"))
    if media_type not in ALLOWED_MEDIA_TYPES:
        allowed = ", ".join(sorted(ALLOWED_MEDIA_TYPES))
        raise RuleViolation(
            {"media_type": f"{media_type!r} is not accepted; use one of: {allowed}"}
        )
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        charset = value.strip().strip('"')
        if (
            name.strip() == "charset"
            and media_type in TEXT_MEDIA_TYPES
            and charset not in _TEXT_CHARSETS
        ):
            raise RuleViolation({"media_type": f"charset {charset} given; text must be UTF-8"})
    return media_type


def check_document(content: bytes, media_type: str) -> CheckedDocument:
    """Refuse content that is empty, too large, or not what its declared media type says."""
    media_type = normalise_media_type(media_type)
    if not content:
        raise RuleViolation({"content": "the document is empty"})
    if len(content) > MAX_DOCUMENT_BYTES:
        raise RuleViolation(
            {
                "content": f"the document is {len(content):,} bytes; "
                f"the limit is {MAX_DOCUMENT_BYTES:,} bytes ({MAX_DOCUMENT_BYTES // 2**20} MiB)"
            }
        )
    if media_type in TEXT_MEDIA_TYPES:
        _check_text(content, media_type)
    else:
        _check_binary(content, media_type)
    return CheckedDocument(media_type, len(content), sha256_hex(content))


def _check_text(content: bytes, media_type: str) -> None:
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as error:
        raise RuleViolation(
            {"content": f"declared {media_type} but byte {error.start} is not valid UTF-8"}
        ) from None
    if "\x00" in text:
        raise RuleViolation({"content": f"declared {media_type} but contains NUL bytes"})


def _check_binary(content: bytes, media_type: str) -> None:
    signature, name = _SIGNATURES[media_type]
    if not content.startswith(signature):
        raise RuleViolation(
            {"content": f"declared {media_type} but the bytes do not start like {name}"}
        )
    if signature != _SIGNATURES[ZIP][0]:
        return
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        raise RuleViolation(
            {"content": f"declared {media_type} but the ZIP archive cannot be read"}
        ) from None
    main_part = _OOXML_MAIN_PART.get(media_type)
    if main_part and main_part not in names:
        raise RuleViolation({"content": f"declared {media_type} but {main_part} is missing"})

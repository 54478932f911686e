"""Delivery documents: their kinds, the media types accepted, and a check that bytes match."""

import hashlib
import io
import zipfile
from dataclasses import dataclass
from enum import StrEnum

from shared.errors import DomainError, RuleViolation

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


class DocumentTooLarge(DomainError):
    """More bytes than a document may have (the app answers 413)."""

    def __init__(self) -> None:
        super().__init__(
            f"A document may have at most {MAX_DOCUMENT_BYTES:,} bytes "
            f"({MAX_DOCUMENT_BYTES // 2**20} MiB).",
            max_bytes=MAX_DOCUMENT_BYTES,
        )


class MediaTypeRefused(RuleViolation):
    """A media type not accepted, or text not in UTF-8 (the app answers 415)."""

    def __init__(self, message: str) -> None:
        super().__init__({"media_type": message}, detail=f"media_type: {message}")


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
        raise MediaTypeRefused(f"{media_type!r} is not accepted; use one of: {allowed}")
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        charset = value.strip().strip('"')
        if (
            name.strip() == "charset"
            and media_type in TEXT_MEDIA_TYPES
            and charset not in _TEXT_CHARSETS
        ):
            raise MediaTypeRefused(f"charset {charset} given; text must be UTF-8")
    return media_type


def require_storable_size(content: bytes) -> None:
    """DocumentTooLarge beyond the limit (checked before anything else about an upload)."""
    if len(content) > MAX_DOCUMENT_BYTES:
        raise DocumentTooLarge()


def check_document(content: bytes, media_type: str) -> CheckedDocument:
    """Refuse content that is empty, too large, or not what its declared media type says."""
    media_type = normalise_media_type(media_type)
    if not content:
        raise _refused({"content": "the document is empty"})
    if len(content) > MAX_DOCUMENT_BYTES:
        raise _refused(
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
        raise _refused(
            {"content": f"declared {media_type} but byte {error.start} is not valid UTF-8"}
        ) from None
    if "\x00" in text:
        raise _refused({"content": f"declared {media_type} but contains NUL bytes"})


def _check_binary(content: bytes, media_type: str) -> None:
    signature, name = _SIGNATURES[media_type]
    if not content.startswith(signature):
        raise _refused({"content": f"declared {media_type} but the bytes do not start like {name}"})
    if signature != _SIGNATURES[ZIP][0]:
        return
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        raise _refused(
            {"content": f"declared {media_type} but the ZIP archive cannot be read"}
        ) from None
    main_part = _OOXML_MAIN_PART.get(media_type)
    if main_part and main_part not in names:
        raise _refused({"content": f"declared {media_type} but {main_part} is missing"})


def _refused(errors: dict[str, str]) -> RuleViolation:
    # A document's refusal says what is wrong in its detail too, not only in `errors`.
    return RuleViolation(errors, detail="; ".join(f"{f}: {m}" for f, m in errors.items()))

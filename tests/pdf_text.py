"""The text a PDF shows, read by poppler's pdftotext, for tests of PDFs that must render Chinese."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from shared.pdf import configured_font


def pdf_text(pdf: bytes, *, layout: bool = False) -> str:
    """The PDF's text; skips the test (failing it under CI=true) without pdftotext or a CJK font."""
    missing = [
        what
        for what, there in (
            ("pdftotext (poppler-utils)", shutil.which("pdftotext")),
            ("a CJK font (fonts-noto-cjk or ORDO_PDF_FONT)", configured_font()),
        )
        if not there
    ]
    if missing:
        reason = f"needs {' and '.join(missing)}"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    options = ["-layout"] if layout else []
    result = subprocess.run(
        ["pdftotext", *options, "-enc", "UTF-8", "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
        timeout=30,
    )
    return result.stdout.decode("utf-8")

"""Unit tests of the acceptance certificate PDF.

The layout tests draw with the core fonts (what happens without a CJK font installed), which is
fast and lets them read the text straight from the page streams; the Chinese ones draw with the
installed CJK font and read the text with pdftotext.
"""

import re
import zlib
from datetime import date, datetime, timedelta, timezone

import pytest

import services.delivery.render.certificate as certificate_module
import shared.pdf
from services.delivery.domain.decisions import Decision, PunchItem, Verdict
from services.delivery.render.certificate import (
    CertificateCriterion,
    CertificateData,
    CertificateDeliverable,
    CertificateDocument,
    SignatureBlock,
    draw_certificate,
    render_certificate,
)
from tests.pdf_text import pdf_text

DIGEST = "3f79bb7b435b05321651daefd374cdc681dc06faa65e374e38337b88ca046dea"


def certificate(decision=Decision.ACCEPTED, deliverable_count=2, **changes):
    deliverables = [
        CertificateDeliverable(
            f"Deliverable {number}",
            [
                CertificateCriterion("Exports orders as CSV", Verdict.MET, "checked 200 orders"),
                CertificateCriterion("Loads in under 2 s", Verdict.MET),
            ],
        )
        for number in range(1, deliverable_count + 1)
    ]
    values = dict(
        order_number="ORD-2026-0042",
        customer_name="Zoë Ærø – 東京",
        package_version=2,
        package_date=date(2026, 11, 20),
        decision=decision,
        deliverables=deliverables,
        signature=SignatureBlock(
            "Zoë Ærø – 東京",
            "Head of Operations",
            datetime(2026, 11, 26, 22, 4, 7, tzinfo=timezone(timedelta(hours=1))),
            "203.0.113.42",
        ),
        content_sha256=DIGEST,
    )
    return CertificateData(**(values | changes))


def pages_text(pdf: bytes) -> list[str]:
    """The text shown on each page, one string per line drawn."""
    pages = []
    # Each stream is read by its /Length: compressed bytes may end in what looks like an EOL.
    for length in re.finditer(rb"/Length (\d+)", pdf):
        start = pdf.index(b"\n", pdf.index(b"stream", length.end())) + 1
        try:
            content = zlib.decompress(pdf[start : start + int(length.group(1))])
        except zlib.error:
            continue
        strings = re.findall(rb"\(((?:\\.|[^\\)])*)\) Tj", content)
        if strings:
            lines = [re.sub(rb"\\(.)", rb"\1", s).decode("cp1252") for s in strings]
            pages.append("\n".join(lines))
    return pages


def certificate_text(data: CertificateData) -> str:
    return "\n".join(pages_text(render_certificate(data)))


@pytest.fixture
def core_fonts(monkeypatch):
    monkeypatch.setattr(shared.pdf, "configured_font", lambda: None)


def test_the_certificate_is_a_reproducible_pdf(core_fonts):
    pdf = draw_certificate(certificate())

    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")
    assert draw_certificate(certificate()) == pdf


def test_a_certificate_drawn_before_is_served_again_without_drawing(core_fonts, monkeypatch):
    data = certificate(order_number="ORD-2026-0099")
    first = render_certificate(data)
    monkeypatch.setattr(certificate_module, "draw_certificate", lambda data: b"drawn again")

    assert render_certificate(data) == first
    assert render_certificate(certificate(order_number="ORD-2026-0100")) == b"drawn again"


def test_the_certificate_shows_order_customer_package_and_decision(core_fonts):
    text = certificate_text(certificate())

    assert "Certificate of Acceptance" in text
    assert "ORD-2026-0042" in text
    assert "Zoë Ærø – ??" in text
    assert "Version 2 of 2026-11-20" in text
    assert "ACCEPTED" in text


def test_every_criterion_appears_under_its_deliverable_with_its_result(core_fonts):
    data = certificate(
        Decision.REJECTED,
        deliverables=[
            CertificateDeliverable(
                "Portal",
                [CertificateCriterion("Works in Edge", Verdict.NOT_MET, "date picker broken")],
            )
        ],
        reasons=["Keyboard navigation fails in Edge"],
    )

    text = certificate_text(data)

    assert "Record of Rejection" in text
    assert "1. Portal\n1.1\nWorks in Edge\nNot met\ndate picker broken" in text
    assert "Reasons for rejection" in text
    assert "Keyboard navigation fails in Edge" in text


def test_a_conditional_certificate_lists_the_punch_items(core_fonts):
    data = certificate(
        Decision.CONDITIONALLY_ACCEPTED,
        punch_list=[PunchItem("Fix the Edge date picker", date(2026, 12, 15))],
    )

    text = certificate_text(data)

    assert "Certificate of Conditional Acceptance" in text
    assert "Fix the Edge date picker\n2026-12-15\nOpen" in text


def test_an_unconditional_certificate_has_no_punch_list_section(core_fonts):
    text = certificate_text(certificate())

    assert "Punch list" not in text


def test_the_signature_block_shows_signer_time_in_utc_address_and_digest(core_fonts):
    text = certificate_text(certificate())

    assert "Zoë Ærø – ??\nHead of Operations, Zoë Ærø – ??" in text
    assert "Signed at (UTC)\n2026-11-26 21:04:07 UTC" in text
    assert "Client address\n203.0.113.42" in text
    assert f"Package content SHA-256\n{DIGEST}" in text


def test_a_naive_signing_time_is_taken_as_utc(core_fonts):
    signature = SignatureBlock("A", "B", datetime(2026, 11, 26, 21, 4, 7), "::1")

    text = certificate_text(certificate(signature=signature))

    assert "2026-11-26 21:04:07 UTC" in text


def test_a_long_certificate_breaks_pages_and_numbers_them(core_fonts):
    pages = pages_text(render_certificate(certificate(deliverable_count=40)))

    assert len(pages) > 3
    for number, page in enumerate(pages, start=1):
        # The total page count is drawn as its own piece of text.
        assert f"Page {number} of \n{len(pages)}" in page
    assert "40. Deliverable 40" in "\n".join(pages)
    assert "Package content SHA-256" in pages[-1]


def test_a_short_deliverable_is_kept_on_one_page_with_its_name(core_fonts):
    pages = pages_text(render_certificate(certificate(deliverable_count=40)))

    for page in pages[:-1]:
        body = page.rsplit("\nOrder ORD-2026-0042 - package", 1)[0]
        assert re.search(r"\nLoads in under 2 s\nMet\n-$", body)


def test_decision_and_verdicts_may_be_given_as_their_stored_text(core_fonts):
    data = certificate(
        "rejected",
        deliverables=[CertificateDeliverable("Portal", [CertificateCriterion("Fast", "not_met")])],
        reasons=["Too slow"],
    )

    assert "Record of Rejection" in certificate_text(data)


def test_a_comment_longer_than_a_page_is_cut_in_its_cell_and_printed_whole_in_the_notes(core_fonts):
    comment = " ".join(f"Run {number} of the belt was a little slow." for number in range(400))
    data = certificate(
        deliverables=[
            CertificateDeliverable("Belt", [CertificateCriterion("Runs", Verdict.MET, comment)])
        ]
    )

    text = certificate_text(data).replace("\n", " ")

    assert "(in full under Notes, 1.1 comment)" in text
    assert "1.1 comment" in text.split("Notes", 1)[1]
    assert "Run 399 of the belt was a little slow." in text


def test_a_chinese_customer_name_is_printed_in_chinese():
    data = certificate(customer_name="杭州泵业有限公司", locale="zh-CN")

    text = pdf_text(render_certificate(data))

    assert "杭州泵业有限公司" in text
    assert "验收证书" in text


def test_the_certificate_lists_the_package_documents_with_their_digests(core_fonts):
    manual = CertificateDocument("Operating manual", "manual.pdf", 3, "ab" * 32)

    text = certificate_text(certificate(documents=[manual]))

    assert "Documents" in text
    assert "Operating manual (v3)\nmanual.pdf" in text
    assert "ab" * 32 in text


def test_an_unknown_locale_draws_the_certificate_in_english(core_fonts):
    assert "Certificate of Acceptance" in certificate_text(certificate(locale="fr"))

"""Links are credentials: what services keep of them, and how logs mask them."""

import uuid
from datetime import UTC, datetime, timedelta

from shared.links import REDACTED, link_digest, redact_links, sign_link

TOKEN = sign_link(
    "a-secret-of-at-least-32-bytes-long!",
    "acceptance",
    uuid.uuid4(),
    datetime.now(UTC) + timedelta(days=1),
)


def test_a_service_keeps_a_digest_that_recognises_the_link_but_is_not_the_link():
    assert link_digest(TOKEN) == link_digest(TOKEN)
    assert TOKEN not in link_digest(TOKEN) and len(link_digest(TOKEN)) == 64


def test_a_logged_path_or_link_shows_no_token():
    for text in (
        f"/acceptance/{TOKEN}",
        f"/acceptance/{TOKEN}/documents/{uuid.uuid4()}",
        f"POST /surveys/by-token/{TOKEN} HTTP/1.1",
        f"https://ordo.example/acceptance/{TOKEN}?x=1",
        f"refused {TOKEN[:-3]}",
    ):
        masked = redact_links(text)
        assert TOKEN[:-3] not in masked and REDACTED in masked


def test_a_mangled_token_behind_a_link_path_is_masked_too_and_staff_paths_are_kept():
    assert redact_links("/surveys/by-token/not-a-jwt") == f"/surveys/by-token/{REDACTED}"
    for page in ("/portal/surveys/", "/portal/acceptance/", "/portal/sign-in/"):
        assert redact_links(f"{page}not-a-jwt?lang=zh-CN") == f"{page}{REDACTED}?lang=zh-CN"
    staff = f"/deliveries/{uuid.uuid4()}/acceptance-link"
    assert redact_links(staff) == staff

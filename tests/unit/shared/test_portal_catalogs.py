"""The portal's committed catalogs: every message translated, every .mo compiled from its .po."""

from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[3]
CATALOGS = sorted(ROOT.glob("shared/portal/translations/*/LC_MESSAGES/messages.po")) + sorted(
    ROOT.glob("services/*/translations/*/LC_MESSAGES/messages.po")
)


def messages(catalog) -> dict:
    return {message.id: message.string for message in catalog if message.id}


@pytest.mark.parametrize("po", CATALOGS, ids=lambda path: str(path.relative_to(ROOT)))
def test_the_compiled_catalog_holds_every_translation_of_its_po_file(po):
    with open(po, "rb") as source:
        written = read_po(source)
    untranslated = [m.id for m in written if m.id and (not m.string or m.fuzzy)]
    assert not untranslated, f"translate these in {po.name} (then `make translations`)"
    with open(po.with_suffix(".mo"), "rb") as compiled:
        assert messages(read_mo(compiled)) == messages(written), "run `make translations`"


def test_the_shared_catalog_exists():
    assert any("shared/portal" in str(path) for path in CATALOGS)

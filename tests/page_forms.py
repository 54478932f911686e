"""Reading a portal page in service tests: its form's fields as a browser would send them."""

from __future__ import annotations

import re
from html.parser import HTMLParser


class _Inputs(HTMLParser):
    def __init__(self, action: str | None):
        super().__init__()
        self.action, self.inside, self.fields, self.names = action, action is None, {}, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = self.action is None or attrs.get("action", "").startswith(self.action)
        if not self.inside or tag not in ("input", "textarea"):
            return
        name = attrs.get("name")
        self.names.append(name)
        kind = attrs.get("type", "text")
        if kind in ("radio", "checkbox") and "checked" not in attrs:
            return
        self.fields[name] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = self.action is None and self.inside


def form_fields(html: str, action: str | None = None) -> dict[str, str]:
    """The values the page's form (the one posting to `action`, if given) would send as it is:
    hidden fields, filled-in and checked ones."""
    reader = _Inputs(action)
    reader.feed(html)
    return reader.fields


def field_names(html: str) -> list[str]:
    """The names of every input and text area on the page, in order (radios repeat)."""
    reader = _Inputs(None)
    reader.feed(html)
    return reader.names


def visible_text(html: str) -> str:
    """The page's text without its tags, spaces folded (what a reader sees, roughly)."""
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)).strip()

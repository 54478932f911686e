"""The portal's languages: Flask-Babel over the shared catalog and the service's own.

The locale of a page is the first of: `?lang=` on the request (kept in the session, so the
switch sticks), the signed-in customer's locale, the browser's Accept-Language, English.
Locales are Ordo's (`en`, `zh-CN`, shared.vocabulary.LOCALES); Babel reads `zh_CN` as
`zh_Hans_CN`, which is the catalog directory's name.

Catalogs: `messages.po`/`.mo` under `<dir>/zh_Hans_CN/LC_MESSAGES/`, one directory in
shared/portal/translations and one per service; Flask-Babel merges them (the service's wins).
The .mo files are committed; `make translations` rebuilds every catalog.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, request, session
from flask_babel import Babel, get_locale

from shared.vocabulary import DEFAULT_LOCALE, LOCALES

SHARED_TRANSLATIONS = Path(__file__).parent / "translations"


def babel_name(locale: str) -> str:
    return locale.replace("-", "_")


def supported(value: str | None) -> str | None:
    """The Ordo locale `value` names (any case, `_` or `-`, a bare language), or None."""
    if not value:
        return None
    wanted = value.strip().replace("_", "-").lower()
    for locale in LOCALES:
        if locale.lower() == wanted:
            return locale
    language = wanted.split("-", 1)[0]
    return next((loc for loc in LOCALES if loc.lower().split("-", 1)[0] == language), None)


def select_locale() -> str:
    chosen = supported(request.args.get("lang"))
    if chosen:
        session["locale"] = chosen
    locale = (
        chosen
        or supported(session.get("locale"))
        or supported(session.get("customer_locale"))
        or request.accept_languages.best_match(
            [*LOCALES, *(babel_name(loc) for loc in LOCALES), "zh"]
        )
    )
    return babel_name(supported(locale) or DEFAULT_LOCALE)


def page_locale() -> str:
    """The current page's locale in Ordo's spelling (`zh-CN`), for `<html lang>` and mail."""
    return supported(str(get_locale() or "")) or DEFAULT_LOCALE


def install_languages(app: Flask, translations: Path | None) -> None:
    directories = [str(path) for path in (SHARED_TRANSLATIONS, translations) if path]
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(directories)
    app.config["BABEL_DEFAULT_LOCALE"] = DEFAULT_LOCALE
    Babel(app, locale_selector=select_locale)
    app.jinja_env.globals.update(page_locale=page_locale, locales=LOCALES)

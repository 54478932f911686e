"""Knowledge-base search terms: what a plain substring search looks for when full text is absent."""

import re

MAX_TERMS = 8
_WORD = re.compile(r"\w+", re.UNICODE)


def search_terms(query: str) -> list[str]:
    """The distinct lower-case words of ``query``, in order, at most MAX_TERMS of them."""
    terms: list[str] = []
    for word in _WORD.findall(query.lower()):
        if word not in terms:
            terms.append(word)
    return terms[:MAX_TERMS]

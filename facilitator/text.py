"""Cleaning what people type: one line, spaces folded, within a limit.

Every capability that takes a short text goes through here, so a name, a title or an
origin is trimmed and refused the same way; only the sentence saying so differs. A text
must be a string (a list or an object is refused, not stored as its Python spelling) and
must be valid Unicode (a lone surrogate cannot be saved).
"""
from __future__ import annotations

import unicodedata

from flask_babel import lazy_gettext as _l

from .errors import OperationError


def plain(value: object) -> str:
    """The text as sent, checked: a string (None counts as empty) of valid Unicode."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise OperationError("bad_request", _l(
            "This text could not be read. Please type it again."))
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise OperationError("bad_text", _l(
            "This text contains characters that cannot be saved. Please type it again."
        )) from None
    return value


def one_line(value: object) -> str:
    return " ".join(plain(value).split())


def clean_line(value: object, limit: int, too_long: object) -> str:
    """The text on one line, or OperationError("too_long", too_long) past `limit`."""
    text = one_line(value)
    if len(text) > limit:
        raise OperationError("too_long", too_long)
    return text


def text_direction(text: str | None) -> str:
    """"rtl" when the first strong letter is Arabic (or Hebrew), else "ltr": how a user's
    text is laid out in the drawings and the PDF, whatever the page's language."""
    for char in text or "":
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "ltr"

"""Cleaning what people type: one line, spaces folded, within a limit.

Every capability that takes a short text goes through here, so a name, a title or an
origin is trimmed and refused the same way; only the sentence saying so differs. A text
must be a string (a list or an object is refused, not stored as its Python spelling) and
must be valid Unicode (a lone surrogate cannot be saved). Control characters (NUL and the
other C0 and C1 codes) are taken out: they show as nothing or as boxes, break the CSV and
the PDF, and no keyboard types them; a text keeps its line breaks and tabs (a line break
is always "\n"). An email address is checked by email-validator, the same way wherever
one is typed.
"""
from __future__ import annotations

import re
import unicodedata

from email_validator import EmailNotValidError, validate_email
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
    return CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


# every control character but the tab and the line break
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def email_address(value: object, limit: int = 254) -> str:
    """An email address as typed (trimmed, its domain in lower case), or
    OperationError("bad_email"). Syntax only: nobody is asked whether it receives mail."""
    email = plain(value).strip()
    try:
        checked = validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        raise OperationError("bad_email", _l("Please give a valid email address.")) from None
    if len(checked.normalized) > limit:
        raise OperationError("bad_email", _l("The email address is too long."))
    return checked.normalized


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

"""Cleaning what people type: one line, spaces folded, within a limit.

Every capability that takes a short text goes through here, so a name, a title or an
origin is trimmed and refused the same way; only the sentence saying so differs.
"""
from __future__ import annotations

from .errors import OperationError


def one_line(value: object) -> str:
    return " ".join(str(value or "").split())


def clean_line(value: object, limit: int, too_long: object) -> str:
    """The text on one line, or OperationError("too_long", too_long) past `limit`."""
    text = one_line(value)
    if len(text) > limit:
        raise OperationError("too_long", too_long)
    return text

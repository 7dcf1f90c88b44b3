"""Checking what clients send: types are checked, never coerced.

A list where a text is expected is refused, not stored as "['a', 'b']"; "false" is not a
switch; an id is a whole number a database column can hold. The refusals are
OperationErrors with a sentence a person can read.
"""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from .errors import OperationError

MAX_ID = 2**31 - 1  # ids and seqs fit every database's INTEGER


def is_whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_id(value: Any) -> bool:
    """A row id a client may send: a whole number from 1 to MAX_ID."""
    return is_whole(value) and 0 < value <= MAX_ID


def is_count(value: Any) -> bool:
    """A seq or a count: a whole number from 0 to MAX_ID."""
    return is_whole(value) and 0 <= value <= MAX_ID


def ids_among(value: Any, allowed: set[int], message: object, most: int = 100) -> list[int]:
    """A list of ids chosen among `allowed` (null: none), each once, in the order sent."""
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > most or not all(is_id(v) for v in value):
        raise OperationError("bad_request", message)
    chosen = list(dict.fromkeys(value))
    if not set(chosen) <= allowed:
        raise OperationError("not_found", message)
    return chosen


def switch(value: Any, what: object = None) -> bool | None:
    """An on/off setting: true, false, or null/missing (leave it as it is)."""
    if value is None or isinstance(value, bool):
        return value
    raise OperationError("bad_request", what or _l(
        "This setting must be on or off. Please reload the page."))


def ids(value: Any, message: object) -> list[int]:
    """A non-empty list of ids, or OperationError("bad_request", message)."""
    if not isinstance(value, list) or not value or not all(is_id(v) for v in value):
        raise OperationError("bad_request", message)
    return value

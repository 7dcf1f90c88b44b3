"""Slowing down guesses: passwords, join codes and personal rejoin codes.

Only failed attempts count (`deduct_when`), so a room of phones behind one venue
address is never slowed down by people who typed the right code. Limits grow with the
window (a few a minute, more an hour, a day), so guessing gets slower and slower, and
no account is ever locked: anyone could otherwise lock a facilitator out of their own
seminar. Counters live in RATELIMIT_STORAGE_URI (memory for one process; Redis when
several processes serve the app).
"""
from __future__ import annotations

from flask import request
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address

from .extensions import limiter
from .joining import normalise_code

# per account and client address, failures only
PASSWORD_GUESSES = "5 per minute;20 per hour;60 per day"
# per client address: a wrong join code typed or opened (/j, /j/<code>)
JOIN_CODE_GUESSES = "30 per minute;200 per hour"
# per workshop and client address: wrong personal rejoin codes (a guesser slows down
# only themselves; docs/deploy.md has the arithmetic)
REJOIN_CODE_GUESSES = "20 per minute;200 per hour;1000 per day"


def _login_key() -> str:
    email = str(request.form.get("email", "")).strip().lower()[:254]
    return f"login:{email}:{get_remote_address()}"


def _rejoin_key() -> str:
    """The workshop (its join code however it is spelt in the URL) and the client."""
    code = normalise_code(str((request.view_args or {}).get("code", "")))
    return f"rejoin:{code}:{get_remote_address()}"


def _failed(status: int):
    return lambda response: response.status_code == status


password_guesses = limiter.limit(PASSWORD_GUESSES, key_func=_login_key, methods=["POST"],
                                 deduct_when=_failed(400))
join_code_guesses = limiter.limit(JOIN_CODE_GUESSES, key_func=lambda: (
    f"join:{get_remote_address()}"), deduct_when=_failed(404))
rejoin_code_guesses = limiter.limit(REJOIN_CODE_GUESSES, key_func=_rejoin_key,
                                    deduct_when=_failed(400))


def too_many_attempts_message() -> str:
    return _("Too many wrong attempts. Please wait a minute before trying again.")

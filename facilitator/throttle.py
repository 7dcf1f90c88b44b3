"""Slowing down guesses (passwords, join codes, rejoin codes) without ever turning the
limits against the room.

A venue puts 200 phones and the facilitator's laptop behind one address, and anyone in
the room can send wrong answers from it. So:
- a right join or rejoin code always passes, whatever was typed wrong before it from the
  same address. Wrong codes are counted per client address (rejoin codes per workshop
  and address); past a rate the wrong ones are answered 429 instead of 404, and past a
  daily ceiling of wrong join codes the address waits out the day (a thousand wrong
  codes are an attack, not typos). docs/protocol.md has the arithmetic;
- a right password from a device that has signed in to that account before (a signed
  device cookie) always works. Elsewhere wrong passwords bring growing delays, per
  account and address and per account from anywhere, never a lockout: the longest wait
  is MAX_DELAY. A device that sends too many wrong passwords itself loses its trust.
Counters live in RATELIMIT_STORAGE_URI through the limiter's storage: memory in one
process, the same Redis when several processes serve, so a guess counts once.
"""
from __future__ import annotations

import secrets
import time
from datetime import timedelta

from flask import current_app, request
from flask_babel import format_timedelta, gettext as _, lazy_gettext as _l
from flask_limiter.util import get_remote_address
from itsdangerous import BadSignature, URLSafeSerializer
from limits import parse_many

from .errors import OperationError
from .extensions import limiter
from .joining import normalise_code

# wrong join codes per client address: past the rates a wrong code is answered 429; past
# the ceiling every code from that address waits until the day's window moves on
JOIN_CODE_GUESSES = "30 per minute;200 per hour"
JOIN_CODE_CEILING = "1000 per day"
# wrong rejoin codes per workshop and client address (no ceiling: the code space is
# 31^10, and the right code is never refused)
REJOIN_CODE_GUESSES = "20 per minute;200 per hour"
# wrong passwords: free ones, then a wait that doubles with each failure up to MAX_DELAY
FREE_PER_ADDRESS = 5       # per account and client address, in a day
FREE_PER_ACCOUNT = 20      # per account, from every address together, in a day
FREE_PER_DEVICE = 10       # from a trusted device, before it loses its trust, in a day
MAX_DELAY = 15 * 60        # seconds: the longest anyone ever waits
DAY = 24 * 3600
DEVICE_COOKIE = "facilitator_device"
DEVICE_DAYS = 365
DEVICE_ACCOUNTS = 5        # accounts one browser remembers having signed in to


def _address() -> str:
    return get_remote_address()


def _counts(rates: str, kind: str, key: str) -> bool:
    """Count one wrong answer against every rate; False once one of them is exceeded."""
    return all([limiter.limiter.hit(item, kind, key) for item in parse_many(rates)])


def _within(rates: str, kind: str, key: str) -> bool:
    return all(limiter.limiter.test(item, kind, key) for item in parse_many(rates))


def too_many_attempts_message() -> str:
    return _("Too many wrong attempts. Please wait a minute before trying again.")


class TooManyGuesses(OperationError):
    """A guess answered 429 (views/main.py shows the sentence)."""

    def __init__(self, message: object):
        super().__init__("too_many_attempts", message)


# --- join and rejoin codes ------------------------------------------------------------

def before_join_code() -> None:
    """Refuse every code from an address past the day's ceiling of wrong ones."""
    if not _within(JOIN_CODE_CEILING, "join-ceiling", _address()):
        raise TooManyGuesses(_l("Too many wrong codes came from this network today. Join "
                                "through your phone's mobile data, or ask the facilitator "
                                "for help."))


def wrong_join_code() -> None:
    """Count a wrong join code; past the rates say to slow down (else the caller's 404)."""
    address = _address()
    within_ceiling = _counts(JOIN_CODE_CEILING, "join-ceiling", address)
    if not (_counts(JOIN_CODE_GUESSES, "join", address) and within_ceiling):
        raise TooManyGuesses(_l("Too many wrong codes. Check the code on the screen and "
                                "wait a minute before trying another."))


def wrong_rejoin_code(join_code: str) -> None:
    """Count a wrong rejoin code for this workshop (its join code however it is spelt)
    and this address; past the rates the answer is 429, and a right code still passes."""
    key = f"{normalise_code(join_code)}:{_address()}"
    if not _counts(REJOIN_CODE_GUESSES, "rejoin", key):
        raise TooManyGuesses(too_many_attempts_message())


# --- passwords -------------------------------------------------------------------------

def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="facilitator-device")


def _device() -> dict | None:
    """This browser's signed device cookie: {"d": its id, "a": [account ids]}."""
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw:
        return None
    try:
        device = _serializer().loads(raw)
    except BadSignature:
        return None
    if not (isinstance(device, dict) and isinstance(device.get("d"), str)
            and isinstance(device.get("a"), list)):
        return None
    return device


def _trusted_device(account_id: int | None) -> str | None:
    """The device id when this browser signed in to this account before and has not sent
    too many wrong passwords itself today."""
    device = _device()
    if account_id is None or device is None or account_id not in device["a"]:
        return None
    storage = limiter.storage
    if storage.get(f"pw-device:{device['d']}") >= FREE_PER_DEVICE:
        return None
    return device["d"]


def _delay(failures: int, free: int) -> int:
    return 0 if failures <= free else min(2 ** (failures - free), MAX_DELAY)


def _wait_left(key: str) -> int:
    storage = limiter.storage
    if storage.get(f"{key}:wait") <= 0:
        return 0
    return max(1, int(storage.get_expiry(f"{key}:wait") - time.time() + 0.999))


def _password_keys(email: str) -> list[tuple[str, int]]:
    email = email.strip().lower()[:254]
    return [(f"pw:{email}:{_address()}", FREE_PER_ADDRESS), (f"pw:{email}", FREE_PER_ACCOUNT)]


def password_attempt(email: str, account_id: int | None, attempt):
    """Run `attempt()` (which raises OperationError "wrong_credentials" on a wrong
    password) unless this client must wait first; count a failure. A trusted device
    never waits, and its failures count against itself alone."""
    device = _trusted_device(account_id)
    keys = [] if device else _password_keys(email)
    wait = max([_wait_left(key) for key, _free in keys], default=0)
    if wait:
        raise TooManyGuesses(_l(
            "Too many wrong passwords for this account. Try again %(when)s, or sign in "
            "from a device you have used before.",
            when=format_timedelta(timedelta(seconds=wait), add_direction=True,
                                  threshold=1.1)))
    try:
        return attempt()
    except OperationError as refusal:
        if refusal.code == "wrong_credentials":
            _wrong_password(device, keys)
        raise


def _wrong_password(device: str | None, keys: list[tuple[str, int]]) -> None:
    storage = limiter.storage
    if device:
        storage.incr(f"pw-device:{device}", DAY)
        return
    for key, free in keys:
        delay = _delay(storage.incr(key, DAY), free)
        if delay:
            storage.clear(f"{key}:wait")
            storage.incr(f"{key}:wait", delay)


def signed_in(response, account_id: int, email: str):
    """After a right password: this browser becomes a trusted device for the account, and
    the account's failures from this address are forgotten."""
    device = _device() or {"d": secrets.token_urlsafe(16), "a": []}
    accounts = [account_id] + [a for a in device["a"] if a != account_id]
    value = _serializer().dumps({"d": device["d"], "a": accounts[:DEVICE_ACCOUNTS]})
    response.set_cookie(DEVICE_COOKIE, value, max_age=DEVICE_DAYS * DAY, httponly=True,
                        samesite="Lax", secure=current_app.config.get(
                            "SESSION_COOKIE_SECURE", False))
    storage = limiter.storage
    address_key = _password_keys(email)[0][0]
    storage.clear(address_key)
    storage.clear(f"{address_key}:wait")
    return response

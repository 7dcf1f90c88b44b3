"""Facilitator accounts: create, authenticate (with throttling), reset a password."""
from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from .errors import OperationError
from .extensions import db
from .models import Facilitator, utcnow

MAX_FAILED_LOGINS = 5
LOCK_DURATION = timedelta(minutes=5)
MIN_PASSWORD_LENGTH = 8


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def validate_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise OperationError("weak_password", _l(
            "The password needs at least %(n)d characters.", n=MIN_PASSWORD_LENGTH))


def has_accounts() -> bool:
    return bool(db.session.scalar(select(func.count()).select_from(Facilitator)))


def find(email: str) -> Facilitator | None:
    return db.session.scalar(select(Facilitator).where(
        Facilitator.email == normalise_email(email)))


def create_facilitator(email: str, name: str, password: str) -> Facilitator:
    email = normalise_email(email)
    if "@" not in email or len(email) > 254:
        raise OperationError("bad_email", _l("Please give a valid email address."))
    name = (name or "").strip()
    if not name:
        raise OperationError("empty_name", _l("Please give your name."))
    validate_password(password)
    if find(email) is not None:
        raise OperationError("email_taken", _l("An account with this email already exists."))
    facilitator = Facilitator(email=email, name=name[:120],
                              password_hash=generate_password_hash(password))
    db.session.add(facilitator)
    db.session.commit()
    return facilitator


def authenticate(email: str, password: str) -> Facilitator:
    """The facilitator for these credentials. After MAX_FAILED_LOGINS wrong passwords in a
    row the account is locked for LOCK_DURATION, whatever is typed."""
    facilitator = find(email)
    wrong = OperationError("wrong_credentials", _l("Wrong email or password."))
    if facilitator is None:
        raise wrong
    now = utcnow()
    if facilitator.locked_until and facilitator.locked_until > now:
        minutes = max(1, int((facilitator.locked_until - now).total_seconds() // 60) + 1)
        raise OperationError("locked", _l(
            "Too many wrong passwords. Try again in %(n)d minutes.", n=minutes))
    if not check_password_hash(facilitator.password_hash, password or ""):
        facilitator.failed_logins += 1
        if facilitator.failed_logins >= MAX_FAILED_LOGINS:
            facilitator.locked_until = now + LOCK_DURATION
            facilitator.failed_logins = 0
        db.session.commit()
        raise wrong
    facilitator.failed_logins = 0
    facilitator.locked_until = None
    db.session.commit()
    return facilitator


def reset_password(email: str, password: str) -> Facilitator:
    facilitator = find(email)
    if facilitator is None:
        raise OperationError("unknown_email", _l("No account has this email."))
    validate_password(password)
    facilitator.password_hash = generate_password_hash(password)
    facilitator.failed_logins = 0
    facilitator.locked_until = None
    db.session.commit()
    return facilitator

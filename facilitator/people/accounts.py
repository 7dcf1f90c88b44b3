"""Facilitator accounts: create, authenticate, reset a password. Callers commit
(operations.run), so a refused change leaves nothing saved."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from .. import eventlog
from ..errors import OperationError
from ..extensions import db
from ..models import Facilitator, new_token
from ..text import email_address, plain

MIN_PASSWORD_LENGTH = 8


def normalise_email(email: str) -> str:
    """An address as accounts are looked up by: trimmed, in lower case."""
    return plain(email).strip().lower()


def account_email(value: object) -> str:
    """A new account's (or invitation's) email: a valid address (text.email_address), in
    lower case, one account per address; else OperationError("bad_email")."""
    return email_address(value).lower()


def validate_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise OperationError("weak_password", _l(
            "The password needs at least %(n)d characters.", n=MIN_PASSWORD_LENGTH))


def has_accounts() -> bool:
    return db.session.scalar(select(Facilitator.id).limit(1)) is not None


def find(email: str) -> Facilitator | None:
    return db.session.scalar(select(Facilitator).where(
        Facilitator.email == normalise_email(email)))


def create_facilitator(email: str, name: str, password: str) -> Facilitator:
    email = account_email(email)
    name = plain(name).strip()
    if not name:
        raise OperationError("empty_name", _l("Please give your name."))
    validate_password(password)
    if find(email) is not None:
        raise OperationError("email_taken", _l("An account with this email already exists."))
    facilitator = Facilitator(email=email, name=name[:120],
                              password_hash=generate_password_hash(password),
                              session_token=new_token())
    db.session.add(facilitator)
    db.session.flush()
    return facilitator


def authenticate(email: str, password: str) -> Facilitator:
    """The facilitator for these credentials, or a refusal that does not say which was
    wrong. Guessing is slowed down by the login view's rate limits (per account and
    client), never by locking the account: anyone could lock a facilitator out."""
    facilitator = find(email)
    if facilitator is None or not check_password_hash(facilitator.password_hash,
                                                      password or ""):
        raise OperationError("wrong_credentials", _l("Wrong email or password."))
    return facilitator


def reset_password(email: str, password: str) -> Facilitator:
    """A new password; every session of this person is signed out (the caller commits)."""
    facilitator = find(email)
    if facilitator is None:
        raise OperationError("unknown_email", _l("No account has this email."))
    validate_password(password)
    facilitator.password_hash = generate_password_hash(password)
    signed_out(facilitator)
    return facilitator


def signed_out(facilitator: Facilitator) -> None:
    """A facilitator signed out (or changed password): their session token is replaced,
    and their open consoles and projectors lose their rights at once."""
    facilitator.session_token = new_token()
    for member in facilitator.memberships:
        eventlog.realign_staff(member.workshop_id, extra=[facilitator.id], gone=[facilitator.id])

"""Invitations to a workshop's team: the owner invites an email as co-facilitator or
organiser, and the person joins through the link, with a new account or the one they
have, straight into the workshop's console.

A link works once, for 7 days, until the owner revokes it; inviting the same email again
replaces it (a lost link is simply sent anew). Only the link holds the token: the row
keeps its hash, as for a phone's token, so no copy of the database opens an invitation,
and the token goes into no log and no event. The email stays in the invitation's row.
Joining goes through workshops.join_team, the path of every member, so open consoles
take the new member at once. The email is sent after the commit (facilitator/mail.py)
and only when a mail server is set up; the owner can always copy the link.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from flask_babel import force_locale, format_date, gettext as _, lazy_gettext as _l
from sqlalchemy import select, update

from .. import joining, mail, workshops
from ..errors import OperationError
from ..extensions import db
from ..models import Facilitator, Invitation, Membership, Workshop, of_workshop, utcnow
from ..viewers import Viewer
from . import accounts

VALID_FOR = timedelta(days=7)
ROLE_NAMES = {"cofacilitator": _l("Co-facilitator"), "organiser": _l("Organiser")}


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def state(invitation: Invitation, now: datetime | None = None) -> str:
    """pending, used, revoked or expired."""
    if invitation.accepted_at is not None:
        return "used"
    if invitation.revoked_at is not None:
        return "revoked"
    if invitation.expires_at <= (now or utcnow()):
        return "expired"
    return "pending"


def find(token: str | None) -> Invitation | None:
    if not token:
        return None
    return db.session.scalar(select(Invitation).where(
        Invitation.token_hash == token_hash(token)))


def waiting(workshop_id: int) -> list[Invitation]:
    """The invitations nobody has used or revoked yet (expired ones too, to send again)."""
    return list(db.session.scalars(
        select(Invitation).where(Invitation.workshop_id == workshop_id,
                                 Invitation.accepted_at.is_(None),
                                 Invitation.revoked_at.is_(None))
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())))


def invite(viewer: Viewer, email: str, role: str, language: str) -> dict:
    """The owner invites someone; returns the invitation's id and its token, to put in
    the link (the page shows it, and mails it after the commit: mail_invitation). Only
    the token's hash is stored, so the form sends no op_id: an answer kept to send again
    would keep the token. A pending invitation for the same email is revoked: the newest
    link is the one that works."""
    workshops.require_owner(viewer, _l("Only the workshop's owner can invite people."))
    workshops.check_team_role(role)
    email = accounts.account_email(email)
    account = accounts.find(email)
    if account is not None and workshops.membership(viewer.workshop_id, account.id):
        raise OperationError("already_member", _l(
            "%(name)s is already in this workshop's team.", name=account.name))
    now = utcnow()
    db.session.execute(
        update(Invitation)
        .where(Invitation.workshop_id == viewer.workshop_id, Invitation.email == email,
               Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None))
        .values(revoked_at=now).execution_options(synchronize_session=False))
    token = secrets.token_urlsafe(32)
    invitation = Invitation(workshop_id=viewer.workshop_id, email=email, role=role,
                            language=language, token_hash=token_hash(token),
                            invited_by_id=viewer.facilitator_id, created_at=now,
                            expires_at=now + VALID_FOR,
                            mail_state="sending" if mail.configured() else "")
    db.session.add(invitation)
    db.session.flush()
    return {"invitation_id": invitation.id, "token": token}


def revoke(viewer: Viewer, invitation_id: object) -> dict:
    """The owner takes an invitation back: its link stops working."""
    workshops.require_owner(viewer, _l("Only the workshop's owner can revoke invitations."))
    invitation = of_workshop(Invitation, invitation_id, viewer.workshop_id,
                             _l("This invitation no longer exists."))
    if invitation.accepted_at is not None:
        raise OperationError("invitation_used", _l(
            "This invitation has already been used: remove the person from the team "
            "instead."))
    if invitation.revoked_at is None:
        invitation.revoked_at = utcnow()
    return {"invitation_id": invitation.id}


def usable(token: str | None) -> Invitation:
    """The invitation of this token while it can still be used, or a refusal that says
    what became of it."""
    invitation = find(token)
    if invitation is None:
        raise OperationError("not_found", _l(
            "This invitation link is not valid. Check that the whole link was copied, or "
            "ask the workshop's owner for a new one."))
    what = state(invitation)
    if what == "used":
        raise OperationError("invitation_used", _l(
            "This invitation has already been used. Sign in to reach the workshop."))
    if what == "revoked":
        raise OperationError("invitation_revoked", _l(
            "This invitation was withdrawn by the workshop's owner. Ask them for a new "
            "one if you still need it."))
    if what == "expired":
        raise OperationError("invitation_expired", _l(
            "This invitation expired on %(date)s. Ask the workshop's owner for a new one.",
            date=expiry_date(invitation)))
    return invitation


def accept(token: str | None, facilitator: Facilitator) -> Membership:
    """The invited person, signed in with the invitation's email, takes their place in
    the team. The link is used up in the same transaction (compare and set, so two tabs
    sending it at once join once)."""
    invitation = usable(token)
    if facilitator.email != invitation.email:
        raise OperationError("wrong_account", _l(
            "This invitation is for another email address."))
    used = db.session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.accepted_at.is_(None),
               Invitation.revoked_at.is_(None))
        .values(accepted_at=utcnow(), accepted_by_id=facilitator.id)
        .execution_options(synchronize_session=False)).rowcount
    if used != 1:
        raise OperationError("invitation_used", _l(
            "This invitation has already been used. Sign in to reach the workshop."))
    return workshops.join_team(invitation.workshop_id, facilitator, invitation.role,
                               actor=f"facilitator:{facilitator.id}")


def accept_with_new_account(token: str | None, name: str, password: str) -> Facilitator:
    """Someone without an account: the account (with the invitation's email) and the
    place in the team are made together, or neither is."""
    invitation = usable(token)
    facilitator = accounts.create_facilitator(invitation.email, name, password)
    accept(token, facilitator)
    return facilitator


def accept_signing_in(token: str | None, password: str) -> Facilitator:
    """Someone who has an account with the invitation's email signs in to accept."""
    invitation = usable(token)
    facilitator = accounts.authenticate(invitation.email, password)
    accept(token, facilitator)
    return facilitator


# --- the link and the email ----------------------------------------------------------------


def link(token: str) -> str:
    """The address to send: the join links' (PUBLIC_URL, else one the room can reach)."""
    return joining.base_url() + joining.path_of("auth.open_invitation", token=token)


def expiry_date(invitation: Invitation) -> str:
    """The last day the link works, on the workshop's clock, in the reader's language."""
    try:
        zone = ZoneInfo(invitation.workshop.timezone)
    except (ValueError, KeyError, OSError):
        zone = ZoneInfo("UTC")
    moment = invitation.expires_at.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone)
    return format_date(moment.date(), "long")


def mail_invitation(invitation: Invitation, token: str) -> bool:
    """Email the link, after the commit, in the invitation's language; False (nothing
    sent) when no mail server is set up."""
    if invitation.mail_state != "sending":
        return False
    workshop: Workshop = invitation.workshop
    inviter = invitation.invited_by
    with force_locale(invitation.language):
        values = {"inviter": inviter.name if inviter else workshop.title,
                  "title": workshop.title, "date": expiry_date(invitation)}
        if invitation.role == "organiser":
            opening = _("%(inviter)s invites you to follow the workshop “%(title)s” as an "
                        "organiser: you will see it live and download its action plan.",
                        **values)
        else:
            opening = _("%(inviter)s invites you to run the workshop “%(title)s” with "
                        "them, as a co-facilitator.", **values)
        body = "\n\n".join([
            opening,
            _("Open this link to set your name and password (or to sign in, if you "
              "already have an account), and you will arrive in the workshop's console:"),
            link(token),
            _("The link works once, until %(date)s.", **values),
            _("If you did not expect this invitation, you can ignore this email."),
        ]) + "\n"
        subject = _("Invitation to the workshop “%(title)s”", **values)
    mail.send_later(mail.message(invitation.email, subject, body,
                                 reply_to=inviter.email if inviter else None),
                    then=partial(_mailed, invitation.id))
    return True


def _mailed(invitation_id: int, sent: bool) -> None:
    """How the email went, for the team page (a note on the row, in a transaction of
    its own: it changes nothing in the room)."""
    db.session.execute(update(Invitation).where(Invitation.id == invitation_id)
                       .values(mail_state="sent" if sent else "failed")
                       .execution_options(synchronize_session=False))
    db.session.commit()

"""Who a request speaks for, derived again from the database every time.

A socket keeps only its Identity (ids and the secret it connected with). Every operation
and every `sync` turns it into a Viewer by reading the membership, the facilitator's
session token or the participant's token now, so a co-facilitator removed, demoted or
signed out, or a participant moved to another group, is taken at their word as they are
now, on every server process.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, select

from .extensions import db
from .models import Facilitator, Membership, Participant, ParticipantToken
from .viewers import Viewer


@dataclass(frozen=True)
class Identity:
    workshop_id: int
    view: str  # "phone", "console" or "projector"
    facilitator_id: int | None = None
    session_token: str | None = None  # the facilitator's, when the socket connected
    participant_id: int | None = None
    token_hash: str | None = None  # the phone's cookie token (hashed)


def viewer_of(source: Identity | Viewer) -> Viewer | None:
    """The Viewer this identity is now, or None when its rights are gone.

    An in-process caller (the sample, tests) may pass a Viewer: its ids are checked
    again the same way, without a secret. A newcomer (the join and rejoin forms) holds
    only the join code, which its page has checked; it has nothing to read again."""
    if isinstance(source, Viewer) and source.kind == "newcomer":
        return source
    if isinstance(source, Viewer):
        source = Identity(
            workshop_id=source.workshop_id,
            view={"participant": "phone", "facilitator": "console"}.get(source.kind,
                                                                         source.kind),
            facilitator_id=source.facilitator_id, participant_id=source.participant_id)
        if source.view == "projector" and source.facilitator_id is None:
            return Viewer(kind="projector", workshop_id=source.workshop_id)
    if source.view == "phone":
        return _participant(source)
    return _facilitator(source)


# read at every operation and sync, so built once (see eventlog's statements)
_PARTICIPANT = select(Participant).where(Participant.id == bindparam("participant_id"),
                                         Participant.workshop_id == bindparam("workshop_id"))
_PARTICIPANT_HOLDING = _PARTICIPANT.join(ParticipantToken).where(
    ParticipantToken.token_hash == bindparam("token_hash"))


def _participant(identity: Identity) -> Viewer | None:
    ids = {"participant_id": identity.participant_id, "workshop_id": identity.workshop_id}
    if identity.token_hash is None:
        participant = db.session.execute(_PARTICIPANT, ids).scalar()
    else:
        participant = db.session.execute(_PARTICIPANT_HOLDING,
                                         {**ids, "token_hash": identity.token_hash}).scalar()
    if participant is None:
        return None
    # the identity map holds objects weakly: keep this one for the request, so the
    # capability reads the participant (their name on a card) without a query
    db.session.info.setdefault("facilitator.people", {})[participant.id] = participant
    return Viewer(kind="participant", workshop_id=participant.workshop_id,
                  participant_id=participant.id,
                  group_id=participant.group_id)


def _facilitator(identity: Identity) -> Viewer | None:
    query = select(Membership.role).where(
        Membership.workshop_id == identity.workshop_id,
        Membership.facilitator_id == identity.facilitator_id)
    if identity.session_token is not None:
        query = query.join(Facilitator, Facilitator.id == Membership.facilitator_id).where(
            Facilitator.session_token == identity.session_token)
    role = db.session.scalar(query)
    if role is None:
        return None
    viewer = Viewer(kind="facilitator", workshop_id=identity.workshop_id, role=role,
                    facilitator_id=identity.facilitator_id)
    if identity.view == "projector":
        if not viewer.is_staff:
            return None
        return Viewer(kind="projector", workshop_id=identity.workshop_id,
                      facilitator_id=identity.facilitator_id)
    return viewer

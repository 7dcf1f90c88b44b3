"""Participants: joining from a phone, and being known again after a reload.

A browser holds a per-workshop token in a cookie; the database keeps only its hash. The
token is derived from the join form's one-time nonce, so a form sent twice (a double tap,
a retry on bad Wi-Fi) yields the same participant, never two. A phone whose cookie is
gone (an app's own browser, a new phone) reclaims its identity with the short personal
rejoin code it was shown.
"""
from __future__ import annotations

import hashlib
import hmac
from collections import Counter

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from .. import eventlog, joining
from ..errors import OperationError
from ..extensions import db
from ..models import Participant, ParticipantToken, Workshop
from ..snapshot import part, personal
from ..steps.groups import place_newcomer
from ..text import clean_line, plain
from ..viewers import Viewer

LIMITS = {"name": 80, "organisation": 120}
COOKIE_PREFIX = "fp_"


def cookie_name(workshop_id: int) -> str:
    return f"{COOKIE_PREFIX}{workshop_id}"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_for_nonce(workshop_id: int, nonce: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"join:{workshop_id}:{nonce}".encode(), hashlib.sha256).hexdigest()


def find_by_code(code: str) -> Workshop | None:
    return db.session.scalar(select(Workshop).where(
        Workshop.join_code == joining.normalise_code(code)))


def identify(workshop_id: int, token: str | None) -> Participant | None:
    if not token:
        return None
    return db.session.scalar(
        select(Participant).join(ParticipantToken)
        .where(Participant.workshop_id == workshop_id,
               ParticipantToken.token_hash == token_hash(token)))


def viewer_for(participant: Participant) -> Viewer:
    """The participant as the operation path sees them (tests and the sample use it)."""
    return Viewer(kind="participant", workshop_id=participant.workshop_id,
                  participant_id=participant.id, group_id=participant.group_id)


def public(participant: Participant) -> dict:
    return {"id": participant.id, "name": participant.name,
            "organisation": participant.organisation, "profile": participant.profile,
            "group_id": participant.group_id}


def validate(workshop: Workshop, name: str, organisation: str, profile: str,
             consent: bool) -> dict:
    name = clean_line(name, LIMITS["name"], _l(
        "Your name is too long (%(n)d characters at most).", n=LIMITS["name"]))
    if not name:
        raise OperationError("empty_name", _l("Please write your name."))
    organisation = clean_line(organisation, LIMITS["organisation"], _l(
        "The organisation is too long (%(n)d characters at most).", n=LIMITS["organisation"]))
    if profile not in workshop.profiles:
        raise OperationError("bad_profile", _l("Please choose your profile in the list."))
    if not consent:
        raise OperationError("no_consent", _l(
            "Please tick the box to agree, so that your contributions can be shown."))
    return {"name": name, "organisation": organisation, "profile": profile}


def newcomer(workshop: Workshop) -> Viewer:
    """Whoever holds the join code, before joining: the join and rejoin forms' source."""
    return Viewer(kind="newcomer", workshop_id=workshop.id)


# what a closed workshop answers the join form (operations.CLOSED)
JOIN_WHILE_CLOSED = _l(
    "This workshop is closed: its action plan is final. Please ask the organisers for it.")


def join(viewer: Viewer, token: str, name: str, organisation: str, profile: str,
         consent: bool) -> dict:
    """A newcomer joins; the browser will hold `token` (token_for_nonce: the form's
    nonce is also the operation's op_id, so the same form sent twice, at once or after
    a lost answer, joins once and gets the same token)."""
    workshop = db.session.get(Workshop, viewer.workshop_id)
    if not workshop.joining_open:
        raise OperationError("joining_closed", _l(
            "Joining is closed for this workshop. Please ask the facilitator."))
    fields = validate(workshop, name, organisation, profile, consent)
    participant = Participant(workshop_id=workshop.id, rejoin_code=_unique_rejoin_code(workshop),
                              **fields)
    participant.tokens.append(ParticipantToken(token_hash=token_hash(token)))
    db.session.add(participant)
    db.session.flush()
    place_newcomer(workshop, participant)  # a latecomer in Step 3 gets a group at once
    # the screens count arrivals and name them; a phone shows only its own group's people
    placed = participant.group_id is not None
    eventlog.append(workshop, "participant.joined", {"participant": public(participant)},
                    audience="group" if placed else "screens",
                    target_id=participant.group_id, actor=f"participant:{participant.id}")
    return {"participant_id": participant.id}


def rejoin(viewer: Viewer, rejoin_code: str, token: str) -> dict:
    """Let this browser (its new token) speak for the participant with that rejoin code."""
    workshop_id = viewer.workshop_id
    participant = db.session.scalar(select(Participant).where(
        Participant.workshop_id == workshop_id,
        Participant.rejoin_code == joining.normalise_code(plain(rejoin_code))))
    if participant is None:
        raise OperationError("bad_rejoin_code", _l(
            "This personal code is not known in this workshop. Check it on your other screen."))
    if identify(workshop_id, token) is None:
        participant.tokens.append(ParticipantToken(token_hash=token_hash(token)))
    return {"participant_id": participant.id}


def _unique_rejoin_code(workshop: Workshop) -> str:
    while True:
        code = joining.new_code(joining.REJOIN_CODE_LENGTH)
        taken = db.session.scalar(select(Participant.id).where(
            Participant.workshop_id == workshop.id, Participant.rejoin_code == code))
        if taken is None:
            return code


# --- snapshot ---------------------------------------------------------------------------

@part("participants", "the people in the room, and how many of each profile; a phone "
                      "gets the room counted, its `list` holding only itself and its "
                      "group's members (nobody else's name)")
def _participants_part(workshop: Workshop, staff: bool) -> dict:
    people = db.session.scalars(select(Participant).where(
        Participant.workshop_id == workshop.id).order_by(Participant.id)).all()
    return {"list": [public(p) for p in people],
            "by_profile": dict(Counter(p.profile for p in people))}


@part("participants", phone=True)
def _participants_for_phones(workshop: Workshop, staff: bool) -> dict:
    """What a phone shows of the room's people: how many, by profile; names only in its
    own group, `{id, name}` (each phone's are picked from `_names` by
    `_people_on_my_phone`): Step 3 shows its members' names, nothing more of them."""
    rows = db.session.execute(select(
        Participant.id, Participant.name, Participant.profile, Participant.group_id).where(
        Participant.workshop_id == workshop.id).order_by(Participant.id)).all()
    groups: dict[int, list[int]] = {}
    for row in rows:
        if row.group_id is not None:
            groups.setdefault(row.group_id, []).append(row.id)
    return {"count": len(rows), "by_profile": dict(Counter(row.profile for row in rows)),
            "_names": {row.id: {"id": row.id, "name": row.name} for row in rows},
            "_groups": groups}


@personal("participants")
def _people_on_my_phone(shared: dict, workshop: Workshop, viewer: Viewer) -> dict:
    """A phone's list holds itself and its group's members (Step 3 names them), never
    the rest of the room: a thousand names it does not show would be most of its
    snapshot, and names it has no need of."""
    if viewer.kind != "participant":
        return shared
    names = shared["_names"]
    mine = {viewer.participant_id, *shared["_groups"].get(viewer.group_id, ())}
    return {"count": shared["count"], "by_profile": shared["by_profile"],
            "list": [names[pid] for pid in sorted(mine) if pid in names]}


@part("me", "who this client is: a participant with their code to rejoin from another "
            "browser; a console's role (a projector's is null)")
def _me_part(workshop: Workshop, staff: bool) -> None:
    return None


@personal("me")
def _me_personal(_shared: None, workshop: Workshop, viewer: Viewer) -> dict:
    """Who this viewer is: a participant's own row (with their rejoin code), or the
    staff's role."""
    if viewer.kind == "participant":
        participant = db.session.get(Participant, viewer.participant_id)
        return {"kind": "participant", **public(participant),
                "rejoin_code": participant.rejoin_code}
    return {"kind": viewer.kind, "role": viewer.role}

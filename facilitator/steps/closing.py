"""The closing: key success factors the room agrees on, the open steering committee, and
closing the workshop itself.

Phones propose success factors and endorse others'; facilitators may propose and remove
them too. A participant signs up for the steering committee with a role and an email,
giving consent to be contacted: everyone sees who is on the committee and their role;
only the facilitators and organisers (and the person) see the email. The email lives in
the CommitteeMember row only: events and stored acks carry a reference (the participant
and the time of consent), never the address, and those who may see it read it from the
row (the snapshot, `committee.contacts`). Leaving deletes the row, and with it the
address (docs/privacy.md).

Closing the workshop freezes the plan: phones become read-only and the stage stays. The
facilitators may still correct texts (operations.CORRECTIONS), each correction recorded;
reopening is possible and recorded too (ClosingRecord).
"""
from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy.orm import joinedload

from .. import eventlog, method
from ..errors import OperationError
from ..extensions import db
from ..models import (ClosingRecord, CommitteeMember, Participant, PlanFile, SuccessFactor,
                      Workshop, iso, of_workshop, utcnow)
from ..payload import switch
from ..plan import render as plan_render
from ..snapshot import part, personal
from ..text import clean_line, email_address
from ..viewers import Viewer
from ..workshops import public_info, require_runner

LIMITS = {"factor": 300, "role": 120, "email": 254}
RECORD_KINDS = ("closed", "reopened", "correction", "withdrawal")


MAX_FACTORS_PER_PARTICIPANT = 10


def factor_view(factor: SuccessFactor) -> dict:
    return {"id": factor.id, "text": factor.text, "author_id": factor.author_id,
            "endorsements": list(factor.endorsements or []),
            "created_at": iso(factor.created_at)}


def _workshop_open_for(viewer: Viewer, activity: str) -> Workshop:
    workshop = db.session.get(Workshop, viewer.workshop_id)
    if viewer.runs_workshop:
        return workshop
    if not method.allows(workshop.stage, activity):
        raise OperationError("wrong_stage", _l(
            "This is not open at this step. Your text is kept on your phone."),
            stage=workshop.stage)
    return workshop


def _factor(viewer: Viewer, factor_id: object) -> SuccessFactor:
    return of_workshop(SuccessFactor, factor_id, viewer.workshop_id,
                       _l("This success factor is no longer listed."))


def _saved(workshop: Workshop, factor: SuccessFactor, actor: str) -> dict:
    view = factor_view(factor)
    eventlog.append(workshop, "factor.saved", {"factor": view}, actor=actor)
    return {"factor": view}


def propose_factor(viewer: Viewer, text: object) -> dict:
    """A key success factor, proposed to the room."""
    workshop = _workshop_open_for(viewer, "success_factors")
    text = clean_line(text, LIMITS["factor"], _l(
        "A success factor is one short sentence (%(n)d characters at most).",
        n=LIMITS["factor"]))
    if not text:
        raise OperationError("empty_text", _l("Please write the success factor first."))
    author = viewer.participant_id if viewer.kind == "participant" else None
    if author is not None and db.session.scalar(select(db.func.count(SuccessFactor.id)).where(
            SuccessFactor.author_id == author)) >= MAX_FACTORS_PER_PARTICIPANT:
        raise OperationError("too_many", _l(
            "You have proposed %(n)d success factors already, the most one person can.",
            n=MAX_FACTORS_PER_PARTICIPANT))
    factor = SuccessFactor(workshop_id=workshop.id, text=text, author_id=author,
                           endorsements=[], created_at=utcnow())
    db.session.add(factor)
    db.session.flush()
    return _saved(workshop, factor, viewer.actor)


def endorse_factor(viewer: Viewer, factor_id: object, endorsed: object = True) -> dict:
    """A participant supports a success factor (or takes the support back)."""
    workshop = _workshop_open_for(viewer, "success_factors")
    factor = _factor(viewer, factor_id)
    endorsed = True if endorsed is None else switch(endorsed)
    people = [pid for pid in factor.endorsements or [] if pid != viewer.participant_id]
    factor.endorsements = people + ([viewer.participant_id] if endorsed else [])
    return _saved(workshop, factor, viewer.actor)


def remove_factor(viewer: Viewer, factor_id: object) -> dict:
    """Its author or a facilitator takes a success factor off the list."""
    workshop = _workshop_open_for(viewer, "success_factors")
    factor = _factor(viewer, factor_id)
    if not viewer.runs_workshop and factor.author_id != viewer.participant_id:
        raise OperationError("forbidden", _l(
            "Only its author or a facilitator can remove this success factor."))
    data = {"id": factor.id}
    db.session.delete(factor)
    eventlog.append(workshop, "factor.removed", data, actor=viewer.actor)
    return data


# --- the open steering committee --------------------------------------------------------

def member_view(member: CommitteeMember, with_email: bool) -> dict:
    person = member.participant
    view = {"participant_id": member.participant_id, "name": person.name,
            "organisation": person.organisation, "role": member.role}
    if with_email:
        view.update(email=member.email, consented_at=iso(member.consented_at))
    return view


CONTACT = ("email", "consented_at")  # what only the staff and the person see of a member


def join_committee(viewer: Viewer, role: object, email: object, consent: object) -> dict:
    """A participant signs up for the open steering committee (again: changes it). The
    ack carries the email back to the person; what is kept of it (kept_ack) does not."""
    workshop = _workshop_open_for(viewer, "committee")
    if viewer.kind != "participant":
        raise OperationError("forbidden", _l("Only participants can do this."))
    role = clean_line(role, LIMITS["role"], _l(
        "The role is too long (%(n)d characters at most).", n=LIMITS["role"]))
    email = email_address(email, LIMITS["email"])
    if switch(consent) is not True:
        raise OperationError("no_consent", _l(
            "Please tick the box to agree to be contacted about the steering committee."))
    mine = _members(workshop.id, viewer.participant_id)
    member = mine[0] if mine else None
    if member is None:
        member = CommitteeMember(workshop_id=workshop.id,
                                 participant_id=viewer.participant_id)
        db.session.add(member)
    member.role, member.email, member.consented_at = role, email, utcnow()
    member.participant = db.session.get(Participant, viewer.participant_id)
    db.session.flush()
    _publish_member(workshop, member, viewer.actor)
    return {"member": member_view(member, True)}


def kept_ack(ack: dict) -> dict:
    """What the op_id's row keeps of a `committee.join` ack: the member without the
    email (nor the consent's time), so that leaving leaves no address behind."""
    member = {k: v for k, v in ack["member"].items() if k not in CONTACT}
    return {**ack, "member": member}


def ack_again(kept: dict, viewer: Viewer) -> dict:
    """The ack a resend of a `committee.join` gets: the sign-up as it is now, email
    included, read from the row; once the person has left, the member as kept (no
    email)."""
    mine = _members(viewer.workshop_id, viewer.participant_id)
    return {**kept, "member": member_view(mine[0], True)} if mine else kept


def read_contacts(viewer: Viewer) -> dict:
    """The committee's contact details, read from the rows: every member's for the
    staff, a participant's own (if a member) for a phone. Sent for after
    `committee.contact`, which says they changed without carrying them."""
    if viewer.is_staff:
        members = _members(viewer.workshop_id)
    elif viewer.kind == "participant":
        members = _members(viewer.workshop_id, viewer.participant_id)
    else:
        raise OperationError("forbidden", _l(
            "Only the facilitators, the organisers and the person see a committee "
            "member's email."))
    return {"contacts": [{"participant_id": m.participant_id, "email": m.email,
                          "consented_at": iso(m.consented_at)} for m in members]}


def leave_committee(viewer: Viewer) -> dict:
    """A participant takes their name (and email) off the committee, at any stage and
    even once the workshop is closed: consent can always be withdrawn. The row is the
    one place that holds the address; in the same transaction go the workshop's
    rendered internal editions of the plan, which print the committee's emails (the
    next one is rendered from the room as it is now)."""
    workshop = db.session.get(Workshop, viewer.workshop_id)
    mine = _members(workshop.id, viewer.participant_id)
    member = mine[0] if mine else None
    if member is None:
        raise OperationError("not_found", _l("You are not on the steering committee."))
    db.session.delete(member)
    db.session.execute(delete(PlanFile).where(PlanFile.workshop_id == workshop.id,
                                              PlanFile.edition == "internal"))
    eventlog.append(workshop, "committee.left", {"participant_id": viewer.participant_id},
                    actor=viewer.actor)
    return {"participant_id": viewer.participant_id}


def _publish_member(workshop: Workshop, member: CommitteeMember, actor: str) -> None:
    """Everyone sees the name and the role (`committee.joined`). The person and the
    facilitators are told that the contact details changed (`committee.contact`), with
    a reference (the participant, the time of consent), never the address: they read it
    from the row (`committee.contacts`, the snapshot), so the log never holds it."""
    eventlog.append(workshop, "committee.joined", {"member": member_view(member, False)},
                    actor=actor)
    eventlog.append(workshop, "committee.contact",
                    {"participant_id": member.participant_id,
                     "consented_at": iso(member.consented_at)},
                    audience="participant", target_id=member.participant_id, actor=actor)


def _members(workshop_id: int, participant_id: int | None = None) -> list[CommitteeMember]:
    """The committee (or one person's sign-up), names loaded in the same query."""
    query = (select(CommitteeMember).options(joinedload(CommitteeMember.participant))
             .where(CommitteeMember.workshop_id == workshop_id))
    if participant_id is not None:
        query = query.where(CommitteeMember.participant_id == participant_id)
    return list(db.session.scalars(query.order_by(CommitteeMember.id)))


# --- closing the workshop -------------------------------------------------------------

def record_view(record: ClosingRecord) -> dict:
    return {"id": record.id, "kind": record.kind, "operation": record.operation,
            "fields": record.fields, "actor": record.actor, "at": iso(record.at)}


def record(workshop: Workshop, kind: str, actor: str, operation: str = "",
           fields: dict | None = None) -> ClosingRecord:
    """Keep what happened after the room (closed, reopened, a correction); the
    facilitators see it appear."""
    entry = ClosingRecord(workshop_id=workshop.id, kind=kind, operation=operation,
                          fields=fields or {}, actor=actor, at=utcnow())
    db.session.add(entry)
    db.session.flush()
    eventlog.append(workshop, "closing.recorded", {"record": record_view(entry)},
                    audience="facilitators", actor=actor)
    if kind in ("closed", "correction"):
        render_ahead(workshop)
    return entry


def render_ahead(workshop: Workshop) -> None:
    """Once the room is closed, or a correction lands after it, the public edition in the
    workshop's language is rendered in the background (after the commit, within the
    render bounds: plan_render), so organisers and participants get the PDF at once
    instead of waiting for a render when they first ask. PLAN_RENDER_AHEAD=0 turns it
    off."""
    if not current_app.config.get("PLAN_RENDER_AHEAD"):
        return
    workshop_id = workshop.id

    def ask() -> None:
        closed = db.session.get(Workshop, workshop_id)
        if closed is not None and closed.closed_at is not None:
            plan_render.ask_render(plan_render.key_for(closed))
        db.session.rollback()  # the read ends here: nothing of it is kept

    eventlog.after_commit(ask)


def close_workshop(viewer: Viewer) -> dict:
    """The room is done: phones become read-only and the plan is frozen."""
    require_runner(viewer)
    workshop = db.session.get(Workshop, viewer.workshop_id)
    if workshop.closed_at is not None:
        raise OperationError("already_closed", _l("The workshop is already closed."))
    workshop.closed_at = utcnow()
    record(workshop, "closed", viewer.actor)
    eventlog.append(workshop, "workshop.closed", {"workshop": public_info(workshop)},
                    actor=viewer.actor)
    return {"closed_at": iso(workshop.closed_at)}


def reopen_workshop(viewer: Viewer) -> dict:
    """Open the room again (phones write again); the reopening is recorded."""
    require_runner(viewer)
    workshop = db.session.get(Workshop, viewer.workshop_id)
    if workshop.closed_at is None:
        raise OperationError("not_closed", _l("The workshop is not closed."))
    workshop.closed_at = None
    record(workshop, "reopened", viewer.actor)
    eventlog.append(workshop, "workshop.reopened", {"workshop": public_info(workshop)},
                    actor=viewer.actor)
    return {}


def share_plan(viewer: Viewer, shared: object) -> dict:
    """Let participants download the public edition of the plan (or stop)."""
    require_runner(viewer)
    shared = switch(shared)
    if shared is None:
        raise OperationError("bad_request", _l("Share the plan or stop sharing it."))
    workshop = db.session.get(Workshop, viewer.workshop_id)
    workshop.plan_shared = shared
    eventlog.append(workshop, "workshop.updated", public_info(workshop), actor=viewer.actor)
    return {"plan_shared": shared}


@part("closing", "the members' emails for the staff only, read from the members' rows; "
                 "`my_membership`: the phone's own sign-up with its email (null: none)")
def _closing_part(workshop: Workshop, staff: bool) -> dict:
    factors = db.session.scalars(select(SuccessFactor).where(
        SuccessFactor.workshop_id == workshop.id).order_by(SuccessFactor.id))
    found = {"factors": [factor_view(f) for f in factors],
             "committee": [member_view(m, staff) for m in _members(workshop.id)]}
    if staff:
        found["records"] = [record_view(r) for r in db.session.scalars(
            select(ClosingRecord).where(ClosingRecord.workshop_id == workshop.id)
            .order_by(ClosingRecord.id))]
    return found


@personal("closing")
def _my_membership(shared: dict, workshop: Workshop, viewer: Viewer) -> dict:
    """A phone also sees its own sign-up with its email (read only for a member: the
    shared list says who is one, so a thousand phones syncing cost no query each)."""
    if viewer.kind != "participant":
        return shared
    member = any(m["participant_id"] == viewer.participant_id for m in shared["committee"])
    mine = _members(workshop.id, viewer.participant_id) if member else []
    return {**shared, "my_membership": member_view(mine[0], True) if mine else None}

"""A person's rights over what the app holds about them (docs/privacy.md).

The facilitators remove a participant (someone who joined by mistake, an intruder) or
anonymise one; a participant downloads their own data (my_data) and asks to be forgotten
while the workshop is open. Removing and forgetting are one path (_forget): the row goes
with what only the person holds (tokens, dots, endorsements, their committee sign-up and
its email) and what they wrote stays in the room without their name, since the room's
work must not lose content. Their name leaves the event log and the kept acks too, so no
console catching up reads it again. A capability of its own, above the steps it reaches
into (ideas, priorities, groups, synergies, closing), so that participants.py (joining)
stays below them.
"""
from __future__ import annotations

import json
from typing import Any

from flask_babel import force_locale, lazy_gettext as _l
from sqlalchemy import Text, cast, delete, func, or_, select, update
from sqlalchemy.orm.attributes import flag_modified

from .. import eventlog
from ..errors import OperationError
from ..extensions import db
from ..models import (Action, Actor, AppliedOperation, ClosingRecord, CommitteeMember,
                      Event, Idea, Objective, Participant, PlanFile, SuccessFactor,
                      SynergyProposal, Synthesis, Theme, Vote, WorkingGroup, Workshop, iso,
                      of_workshop, utcnow)
from ..steps import closing, groups, ideas, priorities, synergies
from ..viewers import Viewer, room_participant
from ..workshops import require_runner
from .participants import public

GONE = _l("This participant is no longer in the workshop.")
# what a phone is told when it asks to be forgotten once the workshop is closed
FORGET_WHILE_CLOSED = _l(
    "The workshop is closed, so nothing can be deleted from a phone any more. To have your "
    "data deleted, please ask the workshop's facilitators.")


def anonymous_label(workshop: Workshop, participant: Participant) -> str:
    """What an anonymised participant is called, and what a removed one's name becomes in
    the log: "Participant 12", in the workshop's language, numbered by the id every event
    already carries (so it tells nothing new and never names two people alike)."""
    with force_locale(workshop.language):
        return str(_l("Participant %(number)d", number=participant.id))


def remove_participant(viewer: Viewer, participant_id: object) -> dict:
    """A facilitator removes a participant: someone who joined by mistake, or an intruder
    who guessed the join code. Their phones are cut off at once; what they wrote stays,
    without their name (_forget)."""
    require_runner(viewer)
    person = of_workshop(Participant, participant_id, viewer.workshop_id, GONE)
    return _forget(person, viewer.actor)


def forget_me(viewer: Viewer) -> dict:
    """A participant asks, from their phone, to be forgotten: removal's path, asked by
    the person. Only while the workshop is open (operations refuses it once closed, with
    FORGET_WHILE_CLOSED): then the facilitators answer such requests."""
    if viewer.kind != "participant":
        raise OperationError("forbidden", _l("Only participants can do this."))
    return _forget(db.session.get(Participant, viewer.participant_id), viewer.actor)


def anonymise_participant(viewer: Viewer, participant_id: object) -> dict:
    """A facilitator anonymises a participant: their name becomes "Participant 12" and
    their organisation and committee sign-up (its email) go, here and in the log. Their
    profile (the room's counts), contributions, dots and phone stay: they keep taking part,
    unnamed."""
    require_runner(viewer)
    person = of_workshop(Participant, participant_id, viewer.workshop_id, GONE)
    workshop = db.session.get(Workshop, person.workshop_id)
    label = anonymous_label(workshop, person)
    _scrub_log(workshop.id, person, label)
    _leave_committee(workshop, person, viewer.actor)
    person.name, person.organisation = label, ""
    # the plan's PDFs print names (the committee's): the next ones are rendered anew
    db.session.execute(delete(PlanFile).where(PlanFile.workshop_id == workshop.id))
    db.session.flush()
    for idea in _cards_of(workshop.id, person.id):  # their cards name them
        if ideas.is_live(idea):
            ideas.publish(workshop, idea, "idea.updated", viewer.actor)
    view = public(person)
    eventlog.append(workshop, "participant.updated", {"participant": view}, actor=viewer.actor)
    return {"participant": view}


def _forget(person: Participant, actor: str) -> dict:
    """Delete a participant and what only they hold, keep what they gave the room.

    Goes: the row, their phones' tokens, their dots, their endorsements, their committee
    sign-up (its email), the acks of their own changes, and their name wherever the log
    or another ack carries it. Stays, without an author: their cards, board entries,
    syntheses, proposals and success factors (the FKs' SET NULL, done here so every
    audience is told), since a facilitator expects the room's work to stay whole. Their
    sockets are disconnected on every process after the commit; the cookie no longer
    identifies anyone."""
    workshop = db.session.get(Workshop, person.workshop_id)
    pid, gone = person.id, f"participant:{person.id}"
    _scrub_log(workshop.id, person, anonymous_label(workshop, person))
    _leave_committee(workshop, person, actor)
    had_dots = db.session.scalar(select(func.count(Vote.id)).where(Vote.participant_id == pid))
    db.session.execute(delete(Vote).where(Vote.participant_id == pid))
    cards = _cards_of(workshop.id, pid)
    for idea in cards:
        if idea.participant_id == pid:
            idea.participant_id = None
        idea.extra_authors = [a for a in idea.extra_authors or [] if a != pid]
    factors = [f for f in db.session.scalars(select(SuccessFactor).where(
        SuccessFactor.workshop_id == workshop.id)) if f.author_id == pid
        or pid in (f.endorsements or [])]
    for factor in factors:
        factor.author_id = None if factor.author_id == pid else factor.author_id
        factor.endorsements = [p for p in factor.endorsements or [] if p != pid]
    proposals = db.session.scalars(select(SynergyProposal).where(
        SynergyProposal.author_id == pid)).all()
    for proposal in proposals:
        proposal.author_id = None
    led = db.session.scalars(select(WorkingGroup).where(WorkingGroup.rapporteur_id == pid)).all()
    for group in led:
        group.rapporteur_id = None
    # who last changed an entry: nobody to tell of an overwrite, nobody to export
    for model in (Objective, Actor, Action):
        db.session.execute(update(model).where(model.author_id == pid).values(author_id=None))
        db.session.execute(update(model).where(model.workshop_id == workshop.id,
                                               model.updated_by == gone).values(updated_by=""))
    db.session.execute(update(Synthesis).where(Synthesis.workshop_id == workshop.id,
                                               Synthesis.updated_by == gone)
                       .values(updated_by=""))
    db.session.execute(update(ClosingRecord).where(ClosingRecord.workshop_id == workshop.id,
                                                   ClosingRecord.actor == gone).values(actor=""))
    db.session.execute(delete(AppliedOperation).where(
        AppliedOperation.workshop_id == workshop.id, AppliedOperation.actor == gone))
    db.session.execute(delete(PlanFile).where(PlanFile.workshop_id == workshop.id))
    db.session.delete(person)  # its tokens with it
    db.session.flush()
    # every audience that listed them is told, with ids only
    if had_dots:
        priorities.publish_totals(workshop, actor)
    for idea in cards:
        if ideas.is_live(idea):
            ideas.publish(workshop, idea, "idea.updated", actor)
    for factor in factors:
        eventlog.append(workshop, "factor.saved", {"factor": closing.factor_view(factor)},
                        actor=actor)
    for proposal in proposals:
        eventlog.append(workshop, "proposal.saved",
                        {"proposal": synergies.proposal_view(proposal)},
                        audience="facilitators", actor=actor)
    for group in led:
        eventlog.append(workshop, "group.updated", {"group": groups.group_view(group)},
                        actor=actor)
    eventlog.append(workshop, "participant.removed", {"participant_id": pid}, actor=actor)
    eventlog.realign(workshop.id, cut_off=[room_participant(workshop.id, pid)])
    return {"participant_id": pid}


def _leave_committee(workshop: Workshop, person: Participant, actor: str) -> None:
    """Their committee sign-up goes, and its email (the one row that holds it)."""
    member = db.session.scalar(select(CommitteeMember).where(
        CommitteeMember.workshop_id == workshop.id, CommitteeMember.participant_id == person.id))
    if member is not None:
        db.session.delete(member)
        eventlog.append(workshop, "committee.left", {"participant_id": person.id}, actor=actor)


def _cards_of(workshop_id: int, participant_id: int) -> list[Idea]:
    """The cards this participant wrote or co-signs (a merge), withdrawn ones too."""
    found = db.session.scalars(select(Idea).where(
        Idea.workshop_id == workshop_id,
        or_(Idea.participant_id == participant_id,
            cast(Idea.extra_authors, Text) != "[]")).order_by(Idea.id)).all()
    return [idea for idea in found if participant_id in ideas.author_ids(idea)]


def _scrub_log(workshop_id: int, person: Participant, label: str) -> None:
    """Take the person's name (and their organisation, which goes with it) out of the
    event log and the kept acks: each one that names them says `label` instead. Only rows
    whose text holds the name are read, so a long log costs one scan in the database."""
    name = person.name
    spellings = {name, json.dumps(name)[1:-1]}  # as a JSON column keeps it, escaped or not
    for model, column in ((Event, "data"), (AppliedOperation, "result")):
        text = cast(getattr(model, column), Text)
        rows = db.session.scalars(select(model).where(
            model.workshop_id == workshop_id,
            or_(*(text.contains(spelt, autoescape=True) for spelt in spellings)))).all()
        for row in rows:
            value = getattr(row, column)
            cleaned = _unnamed(value, person.id, name, label)
            if cleaned != value:
                setattr(row, column, cleaned)
                flag_modified(row, column)


def _unnamed(value: Any, participant_id: int, name: str, label: str) -> Any:
    """`value` (an event's data, an ack) with this person's name replaced by `label`, and
    their organisation emptied, wherever they are named: a participant ({id, name,
    organisation, …}), a card's author ({id, name}), a committee member ({participant_id,
    name, organisation, role}); and `by` (who replaced a board entry), a name alone."""
    if isinstance(value, list):
        return [_unnamed(item, participant_id, name, label) for item in value]
    if not isinstance(value, dict):
        return value
    value = {key: _unnamed(item, participant_id, name, label) for key, item in value.items()}
    if value.get("name") == name and participant_id in (value.get("id"),
                                                        value.get("participant_id")):
        value["name"] = label
        if "organisation" in value:
            value["organisation"] = ""
    if value.get("by") == name:
        value["by"] = label
    return value


def my_data(person: Participant) -> dict:
    """Everything the app holds about this participant, for them to download from their
    phone (GET /w/<id>/my-data.json): who they are, what they wrote, their dots,
    endorsements and committee sign-up. Nobody else's name or details: a co-signed card
    keeps its text only, an endorsed factor its text."""
    workshop_id = person.workshop_id
    workshop = db.session.get(Workshop, workshop_id)
    themes = dict(db.session.execute(select(Theme.id, Theme.title).where(
        Theme.workshop_id == workshop_id)).all())
    group = db.session.get(WorkingGroup, person.group_id) if person.group_id else None
    group_titles = {g.id: themes.get(g.theme_id) for g in db.session.scalars(
        select(WorkingGroup).where(WorkingGroup.workshop_id == workshop_id))}
    cards = [{"id": idea.id, "text": idea.text, "kind": idea.kind, "origin": idea.origin,
              "theme": themes.get(idea.theme_id),
              "written_by_you": idea.participant_id == person.id,
              "withdrawn": idea.withdrawn, "hidden": idea.hidden,
              "merged_into": idea.merged_into_id, "created_at": iso(idea.created_at),
              "updated_at": iso(idea.updated_at)}
             for idea in _cards_of(workshop_id, person.id)]
    dots = [{"theme": themes.get(theme_id), "dots": count}
            for theme_id, count in db.session.execute(
                select(Vote.theme_id, Vote.count).where(Vote.participant_id == person.id)
                .order_by(Vote.id))]
    entries: dict[str, list] = {}
    for key, model, fields in (("objectives", Objective, ("text",)),
                               ("actors", Actor, ("name", "kind", "role")),
                               ("actions", Action, ("title", "deadline", "expected_result",
                                                    "resources"))):
        entries[key] = [{"group": group_titles.get(entry.group_id),
                         **{f: _plain(getattr(entry, f)) for f in fields},
                         "created_at": iso(entry.created_at),
                         "updated_at": iso(entry.updated_at)}
                        for entry in db.session.scalars(select(model).where(
                            model.author_id == person.id).order_by(model.id))]
    syntheses = [{"group": group_titles.get(s.group_id), "substep": s.substep,
                  "text": s.text, "updated_at": iso(s.updated_at)}
                 for s in db.session.scalars(select(Synthesis).where(
                     Synthesis.workshop_id == workshop_id,
                     Synthesis.updated_by == f"participant:{person.id}"))]
    proposals = [{"text": p.text, "status": p.status, "created_at": iso(p.created_at)}
                 for p in db.session.scalars(select(SynergyProposal).where(
                     SynergyProposal.author_id == person.id).order_by(SynergyProposal.id))]
    factors = db.session.scalars(select(SuccessFactor).where(
        SuccessFactor.workshop_id == workshop_id).order_by(SuccessFactor.id)).all()
    member = db.session.scalar(select(CommitteeMember).where(
        CommitteeMember.workshop_id == workshop_id,
        CommitteeMember.participant_id == person.id))
    return {
        "format": "facilitator-my-data", "exported_at": iso(utcnow()),
        "workshop": {"title": workshop.title, "venue": workshop.venue,
                     "date": workshop.date.isoformat() if workshop.date else None},
        "you": {"name": person.name, "organisation": person.organisation,
                "profile": person.profile, "joined_at": iso(person.joined_at),
                "consented_at": iso(person.consented_at),
                "rejoin_code": person.rejoin_code,
                "group": group_titles.get(group.id) if group else None,
                "rapporteur": bool(group and group.rapporteur_id == person.id),
                "devices": [{"since": iso(token.created_at)} for token in person.tokens]},
        "cards": cards,
        "dots": dots,
        "board_entries": entries,
        "syntheses_last_written_by_you": syntheses,
        "synergy_proposals": proposals,
        "success_factors_proposed": [{"text": f.text, "created_at": iso(f.created_at),
                                      "endorsements": len(f.endorsements or [])}
                                     for f in factors if f.author_id == person.id],
        "success_factors_endorsed": [{"text": f.text} for f in factors
                                     if person.id in (f.endorsements or [])],
        "steering_committee": None if member is None else {
            "role": member.role, "email": member.email,
            "consented_at": iso(member.consented_at)},
    }


def my_data_file(person: Participant) -> str:
    """my_data as the file the phone downloads: UTF-8 JSON a person can read."""
    return json.dumps(my_data(person), ensure_ascii=False, indent=2) + "\n"


def _plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value

"""One path for every change to a workshop, whether it arrives over Socket.IO or an HTTP form.

`perform` runs a named operation once per client-made op_id, in one transaction that
this module owns: take the workshop's row lock, derive who is asking from the database,
check the role, refuse what a closed workshop no longer takes, apply the capability,
store the op_id, commit, then publish. Forms call it through `submit` (FORMS: the
operations only a page sends), with an op_id where the form carries one (the join form's
nonce). The op_id is stored under a UNIQUE constraint with its actor and operation, so a
resend by the same actor of the same operation gets the first ack again without being
applied twice, and anyone else reusing the id is refused. The constraint is the check:
a change is not preceded by a read of the op_id (a resend is rare, a read on every
change is not); a resend runs, fails on the op_id's row, is rolled back unseen and
answered from the first one's row, and so does a resend the room now refuses (the input
closed since). An ack holding a committee member's email is kept without it
(PRIVATE_ACKS): a resend reads the email from the row again, if it is still there.
Every call returns an ack: {ok: true, ...} or {ok: false, error: {code, message}}, even
when something breaks (`server_error`).
Capabilities never commit.

What belongs to no workshop yet (an account made or its password reset, signing out of
every workshop, a workshop created or imported, an invitation accepted, which may make
the account too) goes through `run`: commit, then publish.
"""
from __future__ import annotations

import logging
import re
from typing import Any, Callable

from flask_babel import lazy_gettext as _l
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from .. import eventlog, workshops
from ..errors import BADLY_SENT, OperationError
from ..extensions import db
from ..identity import Identity, viewer_of
from ..models import AppliedOperation
from ..people import invitations, participants, rights
from ..steps import (boards, closing, groups, ideas, priorities, shared_plan, synergies,
                     syntheses)
from ..viewers import Viewer
from . import schema

log = logging.getLogger(__name__)
OP_ID = re.compile(r"^[A-Za-z0-9_.:-]{8,64}$")

# Every operation a client can send: name -> (capability, its payload's shape (schema.py:
# its fields are what the capability is given), who may send it). "facilitator": owner or
# co-facilitator; "participant": a phone; "author or facilitator", "member or facilitator",
# "participant or facilitator": either, and the capability decides (a card's own author,
# a group's own member).
# Organisers read everything and change nothing. The capability checks again: this table
# is the first gate, not the only one.
OPERATIONS: dict[str, tuple[Callable[..., dict], type[schema.Payload], str]] = {
    "stage.change": (workshops.change_stage, schema.StageChange, "facilitator"),
    "joining.update": (workshops.set_joining, schema.JoiningUpdate, "facilitator"),
    # Step 1: cards
    "idea.post": (ideas.post_idea, schema.IdeaPost, "participant"),
    "idea.edit": (ideas.edit_idea, schema.IdeaEdit, "author or facilitator"),
    "idea.withdraw": (ideas.withdraw_idea, schema.IdeaWithdraw, "author or facilitator"),
    "idea.hide": (ideas.hide_idea, schema.IdeaHide, "facilitator"),
    "idea.restore": (ideas.restore_idea, schema.IdeaRestore, "facilitator"),
    "idea.merge": (ideas.merge_ideas, schema.IdeaMerge, "facilitator"),
    "ideas.settings": (ideas.set_idea_settings, schema.IdeasSettings, "facilitator"),
    "timer.start": (ideas.start_timer, schema.TimerStart, "facilitator"),
    "timer.stop": (ideas.stop_timer, schema.TimerStop, "facilitator"),
    # Step 2: themes, dots, priorities
    "theme.create": (priorities.create_theme, schema.ThemeCreate, "facilitator"),
    "theme.rename": (priorities.rename_theme, schema.ThemeRename, "facilitator"),
    "theme.merge": (priorities.merge_themes, schema.ThemeMerge, "facilitator"),
    "theme.unmerge": (priorities.unmerge_theme, schema.ThemeUnmerge, "facilitator"),
    "theme.delete": (priorities.delete_theme, schema.ThemeDelete, "facilitator"),
    "idea.assign": (priorities.assign_idea, schema.IdeaAssign, "facilitator"),
    "voting.update": (priorities.set_voting, schema.VotingUpdate, "facilitator"),
    "dot.place": (priorities.place_dot, schema.DotPlace, "participant"),
    "dot.remove": (priorities.remove_dot, schema.DotRemove, "participant"),
    "priorities.confirm": (priorities.confirm_priorities, schema.PrioritiesConfirm,
                           "facilitator"),
    # Step 3: groups
    "groups.settings": (groups.set_group_settings, schema.GroupsSettings, "facilitator"),
    "groups.assign": (groups.assign_groups, schema.GroupsAssign, "facilitator"),
    "group.move": (groups.move_participant, schema.GroupMove, "facilitator"),
    "group.join": (groups.choose_group, schema.GroupJoin, "participant"),
    "group.rapporteur": (groups.set_rapporteur, schema.GroupRapporteur,
                         "member or facilitator"),
    "group.spotlight": (groups.spotlight, schema.GroupSpotlight, "facilitator"),
    # Step 3: each group's board
    "objective.add": (boards.add_objective, schema.ObjectiveAdd, "member or facilitator"),
    "objective.edit": (boards.edit_objective, schema.ObjectiveEdit, "member or facilitator"),
    "objective.remove": (boards.remove_objective, schema.ObjectiveRemove,
                         "member or facilitator"),
    "actor.add": (boards.add_actor, schema.ActorAdd, "member or facilitator"),
    "actor.edit": (boards.edit_actor, schema.ActorEdit, "member or facilitator"),
    "actor.remove": (boards.remove_actor, schema.ActorRemove, "member or facilitator"),
    "action.add": (boards.add_action, schema.ActionAdd, "member or facilitator"),
    "action.edit": (boards.edit_action, schema.ActionEdit, "member or facilitator"),
    "action.remove": (boards.remove_action, schema.ActionRemove, "member or facilitator"),
    # Step 3: plenaries
    "synthesis.write": (syntheses.write_synthesis, schema.SynthesisWrite,
                        "member or facilitator"),
    "entry.highlight": (syntheses.highlight, schema.EntryHighlight, "member or facilitator"),
    # Step 4: synergies
    "synergy.decide": (synergies.decide_synergy, schema.SynergyDecide, "facilitator"),
    "synergy.remove": (synergies.remove_synergy, schema.SynergyRemove, "facilitator"),
    "synergy.propose": (synergies.propose_synergy, schema.SynergyPropose, "participant"),
    "synergy.dismiss": (synergies.dismiss_proposal, schema.SynergyDismiss, "facilitator"),
    # Step 4: the shared action plan
    "shared_action.add": (shared_plan.add_shared_action, schema.SharedActionAdd,
                          "facilitator"),
    "shared_action.edit": (shared_plan.edit_shared_action, schema.SharedActionEdit,
                           "facilitator"),
    "shared_action.remove": (shared_plan.remove_shared_action, schema.SharedActionRemove,
                             "facilitator"),
    # Closing: success factors, immediate measures, the open steering committee, the close
    "factor.propose": (closing.propose_factor, schema.FactorPropose,
                       "participant or facilitator"),
    "factor.endorse": (closing.endorse_factor, schema.FactorEndorse, "participant"),
    "factor.remove": (closing.remove_factor, schema.FactorRemove, "author or facilitator"),
    "committee.join": (closing.join_committee, schema.CommitteeJoin, "participant"),
    "committee.leave": (closing.leave_committee, schema.CommitteeLeave, "participant"),
    "measure.add": (shared_plan.add_measure, schema.MeasureAdd, "facilitator"),
    "measure.edit": (shared_plan.edit_measure, schema.MeasureEdit, "facilitator"),
    "measure.remove": (shared_plan.remove_measure, schema.MeasureRemove, "facilitator"),
    "workshop.close": (closing.close_workshop, schema.WorkshopClose, "facilitator"),
    "workshop.reopen": (closing.reopen_workshop, schema.WorkshopReopen, "facilitator"),
    "plan.share": (closing.share_plan, schema.PlanShare, "facilitator"),
    # A person's rights over their data (docs/privacy.md)
    "participant.remove": (rights.remove_participant, schema.ParticipantRemove, "facilitator"),
    "participant.anonymise": (rights.anonymise_participant, schema.ParticipantAnonymise,
                              "facilitator"),
    "participant.forget": (rights.forget_me, schema.ParticipantForget, "participant"),
}

# Changes only a page sends (HTTP forms; never over Socket.IO), on the same path: the
# workshop's lock, rights read again, the closed-workshop gate, an op_id where the form
# carries one. "newcomer": someone holding the join code who is not a participant yet
# (the page has checked the code). The owner-only ones say so in their capability.
FORMS: dict[str, tuple[Callable[..., dict], tuple[str, ...], str]] = {
    "workshop.update": (workshops.update_workshop, ("settings",), "facilitator"),
    "workshop.delete": (workshops.delete_workshop, ("confirmation",), "facilitator"),
    "team.add": (workshops.add_member, ("email", "role"), "facilitator"),
    "team.remove": (workshops.remove_member, ("facilitator_id",), "facilitator"),
    "invitation.create": (invitations.invite, ("email", "role", "language"), "facilitator"),
    "invitation.revoke": (invitations.revoke, ("invitation_id",), "facilitator"),
    "participant.join": (participants.join, ("token", "name", "organisation", "profile",
                                             "consent"), "newcomer"),
    "participant.rejoin": (participants.rejoin, ("rejoin_code", "token"), "newcomer"),
}

# A closed workshop: phones are read-only and the plan is frozen. The facilitators may
# still correct texts (typos, translations) with these operations, each one recorded;
# anything else waits for the workshop to be reopened.
# A participant may always take their name and email off the committee (consent can be
# withdrawn at any time); that is recorded too. So may the facilitators remove or
# anonymise a participant, answering a request made once the room is over; a phone's own
# "forget me" is for an open workshop (rights.FORGET_WHILE_CLOSED says so).
# The team, an invitation, a phone reclaiming its seat and deleting the workshop are not
# part of the plan: they are taken while closed, without a record.
CORRECTIONS = {"idea.edit", "theme.rename", "objective.edit", "actor.edit", "action.edit",
               "synthesis.write", "shared_action.edit", "measure.edit"}
WITHDRAWALS = {"committee.leave", "participant.remove", "participant.anonymise"}
CLOSED = {  # what a closed workshop answers these, instead of the general sentence
    "participant.forget": rights.FORGET_WHILE_CLOSED,
    "participant.join": participants.JOIN_WHILE_CLOSED,
    "workshop.update": workshops.SETTINGS_WHILE_CLOSED,
}
WHILE_CLOSED = {"workshop.close", "workshop.reopen", "plan.share",  # close: already_closed
                "workshop.delete", "team.add", "team.remove", "invitation.create",
                "invitation.revoke", "participant.rejoin"}

# Acks holding what must not outlive its row (a committee member's email): name -> (what
# the op_id's row keeps of the ack, the ack a resend gets from what was kept, read again
# from the rows). The ack sent at once is whole; the kept one carries no address.
PRIVATE_ACKS: dict[str, tuple[Callable[[dict], dict], Callable[[dict, Viewer], dict]]] = {
    "committee.join": (closing.kept_ack, closing.ack_again),
}

# Reads that change nothing: no op_id, not logged. name -> (function, payload's shape,
# who may ask: "staff" (organisers included) or "anyone" in the workshop).
QUERIES: dict[str, tuple[Callable[..., dict], type[schema.Payload], str]] = {
    "themes.suggest": (priorities.suggest_themes, schema.ThemesSuggest, "staff"),
    "groups.propose": (groups.propose_groups, schema.GroupsPropose, "staff"),
    "group.board": (boards.read_board, schema.GroupBoard, "anyone"),
    "synergies.suggest": (synergies.suggest_synergies, schema.SynergiesSuggest, "staff"),
    "committee.contacts": (closing.read_contacts, schema.CommitteeContacts, "anyone"),
    "ideas.page": (ideas.read_page, schema.IdeasPage, "anyone"),
}


def server_error() -> dict:
    return OperationError("server_error", _l(
        "Something went wrong on the server; your change was not saved. Please try again."
    )).to_ack()


def refusal(viewer: Viewer | None, who: str) -> OperationError | None:
    """Why this viewer may not send an operation declared for `who`, or None."""
    if viewer is None:
        return OperationError("signed_out", _l(
            "You are no longer signed in to this workshop. Please reload the page."))
    if who == "staff" and viewer.is_staff:
        return None
    if who == "anyone":
        return None
    either = ("author or facilitator", "member or facilitator", "participant or facilitator")
    if who in ("facilitator", *either) and viewer.runs_workshop:
        return None
    if who in ("participant", *either) and viewer.kind == "participant":
        return None
    if viewer.is_staff:
        return OperationError("forbidden", _l(
            "Organisers follow the workshop but do not change it. Ask a facilitator."))
    if who == "newcomer":
        return None if viewer.kind == "newcomer" else OperationError(
            "forbidden", _l("You have already joined this workshop."))
    if who == "participant":
        return OperationError("forbidden", _l("Only participants can do this."))
    return OperationError("forbidden", _l("Only the workshop's facilitators can do this."))


def perform(source: Identity | Viewer, operation: str, op_id: Any, /, **fields: Any) -> dict:
    """Apply `operation` once for this op_id and return its ack (never raises)."""
    try:
        return _perform(source, operation, op_id, fields)
    except Exception:  # noqa: BLE001 (every request gets an answer, never a traceback)
        eventlog.discard()
        log.exception("operation %s failed", operation)
        return server_error()


_NO_OP_ID = object()  # a form without one: applied as sent, nothing kept to answer again


def submit(source: Identity | Viewer, operation: str, op_id: str | None = None, /,
           **fields: Any) -> dict:
    """A page's change (OPERATIONS or FORMS) on the same path, its op_id optional: the
    result, or the refusal raised as an OperationError for the page to show."""
    ack = perform(source, operation, op_id if op_id is not None else _NO_OP_ID, **fields)
    if not ack["ok"]:
        error = ack["error"]
        raise OperationError(error["code"], error["message"], **error.get("details", {}))
    return ack


def _perform(source: Identity | Viewer, name: str, op_id: Any, fields: dict) -> dict:
    change, _fields, who = OPERATIONS[name] if name in OPERATIONS else FORMS[name]
    keep = op_id is not _NO_OP_ID
    if keep and (not isinstance(op_id, str) or not OP_ID.fullmatch(op_id)):
        return OperationError("bad_request", BADLY_SENT).to_ack()
    viewer = None
    try:
        # held for the whole change, so capabilities read it from the session, not again
        workshop = eventlog.lock(source.workshop_id)
        viewer = viewer_of(source)
        refused = refusal(viewer, who)
        if refused is not None:
            raise refused
        recorded = _while_closed(workshop, viewer, name)
        result = {"ok": True, **(change(viewer, **fields) or {})}
        if recorded:  # what was sent, without the fields left out
            closing.record(workshop, recorded, viewer.actor, name,
                           {key: value for key, value in fields.items() if value is not None})
        if keep:  # a resend fails here, on the op_id's UNIQUE constraint
            kept = PRIVATE_ACKS[name][0](result) if name in PRIVATE_ACKS else result
            db.session.execute(_APPLY, {"workshop_id": viewer.workshop_id, "op_id": op_id,
                                        "name": name, "actor": viewer.actor, "result": kept})
        eventlog.commit()
    except OperationError as error:
        eventlog.discard()
        # a resend refused now (the input was closed since its first send, its card was
        # the 40th) gets its first ack
        first = _first_answer(viewer, who, name, op_id) if keep else None
        return error.to_ack() if first is None else first
    except IntegrityError:
        # the op_id applied already (a resend, or a concurrent one committed first): the
        # change above is rolled back unseen; answer as the first one did
        eventlog.discard()
        first = _first_answer(viewer, who, name, op_id) if keep else None
        if first is None:
            raise
        return first
    return result


def _first_answer(viewer: Viewer | None, who: str, name: str, op_id: str) -> dict | None:
    """What a change already applied under this op_id answers this viewer (its ack
    again, or op_id_taken), or None: none was, or the viewer is refused at the gate
    (signed out, not allowed), which answers first."""
    if refusal(viewer, who) is not None:
        return None
    previous = _applied(viewer.workshop_id, op_id)
    return None if previous is None else _answer_again(previous, viewer, name)


def _while_closed(workshop, viewer: Viewer, name: str) -> str | None:
    """Refuse what a closed workshop no longer takes; the kind of record to keep of what
    it still takes ("correction", "withdrawal"), or None."""
    if workshop.closed_at is None or name in WHILE_CLOSED:
        return None
    if viewer.runs_workshop and name in CORRECTIONS:
        return "correction"
    if name in WITHDRAWALS:
        return "withdrawal"
    if name in CLOSED:
        raise OperationError("workshop_closed", CLOSED[name])
    if viewer.runs_workshop:
        raise OperationError("workshop_closed", _l(
            "The workshop is closed: only texts can be corrected. Reopen it to change "
            "anything else."))
    raise OperationError("workshop_closed", _l(
        "The workshop is closed: the plan is final and can no longer be changed from a "
        "phone. Thank you for taking part."))


_APPLY = insert(AppliedOperation.__table__)  # built once: see eventlog's statements


def _applied(workshop_id: int, op_id: str) -> AppliedOperation | None:
    return db.session.scalar(select(AppliedOperation).where(
        AppliedOperation.workshop_id == workshop_id, AppliedOperation.op_id == op_id))


def _answer_again(previous: AppliedOperation, viewer: Viewer, name: str) -> dict:
    """A resend gets its first ack; an op_id reused by anyone else, or for another
    operation, gets nothing of the first one's result."""
    if previous.actor != viewer.actor or previous.name != name:
        return OperationError("op_id_taken", _l(
            "This change carried the id of another change, so it was not applied. "
            "Please reload the page.")).to_ack()
    result = previous.result
    if name in PRIVATE_ACKS:
        result = PRIVATE_ACKS[name][1](result, viewer)
    return {**result, "duplicate": True}


def query(source: Identity | Viewer, name: str, /, **fields: Any) -> dict:
    """Run a read-only query; the ack carries its result (never raises)."""
    read, _fields, who = QUERIES[name]
    try:
        viewer = viewer_of(source)
        refused = refusal(viewer, who)
        if refused is not None:
            return refused.to_ack()
        return {"ok": True, **read(viewer, **fields)}
    except OperationError as error:
        return error.to_ack()
    except Exception:  # noqa: BLE001
        log.exception("query %s failed", name)
        return server_error()
    finally:
        db.session.rollback()


def run(change: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """A change that belongs to no workshop yet (see the top): apply it, commit, then
    publish. An OperationError leaves nothing saved and is raised again."""
    try:
        result = change(*args, **kwargs)
        eventlog.commit()
    except Exception:
        eventlog.discard()
        raise
    return result

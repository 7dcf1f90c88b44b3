"""One path for every live change, whether it arrives over Socket.IO, HTTP or the CLI.

`perform` runs a named operation once per client-made op_id, in one transaction that
this module owns: take the workshop's row lock, derive who is asking from the database,
check the role, apply the capability, store the op_id, commit, then publish. The op_id is
stored under a UNIQUE constraint with its actor and operation, so a resend by the same
actor of the same operation gets the first ack again without being applied twice, and
anyone else reusing the id is refused. An ack holding a committee member's email is kept
without it (PRIVATE_ACKS): a resend reads the email from the row again, if it is still
there. Every call returns an ack: {ok: true, ...} or
{ok: false, error: {code, message}}, even when something breaks (`server_error`).
Capabilities never commit.
"""
from __future__ import annotations

import logging
import re
from typing import Any, Callable

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..steps import (boards, closing, groups, ideas, priorities, shared_plan, synergies,
                     syntheses)
from .. import eventlog, workshops
from ..people import rights
from ..errors import OperationError
from ..extensions import db
from ..identity import Identity, viewer_of
from ..models import AppliedOperation
from ..viewers import Viewer

log = logging.getLogger(__name__)
OP_ID = re.compile(r"^[A-Za-z0-9_.:-]{8,64}$")

# Every operation a client can send: name -> (capability, payload fields passed to it,
# who may send it). "facilitator": owner or co-facilitator; "participant": a phone;
# "author or facilitator", "member or facilitator", "participant or facilitator": either,
# and the capability decides (a card's own author, a group's own member).
# Organisers read everything and change nothing. The capability checks again: this table
# is the first gate, not the only one.
OPERATIONS: dict[str, tuple[Callable[..., dict], tuple[str, ...], str]] = {
    "stage.change": (workshops.change_stage, ("from_stage", "to_stage"), "facilitator"),
    "joining.update": (workshops.set_joining, ("joining_open", "new_code"), "facilitator"),
    # Step 1: cards
    "idea.post": (ideas.post_idea, ("text", "kind", "origin"), "participant"),
    "idea.edit": (ideas.edit_idea, ("idea_id", "text", "kind", "origin"),
                  "author or facilitator"),
    "idea.withdraw": (ideas.withdraw_idea, ("idea_id",), "author or facilitator"),
    "idea.hide": (ideas.hide_idea, ("idea_id",), "facilitator"),
    "idea.restore": (ideas.restore_idea, ("idea_id",), "facilitator"),
    "idea.merge": (ideas.merge_ideas, ("into_id", "idea_ids"), "facilitator"),
    "ideas.settings": (ideas.set_idea_settings, ("anonymous", "input_locked"), "facilitator"),
    "timer.start": (ideas.start_timer, ("seconds",), "facilitator"),
    "timer.stop": (ideas.stop_timer, (), "facilitator"),
    # Step 2: themes, dots, priorities
    "theme.create": (priorities.create_theme, ("title", "description"), "facilitator"),
    "theme.rename": (priorities.rename_theme, ("theme_id", "title", "description"),
                     "facilitator"),
    "theme.merge": (priorities.merge_themes, ("into_id", "theme_ids"), "facilitator"),
    "theme.unmerge": (priorities.unmerge_theme, ("theme_id",), "facilitator"),
    "theme.delete": (priorities.delete_theme, ("theme_id",), "facilitator"),
    "idea.assign": (priorities.assign_idea, ("idea_id", "theme_id"), "facilitator"),
    "voting.update": (priorities.set_voting, ("open", "revealed", "allow_multiple"),
                      "facilitator"),
    "dot.place": (priorities.place_dot, ("theme_id",), "participant"),
    "dot.remove": (priorities.remove_dot, ("theme_id",), "participant"),
    "priorities.confirm": (priorities.confirm_priorities,
                           ("theme_ids", "titles", "descriptions"), "facilitator"),
    # Step 3: groups
    "groups.settings": (groups.set_group_settings, ("mode", "cap"), "facilitator"),
    "groups.assign": (groups.assign_groups, ("assignments",), "facilitator"),
    "group.move": (groups.move_participant, ("participant_id", "group_id"), "facilitator"),
    "group.join": (groups.choose_group, ("group_id",), "participant"),
    "group.rapporteur": (groups.set_rapporteur, ("group_id", "participant_id"),
                         "member or facilitator"),
    "group.spotlight": (groups.spotlight, ("group_id",), "facilitator"),
    # Step 3: each group's board
    "objective.add": (boards.add_objective, ("text", "group_id"), "member or facilitator"),
    "objective.edit": (boards.edit_objective, ("objective_id", "text", "version"),
                       "member or facilitator"),
    "objective.remove": (boards.remove_objective, ("objective_id",), "member or facilitator"),
    "actor.add": (boards.add_actor, ("name", "kind", "role", "distinct", "group_id"),
                  "member or facilitator"),
    "actor.edit": (boards.edit_actor, ("actor_id", "name", "kind", "role", "version",
                                       "distinct"), "member or facilitator"),
    "actor.remove": (boards.remove_actor, ("actor_id",), "member or facilitator"),
    "action.add": (boards.add_action, ("group_id", *boards.ACTION_FIELDS),
                   "member or facilitator"),
    "action.edit": (boards.edit_action, ("action_id", "version", *boards.ACTION_FIELDS),
                    "member or facilitator"),
    "action.remove": (boards.remove_action, ("action_id",), "member or facilitator"),
    # Step 3: plenaries
    "synthesis.write": (syntheses.write_synthesis, ("group_id", "substep", "text"),
                        "member or facilitator"),
    "entry.highlight": (syntheses.highlight, ("entry", "entry_id", "highlighted"),
                        "member or facilitator"),
    # Step 4: synergies
    "synergy.decide": (synergies.decide_synergy, ("entries", "status", "title", "note",
                                                  "kind", "proposal_id"), "facilitator"),
    "synergy.remove": (synergies.remove_synergy, ("synergy_id",), "facilitator"),
    "synergy.propose": (synergies.propose_synergy, ("text", "group_ids"), "participant"),
    "synergy.dismiss": (synergies.dismiss_proposal, ("proposal_id",), "facilitator"),
    # Step 4: the shared action plan
    "shared_action.add": (shared_plan.add_shared_action, shared_plan.SHARED_ACTION_FIELDS,
                          "facilitator"),
    "shared_action.edit": (shared_plan.edit_shared_action,
                           ("shared_action_id", "version", *shared_plan.SHARED_ACTION_FIELDS),
                           "facilitator"),
    "shared_action.remove": (shared_plan.remove_shared_action, ("shared_action_id",),
                             "facilitator"),
    # Closing: success factors, immediate measures, the open steering committee, the close
    "factor.propose": (closing.propose_factor, ("text",), "participant or facilitator"),
    "factor.endorse": (closing.endorse_factor, ("factor_id", "endorsed"), "participant"),
    "factor.remove": (closing.remove_factor, ("factor_id",), "author or facilitator"),
    "committee.join": (closing.join_committee, ("role", "email", "consent"), "participant"),
    "committee.leave": (closing.leave_committee, (), "participant"),
    "measure.add": (shared_plan.add_measure, shared_plan.MEASURE_FIELDS, "facilitator"),
    "measure.edit": (shared_plan.edit_measure, ("measure_id", "version",
                                                *shared_plan.MEASURE_FIELDS), "facilitator"),
    "measure.remove": (shared_plan.remove_measure, ("measure_id",), "facilitator"),
    "workshop.close": (closing.close_workshop, (), "facilitator"),
    "workshop.reopen": (closing.reopen_workshop, (), "facilitator"),
    "plan.share": (closing.share_plan, ("shared",), "facilitator"),
    # A person's rights over their data (docs/privacy.md)
    "participant.remove": (rights.remove_participant, ("participant_id",),
                           "facilitator"),
    "participant.anonymise": (rights.anonymise_participant, ("participant_id",),
                              "facilitator"),
    "participant.forget": (rights.forget_me, (), "participant"),
}

# A closed workshop: phones are read-only and the plan is frozen. The facilitators may
# still correct texts (typos, translations) with these operations, each one recorded;
# anything else waits for the workshop to be reopened.
# A participant may always take their name and email off the committee (consent can be
# withdrawn at any time); that is recorded too. So may the facilitators remove or
# anonymise a participant, answering a request made once the room is over; a phone's own
# "forget me" is for an open workshop (rights.FORGET_WHILE_CLOSED says so).
CORRECTIONS = {"idea.edit", "theme.rename", "objective.edit", "actor.edit", "action.edit",
               "synthesis.write", "shared_action.edit", "measure.edit"}
WITHDRAWALS = {"committee.leave", "participant.remove", "participant.anonymise"}
CLOSED_FOR_PHONES = {"participant.forget": rights.FORGET_WHILE_CLOSED}
WHILE_CLOSED = {"workshop.close", "workshop.reopen", "plan.share"}  # close: already_closed

# Acks holding what must not outlive its row (a committee member's email): name -> (what
# the op_id's row keeps of the ack, the ack a resend gets from what was kept, read again
# from the rows). The ack sent at once is whole; the kept one carries no address.
PRIVATE_ACKS: dict[str, tuple[Callable[[dict], dict], Callable[[dict, Viewer], dict]]] = {
    "committee.join": (closing.kept_ack, closing.ack_again),
}

# Reads that change nothing: no op_id, not logged. name -> (function, payload fields,
# who may ask: "staff" (organisers included) or "anyone" in the workshop).
QUERIES: dict[str, tuple[Callable[..., dict], tuple[str, ...], str]] = {
    "themes.suggest": (priorities.suggest_themes, (), "staff"),
    "groups.propose": (groups.propose_groups, (), "staff"),
    "group.board": (boards.read_board, ("group_id",), "anyone"),
    "synergies.suggest": (synergies.suggest_synergies, (), "staff"),
    "committee.contacts": (closing.read_contacts, (), "anyone"),
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


def _perform(source: Identity | Viewer, name: str, op_id: Any, fields: dict) -> dict:
    change, _fields, who = OPERATIONS[name]
    if not isinstance(op_id, str) or not OP_ID.fullmatch(op_id):
        return OperationError("bad_request", _l(
            "This change could not be sent properly. Please reload the page.")).to_ack()
    try:
        # held for the whole change, so capabilities read it from the session, not again
        workshop = eventlog.lock(source.workshop_id)
        viewer = viewer_of(source)
        refused = refusal(viewer, who)
        if refused is not None:
            raise refused
        previous = _applied(viewer.workshop_id, op_id)
        if previous is not None:
            eventlog.discard()
            return _answer_again(previous, viewer, name)
        recorded = _while_closed(workshop, viewer, name)
        result = {"ok": True, **(change(viewer, **fields) or {})}
        if recorded:  # what was sent, without the fields left out
            closing.record(workshop, recorded, viewer.actor, name,
                           {key: value for key, value in fields.items() if value is not None})
        kept = PRIVATE_ACKS[name][0](result) if name in PRIVATE_ACKS else result
        db.session.add(AppliedOperation(workshop_id=viewer.workshop_id, op_id=op_id,
                                        name=name, actor=viewer.actor, result=kept))
        eventlog.commit()
    except OperationError as error:
        eventlog.discard()
        return error.to_ack()
    except IntegrityError:
        # the same op_id committed by a concurrent resend: answer as that one did
        eventlog.discard()
        previous = _applied(source.workshop_id, op_id)
        if previous is None:
            raise
        return _answer_again(previous, viewer_of(source), name)
    return result


def _while_closed(workshop, viewer: Viewer, name: str) -> str | None:
    """Refuse what a closed workshop no longer takes; the kind of record to keep of what
    it still takes ("correction", "withdrawal"), or None."""
    if workshop.closed_at is None or name in WHILE_CLOSED:
        return None
    if viewer.runs_workshop and name in CORRECTIONS:
        return "correction"
    if name in WITHDRAWALS:
        return "withdrawal"
    if viewer.runs_workshop:
        raise OperationError("workshop_closed", _l(
            "The workshop is closed: only texts can be corrected. Reopen it to change "
            "anything else."))
    raise OperationError("workshop_closed", CLOSED_FOR_PHONES.get(name) or _l(
        "The workshop is closed: the plan is final and can no longer be changed from a "
        "phone. Thank you for taking part."))


def _applied(workshop_id: int, op_id: str) -> AppliedOperation | None:
    return db.session.scalar(select(AppliedOperation).where(
        AppliedOperation.workshop_id == workshop_id, AppliedOperation.op_id == op_id))


def _answer_again(previous: AppliedOperation, viewer: Viewer | None, name: str) -> dict:
    """A resend gets its first ack; an op_id reused by anyone else, or for another
    operation, gets nothing of the first one's result."""
    if viewer is None or previous.actor != viewer.actor or previous.name != name:
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
    """The HTTP views' and the CLI's wrapper: apply a capability, commit, then publish
    (and realign sockets). An OperationError leaves nothing saved and is raised again."""
    try:
        result = change(*args, **kwargs)
        eventlog.commit()
    except Exception:
        eventlog.discard()
        raise
    return result

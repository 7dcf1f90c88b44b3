"""Step 3: each group's board: its objectives, its actors, its actions.

Members change their own group's board from their phones while the sub-step is open;
other groups read it and change nothing; facilitators may correct any board at any time
in Step 3. Every change goes to the group's stream (its members, the facilitators and
the projector). An edit based on an older version of an entry still wins, and whoever
made the change it replaced is told (`entry.overwritten`), so no text is lost silently.
"""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask_babel import format_date, lazy_gettext as _l
from sqlalchemy import select

from .. import eventlog, method
from ..errors import OperationError
from ..extensions import db
from ..models import (Action, Actor, Objective, Participant, WorkingGroup, Workshop, iso,
                      of_workshop, utcnow)
from ..payload import ids_among, is_id, is_whole, switch
from ..text import clean_line, plain
from ..viewers import Viewer
from . import matching
from .groups import find_group, isolate

ACTOR_KINDS = ("public", "chamber", "private", "diaspora", "international", "other")
LIMITS = {"objective": 300, "name": 120, "role": 300, "title": 200, "expected_result": 500,
          "resources": 500}
MAX_PER_GROUP = 200  # of each kind: a phone stuck on "send" must not flood a board
KINDS = {"objective": Objective, "actor": Actor, "action": Action}


# --- views ---------------------------------------------------------------------------

def _common(entry) -> dict:
    return {"id": entry.id, "group_id": entry.group_id, "author_id": entry.author_id,
            "version": entry.version, "highlighted": entry.highlighted,
            "updated_at": iso(entry.updated_at)}


def objective_view(entry: Objective) -> dict:
    return {**_common(entry), "text": entry.text}


def actor_view(entry: Actor) -> dict:
    return {**_common(entry), "name": entry.name, "kind": entry.kind, "role": entry.role}


def action_view(entry: Action) -> dict:
    return {**_common(entry), "title": entry.title,
            "objective_ids": list(entry.objective_ids or []),
            "lead_actor_id": entry.lead_actor_id, "partner_ids": list(entry.partner_ids or []),
            "deadline": entry.deadline.isoformat() if entry.deadline else None,
            "expected_result": entry.expected_result, "resources": entry.resources}


VIEWS = {"objective": objective_view, "actor": actor_view, "action": action_view}


def boards(workshop_id: int) -> dict[int, dict]:
    """Every group's board, in three queries whatever the number of entries."""
    result: dict[int, dict] = {}
    for kind, model in KINDS.items():
        for entry in db.session.scalars(select(model).where(
                model.workshop_id == workshop_id).order_by(model.id)):
            board = result.setdefault(entry.group_id, {"objectives": [], "actors": [],
                                                       "actions": []})
            board[kind + "s"].append(VIEWS[kind](entry))
    return result


# --- who may change what, when -------------------------------------------------------

def _target_group(viewer: Viewer, group_id: object) -> WorkingGroup:
    """The group whose board this change is for: a member's own group, or any group for
    a facilitator (who names it)."""
    if viewer.runs_workshop:
        return find_group(viewer, group_id)
    if viewer.kind != "participant":
        raise OperationError("forbidden", _l("Only the workshop's facilitators can do this."))
    if viewer.group_id is None:
        raise OperationError("no_group", _l(
            "You are not in a working group yet. The facilitator will put you in one."))
    if group_id is not None and group_id != viewer.group_id:
        raise OperationError("not_your_group", _l(
            "You can read the other groups' boards, but only change your own group's."))
    return find_group(viewer, viewer.group_id)


def _require_open(viewer: Viewer, workshop: Workshop, activity: str) -> None:
    """Members write during their sub-step; facilitators correct at any time from Step 3
    on (the boards feed the plan, typos are found late)."""
    stage = method.stage(workshop.stage)
    if viewer.runs_workshop and stage.step >= 3:
        return
    if not method.allows(workshop.stage, activity):
        raise OperationError("wrong_stage", _l(
            "This is not open at this step: your entry was not saved. Your text is kept "
            "on your phone."), stage=workshop.stage)


def _entry(viewer: Viewer, kind: str, entry_id: object):
    entry = of_workshop(KINDS[kind], entry_id, viewer.workshop_id, _l(
        "This entry is no longer on the board (someone may have removed it)."))
    _target_group(viewer, entry.group_id)
    return entry


def _added(workshop: Workshop, viewer: Viewer, kind: str, group: WorkingGroup,
           fields: dict) -> dict:
    """A new entry of this kind on the group's board, published to the group."""
    model = KINDS[kind]
    if db.session.scalar(select(db.func.count(model.id)).where(
            model.group_id == group.id)) >= MAX_PER_GROUP:
        raise OperationError("too_many", _l(
            "This board is full (%(n)d entries of this kind).", n=MAX_PER_GROUP))
    now = utcnow()
    entry = model(workshop_id=workshop.id, group_id=group.id, updated_by=viewer.actor,
                  author_id=viewer.participant_id if viewer.kind == "participant" else None,
                  version=1, highlighted=False, created_at=now, updated_at=now, **fields)
    db.session.add(entry)
    db.session.flush()
    return {kind: _publish(workshop, kind, entry, viewer)}


def _publish(workshop: Workshop, kind: str, entry, viewer: Viewer) -> dict:
    view = VIEWS[kind](entry)
    eventlog.append(workshop, f"{kind}.saved", {kind: view}, audience="group",
                    target_id=entry.group_id, actor=viewer.actor)
    return view


def _edited(workshop: Workshop, kind: str, entry, viewer: Viewer, version: object,
            before: dict) -> dict:
    """Raise the version, publish, and tell whoever made the change this edit replaced
    if the editor had not seen it."""
    if version is not None and not is_whole(version):
        raise OperationError("bad_request", _l("Please reload the page and try again."))
    replaced = (version is not None and version < entry.version
                and entry.updated_by and entry.updated_by != viewer.actor)
    previous_editor = entry.updated_by
    entry.version += 1
    entry.updated_by = viewer.actor
    entry.updated_at = utcnow()
    db.session.flush()
    view = _publish(workshop, kind, entry, viewer)
    result = {kind: view}
    if replaced:
        by = _name_of(viewer)
        result["replaced"] = {"by": _name_of_actor(previous_editor)}
        if previous_editor.startswith("participant:"):
            eventlog.append(workshop, "entry.overwritten",
                            {"kind": kind, "entry": view, "previous": before, "by": by},
                            audience="participant",
                            target_id=int(previous_editor.split(":")[1]),
                            actor=viewer.actor)
    return result


def _name_of(viewer: Viewer) -> str:
    if viewer.kind == "participant":
        return db.session.get(Participant, viewer.participant_id).name
    return str(_l("a facilitator"))


def _name_of_actor(actor: str) -> str:
    if actor.startswith("participant:"):
        person = db.session.get(Participant, int(actor.split(":")[1]))
        if person is not None:
            return person.name
    return str(_l("a facilitator"))


def _removed(workshop: Workshop, kind: str, entry, viewer: Viewer) -> dict:
    data = {"id": entry.id, "group_id": entry.group_id}
    db.session.delete(entry)
    eventlog.append(workshop, f"{kind}.removed", data, audience="group",
                    target_id=data["group_id"], actor=viewer.actor)
    return data


# --- objectives ------------------------------------------------------------------------

def _objective_text(text: object) -> str:
    text = clean_line(text, LIMITS["objective"], _l(
        "An objective is a short statement (%(n)d characters at most).",
        n=LIMITS["objective"]))
    if not text:
        raise OperationError("empty_text", _l("Please write the objective first."))
    return text


def add_objective(viewer: Viewer, text: object, group_id: object = None) -> dict:
    """A short statement of what the group's priority must achieve."""
    workshop = db.session.get(Workshop, viewer.workshop_id)
    _require_open(viewer, workshop, "objectives")
    group = _target_group(viewer, group_id)
    return _added(workshop, viewer, "objective", group, {"text": _objective_text(text)})


def edit_objective(viewer: Viewer, objective_id: object, text: object,
                   version: object = None) -> dict:
    workshop = db.session.get(Workshop, viewer.workshop_id)
    _require_open(viewer, workshop, "objectives")
    entry = _entry(viewer, "objective", objective_id)
    before = objective_view(entry)
    entry.text = _objective_text(text)
    return _edited(workshop, "objective", entry, viewer, version, before)


def remove_objective(viewer: Viewer, objective_id: object) -> dict:
    workshop = db.session.get(Workshop, viewer.workshop_id)
    _require_open(viewer, workshop, "objectives")
    entry = _entry(viewer, "objective", objective_id)
    used = [a.title for a in _actions(entry.group_id) if entry.id in (a.objective_ids or [])]
    if used:
        raise OperationError("in_use", _l(
            "The action “%(title)s” serves this objective: change the action first.",
            title=isolate(used[0])))
    return _removed(workshop, "objective", entry, viewer)


# --- actors ----------------------------------------------------------------------------

def _actor_fields(name: object, kind: object, role: object, partial: bool = False) -> dict:
    fields = {}
    if name is not None or not partial:
        fields["name"] = clean_line(name, LIMITS["name"], _l(
            "The actor's name is too long (%(n)d characters at most).", n=LIMITS["name"]))
        if not fields["name"]:
            raise OperationError("empty_name", _l("Please write the actor's name."))
    if kind is not None or not partial:
        kind = kind or "other"
        if kind not in ACTOR_KINDS:
            raise OperationError("bad_kind", _l("Please choose the kind of actor in the list."))
        fields["kind"] = kind
    if role is not None or not partial:
        fields["role"] = clean_line(role, LIMITS["role"], _l(
            "The actor's role is too long (%(n)d characters at most).", n=LIMITS["role"]))
    return fields


def _actors(group_id: int) -> list[Actor]:
    return list(db.session.scalars(select(Actor).where(Actor.group_id == group_id)
                                   .order_by(Actor.id)))


def _actions(group_id: int) -> list[Action]:
    return list(db.session.scalars(select(Action).where(Action.group_id == group_id)
                                   .order_by(Action.id)))


def _same_actor(group_id: int, name: str, except_id: int | None = None) -> None:
    """Refuse, with the existing actor, a name the group already has under another
    spelling; the member decides (`distinct: true` adds it anyway)."""
    for other in _actors(group_id):
        if other.id == except_id:
            continue
        reason = matching.same_name(name, other.name)
        if reason:
            raise OperationError("similar_actor", _l(
                "Your group already has “%(existing)s”: is it the same as “%(name)s”? "
                "Use it, or add yours anyway.", existing=isolate(other.name),
                name=isolate(name)),
                actor=actor_view(other), reason=reason)


def add_actor(viewer: Viewer, name: object, kind: object = "other", role: object = "",
              distinct: object = None, group_id: object = None) -> dict:
    """Who should act for the priority: name, kind and role."""
    workshop = db.session.get(Workshop, viewer.workshop_id)
    _require_open(viewer, workshop, "actors")
    group = _target_group(viewer, group_id)
    fields = _actor_fields(name, kind, role)
    if not switch(distinct):
        _same_actor(group.id, fields["name"])
    return _added(workshop, viewer, "actor", group, fields)


def edit_actor(viewer: Viewer, actor_id: object, name: object = None, kind: object = None,
               role: object = None, version: object = None, distinct: object = None) -> dict:
    workshop = db.session.get(Workshop, viewer.workshop_id)
    _require_open(viewer, workshop, "actors")
    entry = _entry(viewer, "actor", actor_id)
    before = actor_view(entry)
    fields = _actor_fields(name, kind, role, partial=True)
    if "name" in fields and not switch(distinct):
        _same_actor(entry.group_id, fields["name"], except_id=entry.id)
    for key, value in fields.items():
        setattr(entry, key, value)
    return _edited(workshop, "actor", entry, viewer, version, before)


def remove_actor(viewer: Viewer, actor_id: object) -> dict:
    workshop = db.session.get(Workshop, viewer.workshop_id)
    _require_open(viewer, workshop, "actors")
    entry = _entry(viewer, "actor", actor_id)
    used = [a.title for a in _actions(entry.group_id)
            if a.lead_actor_id == entry.id or entry.id in (a.partner_ids or [])]
    if used:
        raise OperationError("in_use", _l(
            "The action “%(title)s” names this actor: change the action first.",
            title=isolate(used[0])))
    return _removed(workshop, "actor", entry, viewer)


# --- actions ---------------------------------------------------------------------------

def _earliest_deadline(workshop: Workshop) -> date:
    """Not before the workshop's date, or today where the workshop is."""
    if workshop.date is not None:
        return workshop.date
    return datetime.now(ZoneInfo(workshop.timezone or "UTC")).date()


def checked_date(workshop: Workshop, value: object) -> date | None:
    """A deadline or due date: year-month-day, not before the workshop (empty: none)."""
    if value is None or value == "":
        return None
    try:
        deadline = date.fromisoformat(plain(value))
    except (ValueError, TypeError):
        raise OperationError("bad_date", _l(
            "The deadline is not a valid date (year-month-day).")) from None
    earliest = _earliest_deadline(workshop)
    if deadline < earliest:
        raise OperationError("bad_date", _l(
            "The deadline cannot be before %(date)s.",
            date=format_date(earliest, format="long")))
    return deadline


def _action_fields(workshop: Workshop, group_id: int, given: dict,
                   current: Action | None = None) -> dict:
    """The fields given, checked; `current`: the action an edit changes (the fields left
    out keep their values)."""
    partial = current is not None
    fields = {}
    if "title" in given or not partial:
        fields["title"] = clean_line(given.get("title"), LIMITS["title"], _l(
            "The action's title is too long (%(n)d characters at most).", n=LIMITS["title"]))
        if not fields["title"]:
            raise OperationError("empty_title", _l("Please give the action a title."))
    objective_ids = {o.id for o in db.session.scalars(select(Objective).where(
        Objective.group_id == group_id))}
    actor_ids = {a.id for a in _actors(group_id)}
    if "objective_ids" in given or not partial:
        fields["objective_ids"] = ids_among(given.get("objective_ids"), objective_ids, _l(
            "Choose the objectives this action serves among your group's objectives."), 50)
    if "lead_actor_id" in given or not partial:
        lead = given.get("lead_actor_id") or None  # 0 takes the lead away in an edit
        if lead is not None and (not is_id(lead) or lead not in actor_ids):
            raise OperationError("not_found", _l(
                "Choose who leads the action among your group's actors."))
        fields["lead_actor_id"] = lead
    if "partner_ids" in given or not partial:
        fields["partner_ids"] = ids_among(given.get("partner_ids"), actor_ids, _l(
            "Choose the partners among your group's actors."), 50)
    if "deadline" in given or not partial:
        fields["deadline"] = checked_date(workshop, given.get("deadline"))
    for key in ("expected_result", "resources"):
        if key in given or not partial:
            fields[key] = clean_line(given.get(key), LIMITS[key], _l(
                "This text is too long (%(n)d characters at most).", n=LIMITS[key]))
    # the lead is never also a partner, whichever of the two an edit changes
    lead = fields.get("lead_actor_id", current.lead_actor_id if current else None)
    partners = fields.get("partner_ids", list(current.partner_ids or []) if current else [])
    if lead is not None and lead in partners:
        fields["partner_ids"] = [p for p in partners if p != lead]
    return fields


def add_action(viewer: Viewer, group_id: object = None, **given) -> dict:
    """What will be done: title, objectives served, lead and partners among the group's
    actors, a deadline (not before the workshop's date), expected result, resources."""
    workshop = db.session.get(Workshop, viewer.workshop_id)
    _require_open(viewer, workshop, "actions")
    group = _target_group(viewer, group_id)
    fields = _action_fields(workshop, group.id, given)
    return _added(workshop, viewer, "action", group, fields)


def edit_action(viewer: Viewer, action_id: object, version: object = None,
                **given) -> dict:
    """Change some fields of an action; the fields left out (null) stay as they are."""
    workshop = db.session.get(Workshop, viewer.workshop_id)
    _require_open(viewer, workshop, "actions")
    entry = _entry(viewer, "action", action_id)
    before = action_view(entry)
    present = {key: value for key, value in given.items() if value is not None}
    for key, value in _action_fields(workshop, entry.group_id, present, entry).items():
        setattr(entry, key, value)
    return _edited(workshop, "action", entry, viewer, version, before)


def remove_action(viewer: Viewer, action_id: object) -> dict:
    workshop = db.session.get(Workshop, viewer.workshop_id)
    _require_open(viewer, workshop, "actions")
    return _removed(workshop, "action", _entry(viewer, "action", action_id), viewer)


# --- reading another group's board ------------------------------------------------------

def read_board(viewer: Viewer, group_id: object) -> dict:
    """Any group's board, for a participant who wants to read what others wrote."""
    group = find_group(viewer, group_id, active=False)
    return {"group_id": group.id,
            "board": boards(viewer.workshop_id).get(group.id, {"objectives": [],
                                                                "actors": [],
                                                                "actions": []})}

"""Step 4: the shared action plan the room agrees across groups, and the immediate
measures of the closing.

A shared action serves several priorities, has a lead (often the host of a coordination
platform, like the chamber of commerce in Beirut) and partners, a deadline and an
expected result. It may come from a synergy, and it links the group actions it absorbs
(by id: the group's own action stays on its board, unchanged). Immediate measures are
what happens within the month, each with an owner and a due date.

The facilitators write both, as the room agrees them; everyone sees them as they form.
Two facilitators editing the same item at once: the second is refused with the item as
it is now (`stale_version`), so nobody overwrites what they have not read.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from .. import eventlog
from ..errors import BADLY_SENT, OperationError
from ..extensions import db
from ..models import (Action, ImmediateMeasure, SharedAction, Synergy, Theme, WorkingGroup,
                      Workshop, iso, of_workshop, utcnow)
from ..payload import ids_among, is_id
from ..snapshot import part
from ..text import clean_line, plain
from ..viewers import Viewer
from ..workshops import require_runner
from .boards import checked_date

LIMITS = {"title": 200, "description": 2000, "lead": 120, "partner": 120, "partners": 20,
          "expected_result": 500, "text": 300, "owner": 120}
SHARED_ACTION_FIELDS = ("title", "description", "theme_ids", "lead", "partners",
                        "deadline", "expected_result", "action_ids", "synergy_id")
MEASURE_FIELDS = ("text", "owner", "due")


def shared_action_view(action: SharedAction) -> dict:
    return {"id": action.id, "title": action.title, "description": action.description,
            "theme_ids": list(action.theme_ids or []), "lead": action.lead,
            "partners": list(action.partners or []),
            "deadline": action.deadline.isoformat() if action.deadline else None,
            "expected_result": action.expected_result,
            "action_ids": list(action.action_ids or []), "synergy_id": action.synergy_id,
            "version": action.version, "updated_at": iso(action.updated_at)}


def measure_view(measure: ImmediateMeasure) -> dict:
    return {"id": measure.id, "text": measure.text, "owner": measure.owner,
            "due": measure.due.isoformat() if measure.due else None,
            "version": measure.version}


def _line(value: object, key: str, message) -> str:
    return clean_line(value, LIMITS[key], message)


def _too_long(n: int):
    return _l("This text is too long (%(n)d characters at most).", n=n)


def _partners(value: object) -> list[str]:
    """Partner organisations as typed: a list of names, or one line separated by commas."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        value = value.replace("،", ",").split(",")
    if not isinstance(value, list) or len(value) > LIMITS["partners"]:
        raise OperationError("bad_request", _l(
            "List at most %(n)d partners.", n=LIMITS["partners"]))
    names = [clean_line(name, LIMITS["partner"], _too_long(LIMITS["partner"]))
             for name in value]
    return list(dict.fromkeys(name for name in names if name))


def _synergy(workshop_id: int, synergy_id: object) -> Synergy | None:
    if synergy_id is None or (type(synergy_id) is int and synergy_id == 0):  # 0: unlink
        return None
    gone = _l("This synergy is no longer on the list; the shared action was not saved.")
    synergy = of_workshop(Synergy, synergy_id, workshop_id, gone)
    if synergy.status != "accepted":
        raise OperationError("not_found", gone)
    return synergy


def _from_synergy(synergy: Synergy) -> tuple[list[int], list[int]]:
    """The priorities a synergy joins (its active groups' themes) and the actions it
    links."""
    themes = list(db.session.scalars(select(WorkingGroup.theme_id).where(
        WorkingGroup.id.in_(synergy.group_ids or []), WorkingGroup.retired.is_(False))))
    actions = [e["id"] for e in synergy.entries or [] if e.get("kind") == "action"]
    return themes, actions


def _shared_action_fields(workshop: Workshop, given: dict, partial: bool) -> dict:
    fields = {}

    def asked(key):
        return key in given or not partial

    if asked("title"):
        fields["title"] = _line(given.get("title"), "title", _l(
            "The shared action's title is too long (%(n)d characters at most).",
            n=LIMITS["title"]))
        if not fields["title"]:
            raise OperationError("empty_title", _l("Please give the shared action a title."))
    if asked("description"):
        fields["description"] = plain(given.get("description")).strip()
        if len(fields["description"]) > LIMITS["description"]:
            raise OperationError("too_long", _too_long(LIMITS["description"]))
    synergy = _synergy(workshop.id, given.get("synergy_id")) if asked("synergy_id") else None
    if asked("synergy_id"):
        fields["synergy_id"] = synergy.id if synergy else None
    from_synergy = _from_synergy(synergy) if synergy else ([], [])
    if asked("theme_ids"):
        confirmed = set(db.session.scalars(select(Theme.id).where(
            Theme.workshop_id == workshop.id, Theme.confirmed_rank.is_not(None))))
        chosen = given.get("theme_ids")
        fields["theme_ids"] = ids_among(
            from_synergy[0] if chosen is None else chosen, confirmed,
            _l("Choose the priorities this action serves among the confirmed priorities."))
    if asked("action_ids"):
        actions = set(db.session.scalars(select(Action.id).where(
            Action.workshop_id == workshop.id)))
        chosen = given.get("action_ids")
        fields["action_ids"] = ids_among(
            [a for a in from_synergy[1] if a in actions] if chosen is None else chosen,
            actions, _l("Choose the group actions it absorbs among the groups' actions."))
    if asked("lead"):
        fields["lead"] = _line(given.get("lead"), "lead", _too_long(LIMITS["lead"]))
    if asked("partners"):
        fields["partners"] = _partners(given.get("partners"))
        if fields.get("lead"):
            fields["partners"] = [p for p in fields["partners"] if p != fields["lead"]]
    if asked("deadline"):
        fields["deadline"] = checked_date(workshop, given.get("deadline"))
    if asked("expected_result"):
        fields["expected_result"] = _line(given.get("expected_result"), "expected_result",
                                          _too_long(LIMITS["expected_result"]))
    return fields


def publish_shared_action(workshop: Workshop, action: SharedAction, actor: str) -> dict:
    view = shared_action_view(action)
    eventlog.append(workshop, "shared_action.saved", {"shared_action": view}, actor=actor)
    return {"shared_action": view}


def _check_version(current: int, version: object, view: dict, what) -> None:
    """The version the client last saw, if it sends one: another is refused with the
    item as it is now."""
    if version is None:
        return
    if not is_id(version):
        raise OperationError("bad_request", BADLY_SENT)
    if version != current:
        raise OperationError("stale_version", what, current=view)


def add_shared_action(viewer: Viewer, **given) -> dict:
    """A shared action, from scratch or from a synergy (whose priorities and actions it
    takes unless others are given)."""
    require_runner(viewer)
    workshop = db.session.get(Workshop, viewer.workshop_id)
    action = SharedAction(workshop_id=workshop.id, updated_by=viewer.actor,
                          created_at=utcnow(), updated_at=utcnow(),
                          **_shared_action_fields(workshop, given, partial=False))
    db.session.add(action)
    db.session.flush()
    return publish_shared_action(workshop, action, viewer.actor)


def edit_shared_action(viewer: Viewer, shared_action_id: object, version: object = None,
                       **given) -> dict:
    """Change some fields of a shared action; fields left out (null) stay as they are."""
    return _edit(viewer, "shared_action", shared_action_id, version, given)


def remove_shared_action(viewer: Viewer, shared_action_id: object) -> dict:
    """Take a shared action out of the plan (the group actions it linked stay)."""
    require_runner(viewer)
    action = _item(viewer, "shared_action", shared_action_id)
    data = {"id": action.id}
    db.session.delete(action)
    eventlog.append(db.session.get(Workshop, viewer.workshop_id), "shared_action.removed",
                    data, actor=viewer.actor)
    return data


# --- immediate measures ----------------------------------------------------------------

def _measure_fields(workshop: Workshop, given: dict, partial: bool) -> dict:
    fields = {}
    if "text" in given or not partial:
        fields["text"] = _line(given.get("text"), "text", _too_long(LIMITS["text"]))
        if not fields["text"]:
            raise OperationError("empty_text", _l("Please say what will be done."))
    if "owner" in given or not partial:
        fields["owner"] = _line(given.get("owner"), "owner", _too_long(LIMITS["owner"]))
        if not fields["owner"]:
            raise OperationError("empty_owner", _l(
                "Please say who takes this measure in hand."))
    if "due" in given or not partial:
        fields["due"] = checked_date(workshop, given.get("due"))
        if fields["due"] is None:
            raise OperationError("bad_date", _l("Please give the date it is due."))
    return fields


def _publish_measure(workshop: Workshop, measure: ImmediateMeasure, actor: str) -> dict:
    view = measure_view(measure)
    eventlog.append(workshop, "measure.saved", {"measure": view}, actor=actor)
    return {"measure": view}


def add_measure(viewer: Viewer, **given) -> dict:
    """An immediate measure: what, who takes it in hand, by when."""
    require_runner(viewer)
    workshop = db.session.get(Workshop, viewer.workshop_id)
    measure = ImmediateMeasure(workshop_id=workshop.id, updated_by=viewer.actor,
                               created_at=utcnow(),
                               **_measure_fields(workshop, given, partial=False))
    db.session.add(measure)
    db.session.flush()
    return _publish_measure(workshop, measure, viewer.actor)


def edit_measure(viewer: Viewer, measure_id: object, version: object = None,
                 **given) -> dict:
    """Change some fields of a measure; fields left out (null) stay as they are."""
    return _edit(viewer, "measure", measure_id, version, given)


def remove_measure(viewer: Viewer, measure_id: object) -> dict:
    """Take an immediate measure off the list."""
    require_runner(viewer)
    measure = _item(viewer, "measure", measure_id)
    data = {"id": measure.id}
    db.session.delete(measure)
    eventlog.append(db.session.get(Workshop, viewer.workshop_id), "measure.removed", data,
                    actor=viewer.actor)
    return data


# --- editing either kind: found in this workshop, the version checked, the later wins ---

_KINDS = {
    "shared_action": (SharedAction, shared_action_view, _shared_action_fields,
                      publish_shared_action,
                      _l("This shared action is no longer in the plan."),
                      _l("Another facilitator changed this shared action just before you: "
                         "here it is as it is now. Make your change again.")),
    "measure": (ImmediateMeasure, measure_view, _measure_fields, _publish_measure,
                _l("This measure is no longer listed."),
                _l("Another facilitator changed this measure just before you: here it is "
                   "as it is now. Make your change again.")),
}


def _item(viewer: Viewer, kind: str, item_id: object):
    model, *_rest, gone, _stale = _KINDS[kind]
    return of_workshop(model, item_id, viewer.workshop_id, gone)


def _edit(viewer: Viewer, kind: str, item_id: object, version: object, given: dict) -> dict:
    _model, view, fields_of, publish, _gone, stale = _KINDS[kind]
    require_runner(viewer)
    workshop = db.session.get(Workshop, viewer.workshop_id)
    item = _item(viewer, kind, item_id)
    _check_version(item.version, version, view(item), stale)
    present = {key: value for key, value in given.items() if value is not None}
    for key, value in fields_of(workshop, present, partial=True).items():
        setattr(item, key, value)
    item.version += 1
    item.updated_by = viewer.actor
    if hasattr(item, "updated_at"):
        item.updated_at = utcnow()
    return publish(workshop, item, viewer.actor)


@part("shared_plan", "the measures by due date")
def _shared_plan_part(workshop: Workshop, staff: bool) -> dict:
    """The shared actions and the immediate measures, for everyone."""
    actions = db.session.scalars(select(SharedAction).where(
        SharedAction.workshop_id == workshop.id).order_by(SharedAction.id))
    measures = db.session.scalars(select(ImmediateMeasure).where(
        ImmediateMeasure.workshop_id == workshop.id).order_by(ImmediateMeasure.due,
                                                              ImmediateMeasure.id))
    return {"actions": [shared_action_view(a) for a in actions],
            "measures": [measure_view(m) for m in measures]}

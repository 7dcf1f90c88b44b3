"""Step 3's plenaries: after each sub-step every group reports to the room.

The rapporteur (or a facilitator) marks the entries to highlight and writes the group's
synthesis for the sub-step, a few lines kept per group and sub-step for the action plan.
Syntheses are for everyone: the projector shows the groups side by side.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from .. import eventlog, method
from ..errors import OperationError
from ..extensions import db
from ..models import (Participant, Synthesis, WorkingGroup, Workshop, iso, of_workshop,
                      utcnow)
from ..payload import switch
from ..snapshot import part, personal
from ..text import plain
from ..viewers import Viewer
from .boards import KINDS, _publish, boards
from .groups import find_group, group_settings, group_view, groups_of, settings_info

SUBSTEPS = ("objectives", "actors", "actions")
MAX_TEXT = 1500


def synthesis_view(synthesis: Synthesis) -> dict:
    return {"group_id": synthesis.group_id, "substep": synthesis.substep,
            "text": synthesis.text, "updated_at": iso(synthesis.updated_at)}


def syntheses(workshop_id: int) -> list[dict]:
    return [synthesis_view(s) for s in db.session.scalars(select(Synthesis).where(
        Synthesis.workshop_id == workshop_id).order_by(Synthesis.group_id, Synthesis.id))]


def _require_reporter(viewer: Viewer, group: WorkingGroup) -> None:
    if viewer.runs_workshop:
        return
    if viewer.kind != "participant" or group.rapporteur_id != viewer.participant_id:
        raise OperationError("forbidden", _l(
            "Only the group's rapporteur or a facilitator can do this."))


def _require_reporting(viewer: Viewer, workshop: Workshop, substep: str) -> None:
    """A rapporteur prepares during the sub-step and reports at its synthesis."""
    if viewer.runs_workshop and method.stage(workshop.stage).step >= 3:
        return
    if workshop.stage not in (substep, f"{substep}_synthesis"):
        raise OperationError("wrong_stage", _l(
            "The synthesis of this sub-step is not open now. Your text is kept on your "
            "phone."), stage=workshop.stage)


def write_synthesis(viewer: Viewer, group_id: object, substep: object,
                    text: object) -> dict:
    """The group's synthesis of a sub-step, a few lines (replaces the previous one)."""
    workshop = db.session.get(Workshop, viewer.workshop_id)
    if substep not in SUBSTEPS:
        raise OperationError("bad_request", _l("Choose objectives, actors or actions."))
    group = find_group(viewer, group_id)
    _require_reporter(viewer, group)
    _require_reporting(viewer, workshop, substep)
    text = plain(text).strip()
    if len(text) > MAX_TEXT:
        raise OperationError("too_long", _l(
            "The synthesis is too long (%(n)d characters at most).", n=MAX_TEXT))
    synthesis = db.session.scalar(select(Synthesis).where(
        Synthesis.group_id == group.id, Synthesis.substep == substep))
    if synthesis is None:
        synthesis = Synthesis(workshop_id=workshop.id, group_id=group.id, substep=substep)
        db.session.add(synthesis)
    synthesis.text = text
    synthesis.updated_by = viewer.actor
    synthesis.updated_at = utcnow()
    db.session.flush()
    view = synthesis_view(synthesis)
    eventlog.append(workshop, "synthesis.saved", {"synthesis": view}, actor=viewer.actor)
    return {"synthesis": view}


def highlight(viewer: Viewer, entry: object, entry_id: object,
              highlighted: object = True) -> dict:
    """Mark an entry (or unmark it) for the group's report to the room."""
    workshop = db.session.get(Workshop, viewer.workshop_id)
    if not isinstance(entry, str) or entry not in KINDS:
        raise OperationError("bad_request", _l("Choose an objective, an actor or an action."))
    row = of_workshop(KINDS[entry], entry_id, viewer.workshop_id, _l(
        "This entry is no longer on the board (someone may have removed it)."))
    group = find_group(viewer, row.group_id)
    _require_reporter(viewer, group)
    _require_reporting(viewer, workshop, entry + "s")
    row.highlighted = bool(switch(highlighted) if highlighted is not None else True)
    db.session.flush()
    return {entry: _publish(workshop, entry, row, viewer)}


# --- snapshot: Step 3 as a viewer may see it --------------------------------------------

@part("groups", "a phone gets only its own group's board, and `members` of its own group "
                "only: each group carries `member_count`")
def _groups_part(workshop: Workshop, staff: bool) -> dict:
    """Groups, their members, boards and syntheses: built once per seq, shared."""
    members: dict[int, list[int]] = {}
    for pid, gid in db.session.execute(select(Participant.id, Participant.group_id).where(
            Participant.workshop_id == workshop.id, Participant.group_id.is_not(None))):
        members.setdefault(gid, []).append(pid)
    return {"settings": settings_info(group_settings(workshop.id)),
            "list": [{**group_view(g), "members": members.get(g.id, [])}
                     for g in groups_of(workshop.id)],
            "boards": {str(gid): board for gid, board in boards(workshop.id).items()},
            "syntheses": syntheses(workshop.id)}


@part("groups", phone=True)
def _groups_for_phones(workshop: Workshop, staff: bool) -> dict:
    """What a phone shows of the groups: each one's size (choosing a group); the members
    of its own are added to its copy from `_members`."""
    everyone = _groups_part(workshop, False)
    return {**everyone,
            "list": [{**{key: value for key, value in group.items() if key != "members"},
                      "member_count": len(group["members"])} for group in everyone["list"]],
            "_members": {group["id"]: group["members"] for group in everyone["list"]}}


@personal("groups")
def _my_group(shared: dict, workshop: Workshop, viewer: Viewer) -> dict:
    """A phone gets its own group's members and board live; others' boards are read with
    `group.board`."""
    if viewer.kind != "participant":
        return shared
    mine = str(viewer.group_id) if viewer.group_id is not None else None
    return {**shared,
            "list": [{**group, "members": shared["_members"][group["id"]]}
                     if group["id"] == viewer.group_id else group
                     for group in shared["list"]],
            "my_group_id": viewer.group_id,
            "boards": {mine: shared["boards"][mine]} if mine in shared["boards"] else {}}

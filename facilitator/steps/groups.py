"""Step 3: the working groups. One per confirmed priority, formed when the room enters
Step 3 and filled at once: by the balanced assignment (the facilitator then reviews it
and moves people), or by the participants' own choice, which opens on the phones. Each
group has a rapporteur: a member volunteers while there is none; after that only the
facilitator or the rapporteur (handing over) changes it, and only during the group work.

Moving someone between groups moves their sockets too: after the commit the old group's
room is emptied on every server process and the people concerned re-`sync`, so a phone
switches to its new board without a reload and stops hearing the old group.
"""
from __future__ import annotations

from collections import Counter
from types import SimpleNamespace

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from .. import eventlog, method
from ..errors import OperationError
from ..extensions import db
from ..models import (Action, Actor, GroupSettings, Objective, Participant, Theme,
                      WorkingGroup, Workshop, of_workshop)
from ..payload import is_whole
from ..viewers import Viewer, room_all, room_group, room_participant
from ..workshops import require_runner, require_staff
from .priorities import confirmed, warns_on_confirm

MODES = ("balanced", "choose")
STEP3_STAGES = tuple(stage.key for stage in method.STAGES if stage.step == 3)
MAX_CAP = 500


# --- reading ---------------------------------------------------------------------------

def group_settings(workshop_id: int) -> GroupSettings:
    """The row, or the defaults unsaved when groups were never formed."""
    held = db.session.info.setdefault("facilitator.group_settings", {})
    if workshop_id not in held:
        held[workshop_id] = db.session.get(GroupSettings, workshop_id) or GroupSettings(
            workshop_id=workshop_id, mode="balanced", cap=None, spotlight_group_id=None)
    return held[workshop_id]


def settings_info(settings: GroupSettings) -> dict:
    return {"mode": settings.mode, "cap": settings.cap,
            "spotlight_group_id": settings.spotlight_group_id}


def groups_of(workshop_id: int) -> list[WorkingGroup]:
    """Active groups in priority order, then retired ones."""
    rows = db.session.execute(
        select(WorkingGroup, Theme).join(Theme, Theme.id == WorkingGroup.theme_id)
        .where(WorkingGroup.workshop_id == workshop_id)).all()
    rows.sort(key=lambda row: (row[0].retired, row[1].confirmed_rank or 99, row[0].id))
    return [group for group, _theme in rows]


def group_view(group: WorkingGroup) -> dict:
    return {"id": group.id, "theme_id": group.theme_id, "title": group.theme.title,
            "description": group.theme.description, "rank": group.theme.confirmed_rank,
            "retired": group.retired, "rapporteur_id": group.rapporteur_id}


def find_group(viewer: Viewer, group_id: object, active: bool = True) -> WorkingGroup:
    gone = _l("This working group does not exist (any more). Please choose another.")
    group = of_workshop(WorkingGroup, group_id, viewer.workshop_id, gone)
    if active and group.retired:
        raise OperationError("not_found", gone)
    return group


def _participant(viewer: Viewer, participant_id: object) -> Participant:
    return of_workshop(Participant, participant_id, viewer.workshop_id,
                       _l("This participant is not in the workshop."))


def entries_count(workshop_id: int) -> int:
    return sum(db.session.scalar(select(db.func.count(model.id)).where(
        model.workshop_id == workshop_id)) for model in (Objective, Actor, Action))


# --- forming the groups ----------------------------------------------------------------

@method.on_enter(*STEP3_STAGES)
def _form_groups(workshop: Workshop, viewer: Viewer) -> None:
    """Entering Step 3: one group per confirmed priority (made once, kept after). In
    balanced mode, while nobody is in a group yet, everyone is placed at once: the room
    starts its group work with its groups, and the facilitator reviews them and moves
    people. In the choose mode nobody is placed: each phone offers the choice."""
    ensure_groups(workshop, viewer.actor)
    if group_settings(workshop.id).mode == "balanced" and not _anyone_placed(workshop.id):
        place_loose(workshop, viewer.actor)


def ensure_groups(workshop: Workshop, actor: str) -> None:
    """A group for each confirmed priority; a group whose priority is no longer
    confirmed is retired with its members and entries, never deleted."""
    settings = _settings_row(workshop.id)
    chosen = {theme.id for theme in confirmed(workshop.id)}
    existing = {group.theme_id: group for group in db.session.scalars(
        select(WorkingGroup).where(WorkingGroup.workshop_id == workshop.id))}
    changed = False
    for theme_id in chosen - set(existing):
        db.session.add(WorkingGroup(workshop_id=workshop.id, theme_id=theme_id,
                                    retired=False))
        changed = True
    for theme_id, group in existing.items():
        if group.retired != (theme_id not in chosen):
            group.retired = theme_id not in chosen
            changed = True
    if changed:
        db.session.flush()
        eventlog.append(workshop, "groups.formed",
                        {"groups": [group_view(g) for g in groups_of(workshop.id)],
                         "settings": settings_info(settings)},
                        actor=actor)


def _settings_row(workshop_id: int) -> GroupSettings:
    """The saved row, made (balanced, no cap) the first time it is needed."""
    settings = db.session.get(GroupSettings, workshop_id)
    if settings is None:
        settings = GroupSettings(workshop_id=workshop_id, mode="balanced", cap=None)
        db.session.add(settings)
        db.session.flush()
        db.session.info.get("facilitator.group_settings", {}).pop(workshop_id, None)
    return settings


def _anyone_placed(workshop_id: int) -> bool:
    return db.session.scalar(select(Participant.id).where(
        Participant.workshop_id == workshop_id, Participant.group_id.is_not(None)
    ).limit(1)) is not None


def place_loose(workshop: Workshop, actor: str) -> list[dict]:
    """Put everyone who is in no group into one. Nobody placed yet: the balanced
    assignment of the whole room; otherwise each one goes where the balance is kept,
    and nobody already in a group moves."""
    active = [g for g in groups_of(workshop.id) if not g.retired]
    people = db.session.scalars(select(Participant).where(
        Participant.workshop_id == workshop.id).order_by(Participant.id)).all()
    loose = [p for p in people if p.group_id is None]
    if not active or not loose:
        return []
    if len(loose) == len(people):
        return _move(workshop, balanced(list(people), active), actor)
    placed = [p for p in people if p.group_id is not None]
    moves = {}
    for person in loose:
        moves[person.id] = _keeps_balance(placed, person, active)
        placed.append(SimpleNamespace(group_id=moves[person.id], profile=person.profile))
    return _move(workshop, moves, actor)


def _keeps_balance(placed: list, person: Participant, active: list[WorkingGroup]) -> int:
    """The group a newcomer goes into: the smallest, then the one with fewest of their
    profile."""
    size = Counter(p.group_id for p in placed)
    same = Counter(p.group_id for p in placed if p.profile == person.profile)
    return min((g.id for g in active), key=lambda gid: (size[gid], same[gid], gid))


@warns_on_confirm
def priorities_warning(workshop_id: int) -> str | None:
    """What the facilitator must know before changing priorities that groups work on."""
    if not db.session.scalar(select(WorkingGroup.id).where(
            WorkingGroup.workshop_id == workshop_id).limit(1)):
        return None
    if not entries_count(workshop_id):
        return None
    return str(_l("Working groups already have entries. Nothing is deleted: a group "
                  "whose priority is no longer confirmed keeps its members and entries, "
                  "marked as retired, until you move them."))


# --- assignment --------------------------------------------------------------------------

def balanced(people: list[Participant], groups: list[WorkingGroup]) -> dict[int, int]:
    """Participant id -> group id: sizes even (they differ by one at most), and each
    profile, then each organisation, spread across the groups as evenly as it can be.

    People are placed profile by profile, rarest first, each into the smallest group,
    ties going to the group with fewest of their profile, then of their organisation."""
    if not groups:
        return {}
    size = Counter({group.id: 0 for group in groups})
    by_profile: dict[tuple[int, str], int] = Counter()
    by_org: dict[tuple[int, str], int] = Counter()
    profiles = Counter(person.profile for person in people)
    order = sorted(people, key=lambda p: (profiles[p.profile], p.profile,
                                          p.organisation.casefold(), p.id))
    placed = {}
    for person in order:
        org = person.organisation.casefold()
        best = min(size, key=lambda gid: (size[gid], by_profile[(gid, person.profile)],
                                          by_org[(gid, org)] if org else 0, gid))
        placed[person.id] = best
        size[best] += 1
        by_profile[(best, person.profile)] += 1
        by_org[(best, org)] += 1
    return placed


def mix(workshop_id: int) -> list[dict]:
    """Each group's size and profile mix, for the console."""
    people = db.session.scalars(select(Participant).where(
        Participant.workshop_id == workshop_id)).all()
    return [{"group_id": group.id, "size": sum(p.group_id == group.id for p in people),
             "profiles": dict(Counter(p.profile for p in people if p.group_id == group.id))}
            for group in groups_of(workshop_id)]


def propose_groups(viewer: Viewer) -> dict:
    """The balanced assignment of everyone, for the facilitator to look at and apply
    (`groups.assign`). Nothing is changed."""
    require_staff(viewer)
    people = db.session.scalars(select(Participant).where(
        Participant.workshop_id == viewer.workshop_id).order_by(Participant.id)).all()
    active = [g for g in groups_of(viewer.workshop_id) if not g.retired]
    if not active:
        raise OperationError("no_groups", _l(
            "There are no working groups yet: confirm the priorities, then open Step 3."))
    proposal = balanced(list(people), active)
    return {"assignments": [{"participant_id": pid, "group_id": gid}
                            for pid, gid in sorted(proposal.items())]}


def _move(workshop: Workshop, moves: dict[int, int | None], actor: str) -> list[dict]:
    """Apply participant -> group moves; log them and move the sockets after the commit."""
    people = {p.id: p for p in db.session.scalars(select(Participant).where(
        Participant.id.in_(list(moves))))}
    changed, rooms, personal = [], set(), set()
    for pid, gid in moves.items():
        person = people[pid]
        if person.group_id == gid:
            continue
        if person.group_id is not None:
            rooms.add(room_group(workshop.id, person.group_id))
        changed.append({"participant_id": pid, "group_id": gid,
                        "previous_group_id": person.group_id})
        person.group_id = gid
        personal.add(room_participant(workshop.id, pid))
    if not changed:
        return []
    db.session.flush()
    eventlog.append(workshop, "participants.grouped", {"moves": changed}, actor=actor)
    # a rapporteur who leaves a group no longer reports for it
    moved = {m["participant_id"] for m in changed}
    old_groups = {m["previous_group_id"] for m in changed if m["previous_group_id"]}
    for group in db.session.scalars(select(WorkingGroup).where(
            WorkingGroup.id.in_(old_groups))):
        if group.rapporteur_id in moved and people[group.rapporteur_id].group_id != group.id:
            group.rapporteur_id = None
            eventlog.append(workshop, "group.updated", {"group": group_view(group)},
                            actor=actor)
    # the old groups' rooms are emptied everywhere; whoever was in them re-syncs
    if len(changed) > 10:
        eventlog.realign(workshop.id, close=sorted(rooms), people=[room_all(workshop.id)])
    else:
        left = {room_participant(workshop.id, p.id) for p in db.session.scalars(
            select(Participant).where(Participant.workshop_id == workshop.id,
                                      Participant.group_id.in_(
                                          [m["previous_group_id"] for m in changed])))}
        eventlog.realign(workshop.id, close=sorted(rooms), people=sorted(personal | left))
    return changed


def assign_groups(viewer: Viewer, assignments: object) -> dict:
    """Apply an assignment (the proposal, or the facilitator's own): a list of
    {participant_id, group_id}; group_id null takes someone out of every group."""
    require_runner(viewer)
    workshop = db.session.get(Workshop, viewer.workshop_id)
    if not isinstance(assignments, list) or not assignments or len(assignments) > 5000:
        raise OperationError("bad_request", _l("Choose who goes into which group."))
    moves: dict[int, int | None] = {}
    for row in assignments:
        if not isinstance(row, dict):
            raise OperationError("bad_request", _l("Choose who goes into which group."))
        person = _participant(viewer, row.get("participant_id"))
        group_id = row.get("group_id")
        moves[person.id] = None if group_id is None else find_group(viewer, group_id).id
    return {"moves": _move(workshop, moves, viewer.actor)}


def move_participant(viewer: Viewer, participant_id: object, group_id: object) -> dict:
    """The facilitator moves one person (drag and drop, or the keyboard)."""
    return assign_groups(viewer, [{"participant_id": participant_id, "group_id": group_id}])


def choose_group(viewer: Viewer, group_id: object) -> dict:
    """A participant joins a group themselves, when the facilitator lets people choose."""
    workshop = db.session.get(Workshop, viewer.workshop_id)
    settings = group_settings(workshop.id)
    if settings.mode != "choose":
        raise OperationError("not_choosing", _l(
            "The facilitator assigns the groups: you will see yours here."))
    group = find_group(viewer, group_id)
    if settings.cap and group.id != viewer.group_id:
        size = db.session.scalar(select(db.func.count(Participant.id)).where(
            Participant.group_id == group.id))
        if size >= settings.cap:
            raise OperationError("group_full", _l(
                "This group is full (%(n)d people). Please choose another one.",
                n=settings.cap))
    return {"moves": _move(workshop, {viewer.participant_id: group.id}, viewer.actor)}


def place_newcomer(workshop: Workshop, participant: Participant) -> None:
    """Someone joining once groups are assigned (balanced mode) gets the group that keeps
    the balance: from the first placement on, or from entering Step 3 if the room was
    empty then."""
    if group_settings(workshop.id).mode != "balanced":
        return
    active = [g for g in groups_of(workshop.id) if not g.retired]
    if not active or not (_anyone_placed(workshop.id) or workshop.stage in STEP3_STAGES):
        return
    placed = db.session.scalars(select(Participant).where(
        Participant.workshop_id == workshop.id, Participant.group_id.is_not(None))).all()
    participant.group_id = _keeps_balance(list(placed), participant, active)


def set_rapporteur(viewer: Viewer, group_id: object, participant_id: object = None) -> dict:
    """Who reports for the group. A member volunteers while the group has none; then
    the rapporteur may hand over to another member (or step down), and the facilitator
    may name anyone in the group. Only during the group work: once its stages are over
    the syntheses are given, and who gave them stays."""
    workshop = db.session.get(Workshop, viewer.workshop_id)
    group = find_group(viewer, group_id)
    if not viewer.runs_workshop and (viewer.kind != "participant"
                                     or viewer.group_id != group.id):
        raise OperationError("forbidden", _l("Only the group's members or a facilitator "
                                             "can choose its rapporteur."))
    if workshop.stage not in STEP3_STAGES:
        raise OperationError("wrong_stage", _l(
            "Rapporteurs are chosen during the group work (Step 3) only: the rapporteur "
            "no longer changes."), stage=workshop.stage)
    if participant_id is not None:
        person = _participant(viewer, participant_id)
        if person.group_id != group.id:
            raise OperationError("not_member", _l(
                "The rapporteur must be a member of the group."))
    if participant_id == group.rapporteur_id:
        return {"group": group_view(group)}  # nothing changes
    if not viewer.runs_workshop:
        _member_may_name(viewer, group, participant_id)
    group.rapporteur_id = participant_id
    eventlog.append(workshop, "group.updated", {"group": group_view(group)},
                    actor=viewer.actor)
    return {"group": group_view(group)}


def _member_may_name(viewer: Viewer, group: WorkingGroup, participant_id: object) -> None:
    """A member volunteers themselves while there is no rapporteur; the rapporteur hands
    over or steps down; nobody else takes the role away from them."""
    current = group.rapporteur_id
    if current is None:
        if participant_id != viewer.participant_id:
            raise OperationError("volunteer_only", _l(
                "Your group has no rapporteur yet: you can volunteer yourself. Anyone "
                "else volunteers from their own phone, or the facilitator names them."))
    elif current != viewer.participant_id:
        rapporteur = db.session.get(Participant, current)
        raise OperationError("rapporteur_taken", _l(
            "Your group's rapporteur is %(name)s. Only they can hand the role over, or "
            "a facilitator can change it.", name=isolate(rapporteur.name)))


def isolate(text: str) -> str:
    """A person's words inside a sentence, isolated for direction (FSI … PDI): an
    Arabic name in a French sentence, or the reverse, keeps its place."""
    return f"\u2068{text}\u2069"


def _formed_settings(viewer: Viewer) -> GroupSettings:
    settings = db.session.get(GroupSettings, viewer.workshop_id)
    if settings is None:
        raise OperationError("no_groups", _l(
            "There are no working groups yet: confirm the priorities, then open Step 3."))
    return settings


def set_group_settings(viewer: Viewer, mode: object = None, cap: object = None) -> dict:
    """How groups are filled: balanced by the server or chosen by each participant, with
    an optional cap per group (0: no limit). Set before Step 3 (at the confirmation of
    the priorities), it says what entering Step 3 does. Back to balanced in Step 3,
    whoever is in no group is placed where the balance is kept; nobody else moves."""
    require_runner(viewer)
    workshop = db.session.get(Workshop, viewer.workshop_id)
    settings = _settings_row(workshop.id)
    if mode is not None and mode not in MODES:
        raise OperationError("bad_request", _l("Choose balanced groups or let people choose."))
    if cap is not None and (not is_whole(cap) or not 0 <= cap <= MAX_CAP):
        raise OperationError("bad_number", _l(
            "The size of a group is a whole number from 1 to %(n)d (0: no limit).",
            n=MAX_CAP))
    now_balanced = mode == "balanced" and settings.mode != "balanced"
    if mode is not None:
        settings.mode = mode
    if cap is not None:
        settings.cap = cap or None
    info = settings_info(settings)
    eventlog.append(workshop, "groups.settings", info, actor=viewer.actor)
    if now_balanced and workshop.stage in STEP3_STAGES:
        place_loose(workshop, viewer.actor)
    return info


def spotlight(viewer: Viewer, group_id: object = None) -> dict:
    """Put one group alone on the projector while it reports (null: every group)."""
    require_runner(viewer)
    workshop = db.session.get(Workshop, viewer.workshop_id)
    settings = _formed_settings(viewer)
    settings.spotlight_group_id = None if group_id is None else find_group(viewer, group_id).id
    info = settings_info(settings)
    eventlog.append(workshop, "groups.settings", info, actor=viewer.actor)
    return info

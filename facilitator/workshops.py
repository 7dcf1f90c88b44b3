"""Workshops: create and edit them, who runs them, joining, and the one transition
function that moves the room through the method."""
from __future__ import annotations

from datetime import date as date_type
from zoneinfo import available_timezones

from flask_babel import force_locale, lazy_gettext as _l
from sqlalchemy import delete, select, update

from . import eventlog, joining, method
from .errors import OperationError
from .extensions import db
from .models import Facilitator, Membership, StepSettings, Workshop, iso, utcnow
from .payload import switch
from .people.accounts import find
from .snapshot import part
from .text import clean_line, one_line, plain
from .viewers import STAFF_ROLES, Viewer, room_all

LANGUAGES = ("en", "fr", "ar")
DEFAULT_PROFILES = (
    _l("Investment promotion agency"),
    _l("Economic development agency"),
    _l("Chamber of commerce"),
    _l("Ministry"),
    _l("Incubator or accelerator"),
    _l("Entrepreneurship support network"),
    _l("Diaspora member"),
    _l("Other"),
)
LIMITS = {"title": 200, "purpose": 2000, "venue": 200, "profile": 80, "partner": 120}


def default_profiles(language: str) -> list[str]:
    """The method's participant profiles, in the workshop's language."""
    with force_locale(language):
        return [str(profile) for profile in DEFAULT_PROFILES]


def _clean_list(values, limit: int, what) -> list[str]:
    cleaned: list[str] = []
    for value in values or []:
        value = one_line(value)
        if not value:
            continue
        if len(value) > limit:
            raise OperationError("too_long", _l(
                "“%(value)s” is too long for a %(what)s (%(n)d characters at most).",
                value=value[:30] + "…", what=what, n=limit))
        if value.casefold() not in {v.casefold() for v in cleaned}:
            cleaned.append(value)
    return cleaned


def _default(value, default):
    return default if value is None or value == "" else value


def validate_settings(fields: dict) -> dict:
    """Checked, normalised workshop settings, or an OperationError saying what is wrong."""
    title = clean_line(fields.get("title"), LIMITS["title"], _l(
        "The title is too long (%(n)d characters at most).", n=LIMITS["title"]))
    if not title:
        raise OperationError("empty_title", _l("Please give the workshop a title."))
    language = fields.get("language") or "en"
    if language not in LANGUAGES:
        raise OperationError("bad_language", _l("Choose English, French or Arabic."))
    timezone = fields.get("timezone") or "UTC"
    if timezone not in available_timezones() and timezone != "UTC":
        raise OperationError("bad_timezone", _l(
            "“%(tz)s” is not a known time zone (e.g. Asia/Beirut).", tz=timezone[:40]))
    try:
        priority_count = int(_default(fields.get("priority_count"), 3))
        dots = int(_default(fields.get("dots_per_participant"), 3))
    except (TypeError, ValueError):
        raise OperationError("bad_number", _l("Numbers must be whole numbers.")) from None
    if not 1 <= priority_count <= 10:
        raise OperationError("bad_number", _l("Choose between 1 and 10 priorities."))
    if not 1 <= dots <= 20:
        raise OperationError("bad_number", _l("Choose between 1 and 20 dots per participant."))
    workshop_date = fields.get("date")
    if isinstance(workshop_date, str):
        try:
            workshop_date = date_type.fromisoformat(workshop_date) if workshop_date else None
        except ValueError:
            raise OperationError("bad_date", _l("The date is not valid.")) from None
    profiles = _clean_list(fields.get("profiles"), LIMITS["profile"], _l("profile"))
    if not profiles:
        profiles = default_profiles(language)
    purpose = plain(fields.get("purpose")).strip()
    venue = one_line(fields.get("venue"))
    if len(purpose) > LIMITS["purpose"] or len(venue) > LIMITS["venue"]:
        raise OperationError("too_long", _l("The purpose or the venue is too long."))
    return {
        "title": title, "purpose": purpose, "venue": venue, "date": workshop_date,
        "timezone": timezone, "language": language, "priority_count": priority_count,
        "dots_per_participant": dots, "profiles": profiles,
        "partners": _clean_list(fields.get("partners"), LIMITS["partner"],
                                _l("partner")),
    }


def unique_join_code() -> str:
    while True:
        code = joining.new_code()
        if db.session.scalar(select(Workshop.id).where(Workshop.join_code == code)) is None:
            return code


def create_workshop(owner: Facilitator, fields: dict) -> Workshop:
    """A new workshop owned by `owner`, at the welcome stage (the caller commits)."""
    settings = validate_settings(fields)
    workshop = Workshop(**settings, join_code=unique_join_code(), stage=method.FIRST_STAGE,
                        stage_started_at=utcnow(), last_seq=0)
    workshop.memberships.append(Membership(facilitator=owner, role="owner"))
    db.session.add(workshop)
    db.session.flush()
    db.session.add(StepSettings(workshop_id=workshop.id, anonymous=False, input_locked=False,
                                voting_open=False, votes_revealed=False,
                                allow_multiple_dots=False))
    db.session.flush()
    return workshop


def public_info(workshop: Workshop) -> dict:
    """What every client may know of the workshop itself."""
    return {
        "id": workshop.id, "title": workshop.title, "purpose": workshop.purpose,
        "venue": workshop.venue, "date": workshop.date.isoformat() if workshop.date else None,
        "timezone": workshop.timezone, "language": workshop.language,
        "priority_count": workshop.priority_count,
        "dots_per_participant": workshop.dots_per_participant,
        "profiles": workshop.profiles, "partners": workshop.partners,
        "closed_at": iso(workshop.closed_at), "plan_shared": workshop.plan_shared,
    }


def joining_info(workshop: Workshop) -> dict:
    url = joining.join_url(workshop.join_code)
    return {"join_code": workshop.join_code, "joining_open": workshop.joining_open,
            "join_url": url}


def require_runner(viewer: Viewer) -> None:
    """Only the owner and co-facilitators run the room, whatever a client sends."""
    if not viewer.runs_workshop:
        raise OperationError("forbidden", _l("Only the workshop's facilitators can do this."))


def require_staff(viewer: Viewer) -> None:
    """Organisers too may read what only the staff sees."""
    if not viewer.is_staff:
        raise OperationError("forbidden", _l("Only the workshop's facilitators can do this."))


# A closed workshop's settings are frozen with its plan (operations.CLOSED says this).
SETTINGS_WHILE_CLOSED = _l(
    "The workshop is closed: its settings are part of the final plan. Reopen it to change "
    "them.")


def update_workshop(viewer: Viewer, settings: dict) -> dict:
    """The settings form (through operations.submit, which refuses a closed workshop)."""
    require_runner(viewer)
    workshop = db.session.get(Workshop, viewer.workshop_id)
    for key, value in validate_settings(settings).items():
        setattr(workshop, key, value)
    eventlog.append(workshop, "workshop.updated", public_info(workshop), actor=viewer.actor)
    return {}


def change_stage(viewer: Viewer, from_stage: object, to_stage: object) -> dict:
    """The one transition: checks the role, compares and sets, persists, publishes.

    The console says which stage it leaves; if the room is no longer there (another
    facilitator moved it first), nothing changes and the console is told where it is.
    """
    require_runner(viewer)
    if not method.is_stage(from_stage) or not method.is_stage(to_stage):
        raise OperationError("bad_stage", _l("This step does not exist."))
    if from_stage == to_stage:
        raise OperationError("bad_stage", _l("The room is already at this step."))
    now = utcnow()
    moved = db.session.execute(
        update(Workshop)
        .where(Workshop.id == viewer.workshop_id, Workshop.stage == from_stage)
        .values(stage=to_stage, stage_started_at=now)
        .execution_options(synchronize_session=False)).rowcount
    workshop = db.session.get(Workshop, viewer.workshop_id)
    if moved != 1:
        db.session.refresh(workshop)
        raise OperationError("stale_stage", _l(
            "Another facilitator has already moved the room; it is now at “%(stage)s”.",
            stage=str(method.stage(workshop.stage).title)), stage=workshop.stage)
    db.session.refresh(workshop)
    event = eventlog.append(workshop, "stage.changed",
                            {"stage": to_stage, "previous": from_stage,
                             "started_at": iso(now)}, actor=viewer.actor)
    for hook in method.transition_hooks(from_stage, to_stage):
        hook(workshop, viewer)
    return {"stage": to_stage, "seq": event.seq}


def set_joining(viewer: Viewer, joining_open: object = None, new_code: object = False) -> dict:
    """Open or close joining, or replace a leaked join code (phones already in stay in)."""
    require_runner(viewer)
    workshop = db.session.get(Workshop, viewer.workshop_id)
    joining_open, new_code = switch(joining_open), switch(new_code)
    if joining_open is not None:
        workshop.joining_open = joining_open
    if new_code:
        workshop.join_code = unique_join_code()
    eventlog.append(workshop, "joining.updated", joining_info(workshop), actor=viewer.actor)
    return joining_info(workshop)


def membership(workshop_id: int, facilitator_id: int) -> Membership | None:
    return db.session.scalar(select(Membership).where(
        Membership.workshop_id == workshop_id, Membership.facilitator_id == facilitator_id))


def viewer_for(workshop: Workshop, facilitator: Facilitator) -> Viewer | None:
    member = membership(workshop.id, facilitator.id)
    if member is None:
        return None
    return Viewer(kind="facilitator", workshop_id=workshop.id, role=member.role,
                  facilitator_id=facilitator.id)


TEAM_ROLES = ("cofacilitator", "organiser")  # what the owner may make someone


def require_owner(viewer: Viewer, refusal) -> None:
    """Who runs the workshop with them is the owner's decision alone."""
    if viewer.role != "owner":
        raise OperationError("forbidden", refusal)


def check_team_role(role: object) -> str:
    if role not in TEAM_ROLES:
        raise OperationError("bad_role", _l("Choose co-facilitator or organiser."))
    return role


def add_member(viewer: Viewer, email: str, role: str) -> dict:
    """The owner adds an existing account as co-facilitator or organiser, or changes the
    role of someone already in (people without an account are invited: invitations.py)."""
    require_owner(viewer, _l("Only the workshop's owner can add people."))
    check_team_role(role)
    facilitator = find(email)
    if facilitator is None:
        raise OperationError("unknown_email", _l(
            "No account has this email: invite them instead."))
    join_team(viewer.workshop_id, facilitator, role, actor=viewer.actor)
    return {"facilitator_id": facilitator.id, "role": role}


def join_team(workshop_id: int, facilitator: Facilitator, role: str, actor: str) -> Membership:
    """The one way into a workshop's team, or to another role in it: added by the owner
    or by accepting an invitation. Logged for the staff, and every open console of the
    workshop takes the new rights at once (after the commit)."""
    member = membership(workshop_id, facilitator.id)
    if member is not None and member.role == "owner":
        raise OperationError("bad_role", _l("The owner already runs this workshop."))
    if member is None:
        member = Membership(workshop_id=workshop_id, facilitator_id=facilitator.id,
                            role=role)
        db.session.add(member)
    member.role = role
    db.session.flush()
    _membership_changed(workshop_id, facilitator, role, actor)
    return member


def remove_member(viewer: Viewer, facilitator_id: int) -> dict:
    """The owner removes a co-facilitator or organiser; their open consoles lose every
    right and every facilitators-only event at once."""
    require_owner(viewer, _l("Only the workshop's owner can remove people."))
    member = membership(viewer.workshop_id, facilitator_id)
    if member is None or member.role == "owner":
        raise OperationError("bad_role", _l("This person cannot be removed."))
    facilitator = member.facilitator
    db.session.delete(member)
    db.session.flush()
    _membership_changed(viewer.workshop_id, facilitator, None, viewer.actor)
    return {"facilitator_id": facilitator.id}


def _membership_changed(workshop_id: int, facilitator: Facilitator, role: str | None,
                        actor: str) -> None:
    """Log it for the staff, and move every staff socket again after the commit: the
    facilitators' room is emptied on every server process and its members re-`sync`."""
    workshop = db.session.get(Workshop, workshop_id)
    eventlog.append(workshop, "membership.changed",
                    {"facilitator": {"id": facilitator.id, "name": facilitator.name},
                     "role": role}, audience="facilitators", actor=actor)
    eventlog.realign_staff(workshop.id, extra=[facilitator.id],
                           gone=[facilitator.id] if role is None else [])


def delete_workshop(viewer: Viewer, confirmation: object) -> dict:
    """The owner deletes the workshop with everything it holds: one DELETE of its row,
    and the database deletes every row that belongs to it (ON DELETE CASCADE, foreign
    keys enforced on SQLite too): participants and their tokens, cards, groups, boards,
    the plan's PDFs, the event log, op_ids, invitations, the team's memberships. Typing
    the join code confirms it. After the commit every socket of the workshop (consoles,
    projectors, phones) is disconnected on every process; they cannot come back."""
    require_owner(viewer, _l("Only the workshop's owner can delete it."))
    workshop = db.session.get(Workshop, viewer.workshop_id)
    typed = joining.normalise_code(confirmation if isinstance(confirmation, str) else "")
    if typed != workshop.join_code:
        raise OperationError("bad_confirmation", _l(
            "To delete the workshop, type its join code, %(code)s, exactly as shown. "
            "Nothing was deleted.", code=workshop.join_code))
    title = workshop.title
    eventlog.realign(workshop.id, cut_off=[room_all(workshop.id)])
    db.session.execute(delete(Workshop).where(Workshop.id == workshop.id)
                       .execution_options(synchronize_session=False))
    db.session.expunge(workshop)
    return {"title": title}


def workshops_of(facilitator: Facilitator) -> list[tuple[Workshop, str]]:
    rows = db.session.execute(
        select(Workshop, Membership.role).join(Membership)
        .where(Membership.facilitator_id == facilitator.id,
               Membership.role.in_(STAFF_ROLES))
        .order_by(Workshop.created_at.desc())).all()
    return [(workshop, role) for workshop, role in rows]


# --- snapshot ---------------------------------------------------------------------------

@part("workshop", "`closed_at`: when it was closed (null: open; see \"A closed "
                  "workshop\"); `plan_shared`: participants may download the public action "
                  "plan")
def _workshop_part(workshop: Workshop, staff: bool) -> dict:
    return public_info(workshop)


@part("stage", "where the room is (the stage keys are below) and since when")
def _stage_part(workshop: Workshop, staff: bool) -> dict:
    return {"stage": workshop.stage, "started_at": iso(workshop.stage_started_at)}


@part("joining", "how phones join: the code and link the projector shows, and whether "
                 "joining is open")
def _joining_part(workshop: Workshop, staff: bool) -> dict:
    return joining_info(workshop)

"""Typed SQLAlchemy 2.0 models, named as the room names things.

Every change a client makes is applied once (AppliedOperation, UNIQUE per workshop and
op_id) and recorded in the workshop's event log (Event, with an increasing seq and the
audience allowed to see it).
"""
from __future__ import annotations

import secrets
from datetime import date, datetime, timezone
from typing import Any

from flask_login import UserMixin
from sqlalchemy import (JSON, Boolean, CheckConstraint, Date, DateTime, ForeignKey, Index,
                        Integer, LargeBinary, String, Text, UniqueConstraint, text)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .errors import OperationError
from .extensions import db
from .payload import is_id


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def new_token() -> str:
    return secrets.token_hex(16)


def new_epoch() -> str:
    return secrets.token_hex(4)


def of_workshop(model, row_id: object, workshop_id: int, gone: object):
    """The row a client names by id, when it belongs to this workshop; otherwise the
    refusal `gone` says (not_found). One lookup for every capability."""
    row = db.session.get(model, row_id) if is_id(row_id) else None
    if row is None or row.workshop_id != workshop_id:
        raise OperationError("not_found", gone)
    return row


def iso(moment: datetime | None) -> str | None:
    """Server times as clients read them: ISO 8601, UTC, with a 'Z'."""
    return moment.isoformat() + "Z" if moment is not None else None


class Facilitator(UserMixin, db.Model):
    """A person who runs or organises workshops; signs in with email and password."""

    __tablename__ = "facilitator"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(256))
    # part of every signed-in session's id: replaced on sign-out or a new password, which
    # signs that person out everywhere, including consoles already connected
    session_token: Mapped[str] = mapped_column(String(32), default=new_token)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(back_populates="facilitator")

    def get_id(self) -> str:
        """Flask-Login's session id: the account and its current session token."""
        return f"{self.id}:{self.session_token}"


class Workshop(db.Model):
    """One seminar: its settings, where the room is in the method, and its join code."""

    __tablename__ = "workshop"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(Text, default="")
    venue: Mapped[str] = mapped_column(String(200), default="")
    date: Mapped[date | None] = mapped_column(Date)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    language: Mapped[str] = mapped_column(String(5), default="en")
    priority_count: Mapped[int] = mapped_column(Integer, default=3)
    dots_per_participant: Mapped[int] = mapped_column(Integer, default=3)
    profiles: Mapped[list[str]] = mapped_column(JSON, default=list)
    partners: Mapped[list[str]] = mapped_column(JSON, default=list)
    join_code: Mapped[str] = mapped_column(String(12), unique=True)
    joining_open: Mapped[bool] = mapped_column(Boolean, default=True)
    stage: Mapped[str] = mapped_column(String(40))
    stage_started_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)
    # the last seq of an event a phone may see (eventlog.PHONES_SEE): what every phone's
    # snapshot is built from stays the same while only the screens hear of changes (a
    # room joining), so one build serves them all
    phone_seq: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # which history the seqs count: made anew when the database is restored from a
    # backup (backups.restore), so a client whose last seq came from the history the
    # backup cut off gets a snapshot at its next sync, not the restored room's events
    log_epoch: Mapped[str] = mapped_column(String(16), default=new_epoch)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # closed: phones read only, the plan frozen; facilitators may still correct texts
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    # participants may download the public edition of the action plan
    plan_shared: Mapped[bool] = mapped_column(Boolean, default=False)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="workshop", cascade="all, delete-orphan")
    participants: Mapped[list[Participant]] = relationship(
        back_populates="workshop", cascade="all, delete-orphan",
        order_by="Participant.id")


class Membership(db.Model):
    """A facilitator's role in one workshop: owner, co-facilitator or organiser."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("workshop_id", "facilitator_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id", ondelete="CASCADE"))
    facilitator_id: Mapped[int] = mapped_column(ForeignKey("facilitator.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20))

    workshop: Mapped[Workshop] = relationship(back_populates="memberships")
    facilitator: Mapped[Facilitator] = relationship(back_populates="memberships")


class Participant(db.Model):
    """Someone in the room, on a phone. Known again by a cookie token or a rejoin code."""

    __tablename__ = "participant"
    __table_args__ = (UniqueConstraint("workshop_id", "rejoin_code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id", ondelete="CASCADE"),
                                             index=True)
    name: Mapped[str] = mapped_column(String(80))
    organisation: Mapped[str] = mapped_column(String(120), default="")
    profile: Mapped[str] = mapped_column(String(80))
    rejoin_code: Mapped[str] = mapped_column(String(12))
    consented_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    joined_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("working_group.id", ondelete="SET NULL", use_alter=True,
                   name="fk_participant_group"), index=True)

    workshop: Mapped[Workshop] = relationship(back_populates="participants")
    tokens: Mapped[list[ParticipantToken]] = relationship(
        back_populates="participant", cascade="all, delete-orphan")


class ParticipantToken(db.Model):
    """A browser that speaks for a participant (the hash of its cookie token)."""

    __tablename__ = "participant_token"
    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    participant: Mapped[Participant] = relationship(back_populates="tokens")


class Event(db.Model):
    """The workshop's event log: what changed, in order, and who may see it.

    audience is "all", "facilitators", "group" or "participant" (target_id then says which
    group or participant); facilitators see every event. `stream` names the audience in
    one word ("all", "facilitators", "g7", "p12") and `prev_seq` is the seq of the
    stream's previous event, so a client that sees only some streams can tell it missed one.
    """

    __tablename__ = "event"
    __table_args__ = (UniqueConstraint("workshop_id", "seq"),
                      Index("ix_event_stream", "workshop_id", "stream", "seq"))
    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(60))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    audience: Mapped[str] = mapped_column(String(20), default="all")
    target_id: Mapped[int | None] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(String(40), default="")
    stream: Mapped[str] = mapped_column(String(24), default="all")
    prev_seq: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class AppliedOperation(db.Model):
    """A client change already applied: a resend with the same op_id, by the same actor
    and for the same operation, gets the same ack; anyone else reusing it is refused."""

    __tablename__ = "applied_operation"
    __table_args__ = (UniqueConstraint("workshop_id", "op_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id", ondelete="CASCADE"))
    op_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(60))
    actor: Mapped[str] = mapped_column(String(40))
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


# --- Steps 1 and 2: ideas, themes, dots -------------------------------------------------


class StepSettings(db.Model):
    """How the room runs Steps 1 and 2 now, one row per workshop (made on first change).

    Kept apart from Workshop so these live switches never touch the workshop's settings.
    """

    __tablename__ = "step_settings"
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshop.id", ondelete="CASCADE"), primary_key=True)
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    input_locked: Mapped[bool] = mapped_column(Boolean, default=False)
    timer_ends_at: Mapped[datetime | None] = mapped_column(DateTime)
    voting_open: Mapped[bool] = mapped_column(Boolean, default=False)
    votes_revealed: Mapped[bool] = mapped_column(Boolean, default=False)
    allow_multiple_dots: Mapped[bool] = mapped_column(Boolean, default=False)


class Theme(db.Model):
    """A group of ideas the room may choose as a priority (confirmed_rank once chosen)."""

    __tablename__ = "theme"
    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id", ondelete="CASCADE"),
                                             index=True)
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(String(300), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("theme.id", ondelete="SET NULL"))
    # the cards that moved with it when it was merged away, so the merge can be undone
    merged_ideas: Mapped[list[int] | None] = mapped_column(JSON)
    confirmed_rank: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Idea(db.Model):
    """A card: an idea, an experience or a good practice shared in Step 1.

    A merged card keeps the texts and authors of the cards merged into it; those cards
    stay in the table (merged_into_id set) so nothing a participant wrote is lost.
    """

    __tablename__ = "idea"
    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id", ondelete="CASCADE"),
                                             index=True)
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participant.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(String(500))
    kind: Mapped[str] = mapped_column(String(20), default="idea")
    origin: Mapped[str] = mapped_column(String(80), default="")
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    withdrawn: Mapped[bool] = mapped_column(Boolean, default=False)
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("idea.id", ondelete="SET NULL"))
    extra_authors: Mapped[list[int]] = mapped_column(JSON, default=list)
    merged_texts: Mapped[list[str]] = mapped_column(JSON, default=list)
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("theme.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    author: Mapped[Participant | None] = relationship()


class Vote(db.Model):
    """A participant's dots on one theme (count > 1 only when the room allows it)."""

    __tablename__ = "vote"
    __table_args__ = (UniqueConstraint("participant_id", "theme_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id", ondelete="CASCADE"),
                                             index=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"))
    theme_id: Mapped[int] = mapped_column(ForeignKey("theme.id", ondelete="CASCADE"))
    count: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


# --- Step 3: working groups, their boards, their syntheses -----------------------------


class WorkingGroup(db.Model):
    """One group per confirmed priority, formed when the room enters Step 3.

    A group whose priority is no longer confirmed is `retired`, never deleted: its
    members and entries stay until the facilitator decides."""

    __tablename__ = "working_group"
    __table_args__ = (UniqueConstraint("workshop_id", "theme_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id", ondelete="CASCADE"),
                                             index=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("theme.id", ondelete="CASCADE"))
    retired: Mapped[bool] = mapped_column(Boolean, default=False)
    rapporteur_id: Mapped[int | None] = mapped_column(
        ForeignKey("participant.id", ondelete="SET NULL", use_alter=True,
                   name="fk_group_rapporteur"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    theme: Mapped[Theme] = relationship()


class GroupSettings(db.Model):
    """How Step 3 forms its groups, one row per workshop (made when groups are formed)."""

    __tablename__ = "group_settings"
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshop.id", ondelete="CASCADE"), primary_key=True)
    mode: Mapped[str] = mapped_column(String(20), default="balanced")  # or "choose"
    cap: Mapped[int | None] = mapped_column(Integer)  # members per group, when choosing
    spotlight_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("working_group.id", ondelete="SET NULL"))


class _Entry:
    """What every entry on a group's board has: its group, who wrote and last changed it,
    a version that each edit raises (two members editing at once are told), and whether
    the rapporteur highlights it for the synthesis."""

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id", ondelete="CASCADE"),
                                             index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("working_group.id", ondelete="CASCADE"),
                                          index=True)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("participant.id", ondelete="SET NULL"))
    updated_by: Mapped[str] = mapped_column(String(40), default="")  # an actor string
    version: Mapped[int] = mapped_column(Integer, default=1)
    highlighted: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Objective(_Entry, db.Model):
    """What the priority must achieve, in a short statement."""

    __tablename__ = "objective"
    text: Mapped[str] = mapped_column(String(300))


class Actor(_Entry, db.Model):
    """Who should act: an organisation, its kind and its role for this priority."""

    __tablename__ = "actor"
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(30), default="other")
    role: Mapped[str] = mapped_column(String(300), default="")


class Action(_Entry, db.Model):
    """What will be done, serving which objectives, led by whom with which partners,
    by when, with what expected result and resources."""

    __tablename__ = "action"
    title: Mapped[str] = mapped_column(String(200))
    objective_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    lead_actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("actor.id", ondelete="SET NULL"))
    partner_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    deadline: Mapped[date | None] = mapped_column(Date)
    expected_result: Mapped[str] = mapped_column(String(500), default="")
    resources: Mapped[str] = mapped_column(String(500), default="")


class Synthesis(db.Model):
    """What a group reports to the room after a sub-step, kept for the action plan."""

    __tablename__ = "synthesis"
    __table_args__ = (UniqueConstraint("group_id", "substep"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id", ondelete="CASCADE"),
                                             index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("working_group.id", ondelete="CASCADE"))
    substep: Mapped[str] = mapped_column(String(20))  # objectives, actors or actions
    text: Mapped[str] = mapped_column(Text, default="")
    updated_by: Mapped[str] = mapped_column(String(40), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


# --- Step 4: synergies -----------------------------------------------------------------


class Synergy(db.Model):
    """A synergy the facilitators decided on: accepted (shown to the room, kept for the
    plan) or rejected (never suggested again). It links entries of two or more groups."""

    __tablename__ = "synergy"
    __table_args__ = (UniqueConstraint("workshop_id", "signature"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id", ondelete="CASCADE"),
                                             index=True)
    status: Mapped[str] = mapped_column(String(20))  # accepted or rejected
    kind: Mapped[str] = mapped_column(String(30))  # a suggestion's kind, or "manual"
    title: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    entries: Mapped[list[dict]] = mapped_column(JSON, default=list)  # {kind, id, group_id}
    group_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    signature: Mapped[str] = mapped_column(String(400))  # the entries, sorted: one decision
    updated_by: Mapped[str] = mapped_column(String(40), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class SynergyProposal(db.Model):
    """A synergy a participant noticed, sent from the phone to the facilitators, who
    accept it (as a synergy they link) or dismiss it."""

    __tablename__ = "synergy_proposal"
    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id", ondelete="CASCADE"),
                                             index=True)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("participant.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(String(500))
    group_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), default="pending")  # accepted, dismissed
    synergy_id: Mapped[int | None] = mapped_column(
        ForeignKey("synergy.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class SharedAction(db.Model):
    """An action of the shared plan, agreed by the room across groups: it serves several
    priorities, has a lead (often the host of a coordination platform) and partners, and
    links the group actions it absorbs (linked, not copied)."""

    __tablename__ = "shared_action"
    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id", ondelete="CASCADE"),
                                             index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    theme_ids: Mapped[list[int]] = mapped_column(JSON, default=list)  # priorities served
    lead: Mapped[str] = mapped_column(String(120), default="")
    partners: Mapped[list[str]] = mapped_column(JSON, default=list)
    deadline: Mapped[date | None] = mapped_column(Date)
    expected_result: Mapped[str] = mapped_column(String(500), default="")
    action_ids: Mapped[list[int]] = mapped_column(JSON, default=list)  # absorbed actions
    synergy_id: Mapped[int | None] = mapped_column(
        ForeignKey("synergy.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_by: Mapped[str] = mapped_column(String(40), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


# --- Closing: success factors, immediate measures, the open steering committee ---------


class ImmediateMeasure(db.Model):
    """What happens within the month after the seminar, with an owner and a due date."""

    __tablename__ = "immediate_measure"
    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id", ondelete="CASCADE"),
                                             index=True)
    text: Mapped[str] = mapped_column(String(300))
    owner: Mapped[str] = mapped_column(String(120))
    due: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_by: Mapped[str] = mapped_column(String(40), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ClosingRecord(db.Model):
    """What happened to a workshop after the room: closed, reopened, a text corrected by
    a facilitator while closed, or a participant leaving the committee (the operation,
    what was sent, by whom, when)."""

    __tablename__ = "closing_record"
    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id", ondelete="CASCADE"),
                                             index=True)
    kind: Mapped[str] = mapped_column(String(20))  # closed, reopened, correction, withdrawal
    operation: Mapped[str] = mapped_column(String(40), default="")
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    actor: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class SuccessFactor(db.Model):
    """A key success factor the room agrees on: proposed from a phone (or the console),
    endorsed by participants."""

    __tablename__ = "success_factor"
    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id", ondelete="CASCADE"),
                                             index=True)
    text: Mapped[str] = mapped_column(String(300))
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("participant.id", ondelete="SET NULL"))
    endorsements: Mapped[list[int]] = mapped_column(JSON, default=list)  # participant ids
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class CommitteeMember(db.Model):
    """A participant who signed up for the open steering committee. The email is for the
    facilitators and organisers only; consent to be contacted is recorded with its time."""

    __tablename__ = "committee_member"
    __table_args__ = (UniqueConstraint("workshop_id", "participant_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id", ondelete="CASCADE"),
                                             index=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(120), default="")
    email: Mapped[str] = mapped_column(String(254))
    consented_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    participant: Mapped[Participant] = relationship()


# --- The action plan's PDFs --------------------------------------------------------------

# a render holds its plan and its render place while its row is in one of these states
RENDERING = "state IN ('queued', 'rendering')"


class PlanFile(db.Model):
    """One version of a workshop's action-plan PDF (language, edition, the seq it shows)
    and its render: queued, rendering, ready (the PDF is here) or failed (the reason).
    A cache of facilitator/plan/render.py, written in short transactions of its own,
    never through the room's operations.

    It lives in the workshop's database, so every server process serves what another
    rendered, the rows go with their workshop (CASCADE) and a restored database brings
    back its own plans. The database also keeps the bound on renders, for every process
    on every machine: while a row is queued or rendering it holds its plan (one render
    per workshop, language and edition) and a render place, `slot` (at most
    RENDER_SLOTS renders at once): two partial unique indexes over those rows only.
    Its render process refreshes `heartbeat_at`; a row whose lease has run out is taken
    for dead. Times are the database's clock (plan_render.database_now), so machines
    whose clocks differ still agree on a lease."""

    __tablename__ = "plan_file"
    __table_args__ = (
        UniqueConstraint("workshop_id", "language", "edition", "seq"),
        Index("ix_plan_file_one_render_per_plan", "workshop_id", "language", "edition",
              unique=True, sqlite_where=text(RENDERING), postgresql_where=text(RENDERING)),
        Index("ix_plan_file_one_render_per_place", "slot", unique=True,
              sqlite_where=text(RENDERING), postgresql_where=text(RENDERING)),
        CheckConstraint(f"slot IS NOT NULL OR NOT ({RENDERING})",
                        name="ck_plan_file_a_render_holds_a_place"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id", ondelete="CASCADE"),
                                             index=True)
    language: Mapped[str] = mapped_column(String(5))
    edition: Mapped[str] = mapped_column(String(10))  # public or internal
    # the room's state it shows (its last event's seq); while queued, the one asked for:
    # the render shows the room as it is when its process starts
    seq: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(10))  # queued, rendering, ready, failed
    slot: Mapped[int | None] = mapped_column(Integer)  # the render place, while it renders
    reason: Mapped[str] = mapped_column(Text, default="")  # why it failed
    token: Mapped[str] = mapped_column(String(32))  # this render's, known to its process
    process: Mapped[str] = mapped_column(String(120), default="")  # "host:pid" rendering
    requested_at: Mapped[datetime] = mapped_column(DateTime)
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime)
    rendered_at: Mapped[datetime | None] = mapped_column(DateTime)
    size: Mapped[int | None] = mapped_column(Integer)
    # loaded only when a PDF is sent: the states are read without it
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)


# --- The team: invitations ---------------------------------------------------------------


class Invitation(db.Model):
    """The owner's invitation to join a workshop's team as co-facilitator or organiser.

    Only whoever holds the link knows its token: the row keeps the token's hash (as for a
    phone's token). It works once (accepted_at), until expires_at, unless the owner
    revokes it (revoked_at). The email lives in this row only, never in the event log.
    `language`: the email's, and the page's when the person's browser has none the app
    speaks. `mail_state`: how the emailed copy went ("sending", "sent", "failed"), empty
    when no mail server is set up."""

    __tablename__ = "invitation"
    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id", ondelete="CASCADE"),
                                             index=True)
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(20))  # cofacilitator or organiser
    language: Mapped[str] = mapped_column(String(5))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("facilitator.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime)
    accepted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("facilitator.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    mail_state: Mapped[str] = mapped_column(String(10), default="")

    workshop: Mapped[Workshop] = relationship()
    invited_by: Mapped[Facilitator | None] = relationship(foreign_keys=[invited_by_id])

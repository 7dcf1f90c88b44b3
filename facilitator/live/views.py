"""The shape of everything the server sends: each wire view, each event's data, each
snapshot, said once, in types.

schema.py says what clients send (lenient: every field optional, extra fields ignored, so
an older server answers a newer client); this module says what they receive, strictly:
every key a view function writes is a field here with its exact type (null only where
the code gives None, lists typed), and no other key. The view functions in the steps
(ideas._card, priorities.theme_view, boards.action_view, ...) still build plain dicts on
the hot path; these classes declare the shape and tests/test_wire_views.py holds the
functions to it: it runs the sample seminar to its end, converts every event's data
(EVENT_DATA, by type) and the snapshots of a console, a projector and a phone
(SNAPSHOTS) with `msgspec.convert(..., strict=True)`, and fails on a missing key, an
unknown key or a wrong type. docs/protocol.md's table of views is written from ITEMS,
and the shapes in its tables of events and of the snapshot from EVENT_DATA and SNAPSHOTS
(scripts/protocol_doc.py): these classes are the only description of a shape.

A key that only some receive is a field whose type includes `UnsetType` (default
`UNSET`): the class says it may be absent, and its docstring says who gets it. Where an
audience always gets a key the others never do, it has its own class (a phone's card
`PhoneCard` carries `mine`; the staff's `StaffCard` always carries `authors`), so the
snapshot of each audience is checked exactly. Each class's docstring (its first line)
says who receives it: the doc shows it.
"""
from typing import Annotated, Any, Literal

import msgspec
from msgspec import UNSET, UnsetType

from .. import method
from ..steps import boards, closing, groups, ideas, synergies, syntheses

# server times (models.iso: ISO 8601, UTC, with a 'Z') and days (YYYY-MM-DD), checked
Time = Annotated[str, msgspec.Meta(
    title="time", pattern=r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")]
Day = Annotated[str, msgspec.Meta(title="date", pattern=r"^\d{4}-\d\d-\d\d$")]
# named as the doc writes them (a stage key; a dict's keys: a group's id, a profile, a
# stream), so the doc's shapes say what a key means rather than `str`
StageKey = Annotated[Literal[method.STAGE_KEYS], msgspec.Meta(title="stage key")]
GroupKey = Annotated[str, msgspec.Meta(title="group id")]
ProfileKey = Annotated[str, msgspec.Meta(title="profile")]
StreamKey = Annotated[str, msgspec.Meta(title="stream")]


class View(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A wire view: every key named, nothing else accepted."""


# --- the workshop, its stage, joining, its people ---------------------------------------

class Workshop(View):
    """Everyone: the snapshot's `workshop`, `workshop.updated`, `workshop.closed`,
    `workshop.reopened`."""
    id: int
    title: str
    purpose: str
    venue: str
    date: Day | None
    timezone: str
    language: str
    priority_count: int
    dots_per_participant: int
    profiles: list[str]
    partners: list[str]
    closed_at: Time | None
    plan_shared: bool


class Stage(View):
    """Everyone: the snapshot's `stage`."""
    stage: StageKey
    started_at: Time


class Joining(View):
    """Everyone: the snapshot's `joining`, `joining.updated`."""
    join_code: str
    joining_open: bool
    join_url: str


class Participant(View):
    """The screens (every participant), a phone (those who join its group):
    `participant.joined`, `participant.updated`, the staff's and projector's
    `participants.list`."""
    id: int
    name: str
    organisation: str
    profile: str
    group_id: int | None


class Name(View):
    """A phone: itself and its group's members in its `participants.list`."""
    id: int
    name: str


class MeParticipant(View):
    """A phone: the snapshot's `me`."""
    kind: Literal["participant"]
    id: int
    name: str
    organisation: str
    profile: str
    group_id: int | None
    rejoin_code: str


class MeScreen(View):
    """A console or a projector: the snapshot's `me` (a projector's role is null)."""
    kind: Literal["facilitator", "projector"]
    role: str | None


class Facilitator(View):
    """The facilitators: `membership.changed`."""
    id: int
    name: str


# --- Step 1: cards ------------------------------------------------------------------------

class Author(View):
    """Whoever sees a card's authors (below)."""
    id: int
    name: str


class Card(View):
    """Everyone, the card as the room may see it: `authors` for the staff always, for
    everyone else only while cards are not anonymous; hidden cards reach only the staff."""
    id: int
    text: str
    kind: Literal[ideas.KINDS]
    origin: str
    merged_texts: list[str]
    theme_id: int | None
    hidden: bool
    created_at: Time
    updated_at: Time
    authors: list[Author] | UnsetType = UNSET


class StaffCard(Card):
    """The staff: a card with its authors, whatever the anonymity."""
    authors: list[Author]


class PhoneCard(Card, kw_only=True):
    """A phone (its snapshot, `ideas.page`, its acks): a card and whether it wrote it."""
    mine: bool


class SetAside(View):
    """A card's authors: their card hidden, merged into `merged_into`, or back (null)."""
    id: int
    text: str
    status: Literal["hidden", "merged"] | None
    merged_into: int | None


class IdeaSettings(View):
    """Everyone: the ideas part's `settings`."""
    anonymous: bool
    input_locked: bool
    timer_ends_at: Time | None


class CardAuthors(View):
    """Everyone, when names are shown again: one card's authors."""
    id: int
    authors: list[Author]


# --- Step 2: themes, dots, priorities -----------------------------------------------------

class Theme(View):
    """Everyone: a theme (a confirmed priority has its `confirmed_rank`, 1..n)."""
    id: int
    title: str
    description: str
    position: int
    confirmed_rank: int | None


class Voting(View):
    """Everyone: `voting.updated`, the priorities part's `voting`."""
    open: bool
    revealed: bool
    allow_multiple: bool
    dots_per_participant: int
    voters: int


class Total(View):
    """The facilitators until revealed, then everyone: a theme's dots."""
    theme_id: int
    dots: int


class Result(View):
    """Everyone once revealed: a theme's place in the vote."""
    theme: Theme
    dots: int
    rank: int
    tied: bool
    tie_at_cutoff: bool


class Dot(View):
    """One participant: their dots on a theme."""
    theme_id: int
    count: int


class MyDots(View):
    """One participant: the dots they have left and where they put theirs."""
    dots_left: int
    dots: list[Dot]


# --- Step 3: groups, boards, syntheses ----------------------------------------------------

class GroupSettings(View):
    """Everyone: how groups are filled, and the group alone on the projector."""
    mode: Literal[groups.MODES]
    cap: int | None
    spotlight_group_id: int | None


class Group(View):
    """Everyone: a working group; `title`, `description` and `rank` are its priority's,
    and a `retired` group's priority is no longer confirmed."""
    id: int
    theme_id: int
    title: str
    description: str
    rank: int | None
    retired: bool
    rapporteur_id: int | None


class GroupWithMembers(Group):
    """The staff and the projector: a group and its members' ids."""
    members: list[int]


class PhoneGroup(Group, kw_only=True):
    """A phone: a group's size; its own group's members too."""
    member_count: int
    members: list[int] | UnsetType = UNSET


class Entry(View):
    """What every board entry has."""
    id: int
    group_id: int
    author_id: int | None
    version: int
    highlighted: bool
    updated_at: Time


class Objective(Entry):
    """The group (its phones, the staff, the projector): an objective."""
    text: str


class Actor(Entry):
    """The group: an actor."""
    name: str
    kind: Literal[boards.ACTOR_KINDS]
    role: str


class Action(Entry):
    """The group: an action; objectives, lead and partners are ids of the same board."""
    title: str
    objective_ids: list[int]
    lead_actor_id: int | None
    partner_ids: list[int]
    deadline: Day | None
    expected_result: str
    resources: str


class Board(View):
    """The group, the staff and the projector (others read it with `group.board`)."""
    objectives: list[Objective]
    actors: list[Actor]
    actions: list[Action]


class Synthesis(View):
    """Everyone: a group's synthesis of a sub-step."""
    group_id: int
    substep: Literal[syntheses.SUBSTEPS]
    text: str
    updated_at: Time


class Move(View):
    """Everyone: a participant moved between groups (null: out of every group)."""
    participant_id: int
    group_id: int | None
    previous_group_id: int | None


# --- Step 4: synergies, proposals, the shared plan ----------------------------------------

class SynergyEntry(View):
    """Who sees the synergy: an entry it links."""
    kind: Literal[tuple(synergies.ENTRY_MODELS)]
    id: int
    group_id: int


class SharedActorReason(View, tag_field="kind", tag="shared_actor"):
    """Who sees the synergy: the names one actor is written under, by the groups'
    numbers."""
    names: list[str]
    groups: list[int]


class SimilarActionReason(View, tag_field="kind", tag="similar_action"):
    """Who sees the synergy: the key words two actions share, out of how many."""
    shared_words: list[str]
    of_words: int


class SimilarObjectiveReason(SimilarActionReason, tag="similar_objective"):
    """Who sees the synergy: the key words two objectives share, out of how many."""


class SharedResourceReason(View, tag_field="kind", tag="shared_resource"):
    """Who sees the synergy: the key words two actions' resources share."""
    shared_words: list[str]


Reason = (SharedActorReason | SimilarActionReason | SimilarObjectiveReason
          | SharedResourceReason | None)


class Synergy(View):
    """Everyone when accepted, the staff when rejected. `reason` is data (null: linked by
    hand, or the reason is gone), which each page writes in its reader's language."""
    id: int
    status: Literal[synergies.STATUSES]
    kind: str
    title: str
    note: str
    reason: Reason
    entries: list[SynergyEntry]
    group_ids: list[int]
    updated_at: Time


class Proposal(View):
    """The staff (every one) and its author: a participant's proposal of a synergy."""
    id: int
    text: str
    group_ids: list[int]
    author_id: int | None
    status: Literal[synergies.PROPOSAL_STATUSES]
    synergy_id: int | None
    created_at: Time


class SharedAction(View):
    """Everyone: a shared action; the group actions it absorbs are linked by id."""
    id: int
    title: str
    description: str
    theme_ids: list[int]
    lead: str
    partners: list[str]
    deadline: Day | None
    expected_result: str
    action_ids: list[int]
    synergy_id: int | None
    version: int
    updated_at: Time


class Measure(View):
    """Everyone: an immediate measure."""
    id: int
    text: str
    owner: str
    due: Day | None
    version: int


# --- the closing ----------------------------------------------------------------------------

class Factor(View):
    """Everyone: a success factor and who endorses it."""
    id: int
    text: str
    author_id: int | None
    endorsements: list[int]
    created_at: Time


class Member(View):
    """Everyone: a steering committee member, never their email."""
    participant_id: int
    name: str
    organisation: str
    role: str


class ContactMember(Member):
    """The staff and the person (read from the row, never from the log): a member with
    their email."""
    email: str
    consented_at: Time


class Record(View):
    """The facilitators: the workshop closed or reopened, a correction or a withdrawal
    while closed (`fields`: the payload's fields sent, without op_id)."""
    id: int
    kind: Literal[closing.RECORD_KINDS]
    operation: str
    fields: dict[str, Any]
    actor: str
    at: Time


# the views docs/protocol.md's table shows, in the order a reader meets them; the events'
# and the snapshot's shapes name (and link) these, and write any other class out in place
ITEMS: tuple[type[View], ...] = (
    Workshop, Participant, Card, StaffCard, PhoneCard, Author, SetAside, Theme, Result,
    Group, GroupWithMembers, PhoneGroup, Objective, Actor, Action, Board, Synthesis,
    Synergy, SynergyEntry, SharedActorReason, SimilarActionReason, SimilarObjectiveReason,
    SharedResourceReason, Proposal, SharedAction, Measure, Factor, Member, ContactMember,
    Record)


# --- every event's data ------------------------------------------------------------------------

class StageChanged(View):
    """Everyone."""
    stage: StageKey
    previous: StageKey
    started_at: Time


class ParticipantData(View):
    """See live/events.py."""
    participant: Participant


class ParticipantId(View):
    """See live/events.py."""
    participant_id: int


class IdeaData(View):
    """Everyone, then the facilitators (the card complete); `merged` in `idea.merged`."""
    idea: Card
    merged: list[int] | UnsetType = UNSET


class IdeaRemoved(View):
    """Everyone: cards gone from the wall; `reason` when withdrawn."""
    ids: list[int]
    reason: Literal["withdrawn"] | UnsetType = UNSET


class IdeasSettingsData(IdeaSettings):
    """Everyone; `authors` when names are shown again."""
    authors: list[CardAuthors] | UnsetType = UNSET


class TimerStarted(View):
    """Everyone."""
    ends_at: Time
    seconds: int
    server_time: Time


class TimerStopped(View):
    """Everyone."""
    ends_at: None


class ThemeData(View):
    """Everyone."""
    theme: Theme


class ThemeMerged(View):
    """Everyone (the facilitators also get hidden cards' ids)."""
    theme: Theme
    merged: list[int]
    ideas: list[int]


class ThemeUnmerged(View, rename={"from_": "from"}):
    """Everyone (the facilitators also get hidden cards' ids)."""
    theme: Theme
    from_: int
    ideas: list[int]


class Removed(View):
    """Whoever saw the item."""
    id: int


class IdeaAssigned(View):
    """Everyone (the facilitators for a hidden card)."""
    idea_id: int
    theme_id: int | None
    previous_theme_id: int | None


class VotesUpdated(View):
    """The facilitators until revealed, then everyone."""
    totals: list[Total]
    voters: int


class VotesTurnout(View):
    """Everyone until revealed."""
    voters: int


class VotesRevealed(View):
    """Everyone."""
    results: list[Result]


class DotsMine(MyDots):
    """One participant; `returned`, `reason` and `theme` when a merge gave a dot back."""
    returned: int | UnsetType = UNSET
    reason: Literal["theme_merged"] | UnsetType = UNSET
    theme: str | UnsetType = UNSET


class PrioritiesConfirmed(View):
    """Everyone."""
    priorities: list[Theme]


class GroupsFormed(View):
    """Everyone."""
    groups: list[Group]
    settings: GroupSettings


class ParticipantsGrouped(View):
    """Everyone."""
    moves: list[Move]


class GroupData(View):
    """Everyone."""
    group: Group


class ObjectiveSaved(View):
    """The group."""
    objective: Objective


class ActorSaved(View):
    """The group."""
    actor: Actor


class ActionSaved(View):
    """The group."""
    action: Action


class EntryRemoved(View):
    """The group."""
    id: int
    group_id: int


class ObjectiveOverwritten(View, tag_field="kind", tag="objective"):
    """One participant: their objective replaced by `by`; `previous` is their version."""
    entry: Objective
    previous: Objective
    by: str


class ActorOverwritten(View, tag_field="kind", tag="actor"):
    """One participant: their actor replaced."""
    entry: Actor
    previous: Actor
    by: str


class ActionOverwritten(View, tag_field="kind", tag="action"):
    """One participant: their action replaced."""
    entry: Action
    previous: Action
    by: str


class SynthesisSaved(View):
    """Everyone."""
    synthesis: Synthesis


class MembershipChanged(View):
    """The facilitators (`role` null: removed)."""
    facilitator: Facilitator
    role: str | None


class SynergySaved(View):
    """Everyone when accepted, the facilitators when rejected."""
    synergy: Synergy


class ProposalSaved(View):
    """Its author and the facilitators."""
    proposal: Proposal


class SharedActionSaved(View):
    """Everyone."""
    shared_action: SharedAction


class MeasureSaved(View):
    """Everyone."""
    measure: Measure


class FactorSaved(View):
    """Everyone."""
    factor: Factor


class CommitteeJoined(View):
    """Everyone: the member without the email."""
    member: Member


class CommitteeContact(View):
    """The person and the facilitators: a reference, never the address."""
    participant_id: int
    consented_at: Time


class WorkshopData(View):
    """Everyone."""
    workshop: Workshop


class ClosingRecorded(View):
    """The facilitators."""
    record: Record


# event type -> the class of its data (every type of live/events.EVENTS)
EVENT_DATA: dict[str, Any] = {
    "stage.changed": StageChanged,
    "participant.joined": ParticipantData,
    "participant.updated": ParticipantData,
    "participant.removed": ParticipantId,
    "joining.updated": Joining,
    "workshop.updated": Workshop,
    "idea.posted": IdeaData,
    "idea.updated": IdeaData,
    "idea.merged": IdeaData,
    "idea.removed": IdeaRemoved,
    "ideas.settings": IdeasSettingsData,
    "timer.started": TimerStarted,
    "timer.stopped": TimerStopped,
    "theme.created": ThemeData,
    "theme.updated": ThemeData,
    "theme.merged": ThemeMerged,
    "idea.set_aside": SetAside,
    "theme.unmerged": ThemeUnmerged,
    "theme.deleted": Removed,
    "idea.assigned": IdeaAssigned,
    "voting.updated": Voting,
    "votes.updated": VotesUpdated,
    "votes.turnout": VotesTurnout,
    "votes.revealed": VotesRevealed,
    "dots.mine": DotsMine,
    "priorities.confirmed": PrioritiesConfirmed,
    "groups.formed": GroupsFormed,
    "participants.grouped": ParticipantsGrouped,
    "group.updated": GroupData,
    "groups.settings": GroupSettings,
    "objective.saved": ObjectiveSaved,
    "actor.saved": ActorSaved,
    "action.saved": ActionSaved,
    "objective.removed": EntryRemoved,
    "actor.removed": EntryRemoved,
    "action.removed": EntryRemoved,
    "entry.overwritten": ObjectiveOverwritten | ActorOverwritten | ActionOverwritten,
    "synthesis.saved": SynthesisSaved,
    "membership.changed": MembershipChanged,
    "synergy.saved": SynergySaved,
    "synergy.removed": Removed,
    "proposal.saved": ProposalSaved,
    "shared_action.saved": SharedActionSaved,
    "shared_action.removed": Removed,
    "measure.saved": MeasureSaved,
    "measure.removed": Removed,
    "factor.saved": FactorSaved,
    "factor.removed": Removed,
    "committee.joined": CommitteeJoined,
    "committee.contact": CommitteeContact,
    "committee.left": ParticipantId,
    "workshop.closed": WorkshopData,
    "workshop.reopened": WorkshopData,
    "closing.recorded": ClosingRecorded,
}


# --- the snapshot's parts, by audience ----------------------------------------------------

class Participants(View):
    """The staff and the projector: everyone in the room."""
    list: list[Participant]
    by_profile: dict[ProfileKey, int]


class PhoneParticipants(View):
    """A phone: the room counted; names of itself and its group's members only."""
    count: int
    by_profile: dict[ProfileKey, int]
    list: list[Name]


class Ideas(View):
    """The projector: the wall as everyone sees it."""
    settings: IdeaSettings
    kinds: list[Literal[ideas.KINDS]]
    list: list[Card]


class StaffIdeas(Ideas):
    """The staff: every card, hidden ones too, with their authors."""
    list: list[StaffCard]


class PhoneIdeas(Ideas):
    """A phone: the wall's newest cards (where its page shows the wall) and all its own;
    `before` and `earlier` say what `ideas.page` reads."""
    list: list[PhoneCard]
    earlier: int
    before: int | None
    set_aside: list[SetAside]


class Priorities(View):
    """The staff, the projector (`totals` and `results` null until revealed)."""
    themes: list[Theme]
    voting: Voting
    totals: list[Total] | None
    results: list[Result] | None
    confirmed: list[Theme]


class PhonePriorities(Priorities):
    """A phone: also its own dots."""
    mine: MyDots


class Groups(View):
    """The staff and the projector: every group with its members, every board."""
    settings: GroupSettings
    list: list[GroupWithMembers]
    boards: dict[GroupKey, Board]
    syntheses: list[Synthesis]


class PhoneGroups(View):
    """A phone: the groups' sizes, its own group's members and board."""
    settings: GroupSettings
    list: list[PhoneGroup]
    boards: dict[GroupKey, Board]
    syntheses: list[Synthesis]
    my_group_id: int | None


class Synergies(View):
    """The projector: the accepted synergies."""
    list: list[Synergy]


class StaffSynergies(Synergies):
    """The staff: rejected synergies too, and every proposal."""
    proposals: list[Proposal]


class PhoneSynergies(Synergies):
    """A phone: also its own proposals."""
    my_proposals: list[Proposal]


class SharedPlan(View):
    """Everyone: the shared actions, the measures by due date."""
    actions: list[SharedAction]
    measures: list[Measure]


class Closing(View):
    """The projector: the success factors and the committee."""
    factors: list[Factor]
    committee: list[Member]


class StaffClosing(Closing):
    """The staff: the members' emails, and the record of the closing."""
    committee: list[ContactMember]
    records: list[Record]


class PhoneClosing(Closing):
    """A phone: also its own sign-up with its email (null: none)."""
    my_membership: ContactMember | None


class Snapshot(View):
    """What every snapshot carries (`scope`: added by the sync's answer)."""
    seq: int
    server_time: Time
    streams: dict[StreamKey, int]
    scope: str
    workshop: Workshop
    stage: Stage
    joining: Joining
    shared_plan: SharedPlan


class StaffSnapshot(Snapshot):
    """A console (owner, co-facilitator, organiser)."""
    participants: Participants
    me: MeScreen
    ideas: StaffIdeas
    priorities: Priorities
    groups: Groups
    synergies: StaffSynergies
    closing: StaffClosing


class ProjectorSnapshot(Snapshot):
    """The projector."""
    participants: Participants
    me: MeScreen
    ideas: Ideas
    priorities: Priorities
    groups: Groups
    synergies: Synergies
    closing: Closing


class PhoneSnapshot(Snapshot):
    """A phone."""
    participants: PhoneParticipants
    me: MeParticipant
    ideas: PhoneIdeas
    priorities: PhonePriorities
    groups: PhoneGroups
    synergies: PhoneSynergies
    closing: PhoneClosing


# snapshot.audience(viewer) -> the class of its snapshot
SNAPSHOTS: dict[str, type[Snapshot]] = {"staff": StaffSnapshot,
                                        "projector": ProjectorSnapshot,
                                        "phone": PhoneSnapshot}

"""The shape of every operation's and every query's payload, said once, in types.

One class per payload (`IdeaPost` for `idea.post`): its fields with their types, and
what docs/protocol.md shows of it (scripts/protocol_doc.py writes the tables from here):
the docstring is the operation's note, `who` who may send it, `result` its ack, and
`said` what the doc adds after a field's name (`"text": "≤ 500"`, the limit read from
the capability's own constants; a name ending in `?` may be left out). The socket
handlers check a payload against its class before the operation path runs (`refusal`): a
value of the wrong type is refused `bad_request`, with a sentence, and nothing is saved.
Types are strict, never coerced ("false" is no switch, 1.0 no id); fields a client sends
that the class does not name are ignored, so an older server answers a newer client.
The shape only: every field may be left out or null (the capability then gets None, as
before), and the capabilities keep their own checks and sentences (an empty text, a text
too long, an id that is not there, a kind unknown).

Ids are whole numbers (the capability answers `not_found` for one outside 1..MAX_ID);
counts the capability bounds with its own sentence (a timer, a group's size) take any
number, so that 2.5 hears "a whole number" rather than "reload the page".
"""
from typing import Any, ClassVar, get_args, get_origin

import msgspec
from flask_babel import lazy_gettext as _l

from ..errors import BADLY_SENT, OperationError
from ..steps import (boards, closing, groups, ideas, priorities, shared_plan, synergies,
                     syntheses)

Text = str | None  # a string of valid Unicode
Whole = int | None  # an id or a version: never a boolean nor 1.0
Number = int | float | None  # a count the capability bounds itself, with its sentence
Switch = bool | None  # "false" and 0 are not switches
Ids = list[int] | None


def at_most(limit: int) -> str:
    return f"≤ {limit}"


def one_of(values) -> str:
    return "|".join(f'"{value}"' for value in values)


IDEA, THEME, BOARD = ideas.LIMITS, priorities.LIMITS, boards.LIMITS
SYNERGY, PLAN, CLOSING = synergies.LIMITS, shared_plan.LIMITS, closing.LIMITS
DATE = "(YYYY-MM-DD, not before the workshop's date, or today where the workshop is)"


class Payload(msgspec.Struct, kw_only=True):
    """A payload's shape (see the module's docstring)."""

    who: ClassVar[str] = "facilitator"
    result: ClassVar[str] = "`{}`"
    table: ClassVar[str] = ""
    said: ClassVar[dict[str, str]] = {}


# --- the stage, joining, Steps 1 and 2 --------------------------------------------------

class Steps12(Payload):
    table: ClassVar[str] = "operations-steps12"


class StageChange(Steps12):
    """runs the stages' leave and enter hooks (a running timer stops)"""
    who: ClassVar[str] = "owner, co-facilitator"
    result: ClassVar[str] = "`{stage, seq}`"
    from_stage: Text = None
    to_stage: Text = None


class JoiningUpdate(Steps12):
    who: ClassVar[str] = "owner, co-facilitator"
    result: ClassVar[str] = "`{join_code, joining_open, join_url}`"
    said: ClassVar[dict[str, str]] = {
        "joining_open?": "bool",
        "new_code?": "true",
    }
    joining_open: Switch = None
    new_code: Switch = None


class IdeaPost(Steps12):
    who: ClassVar[str] = "participant, at `ideas`, input open"
    result: ClassVar[str] = "`{idea}`"
    said: ClassVar[dict[str, str]] = {
        "text": at_most(IDEA["text"]),
        "kind?": one_of(ideas.KINDS) + " (null: \"idea\")",
        "origin?": at_most(IDEA["origin"]),
    }
    text: Text = None
    kind: Text = None
    origin: Text = None


class IdeaEdit(Steps12):
    who: ClassVar[str] = "the card's author while input is open, or a facilitator"
    result: ClassVar[str] = "`{idea}`"
    said: ClassVar[dict[str, str]] = {
        "text?": at_most(IDEA["text"]),
        "kind?": "",
        "origin?": at_most(IDEA["origin"]),
    }
    idea_id: Whole = None
    text: Text = None
    kind: Text = None
    origin: Text = None


class IdeaWithdraw(Steps12):
    who: ClassVar[str] = "the card's author while input is open, or a facilitator"
    result: ClassVar[str] = "`{id}`"
    idea_id: Whole = None


class IdeaHide(Steps12):
    result: ClassVar[str] = "`{idea}`"
    idea_id: Whole = None


class IdeaRestore(Steps12):
    result: ClassVar[str] = "`{idea}`"
    idea_id: Whole = None


class IdeaMerge(Steps12):
    result: ClassVar[str] = "`{idea, merged}`"
    said: ClassVar[dict[str, str]] = {
        "idea_ids": "[..]",
    }
    into_id: Whole = None
    idea_ids: Ids = None


class IdeasSettings(Steps12):
    result: ClassVar[str] = "settings"
    said: ClassVar[dict[str, str]] = {
        "anonymous?": "",
        "input_locked?": "",
    }
    anonymous: Switch = None
    input_locked: Switch = None


class TimerStart(Steps12):
    result: ClassVar[str] = "`{ends_at, seconds, server_time}`"
    said: ClassVar[dict[str, str]] = {
        "seconds": "%d..%d" % ideas.TIMER_SECONDS,
    }
    seconds: Number = None


class TimerStop(Steps12):
    result: ClassVar[str] = "`{ends_at: null}`"


class ThemeCreate(Steps12):
    result: ClassVar[str] = "`{theme}`"
    said: ClassVar[dict[str, str]] = {
        "title": at_most(THEME["title"]),
        "description?": at_most(THEME["description"]),
    }
    title: Text = None
    description: Text = None


class ThemeRename(Steps12):
    result: ClassVar[str] = "`{theme}`"
    said: ClassVar[dict[str, str]] = {
        "title": at_most(THEME["title"]),
        "description?": at_most(THEME["description"]),
    }
    theme_id: Whole = None
    title: Text = None
    description: Text = None


class ThemeMerge(Steps12):
    """(cards and dots move)"""
    result: ClassVar[str] = "`{theme, merged, ideas}`"
    said: ClassVar[dict[str, str]] = {
        "theme_ids": "[..]",
    }
    into_id: Whole = None
    theme_ids: Ids = None


class ThemeUnmerge(Steps12):
    """a merged theme comes back with the cards that moved with it (if still under the
    merged theme); dots stay where they are"""
    result: ClassVar[str] = "`{theme, from, ideas}`"
    theme_id: Whole = None


class ThemeDelete(Steps12):
    """only with no card, no dot, not a confirmed priority (`theme_not_empty`)"""
    result: ClassVar[str] = "`{id}`"
    theme_id: Whole = None


class IdeaAssign(Steps12):
    result: ClassVar[str] = ("`{idea_id, theme_id, previous_theme_id}` (undo: assign it "
                             "back)")
    said: ClassVar[dict[str, str]] = {
        "theme_id": "or null",
    }
    idea_id: Whole = None
    theme_id: Whole = None


class VotingUpdate(Steps12):
    result: ClassVar[str] = "voting"
    said: ClassVar[dict[str, str]] = {
        "open?": "",
        "revealed?": "",
        "allow_multiple?": "",
    }
    open: Switch = None
    revealed: Switch = None
    allow_multiple: Switch = None


class DotPlace(Steps12):
    who: ClassVar[str] = "participant, at `vote`, voting open"
    result: ClassVar[str] = "`{dots_left, dots}`"
    theme_id: Whole = None


class DotRemove(Steps12):
    who: ClassVar[str] = "participant, at `vote`, voting open"
    result: ClassVar[str] = "`{dots_left, dots}`"
    theme_id: Whole = None


# titles and descriptions of the confirmed priorities: a list in the order of theme_ids,
# or {theme id: text}
Aligned = list[str | None] | dict[str, str | None]


class PrioritiesConfirm(Steps12):
    """titles and descriptions: a list in the order of `theme_ids`, or `{theme id: text}`
    (null: unchanged)"""
    who: ClassVar[str] = "facilitator, at `vote` or `confirm`"
    result: ClassVar[str] = "`{priorities, warning?}`"
    said: ClassVar[dict[str, str]] = {
        "theme_ids": "[exactly priority_count]",
        "titles?": "",
        "descriptions?": "",
    }
    theme_ids: Ids = None
    titles: Aligned | None = None
    descriptions: Aligned | None = None


# --- Step 3: groups, boards, plenaries --------------------------------------------------

class Step3(Payload):
    table: ClassVar[str] = "operations-step3"
    who: ClassVar[str] = "member, facilitator"


class GroupsSettings(Step3):
    """set before Step 3 (the console offers it while confirming the priorities), it says
    what entering Step 3 does (below). Back to `balanced` during Step 3, whoever is in no
    group is placed where the balance is kept (`participants.grouped`); nobody else
    moves"""
    who: ClassVar[str] = "facilitator, at any stage"
    result: ClassVar[str] = "settings"
    said: ClassVar[dict[str, str]] = {
        "mode?": one_of(groups.MODES),
        "cap?": f"0..{groups.MAX_CAP} (0: none)",
    }
    mode: Text = None
    cap: Number = None


class Assignment(msgspec.Struct):
    """One row of `groups.assign`: who goes into which group (null: none)."""
    participant_id: int | None = None
    group_id: int | None = None


class GroupsAssign(Step3):
    """(e.g. the proposal)"""
    who: ClassVar[str] = "facilitator"
    result: ClassVar[str] = "`{moves}`"
    said: ClassVar[dict[str, str]] = {
        "assignments": "[{participant_id, group_id or null}]",
    }
    assignments: list[Assignment] | None = None


class GroupMove(Step3):
    who: ClassVar[str] = "facilitator"
    result: ClassVar[str] = "`{moves}`"
    said: ClassVar[dict[str, str]] = {
        "group_id": "or null",
    }
    participant_id: Whole = None
    group_id: Whole = None


class GroupJoin(Step3):
    who: ClassVar[str] = ("participant, when `mode` is `choose` (`not_choosing`, "
                          "`group_full`): to join a group, or change to another")
    result: ClassVar[str] = "`{moves}`"
    group_id: Whole = None


class GroupRapporteur(Step3):
    """(`not_member`: not in this group)"""
    who: ClassVar[str] = (
        "during Step 3 only (`wrong_stage`): a member volunteers themselves while the "
        "group has none (`volunteer_only`); the rapporteur hands over to another member, "
        "or steps down (`null`); a facilitator names any member or none. Anyone else is "
        "refused `rapporteur_taken`")
    result: ClassVar[str] = "`{group}`"
    said: ClassVar[dict[str, str]] = {
        "participant_id": "or null",
    }
    group_id: Whole = None
    participant_id: Whole = None


class GroupSpotlight(Step3):
    """one group alone on the projector"""
    who: ClassVar[str] = "facilitator"
    result: ClassVar[str] = "settings"
    said: ClassVar[dict[str, str]] = {
        "group_id": "or null",
    }
    group_id: Whole = None


class ObjectiveAdd(Step3):
    result: ClassVar[str] = "`{objective}`"
    said: ClassVar[dict[str, str]] = {
        "text": at_most(BOARD["objective"]),
        "group_id?": "",
    }
    text: Text = None
    group_id: Whole = None


class ObjectiveEdit(Step3):
    result: ClassVar[str] = "`{objective, replaced?}`"
    said: ClassVar[dict[str, str]] = {
        "text": at_most(BOARD["objective"]),
        "version?": "",
    }
    objective_id: Whole = None
    text: Text = None
    version: Whole = None


class ObjectiveRemove(Step3):
    result: ClassVar[str] = "`{id, group_id}`"
    objective_id: Whole = None


class ActorAdd(Step3):
    result: ClassVar[str] = "`{actor}`"
    said: ClassVar[dict[str, str]] = {
        "name": at_most(BOARD["name"]),
        "kind?": one_of(boards.ACTOR_KINDS) + " (null: \"other\")",
        "role?": at_most(BOARD["role"]),
        "distinct?": "",
        "group_id?": "",
    }
    name: Text = None
    kind: Text = None
    role: Text = None
    distinct: Switch = None
    group_id: Whole = None


class ActorEdit(Step3):
    result: ClassVar[str] = "`{actor, replaced?}`"
    said: ClassVar[dict[str, str]] = {
        "name?": at_most(BOARD["name"]),
        "kind?": "",
        "role?": at_most(BOARD["role"]),
        "version?": "",
        "distinct?": "",
    }
    actor_id: Whole = None
    name: Text = None
    kind: Text = None
    role: Text = None
    version: Whole = None
    distinct: Switch = None


class ActorRemove(Step3):
    result: ClassVar[str] = "`{id, group_id}`"
    actor_id: Whole = None


class ActionAdd(Step3):
    result: ClassVar[str] = "`{action}`"
    said: ClassVar[dict[str, str]] = {
        "title": at_most(BOARD["title"]),
        "objective_ids?": "",
        "lead_actor_id?": "",
        "partner_ids?": "",
        "deadline?": "",
        "expected_result?": at_most(BOARD["expected_result"]),
        "resources?": at_most(BOARD["resources"]),
        "group_id?": "",
    }
    title: Text = None
    objective_ids: Ids = None
    lead_actor_id: Whole = None
    partner_ids: Ids = None
    deadline: Text = None
    expected_result: Text = None
    resources: Text = None
    group_id: Whole = None


class ActionEdit(Step3):
    """fields left out or null stay as they are"""
    result: ClassVar[str] = "`{action, replaced?}`"
    said: ClassVar[dict[str, str]] = {
        "version?": "",
        "title?": at_most(BOARD["title"]),
        "objective_ids?": "",
        "lead_actor_id?": "(0: none)",
        "partner_ids?": "",
        "deadline?": '("": none)',
        "expected_result?": at_most(BOARD["expected_result"]),
        "resources?": at_most(BOARD["resources"]),
    }
    action_id: Whole = None
    version: Whole = None
    title: Text = None
    objective_ids: Ids = None
    lead_actor_id: Whole = None
    partner_ids: Ids = None
    deadline: Text = None
    expected_result: Text = None
    resources: Text = None


class ActionRemove(Step3):
    result: ClassVar[str] = "`{id, group_id}`"
    action_id: Whole = None


class SynthesisWrite(Step3):
    who: ClassVar[str] = ("the group's rapporteur, or a facilitator, at the sub-step or its "
                          "synthesis")
    result: ClassVar[str] = "`{synthesis}`"
    said: ClassVar[dict[str, str]] = {
        "substep": one_of(syntheses.SUBSTEPS),
        "text": at_most(syntheses.MAX_TEXT),
    }
    group_id: Whole = None
    substep: Text = None
    text: Text = None


class EntryHighlight(Step3):
    who: ClassVar[str] = "the rapporteur, or a facilitator"
    result: ClassVar[str] = "`{<entry>}`"
    said: ClassVar[dict[str, str]] = {
        "entry": one_of(boards.KINDS),
        "highlighted": "true|false (null: true)",
    }
    entry: Text = None
    entry_id: Whole = None
    highlighted: Switch = None


# --- Step 4: synergies and the shared action plan ---------------------------------------

class Step4(Payload):
    table: ClassVar[str] = "operations-step4"


class SynergyEntry(msgspec.Struct):
    """One entry a synergy links: `{kind, id}`."""
    kind: str | None = None
    id: int | None = None


class SynergyDecide(Step4):
    """accept a suggestion (as it is or edited), link entries by hand, or reject a
    suggestion; deciding again on the same entries replaces the decision (an accepted
    synergy rejected leaves the room's list as `synergy.remove` does). With
    `proposal_id`, accepting answers that participant's proposal (`already_decided` if
    another facilitator did; with `status: "rejected"`: `bad_request`, dismiss it
    instead)"""
    result: ClassVar[str] = "`{synergy, proposal?}`"
    said: ClassVar[dict[str, str]] = {
        "entries": ("[{kind: %s, id}] (2 to 50, two groups at least)"
                    % one_of(synergies.ENTRY_MODELS)),
        "status?": '"accepted" (null: accepted)|"rejected"',
        "title": at_most(SYNERGY["title"]) + " (needed to accept)",
        "note?": at_most(SYNERGY["note"]),
        "kind?": "(a suggestion's kind, 1–30 characters; null: \"manual\")",
        "proposal_id?": "",
    }
    entries: list[SynergyEntry] | None = None
    status: Text = None
    title: Text = None
    note: Text = None
    kind: Text = None
    proposal_id: Whole = None


class SynergyRemove(Step4):
    """the shared actions built from it stay, unlinked (`shared_action.saved` for each); a
    proposal it answered waits again (`proposal.saved`)"""
    result: ClassVar[str] = "`{id}`"
    synergy_id: Whole = None


class SynergyPropose(Step4):
    """(%d a participant; `empty_text`, `too_many`, `bad_request` for one group or a
    retired one)"""
    who: ClassVar[str] = "participant"
    result: ClassVar[str] = "`{proposal}`"
    said: ClassVar[dict[str, str]] = {
        "text": at_most(SYNERGY["proposal"]),
        "group_ids?": "[] or two active working groups or more",
    }
    text: Text = None
    group_ids: Ids = None


SynergyPropose.__doc__ %= synergies.MAX_PROPOSALS_PER_PARTICIPANT


class SynergyDismiss(Step4):
    """(`already_decided`)"""
    result: ClassVar[str] = "`{proposal}`"
    proposal_id: Whole = None


Partners = list[str | None] | str  # names, or one line "a, b"


class SharedActionAdd(Step4):
    """from a synergy, `theme_ids` and `action_ids` left out (null) are the synergy's
    active groups' priorities and its actions"""
    result: ClassVar[str] = "`{shared_action}`"
    said: ClassVar[dict[str, str]] = {
        "title": at_most(PLAN["title"]),
        "description?": at_most(PLAN["description"]),
        "theme_ids?": "(confirmed priorities served, 100 at most)",
        "lead?": at_most(PLAN["lead"]),
        "partners?": (f"(list of names {at_most(PLAN['partner'])}, or one line \"a, b\", "
                      "also split on the Arabic comma \"،\"; "
                      f"{PLAN['partners']} at most; the lead is left out of them)"),
        "deadline?": ("(YYYY-MM-DD, not before the workshop's date, or today where the "
                      "workshop is when it has no date)"),
        "expected_result?": at_most(PLAN["expected_result"]),
        "action_ids?": "(the group actions it absorbs, 100 at most)",
        "synergy_id?": "(an accepted synergy)",
    }
    title: Text = None
    description: Text = None
    theme_ids: Ids = None
    lead: Text = None
    partners: Partners | None = None
    deadline: Text = None
    expected_result: Text = None
    action_ids: Ids = None
    synergy_id: Whole = None


class SharedActionEdit(Step4):
    """fields left out or null stay as they are: a `version` other than the current one
    is refused with `stale_version` and `details.current` (the shared action as it is
    now; a `version` that is not a whole number: `bad_request`). To clear a field send
    `""` (texts, `deadline`) or `[]` (lists); `synergy_id: 0` unlinks it from its
    synergy"""
    result: ClassVar[str] = "`{shared_action}`"
    said: ClassVar[dict[str, str]] = {
        "version?": "",
        "title?": at_most(PLAN["title"]),
        "description?": at_most(PLAN["description"]),
        "theme_ids?": "",
        "lead?": at_most(PLAN["lead"]),
        "partners?": "",
        "deadline?": "",
        "expected_result?": at_most(PLAN["expected_result"]),
        "action_ids?": "",
        "synergy_id?": "",
    }
    shared_action_id: Whole = None
    version: Whole = None
    title: Text = None
    description: Text = None
    theme_ids: Ids = None
    lead: Text = None
    partners: Partners | None = None
    deadline: Text = None
    expected_result: Text = None
    action_ids: Ids = None
    synergy_id: Whole = None


class SharedActionRemove(Step4):
    result: ClassVar[str] = "`{id}`"
    shared_action_id: Whole = None


# --- closing: success factors, the committee, measures, the close; a person's rights ---

class Closing(Payload):
    table: ClassVar[str] = "operations-closing"


class FactorPropose(Closing):
    """(%d a participant)"""
    who: ClassVar[str] = "participant, facilitator"
    result: ClassVar[str] = "`{factor}`"
    said: ClassVar[dict[str, str]] = {
        "text": at_most(CLOSING["factor"]),
    }
    text: Text = None


FactorPropose.__doc__ %= closing.MAX_FACTORS_PER_PARTICIPANT


class FactorEndorse(Closing):
    """(once per person)"""
    who: ClassVar[str] = "participant"
    result: ClassVar[str] = "`{factor}`"
    said: ClassVar[dict[str, str]] = {
        "endorsed": "true|false (null: true)",
    }
    factor_id: Whole = None
    endorsed: Switch = None


class FactorRemove(Closing):
    who: ClassVar[str] = "its author, facilitator"
    result: ClassVar[str] = "`{id}`"
    factor_id: Whole = None


class CommitteeJoin(Closing):
    """(`bad_email`, `no_consent`); again: changes it"""
    who: ClassVar[str] = "participant"
    result: ClassVar[str] = ("`{member}` with the email (a resend: the sign-up as it is now, "
                             "with its email; once left, without it)")
    said: ClassVar[dict[str, str]] = {
        "role": at_most(CLOSING["role"]),
        "email": at_most(CLOSING["email"]),
        "consent": "true",
    }
    role: Text = None
    email: Text = None
    consent: Switch = None


class CommitteeLeave(Closing):
    who: ClassVar[str] = "participant"
    result: ClassVar[str] = "`{participant_id}`"


class MeasureAdd(Closing):
    """(`empty_text`, `empty_owner`, `bad_date`)"""
    result: ClassVar[str] = "`{measure}`"
    said: ClassVar[dict[str, str]] = {
        "text": at_most(PLAN["text"]),
        "owner": at_most(PLAN["owner"]),
        "due": DATE,
    }
    text: Text = None
    owner: Text = None
    due: Text = None


class MeasureEdit(Closing):
    """(`stale_version`)"""
    result: ClassVar[str] = "`{measure}`"
    said: ClassVar[dict[str, str]] = {
        "version?": "",
        "text?": at_most(PLAN["text"]),
        "owner?": at_most(PLAN["owner"]),
        "due?": "",
    }
    measure_id: Whole = None
    version: Whole = None
    text: Text = None
    owner: Text = None
    due: Text = None


class MeasureRemove(Closing):
    result: ClassVar[str] = "`{id}`"
    measure_id: Whole = None


class WorkshopClose(Closing):
    """(`already_closed`)"""
    result: ClassVar[str] = "`{closed_at}`"


class WorkshopReopen(Closing):
    """(`not_closed`)"""
    result: ClassVar[str] = "`{}`"


class PlanShare(Closing):
    """participants may download the public edition of the action plan"""
    result: ClassVar[str] = "`{plan_shared}`"
    said: ClassVar[dict[str, str]] = {
        "shared": "true|false",
    }
    shared: Switch = None


class ParticipantRemove(Closing):
    """the participant's row goes with their tokens, dots, endorsements and committee
    sign-up; their cards, entries, syntheses, proposals and factors stay without an
    author; their name leaves the event log and the kept acks; their phones are
    disconnected (docs/privacy.md)"""
    who: ClassVar[str] = "facilitator, at any stage, closed or not"
    result: ClassVar[str] = "`{participant_id}`"
    participant_id: Whole = None


class ParticipantAnonymise(Closing):
    """name replaced by "Participant" and a number, organisation and committee sign-up (its
    email) deleted, here and in the log; profile, contributions and phone kept"""
    who: ClassVar[str] = "facilitator, at any stage, closed or not"
    result: ClassVar[str] = "`{participant}`"
    participant_id: Whole = None


class ParticipantForget(Closing):
    """what `participant.remove` does, asked by the person; the phone is disconnected as the
    server answers, so its ack may not arrive (the refused reconnect says it is done)"""
    who: ClassVar[str] = ("participant, while the workshop is open (closed: "
                          "`workshop_closed`, ask the facilitators)")
    result: ClassVar[str] = "`{participant_id}`"


# --- queries: reads that change nothing, without an op_id ------------------------------

class Query(Payload):
    table: ClassVar[str] = "queries"


class ThemesSuggest(Query):
    who: ClassVar[str] = "staff (organisers included)"
    result: ClassVar[str] = (
        "`{ok, suggestions: [{idea_ids, keywords}]}`: groups of similar cards not yet in a "
        "theme (accents, case and Arabic letter forms normalised). Nothing is applied "
        "without a click")


class GroupsPropose(Query):
    who: ClassVar[str] = "staff"
    result: ClassVar[str] = (
        "`{ok, assignments: [{participant_id, group_id}]}`: everyone, in groups of even "
        "size (±1), each profile and organisation spread as evenly as it can be. Apply it "
        "with `groups.assign`")


class SynergiesSuggest(Query):
    """(suggestions already decided are left out)"""
    who: ClassVar[str] = "staff"
    result: ClassVar[str] = (
        "`{ok, suggestions: [{kind, group_ids, entries, evidence, because}]}`: synergies "
        "across groups with their evidence (docs/synergies.md); nothing is applied")


class GroupBoard(Query):
    who: ClassVar[str] = "anyone in the workshop"
    result: ClassVar[str] = ("`{ok, group_id, board}`: read another group's board (phones "
                             "get only their own live)")
    group_id: Whole = None


class CommitteeContacts(Query):
    who: ClassVar[str] = "staff, or a participant (the projector: `forbidden`)"
    result: ClassVar[str] = (
        "`{ok, contacts: [{participant_id, email, consented_at}]}`: every committee "
        "member's for the staff, a participant's own (or none), read from the rows; sent "
        "after `committee.contact`")


class IdeasPage(Query):
    """the cards older than the card `before` (null: the newest)"""
    who: ClassVar[str] = "anyone in the workshop"
    result: ClassVar[str] = (
        "`{ok, cards: [card], before, earlier, seq}`: a page of the wall (the %d cards "
        "before `before`) as this viewer may see it; `before` is what to send for the page "
        "before it (null: none left), `earlier` counts the cards left to read (not the "
        "phone's own, which it has), `seq` the log's seq when they were read" % ideas.PHONE_PAGE)
    said: ClassVar[dict[str, str]] = {
        "before?": "",
    }
    before: Whole = None


# --- reading a class ---------------------------------------------------------------------

def field_names(schema: type[Payload]) -> tuple[str, ...]:
    """The payload's fields, in order: what the handler passes to the capability."""
    return schema.__struct_fields__


def shown(schema: type[Payload], name: str) -> str:
    """A field as the doc shows it: `text ≤ 500`, `cap?: 0..500 (0: none)`, `idea_id`."""
    optional = f"{name}?" in schema.said
    fact = schema.said.get(f"{name}?" if optional else name, "")
    mark = name + ("?" if optional else "")
    if not fact:
        return mark
    return f"{mark} {fact}" if fact.startswith(("≤", "or ", "(")) else f"{mark}: {fact}"


def _bare(kind: Any) -> set:
    """The plain types a field's annotation allows (unions unwrapped)."""
    if get_args(kind) and get_origin(kind) not in (list, dict):
        return set().union(*(_bare(arg) for arg in get_args(kind)))
    return {get_origin(kind) or kind}


SENTENCES = {  # the refusal of a field of the wrong type, by what the field holds
    str: _l("This text could not be read. Please type it again."),
    bool: _l("This setting must be on or off. Please reload the page."),
}


def refusal(schema: type[Payload], payload: dict) -> OperationError | None:
    """Why this payload does not have the operation's shape, or None."""
    known = {name: payload[name] for name in schema.__struct_fields__ if name in payload}
    try:
        msgspec.convert(known, schema, strict=True)
    except msgspec.ValidationError as error:
        field = str(error).rpartition("`$.")[2].split("`")[0].split("[")[0].split(".")[0]
        kinds = _bare(next((f.type for f in msgspec.structs.fields(schema) if f.name == field),
                           None)) - {type(None)}
        message = SENTENCES.get(next(iter(kinds))) if len(kinds) == 1 else None
        return OperationError("bad_request", message or BADLY_SENT)
    except UnicodeEncodeError:  # msgspec quoting a lone surrogate where no text goes
        return OperationError("bad_request", BADLY_SENT)
    return None

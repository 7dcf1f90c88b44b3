"""Every event type the server pushes, with who receives it and, where useful, a note.

The wire's description, beside the payloads' (schema.py): docs/protocol.md's table of
events is written from here (scripts/protocol_doc.py), and tests/test_protocol_doc.py
checks that every type a capability appends (`eventlog.append(workshop, "type", ...)`) is
here and that every type here is appended somewhere. What an event's data holds is said
once, by its class in views.EVENT_DATA (tests/test_wire_views.py holds the server to it):
the doc writes the shape from the class, then the note given here, which says what the
shape cannot (when the event comes, what a key means). eventlog.py stays the mechanism
(numbering, streams, publishing) and knows nothing of the types. Consecutive types with
the same audience, note and data class share one row of the table.
"""
from __future__ import annotations

CARD = "`idea.merged` adds `merged`, the cards folded into it"

# type -> (audience, note)
EVENTS: dict[str, tuple[str, str]] = {
    "stage.changed": ("everyone", ""),
    "participant.joined": (
        "the screens (consoles and projector); when the newcomer is placed in a working "
        "group at once (Step 3), that group (its phones, the consoles, the projector)", ""),
    "participant.updated": (
        "everyone",
        "anonymised (the name is \"Participant\" and a number, in the workshop's language; "
        "no organisation)"),
    "participant.removed": (
        "everyone",
        "removed by the facilitators or forgotten at their request; drop them from the "
        "participants, the counts by profile and their group's members. Never their name. "
        "What changed with them comes first as the usual events (`committee.left`, "
        "`votes.updated`, `idea.updated`, `factor.saved`, `proposal.saved` to the "
        "facilitators, `group.updated`)"),
    "joining.updated": ("everyone", ""),
    "workshop.updated": ("everyone",
                         "the snapshot's `workshop`, bare: its settings changed, or "
                         "`plan.share`"),
    "idea.posted": ("everyone, then facilitators", CARD),
    "idea.updated": ("everyone, then facilitators", CARD),
    "idea.merged": ("everyone, then facilitators", CARD),
    "idea.removed": (
        "everyone",
        "withdrawn, merged away, or hidden (facilitators then get the card again with "
        "`hidden: true`)"),
    "ideas.settings": ("everyone", "`authors` (each card's) when names are shown again"),
    "timer.started": ("everyone", ""),
    "timer.stopped": (
        "everyone",
        "also sent when the room leaves the stage whose timer was running (a timer belongs "
        "to its stage)"),
    "theme.created": ("everyone", ""),
    "theme.updated": ("everyone", ""),
    "theme.merged": ("everyone (facilitators also get hidden cards' ids)",
                     "`merged` are the themes merged into it, `ideas` the cards now under it"),
    "idea.set_aside": (
        "the card's authors",
        "your card was hidden by the facilitator, merged into card `merged_into` (you are "
        "one of its authors: you may edit it), or is back on the wall (`status: null`)"),
    "theme.unmerged": (
        "everyone (facilitators also get hidden cards' ids)",
        "`from` is the theme it was merged into, `ideas` the cards back under it"),
    "theme.deleted": ("everyone", ""),
    "idea.assigned": ("everyone (facilitators for a hidden card)", ""),
    "voting.updated": ("everyone", ""),
    "votes.updated": ("facilitators until revealed, then everyone", ""),
    "votes.turnout": (
        "everyone, until revealed",
        "how many participants have placed a dot (\"4 of 5 have voted\"), sent when that "
        "may have moved (a first dot placed, a last one taken back); never the dots"),
    "votes.revealed": ("everyone", ""),
    "dots.mine": (
        "one participant",
        "`returned`, `reason` and `theme` when a merge of themes gave a dot back"),
    "priorities.confirmed": ("everyone", "the themes confirmed, `confirmed_rank` 1..n"),
    "groups.formed": ("everyone", "entering Step 3 made or retired groups"),
    "participants.grouped": (
        "everyone",
        "the phones moved (and the old groups' members) get `resync`"),
    "group.updated": (
        "everyone",
        "a new rapporteur, or none (the rapporteur stepped down, or was moved to another "
        "group)"),
    "groups.settings": ("everyone", ""),
    "objective.saved": ("the group", "added, edited or highlighted"),
    "actor.saved": ("the group", "added, edited or highlighted"),
    "action.saved": ("the group", "added, edited or highlighted"),
    "objective.removed": ("the group", ""),
    "actor.removed": ("the group", ""),
    "action.removed": ("the group", ""),
    "entry.overwritten": (
        "one participant",
        "your change to an entry of this `kind` was replaced by `by`, who had not seen "
        "it; `previous` is your version"),
    "synthesis.saved": ("everyone", ""),
    "membership.changed": (
        "facilitators",
        "a co-facilitator or organiser was added, changed role (`role`) or removed "
        "(`role: null`); `resync` follows"),
    "synergy.saved": ("everyone when accepted, facilitators when rejected", ""),
    "synergy.removed": (
        "everyone (an accepted synergy undone, or rejected after being accepted), "
        "facilitators (a rejection undone)", ""),
    "proposal.saved": (
        "its author (whose stream also reaches the facilitators)",
        "proposed, accepted (with `synergy_id`), dismissed, or waiting again after its "
        "synergy was undone"),
    "shared_action.saved": ("everyone",
                            "added, edited, or unlinked from an undone synergy"),
    "shared_action.removed": ("everyone", ""),
    "measure.saved": ("everyone", ""),
    "measure.removed": ("everyone", ""),
    "factor.saved": ("everyone", "(proposed, endorsed)"),
    "factor.removed": ("everyone", ""),
    "committee.joined": ("everyone", "a sign-up, or a change of it; never the email"),
    "committee.contact": (
        "the person (and the facilitators)",
        "their contact details were given or changed at `consented_at`; a reference, never "
        "the address (read it with `committee.contacts`)"),
    "committee.left": ("everyone", ""),
    "workshop.closed": ("everyone", ""),
    "workshop.reopened": ("everyone", ""),
    "closing.recorded": (
        "facilitators",
        "the workshop closed or reopened, a correction or a withdrawal while closed"),
}

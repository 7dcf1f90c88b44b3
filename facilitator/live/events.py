"""Every event type the server pushes, with who receives it and what its data holds.

The wire's description, beside the payloads' (schema.py): docs/protocol.md's table of
events is written from here (scripts/protocol_doc.py), and tests/test_protocol_doc.py
checks that every type a capability appends (`eventlog.append(workshop, "type", ...)`) is
here and that every type here is appended somewhere. eventlog.py stays the mechanism
(numbering, streams, publishing) and knows nothing of the types. Consecutive types with
the same audience and data share one row of the table.
"""
from __future__ import annotations

PARTICIPANT = "`{participant: {id, name, organisation, profile, group_id}}`"
WORKSHOP = ("`{workshop}`: the snapshot's `workshop` object (`workshop.updated` carries "
            "that object bare; `plan.share` sends `workshop.updated`)")
CARD = ("`{idea}` (a card, below); `idea.merged` adds `merged: [ids folded into it]`")

# type -> (audience, data)
EVENTS: dict[str, tuple[str, str]] = {
    "stage.changed": ("everyone", "`{stage, previous, started_at}`"),
    "participant.joined": (
        "the screens (consoles and projector); when the newcomer is placed in a working "
        "group at once (Step 3), that group (its phones, the consoles, the projector)",
        PARTICIPANT),
    "participant.updated": (
        "everyone",
        PARTICIPANT + ": anonymised (the name is \"Participant\" and a number, in the "
        "workshop's language; no organisation)"),
    "participant.removed": (
        "everyone",
        "`{participant_id}`: removed by the facilitators or forgotten at their request; "
        "drop them from the participants, the counts by profile and their group's "
        "members. Never their name. What changed with them comes first as the usual events "
        "(`committee.left`, `votes.updated`, `idea.updated`, `factor.saved`, "
        "`proposal.saved` to the facilitators, `group.updated`)"),
    "joining.updated": ("everyone", "`{join_code, joining_open, join_url}`"),
    "workshop.updated": ("everyone", "the `workshop` object of the snapshot"),
    "idea.posted": ("everyone, then facilitators", CARD),
    "idea.updated": ("everyone, then facilitators", CARD),
    "idea.merged": ("everyone, then facilitators", CARD),
    "idea.removed": (
        "everyone",
        "`{ids, reason?}`: withdrawn, merged away, or hidden (facilitators then get the "
        "card again with `hidden: true`)"),
    "ideas.settings": (
        "everyone",
        "`{anonymous, input_locked, timer_ends_at}`; when names are shown again, "
        "`authors: [{id, authors}]`"),
    "timer.started": ("everyone", "`{ends_at, seconds, server_time}`"),
    "timer.stopped": (
        "everyone",
        "`{ends_at: null}`; also sent when the room leaves the stage whose timer was "
        "running (a timer belongs to its stage)"),
    "theme.created": ("everyone", "`{theme: {id, title, description, position, "
                                  "confirmed_rank}}`"),
    "theme.updated": ("everyone", "`{theme: {id, title, description, position, "
                                  "confirmed_rank}}`"),
    "theme.merged": ("everyone (facilitators also get hidden cards' ids)",
                     "`{theme, merged: [theme ids], ideas: [card ids now under it]}`"),
    "idea.set_aside": (
        "the card's authors",
        "`{id, text, status: \"hidden\"|\"merged\"|null, merged_into}`: your card was "
        "hidden by the facilitator, merged into card `merged_into` (you are one of its "
        "authors: you may edit it), or is back on the wall (`null`)"),
    "theme.unmerged": (
        "everyone (facilitators also get hidden cards' ids)",
        "`{theme, from: theme id it was merged into, ideas: [card ids back under it]}`"),
    "theme.deleted": ("everyone", "`{id}`"),
    "idea.assigned": ("everyone (facilitators for a hidden card)",
                      "`{idea_id, theme_id, previous_theme_id}`"),
    "voting.updated": ("everyone", "`{open, revealed, allow_multiple, dots_per_participant}`"),
    "votes.updated": ("facilitators until revealed, then everyone",
                      "`{totals: [{theme_id, dots}], voters}`"),
    "votes.turnout": (
        "everyone, until revealed",
        "`{voters}`: how many participants have placed a dot (\"4 of 5 have voted\"), "
        "sent when that may have moved (a first dot placed, a last one taken back); never "
        "the dots"),
    "votes.revealed": ("everyone",
                       "`{results: [{theme, dots, rank, tied, tie_at_cutoff}]}`"),
    "dots.mine": (
        "one participant",
        "`{dots_left, dots: [{theme_id, count}]}`; with `returned, reason, theme` when a "
        "merge of themes gave a dot back"),
    "priorities.confirmed": ("everyone",
                             "`{priorities: [theme with confirmed_rank 1..n]}`"),
    "groups.formed": ("everyone",
                      "`{groups: [group], settings}`: entering Step 3 made or retired groups"),
    "participants.grouped": (
        "everyone",
        "`{moves: [{participant_id, group_id, previous_group_id}]}`; the phones moved (and "
        "the old groups' members) get `resync`"),
    "group.updated": (
        "everyone",
        "`{group}`: a new rapporteur, or none (the rapporteur stepped down, or was moved "
        "to another group)"),
    "groups.settings": ("everyone", "`{mode, cap, spotlight_group_id}`"),
    "objective.saved": ("the group", "`{objective}`: added, edited or highlighted"),
    "actor.saved": ("the group", "`{actor}`: added, edited or highlighted"),
    "action.saved": ("the group", "`{action}`: added, edited or highlighted"),
    "objective.removed": ("the group", "`{id, group_id}`"),
    "actor.removed": ("the group", "`{id, group_id}`"),
    "action.removed": ("the group", "`{id, group_id}`"),
    "entry.overwritten": (
        "one participant",
        "`{kind, entry, previous, by}`: your change was replaced by `by`, who had not seen "
        "it; `previous` is your version"),
    "synthesis.saved": ("everyone", "`{synthesis: {group_id, substep, text, updated_at}}`"),
    "membership.changed": (
        "facilitators",
        "`{facilitator: {id, name}, role}`: a co-facilitator or organiser was added, "
        "changed role (`role`) or removed (`role: null`); `resync` follows"),
    "synergy.saved": ("everyone when accepted, facilitators when rejected", "`{synergy}`"),
    "synergy.removed": (
        "everyone (an accepted synergy undone, or rejected after being accepted), "
        "facilitators (a rejection undone)", "`{id}`"),
    "proposal.saved": (
        "its author (whose stream also reaches the facilitators)",
        "`{proposal}`: proposed, accepted (with `synergy_id`), dismissed, or waiting again "
        "after its synergy was undone"),
    "shared_action.saved": ("everyone",
                            "`{shared_action}`: added, edited, or unlinked from an undone "
                            "synergy"),
    "shared_action.removed": ("everyone", "`{id}`"),
    "measure.saved": ("everyone", "`{measure}`"),
    "measure.removed": ("everyone", "`{id}`"),
    "factor.saved": ("everyone", "`{factor}` (proposed, endorsed)"),
    "factor.removed": ("everyone", "`{id}`"),
    "committee.joined": ("everyone",
                         "`{member}` without the email: a sign-up, or a change of it"),
    "committee.contact": (
        "the person (and the facilitators)",
        "`{participant_id, consented_at}`: their contact details were given or changed at "
        "`consented_at`; a reference, never the address (read it with "
        "`committee.contacts`)"),
    "committee.left": ("everyone", "`{participant_id}`"),
    "workshop.closed": ("everyone", WORKSHOP),
    "workshop.reopened": ("everyone", WORKSHOP),
    "closing.recorded": (
        "facilitators",
        "`{record}`: the workshop closed or reopened, a correction or a withdrawal while "
        "closed"),
}

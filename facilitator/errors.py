"""The one error a capability raises when it refuses a change.

Its code is for programs (see docs/protocol.md), its message is for the person holding
the phone: translated, and saying what to do. Nothing is written when it is raised.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

# A change the client built wrongly (a field of the wrong type, a malformed op_id or
# version): nothing the person can correct but by reloading the page.
BADLY_SENT = _l("This change could not be sent properly. Please reload the page.")


class OperationError(Exception):
    def __init__(self, code: str, message: object, **details):
        super().__init__(str(message))
        self.code = code
        self.message = message
        self.details = details

    def to_ack(self) -> dict:
        error = {"code": self.code, "message": str(self.message)}
        if self.details:
            error["details"] = self.details
        return {"ok": False, "error": error}


# What each code means, as docs/protocol.md lists them (scripts/protocol_doc.py writes its
# tables from here; tests/test_protocol_doc.py checks that every code raised in
# facilitator/ is here, and that every code here is raised somewhere).
# What a client of the live protocol may receive (acks and connect_error):
CODES: dict[str, str] = {
    "bad_request": (
        "the message cannot be read (invalid JSON, an integer of more than 4,300 digits, no "
        "event name), the payload is not an object, the op_id is missing or malformed, or a "
        "field has the wrong type (a list for a text, `\"false\"` for a switch, `1.0` for "
        "an id: facilitator/live/schema.py)"),
    "bad_text": "a text holds characters that cannot be saved (a lone surrogate)",
    "not_connected": "the socket has no identity (reconnect)",
    "not_joined": ("`connect_error` only: a phone whose cookie names no participant of "
                   "this workshop (never joined, removed or forgotten): join first"),
    "signed_out": ("the socket's person is no longer signed in, no longer a member, or no "
                   "longer a participant: reload"),
    "forbidden": ("this role may not do this, whatever it sends (organisers change "
                  "nothing)"),
    "op_id_taken": ("this op_id was used by someone else or for another operation; nothing "
                    "was applied"),
    "server_error": ("the server failed; nothing was saved; try again (a new attempt may "
                     "reuse the op_id)"),
    "unknown_operation": (
        "the server has no operation (or query) of this name (`details.operation`): a "
        "misspelt name, or a client newer than the server; nothing was read or changed"),
    "bad_stage": "an unknown stage, or the room is already there",
    "stale_stage": ("the room has moved since the console last knew (see "
                    "`details.stage`)"),
    "wrong_stage": ("not at this step (a card or a dot sent after the room moved on; a "
                    "rapporteur changed outside Step 3)"),
    "input_locked": ("the facilitator closed the input; the card was not saved and the "
                     "phone keeps its text"),
    "empty_text": "a text is empty (a card, an objective, a proposal, a factor, a measure)",
    "too_long": "a text is longer than its limit (the payload tables give each one)",
    "bad_kind": "a card's kind, or an actor's, is not one of the list",
    "too_many": ("its author has reached the most one person may send (40 cards, 10 "
                 "proposals, 10 factors), or a board is full (200 entries of a kind)"),
    "not_found": ("what the payload names is gone or was never the workshop's (a card "
                  "withdrawn or merged, a theme merged, a group retired, an entry removed)"),
    "hidden_card": "a hidden card cannot be merged",
    "empty_title": "a title is empty (a theme, an action, a shared action, an accepted synergy)",
    "duplicate_theme": "a theme title already used",
    "no_themes": "no theme to vote on",
    "theme_not_empty": ("`theme.delete`: cards or dots are on the theme, or it is a "
                        "confirmed priority"),
    "no_groups": "Step 3: no groups yet",
    "not_choosing": "Step 3: the facilitator assigns the groups",
    "group_full": "Step 3: the group is at its cap",
    "not_member": "Step 3: a rapporteur from outside the group",
    "no_group": "Step 3: a phone in no group",
    "not_your_group": "Step 3: another group's board",
    "volunteer_only": ("Step 3's rapporteurs: while the group has none, a member may name "
                       "only themselves"),
    "rapporteur_taken": ("Step 3's rapporteurs: the group has a rapporteur, whom only they "
                         "(handing over) or a facilitator may change (`message` names "
                         "them)"),
    "similar_actor": ("`actor.add`, `actor.edit`: the group has this actor under another "
                      "spelling (`details: {actor, reason}`); `distinct: true` adds it "
                      "anyway"),
    "in_use": "an objective or an actor that an action still uses",
    "bad_date": ("a deadline or due date that is not YYYY-MM-DD, or is before the "
                 "workshop's date (a measure needs one)"),
    "empty_name": "an actor's name is empty",
    "voting_closed": "dots: voting closed",
    "no_dots_left": "dots: budget used",
    "already_voted": "dots: one dot per theme",
    "no_dot_here": "dots: nothing to take back",
    "results_shown": ("`voting.update`: the vote cannot open while the results are shown "
                      "(hide them first)"),
    "voting_open": ("`priorities.confirm`: the vote is still open (close it or show the "
                    "results first)"),
    "wrong_count": "confirm exactly `details.expected` different priorities",
    "bad_number": ("a timer outside 10 s – 3 h, or a group's size that is not a whole "
                   "number from 0 to 500"),
    "already_decided": "another facilitator has already accepted or dismissed this proposal",
    "bad_email": "the committee: an email that cannot be one",
    "no_consent": "the committee: consent not given",
    "stale_version": ("Step 4: another facilitator changed this shared action or measure "
                      "first (`details.current`)"),
    "empty_owner": "Step 4: a measure needs an owner",
    "workshop_closed": ("the workshop is closed (only corrections, leaving the committee, "
                        "`workshop.reopen` and `plan.share` go through)"),
    "already_closed": "closing twice",
    "not_closed": "reopening a workshop that is not closed",
}

# What the HTTP forms refuse (status 400 unless said, the sentence on the page): code ->
# (where, meaning). A client of the live protocol does not receive them.
FORM_CODES: dict[str, tuple[str, str]] = {
    "joining_closed": ("`POST /j/<code>`", "the facilitator closed joining"),
    "bad_profile": ("`POST /j/<code>`", "a profile the workshop does not offer"),
    "bad_rejoin_code": ("`POST /j/<code>/rejoin`",
                        "no participant of this workshop has that code (counted as a guess)"),
    "unknown_code": ("`POST /j`, `/j/<code>`",
                     "no workshop has this join code (status 404, counted as a guess)"),
    "too_many_attempts": ("joining, rejoining, sign-in",
                          "past a guess limit below (status 429, the sentence says how long "
                          "to wait)"),
    "wrong_credentials": ("sign-in", "wrong email or password (counted as a guess)"),
    "weak_password": ("first run, accounts", "a password under 8 characters"),
    "email_taken": ("accounts", "an account with this email exists"),
    "bad_language": ("a workshop's settings",
                     "a language other than English, French or Arabic"),
    "bad_timezone": ("a workshop's settings", "a time zone the server does not know"),
    "bad_role": ("the team", "a role the owner cannot give (or the owner's own, or removing "
                             "the owner)"),
    "unknown_email": ("the team", "no account with this email (scripts)"),
    "bad_confirmation": (
        "`POST /workshops/<id>/delete`",
        "the join code typed to confirm is not the workshop's (case, spaces and dashes do "
        "not matter); nothing is deleted. Anyone but the owner gets 403. Once deleted, "
        "every socket of the workshop is disconnected by the server and a reconnection is "
        "refused with `not_found`"),
    "already_member": ("invitations", "the person is already in the team"),
    "wrong_account": ("invitations",
                      "the invitation is for another email than the account signed in"),
    "invitation_used": ("`/invitations/<token>`", "the link was used (status 410)"),
    "invitation_expired": ("`/invitations/<token>`", "the link is past its 7 days (status 410)"),
    "invitation_revoked": ("`/invitations/<token>`", "the link was revoked (status 410)"),
    "too_large": ("importing a workshop file (docs/archive.md)", "over 20 MiB"),
    "not_json": ("importing a workshop file", "not readable JSON"),
    "bad_format": ("importing a workshop file",
                   "not a workshop export (or a key written twice)"),
    "bad_version": ("importing a workshop file", "a format version this server does not read"),
    "bad_archive": ("importing a workshop file",
                    "a row or field that is wrong (`details`: table, item, field)"),
}

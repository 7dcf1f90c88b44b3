"""Languages: English, French and Arabic, chosen per request.

Each page speaks the language of whoever reads it:
- a person's own pages (home, sign-in, workshops, the console, settings): the language
  asked for with ?lang= (kept in a cookie for their next pages), else the browser's
  (Accept-Language), else English;
- a phone's pages (the join link, the live page) and an invitation to a team: the same,
  except that a browser language the app does not have falls back to the workshop's (an
  invitation's: the one it was sent in; the view calls `person_language`);
- the room's screens (the projector, a group's screen, the join sheet): the language in
  their own URL (?lang=, never kept in the cookie, so the console open in the same
  browser keeps its own), else the workshop's (the view calls `screen_language`); the
  synergy map a page shows is drawn in that page's language (its URL's ?language=);
- anything else about a workshop (the live sockets set g.workshop_locale): the language
  asked for or kept, else the workshop's.
Arabic pages are right to left.
"""
from __future__ import annotations

from babel.lists import format_list
from flask import Flask, current_app, g, has_request_context, request
from flask_babel import get_locale, get_translations, lazy_gettext as _l, refresh
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

from .extensions import babel

RTL_LANGUAGES = {"ar"}
LANGUAGE_NAMES = {"en": "English", "fr": "Français", "ar": "العربية"}
LANG_COOKIE = "lang"


def select_locale() -> str:
    languages = _languages()
    workshop_locale = g.get("workshop_locale")
    if not has_request_context():  # CLI, background work: the workshop's language
        return workshop_locale if workshop_locale in languages else "en"
    if g.get("screen_locale") in languages:
        return g.screen_locale
    asked = request.args.get("lang") or request.cookies.get(LANG_COOKIE)
    if asked in languages:
        return asked
    browser = request.accept_languages.best_match(languages)
    if browser and (g.get("browser_first") or workshop_locale not in languages):
        return browser
    return workshop_locale if workshop_locale in languages else "en"


def screen_language(workshop_language: str) -> str:
    """A screen of the room speaks the language its URL asks for, else the workshop's:
    never the browser's kept choice, which belongs to the console beside it."""
    asked = request.args.get("lang")
    g.screen_locale = asked if asked in _languages() else workshop_language
    refresh()  # in case something asked for the locale before the view knew the workshop
    return g.screen_locale


def person_language(workshop_language: str) -> None:
    """A participant's or an invited person's page: their choice, else their browser's
    language when the app has it, else the workshop's."""
    g.workshop_locale = workshop_language
    g.browser_first = True
    refresh()


def _languages() -> tuple[str, ...]:
    return tuple(current_app.config["LANGUAGES"])


def listed(values) -> str:
    """"1, 2 and 3" in the reader's language (Babel's list patterns)."""
    return format_list([str(v) for v in values], locale=str(get_locale() or "en"))


def text_direction(locale: str | None = None) -> str:
    return "rtl" if str(locale or get_locale()) in RTL_LANGUAGES else "ltr"


# Strings the JavaScript modules show. They are translated on the server and handed to
# the page as a JSON data block, so the scripts stay static files under the CSP.
JS_MESSAGES = {
    "connecting": _l("Connecting…"),
    "connected": _l("Connected"),
    "offline": _l("Offline: your changes are kept and will be sent when you are back."),
    "reconnecting": _l("Reconnecting…"),
    "signed_out": _l("You are no longer signed in to this workshop. Please reload the page."),
    "waiting_to_send": _l("Not sent yet: it will be sent as soon as the server answers."),
    "too_long_to_send": _l("This is too long to send. Please shorten it."),
    "change_dropped": _l("A change could not be sent and was given up. Please make it again."),
    "sending": _l("Sending…"),
    "saved": _l("Saved"),
    "error": _l("Something went wrong. Please try again."),
    "next": _l("Next"),
    "joining_open": _l("Joining is open: phones can join with the code."),
    "joining_closed": _l("Joining is closed: nobody new can join."),
    "open_joining": _l("Open joining"),
    "close_joining": _l("Close joining"),
    "confirm_new_code": _l("Replace the join code? Phones already in stay in; the old code "
                           "stops working."),
    # steps 1 and 2
    "send": _l("Send"),
    "card_sent": _l("Your card is on the wall."),
    "empty_card": _l("Please write your idea before sending it."),
    "your_card": _l("Your card"),
    "edit_card": _l("Edit the card"),
    "edit": _l("Edit"),
    "withdraw": _l("Withdraw"),
    "confirm_withdraw": _l("Take this card off the wall?"),
    "kind_idea": _l("Idea"),
    "kind_experience": _l("Experience"),
    "kind_practice": _l("Good practice"),
    "hidden_card": _l("Hidden from the room"),
    "hide": _l("Hide"),
    "restore": _l("Show again"),
    "select": _l("Select"),
    "cards": _l("cards"),
    "loose_cards": _l("Not yet in a theme"),
    "newest_shown": _l("· the newest %(n)s are shown; all are on the console"),
    "theme_of_card": _l("Theme of this card"),
    "no_theme": _l("No theme"),
    "themes": _l("Themes"),
    "rename": _l("Rename"),
    "merge_into": _l("Merge into…"),
    "make_theme": _l("Make it a theme"),
    "no_suggestions": _l("No similar cards found among the cards not yet in a theme."),
    "voting_not_open": _l("Voting opens when the facilitator says so."),
    "voting_closed": _l("The vote is closed. The facilitator will show the results."),
    "my_dots": _l("My dots"),
    "add_dot": _l("Add a dot"),
    "remove_dot": _l("Take a dot back"),
    "dots": _l("dots"),
    "tie": _l("tie"),
    "priority": _l("Priority"),
    "our_priorities": _l("Our priorities"),
    "title": _l("Title"),
    "one_line_description": _l("One-line description"),
    # the console, one screen per stage
    "will_be_sent": _l("Not confirmed yet: it will be sent as soon as the connection is back."),
    "moved_to": _l("The room is now at: %(stage)s"),
    "code_replaced": _l("New join code ready."),
    "choose_theme": _l("Choose a theme…"),
    "all_cards_in_themes": _l("Every card is in a theme."),
    "no_cards_yet": _l("No cards yet."),
    "no_themes_yet": _l("No themes yet: add the first one above."),
    "rename_theme": _l("New title for “%(title)s”"),
    "save": _l("Save"),
    "cancel": _l("Cancel"),
    "merge": _l("Merge"),
    "delete": _l("Delete"),
    "merge_theme_into": _l("Merge “%(title)s” into…"),
    "confirm_merge": _l("Merge “%(from)s” into “%(into)s”? Its cards and dots move there."),
    "merged_themes": _l("“%(from)s” merged into “%(into)s”."),
    "theme_deleted": _l("Theme “%(title)s” deleted."),
    "theme_added": _l("Theme “%(title)s” added."),
    "renamed": _l("Renamed “%(title)s”."),
    "empty_title": _l("Please give the theme a title."),
    "undo_move": _l("Undo the last move"),
    "undo_merge": _l("Undo the last merge"),
    "undo_delete": _l("Undo the deletion"),
    "card_hidden": _l("Card hidden from the room."),
    "card_restored": _l("Card shown again."),
    "timer_started": _l("Timer started."),
    "timer_stopped": _l("Timer stopped."),
    "revealed_closed": _l("Results shown; the vote is closed."),
    "close_vote_first": _l("The vote is still open: close it (or show the results) before confirming."),
    "confirm_hint": _l("The themes with the most dots are ticked. Settle ties, adjust the titles, then confirm."),
    "confirm_hint_no_dots": _l("No dots yet: tick the priorities yourself, or open the vote first."),
    "priorities_confirmed": _l("Priorities confirmed: the projector and phones show them."),
    "tie_legend": _l("= marks themes tied for the last priority's place: the room decides."),
    # the phone
    "locked_reason": _l("The facilitator has closed the input. Your text stays here."),
    "card_merged": _l("Merged with another card: it is on the wall with both texts."),
    "card_set_aside": _l("Set aside by the facilitator."),
    "dot_returned": _l("Two themes you voted for were merged into one: a dot came back to you."),
}


def _np(singular: str, plural: str) -> tuple[str, str]:
    """Marks a plural message for extraction (pybabel -k _np:1,2); translated per page."""
    return singular, plural


# Messages with a number: every plural form of the page's language is handed to the
# script, which picks one with Intl.PluralRules (static/js/core/i18n.js). %(num)d is the number.
JS_PLURALS = {
    "dots_left": _np("You have %(num)d dot left.", "You have %(num)d dots left."),
    "n_cards": _np("%(num)d card", "%(num)d cards"),
    "n_dots": _np("%(num)d dot", "%(num)d dots"),
    "n_themes": _np("%(num)d theme", "%(num)d themes"),
    "n_participants": _np("%(num)d participant", "%(num)d participants"),
    "n_more": _np("and %(num)d more", "and %(num)d more"),
    "voted_of": _np("%(num)d of %(total)d has voted", "%(num)d of %(total)d have voted"),
    "assigned_n": _np("%(num)d card put in “%(theme)s”.", "%(num)d cards put in “%(theme)s”."),
    "cards_merged": _np("%(num)d card merged into one.", "%(num)d cards merged into one."),
    "n_suggestions": _np("%(num)d grouping suggested.", "%(num)d groupings suggested."),
    "changes_waiting": _np("%(num)d change waiting to be sent",
                           "%(num)d changes waiting to be sent"),
    "newest_shown": _np("the newest %(num)d is shown; all are on the console",
                        "the newest %(num)d are shown; all are on the console"),
}

# Step 3 (static/js/views/board.js, console-groups.js, phone-groups.js, projector-groups.js)
JS_MESSAGES.update({
    "actor_public": _l("Public body"),
    "actor_chamber": _l("Chamber or association"),
    "actor_private": _l("Private company"),
    "actor_diaspora": _l("Diaspora network"),
    "actor_international": _l("International partner"),
    "actor_other": _l("Other"),
    "board_objectives": _l("Objectives"),
    "board_actors": _l("Actors"),
    "board_actions": _l("Actions"),
    "add_objective": _l("Add the objective"),
    "add_actor": _l("Add the actor"),
    "add_action": _l("Add the action"),
    "edit_objective": _l("Edit the objective"),
    "edit_actor": _l("Edit the actor"),
    "edit_action": _l("Edit the action"),
    "no_objectives_yet": _l("No objectives yet."),
    "no_actors_yet": _l("No actors yet."),
    "no_actions_yet": _l("No actions yet."),
    "objective_text": _l("What must this priority achieve?"),
    "actor_name": _l("Name of the actor"),
    "actor_kind": _l("Kind of actor"),
    "actor_role": _l("Its role (optional)"),
    "action_title": _l("The action"),
    "serves_objectives": _l("Objectives it serves"),
    "lead_actor": _l("Lead"),
    "no_lead": _l("No lead yet"),
    "partners": _l("Partners"),
    "deadline": _l("Deadline"),
    "expected_result": _l("Expected result"),
    "resources": _l("Resources needed"),
    "highlighted": _l("Highlighted"),
    "highlight": _l("Highlight"),
    "unhighlight": _l("Remove the highlight"),
    "remove": _l("Remove"),
    "remove_entry_question": _l("Remove this entry?"),
    "entry_removed": _l("Entry removed."),
    "entry_added": _l("Added to your group's board."),
    "entry_gone": _l("Someone removed the entry you were editing."),
    "entry_overwritten": _l("%(name)s changed this entry at the same time and their version "
                            "was kept. Your version:"),
    "you_replaced": _l("Saved. It replaced a change by %(name)s that you had not seen."),
    "using_existing": _l("“%(name)s” is already on your group's board."),
    "groups_not_formed": _l("The working groups are formed when the room starts Step 3."),
    "choose_your_group": _l("Choose the working group you want to join."),
    "facilitator_places_you": _l("The facilitator will put you in a working group."),
    "join_group": _l("Join"),
    "group_full": _l("Full"),
    "choose_group": _l("Choose a group…"),
    "you_are_rapporteur": _l("You are the group's rapporteur."),
    "rapporteur_is": _l("Rapporteur: %(name)s"),
    "no_rapporteur_yet": _l("No rapporteur yet."),
    "be_rapporteur": _l("I will be the rapporteur"),
    "step_down": _l("Stop being the rapporteur"),
    "no_synthesis_yet": _l("No synthesis yet."),
    "synthesis_saved": _l("Synthesis saved."),
    "synthesis": _l("Synthesis"),
    "save_synthesis": _l("Save the synthesis"),
    "rapporteur": _l("Rapporteur"),
    "group_screen": _l("Group screen"),
    "no_rapporteur": _l("No rapporteur"),
    "no_group": _l("No group"),
    "not_in_group": _l("Not in a group"),
    "everyone_in_group": _l("Everyone is in a group."),
    "group_of_person": _l("Group of %(name)s"),
    "person_moved": _l("%(name)s moved to: %(group)s"),
    "proposal_ready": _l("Proposed groups below: apply them, or discard them."),
    "retired": _l("retired"),
    "retired_groups": _l("The priorities changed and these groups no longer match a confirmed "
                         "priority: %(titles)s. Their members and entries are kept; move the "
                         "members to another group."),
    "spotlight_group": _l("Show alone on the projector"),
    "show_all_groups": _l("Show all the groups"),
    "spotlit": _l("The projector shows “%(group)s” alone."),
    "all_groups_shown": _l("The projector shows all the groups."),
})
JS_PLURALS.update({
    "n_objectives": _np("%(num)d objective", "%(num)d objectives"),
    "n_actors": _np("%(num)d actor", "%(num)d actors"),
    "n_actions": _np("%(num)d action", "%(num)d actions"),
    "n_members": _np("%(num)d member", "%(num)d members"),
    "n_members_of_cap": _np("%(num)d member of %(cap)s at most",
                            "%(num)d members of %(cap)s at most"),
    "n_moved": _np("%(num)d person placed.", "%(num)d people placed."),
    "n_writers": _np("%(num)d of %(total)s members has written",
                     "%(num)d of %(total)s members have written"),
})

# A number of each CLDR plural category: gettext is asked for the form of that number.
_SAMPLES = (0, 1, 2, 3, 11, 100, 102, 1_000_000, 21, 5)


def plural_forms(singular: str, plural: str) -> dict[str, str]:
    """{"one": …, "other": …} (Arabic: zero, one, two, few, many, other)."""
    locale = get_locale()
    translations = get_translations()
    forms: dict[str, str] = {}
    for n in _SAMPLES:
        category = locale.plural_form(n) if locale else ("one" if n == 1 else "other")
        forms.setdefault(category, translations.ngettext(singular, plural, n))
    return forms


def js_messages() -> Markup:
    """The pages' scripts' messages in the page's language, as the page's JSON data block.
    Made and written once per language and process (the catalogues do not change while
    the server runs): making them took a third of the CPU of a phone's join, writing
    them as 59 KB of JSON in every page a tenth of the server's while a room joins."""
    locale = str(get_locale())
    block = _JS_MESSAGES.get(locale)
    if block is None:
        messages: dict[str, object] = {key: str(value) for key, value in JS_MESSAGES.items()}
        messages.update({key: plural_forms(*forms) for key, forms in JS_PLURALS.items()})
        block = _JS_MESSAGES[locale] = htmlsafe_json_dumps(messages,
                                                           dumps=current_app.json.dumps)
    return block


_JS_MESSAGES: dict[str, Markup] = {}


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)

    @app.after_request
    def remember_language(response):
        """A person's choice is kept for their next pages; a screen's stays in its URL."""
        asked = request.args.get("lang")
        if g.get("screen_locale") is not None:
            return response
        if asked in app.config["LANGUAGES"] and asked != request.cookies.get(LANG_COOKIE):
            response.set_cookie(LANG_COOKIE, asked, max_age=365 * 24 * 3600, samesite="Lax")
        return response

    @app.context_processor
    def language_context():
        locale = str(get_locale())
        return {
            "current_locale": locale,
            "text_direction": text_direction(locale),
            "language_names": LANGUAGE_NAMES,
            "js_messages": js_messages,
        }

# Step 4 and the closing on the console and the projector (static/js/views/console-synergies.js,
# console-plan.js, console-closing.js, plan-pieces.js, projector-plan.js, synergy-map.js); "c4_" keeps them apart from the phone's. French
# and Arabic drafts for these and for the templates: docs/i18n/console4.fr.po, console4.ar.po.
JS_MESSAGES.update({
    "c4_synergy_shared_actor": _l("Shared actor"),
    "c4_synergy_similar_action": _l("Similar actions"),
    "c4_synergy_similar_objective": _l("Similar objectives"),
    "c4_synergy_shared_resource": _l("Shared resource"),
    "c4_synergy_manual": _l("Linked by hand"),
    "c4_entry_objective": _l("Objective"),
    "c4_entry_actor": _l("Actor"),
    "c4_entry_action": _l("Action"),
    "c4_entry_gone_short": _l("(no longer on its board)"),
    "c4_group_short": _l("Group"),
    "c4_someone": _l("Someone"),
    "c4_proposed_by": _l("Proposed by"),
    "c4_proposed_by_facilitators": _l("Added by the facilitators"),
    "c4_link_its_entries": _l("Link its entries…"),
    "c4_linking_now": _l("Being linked…"),
    "c4_dismiss": _l("Dismiss"),
    "c4_proposal_dismissed": _l("Proposal set aside; its author is told."),
    "c4_looking_for_synergies": _l("Looking for synergies across the groups…"),
    "c4_no_synergy_suggestions": _l("No more synergies to suggest. Link entries by hand if you "
                                    "see one."),
    "c4_synergy_title": _l("Title of the synergy"),
    "c4_accept": _l("Accept"),
    "c4_reject": _l("Reject"),
    "c4_synergy_accepted": _l("Synergy accepted: %(title)s"),
    "c4_synergy_rejected": _l("Rejected: it will not be suggested again."),
    "c4_answering_proposal": _l("Answering a proposal:"),
    "c4_named_in_proposal": _l("named in the proposal"),
    "c4_board_empty": _l("Nothing on this board yet."),
    "c4_link_them": _l("Link them"),
    "c4_link_and_answer": _l("Link them and answer the proposal"),
    "c4_pick_two_groups": _l("Tick entries of at least two groups."),
    "c4_pick_entries_for_proposal": _l("Tick the entries the proposal links, then link them."),
    "c4_from_a_phone": _l("from a phone"),
    "c4_in_the_plan": _l("In the plan:"),
    "c4_undo": _l("Undo"),
    "c4_synergy_undone": _l("Synergy undone: %(title)s"),
    "c4_suggest_again": _l("Suggest again"),
    "c4_offered_again": _l("It can be suggested again."),
    "c4_no_synergies_yet": _l("No synergies yet."),
    "c4_synergy_map": _l("Synergy map"),
    "c4_map_unavailable": _l("The synergy map is not available yet."),
    # the shared plan
    "c4_build_shared_action": _l("Build a shared action"),
    "c4_every_synergy_planned": _l("Every synergy has a shared action."),
    "c4_new_shared_action": _l("New shared action"),
    "c4_edit_shared_action": _l("Edit the shared action"),
    "c4_shared_action_title": _l("Title"),
    "c4_from_synergy": _l("From the synergy"),
    "c4_from_scratch": _l("None: from scratch"),
    "c4_synergy_gone": _l("(a synergy undone since)"),
    "c4_description": _l("Description"),
    "c4_priorities_served": _l("Priorities served"),
    "c4_partners_hint": _l("Separated by commas."),
    "c4_absorbs_actions": _l("Group actions it absorbs"),
    "c4_add_shared_action": _l("Add the shared action"),
    "c4_shared_action_needs_title": _l("Please give the shared action a title."),
    "c4_shared_action_added": _l("Shared action added: %(title)s"),
    "c4_shared_action_saved": _l("Saved: %(title)s"),
    "c4_shared_action_removed": _l("Shared action removed: %(title)s"),
    "c4_shared_action_gone": _l("Another facilitator removed the shared action you were editing. "
                                "What you typed is still here, as a new one."),
    "c4_changed_meanwhile": _l("Another facilitator changed this shared action while you were "
                               "editing it. Here it is now; saving keeps your version."),
    "c4_take_their_version": _l("Take their version"),
    "c4_or_save_yours": _l("or save yours to replace it."),
    "c4_started_from_synergy": _l("Started from “%(title)s”: its groups’ priorities and actions "
                                  "are ticked."),
    "c4_being_edited": _l("Being edited"),
    "c4_remove_shared_action_question": _l("Remove this shared action from the plan?"),
    "c4_no_shared_actions_yet": _l("No shared actions yet."),
    "c4_factor_added": _l("Success factor added."),
    "c4_factor_needs_text": _l("Please write the success factor first."),
    "c4_factor_removed": _l("Success factor removed."),
    "c4_remove_factor_question": _l("Remove this success factor?"),
    "c4_no_factors_yet": _l("No success factors yet."),
    # the closing
    "c4_measure_text": _l("What will be done"),
    "c4_measure_owner": _l("In charge"),
    "c4_measure_due": _l("Due"),
    "c4_measure_added": _l("Measure added: %(text)s"),
    "c4_measure_saved": _l("Measure saved."),
    "c4_measure_removed": _l("Measure removed."),
    "c4_measure_gone": _l("Another facilitator removed the measure you were editing."),
    "c4_measure_changed_meanwhile": _l("Another facilitator changed this measure while you were "
                                       "editing it. Here it is now; saving keeps your version."),
    "c4_remove_measure_question": _l("Remove this measure?"),
    "c4_no_measures_yet": _l("No immediate measures yet."),
    "c4_no_committee_yet": _l("Nobody has signed up yet."),
    "c4_consent_given": _l("agreed to be contacted on %(when)s"),
    "c4_write_to_committee": _l("Write to the whole committee"),
    "c4_workshop_reopened": _l("The workshop is open again: phones can write."),
    "c4_closed_since": _l("since %(when)s"),
    "c4_plan_shared": _l("Participants can download the plan."),
    "c4_plan_not_shared": _l("Participants can no longer download the plan."),
    "c4_a_facilitator": _l("A facilitator"),
    "c4_record_closed": _l("Workshop closed"),
    "c4_record_reopened": _l("Workshop reopened"),
    "c4_corrected_idea_edit": _l("Card corrected"),
    "c4_corrected_theme_rename": _l("Theme renamed"),
    "c4_corrected_objective_edit": _l("Objective corrected"),
    "c4_corrected_actor_edit": _l("Actor corrected"),
    "c4_corrected_action_edit": _l("Action corrected"),
    "c4_corrected_synthesis_write": _l("Synthesis corrected"),
    "c4_corrected_shared_action_edit": _l("Shared action corrected"),
    "c4_corrected_measure_edit": _l("Measure corrected"),
    "c4_corrected_other": _l("Text corrected"),
    "c4_nothing_recorded_yet": _l("Nothing yet: the workshop has not been closed."),
    "c4_correct": _l("Correct"),
    "c4_correct_shared_action": _l("Correct the shared action"),
    "c4_closed_pick_to_correct": _l("The workshop is closed: nothing new is added. Choose a shared "
                                    "action on the list to correct its text (the correction is "
                                    "recorded)."),
})
JS_PLURALS.update({
    "c4_n_synergy_suggestions": _np("%(num)d synergy suggested.", "%(num)d synergies suggested."),
    "c4_n_ticked": _np("%(num)d entry ticked", "%(num)d entries ticked"),
    "c4_n_groups": _np("%(num)d group", "%(num)d groups"),
    "c4_absorbs_n": _np("Absorbs %(num)d group action", "Absorbs %(num)d group actions"),
    "c4_n_endorsements": _np("%(num)d endorsement", "%(num)d endorsements"),
    "c4_n_shared_actions": _np("%(num)d shared action", "%(num)d shared actions"),
    "c4_n_measures": _np("%(num)d immediate measure", "%(num)d immediate measures"),
    "c4_n_committee": _np("%(num)d on the steering committee",
                          "%(num)d on the steering committee"),
    "c4_n_factors": _np("%(num)d success factor", "%(num)d success factors"),
})

# Step 4 and the closing on the phone (static/js/views/phone-plan.js). French and Arabic drafts for
# these and for templates/phone/_step4.html: docs/i18n/phone4.fr.po, phone4.ar.po.
JS_MESSAGES.update({
    "p4_no_synergies": _l("No synergy yet. The facilitators accept them as the room finds "
                          "them."),
    "p4_one_group": _l("A synergy joins two groups or more: tick another group, or none."),
    "p4_empty_proposal": _l("Please say what the groups share."),
    "p4_proposal_sent": _l("Sent to the facilitators. You will see here whether it is kept."),
    "p4_status_pending": _l("Waiting for the facilitators"),
    "p4_status_accepted": _l("Kept"),
    "p4_status_accepted_as": _l("Kept as “%(title)s”"),
    "p4_status_dismissed": _l("Not kept"),
    "p4_status_waiting": _l("Not sent yet"),
    "p4_no_actions": _l("No shared action yet. The room builds them now."),
    "p4_serves": _l("Priorities served"),
    "p4_no_measures": _l("No immediate measure yet."),
    "p4_owner": _l("Who"),
    "p4_due": _l("Due"),
    "p4_no_factors": _l("No success factor yet. Propose the first one."),
    "p4_endorse": _l("Endorse"),
    "p4_endorsed": _l("Endorsed"),
    "p4_you_endorse": _l("You endorse it."),
    "p4_proposed_by_you": _l("Proposed by you"),
    "p4_empty_factor": _l("Please write the success factor first."),
    "p4_factor_sent": _l("Your success factor is on the list."),
    "p4_remove_factor_question": _l("Remove your success factor?"),
    "p4_factor_removed": _l("Success factor removed."),
    "p4_no_committee": _l("Nobody has signed up yet."),
    "p4_you": _l("you"),
    "p4_on_committee": _l("You are on the steering committee."),
    "p4_on_committee_as": _l("You are on the steering committee as: %(role)s"),
    "p4_contact_at": _l("The facilitators will contact you at %(email)s."),
    "p4_change": _l("Change"),
    "p4_leave": _l("Leave the committee"),
    "p4_leave_question": _l("Leave the steering committee? Your email address is deleted."),
    "p4_joined": _l("You are on the steering committee. Thank you!"),
    "p4_changed": _l("Your sign-up is changed."),
    "p4_left": _l("You have left the steering committee."),
    "p4_join_heading": _l("Join the committee"),
    "p4_change_heading": _l("Change your sign-up"),
    "p4_sign_up": _l("Sign up for the committee"),
    "p4_save_change": _l("Save the change"),
})
JS_PLURALS.update({
    "p4_n_endorsements": _np("%(num)d endorsement", "%(num)d endorsements"),
})

# Why a synergy's groups meet, written by each page from the reason the server sends as
# data (static/js/steps/shared-plan.js reasonText; synergies.reason_text writes the same for the plan)
JS_MESSAGES.update({
    "reason_shared_actor": _l("“%(name)s” is named by groups %(groups)s."),
    "reason_quoted": _l("“%(name)s”"),
    "reason_also_written": _l("Also written: %(names)s."),
    "reason_shared_resource": _l("These two actions need the same: %(words)s."),
})
JS_PLURALS.update({
    "reason_similar": _np("These two entries share %(n)d of %(num)d key word: %(words)s.",
                          "These two entries share %(n)d of %(num)d key words: %(words)s."),
})

# A person's rights over their data on the console (static/js/views/console.js; docs/privacy.md)
JS_MESSAGES.update({
    "anonymise": _l("Anonymise"),
    "confirm_remove_person": _l("Remove %(name)s from the workshop? Their phone is cut off at "
                                "once and their name, dots and details are deleted; what they "
                                "wrote stays, without their name."),
    "confirm_anonymise_person": _l("Anonymise %(name)s? Their name becomes “Participant” and a "
                                   "number, their organisation and committee email are "
                                   "deleted; they keep taking part."),
    "person_removed": _l("%(name)s was removed from the workshop."),
    "person_anonymised": _l("%(name)s is anonymised."),
    "c4_record_withdrawal": _l("Personal data withdrawn"),
})

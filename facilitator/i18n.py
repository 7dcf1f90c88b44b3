"""Languages: English, French and Arabic, chosen per request.

A page shows in, by order of precedence: the language asked for with ?lang= (kept in a
cookie), the language a view sets for its workshop (g.workshop_locale), the browser's
Accept-Language, English. Arabic pages are right to left.
"""
from __future__ import annotations

from flask import Flask, g, has_request_context, request
from flask_babel import get_locale, lazy_gettext as _l

from .extensions import babel

RTL_LANGUAGES = {"ar"}
LANGUAGE_NAMES = {"en": "English", "fr": "Français", "ar": "العربية"}
LANG_COOKIE = "lang"


def select_locale() -> str:
    languages = _languages()
    workshop_locale = g.get("workshop_locale")
    if not has_request_context():  # CLI, background work: the workshop's language
        return workshop_locale if workshop_locale in languages else "en"
    asked = request.args.get("lang") or request.cookies.get(LANG_COOKIE)
    if asked in languages:
        return asked
    if workshop_locale in languages:
        return workshop_locale
    return request.accept_languages.best_match(languages) or "en"


def _languages() -> tuple[str, ...]:
    from flask import current_app

    return tuple(current_app.config["LANGUAGES"])


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
    "dots_left": _l("You have %(n)s dots left."),
    "voting_not_open": _l("Voting opens when the facilitator says so."),
    "my_dots": _l("My dots"),
    "add_dot": _l("Add a dot"),
    "remove_dot": _l("Take a dot back"),
    "dots": _l("dots"),
    "tie": _l("tie"),
    "priority": _l("Priority"),
    "our_priorities": _l("Our priorities"),
    "title": _l("Title"),
    "one_line_description": _l("One-line description"),
}


def js_messages() -> dict[str, str]:
    return {key: str(value) for key, value in JS_MESSAGES.items()}


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)

    @app.after_request
    def remember_language(response):
        asked = request.args.get("lang")
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

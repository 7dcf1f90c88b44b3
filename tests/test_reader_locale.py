"""Dates read in the reader's language, a new workshop starts in the interface's, and
each screen speaks its own: the projector and the join sheet the workshop's (or the one
in their URL) whatever the console's, a phone its own when the app has it."""
from __future__ import annotations

import json
import re
from datetime import date

import pytest
from flask_babel import force_locale, gettext

from facilitator import workshops
from facilitator.live import operations
from facilitator.people import accounts

pytestmark = pytest.mark.usefixtures("separate_browsers")  # each client a browser


@pytest.fixture
def signed_in(app, client):
    owner = operations.run(accounts.create_facilitator, "owner@example.org", "Owner",
                           "owner-password")
    operations.run(workshops.create_workshop, owner,
                   {"title": "Beirut", "language": "en", "date": date(2015, 10, 20)})
    client.post("/login", data={"email": "owner@example.org", "password": "owner-password"})
    return client


@pytest.mark.parametrize("lang, shown", [("en", "October 20, 2015"), ("fr", "20 octobre 2015"),
                                         ("ar", "20 أكتوبر 2015")])
def test_a_workshop_date_reads_in_the_readers_language(signed_in, lang, shown):
    page = signed_in.get(f"/workshops/?lang={lang}").get_data(as_text=True)
    assert f'<time datetime="2015-10-20">{shown}</time>' in page


def selected_language(page: str) -> str:
    select = re.search(r'<select[^>]*name="language".*?</select>', page, re.S).group(0)
    return re.search(r'<option selected value="(\w+)"', select).group(1)


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_a_new_workshop_starts_in_the_interfaces_language(signed_in, lang):
    page = signed_in.get(f"/workshops/new?lang={lang}").get_data(as_text=True)
    assert selected_language(page) == lang


def test_the_browsers_language_is_the_interfaces_too(signed_in):
    signed_in.delete_cookie("lang")
    page = signed_in.get("/workshops/new", headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    assert selected_language(page.get_data(as_text=True)) == "fr"
    # what the person chose wins over the default
    made = signed_in.post("/workshops/new", data={"title": "Tunis", "timezone": "UTC",
                                                  "language": "ar", "priority_count": 3,
                                                  "dots_per_participant": 3},
                          headers={"Accept-Language": "fr"})
    assert made.status_code == 302
    from facilitator.extensions import db
    from facilitator.models import Workshop
    assert db.session.query(Workshop).filter_by(title="Tunis").one().language == "ar"


# --- each screen in its own language -------------------------------------------------------

def page_language(page: str) -> tuple[str, str]:
    found = re.search(r'<html lang="(\w+)" dir="(\w+)">', page)
    return found.group(1), found.group(2)


def json_block(page: str, block_id: str) -> dict:
    found = re.search(rf'<script type="application/json" id="{block_id}">(.*?)</script>', page,
                      re.S)
    return json.loads(found.group(1))


def translated(language: str, message: str) -> str:
    with force_locale(language):
        return gettext(message)


@pytest.fixture
def french(app, client):
    """A French workshop, and its owner's browser whose console is in English."""
    owner = operations.run(accounts.create_facilitator, "owner@example.org", "Owner",
                           "owner-password")
    workshop = operations.run(workshops.create_workshop, owner,
                              {"title": "Atelier de Tunis", "language": "fr"})
    client.post("/login", data={"email": "owner@example.org", "password": "owner-password"})
    client.get("/workshops/?lang=en")
    return workshop


def test_the_projector_and_join_sheet_speak_the_workshops_language(client, french):
    projector = client.get(f"/workshops/{french.id}/projector").get_data(as_text=True)
    assert page_language(projector) == ("fr", "ltr")
    assert json_block(projector, "i18n")["connecting"] == translated("fr", "Connecting…")
    assert json_block(projector, "live-config")["synergy_map_url"].endswith("?language=fr")
    sheet = client.get(f"/workshops/{french.id}/join-sheet").get_data(as_text=True)
    assert page_language(sheet) == ("fr", "ltr")
    assert translated("fr", "Join the workshop from your phone") in sheet
    # the console in the same browser keeps the language chosen for it
    console = client.get(f"/workshops/{french.id}/console").get_data(as_text=True)
    assert page_language(console) == ("en", "ltr")
    assert json_block(console, "i18n")["connecting"] == "Connecting…"
    assert json_block(console, "live-config")["synergy_map_url"].endswith("?language=en")


def test_a_projector_in_arabic_leaves_the_console_in_its_language(client, french):
    response = client.get(f"/workshops/{french.id}/projector?lang=ar")
    projector = response.get_data(as_text=True)
    assert page_language(projector) == ("ar", "rtl")
    assert json_block(projector, "i18n")["connecting"] == translated("ar", "Connecting…")
    assert json_block(projector, "live-config")["synergy_map_url"].endswith("?language=ar")
    assert "lang=" not in response.headers.get("Set-Cookie", "")
    sheet = client.get(f"/workshops/{french.id}/join-sheet?lang=ar").get_data(as_text=True)
    assert page_language(sheet) == ("ar", "rtl")
    console = client.get(f"/workshops/{french.id}/console").get_data(as_text=True)
    assert page_language(console) == ("en", "ltr")
    # and the workshops page offers the screens in the other languages
    listing = client.get("/workshops/").get_data(as_text=True)
    assert f"/workshops/{french.id}/projector?lang=ar" in listing
    assert f"/workshops/{french.id}/join-sheet?lang=en" in listing


@pytest.mark.parametrize("asked, shown", [("ar", "ar"), ("en", "en"), ("", "fr")])
def test_the_map_is_drawn_in_the_language_of_the_page_showing_it(client, french, asked,
                                                                  shown):
    query = f"?language={asked}" if asked else ""
    response = client.get(f"/workshops/{french.id}/synergies/map.svg{query}")
    svg = response.get_data(as_text=True)
    assert translated(shown, "No synergy agreed yet.") in svg
    assert "lang=" not in response.headers.get("Set-Cookie", "")


@pytest.mark.parametrize("accept, shown", [
    ("ar-LB,ar;q=0.9", "ar"), ("en-GB,en;q=0.9", "en"), ("de-DE,de;q=0.9", "fr"),
    ("es-ES,es;q=0.9,en;q=0.5", "en"), (None, "fr")])
def test_the_qr_link_opens_in_the_phones_language_when_the_app_has_it(app, french, accept,
                                                                      shown):
    phone = app.test_client()
    headers = {"Accept-Language": accept} if accept else {}
    page = phone.get(f"/j/{french.join_code}", headers=headers).get_data(as_text=True)
    assert page_language(page)[0] == shown
    joined = phone.post(f"/j/{french.join_code}", headers=headers, data={
        "nonce": "n" * 24, "name": "Rania", "profile": french.profiles[0], "consent": "y"})
    assert joined.status_code == 302
    live = phone.get(joined.headers["Location"], headers=headers).get_data(as_text=True)
    assert page_language(live)[0] == shown
    assert json_block(live, "i18n")["connecting"] == translated(shown, "Connecting…")


def test_a_language_picked_on_the_phone_wins_over_its_browsers(app, french):
    phone = app.test_client()
    page = phone.get(f"/j/{french.join_code}?lang=fr",
                     headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert page_language(page)[0] == "fr"
    again = phone.get(f"/j/{french.join_code}", headers={"Accept-Language": "ar"})
    assert page_language(again.get_data(as_text=True))[0] == "fr"


@pytest.mark.parametrize("lang, required", [("fr", "Ce champ est requis."),
                                             ("ar", "هذا الحقل مطلوب."),
                                             ("en", "This field is required.")])
def test_a_form_s_own_messages_speak_the_reader_s_language(signed_in, lang, required):
    """WTForms' messages ("This field is required.") come in the page's language, each
    request its own, the catalogues read once per process."""
    for _ in range(2):
        page = signed_in.post(f"/workshops/new?lang={lang}", data={"title": ""})
        assert page.status_code == 400
        assert required in page.get_data(as_text=True)

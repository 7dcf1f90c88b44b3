"""A team in its languages, in Debian's Chromium against the real server: the owner
invites a co-facilitator from the team page, the invitee opens the link in a browser of
their own, sets a name and a password, lands in the console and moves the room; the
projector speaks the workshop's language while the console in the same browser speaks
another, and a projector set to a third language changes neither."""
from __future__ import annotations

import pytest

from tests.support import ARTIFACTS, DESKTOP, sign_in_page

pytestmark = [pytest.mark.live, pytest.mark.browser]
OWNER = ("team-owner@example.org", "team-owner-password")
WAIT = 20_000


def errors_of(page, problems: list[str]) -> None:
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))


@pytest.fixture(scope="module")
def arabic_workshop(live_server, browser):
    """An Arabic workshop, made through the form by an owner whose interface is French."""
    live_server.flask("create-facilitator", "--email", OWNER[0], "--name", "Olfa Ben Salem",
                      "--password", OWNER[1])
    context = browser.new_context(**DESKTOP)
    page = context.new_page()
    sign_in_page(page, live_server.url, *OWNER)
    page.goto(f"{live_server.url}/workshops/new?lang=fr")
    page.fill("input[name=title]", "Diaspora et investissement")
    page.select_option("select[name=language]", "ar")
    page.click("form.form-grid button[type=submit]")
    page.wait_for_url("**/console")
    workshop_id = int(page.url.rstrip("/").split("/")[-2])
    context.close()
    return workshop_id


def stage_title(page) -> str:
    return page.locator("[data-stage-title]").inner_text().strip()


def owners_console(context, base: str, workshop_id: int, problems: list[str]):
    """The owner's console, in French, online."""
    console = context.new_page()
    errors_of(console, problems)
    sign_in_page(console, base, *OWNER)
    console.goto(f"{base}/workshops/{workshop_id}/console?lang=fr")
    console.locator("[data-connection][data-status=online]").wait_for(timeout=WAIT)
    return console


def test_an_invited_cofacilitator_joins_through_the_link_and_moves_the_room(
        live_server, browser, arabic_workshop):
    base, workshop_id = live_server.url, arabic_workshop
    problems: list[str] = []
    owner = browser.new_context(**DESKTOP)
    console = owners_console(owner, base, workshop_id, problems)
    before = stage_title(console)

    team = owner.new_page()
    errors_of(team, problems)
    team.goto(f"{base}/workshops/{workshop_id}/edit#team")
    team.fill("#team input[name=email]", "karim.co@example.org")
    team.select_option("#team select[name=role]", "cofacilitator")
    team.click("#team form.inline-form button[type=submit]")
    link_box = team.locator("#invitation-link")
    link_box.wait_for(timeout=WAIT)
    link = link_box.input_value()
    assert "/invitations/" in link
    assert team.locator("#team .invitations").inner_text().count("karim.co@example.org") == 1
    team.screenshot(path=str(ARTIFACTS / "team-invitations-fr.png"), full_page=True)

    invitee = browser.new_context(**DESKTOP, locale="en-GB")
    joining = invitee.new_page()
    errors_of(joining, problems)
    joining.goto(link)
    joining.wait_for_url("**/invitation")
    assert joining.locator("html").get_attribute("lang") == "en"
    joining.screenshot(path=str(ARTIFACTS / "invitation-en.png"), full_page=True)
    joining.fill("input[name=name]", "Karim Nassar")
    joining.fill("input[name=password]", "karim-password")
    joining.click("form button[type=submit]")
    joining.wait_for_url(f"**/workshops/{workshop_id}/console")
    joining.locator("[data-connection][data-status=online]").wait_for(timeout=WAIT)
    # the co-facilitator moves the room; the owner's console follows
    joining.click("[data-stage-next]")
    console.wait_for_function(
        "before => document.querySelector('[data-stage-title]').textContent.trim() !== before",
        arg=before, timeout=WAIT)
    assert stage_title(joining) != before
    # the team page now lists Karim in the team, and no invitation waits
    team.goto(f"{base}/workshops/{workshop_id}/edit")
    assert "Karim Nassar" in team.locator("#team .members").first.inner_text()
    assert team.locator("#team .invitations").count() == 0
    # the link was for one use
    other = browser.new_context(**DESKTOP)
    again = other.new_page()
    response = again.goto(link)
    assert response.status == 410
    other.close()
    invitee.close()
    owner.close()
    assert problems == [], problems


def test_the_projector_speaks_the_workshops_language_beside_a_french_console(
        live_server, browser, arabic_workshop):
    base, workshop_id = live_server.url, arabic_workshop
    problems: list[str] = []
    laptop = browser.new_context(**DESKTOP)
    console = owners_console(laptop, base, workshop_id, problems)
    assert console.locator("html").get_attribute("lang") == "fr"
    connected_fr = console.locator("[data-connection]").inner_text().strip()

    projector = laptop.new_page()
    errors_of(projector, problems)
    projector.set_viewport_size({"width": 1920, "height": 1080})
    projector.goto(f"{base}/workshops/{workshop_id}/projector")
    projector.locator("[data-connection][data-status=online]").wait_for(timeout=WAIT)
    assert projector.locator("html").get_attribute("lang") == "ar"
    assert projector.locator("html").get_attribute("dir") == "rtl"
    connected_ar = projector.locator("[data-connection]").inner_text().strip()
    assert connected_ar != connected_fr and any("\u0600" <= ch <= "\u06ff"
                                                for ch in connected_ar)
    projector.screenshot(path=str(ARTIFACTS / "team-projector-ar.png"))

    # a projector set to English: its URL keeps it; the console and the default stay
    english = laptop.new_page()
    errors_of(english, problems)
    english.goto(f"{base}/workshops/{workshop_id}/projector?lang=en")
    english.locator("[data-connection][data-status=online]").wait_for(timeout=WAIT)
    assert english.locator("html").get_attribute("lang") == "en"
    console.reload()
    console.locator("[data-connection][data-status=online]").wait_for(timeout=WAIT)
    assert console.locator("html").get_attribute("lang") == "fr"
    projector.reload()
    assert projector.locator("html").get_attribute("lang") == "ar"
    laptop.close()
    assert problems == [], problems

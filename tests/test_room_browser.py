"""A room in Chromium: the console, the projector and a phone, all live at once."""
from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.support import ARTIFACTS, sign_in_page

pytestmark = [pytest.mark.live, pytest.mark.browser]


def test_phone_joins_appears_on_projector_and_follows_the_console(
        browser, live_server, live_room, phone):
    room = live_room("welcome")
    workshop_id, code = room.id, room.code
    laptop = browser.new_context(viewport={"width": 1366, "height": 860})
    try:
        console = laptop.new_page()
        sign_in_page(console, live_server.url, *room.owner)
        console.goto(f"{live_server.url}/workshops/{workshop_id}/console")
        console.locator("[data-connection][data-status=online]").wait_for(timeout=15_000)

        # the projector is opened from the facilitator's signed-in laptop
        projector = laptop.new_page()
        projector.set_viewport_size({"width": 1920, "height": 1080})
        projector.goto(f"{live_server.url}/workshops/{workshop_id}/projector")
        projector.locator("[data-participant-count]").filter(has_text="25").wait_for(timeout=15_000)
        assert projector.locator("[data-join-code]").inner_text() == code
        # the QR code on the projector decodes to the join link
        import zxingcpp

        shot = projector.locator("[data-qr]").screenshot()
        decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(shot)))
        assert decoded and decoded[0].text == f"{live_server.url}/j/{code}"

        # a phone types the code in lower case, joins, and appears on the projector
        mobile = phone.new_page()
        mobile.goto(live_server.url + "/j")
        mobile.fill("input[name=code]", code.lower())
        mobile.click("button[type=submit]")
        mobile.fill("input[name=name]", "Amal Haddad")
        mobile.fill("input[name=organisation]", "Berytech")
        mobile.select_option("select[name=profile]", label="Incubator or accelerator")
        mobile.check("input[name=consent]")
        mobile.screenshot(path=str(ARTIFACTS / "phone-join.png"), full_page=True)
        mobile.click("button[type=submit]")
        mobile.locator("[data-connection][data-status=online]").wait_for(timeout=15_000)
        projector.locator("[data-arrivals]").filter(has_text="Amal Haddad").wait_for(timeout=10_000)
        assert projector.locator("[data-participant-count]").inner_text() == "26 participants"
        console.locator("[data-participant-list]").filter(has_text="Amal Haddad").wait_for()

        # the facilitator moves the room; the phone and the projector follow
        console.click("[data-stage-next]")
        mobile.locator("[data-stage-title]").filter(has_text="Share ideas").wait_for(timeout=10_000)
        projector.locator("[data-stage-title]").filter(has_text="Share ideas").wait_for()
        assert mobile.evaluate("document.documentElement.scrollWidth") <= 360
        mobile.screenshot(path=str(ARTIFACTS / "phone-stage.png"), full_page=True)

        # closing joining hides the code on the projector
        console.click("[data-joining-toggle]")
        projector.locator("[data-join-panel]").wait_for(state="hidden", timeout=10_000)
        console.click("[data-joining-toggle]")
        projector.locator("[data-join-panel]").wait_for(state="visible", timeout=10_000)

        # a reload brings back the same participant, not a new one
        mobile.reload()
        mobile.locator("[data-connection][data-status=online]").wait_for(timeout=15_000)
        assert "Amal Haddad" in mobile.inner_text("main")
        assert projector.locator("[data-participant-count]").inner_text() == "26 participants"

        console.screenshot(path=str(ARTIFACTS / "console.png"), full_page=True)
        projector.screenshot(path=str(ARTIFACTS / "projector.png"))
    finally:
        laptop.close()

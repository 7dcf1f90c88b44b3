"""The organiser downloads the sample seminar's action plan (issue 11), in a real browser
against the real server (eventlet): the downloads page asks for the PDF, reloads itself
while another process renders it, then offers it; the PDF holds the priorities and no
email. Meanwhile the server keeps answering: the render is not in its process."""
from __future__ import annotations

import io
import time

import pytest
import requests
from pypdf import PdfReader

from facilitator.sample import PRIORITIES
from tests.support import ARTIFACTS, sign_in_page

pytestmark = [pytest.mark.live, pytest.mark.browser]
OWNER = ("plan-browser@example.org", "owner-password")
ORGANISER = ("plan-organiser@example.org", "organiser-password")
WAIT = 60_000


def test_the_organiser_downloads_the_sample_plan(live_server, browser):
    workshop_id, _code = live_server.sample(*OWNER, until="closed")
    live_server.flask("create-facilitator", "--email", ORGANISER[0], "--name", "Organiser",
                      "--password", ORGANISER[1])
    base = live_server.url

    owner = browser.new_context(viewport={"width": 1366, "height": 820})
    page = owner.new_page()
    sign_in_page(page, base, *OWNER)
    page.goto(f"{base}/workshops/{workshop_id}/edit")
    form = page.locator("#team form.inline-form")  # the owner invites the organiser
    form.locator("input[name=email]").fill(ORGANISER[0])
    form.locator("select[name=role]").select_option("organiser")
    form.locator("button[type=submit]").click()
    link = page.locator("#invitation-link").input_value()
    owner.close()

    context = browser.new_context(viewport={"width": 1366, "height": 820},
                                  accept_downloads=True)
    page = context.new_page()
    sign_in_page(page, base, *ORGANISER)
    page.goto(link)  # an account already: one button joins the team
    page.get_by_role("button", name="Join the team").click()
    page.wait_for_url(f"**/workshops/{workshop_id}/**")
    page.goto(f"{base}/workshops/")
    page.get_by_role("link", name="Action plan").first.click()
    page.wait_for_url(f"**/workshops/{workshop_id}/plan")
    assert page.locator("tr[data-edition=public]").get_attribute("data-state") == "none"
    page.screenshot(path=str(ARTIFACTS / "plan-downloads-before.png"), full_page=True)

    page.click("[data-prepare=public]")
    # the page reloads itself while the other process renders; the server answers
    # the health check all along
    started = time.monotonic()
    while not page.locator("[data-download=public]").count():
        assert requests.get(base + "/healthz", timeout=2).ok
        assert time.monotonic() - started < WAIT / 1000, "the PDF was never ready"
        time.sleep(0.3)
    page.screenshot(path=str(ARTIFACTS / "plan-downloads-ready.png"), full_page=True)
    with page.expect_download(timeout=WAIT) as download_info:
        page.click("[data-download=public]")
    download = download_info.value
    assert download.suggested_filename.endswith("-en-public.pdf")
    saved = ARTIFACTS / "plan-sample-public.pdf"
    download.save_as(saved)

    reader = PdfReader(io.BytesIO(saved.read_bytes()))
    text = "\n".join(p.extract_text() or "" for p in reader.pages)
    for _key, title, _description in PRIORITIES:
        assert title in text.replace("\n", " ") or title.split()[0] in text
    assert "@" not in text and "DRAFT" not in text  # public, and the workshop is closed
    assert len(reader.pages) >= 10

    # the internal edition is the organiser's too; a stranger gets nothing
    response = context.request.get(
        f"{base}/workshops/{workshop_id}/plan.pdf?edition=internal")
    assert response.status in (200, 202)
    assert requests.get(f"{base}/workshops/{workshop_id}/plan.pdf").status_code == 403
    context.close()

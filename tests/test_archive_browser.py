"""The workshop archive in the browser, against the real server (CSRF on, the strict
CSP): a facilitator downloads a workshop as JSON from the workshops page, imports the
file through the form, and lands on the copy's console with what was imported; a
damaged file is refused with a sentence and nothing is made."""
from __future__ import annotations

import json

import pytest

from tests.support import ARTIFACTS, axe_problems, sign_in_page

pytestmark = [pytest.mark.live, pytest.mark.browser]
EMAIL, PASSWORD = "archive@example.org", "archive-password"


def test_export_then_import_from_the_workshops_page(live_server, desktop, tmp_path):
    workshop_id, code = live_server.sample(EMAIL, PASSWORD, name="Archivist",
                                           until="actions")
    page = desktop.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    sign_in_page(page, live_server.url, EMAIL, PASSWORD)

    with page.expect_download() as download:
        page.click(f"a[href='/workshops/{workshop_id}/export.json']")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == "Engaging the economic diaspora Lebanon.json"
    data = json.loads(saved.read_text(encoding="utf-8"))
    assert data["format"] == "facilitator-workshop" and len(data["participants"]) == 25
    assert code not in saved.read_text(encoding="utf-8")

    assert axe_problems(page) == []
    page.screenshot(path=str(ARTIFACTS / "archive-workshops.png"), full_page=True)
    broken = tmp_path / "broken.json"
    broken.write_bytes(saved.read_bytes()[:2000])
    page.set_input_files("input[name=file]", str(broken))
    page.click(".import-form button[type=submit]")
    page.locator(".flash.error").filter(has_text="cut short").wait_for(timeout=15_000)
    assert page.locator(".workshop-list > li").count() == 1

    page.set_input_files("input[name=file]", str(saved))
    page.click(".import-form button[type=submit]")
    page.wait_for_url("**/console", timeout=15_000)
    flash = page.locator(".flash").filter(has_text="Imported")
    flash.wait_for(timeout=15_000)
    assert "Engaging the economic diaspora: Lebanon (copy)" in flash.inner_text()
    assert "25 participants" in flash.inner_text()
    page.locator("[data-connection][data-status=online]").wait_for(timeout=20_000)
    assert page.inner_text("[data-join-code]") not in ("", code)
    page.screenshot(path=str(ARTIFACTS / "archive-imported-console.png"))
    page.goto(live_server.url + "/workshops/")
    assert page.locator(".workshop-list > li").count() == 2
    assert problems == []

"""Smoke test in Debian's Chromium: the home page in a phone and a desktop viewport."""
from __future__ import annotations

import pytest

from tests.support import ARTIFACTS

pytestmark = [pytest.mark.live, pytest.mark.browser]


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_home_page_renders(request, live_server, viewport, lang):
    context = request.getfixturevalue(viewport)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(f"{live_server.url}/?lang={lang}")
    heading = page.locator("h1")
    heading.wait_for(timeout=15_000)
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    # the app's own fonts loaded (no font from outside, none missing)
    page.wait_for_function("document.fonts.status === 'loaded'", timeout=15_000)
    family = "Noto Sans Arabic" if lang == "ar" else "Noto Sans"
    assert page.evaluate(f"document.fonts.check('16px \"{family}\"')")
    # nothing overflows a 360 px phone
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    page.screenshot(path=str(ARTIFACTS / f"home-{lang}-{viewport}.png"), full_page=True)
    assert problems == []

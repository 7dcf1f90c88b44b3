"""Steps 1 and 2 in Chromium: phones post cards and vote with dots, the projector shows
the wall and, once revealed, the bars; the console groups, reveals and confirms."""
from __future__ import annotations

import pytest

from tests.support import ARTIFACTS, sign_in_page

pytestmark = [pytest.mark.live, pytest.mark.browser]
EMAIL, PASSWORD = "steps12@example.org", "steps12-password"
CARDS = [
    ("Rana", "A one-stop desk for diaspora investors at the investment agency", "practice", "Ireland"),
    ("Rana", "Roadshows with the diaspora in Paris and Montreal", "idea", ""),
    ("Fadi", "A database of diaspora profiles and skills", "idea", "Mexico"),
    ("Fadi", "Success stories of returning entrepreneurs on TV", "experience", "Scotland"),
]
THEMES = ["Investment framework", "Data on the diaspora", "Communication"]


def join(context, base, code, name):
    page = context.new_page()
    page.goto(f"{base}/j/{code}")
    page.fill("input[name=name]", name)
    page.select_option("select[name=profile]", index=1)
    page.check("input[name=consent]")
    page.click("button[type=submit]")
    page.locator("[data-connection][data-status=online]").wait_for(timeout=15_000)
    return page


def move_to(console, stage_title):
    console.click("[data-stage-next]")
    console.locator("[data-stage-title]").filter(has_text=stage_title).wait_for(timeout=10_000)


def test_cards_dots_and_priorities_across_console_projector_and_phones(browser, live_server):
    workshop_id, code = live_server.sample(EMAIL, PASSWORD, "Steps Lead")
    base = live_server.url
    laptop = browser.new_context(viewport={"width": 1366, "height": 900})
    phones = [browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True,
                                  has_touch=True) for _ in range(2)]
    try:
        console = laptop.new_page()
        sign_in_page(console, base, EMAIL, PASSWORD)
        console.goto(f"{base}/workshops/{workshop_id}/console")
        console.locator("[data-connection][data-status=online]").wait_for(timeout=15_000)
        projector = laptop.new_page()
        projector.set_viewport_size({"width": 1920, "height": 1080})
        projector.goto(f"{base}/workshops/{workshop_id}/projector")
        projector.locator("[data-connection][data-status=online]").wait_for(timeout=15_000)
        rana = join(phones[0], base, code, "Rana")
        fadi = join(phones[1], base, code, "Fadi")
        by_name = {"Rana": rana, "Fadi": fadi}

        # Step 1: the phones post; every card reaches the projector and the console
        move_to(console, "Share ideas")
        for name, text, kind, origin in CARDS:
            phone = by_name[name]
            phone.locator("[data-post-form]").wait_for(state="visible", timeout=10_000)
            phone.fill("textarea[name=text]", text)
            phone.check(f"input[name=kind][value={kind}]")
            phone.fill("input[name=origin]", origin)
            phone.click("[data-post-button]")
            phone.locator("[data-my-cards]").filter(has_text=text).wait_for(timeout=10_000)
            assert phone.input_value("textarea[name=text]") == ""
        projector.locator("[data-card-count]").filter(has_text="4").wait_for(timeout=10_000)
        for _name, text, _kind, _origin in CARDS:
            projector.locator("[data-wall]").filter(has_text=text).wait_for()
        console.locator("[data-moderation]").filter(has_text=CARDS[-1][1]).wait_for()
        rana.locator("[data-phone-wall]").filter(has_text=CARDS[-1][1]).wait_for()  # Fadi's
        rana.screenshot(path=str(ARTIFACTS / "phone-ideas.png"), full_page=True)
        projector.screenshot(path=str(ARTIFACTS / "projector-wall.png"))

        # the facilitator closes the input: a late card is refused and its text kept
        console.check("[data-setting=input_locked]")
        fadi.locator("[data-locked]").wait_for(state="visible", timeout=10_000)
        assert fadi.locator("[data-post-button]").is_disabled()
        console.uncheck("[data-setting=input_locked]")
        fadi.locator("[data-locked]").wait_for(state="hidden", timeout=10_000)

        # Step 2: themes, cards assigned from the console
        move_to(console, "Group the ideas")
        for title in THEMES:
            console.fill("[data-theme-form] input[name=title]", title)
            console.click("[data-theme-form] button[type=submit]")
            console.locator("[data-theme-list]").filter(has_text=title).wait_for(timeout=10_000)
        assignments = {CARDS[0][1]: THEMES[0], CARDS[1][1]: THEMES[0], CARDS[2][1]: THEMES[1],
                       CARDS[3][1]: THEMES[2]}
        for text, theme in assignments.items():
            card = console.locator("[data-moderation] li").filter(has_text=text)
            card.locator("select").select_option(label=theme)
            console.locator("[data-theme-list] > li").filter(has_text=theme).filter(
                has_text=text).wait_for(timeout=10_000)
        projector.locator("[data-board] .board-column").filter(has_text=THEMES[0]).filter(
            has_text=CARDS[1][1]).wait_for(timeout=10_000)
        projector.screenshot(path=str(ARTIFACTS / "projector-themes.png"))

        # dots: hidden until revealed
        move_to(console, "Vote with dots")
        console.check("[data-voting=open]")
        for phone, choices in ((rana, [0, 1, 2]), (fadi, [0, 1])):
            # the vote is open on this phone once its "+" buttons are enabled
            phone.locator("[data-vote-list] button:not([disabled])").first.wait_for(timeout=10_000)
            for used, index in enumerate(choices, start=1):
                row = phone.locator("[data-vote-list] li").filter(has_text=THEMES[index])
                row.locator("button", has_text="+").click()
                left = str(3 - used)
                phone.locator("[data-dots-left]").filter(has_text=left).wait_for(timeout=10_000)
        # one dot per theme: Fadi's second dot on the first theme is refused, and said so
        fadi.locator("[data-vote-list] li").filter(has_text=THEMES[0]).locator(
            "button", has_text="+").click()
        fadi.locator("[data-error]").filter(has_text="one dot per theme").wait_for(timeout=10_000)
        assert "1" in fadi.inner_text("[data-dots-left]")
        rana.locator("[data-dots-left]").filter(has_text="0").wait_for(timeout=10_000)
        assert rana.locator("[data-results] li").count() == 0  # hidden before the reveal
        assert projector.locator("[data-results] li").count() == 0
        console.locator("[data-results] li").first.wait_for(timeout=10_000)
        rana.screenshot(path=str(ARTIFACTS / "phone-vote.png"), full_page=True)
        console.check("[data-voting=revealed]")
        projector.locator("[data-results] li").first.wait_for(timeout=10_000)
        first = projector.locator("[data-results] li").first
        assert THEMES[0] in first.inner_text() and "2" in first.inner_text()
        rana.locator("[data-results] li").first.wait_for(timeout=10_000)
        projector.screenshot(path=str(ARTIFACTS / "projector-results.png"))

        # the console confirms the three priorities, with an edited title
        move_to(console, "Confirm the priorities")
        row = console.locator("[data-confirm-list] li").filter(
            has=console.locator(f"input[value='{THEMES[1]}']"))
        row.locator("input[name=title]").fill("A database of the diaspora")
        console.click("[data-confirm-form] button[type=submit]")
        projector.locator("[data-confirmed] li").nth(2).wait_for(timeout=10_000)
        assert "A database of the diaspora" in projector.inner_text("[data-confirmed]")
        rana.locator("[data-priorities]").filter(has_text="A database of the diaspora").wait_for()
        console.screenshot(path=str(ARTIFACTS / "console-confirm.png"), full_page=True)
        projector.screenshot(path=str(ARTIFACTS / "projector-priorities.png"))
    finally:
        laptop.close()
        for context in phones:
            context.close()

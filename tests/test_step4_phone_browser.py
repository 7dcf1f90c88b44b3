"""Step 4 and the closing on phones (issue 10), at 390×844 in French and in Arabic (and in
English for the gallery): a phone proposes a synergy and follows it until the facilitator
keeps it; the shared plan forms on every phone; a phone proposes a success factor and
another endorses it; both sign up for the steering committee, and each sees the other's
name and role but never their email; then the facilitator closes the workshop and every
phone turns read only with a line saying so, and writes again once it is reopened. At
every stage: no horizontal scroll, and axe finds no serious or critical problem.

The facilitator acts through a console socket (tests/clients.py), as the console would.
Set FACILITATOR_SCREENSHOTS=docs/screenshots to refresh docs/screenshots/phone4-*.png."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from facilitator.sample import MEASURES, SHARED_ACTIONS
from tests.clients import Live, sign_in
from tests.support import ARTIFACTS, ROOT, axe_problems, phone_page

pytestmark = [pytest.mark.live, pytest.mark.browser]
EMAIL, PASSWORD = "phone4@example.org", "phone4-password"
WAIT = 20_000
GALLERY = os.environ.get("FACILITATOR_SCREENSHOTS")
NAMES = {"fr": "Claire Dubois", "ar": "رنا حداد", "en": "Sam Khoury"}
PROPOSALS = {"fr": "Les incubateurs des trois groupes pourraient partager un seul programme de mentorat",
             "ar": "منصة واحدة لبيانات المغتربين تخدم كل المجموعات"}
FACTOR = "قيادة واضحة من غرفة التجارة منذ اليوم الأول"
WIDE = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


def shoot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    if GALLERY:
        page.screenshot(path=str(Path(ROOT, GALLERY) / f"{name}.png"), full_page=True)


def check(stage: str, phones: dict) -> None:
    """No horizontal scroll, axe content (French and Arabic), a screenshot of each phone."""
    problems = []
    for lang, page in phones.items():
        if page.evaluate(WIDE) > 0:
            problems.append(f"phone-{lang} at {stage}: {page.evaluate(WIDE)} px too wide")
        if lang != "en":
            found = axe_problems(page)
            if found:
                problems.append(f"axe on phone-{lang} at {stage}: {found}")
        shoot(page, f"phone4-{lang}-{stage}")
    assert not problems, "\n".join(problems)


def test_step4_and_closing_on_phones_in_french_and_arabic(browser, live_server):
    workshop_id, code = live_server.sample(EMAIL, PASSWORD, "Plan Lead", until="synergies")
    base = live_server.url
    contexts = {lang: browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                          has_touch=True, device_scale_factor=2, locale=lang)
                for lang in NAMES}
    lead = Live(base, sign_in(base, EMAIL, PASSWORD), workshop_id, "console").connect()
    try:
        phones = {lang: phone_page(contexts[lang], base, code, name, lang)
                  for lang, name in NAMES.items()}
        fr, ar = phones["fr"], phones["ar"]
        state = lead.call("sync", {"since": 0})["snapshot"]
        groups = sorted((g for g in state["groups"]["list"] if not g["retired"]), key=lambda g: g["rank"])

        # --- synergies: the accepted ones on every phone; a proposal followed by its author
        for page in phones.values():  # the sample has accepted the chamber's synergy
            page.locator("[data-p4-synergies] > li.p4-item").filter(has_text="CCIA-BML").wait_for(
                timeout=WAIT)
        form = fr.locator("[data-p4-propose-form]")
        form.locator("textarea[name=text]").fill(PROPOSALS["fr"])
        form.locator("[data-p4-groups] input[name=group]").first.check()
        form.locator("button[type=submit]").click()  # one group alone is not a synergy
        form.locator("[data-feedback4=propose][data-kind=error]").wait_for(timeout=WAIT)
        assert form.locator("textarea[name=text]").input_value() == PROPOSALS["fr"]
        form.locator("[data-p4-groups] input[name=group]").nth(2).check()
        form.locator("button[type=submit]").click()
        mine = fr.locator("[data-p4-proposals] > li[data-status=pending]").filter(has_text=PROPOSALS["fr"])
        mine.wait_for(timeout=WAIT)
        assert form.locator("textarea[name=text]").input_value() == ""  # ready for the next one
        assert form.locator("input[name=group]:checked").count() == 0
        ar_form = ar.locator("[data-p4-propose-form]")
        ar_form.locator("textarea[name=text]").fill(PROPOSALS["ar"])
        ar_form.locator("button[type=submit]").click()  # no group ticked: fine
        ar.locator("[data-p4-proposals] > li[data-status=pending]").filter(has_text=PROPOSALS["ar"]).wait_for(
            timeout=WAIT)
        assert fr.locator("[data-p4-proposals]").filter(has_text=PROPOSALS["ar"]).count() == 0

        # the facilitator keeps Claire's proposal: she sees it kept, everyone sees the synergy;
        # what رنا is typing and ticking meanwhile stays as it is
        draft = "مسودة لم تُرسل"
        ar_form.locator("textarea[name=text]").fill(draft)
        ar_form.locator("[data-p4-groups] input[name=group]").nth(1).check()
        proposals = {p["text"]: p for p in lead.call("sync", {"since": 0})["snapshot"]["synergies"]["proposals"]}
        boards = lead.call("sync", {"since": 0})["snapshot"]["groups"]["boards"]
        entries = [{"kind": "objective", "id": boards[str(g["id"])]["objectives"][0]["id"]}
                   for g in (groups[0], groups[2])]
        title = "Un programme de mentorat commun"
        assert lead.call("synergy.decide", {"entries": entries, "status": "accepted", "title": title,
                                            "proposal_id": proposals[PROPOSALS["fr"]]["id"]})["ok"]
        fr.locator("[data-p4-proposals] > li[data-status=accepted]").filter(has_text=title).wait_for(timeout=WAIT)
        for page in phones.values():
            page.locator("[data-p4-synergies] > li").filter(has_text=title).wait_for(timeout=WAIT)
        ar.locator("[data-p4-proposals] > li[data-status=pending]").wait_for(timeout=WAIT)
        assert ar_form.locator("textarea[name=text]").input_value() == draft
        assert ar_form.locator("[data-p4-groups] input[name=group]").nth(1).is_checked()
        ar_form.locator("textarea[name=text]").fill("")
        ar_form.locator("[data-p4-groups] input[name=group]").nth(1).uncheck()
        check("synergies", phones)

        # --- the shared plan: actions as the room agrees them; success factors
        assert lead.call("stage.change", {"from_stage": "synergies", "to_stage": "shared_plan"})["ok"]
        synergies = lead.call("sync", {"since": 0})["snapshot"]["synergies"]["list"]
        for n, (action_title, description, owner, partners, deadline, result, _key, _absorbed) in enumerate(
                SHARED_ACTIONS):
            assert lead.call("shared_action.add", {
                "title": action_title, "description": description, "lead": owner, "partners": partners,
                "deadline": deadline.isoformat(), "expected_result": result,
                "synergy_id": synergies[n % len(synergies)]["id"]})["ok"]
        for page in phones.values():
            page.locator("[data-p4-actions] > li.p4-action").nth(len(SHARED_ACTIONS) - 1).wait_for(timeout=WAIT)
        first = fr.locator("[data-p4-actions] > li.p4-action").first
        assert "30 nov. 2015" in first.inner_text()  # the deadline in the page's language
        assert first.locator(".p4-chips > li").count() >= 2  # the priorities it serves
        fr.locator("[data-p4-factor-form] textarea[name=text]").fill("Un coordinateur")  # typing meanwhile
        ar.locator("[data-p4-factor-form] textarea[name=text]").fill(FACTOR)
        ar.locator("[data-p4-factor-form] button[type=submit]").click()
        factor = fr.locator("[data-p4-factors] > li.p4-factor").filter(has_text=FACTOR)
        factor.wait_for(timeout=WAIT)
        assert fr.locator("[data-p4-factor-form] textarea[name=text]").input_value() == "Un coordinateur"
        fr.locator("[data-p4-factor-form] textarea[name=text]").fill("")
        ar.locator("[data-p4-factors] > li.p4-factor").filter(has_text=FACTOR).locator(".p4-mine-line").wait_for(
            timeout=WAIT)  # the author sees it is theirs (and may remove it)
        endorse = factor.locator("[data-p4=endorse]")
        assert endorse.get_attribute("aria-pressed") == "false"
        endorse.click()
        fr.locator("[data-p4-factors] > li.p4-factor.endorsed").filter(has_text=FACTOR).wait_for(timeout=WAIT)
        assert endorse.get_attribute("aria-pressed") == "true"
        factor.locator(".p4-endorsements[data-count='1']").wait_for(timeout=WAIT)
        ar.locator("[data-p4-factors] > li.p4-factor").filter(has_text=FACTOR).locator(
            ".p4-endorsements[data-count='1']").wait_for(timeout=WAIT)
        check("shared_plan", phones)

        # --- the closing: measures, the committee and signing up for it
        assert lead.call("stage.change", {"from_stage": "shared_plan", "to_stage": "closing"})["ok"]
        for text, owner, due in MEASURES:
            assert lead.call("measure.add", {"text": text, "owner": owner, "due": due.isoformat()})["ok"]
        for page in phones.values():
            page.locator("[data-p4-measures] > li.p4-measure").nth(len(MEASURES) - 1).wait_for(timeout=WAIT)
        sign_up(fr, "Suivre le programme de mentorat", "claire.dubois@example.org")
        ar.locator("#p4-email").fill("rana@example.org")
        ar.locator("[data-p4-committee-submit]").click()  # consent not ticked: refused, said by the form
        ar.locator("[data-feedback4=committee][data-kind=error]").wait_for(timeout=WAIT)
        assert ar.locator("[data-p4-membership]").is_hidden()
        sign_up(ar, "الربط مع السفارات", "rana@example.org")
        for page, other, email in ((fr, NAMES["ar"], "rana@example.org"), (ar, NAMES["fr"], "claire.dubois")):
            page.locator("[data-p4-committee] > li").filter(has_text=other).wait_for(timeout=WAIT)
            assert email not in page.inner_text("[data-p4-committee]")  # names and roles only
        # a change of role keeps one sign-up
        fr.click("[data-p4=change-membership]")
        assert fr.locator("#p4-email").input_value() == "claire.dubois@example.org"
        fr.fill("#p4-role", "Suivre le mentorat et la plateforme")
        fr.check("#p4-consent")
        fr.click("[data-p4-committee-submit]")
        fr.locator("[data-p4-membership-line]").filter(has_text="la plateforme").wait_for(timeout=WAIT)
        assert fr.locator("[data-p4-committee] > li").filter(has_text=NAMES["fr"]).count() == 1
        check("closing", phones)

        # --- closed: read only everywhere, a line saying so; reopened: the forms come back
        ar.locator("[data-p4-factor-form] textarea[name=text]").fill("نص لم يُرسل بعد")
        assert lead.call("workshop.close", {})["ok"]
        for page in phones.values():
            page.locator("[data-p4-closed]").wait_for(state="visible", timeout=WAIT)
            for form_selector in ("[data-p4-committee-form]", "[data-p4-factor-form]"):
                assert page.locator(form_selector).is_hidden()
            assert page.locator("[data-p4=endorse]").count() == 0
            # a member may still leave (consent can be withdrawn), not change the sign-up
            assert page.locator("[data-p4=change-membership]").is_hidden()
            assert page.locator("[data-p4-plan]").is_hidden()  # no address for the plan yet
        assert fr.locator("[data-p4-membership]").is_visible()  # still says I am on it
        assert fr.locator("[data-p4=leave]").is_visible()
        check("closed", phones)
        assert lead.call("workshop.reopen", {})["ok"]
        ar.locator("[data-p4-factor-form]").wait_for(state="visible", timeout=WAIT)
        assert ar.locator("[data-p4-factor-form] textarea[name=text]").input_value() == "نص لم يُرسل بعد"
        assert ar.locator("[data-p4-closed]").is_hidden()
    finally:
        lead.disconnect()
        for context in contexts.values():
            context.close()


def sign_up(page, role: str, email: str) -> None:
    page.fill("#p4-role", role)
    page.fill("#p4-email", email)
    page.check("#p4-consent")
    page.click("[data-p4-committee-submit]")
    page.locator("[data-p4-membership]").wait_for(state="visible", timeout=WAIT)
    assert email in page.inner_text("[data-p4-membership]")
    assert page.locator("[data-p4-committee-form]").is_hidden()

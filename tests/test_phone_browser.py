"""The phone in Chromium at 390 px, on weak venue Wi-Fi: what it fetches, what it says
about the connection, and what it remembers across an outage and a reload."""
from __future__ import annotations

import re

import pytest

from tests.support import ARTIFACTS

pytestmark = [pytest.mark.live, pytest.mark.browser]
PHONE_390 = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2,
             "is_mobile": True, "has_touch": True}
# every Content-Security-Policy violation the page meets, whatever caused it
WATCH_CSP = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
"""
# every state the connection line shows, with the moment it showed it; and every status
# the live client reported to the page, with its moment (for the blip below)
WATCH_CONNECTION = """
() => {
  const bar = document.querySelector("[data-connection]");
  window.shown = [[bar.dataset.status, performance.now()]];
  new MutationObserver(() => {
    const last = window.shown[window.shown.length - 1][0];
    if (bar.dataset.status !== last) window.shown.push([bar.dataset.status, performance.now()]);
  }).observe(bar, { attributes: true });
  const client = window.facilitatorClient;
  const onStatus = client.onStatus;
  window.reported = [];
  client.onStatus = (...args) => { window.reported.push([args[0], performance.now()]); onStatus(...args); };
}
"""


def join(context, base: str, code: str, name: str, lang: str):
    page = context.new_page()
    page.add_init_script(WATCH_CSP)
    page.goto(f"{base}/j/{code}?lang={lang}")
    page.fill("input[name=name]", name)
    page.select_option("select[name=profile]", index=1)
    page.check("input[name=consent]")
    page.click("button[type=submit]")
    page.locator("[data-connection][data-status=online]").wait_for(timeout=20_000)
    return page


def post(page, text: str):
    page.fill("textarea[name=text]", text)
    page.click("[data-post-button]")


def wall_matches_its_count(page) -> None:
    count = int(page.inner_text("[data-wall-count]"))
    assert count == page.locator("[data-phone-wall] .idea-card").count()


def fetched(page) -> list[str]:
    return page.evaluate("performance.getEntriesByType('resource').map((e) => e.name)")


def test_fonts_follow_the_text_and_nothing_breaks_the_policy(browser, live_server):
    """A French phone fetches no Arabic font until an Arabic card reaches its wall; the
    Arabic phone reads right to left; no request fails and the CSP is never violated."""
    workshop_id, code = live_server.sample("phone-fonts@example.org", "phone-password",
                                           until="ideas")
    base = live_server.url
    contexts = [browser.new_context(**PHONE_390) for _ in range(2)]
    failed = []
    for context in contexts:
        context.on("requestfailed", lambda request: failed.append(request.url))
    try:
        french = join(contexts[0], base, code, "Claire", "fr")
        french.evaluate("document.fonts.ready.then(() => true)")
        french.wait_for_load_state("networkidle")
        assert "Connecté" in french.inner_text("[data-connection]")
        assert not [u for u in fetched(french) if "arabic" in u]
        assert [u for u in fetched(french) if "noto-sans-latin-400" in u]
        french.screenshot(path=str(ARTIFACTS / "phone-390-fr-ideas.png"), full_page=True)

        arabic = join(contexts[1], base, code, "سارة", "ar")
        assert arabic.get_attribute("html", "dir") == "rtl"
        assert "متصل" in arabic.inner_text("[data-connection]") or arabic.inner_text(
            "[data-connection]").strip()
        post(arabic, "مكتب واحد للمستثمرين من المغتربين")
        arabic.locator("[data-my-cards] li:not(.waiting)").filter(has_text="مكتب واحد").wait_for(timeout=10_000)
        assert arabic.input_value("textarea[name=text]") == ""
        arabic.screenshot(path=str(ARTIFACTS / "phone-390-ar-ideas.png"), full_page=True)

        french.locator("[data-phone-wall]").filter(has_text="مكتب واحد").wait_for(timeout=10_000)
        french.wait_for_function(
            "() => performance.getEntriesByType('resource').some((e) => e.name.includes('noto-sans-arabic'))",
            timeout=10_000)
        wall_matches_its_count(french)
        wall_matches_its_count(arabic)
        for page in (french, arabic):
            assert page.evaluate("window.cspViolations") == []
        assert failed == []

        # the Arabic phone, cut off: the line says so in Arabic, at the top, right to left
        arabic.route(re.compile(r".*/socket\.io/.*"), lambda route: route.abort())
        arabic.evaluate("() => window.facilitatorClient.socket.io.engine.close()")
        post(arabic, "جولات ترويجية في باريس ومونتريال")
        arabic.locator("[data-connection][data-status=offline][data-pending='1']").wait_for(
            timeout=20_000)
        assert "تغيير واحد بانتظار الإرسال" in arabic.inner_text("[data-connection]")
        arabic.screenshot(path=str(ARTIFACTS / "phone-390-ar-offline.png"))
    finally:
        for context in contexts:
            context.close()


def test_connection_line_stays_calm_through_a_blip_and_says_when_it_is_lost(browser, live_server):
    workshop_id, code = live_server.sample("phone-blip@example.org", "phone-password",
                                           until="ideas")
    context = browser.new_context(**PHONE_390)
    try:
        page = join(context, live_server.url, code, "Claire", "fr")
        # the status line is the first thing on the page, under the header
        top = page.locator("[data-connection]").bounding_box()
        stage = page.locator(".phone-stage").bounding_box()
        assert top["y"] < stage["y"] and top["y"] < 844
        page.evaluate(WATCH_CONNECTION)

        # a blip: the connection drops and socket.io reconnects at once
        first_id = page.evaluate("window.facilitatorClient.socket.id")
        page.evaluate("window.facilitatorClient.socket.io.engine.close()")
        page.wait_for_function(
            f"() => window.facilitatorClient.socket.id && window.facilitatorClient.socket.id !== '{first_id}'"
            " && window.reported.some(([s]) => s === 'online')", timeout=20_000)
        reported = page.evaluate("window.reported")
        lost = next(t for s, t in reported if s in ("reconnecting", "offline"))
        back = next(t for s, t in reported if s == "online")
        if back - lost < 2500:  # a blip shorter than the grace says nothing
            assert [s for s, _ in page.evaluate("window.shown")] == ["online"]

        # a real loss: no Socket.IO request gets through
        page.route(re.compile(r".*/socket\.io/.*"), lambda route: route.abort())
        page.evaluate("() => { window.reported = []; window.shown = [['online', performance.now()]]; }")
        page.evaluate("window.facilitatorClient.socket.io.engine.close()")
        bar = page.locator("[data-connection]")
        page.wait_for_function(
            "() => ['reconnecting', 'offline'].includes(document.querySelector('[data-connection]').dataset.status)",
            timeout=20_000)
        lost = page.evaluate("window.reported.find(([s]) => s !== 'online')[1]")
        said = page.evaluate("window.shown.find(([s]) => s !== 'online')[1]")
        assert said - lost >= 2900  # never before the grace
        assert re.search(r"Reconnexion|Hors ligne", bar.inner_text())

        # a card sent now waits in the outbox: the line counts it, My cards shows it,
        # the box is free for the next one
        post(page, "Un guichet unique pour les investisseurs de la diaspora")
        page.locator("[data-connection][data-pending='1']").wait_for(timeout=5_000)
        assert "1 modification en attente d’envoi" in bar.inner_text()
        assert page.input_value("textarea[name=text]") == ""
        waiting = page.locator("[data-my-cards] li.waiting")
        assert "guichet unique" in waiting.inner_text()
        page.screenshot(path=str(ARTIFACTS / "phone-390-fr-offline.png"))

        page.unroute(re.compile(r".*/socket\.io/.*"))
        page.locator("[data-connection][data-status=online][data-pending='0']").wait_for(
            timeout=30_000)
        page.locator("[data-my-cards] li:not(.waiting)").filter(
            has_text="guichet unique").wait_for(timeout=10_000)
        assert "Connecté" in bar.inner_text()
    finally:
        context.close()


def test_after_an_outage_and_a_reload_the_phone_knows_its_cards(browser, live_server):
    """Offline, a card is sent; the page is reloaded before the connection is back; once
    it is back the card is on the wall as mine (edit, withdraw), the box is empty, and
    the wall's count matches what it lists."""
    workshop_id, code = live_server.sample("phone-reload@example.org", "phone-password",
                                           until="ideas")
    context = browser.new_context(**PHONE_390)
    block = re.compile(r".*/socket\.io/.*")
    try:
        page = join(context, live_server.url, code, "Claire", "fr")
        post(page, "Une base de données des compétences de la diaspora")
        page.locator("[data-my-cards] li:not(.waiting)").filter(has_text="base de données").wait_for(timeout=10_000)
        wall_matches_its_count(page)
        before = int(page.inner_text("[data-wall-count]"))

        context.route(block, lambda route: route.abort())
        page.evaluate("window.facilitatorClient.socket.io.engine.close()")
        text = "Des tournées auprès de la diaspora à Paris et Montréal"
        post(page, text)
        assert page.input_value("textarea[name=text]") == ""
        page.locator("[data-my-cards] li.waiting").filter(has_text="tournées").wait_for(
            timeout=5_000)

        page.reload()  # the page loads; the live connection still cannot
        page.locator("[data-connection][data-status=offline][data-pending='1']").wait_for(
            timeout=20_000)
        assert page.input_value("textarea[name=text]") == ""

        context.unroute(block)
        mine = page.locator("[data-my-cards] li:not(.waiting)").filter(has_text="tournées")
        mine.wait_for(timeout=30_000)
        assert mine.locator("button", has_text="Modifier").count() == 1
        assert mine.locator("button", has_text="Retirer").count() == 1
        assert page.locator("[data-my-cards] li.waiting").count() == 0
        assert page.locator("[data-phone-wall]").filter(has_text="tournées").count() == 0
        assert page.input_value("textarea[name=text]") == ""
        assert page.inner_text("[data-my-count]") == "2"
        assert int(page.inner_text("[data-wall-count]")) == before
        wall_matches_its_count(page)

        # and after another reload, from the snapshot alone
        page.reload()
        page.locator("[data-connection][data-status=online]").wait_for(timeout=20_000)
        page.locator("[data-my-cards] li").filter(has_text="tournées").locator(
            "button", has_text="Modifier").wait_for(timeout=10_000)
        assert page.inner_text("[data-my-count]") == "2"
        wall_matches_its_count(page)
        assert page.evaluate("window.cspViolations") == []
    finally:
        context.close()


def test_a_card_set_aside_or_merged_stays_under_my_cards(browser, live_server):
    """The facilitator hides one of Claire's cards and merges the other into someone
    else's: both stay under "My cards" saying what happened, and the merged card, of
    which she is now an author, is hers to edit."""
    from tests.clients import Live, sign_in

    email, password = "phone-aside@example.org", "phone-password"
    workshop_id, code = live_server.sample(email, password, until="ideas")
    context = browser.new_context(**PHONE_390)
    console = Live(live_server.url, sign_in(live_server.url, email, password), workshop_id,
                   "console").connect()
    try:
        page = join(context, live_server.url, code, "Claire", "fr")
        for text in ("Un fonds de garantie pour les projets de la diaspora",
                     "Un annuaire des experts de la diaspora"):
            post(page, text)
            page.locator("[data-my-cards] li:not(.waiting)").filter(has_text=text).wait_for(
                timeout=10_000)
        fund, directory = (int(page.locator("[data-my-cards] .idea-card").filter(
            has_text=key).get_attribute("data-idea")) for key in ("fonds", "annuaire"))
        other_id = int(page.locator("[data-phone-wall] .idea-card").first.get_attribute(
            "data-idea"))

        assert console.call("idea.hide", {"idea_id": fund})["ok"]
        aside = page.locator("[data-my-cards] li.set-aside").filter(has_text="fonds de garantie")
        aside.wait_for(timeout=10_000)
        assert "Mise de côté par l’animateur." in aside.inner_text()

        assert console.call("idea.merge", {"into_id": other_id, "idea_ids": [directory]})["ok"]
        merged = page.locator("[data-my-cards] li.set-aside").filter(has_text="annuaire")
        merged.wait_for(timeout=10_000)
        assert "Fusionnée avec une autre carte" in merged.inner_text()
        now_mine = page.locator("[data-my-cards] li:not(.set-aside)").filter(has_text="annuaire")
        now_mine.locator("button", has_text="Modifier").wait_for(timeout=10_000)
        assert page.locator("[data-phone-wall]").filter(has_text="annuaire").count() == 0
        assert page.inner_text("[data-my-count]") == str(
            page.locator("[data-my-cards] > li").count())
        wall_matches_its_count(page)
        page.screenshot(path=str(ARTIFACTS / "phone-390-fr-set-aside.png"), full_page=True)

        # the same after a reload, from the snapshot alone
        page.reload()
        page.locator("[data-my-cards] li.set-aside").nth(1).wait_for(timeout=20_000)
        page.locator("[data-my-cards] li:not(.set-aside)").filter(has_text="annuaire").locator(
            "button", has_text="Modifier").wait_for(timeout=10_000)
        wall_matches_its_count(page)
    finally:
        console.disconnect()
        context.close()

"""Step 3 in a real room (issue 9): phones in two working groups, one in French and one in
Arabic, write objectives, actors (with the offer of an actor the group already has under
another spelling) and actions; the console places everyone, moves someone by keyboard and
by drag and drop, and corrects an entry; the person whose text was replaced is told; the
rapporteur writes the synthesis; the projector shows the groups side by side, or one
alone, with nothing off the screen at 1920×1080 and 1280×720; axe finds no serious or
critical problem on the new screens.

Set FACILITATOR_SCREENSHOTS=docs/screenshots to refresh the gallery (docs/gallery.md)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.clients import Live, sign_in
from tests.support import ARTIFACTS, ROOT, open_room_screens
from tests.test_room_steps12_browser import OVERFLOW, axe_problems, join

pytestmark = [pytest.mark.live, pytest.mark.browser]
EMAIL, PASSWORD = "step3@example.org", "step3-password"
WAIT = 20_000
GALLERY = os.environ.get("FACILITATOR_SCREENSHOTS")
# the screens docs/gallery.md shows (every screen is kept in test-artifacts/)
IN_GALLERY = {"console-objectives", "console-actions_synthesis", "projector-1920-actors",
              "projector-1920-actions_synthesis", "projector-1280-actions_synthesis",
              "projector-1920-spotlight", "phone-fr-actors", "phone-ar-actions",
              "phone-fr-objectives_synthesis", "phone-ar-waiting"}
OBJECTIVES = {"fr": "Un guichet unique pour les investisseurs de la diaspora",
              "ar": "قاعدة بيانات لكفاءات المغتربين"}


def shoot(page, name: str, full_page: bool = False) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)
    if GALLERY and name in IN_GALLERY:
        page.screenshot(path=str(Path(ROOT, GALLERY) / f"{name}.png"), full_page=full_page)


def move_to(console, stage_key):
    console.click("[data-stage-next]")
    console.locator(f"[data-stage-list] li.current [data-stage={stage_key}]").wait_for(timeout=WAIT)


def check_screens(stage, console, projectors, phones):
    """Nothing off the projector, the console fits its screen, axe is content."""
    problems = []
    for page in projectors:
        size = page.viewport_size
        page.locator("[data-stage-title]").filter(has_text=console.inner_text("[data-stage-title]")).wait_for(
            timeout=WAIT)
        page.wait_for_timeout(300)  # let the columns fit themselves to the screen
        overflow = page.evaluate(OVERFLOW)
        if overflow:
            problems.append(f"projector {size['width']}×{size['height']} at {stage}: {overflow}")
        shoot(page, f"projector-{size['width']}-{stage}")
    if console.evaluate("() => document.documentElement.scrollHeight > window.innerHeight + 1"):
        problems.append(f"console at {stage}: the page scrolls")
    shoot(console, f"console-{stage}")
    for name, page in [("console", console), *[(f"projector-{p.viewport_size['width']}", p) for p in projectors],
                       *[(f"phone-{lang}", p) for lang, p in phones.items()]]:
        found = axe_problems(page)
        if found:
            problems.append(f"axe on {name} at {stage}: {found}")
    for lang, page in phones.items():
        shoot(page, f"phone-{lang}-{stage}", full_page=True)
    assert not problems, "\n".join(problems)


def add_entry(page, fields, text_in_list):
    """Fill the phone's entry form (name -> value; lists of labels are ticked) and send it."""
    form = page.locator("[data-g3-form]")
    for name, value in fields.items():
        control = form.locator(f"[name={name}]").first
        tag = control.evaluate("(n) => n.tagName.toLowerCase() + (n.type ? ':' + n.type : '')")
        if tag.startswith("select"):
            control.select_option(label=value)
        elif tag == "input:checkbox":
            for label in value:
                form.locator(f"fieldset label.pick").filter(has_text=label).locator("input").check()
        else:
            control.fill(value)
    form.locator("[data-g3-submit]").click()
    page.locator("[data-g3-entries]").filter(has_text=text_in_list).wait_for(timeout=WAIT)


def test_step3_two_groups_in_french_and_arabic(browser, live_server):
    workshop_id, code = live_server.sample(EMAIL, PASSWORD, "Group Lead", until="confirm")
    base = live_server.url
    laptop = browser.new_context(viewport={"width": 1440, "height": 900}, locale="en-GB")
    contexts = {lang: browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                          has_touch=True, device_scale_factor=2, locale=lang)
                for lang in ("fr", "ar")}
    lead = None
    try:
        console, projectors = open_room_screens(laptop, base, workshop_id, EMAIL, PASSWORD,
                                                timeout=WAIT)

        # entering Step 3 forms the groups; phones wait to be placed
        move_to(console, "objectives")
        console.locator("[data-c3-groups] > li.group").nth(2).wait_for(timeout=WAIT)
        phones = {"fr": join(contexts["fr"], base, code, "Claire", "fr"),
                  "ar": join(contexts["ar"], base, code, "رنا", "ar")}
        for page in phones.values():
            page.locator("[data-g3-nogroup]").wait_for(state="visible", timeout=WAIT)
            assert page.locator("[data-g3-mode-text]").inner_text().strip()
        shoot(phones["ar"], "phone-ar-waiting", full_page=True)

        # participants may choose: the French phone joins a group itself
        console.select_option("#c3-mode", "choose")
        console.click("[data-c3-settings] button[type=submit]")
        choice = phones["fr"].locator("[data-g3-choose] > li").first
        choice.locator("button").click()
        phones["fr"].locator("[data-g3-group]").wait_for(state="visible", timeout=WAIT)
        console.select_option("#c3-mode", "balanced")
        console.click("[data-c3-settings] button[type=submit]")
        phones["ar"].locator("[data-g3-mode-text]").filter(has_text="الميسّر").wait_for(timeout=WAIT)

        # the balanced proposal, applied: everyone is in a group
        console.click("[data-c3=propose]")
        console.locator("[data-c3-proposal]").wait_for(state="visible", timeout=WAIT)
        assert console.locator("[data-c3-proposal-list] > li").count() == 3
        console.click("[data-c3=proposal-apply]")
        console.locator("#group-none .hint").wait_for(timeout=WAIT)  # nobody left outside
        for page in phones.values():
            page.locator("[data-g3-group]").wait_for(state="visible", timeout=WAIT)

        # the Arabic phone goes to another group than the French one, by keyboard
        lead = Live(base, sign_in(base, EMAIL, PASSWORD), workshop_id, "console").connect()
        state = lead.call("sync", {"since": 0})["snapshot"]
        people = {p["name"]: p for p in state["participants"]["list"]}
        groups = [g for g in state["groups"]["list"] if not g["retired"]]
        fr_group = people["Claire"]["group_id"]
        other = next(g for g in groups if g["id"] not in (fr_group, people["رنا"]["group_id"]))
        console.select_option(f"#move-{people['رنا']['id']}", str(other["id"]))
        console.locator(f"#group-{other['id']} #person-{people['رنا']['id']}").wait_for(timeout=WAIT)
        phones["ar"].locator("[data-g3-title]").filter(has_text=other["title"]).wait_for(timeout=WAIT)
        # and a sample participant by drag and drop
        someone = next(p for p in state["participants"]["list"]
                       if p["group_id"] == fr_group and p["name"] != "Claire")
        source = console.locator(f"#person-{someone['id']} .person-name")
        source.scroll_into_view_if_needed()
        start, target = source.bounding_box(), console.locator(f"#chip-{other['id']}").bounding_box()
        console.mouse.move(start["x"] + 10, start["y"] + start["height"] / 2)
        console.mouse.down()
        console.mouse.move(target["x"] + 20, target["y"] + target["height"] / 2, steps=12)
        console.mouse.up()
        console.locator(f"#group-{other['id']} #person-{someone['id']}").wait_for(timeout=WAIT)

        # objectives, one from each phone; the console sees them on the right board
        for lang, page in phones.items():
            add_entry(page, {"text": OBJECTIVES[lang]}, OBJECTIVES[lang])
            assert page.locator("[data-g3-form] textarea[name=text]").input_value() == ""  # ready for the next
        console.locator(f"#board-{other['id']}").filter(has_text=OBJECTIVES["ar"]).wait_for(timeout=WAIT)
        console.locator(f"#board-{fr_group}").filter(has_text=OBJECTIVES["fr"]).wait_for(timeout=WAIT)
        assert OBJECTIVES["ar"] not in console.inner_text(f"#board-{fr_group}")

        # Claire edits her objective; a facilitator who had not seen it replaces it: she is told
        fr = phones["fr"]
        fr.locator("[data-g3-entries] [data-g3=edit]").first.click()
        fr.fill("[data-g3-form] textarea[name=text]", OBJECTIVES["fr"] + " et les entrepreneurs")
        fr.click("[data-g3-submit]")
        fr.locator("[data-g3-entries]").filter(has_text="et les entrepreneurs").wait_for(timeout=WAIT)
        objective = next(o for o in lead.call("sync", {"since": 0})["snapshot"]["groups"]["boards"][str(fr_group)][
            "objectives"] if "entrepreneurs" in o["text"])
        assert lead.call("objective.edit", {"op_id": "s3-overwrite-0001", "objective_id": objective["id"],
                                            "text": "Un guichet unique", "version": 1})["ok"]
        fr.locator("[data-g3-overwritten]").wait_for(state="visible", timeout=WAIT)
        assert "et les entrepreneurs" in fr.inner_text("[data-g3-overwritten-previous]")
        fr.click("[data-g3=dismiss-overwritten]")
        check_screens("objectives", console, projectors, phones)

        # the synthesis of objectives: Claire becomes the rapporteur, highlights, writes
        move_to(console, "objectives_synthesis")
        fr.locator("[data-g3-be-rapporteur]").click()
        fr.locator("[data-g3-synthesis-form]").wait_for(state="visible", timeout=WAIT)
        fr.locator("[data-g3-entries] [data-g3=highlight]").first.click()
        fr.locator("[data-g3-entries] .entry.highlighted").wait_for(timeout=WAIT)
        fr.fill("[data-g3-synthesis-form] textarea", "Un guichet unique, des démarches en ligne.")
        fr.click("[data-g3-synthesis-form] button[type=submit]")
        for page in projectors:
            column = page.locator(f"#p3-group-{fr_group}")
            column.locator(".group3-synthesis").filter(has_text="des démarches en ligne").wait_for(timeout=WAIT)
            column.locator(".entry.highlighted").wait_for(timeout=WAIT)
        check_screens("objectives_synthesis", console, projectors, phones)
        # one group alone on the projector while it reports
        console.click(f"#board-{fr_group} [data-c3=spotlight]")
        projectors[0].locator(f"#p3-group-{other['id']}").wait_for(state="detached", timeout=WAIT)
        assert projectors[0].locator(".group3").count() == 1
        for page in projectors:
            page.wait_for_timeout(300)
            assert not page.evaluate(OVERFLOW)
            shoot(page, f"projector-{page.viewport_size['width']}-spotlight")
        console.click(f"#board-{fr_group} [data-c3=spotlight]")
        projectors[0].locator(f"#p3-group-{other['id']}").wait_for(timeout=WAIT)

        # actors: the same name under another spelling is offered back
        move_to(console, "actors")
        add_entry(fr, {"name": "Ministère de l'Économie", "kind": "Organisme public",
                       "role": "Simplifie les démarches"}, "Ministère de l'Économie")
        form = fr.locator("[data-g3-form]")
        form.locator("[name=name]").fill("ministere de l'economie")
        form.locator("[data-g3-submit]").click()
        fr.locator("[data-g3-similar]").wait_for(state="visible", timeout=WAIT)
        fr.click("[data-g3=use-existing]")
        fr.locator("[data-g3-similar]").wait_for(state="hidden", timeout=WAIT)
        assert fr.locator("[data-g3-entries] > li.entry").count() == 1
        form.locator("[name=name]").fill("IDAL")
        form.locator("[data-g3-submit]").click()
        fr.locator("[data-g3-entries]").filter(has_text="IDAL").wait_for(timeout=WAIT)
        form.locator("[name=name]").fill("Ministere de l’economie")
        form.locator("[data-g3-submit]").click()
        fr.locator("[data-g3-similar]").wait_for(state="visible", timeout=WAIT)
        fr.click("[data-g3=add-anyway]")
        fr.locator("[data-g3-entries] > li.entry").nth(2).wait_for(timeout=WAIT)
        ar = phones["ar"]
        add_entry(ar, {"name": "غرفة التجارة والصناعة", "role": "تجمع الشركات"}, "غرفة التجارة والصناعة")
        add_entry(ar, {"name": "شبكة رجال الأعمال في المهجر"}, "شبكة رجال الأعمال في المهجر")
        # the facilitator corrects an entry from the console; the group's phones see it
        item = console.locator(f"#board-{other['id']} li.entry").filter(has_text="شبكة رجال الأعمال في المهجر")
        item.locator("[data-c3=edit]").click()
        edit = console.locator(f"#board-{other['id']} form[data-c3-edit]")
        edit.locator("[name=role]").fill("Relais dans les pays d’accueil")
        edit.locator("button[type=submit]").click()
        ar.locator("[data-g3-entries]").filter(has_text="Relais dans les pays d’accueil").wait_for(timeout=WAIT)
        check_screens("actors", console, projectors, phones)

        # actions, with the pickers: objectives served, lead, partners, a deadline
        move_to(console, "actors_synthesis")
        move_to(console, "actions")
        add_entry(fr, {"title": "Ouvrir un guichet pour les investisseurs",
                       "objective_ids": ["Un guichet unique"], "lead_actor_id": "IDAL",
                       "partner_ids": ["Ministère de l'Économie"], "deadline": "2015-12-15",
                       "expected_result": "150 investisseurs servis en un an",
                       "resources": "Deux conseillers"}, "Ouvrir un guichet")
        entry = fr.locator("[data-g3-entries] > li.entry").first
        assert "IDAL" in entry.inner_text() and "150 investisseurs" in entry.inner_text()
        # a partner forgotten at the actors' sub-step is added while listing the actions
        ar.click("[data-g3-context] summary")
        ar.fill("[data-g3-actor-form] input[name=name]", "وزارة الخارجية")
        ar.click("[data-g3-actor-form] button[type=submit]")
        ar.locator("[data-g3-form] fieldset label.pick").filter(has_text="وزارة الخارجية").wait_for(timeout=WAIT)
        add_entry(ar, {"title": "إطلاق قاعدة بيانات المغتربين", "objective_ids": [OBJECTIVES["ar"]],
                       "lead_actor_id": "غرفة التجارة والصناعة",
                       "partner_ids": ["شبكة رجال الأعمال في المهجر", "وزارة الخارجية"],
                       "deadline": "2015-12-31"},
                  "إطلاق قاعدة بيانات المغتربين")
        console.locator(f"#board-{other['id']}").filter(has_text="إطلاق قاعدة بيانات المغتربين").wait_for(timeout=WAIT)
        # other groups' boards can be read
        ar.select_option("[data-g3-other-select]", str(fr_group))
        ar.locator("[data-g3-other-board]").filter(has_text="Ouvrir un guichet").wait_for(timeout=WAIT)
        check_screens("actions", console, projectors, phones)
        move_to(console, "actions_synthesis")
        for page in projectors:
            page.locator(f"#p3-group-{other['id']}").filter(has_text="إطلاق قاعدة بيانات المغتربين").wait_for(
                timeout=WAIT)
        check_screens("actions_synthesis", console, projectors, phones)

        # the priorities change after all: nothing is deleted, the console warns
        now = lead.call("sync", {"since": 0})["snapshot"]
        assert lead.call("stage.change", {"op_id": "s3-back-to-confirm", "from_stage": "actions_synthesis",
                                          "to_stage": "confirm"})["ok"]
        kept = [g["theme_id"] for g in now["groups"]["list"] if g["id"] != other["id"]]
        spare = next(t["id"] for t in now["priorities"]["themes"] if t["id"] not in
                     [g["theme_id"] for g in now["groups"]["list"]])
        ack = lead.call("priorities.confirm", {"op_id": "s3-reconfirm", "theme_ids": [*kept, spare]})
        assert ack["ok"] and ack.get("warning")
        assert lead.call("stage.change", {"op_id": "s3-back-to-actions", "from_stage": "confirm",
                                          "to_stage": "actions"})["ok"]
        console.locator("[data-c3-retired]").filter(has_text=other["title"]).wait_for(timeout=WAIT)
        console.locator(f"#group-{other['id']}.retired").wait_for(timeout=WAIT)
        projectors[0].locator(f"#p3-group-{other['id']}").wait_for(state="detached", timeout=WAIT)
        assert not console.evaluate("() => document.documentElement.scrollWidth > window.innerWidth + 1")
        shoot(console, "console-retired")
    finally:
        if lead:
            lead.disconnect()
        laptop.close()
        for context in contexts.values():
            context.close()

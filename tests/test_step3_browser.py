"""Step 3 in a real room (issues 9 and 16): entering it places everyone in balanced groups,
which the projector lines up (names by group, with the mix of profiles) until the first
entry, and each phone shows its group and rapporteur at the top; phones in two working
groups, one in French and one in Arabic, write objectives, actors (with the offer of an
actor the group already has under another spelling) and actions, French names among
Arabic ones each isolated; the console moves someone by keyboard and by drag and drop,
and corrects an entry; the person whose text was replaced is told; a member volunteers as
rapporteur and hands over, the facilitator names the rapporteur back, who writes the
synthesis; the projector shows the groups side by side, or one alone (its console button
says so), with nothing off the screen at 1920×1080 and 1280×720; axe finds no serious or
critical problem on the new screens.

Set FACILITATOR_SCREENSHOTS=docs/screenshots to refresh the gallery (docs/gallery.md)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.clients import Live, sign_in
from tests.support import (ARTIFACTS, OVERFLOW, ROOT, axe_problems, open_room_screens,
                           phone_page)

pytestmark = [pytest.mark.live, pytest.mark.browser]
EMAIL, PASSWORD = "step3@example.org", "step3-password"
WAIT = 20_000
GALLERY = os.environ.get("FACILITATOR_SCREENSHOTS")
# the screens docs/gallery.md shows (every screen is kept in test-artifacts/)
IN_GALLERY = {"console-objectives", "console-actions_synthesis", "projector-1920-actors",
              "projector-1920-lineup", "projector-1280-lineup", "phone-ar-lineup", "phone-fr-lineup",
              "console-lineup", "console-confirm-groups",
              "projector-1920-actions_synthesis", "projector-1280-actions_synthesis",
              "projector-1920-spotlight", "phone-fr-actors", "phone-ar-actions",
              "phone-fr-objectives_synthesis"}
OBJECTIVES = {"fr": "Un guichet unique pour les investisseurs de la diaspora",
              "ar": "قاعدة بيانات لكفاءات المغتربين"}
FRENCH_PARTNER = "Ministère des Affaires étrangères"


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

        # the phones join while the priorities are confirmed; the console says what entering
        # Step 3 will do with the groups
        phones = {"fr": phone_page(contexts["fr"], base, code, "Claire", "fr"),
                  "ar": phone_page(contexts["ar"], base, code, "رنا", "ar")}
        console.locator("[data-c3-plan-hint]").filter(has_text="balanced groups").wait_for(timeout=WAIT)
        shoot(console, "console-confirm-groups")

        # entering Step 3 places everyone in balanced groups at once
        move_to(console, "objectives")
        console.locator("[data-c3-groups] > li.group").nth(2).wait_for(timeout=WAIT)
        console.locator("#group-none .hint").wait_for(timeout=WAIT)  # nobody left outside
        console.locator("[data-c3-start]").filter(has_text="balanced groups").wait_for(timeout=WAIT)
        for lang, page in phones.items():
            page.locator("[data-g3-group]").wait_for(state="visible", timeout=WAIT)
            # the group and its rapporteur first, above the room's priorities
            top = page.locator(".group-card").bounding_box()["y"]
            assert top < page.locator("[data-priorities]").bounding_box()["y"]
            assert page.locator("[data-g3-rapporteur]").inner_text().strip()
            assert page.locator("[data-g3-be-rapporteur]").is_visible()
        # the projector lines the groups up: names by group, with their profiles
        for page in projectors:
            lineup = page.locator("[data-p3-lineup]")
            lineup.wait_for(state="visible", timeout=WAIT)
            for name in ("Claire", "رنا"):
                lineup.locator(".lineup3-names li bdi").filter(has_text=name).wait_for(timeout=WAIT)
            assert page.locator(".lineup3-group").count() == 3
            assert all(page.locator(".lineup3-mix").nth(i).inner_text().strip() for i in range(3))
            assert page.locator("[data-p3-groups]").is_hidden()
        check_screens("lineup", console, projectors, phones)

        # participants may choose: the French phone changes group itself
        console.select_option("#c3-mode", "choose")
        console.click("[data-c3-settings=groups] button[type=submit]")
        fr_before = phones["fr"].inner_text("[data-g3-title]")
        change = phones["fr"].locator("[data-g3-change]")
        change.wait_for(state="visible", timeout=WAIT)
        change.locator("summary").click()
        change.locator("[data-g3-change-list] > li").first.locator("button").click()
        phones["fr"].locator("[data-g3-title]").filter(has_not_text=fr_before).wait_for(timeout=WAIT)
        console.select_option("#c3-mode", "balanced")
        console.click("[data-c3-settings=groups] button[type=submit]")
        change.wait_for(state="hidden", timeout=WAIT)

        # the balanced proposal, applied: everyone is in a group
        console.click("[data-c3=propose]")
        console.locator("[data-c3-proposal]").wait_for(state="visible", timeout=WAIT)
        assert console.locator("[data-c3-proposal-list] > li").count() == 3
        console.click("[data-c3=proposal-apply]")
        console.locator("[data-c3-proposal]").wait_for(state="hidden", timeout=WAIT)
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

        # objectives, one from each phone; the console sees them on the right board; the
        # first entry starts the work: the projector shows the boards instead of the line-up
        for lang, page in phones.items():
            add_entry(page, {"text": OBJECTIVES[lang]}, OBJECTIVES[lang])
            for projector in projectors:
                projector.locator("[data-p3-lineup]").wait_for(state="hidden", timeout=WAIT)
                projector.locator(".group3-entries").filter(has_text=OBJECTIVES[lang]).wait_for(timeout=WAIT)
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

        # the synthesis of objectives: Claire volunteers as rapporteur, hands over to another
        # member, and the facilitator names her again
        move_to(console, "objectives_synthesis")
        fr.locator("[data-g3-be-rapporteur]").click()
        fr.locator("[data-g3-synthesis-form]").wait_for(state="visible", timeout=WAIT)
        assert fr.locator("[data-g3-be-rapporteur]").is_hidden()
        members = lead.call("sync", {"since": 0})["snapshot"]["groups"]["list"]
        claire_id = people["Claire"]["id"]
        mate = next(pid for g in members if g["id"] == fr_group for pid in g["members"] if pid != claire_id)
        fr.select_option("[data-g3-handover-select]", str(mate))
        fr.click("[data-g3-handover] button[type=submit]")
        fr.locator("[data-g3-synthesis-form]").wait_for(state="hidden", timeout=WAIT)
        fr.locator("[data-g3-handover]").wait_for(state="hidden", timeout=WAIT)
        assert console.locator(f"#rapporteur-{fr_group}").input_value() == str(mate)
        console.select_option(f"#rapporteur-{fr_group}", str(claire_id))
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
        # one group alone on the projector while it reports; its console button says so
        console.click(f"#board-{fr_group} [data-c3=spotlight]")
        projectors[0].locator(f"#p3-group-{other['id']}").wait_for(state="detached", timeout=WAIT)
        assert projectors[0].locator(".group3").count() == 1
        on_air = console.locator(f"#board-{fr_group} .spotlight-control.on")
        on_air.wait_for(timeout=WAIT)
        assert on_air.locator("[data-c3=spotlight]").get_attribute("aria-pressed") == "true"
        assert on_air.locator("[data-c3=spotlight]").inner_text() == "Show all the groups"
        assert console.locator(".spotlight-control.on").count() == 1
        assert console.locator(f"#board-{other['id']} [data-c3=spotlight]").get_attribute("aria-pressed") == "false"
        for page in projectors:
            page.wait_for_timeout(300)
            assert not page.evaluate(OVERFLOW)
            shoot(page, f"projector-{page.viewport_size['width']}-spotlight")
        console.click(f"#board-{fr_group} [data-c3=spotlight]")
        projectors[0].locator(f"#p3-group-{other['id']}").wait_for(timeout=WAIT)
        console.locator(f"#board-{fr_group} .spotlight-control.on").wait_for(state="detached", timeout=WAIT)

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
        ar.fill("[data-g3-actor-form] input[name=name]", FRENCH_PARTNER)
        ar.click("[data-g3-actor-form] button[type=submit]")
        ar.locator("[data-g3-form] fieldset label.pick").filter(has_text=FRENCH_PARTNER).wait_for(timeout=WAIT)
        add_entry(ar, {"title": "إطلاق قاعدة بيانات المغتربين", "objective_ids": [OBJECTIVES["ar"]],
                       "lead_actor_id": "غرفة التجارة والصناعة",
                       "partner_ids": ["شبكة رجال الأعمال في المهجر", FRENCH_PARTNER],
                       "deadline": "2015-12-31"},
                  "إطلاق قاعدة بيانات المغتربين")
        console.locator(f"#board-{other['id']}").filter(has_text="إطلاق قاعدة بيانات المغتربين").wait_for(timeout=WAIT)
        # the French name among the Arabic partners is isolated, each name on its own
        for page, where in ((ar, "[data-g3-entries]"), (console, f"#board-{other['id']}")):
            partners = page.locator(f"{where} .entry-action .entry-detail").filter(has_text=FRENCH_PARTNER)
            assert partners.locator("bdi").all_inner_texts() == ["شبكة رجال الأعمال في المهجر", FRENCH_PARTNER]
        # French typography: a narrow no-break space before the colon of each label
        label = fr.locator("[data-g3-entries] .entry-label").first
        assert label.evaluate("(n) => getComputedStyle(n, '::after').content") == '"\u202f:"'
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

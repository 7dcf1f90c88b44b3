"""Drawings the server makes from what the room decided: the synergy map (the working
groups around, the shared actors, shared actions and synergies between them) and the
timeline of every action by deadline.

Each drawing is plain data read once from the database (`map_data`, `timeline_data`:
one query per table), laid out here (positions, labels measured with the app's own
fonts, wrapped on two or three lines and ellipsised, collisions avoided), then written
out one of two ways:

- `synergy_map_svg`, `timeline_svg`: one SVG with its text, for the live pages (console,
  projector) and any browser. Presentation attributes only (the live pages' CSP forbids
  inline styles), no script, no external reference.
- `synergy_map_pdf`, `timeline_pdf`: for WeasyPrint, which lays SVG text out letter by
  letter (Arabic comes out unjoined and left to right). The same drawing as an SVG of
  shapes only, with every label as HTML positioned over it, which WeasyPrint shapes and
  orders like any paragraph (and a reader can copy or search).

Every text a person typed is escaped. A label is right to left when its first strong
letter is Arabic, whatever the workshop's language (an Arabic workshop has Latin acronyms,
a French one may have an Arabic name); a right-to-left drawing is mirrored (the groups
go round the other way, time runs from right to left).
"""
from __future__ import annotations

import hashlib
import math
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from babel.dates import format_date
from flask_babel import get_locale, gettext as _, ngettext
from markupsafe import Markup, escape
from sqlalchemy import select

from .extensions import db
from .i18n import listed
from .models import Action, Actor, SharedAction, Synergy, Theme, WorkingGroup
from .text import text_direction

# --- what the drawings look like --------------------------------------------------------

INK = "#14213d"
INK_SOFT = "#4a5568"
ACCENT = "#0b6e4f"
ACCENT_INK = "#ffffff"
LINE = "#d9d9d0"
PAPER = "#f7f7f2"
TINT = "#eef1ec"  # a synergy's node: grey with a hint of the accent
SHADE = "#efefe8"  # every other month on the timeline
FONT_FAMILY = "'Noto Sans', 'Noto Sans Arabic', sans-serif"
LINE_HEIGHT = 1.25


# --- text: direction, measuring with the app's fonts, wrapping --------------------------



_FONT_FILES = {
    False: ("noto-sans-latin-400-normal.woff", "noto-sans-latin-ext-400-normal.woff",
            "noto-sans-arabic-arabic-400-normal.woff"),
    True: ("noto-sans-latin-700-normal.woff", "noto-sans-latin-ext-700-normal.woff",
           "noto-sans-arabic-arabic-700-normal.woff"),
}
# Arabic letters join: their medial and final forms are narrower than the isolated forms
# the character map gives (measured against Chromium's shaping of sample labels).
_JOINED = 0.78


@lru_cache(maxsize=8)
def _advances(bold: bool) -> dict[str, float]:
    """Each character's advance in em, from the first of the app's fonts that has it."""
    from fontTools.ttLib import TTFont

    from .assets import font_path

    widths: dict[str, float] = {}
    for name in reversed(_FONT_FILES[bold]):  # the first font that has a glyph wins
        path = font_path(name)
        if path is None:
            continue
        font = TTFont(str(path), lazy=True)
        per_em = font["head"].unitsPerEm
        metrics = font["hmtx"].metrics
        for code, glyph in font.getBestCmap().items():
            widths[chr(code)] = metrics[glyph][0] / per_em
    return widths


def text_width(text: str, size: float, bold: bool = False) -> float:
    """The width of one line of text at this font size, in the same unit."""
    try:
        widths = _advances(bold)
    except RuntimeError:  # outside the app (no fonts to read): a fair average
        widths = {}
    total = 0.0
    for char in text:
        advance = widths.get(char)
        if advance is None:
            advance = 0.0 if unicodedata.category(char) in ("Mn", "Cf") else 0.6
        if "\u0600" <= char <= "\u06ff":
            advance *= _JOINED
        total += advance
    return total * size


def ellipsis(text: str, width: float, size: float, bold: bool = False) -> str:
    """The text cut with "…" so that it fits the width (whole when it fits)."""
    text = text.strip()
    if text_width(text, size, bold) <= width:
        return text
    while text and text_width(text.rstrip(" ,.;:-–—") + "…", size, bold) > width:
        text = text[:-1]
    return text.rstrip(" ,.;:-–—") + "…"


def _pieces(word: str, width: float, size: float, bold: bool) -> list[str]:
    """A word longer than a line, cut into pieces that fit (a web address, a long name)."""
    pieces, current = [], ""
    for char in word:
        if current and text_width(current + char, size, bold) > width:
            pieces.append(current)
            current = ""
        current += char
    return [*pieces, current]


def wrap(text: str, width: float, size: float, lines: int = 3,
         bold: bool = False) -> list[str]:
    """At most `lines` lines no wider than `width`, words kept whole unless one is longer
    than a line; what does not fit ends the last line with "…"."""
    words = [piece for word in (text or "").split()
             for piece in _pieces(word, width, size, bold)]
    done: list[str] = []
    current = ""
    for index, word in enumerate(words):
        trial = f"{current} {word}" if current else word
        if not current or text_width(trial, size, bold) <= width:
            current = trial
            continue
        done.append(current)
        current = word
        if len(done) == lines:
            rest = done.pop() + " " + " ".join(words[index:])
            done.append(ellipsis(rest, width, size, bold))
            return done
    return [*done, current] if current else done


# --- a drawing: shapes and labels, written as SVG or as SVG plus HTML --------------------

@dataclass
class Label:
    """Lines of text around an anchor: x is where `align` (left, center, right: as seen)
    puts them, cy the middle of the block of lines."""

    x: float
    cy: float
    lines: list[str]
    size: float
    align: str = "center"
    box: float = 0.0  # the width the lines were fitted to
    bold: bool = False
    fill: str = INK

    @property
    def direction(self) -> str:
        return text_direction(" ".join(self.lines))

    @property
    def height(self) -> float:
        return len(self.lines) * self.size * LINE_HEIGHT


@dataclass
class Piece:
    """One thing drawn (a group, a synergy, an action, the legend): its shapes, its
    labels, and a tooltip with its whole text on the live pages."""

    shapes: list[str] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    tooltip: str = ""
    data: dict = field(default_factory=dict)  # data-* attributes: kind, id, deadline


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _attrs(**values) -> str:
    return "".join(f' {name.replace("_", "-")}="{escape(value)}"'
                   for name, value in values.items() if value is not None)


class Canvas:
    """Shapes and labels placed as if left to right, mirrored when the drawing is right
    to left (x becomes width - x; a label aligned left is aligned right)."""

    def __init__(self, width: float, height: float, rtl: bool):
        self.width, self.height, self.rtl = width, height, rtl
        self.pieces: list[Piece] = []

    def x(self, x: float) -> float:
        return self.width - x if self.rtl else x

    def piece(self, tooltip: str = "", **data) -> Piece:
        self.pieces.append(Piece(tooltip=tooltip, data=data))
        return self.pieces[-1]

    def rect(self, piece: Piece, x: float, y: float, w: float, h: float, **paint) -> None:
        left = self.width - x - w if self.rtl else x
        piece.shapes.append(f'<rect x="{_n(left)}" y="{_n(y)}" width="{_n(w)}" '
                            f'height="{_n(h)}"{_attrs(**paint)}/>')

    def circle(self, piece: Piece, cx: float, cy: float, r: float, **paint) -> None:
        piece.shapes.append(f'<circle cx="{_n(self.x(cx))}" cy="{_n(cy)}" r="{_n(r)}"'
                            f'{_attrs(**paint)}/>')

    def line(self, piece: Piece, x1: float, y1: float, x2: float, y2: float,
             **paint) -> None:
        piece.shapes.append(f'<line x1="{_n(self.x(x1))}" y1="{_n(y1)}" '
                            f'x2="{_n(self.x(x2))}" y2="{_n(y2)}"{_attrs(**paint)}/>')

    def polygon(self, piece: Piece, points: list[tuple[float, float]], **paint) -> None:
        listed = " ".join(f"{_n(self.x(x))},{_n(y)}" for x, y in points)
        piece.shapes.append(f'<polygon points="{listed}"{_attrs(**paint)}/>')

    def label(self, piece: Piece, x: float, cy: float, lines: list[str], size: float,
              align: str = "center", box: float = 0.0, bold: bool = False,
              fill: str = INK) -> Label:
        if self.rtl and align != "center":
            align = "right" if align == "left" else "left"
        box = box or max((text_width(line, size, bold) for line in lines), default=0)
        made = Label(self.x(x), cy, lines, size, align, box, bold, fill)
        piece.labels.append(made)
        return made


def _anchor(label: Label) -> str:
    if label.align == "center":
        return "middle"
    starts_left = label.direction == "ltr"
    return "start" if (label.align == "left") == starts_left else "end"


def _svg_text(label: Label) -> str:
    """A label as SVG text: one tspan a line, right to left when it is Arabic."""
    step = label.size * LINE_HEIGHT
    first = label.cy - label.height / 2 + step / 2 + label.size * 0.36
    spans = "".join(f'<tspan x="{_n(label.x)}" y="{_n(first + n * step)}">{escape(line)}'
                    "</tspan>" for n, line in enumerate(label.lines))
    return (f'<text font-family="{FONT_FAMILY}" font-size="{_n(label.size)}"'
            f'{_attrs(font_weight="700" if label.bold else None, fill=label.fill)}'
            f' text-anchor="{_anchor(label)}" direction="{label.direction}"'
            f' unicode-bidi="embed">{spans}</text>')


def _html_label(label: Label) -> str:
    """A label as HTML over the drawing (for WeasyPrint), each line kept on one line."""
    box = label.box * 1.08 + label.size  # the PDF's own shaping may be a little wider
    left = {"left": label.x, "center": label.x - box / 2, "right": label.x - box}[label.align]
    top = label.cy - label.height / 2
    style = (f"position: absolute; left: {_n(left)}px; top: {_n(top)}px; width: {_n(box)}px; "
             f"margin: 0; font-size: {_n(label.size)}px; line-height: "
             f"{_n(label.size * LINE_HEIGHT)}px; text-align: {label.align}; "
             f"color: {label.fill}; font-weight: {700 if label.bold else 400}; "
             "white-space: nowrap; font-family: 'Noto Sans', 'Noto Sans Arabic'")
    lines = "".join(f"<div>{escape(line)}</div>" for line in label.lines)
    return f'<div dir="{label.direction}" style="{style}">{lines}</div>'


def _svg_open(canvas: Canvas, title: str, desc: str, kind: str, text: bool) -> str:
    key = hashlib.sha1(f"{kind}{canvas.width}{canvas.height}{desc}".encode()).hexdigest()[:8]
    ids = f"{kind}-{key}"
    lang = str(get_locale() or "en")
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" '
            f'viewBox="0 0 {_n(canvas.width)} {_n(canvas.height)}" '
            f'width="{_n(canvas.width)}" height="{_n(canvas.height)}" '
            f'aria-labelledby="{ids}-title {ids}-desc" lang="{escape(lang)}" '
            f'direction="{"rtl" if canvas.rtl else "ltr"}" '
            f'font-family="{FONT_FAMILY}" data-drawing="{kind}">'
            f'<title id="{ids}-title">{escape(title)}</title>'
            f'<desc id="{ids}-desc">{escape(desc)}</desc>'
            if text else
            f'<svg xmlns="http://www.w3.org/2000/svg" aria-hidden="true" '
            f'viewBox="0 0 {_n(canvas.width)} {_n(canvas.height)}" '
            f'width="{_n(canvas.width)}" height="{_n(canvas.height)}">')


def _data(piece: Piece) -> str:
    return "".join(f' data-{name}="{escape(value)}"' for name, value in piece.data.items()
                   if value is not None)


def write_svg(canvas: Canvas, title: str, desc: str, kind: str) -> Markup:
    """The whole drawing as one SVG with its text."""
    out = [_svg_open(canvas, title, desc, kind, text=True)]
    for piece in canvas.pieces:
        tip = f"<title>{escape(piece.tooltip)}</title>" if piece.tooltip else ""
        texts = "".join(_svg_text(label) for label in piece.labels)
        out.append(f"<g{_data(piece)}>{tip}{''.join(piece.shapes)}{texts}</g>")
    out.append("</svg>")
    return Markup("".join(out))


def write_pdf(canvas: Canvas, title: str, kind: str) -> Markup:
    """The drawing for WeasyPrint: its shapes as SVG, its labels as HTML over them."""
    shapes = [_svg_open(canvas, title, "", kind, text=False)]
    shapes += [f"<g{_data(p)}>{''.join(p.shapes)}</g>" for p in canvas.pieces if p.shapes]
    shapes.append("</svg>")
    labels = "".join(_html_label(label) for piece in canvas.pieces for label in piece.labels)
    style = (f"position: relative; width: {_n(canvas.width)}px; "
             f"height: {_n(canvas.height)}px; break-inside: avoid; page-break-inside: avoid")
    return Markup(f'<div class="drawing drawing-{kind}" role="img" '
                  f'aria-label="{escape(title)}" data-drawing="{kind}" '
                  f'dir="{"rtl" if canvas.rtl else "ltr"}" style="{style}">'
                  f'{"".join(shapes)}{labels}</div>')



def _active_groups(workshop_id: int) -> list[tuple[WorkingGroup, Theme]]:
    """The groups the room works in (not retired), by number, with their priority: one
    query (as groups.groups_of, with the themes in hand)."""
    rows = db.session.execute(
        select(WorkingGroup, Theme).join(Theme, Theme.id == WorkingGroup.theme_id)
        .where(WorkingGroup.workshop_id == workshop_id,
               WorkingGroup.retired.is_(False))).all()
    return sorted(((g, t) for g, t in rows), key=lambda r: (r[1].confirmed_rank or 99, r[0].id))


# --- the synergy map --------------------------------------------------------------------

def map_data(workshop_id: int) -> dict:
    """What the synergy map shows, as plain data (one query per table):

    {"groups": [{"id", "number", "title", "theme_id"}],            active, by number
     "synergies": [{"id", "kind", "title", "group_ids", "actors"}],  accepted only;
                     group_ids: the active groups linked, by number; actors: the names
                     a shared actor is written under (other kinds: [])
     "shared_actions": [{"id", "title", "group_ids", "lead", "deadline", "synergy_id"}]}
                     group_ids: the active groups whose priority it serves (theme_ids);
                     deadline: ISO date or None
    """
    synergies = db.session.scalars(select(Synergy).where(
        Synergy.workshop_id == workshop_id, Synergy.status == "accepted")
        .order_by(Synergy.id)).all()
    actor_ids = {e["id"] for s in synergies if s.kind == "shared_actor"
                 for e in s.entries if e.get("kind") == "actor"}
    names = dict(db.session.execute(select(Actor.id, Actor.name).where(
        Actor.id.in_(actor_ids))).all()) if actor_ids else {}
    shared = db.session.scalars(select(SharedAction).where(
        SharedAction.workshop_id == workshop_id).order_by(SharedAction.id)).all()
    return map_from(_active_groups(workshop_id), synergies, names, shared)


def map_from(groups: list[tuple[WorkingGroup, Theme]], synergies: list[Synergy],
             names: dict[int, str], shared: list[SharedAction]) -> dict:
    """map_data from rows already read (plan.gather has them): the active groups with
    their priority, by number; the accepted synergies; actor names by id; the shared
    actions, by id."""
    number = {g.id: t.confirmed_rank or 0 for g, t in groups}
    by_theme = {g.theme_id: g.id for g, _t in groups}

    def ordered(ids) -> list[int]:
        return sorted({i for i in ids if i in number}, key=lambda i: (number[i], i))

    found = []
    for synergy in synergies:
        linked = ordered(synergy.group_ids)
        if not linked:
            continue  # it linked groups that are retired now
        actors = []
        if synergy.kind == "shared_actor":
            actors = list(dict.fromkeys(names[e["id"]] for e in synergy.entries
                                        if e.get("kind") == "actor" and e["id"] in names))
        found.append({"id": synergy.id, "kind": synergy.kind, "title": synergy.title,
                      "group_ids": linked, "actors": actors})
    return {
        "groups": [{"id": g.id, "number": number[g.id], "title": t.title,
                    "theme_id": g.theme_id} for g, t in groups],
        "synergies": found,
        "shared_actions": [{
            "id": a.id, "title": a.title, "lead": a.lead, "synergy_id": a.synergy_id,
            "deadline": a.deadline.isoformat() if a.deadline else None,
            "group_ids": ordered(by_theme[t] for t in a.theme_ids or [] if t in by_theme),
        } for a in shared],
    }


@dataclass
class _Node:
    """A box in the map's layout: its centre, its size, where it would like to be."""

    x: float
    y: float
    w: float
    h: float
    tx: float = 0.0
    ty: float = 0.0


@lru_cache(maxsize=16)
def _offsets(step: float, across: int, down: int) -> list[tuple[float, float]]:
    """Moves from a box's wished place, nearest first (moving down or up is cheaper: a
    box is wider than it is tall)."""
    moves = [(i * step, j * step) for i in range(-across, across + 1)
             for j in range(-down, down + 1)]
    return sorted(moves, key=lambda m: ((m[0] * 0.8) ** 2 + m[1] ** 2, m[1], m[0]))


MOST_TRIED = 3000  # places tried for one box before taking the least crowded of them


def _place(nodes: list[_Node], fixed: list[_Node], width: float, bottom: float,
           gap: float, step: float) -> None:
    """Each box, one after the other, at the nearest place to its wish where it meets no
    box already placed (the groups first), inside the drawing; where none is free
    (a very crowded map), at the place it overlaps least."""
    placed = [(n.x, n.y, n.w / 2 + gap / 2, n.h / 2 + gap / 2) for n in fixed]
    moves = _offsets(step, int(width / step), int(bottom / step))
    for node in nodes:
        half_w, half_h = node.w / 2 + gap / 2, node.h / 2 + gap / 2
        low_x, high_x = half_w + gap / 2, width - half_w - gap / 2
        low_y, high_y = half_h + gap / 2, bottom - half_h - gap / 2
        wish_x = min(max(node.tx, low_x), high_x)
        wish_y = min(max(node.ty, low_y), high_y)
        best, least, tried = (wish_x, wish_y), math.inf, 0
        for dx, dy in moves:
            x, y = wish_x + dx, wish_y + dy
            if not (low_x <= x <= high_x and low_y <= y <= high_y):
                continue
            crowded = 0.0
            for px, py, pw, ph in placed:
                ox = pw + half_w - abs(x - px)
                if ox > 0:
                    oy = ph + half_h - abs(y - py)
                    if oy > 0:
                        crowded += ox * oy
            if crowded < least:
                best, least = (x, y), crowded
                if not crowded:
                    break
            tried += 1
            if tried >= MOST_TRIED:
                break
        node.x, node.y = best
        placed.append((node.x, node.y, half_w, half_h))


def _place_groups(count: int, width: float, height: float, gw: float, gh: float,
                  top: float, bottom: float) -> list[tuple[float, float]]:
    """The groups' centres round an ellipse that fills the drawing: the first at the top
    (or top left), then clockwise (as if left to right: the canvas mirrors it); one
    group alone in the middle."""
    if count <= 1:
        return [(width / 2, (top + bottom) / 2)] * count
    start = -90.0 if count % 2 else -90.0 - 180.0 / count
    angles = [math.radians(start + i * 360.0 / count) for i in range(count)]
    xs = [round(math.cos(a), 6) for a in angles]
    ys = [round(math.sin(a), 6) for a in angles]
    left, right = gw / 2 + 12, width - gw / 2 - 12
    high, low = top + gh / 2, bottom - gh / 2

    def spread(value: float, values: list[float], a: float, b: float) -> float:
        if max(values) == min(values):
            return (a + b) / 2
        return a + (value - min(values)) / (max(values) - min(values)) * (b - a)

    return [(spread(x, xs, left, right), spread(y, ys, high, low)) for x, y in zip(xs, ys)]


def _map_desc(data: dict) -> str:
    number = {g["id"]: g["number"] for g in data["groups"]}

    def numbers(ids) -> str:
        return listed([number[i] for i in ids])

    parts = []
    if data["groups"]:
        parts.append(_("Priorities: %(list)s.", list="; ".join(
            f"{g['number']}. {g['title']}" for g in data["groups"])))
    for action in data["shared_actions"]:
        parts.append(_("Shared action “%(title)s”, serving priorities %(numbers)s.",
                       title=action["title"], numbers=numbers(action["group_ids"]))
                     if action["group_ids"] else
                     _("Shared action “%(title)s”.", title=action["title"]))
    for synergy in data["synergies"]:
        if synergy["kind"] == "shared_actor" and synergy["actors"]:
            parts.append(_("Shared actor %(names)s (“%(title)s”), linking priorities "
                           "%(numbers)s.", names=listed(synergy["actors"]),
                           title=synergy["title"], numbers=numbers(synergy["group_ids"])))
        else:
            parts.append(_("Synergy “%(title)s”, linking priorities %(numbers)s.",
                           title=synergy["title"], numbers=numbers(synergy["group_ids"])))
    if not data["synergies"] and not data["shared_actions"]:
        parts.append(_("No synergy agreed yet."))
    return " ".join(parts)


def _map_canvas(data: dict, rtl: bool, width: float, height: float) -> Canvas:
    s = width / 1600  # sizes are designed for 1600 wide and scale with the drawing
    canvas = Canvas(width, height, rtl)
    groups = data["groups"]
    size_group, size_node, size_small = 23 * s, 19 * s, 16 * s
    pad, gap = 14 * s, 16 * s
    legend_h = 34 * s
    bottom = height - legend_h - 6 * s

    # the groups' boxes: a number on top, the priority's title inside
    gw = (300 if len(groups) <= 5 else 230) * s
    titles = [wrap(g["title"], gw - 2 * pad, size_group, 3, bold=True) for g in groups]
    gh = max([len(t) for t in titles] + [1]) * size_group * LINE_HEIGHT + 2 * pad + 18 * s
    centres = _place_groups(len(groups), width, height, gw, gh, 26 * s, bottom)
    where = {g["id"]: c for g, c in zip(groups, centres)}

    # the nodes between them, each sized by its label
    nodes_spec = []  # (kind, item, blocks, node)
    box = 210 * s
    for action in data["shared_actions"]:
        blocks = [(wrap(action["title"], box, size_node, 3, bold=True), size_node, True,
                   ACCENT_INK)]
        if action["lead"]:
            blocks.append((wrap(action["lead"], box, size_small, 1), size_small, False,
                           ACCENT_INK))
        nodes_spec.append(("shared_action", action, blocks))
    for synergy in data["synergies"]:
        if synergy["kind"] == "shared_actor" and synergy["actors"]:
            name = synergy["actors"][0]
            blocks = [(wrap(name, box, size_node, 2, bold=True), size_node, True, INK)]
            if synergy["title"] and synergy["title"].casefold() != name.casefold():
                blocks.append((wrap(synergy["title"], box, size_small, 2), size_small,
                               False, INK_SOFT))
            nodes_spec.append(("shared_actor", synergy, blocks))
        else:
            blocks = [(wrap(synergy["title"], box, size_node, 3), size_node, False, INK)]
            nodes_spec.append(("synergy", synergy, blocks))

    fixed = [_Node(x, y, gw, gh) for x, y in centres]
    nodes = []
    cx, cy = width / 2, (26 * s + bottom) / 2
    for k, (kind, item, blocks) in enumerate(nodes_spec):
        inner = max(text_width(line, size, bold) for lines, size, bold, _f in blocks
                    for line in lines) if any(b[0] for b in blocks) else 40 * s
        w = max(inner + 2 * pad, 60 * s)
        h = sum(len(lines) * size * LINE_HEIGHT for lines, size, _b, _f in blocks) + 2 * pad
        linked = [where[g] for g in item["group_ids"] if g in where]
        tx, ty = cx, cy
        if linked:
            # between the groups it links, drawn a little into the middle: one group,
            # beside it; two, their midpoint; more, nearer the middle of the drawing
            mx = sum(p[0] for p in linked) / len(linked)
            my = sum(p[1] for p in linked) / len(linked)
            pull = {1: 0.45, 2: 0.25}.get(len(linked), 0.5)
            tx, ty = mx + (cx - mx) * pull, my + (cy - my) * pull
        node = _Node(tx, ty, w, h, tx=tx, ty=ty)
        nodes.append(node)
    # the nodes linking more groups (nearer the middle) are placed first
    order = sorted(range(len(nodes)), key=lambda k: (-len(nodes_spec[k][1]["group_ids"]),
                                                     nodes_spec[k][0] != "shared_action", k))
    _place([nodes[k] for k in order], fixed, width, bottom, gap, 12 * s)

    # the links first, under everything
    links = canvas.piece()
    for (kind, item, _blocks), node in zip(nodes_spec, nodes):
        paint = {"shared_action": dict(stroke=ACCENT, stroke_width=_n(3.5 * s)),
                 "shared_actor": dict(stroke=INK_SOFT, stroke_width=_n(2.5 * s)),
                 "synergy": dict(stroke=INK_SOFT, stroke_width=_n(2 * s),
                                 stroke_dasharray=f"{_n(8 * s)} {_n(6 * s)}")}[kind]
        for group_id in item["group_ids"]:
            if group_id in where:
                gx, gy = where[group_id]
                canvas.line(links, node.x, node.y, gx, gy, stroke_linecap="round", **paint)

    for group, (x, y), lines in zip(groups, centres, titles):
        piece = canvas.piece(f"{group['number']}. {group['title']}", kind="group",
                             id=group["id"])
        canvas.rect(piece, x - gw / 2, y - gh / 2, gw, gh, rx=_n(12 * s), fill="#ffffff",
                    stroke=INK, stroke_width=_n(3 * s))
        canvas.circle(piece, x, y - gh / 2, 21 * s, fill=INK)
        canvas.label(piece, x, y - gh / 2, [str(group["number"])], 22 * s, bold=True,
                     fill="#ffffff")
        canvas.label(piece, x, y + 9 * s, lines, size_group, box=gw - 2 * pad, bold=True)

    for (kind, item, blocks), node in zip(nodes_spec, nodes):
        piece = canvas.piece(item["title"] if kind != "shared_actor" else
                             f"{', '.join(item['actors'])}: {item['title']}",
                             kind=kind if kind != "synergy" else item["kind"], id=item["id"])
        left, top = node.x - node.w / 2, node.y - node.h / 2
        if kind == "shared_action":
            canvas.rect(piece, left, top, node.w, node.h, rx=_n(8 * s), fill=ACCENT)
        elif kind == "shared_actor":
            canvas.rect(piece, left, top, node.w, node.h, rx=_n(min(node.h / 2, 30 * s)),
                        fill="#ffffff", stroke=ACCENT, stroke_width=_n(2.5 * s))
        else:
            canvas.rect(piece, left, top, node.w, node.h, rx=_n(4 * s), fill=TINT,
                        stroke=INK_SOFT, stroke_width=_n(1.5 * s),
                        stroke_dasharray=f"{_n(8 * s)} {_n(6 * s)}")
        y = top + pad
        for lines, size, bold, fill in blocks:
            block = len(lines) * size * LINE_HEIGHT
            canvas.label(piece, node.x, y + block / 2, lines, size, bold=bold, fill=fill,
                         box=node.w - 2 * pad)
            y += block

    if not data["synergies"] and not data["shared_actions"]:
        piece = canvas.piece(kind="empty")
        message = _("No synergy agreed yet.")
        size = 30 * s
        lines = wrap(message, width * 0.6, size, 2)
        w = max(text_width(line, size) for line in lines) + 60 * s
        h = len(lines) * size * LINE_HEIGHT + 40 * s
        my = (bottom + centres[0][1] + gh / 2) / 2 if len(groups) == 1 else cy
        canvas.rect(piece, width / 2 - w / 2, my - h / 2, w, h, rx=_n(10 * s), fill=PAPER,
                    stroke=LINE, stroke_width=_n(2 * s))
        canvas.label(piece, width / 2, my, lines, size, fill=INK_SOFT)
    else:
        _map_legend(canvas, nodes_spec, s, height - legend_h / 2 - 4 * s)
    return canvas


def _map_legend(canvas: Canvas, nodes_spec: list, s: float, y: float) -> None:
    kinds = {kind for kind, _item, _blocks in nodes_spec}
    entries = [(kind, text) for kind, text in (
        ("shared_action", _("Shared action")), ("shared_actor", _("Shared actor")),
        ("synergy", _("Synergy"))) if kind in kinds]
    piece = canvas.piece(kind="legend")
    x, size = 16 * s, 16 * s
    for kind, text in entries:
        if kind == "shared_action":
            canvas.rect(piece, x, y - 9 * s, 30 * s, 18 * s, rx=_n(4 * s), fill=ACCENT)
        elif kind == "shared_actor":
            canvas.rect(piece, x, y - 9 * s, 30 * s, 18 * s, rx=_n(9 * s), fill="#ffffff",
                        stroke=ACCENT, stroke_width=_n(2 * s))
        else:
            canvas.rect(piece, x, y - 9 * s, 30 * s, 18 * s, rx=_n(3 * s), fill=TINT,
                        stroke=INK_SOFT, stroke_width=_n(1.5 * s),
                        stroke_dasharray=f"{_n(5 * s)} {_n(3 * s)}")
        canvas.label(piece, x + 40 * s, y, [text], size, align="left", fill=INK_SOFT)
        x += 40 * s + text_width(text, size) + 34 * s


def synergy_map_svg(data: dict, *, rtl: bool, width: float = 1600,
                    height: float = 900) -> Markup:
    """The synergy map as one SVG with its text, for the live pages and browsers."""
    canvas = _map_canvas(data, rtl, width, height)
    return write_svg(canvas, _("Synergy map"), _map_desc(data), "synergy-map")


def synergy_map_pdf(data: dict, *, rtl: bool, width: float = 960,
                    height: float = 540) -> Markup:
    """The synergy map for WeasyPrint: a block `width` × `height` CSS px (960 × 540 fits
    an A4 landscape page inside 20 mm margins), its labels as HTML over an SVG."""
    canvas = _map_canvas(data, rtl, width, height)
    return write_pdf(canvas, _("Synergy map"), "synergy-map")


# --- the timeline ---------------------------------------------------------------------

def _month(day: date, add: int = 0) -> date:
    months = day.year * 12 + day.month - 1 + add
    return date(months // 12, months % 12 + 1, 1)


MIN_MONTHS = 3


def timeline_data(workshop_id: int) -> dict:
    """Every action of the active groups and every shared action, by deadline, as plain
    data (one query per table):

    {"rows": [{"kind": "priority", "group_id", "number", "title", "items": [...]},
              ...one per active group, by number...,
              {"kind": "shared", "group_id": None, "number": None, "title": "",
               "items": [...]}],
     "items" are {"kind": "action" | "shared_action", "id", "title", "deadline"} with an
     ISO deadline, by date;
     "months": ["2015-11-01", ...]  first days, from the earliest deadline's month to the
               latest's, at least three ([] when no action has a deadline);
     "undated": how many of those actions have no deadline}
    """
    groups = _active_groups(workshop_id)
    active = {g.id for g, _t in groups}
    actions = [a for a in db.session.scalars(select(Action).where(
        Action.workshop_id == workshop_id).order_by(Action.id)) if a.group_id in active]
    shared = db.session.scalars(select(SharedAction).where(
        SharedAction.workshop_id == workshop_id).order_by(SharedAction.id)).all()
    return timeline_from(groups, actions, shared)


def timeline_from(groups: list[tuple[WorkingGroup, Theme]], actions: list[Action],
                  shared: list[SharedAction]) -> dict:
    """timeline_data from rows already read: the active groups with their priority, by
    number; their actions and the shared actions, by id."""

    def items(rows, kind: str) -> list[dict]:
        dated = sorted((r for r in rows if r.deadline), key=lambda r: (r.deadline, r.id))
        return [{"kind": kind, "id": r.id, "title": r.title,
                 "deadline": r.deadline.isoformat()} for r in dated]

    rows = [{"kind": "priority", "group_id": g.id, "number": t.confirmed_rank,
             "title": t.title,
             "items": items([a for a in actions if a.group_id == g.id], "action")}
            for g, t in groups]
    rows.append({"kind": "shared", "group_id": None, "number": None, "title": "",
                 "items": items(shared, "shared_action")})
    deadlines = [r.deadline for r in [*actions, *shared] if r.deadline]
    months = []
    if deadlines:
        first, last = _month(min(deadlines)), _month(max(deadlines))
        count = max((last.year - first.year) * 12 + last.month - first.month + 1,
                    MIN_MONTHS)
        months = [_month(first, n).isoformat() for n in range(count)]
    return {"rows": rows, "months": months,
            "undated": sum(1 for r in [*actions, *shared] if not r.deadline)}


def _timeline_desc(data: dict, locale: str) -> str:
    dated = sum(len(r["items"]) for r in data["rows"])
    parts = []
    if data["months"]:
        first = date.fromisoformat(data["months"][0])
        last = date.fromisoformat(data["months"][-1])
        parts.append(ngettext(
            "%(num)d action by deadline, from %(first)s to %(last)s, one row per priority "
            "and one for the shared plan.",
            "%(num)d actions by deadline, from %(first)s to %(last)s, one row per priority "
            "and one for the shared plan.", dated,
            first=format_date(first, "MMMM yyyy", locale=locale),
            last=format_date(last, "MMMM yyyy", locale=locale)))
        for row in data["rows"]:
            if row["items"]:
                parts.append(f"{_row_title(row)}: " + "; ".join(
                    f"{i['title']} ({_day(i['deadline'], locale)})" for i in row["items"]) + ".")
    else:
        parts.append(_("No action has a deadline yet."))
    if data["undated"]:
        parts.append(_undated(data["undated"]))
    return " ".join(parts)


def _day(iso_date: str, locale: str) -> str:
    return format_date(date.fromisoformat(iso_date), "medium", locale=locale)


def _undated(count: int) -> str:
    return ngettext("%(num)d action has no deadline.", "%(num)d actions have no deadline.",
                    count)


def _row_title(row: dict) -> str:
    return _("Shared plan") if row["kind"] == "shared" else f"{row['number']}. {row['title']}"


def _timeline_canvas(data: dict, locale: str, rtl: bool, width: float,
                     height: float | None) -> Canvas:
    s = width / 1000  # sizes are designed for 1000 wide and scale with the drawing
    size_month, size_row, size_item, size_note = 12.5 * s, 12.5 * s, 11 * s, 12 * s
    marker, gap = 5.5 * s, 7 * s
    notes = [_undated(data["undated"])] if data["undated"] else []
    months = [date.fromisoformat(m) for m in data["months"]]
    if not months:  # nothing to put on a time axis: say so
        message = _("No action has a deadline yet.")
        lines = [message, *notes]
        canvas = Canvas(width, max(len(lines) * size_note * 1.6 * LINE_HEIGHT + 40 * s,
                                   height or 0), rtl)
        piece = canvas.piece(kind="empty")
        canvas.rect(piece, 1, 1, width - 2, canvas.height - 2, rx=_n(8 * s), fill=PAPER,
                    stroke=LINE, stroke_width=_n(1.5 * s))
        canvas.label(piece, width / 2, canvas.height / 2, lines, size_note * 1.6,
                     fill=INK_SOFT)
        return canvas

    label_col = 200 * s
    x0, x1 = label_col + 16 * s, width - 14 * s
    header, lane, row_pad = 34 * s, 22 * s, 9 * s
    start, end = months[0], _month(months[-1], 1)

    def at(day: date) -> float:
        return x0 + (day - start).days / (end - start).days * (x1 - x0)

    # each row: its title, then its items packed into lanes so that no two labels meet
    # (a label goes after its marker, or before it near the end of the axis)
    laid = []
    for row in data["rows"]:
        name = _("Shared plan") if row["kind"] == "shared" else row["title"]
        title = wrap(name, label_col - 40 * s, size_row, 2, bold=True)
        lanes: list[list[tuple[float, float]]] = []
        placed = []
        for item in row["items"]:
            x = at(date.fromisoformat(item["deadline"]))
            text = ellipsis(item["title"], 190 * s, size_item)
            w = text_width(text, size_item)
            after = x + marker + gap + w <= x1
            extent = (x - marker, x + marker + gap + w) if after else \
                (x - marker - gap - w, x + marker)
            for number, taken in enumerate(lanes):
                if all(extent[0] > b + 8 * s or extent[1] < a - 8 * s for a, b in taken):
                    taken.append(extent)
                    break
            else:
                lanes.append([extent])
                number = len(lanes) - 1
            placed.append((item, x, text, after, number))
        row_h = max(max(len(lanes), 1) * lane, len(title) * size_row * LINE_HEIGHT) \
            + 2 * row_pad
        laid.append((row, title, placed, row_h))
    body_top = header
    body_bottom = header + sum(r[3] for r in laid)
    canvas = Canvas(width, max(body_bottom + (58 if notes else 36) * s, height or 0), rtl)

    # the months: names across the top, every other one shaded, lines between them
    grid = canvas.piece(kind="months")
    names = [format_date(m, "MMM yyyy", locale=locale) for m in months]
    month_w = (x1 - x0) / len(months)
    every = max(1, math.ceil((max(text_width(n, size_month) for n in names) + 10 * s)
                             / month_w))
    for n, (month, name) in enumerate(zip(months, names)):
        left, right = at(month), at(_month(month, 1))
        if n % 2:
            canvas.rect(grid, left, body_top, right - left, body_bottom - body_top,
                        fill=SHADE)
        canvas.line(grid, left, body_top - 6 * s, left, body_bottom, stroke=LINE,
                    stroke_width=_n(s))
        if n % every == 0:
            canvas.label(grid, (left + right) / 2 if every == 1 else left + 4 * s,
                         header / 2, [name], size_month,
                         align="center" if every == 1 else "left", fill=INK_SOFT)
    canvas.line(grid, x1, body_top - 6 * s, x1, body_bottom, stroke=LINE, stroke_width=_n(s))

    # the rows
    y = body_top
    for row, title, placed, row_h in laid:
        piece = canvas.piece(_row_title(row), kind=f"row-{row['kind']}", id=row["group_id"])
        canvas.line(piece, 0, y, width, y, stroke=LINE, stroke_width=_n(s))
        top = y + row_pad
        middle = top + size_row * LINE_HEIGHT / 2
        if row["kind"] == "priority":
            canvas.circle(piece, 17 * s, middle, 11 * s, fill=INK)
            canvas.label(piece, 17 * s, middle, [str(row["number"])], 12 * s, bold=True,
                         fill="#ffffff")
        else:
            canvas.polygon(piece, _diamond(17 * s, middle, 10 * s), fill=ACCENT)
        canvas.label(piece, 36 * s, top + len(title) * size_row * LINE_HEIGHT / 2, title,
                     size_row, align="left", box=label_col - 40 * s, bold=True)
        for item, x, text, after, number in placed:
            cy = top + number * lane + lane / 2
            dot = canvas.piece(f"{item['title']} ({_day(item['deadline'], locale)})",
                               kind=item["kind"], id=item["id"],
                               deadline=item["deadline"])
            if item["kind"] == "shared_action":
                canvas.polygon(dot, _diamond(x, cy, marker * 1.35), fill=ACCENT)
            else:
                canvas.circle(dot, x, cy, marker, fill=INK)
            canvas.label(dot, x + (marker + gap) * (1 if after else -1), cy, [text],
                         size_item, align="left" if after else "right")
        y += row_h
    canvas.line(canvas.piece(), 0, y, width, y, stroke=LINE, stroke_width=_n(s))

    # the legend, and what is not on the axis
    foot = canvas.piece(kind="legend")
    x, legend_y = 6 * s, y + 20 * s
    for kind, text in (("action", _("Action of a priority")),
                       ("shared_action", _("Shared action"))):
        if kind == "action":
            canvas.circle(foot, x + marker, legend_y, marker, fill=INK)
        else:
            canvas.polygon(foot, _diamond(x + marker, legend_y, marker * 1.35), fill=ACCENT)
        canvas.label(foot, x + 2 * marker + gap, legend_y, [text], size_note, align="left",
                     fill=INK_SOFT)
        x += 2 * marker + gap + text_width(text, size_note) + 24 * s
    if notes:
        canvas.label(foot, 6 * s, legend_y + 24 * s, notes, size_note, align="left")
    return canvas


def _diamond(x: float, y: float, r: float) -> list[tuple[float, float]]:
    return [(x, y - r), (x + r, y), (x, y + r), (x - r, y)]


def timeline_svg(data: dict, *, locale: str, rtl: bool, width: float = 960,
                 height: float | None = None) -> Markup:
    """The timeline as one SVG with its text (browsers). As tall as its rows need, or
    `height` if that is more."""
    canvas = _timeline_canvas(data, locale, rtl, width, height)
    return write_svg(canvas, _("Timeline of the actions"), _timeline_desc(data, locale),
                     "timeline")


def timeline_pdf(data: dict, *, locale: str, rtl: bool, width: float = 960,
                 height: float | None = None) -> Markup:
    """The timeline for WeasyPrint: its labels as HTML over an SVG of its shapes."""
    canvas = _timeline_canvas(data, locale, rtl, width, height)
    return write_pdf(canvas, _("Timeline of the actions"), "timeline")

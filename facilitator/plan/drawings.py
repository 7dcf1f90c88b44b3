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
import json
import math
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from itertools import combinations

from babel.dates import format_date
from flask_babel import get_locale, gettext as _, ngettext
from markupsafe import Markup, escape
from sqlalchemy import select

from ..assets import font_path
from ..extensions import db
from ..i18n import listed
from ..models import Action, Actor, SharedAction, Synergy, Theme, WorkingGroup
from ..steps.synergies import _care, _spelling_key, one_spelling, spelled
from ..text import text_direction

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
# the character map gives (measured against Chromium's and Pango's shaping of sample
# labels: a little wide rather than narrow, so that a label measured to fit does fit).
_JOINED = 0.82


@lru_cache(maxsize=8)
def _advances(bold: bool) -> dict[str, float]:
    """Each character's advance in em, from the first of the app's fonts that has it."""
    from fontTools.ttLib import TTFont

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
        if advance is None and char == "\u202f":  # shaped as half a space (HarfBuzz)
            advance = widths.get(" ", 0.26) / 2
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


_BREAKS = re.compile(r"[ \t\r\n\u2000-\u200a\u3000]+")  # not the no-break spaces


def _words(text: str | None) -> list[str]:
    """The words a line may break between: a no-break space (U+00A0, or the narrow one
    French puts before : ; ! ?) holds its neighbours together."""
    return [word for word in _BREAKS.split(text or "") if word]


def wrap(text: str, width: float, size: float, lines: int = 3,
         bold: bool = False) -> list[str]:
    """At most `lines` lines no wider than `width`, words kept whole unless one is longer
    than a line; what does not fit ends the last line with "…"."""
    words = [piece for word in _words(text) for piece in _pieces(word, width, size, bold)]
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


def wrap_all(text: str, width: float, size: float, bold: bool = False) -> list[str]:
    """Every word of the text, on as many lines no wider than `width` as it takes."""
    return wrap(text, width, size, lines=1_000_000, bold=bold)


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
    box: tuple[float, float, float, float] | None = None  # its frame, as drawn: x, y, w, h


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

    def frame(self, piece: Piece, box, **paint) -> None:
        """The piece's own box (a group, a node), kept on the piece as drawn."""
        left = self.width - box.x - box.w / 2 if self.rtl else box.x - box.w / 2
        piece.box = (left, box.y - box.h / 2, box.w, box.h)
        self.rect(piece, box.x - box.w / 2, box.y - box.h / 2, box.w, box.h, **paint)

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


def write_pdf(canvas: Canvas, title: str, kind: str,
              fit: tuple[float, float] | None = None) -> Markup:
    """The drawing for WeasyPrint: its shapes as SVG, its labels as HTML over them;
    scaled down whole (shapes and labels alike) when it is taller than `fit` allows."""
    shapes = [_svg_open(canvas, title, "", kind, text=False)]
    shapes += [f"<g{_data(p)}>{''.join(p.shapes)}</g>" for p in canvas.pieces if p.shapes]
    shapes.append("</svg>")
    labels = "".join(_html_label(label) for piece in canvas.pieces for label in piece.labels)
    style = (f"position: relative; width: {_n(canvas.width)}px; "
             f"height: {_n(canvas.height)}px; break-inside: avoid; page-break-inside: avoid")
    drawing = (f'<div class="drawing drawing-{kind}" role="img" '
               f'aria-label="{escape(title)}" data-drawing="{kind}" '
               f'dir="{"rtl" if canvas.rtl else "ltr"}" style="{{style}}">'
               f'{"".join(shapes)}{labels}</div>')
    if fit is None or canvas.height <= fit[1] + 0.5:
        return Markup(drawing.replace("{style}", style))
    scale = fit[1] / canvas.height
    inner = f"{style}; transform: scale({scale:.4f}); transform-origin: 50% 0"
    return Markup(f'<div class="drawing-fit" style="position: relative; width: '
                  f'{_n(canvas.width)}px; height: {_n(fit[1])}px; break-inside: avoid">'
                  f'{drawing.replace("{style}", inner)}</div>')


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
     "shared_actions": [{"id", "number", "title", "group_ids", "lead", "deadline",
                         "synergy_id"}]}
                     number: "S1"… as the plan numbers them; group_ids: the active
                     groups whose priority it serves (theme_ids); deadline: ISO or None
    A recognised actor written several ways is named one way (one_name).
    """
    groups = _active_groups(workshop_id)
    active = {g.id for g, _t in groups}
    synergies = db.session.scalars(select(Synergy).where(
        Synergy.workshop_id == workshop_id, Synergy.status == "accepted")
        .order_by(Synergy.id)).all()
    actors = db.session.execute(select(Actor.id, Actor.name, Actor.group_id).where(
        Actor.workshop_id == workshop_id).order_by(Actor.id)).all()
    chosen = one_name([(i, name) for i, name, group in actors if group in active], synergies)
    shared = db.session.scalars(select(SharedAction).where(
        SharedAction.workshop_id == workshop_id).order_by(SharedAction.id)).all()
    return map_from(groups, synergies, {i: spelled(chosen, name) for i, name, _g in actors},
                    shared, chosen)


def one_name(actors: list[tuple[int, str]], synergies: list[Synergy]) -> dict[str, str]:
    """The one name the plan and the map print for each actor, by its spelling's key
    (synergies.spelled reads it): one_spelling's, and one name for the spellings the
    facilitators recognised as one organisation by accepting a shared actor at Step 4
    (an acronym and its full name, "CCIA-BML" and "Chamber of Commerce … (CCIA-BML)"):
    the synergy's title when it is one of them (the facilitators' pick), else the most
    used of them on the boards (a tie: the most carefully typed, then the first).
    actors: (id, name) of the actors on the groups' boards."""
    names = dict(actors)
    chosen = one_spelling(list(names.values()))
    used: dict[str, int] = {}
    for name in names.values():
        used[_spelling_key(name)] = used.get(_spelling_key(name), 0) + 1
    for synergy in synergies:
        if synergy.kind != "shared_actor" or synergy.status != "accepted":
            continue
        linked = list(dict.fromkeys(
            _spelling_key(names[e["id"]]) for e in synergy.entries or []
            if e.get("kind") == "actor" and e.get("id") in names))
        linked = [key for key in linked if key in chosen]
        if len(linked) < 2:
            continue
        title = (synergy.title or "").strip()
        if _spelling_key(title) in linked:
            best = title
        else:
            best = chosen[max(linked, key=lambda k: (used[k], _care(chosen[k]),
                                                     -linked.index(k)))]
        for key in linked:
            chosen[key] = best
    return chosen


def map_from(groups: list[tuple[WorkingGroup, Theme]], synergies: list[Synergy],
             names: dict[int, str], shared: list[SharedAction],
             chosen: dict[str, str] | None = None) -> dict:
    """map_data from rows already read (plan.gather has them): the active groups with
    their priority, by number; the accepted synergies; actor names by id (one spelling
    each); every shared action, by id; the actors' spellings (one_spelling), for the
    leads typed by hand."""
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
            "id": a.id, "number": f"S{n}", "title": a.title,
            "lead": spelled(chosen or {}, a.lead), "synergy_id": a.synergy_id,
            "deadline": a.deadline.isoformat() if a.deadline else None,
            "group_ids": ordered(by_theme[t] for t in a.theme_ids or [] if t in by_theme),
        } for n, a in enumerate(shared, start=1)],
    }


@dataclass
class _Box:
    """A box on the map, as if left to right: its centre and its size."""

    x: float
    y: float
    w: float
    h: float

    def edges(self, grown: float = 0.0) -> tuple[float, float, float, float]:
        return (self.x - self.w / 2 - grown, self.y - self.h / 2 - grown,
                self.x + self.w / 2 + grown, self.y + self.h / 2 + grown)


def _apart(a: _Box, b: _Box, gap: float) -> bool:
    return (abs(a.x - b.x) >= (a.w + b.w) / 2 + gap
            or abs(a.y - b.y) >= (a.h + b.h) / 2 + gap)


def _through(x1: float, y1: float, x2: float, y2: float,
             edges: tuple[float, float, float, float]) -> bool:
    """Whether the segment runs through the rectangle (left, top, right, bottom)."""
    left, top, right, bottom = edges
    if (x1 < left and x2 < left) or (x1 > right and x2 > right) or \
            (y1 < top and y2 < top) or (y1 > bottom and y2 > bottom):
        return False
    dx, dy = x2 - x1, y2 - y1
    low, high = 0.0, 1.0
    for p, q in ((-dx, x1 - left), (dx, right - x1), (-dy, y1 - top), (dy, bottom - y1)):
        if p == 0:
            if q < 0:
                return False
            continue
        t = q / p
        if p < 0:
            low = max(low, t)
        else:
            high = min(high, t)
        if low > high:
            return False
    return True


def _cross(a: tuple, b: tuple) -> bool:
    """Whether two segments ((x1, y1), (x2, y2)) cross, other than at a shared end."""
    (p1, p2), (p3, p4) = a, b

    def side(o, p, q) -> float:
        return (p[0] - o[0]) * (q[1] - o[1]) - (p[1] - o[1]) * (q[0] - o[0])

    return (side(p3, p4, p1) * side(p3, p4, p2) < 0
            and side(p1, p2, p3) * side(p1, p2, p4) < 0)


@lru_cache(maxsize=16)
def _offsets(step: float, reach: float) -> list[tuple[float, float, float]]:
    """Moves from a box's wished place, nearest first, with their cost (moving down or
    up is cheaper: a box is wider than it is tall): rings `step` apart, finely spaced
    near the wish and more sparsely further out, so that a few thousand moves reach
    across the whole drawing."""
    moves = [(0.0, 0.0)]
    ring = 1
    while ring * step <= reach:
        radius = ring * step
        count = max(8, int(2 * math.pi * radius / (step * (1 + radius / (8 * step)))))
        moves += [(radius * math.cos(2 * math.pi * k / count) / 0.8,
                   radius * math.sin(2 * math.pi * k / count)) for k in range(count)]
        ring += 1
    return sorted(((dx, dy, math.hypot(dx * 0.8, dy)) for dx, dy in moves),
                  key=lambda m: (m[2], m[1], m[0]))


@dataclass
class _MapNode:
    """A shared action, shared actor or synergy between the groups: what it says (blocks
    of lines: lines, size, bold, colour), the groups it links (their indexes), its box."""

    kind: str
    item: dict
    links: list[int]
    blocks: list[tuple[list[str], float, bool, str]]
    box: _Box
    wish: tuple[float, float] = (0.0, 0.0)


@dataclass
class _MapLayout:
    """Where everything goes: the drawing's height, the scale of its type (1: as
    designed), the groups' boxes and titles, the nodes, and how many lines still run
    through a box they do not link (0 unless the map is very crowded)."""

    height: float
    scale: float
    groups: list[_Box]
    titles: list[list[str]]
    nodes: list[_MapNode]
    through: int


MAP_SCALES = (1.0, 0.9, 0.8)  # the type's scale, tried in turn before anything else gives
MOST_TRIED = 1500  # places with room weighed for one box (the nearest first)
MOST_LOOKED = 40000  # places looked at for one box, free or not


def _node_blocks(kind: str, item: dict, inner: float, sizes: dict, numbered: bool,
                 compact: bool) -> list[tuple[list[str], float, bool, str]]:
    """A node's text: every line whole, wrapped to `inner` (no "…": a map is read)."""
    node, small = sizes["node"], sizes["small"]
    if kind == "shared_action":
        blocks = []
        if numbered and item.get("number"):
            blocks.append(([item["number"]], node if compact else small, True, ACCENT_INK))
        if not compact or not item.get("number"):
            blocks.append((wrap_all(item["title"], inner, node, bold=True), node, True,
                           ACCENT_INK))
        if item["lead"]:
            blocks.append((wrap_all(item["lead"], inner, small), small, False, ACCENT_INK))
        return blocks
    if kind == "shared_actor":
        name = item["actors"][0]
        blocks = [(wrap_all(name, inner, node, bold=True), node, True, INK)]
        if item["title"] and item["title"].casefold() != name.casefold():
            blocks.append((wrap_all(item["title"], inner, small), small, False, INK_SOFT))
        return blocks
    return [(wrap_all(item["title"] or _("Synergy"), inner, node), node, False, INK)]


def _fit_node(kind: str, item: dict, s: float, sizes: dict, numbered: bool,
              compact: bool) -> tuple[list, float, float]:
    """The narrowest box that says it in four lines or so: (blocks, width, height)."""
    pad = sizes["pad"]
    number = 1 if numbered and kind == "shared_action" else 0
    words = " ".join([item.get("title") or "", item.get("lead") or "", *item.get("actors", [])])
    longest = max((text_width(word, sizes["node"], True) for word in _words(words)),
                  default=0)
    widths = [w * s * sizes["scale"] for w in (170, 200, 240, 280, 330)]
    if longest > widths[-1]:  # a long word (a web address): whole if a third of the map holds it
        widths.append(min(longest, 530 * s))
    for inner in widths:
        blocks = _node_blocks(kind, item, inner, sizes, numbered, compact)
        if sum(len(lines) for lines, *_rest in blocks) - number <= 4 and longest <= inner:
            break
    widest = max((text_width(line, size, bold) for lines, size, bold, _f in blocks
                  for line in lines), default=40 * s)
    w = max(widest + 2 * pad, 60 * s)
    h = sum(len(lines) * size * LINE_HEIGHT for lines, size, _b, _f in blocks) + 2 * pad
    return blocks, w, h


def _map_try(data: dict, width: float, height: float, scale: float, numbered: bool,
             compact: bool) -> _MapLayout | None:
    """One layout at this type scale, or None when a box finds no free place. Groups go
    round an ellipse; then each node, the ones linking most groups first, takes the
    free place nearest its wish (between the groups it links) where none of its lines
    runs through another box and no line runs through it; failing that, where fewest
    do. Then the nodes still crossed are placed again, the others standing."""
    s = width / 1600  # sizes are designed for 1600 wide and scale with the drawing
    sizes = {"group": 23 * s * scale, "node": 19 * s * scale, "small": 16 * s * scale,
             "pad": 14 * s * scale, "scale": scale}
    gap, margin = 16 * s * scale, 4 * s
    top, bottom = 26 * s, height - 40 * s  # the groups' number marks; the legend
    groups = data["groups"]
    count = len(groups)
    gw = (280 if count <= 4 else 240 if count <= 6 else 200) * s * scale
    pad = sizes["pad"]
    titles = [wrap_all(g["title"], gw - 2 * pad, sizes["group"], bold=True) for g in groups]
    heights = [len(t) * sizes["group"] * LINE_HEIGHT + 2 * pad + 18 * s * scale
               for t in titles]
    gh = max(heights, default=0)
    if gh > bottom - top:
        return None
    centres = _place_groups(count, width, gw, gh, top, bottom)
    boxes = [_Box(x, y, gw, h) for (x, y), h in zip(centres, heights)]
    if any(not _apart(a, b, gap) for a, b in combinations(boxes, 2)):
        return None
    index = {g["id"]: n for n, g in enumerate(groups)}
    cx, cy = width / 2, (top + bottom) / 2

    nodes = []
    specs = [("shared_action", a) for a in data["shared_actions"]] + [
        ("shared_actor" if s_["kind"] == "shared_actor" and s_["actors"] else "synergy", s_)
        for s_ in data["synergies"]]
    if not specs:  # nothing between the groups yet: say so where a node would be
        message = _("No synergy agreed yet.")
        size = 30 * s * scale
        lines = wrap_all(message, width * 0.6, size)
        nodes.append(_MapNode("empty", {"title": message, "group_ids": []}, [],
                              [(lines, size, False, INK_SOFT)], _Box(
                                  cx, cy, max(text_width(line, size) for line in lines)
                                  + 40 * s, len(lines) * size * LINE_HEIGHT + 40 * s), (cx, cy)))
    for kind, item in specs:
        blocks, w, h = _fit_node(kind, item, s, sizes, numbered, compact)
        links = [index[g] for g in item["group_ids"] if g in index]
        wish = (cx, cy)
        if links:
            # between the groups it links, drawn a little into the middle: one group,
            # beside it; two, their midpoint; more, nearer the middle of the drawing
            mx = sum(boxes[g].x for g in links) / len(links)
            my = sum(boxes[g].y for g in links) / len(links)
            pull = {1: 0.45, 2: 0.25}.get(len(links), 0.5)
            wish = (mx + (cx - mx) * pull, my + (cy - my) * pull)
        nodes.append(_MapNode(kind, item, links, blocks, _Box(*wish, w, h), wish))
    order = sorted(range(len(nodes)), key=lambda k: (len(nodes[k].links),
                                                     nodes[k].kind != "shared_action", k))
    moves = _offsets(round(14 * s, 3), round(max(width * 0.8, height), 1))
    placed: list[int] = []

    def lines_of(k: int, box: _Box) -> list[tuple]:
        return [((box.x, box.y), (boxes[g].x, boxes[g].y), g) for g in nodes[k].links]

    def standing(k: int) -> tuple[list, list, list]:
        """What node k must keep clear of: every other box (centre and half size, the
        gap added), every box's edges grown by the margin, and the other nodes' lines."""
        others = [nodes[o].box for o in placed if o != k]
        w, h = nodes[k].box.w, nodes[k].box.h
        solid = [(b.x, b.y, (b.w + w) / 2 + gap, (b.h + h) / 2 + gap)
                 for b in (*boxes, *others)]
        fences = [(n, b.edges(margin)) for n, b in enumerate(boxes)] + \
            [(-1, b.edges(margin)) for b in others]
        lines = [line for o in placed if o != k for line in lines_of(o, nodes[o].box)]
        return solid, fences, lines

    def score(k: int, x: float, y: float, around: tuple,
              worst: float = math.inf) -> tuple | None:
        """Node k at (x, y) among what stands `around` it: (lines through a box,
        distance from its wish plus the lines it crosses), or None when it meets a box
        or would have more than `worst` lines through boxes."""
        node = nodes[k]
        solid, fences, their_lines = around
        for bx, by, apart_x, apart_y in solid:
            if abs(x - bx) < apart_x and abs(y - by) < apart_y:
                return None
        hits = 0
        edges = (x - node.box.w / 2 - margin, y - node.box.h / 2 - margin,
                 x + node.box.w / 2 + margin, y + node.box.h / 2 + margin)
        for a, b, _g in their_lines:
            hits += _through(*a, *b, edges)
        for g in node.links:
            if hits > worst:
                return None
            gx, gy = boxes[g].x, boxes[g].y
            for n, fence in fences:
                hits += n != g and _through(x, y, gx, gy, fence)
        if hits > worst:
            return None
        crossings = 0 if hits else sum(
            1 for g in node.links for c, d, _h in their_lines
            if _cross(((x, y), (boxes[g].x, boxes[g].y)), (c, d)))
        return (hits, math.hypot((x - node.wish[0]) * 0.8, y - node.wish[1])
                + crossings * 30 * s)

    def place(k: int) -> bool:
        """Node k at the best of the free places nearest its wish (the others standing)."""
        node = nodes[k]
        w, h = node.box.w, node.box.h
        low_x, high_x = w / 2 + margin, width - w / 2 - margin
        low_y, high_y = top + h / 2, bottom - h / 2
        if low_x > high_x or low_y > high_y:
            return False
        wx = min(max(node.wish[0], low_x), high_x)
        wy = min(max(node.wish[1], low_y), high_y)
        around = standing(k)
        best, tried, free = None, 0, 0
        for looked, (dx, dy, _cost) in enumerate(moves):
            if looked >= MOST_LOOKED or tried >= MOST_TRIED:
                break
            x, y = wx + dx, wy + dy
            if not (low_x <= x <= high_x and low_y <= y <= high_y):
                continue
            found = score(k, x, y, around, best[0][0] if best else math.inf)
            if found is None:
                continue
            tried += 1
            if best is None or found < best[0]:
                best = (found, x, y)
            if not found[0]:
                free += 1
                if free >= 12:  # of the nearest free places, the one crossing fewest lines
                    break
        if best is None:
            return False
        node.box = _Box(best[1], best[2], w, h)
        return True

    for k in order:
        if not place(k):
            return None
        placed.append(k)

    def through(k: int) -> int:
        mine = lines_of(k, nodes[k].box)
        edges = nodes[k].box.edges(margin)
        hits = sum(1 for a, b, g in mine for n, other in enumerate(boxes)
                   if n != g and _through(*a, *b, other.edges(margin)))
        for o in placed:
            if o != k:
                hits += sum(1 for a, b, _g in mine
                            if _through(*a, *b, nodes[o].box.edges(margin)))
                hits += sum(1 for a, b, _g in lines_of(o, nodes[o].box)
                            if _through(*a, *b, edges))
        return hits

    # then each node again, the others standing: a node crossed finds a free place, and
    # one placed early comes nearer its wish now that the others have settled
    for round_ in range(3):
        moved = False
        for k in (order if round_ == 0 else [k for k in order if through(k)]):
            before, around = nodes[k].box, standing(k)
            was = score(k, before.x, before.y, around)
            if place(k) and (was is None
                             or score(k, nodes[k].box.x, nodes[k].box.y, around) < was):
                moved = True
            else:
                nodes[k].box = before
        if not moved:
            break
    total = sum(through(k) for k in order)
    return _MapLayout(height, scale, boxes, titles, nodes, total)


def _map_layout(data: dict, width: float, height: float, numbered: bool,
                most_height: float) -> _MapLayout:
    """The map laid out with no box over another and every label whole: at the designed
    type size if it fits, else smaller type; on the PDF, shared actions by their number
    and lead (their titles are in the table next to it); then a taller drawing, up to
    `most_height`, then taller still (the PDF scales it down to its page)."""
    tries = [(scale, False) for scale in MAP_SCALES]
    if numbered:
        tries += [(scale, True) for scale in MAP_SCALES]
    best = None
    while True:
        for scale, compact in tries:
            laid = _map_try(data, width, height, scale, numbered, compact)
            if laid is not None and not laid.through:
                return laid
            if laid is not None and (best is None or laid.through < best.through):
                best = laid
        if best is not None and height >= most_height:
            return best
        # taller: up to most_height, then beyond (there is always room enough)
        height = min(height * 1.15, most_height) if height < most_height else height * 1.25


def _place_groups(count: int, width: float, gw: float, gh: float, top: float,
                  bottom: float) -> list[tuple[float, float]]:
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


def map_canvas(data: dict, rtl: bool, width: float, height: float, *,
               numbered: bool = False, most_height: float | None = None) -> Canvas:
    """The synergy map drawn on a canvas `width` wide and `height` tall, or taller when
    that is what it takes to keep every box apart and every label whole (up to
    `most_height` first). numbered: shared actions show their number ("S1"), as the
    plan's table does."""
    s = width / 1600
    laid = _map_layout(data, width, height, numbered, max(most_height or height, height))
    canvas = Canvas(width, laid.height, rtl)
    f = laid.scale
    pad = 14 * s * f

    links = canvas.piece()  # under everything
    for node in laid.nodes:
        paint = {"shared_action": dict(stroke=ACCENT, stroke_width=_n(3.5 * s)),
                 "shared_actor": dict(stroke=INK_SOFT, stroke_width=_n(2.5 * s)),
                 "synergy": dict(stroke=INK_SOFT, stroke_width=_n(2 * s),
                                 stroke_dasharray=f"{_n(8 * s)} {_n(6 * s)}")}.get(node.kind)
        for g in node.links if paint else []:
            canvas.line(links, node.box.x, node.box.y, laid.groups[g].x, laid.groups[g].y,
                        stroke_linecap="round", **paint)

    for group, box, lines in zip(data["groups"], laid.groups, laid.titles):
        piece = canvas.piece(f"{group['number']}. {group['title']}", kind="group",
                             id=group["id"])
        top = box.y - box.h / 2
        canvas.frame(piece, box, rx=_n(12 * s * f), fill="#ffffff", stroke=INK,
                     stroke_width=_n(3 * s * f))
        canvas.circle(piece, box.x, top, 21 * s * f, fill=INK)
        canvas.label(piece, box.x, top, [str(group["number"])], 22 * s * f, bold=True,
                     fill="#ffffff")
        canvas.label(piece, box.x, top + pad + 18 * s * f
                     + len(lines) * 23 * s * f * LINE_HEIGHT / 2, lines, 23 * s * f,
                     box=box.w - 2 * pad, bold=True)

    for node in laid.nodes:
        item, box = node.item, node.box
        if node.kind == "empty":
            piece = canvas.piece(kind="empty")
            canvas.frame(piece, box, rx=_n(10 * s), fill=PAPER, stroke=LINE,
                         stroke_width=_n(2 * s))
        else:
            piece = canvas.piece(item["title"] if node.kind != "shared_actor" else
                                 f"{', '.join(item['actors'])}: {item['title']}",
                                 kind=node.kind if node.kind != "synergy" else item["kind"],
                                 id=item["id"])
        if node.kind == "shared_action":
            canvas.frame(piece, box, rx=_n(8 * s * f), fill=ACCENT)
        elif node.kind == "shared_actor":
            canvas.frame(piece, box, rx=_n(min(box.h / 2, 30 * s * f)), fill="#ffffff",
                         stroke=ACCENT, stroke_width=_n(2.5 * s))
        elif node.kind == "synergy":
            canvas.frame(piece, box, rx=_n(4 * s * f), fill=TINT, stroke=INK_SOFT,
                         stroke_width=_n(1.5 * s), stroke_dasharray=f"{_n(8 * s)} {_n(6 * s)}")
        inner = box.w - 2 * (20 * s if node.kind == "empty" else pad)
        y = box.y - box.h / 2 + (20 * s if node.kind == "empty" else pad)
        for lines, size, bold, fill in node.blocks:
            block = len(lines) * size * LINE_HEIGHT
            canvas.label(piece, box.x, y + block / 2, lines, size, bold=bold, fill=fill,
                         box=inner)
            y += block

    if any(node.kind != "empty" for node in laid.nodes):
        _map_legend(canvas, {node.kind for node in laid.nodes}, s, laid.height - 20 * s)
    return canvas


def _map_legend(canvas: Canvas, kinds: set[str], s: float, y: float) -> None:
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
    """The synergy map as one SVG with its text, for the live pages and browsers: 16:9,
    or a little taller when the room has agreed more than that holds. The same map
    asked again (every console and projector after a change) is drawn once."""
    return Markup(_map_svg(json.dumps(data, sort_keys=True, default=str), rtl, width,
                           height, str(get_locale() or "en")))


@lru_cache(maxsize=32)
def _map_svg(data: str, rtl: bool, width: float, height: float, _locale: str) -> str:
    """synergy_map_svg's drawing, kept per map, direction, size and language."""
    map_ = json.loads(data)
    canvas = map_canvas(map_, rtl, width, height, most_height=height * 1.25)
    return str(write_svg(canvas, _("Synergy map"), _map_desc(map_), "synergy-map"))


def synergy_map_pdf(data: dict, *, rtl: bool, width: float = 960,
                    height: float = 540) -> Markup:
    """The synergy map for WeasyPrint: a block `width` × `height` CSS px, its labels as
    HTML over an SVG, shared actions numbered as the plan's table numbers them. A map
    that needs more room is drawn taller and scaled down to fit the block."""
    canvas = map_canvas(data, rtl, width, height, numbered=True)
    return write_pdf(canvas, _("Synergy map"), "synergy-map", fit=(width, height))


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
    number; their actions and every shared action, by id. Each item carries its number
    as the plan's tables write it ("2.3": the third action of priority 2; "S1")."""
    numbers: dict[tuple[str, int], str] = {}
    for g, t in groups:
        for n, action in enumerate((a for a in actions if a.group_id == g.id), start=1):
            numbers[("action", action.id)] = f"{t.confirmed_rank}.{n}"
    for n, action in enumerate(shared, start=1):
        numbers[("shared_action", action.id)] = f"S{n}"

    def items(rows, kind: str) -> list[dict]:
        dated = sorted((r for r in rows if r.deadline), key=lambda r: (r.deadline, r.id))
        return [{"kind": kind, "id": r.id, "number": numbers[(kind, r.id)], "title": r.title,
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
                parts.append(_("%(row)s: %(items)s.", row=_row_title(row), items="; ".join(
                    f"{_item_name(i)} ({_day(i['deadline'], locale)})" for i in row["items"])))
    else:
        parts.append(_("No action has a deadline yet."))
    if data["undated"]:
        parts.append(_undated(data["undated"]))
    return " ".join(parts)


def _item_name(item: dict) -> str:
    return f"{item['number']} {item['title']}" if item.get("number") else item["title"]


def _day(iso_date: str, locale: str) -> str:
    return format_date(date.fromisoformat(iso_date), "medium", locale=locale)


def _undated(count: int) -> str:
    return ngettext("%(num)d action has no deadline.", "%(num)d actions have no deadline.",
                    count)


def _row_title(row: dict) -> str:
    return _("Shared plan") if row["kind"] == "shared" else f"{row['number']}. {row['title']}"


def _timeline_canvas(data: dict, locale: str, rtl: bool, width: float,
                     height: float | None) -> Canvas:
    """Months across, a row per priority and one for the shared plan; each action a mark
    at its deadline with its number beside it (the titles are listed with the numbers
    under the drawing, where they have room). A given `height` is filled: the rows share
    what is left, their marks further apart."""
    s = width / 1000  # sizes are designed for 1000 wide and scale with the drawing
    size_month, size_row, size_item, size_note = 12.5 * s, 12.5 * s, 11.5 * s, 12 * s
    marker, gap = 5.5 * s, 5 * s
    notes = [_undated(data["undated"])] if data["undated"] else []  # said under it otherwise
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

    label_col = 220 * s
    x0, x1 = label_col + 16 * s, width - 14 * s
    header, lane, row_pad = 34 * s, 22 * s, 9 * s
    footer = 36 * s
    start, end = months[0], _month(months[-1], 1)

    def at(day: date) -> float:
        return x0 + (day - start).days / (end - start).days * (x1 - x0)

    # each row: its title (whole, wrapped), then its marks packed into lanes so that no
    # two numbers meet (a number goes after its mark, or before it near the axis' end)
    laid = []
    for row in data["rows"]:
        name = _("Shared plan") if row["kind"] == "shared" else row["title"]
        title = wrap_all(name, label_col - 40 * s, size_row, bold=True)
        lanes: list[list[tuple[float, float]]] = []
        placed = []
        for item in row["items"]:
            x = at(date.fromisoformat(item["deadline"]))
            text = item.get("number") or item["title"]
            w = text_width(text, size_item, bold=True)
            after = x + marker + gap + w <= x1
            extent = (x - marker, x + marker + gap + w) if after else \
                (x - marker - gap - w, x + marker)
            for number, taken in enumerate(lanes):
                if all(extent[0] > b + 6 * s or extent[1] < a - 6 * s for a, b in taken):
                    taken.append(extent)
                    break
            else:
                lanes.append([extent])
                number = len(lanes) - 1
            placed.append((item, x, text, after, number))
        laid.append([row, title, placed, max(len(lanes), 1),
                     len(title) * size_row * LINE_HEIGHT])

    def row_height(entry, spacing: float) -> float:
        _row, _title, _placed, lanes, title_h = entry
        return max(lanes * spacing, title_h) + 2 * row_pad

    natural = sum(row_height(entry, lane) for entry in laid)
    room = (height or 0) - header - footer
    spacing, extra = lane, 0.0
    if room > natural:  # the page is the drawing's: marks further apart, rows taller
        most_lanes = sum(entry[3] for entry in laid)
        spacing = min(lane * 1.8, lane + (room - natural) / most_lanes)
        extra = (room - sum(row_height(entry, spacing) for entry in laid)) / len(laid)
    body_top = header
    heights = [row_height(entry, spacing) + max(extra, 0) for entry in laid]
    body_bottom = header + sum(heights)
    canvas = Canvas(width, max(body_bottom + footer, height or 0), rtl)

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

    # the rows: the title and the marks each in the middle of the row's height
    y = body_top
    for (row, title, placed, lanes, title_h), row_h in zip(laid, heights):
        piece = canvas.piece(_row_title(row), kind=f"row-{row['kind']}", id=row["group_id"])
        canvas.line(piece, 0, y, width, y, stroke=LINE, stroke_width=_n(s))
        middle = y + row_h / 2
        first = middle - title_h / 2 + size_row * LINE_HEIGHT / 2
        if row["kind"] == "priority":
            canvas.circle(piece, 17 * s, first, 11 * s, fill=INK)
            canvas.label(piece, 17 * s, first, [str(row["number"])], 12 * s, bold=True,
                         fill="#ffffff")
        else:
            canvas.polygon(piece, _diamond(17 * s, first, 10 * s), fill=ACCENT)
        canvas.label(piece, 36 * s, middle, title, size_row, align="left",
                     box=label_col - 40 * s, bold=True)
        top = middle - lanes * spacing / 2
        for item, x, text, after, number in placed:
            cy = top + number * spacing + spacing / 2
            dot = canvas.piece(f"{_item_name(item)} ({_day(item['deadline'], locale)})",
                               kind=item["kind"], id=item["id"],
                               deadline=item["deadline"], number=item.get("number"))
            if item["kind"] == "shared_action":
                canvas.polygon(dot, _diamond(x, cy, marker * 1.35), fill=ACCENT)
            else:
                canvas.circle(dot, x, cy, marker, fill=INK)
            canvas.label(dot, x + (marker + gap) * (1 if after else -1), cy, [text],
                         size_item, align="left" if after else "right", bold=True,
                         fill=ACCENT if item["kind"] == "shared_action" else INK)
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

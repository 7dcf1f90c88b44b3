"""PDF rendering: Jinja2 HTML turned into PDF by WeasyPrint, with the app's own fonts;
the action plan's HTML (PDF and preview) and PDF from `plan.gather`'s data.

Fonts come from the pinned npm font packages (no system font is assumed), so the PDF
looks the same on any laptop and Arabic is shaped right to left by Pango/HarfBuzz.

WeasyPrint is imported by the PDF functions only, never at import time: the server
imports this module for the HTML preview and must not load WeasyPrint (it runs in the
render process, facilitator/plan/render.py; tests/test_pdf.py holds it).
"""
from __future__ import annotations

import functools
import math
import re
from pathlib import Path

from babel.lists import format_list
from babel.numbers import format_decimal
from flask import current_app, render_template
from flask_babel import force_locale, get_locale, gettext as _
from markupsafe import Markup, escape

from ..assets import font_path
from ..steps.synergies import reason_text
from ..text import text_direction
from . import drawings

FONT_URL_PREFIX = "/vendor/fonts/"


@functools.cache
def _url_fetcher_class() -> type:
    """AppURLFetcher, made the first time a PDF needs it (it subclasses WeasyPrint's)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class AppURLFetcher(URLFetcher):
        """Resolves the app's font URLs to files on disk and fetches nothing remote."""

        def __init__(self):
            super().__init__(allowed_protocols=("file", "data"))

        def fetch(self, url, headers=None):
            if FONT_URL_PREFIX in url:
                found = font_path(url.rsplit("/", 1)[-1])
                if found is None:
                    raise ValueError(f"font not installed (run the set-up): {url}")
                return URLFetcherResponse(url, found.read_bytes(),
                                          {"Content-Type": "font/woff"})
            return super().fetch(url, headers)

    return AppURLFetcher


def __getattr__(name: str):
    """`report.AppURLFetcher`, WeasyPrint loaded only when someone asks for it."""
    if name == "AppURLFetcher":
        return _url_fetcher_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# --- the action plan -----------------------------------------------------------------

PLAN_TEMPLATE = "pdf/plan.html"
PLAN_CSS = "css/plan.css"
# Unicode isolates: WeasyPrint ignores `unicode-bidi`, Pango honours these characters,
# and browsers do both. FSI…PDI: a name or number keeps its own direction in a sentence.
FSI, PDI = "\u2068", "\u2069"


# French typography: the space people type before : ; ! ? and inside « » becomes a
# narrow no-break space (U+202F), as in the plan's own sentences, so that a line never
# starts with the sign. Only a space already typed is changed ("diaspora: Lebanon" stays).
_FRENCH_BEFORE = re.compile(r"[ \u00a0]+(?=[:;!?»])")
_FRENCH_AFTER = re.compile(r"(?<=«)[ \u00a0]+")
NNBSP = "\u202f"


def french_spacing(text: str) -> str:
    """A text typed in French with its spaces before : ; ! ? » and after « made narrow
    and unbreakable."""
    return _FRENCH_AFTER.sub(NNBSP, _FRENCH_BEFORE.sub(NNBSP, text))


def user_text(text: object) -> Markup:
    """The `user` filter: what a person typed, escaped and isolated (FSI…PDI), so that
    an Arabic text in a French plan, or a French one in an Arabic plan, keeps its own
    order and leaves the sentence and the numbers around it in theirs. The plan's
    templates print every user text through it. In a French plan, French spacing
    (french_spacing)."""
    text = "" if text is None else str(text)
    if text and str(get_locale() or "").startswith("fr"):
        text = french_spacing(text)
    return Markup(f"{FSI}{escape(text)}{PDI}") if text else Markup("")


class PlanHelpers:
    """What the plan's templates call: direction, isolation, numbers and dates in the
    plan's language."""

    def __init__(self, language: str, rtl: bool):
        self.language, self.rtl = language, rtl
        self.doc_dir = "rtl" if rtl else "ltr"

    def dir(self, text: str) -> Markup:
        """` dir="ltr"` on an element whose text runs against the document, else nothing."""
        direction = text_direction(text)
        return Markup(f' dir="{direction}"') if direction != self.doc_dir else Markup("")

    @staticmethod
    def iso(text: object) -> str:
        """A name or a number inside a sentence, isolated (escaped by Jinja as usual)."""
        text = "" if text is None else str(text)
        return f"{FSI}{text}{PDI}" if text else ""

    def num(self, value: int | float) -> str:
        return format_decimal(value, locale=self.language)

    def profiles(self, rows: list[dict]) -> str:
        """"Ministry (3), Chamber of commerce (2) and Other (1)", in the plan's language:
        a profile is a name people typed, so its count stands apart from it. The name
        alone is isolated: the count follows it in the sentence's direction (an item
        isolated whole would take the name's, and an Arabic plan would print "(3) name")."""
        items = [_("%(profile)s (%(num)s)", profile=self.iso(row["profile"]),
                   num=self.num(row["count"])) for row in rows]
        return format_list(items, locale=self.language) if items else ""

    def reason(self, reason: dict | None) -> str:
        """Why a synergy's groups meet, written in the plan's language from its data,
        the names and words people typed isolated."""
        return reason_text(reason, mark=self.iso)

    def listed(self, values: list) -> str:
        return format_list([self.iso(v) for v in values], locale=self.language) if values else ""


def _css_string(text: str) -> Markup:
    """A CSS string literal of any text, safe inside <style> (no quote, backslash or `<`
    left as such)."""
    escaped = (str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
               .replace("<", "\\3C "))
    return Markup(f'"{escaped}"')


def css_content(translated: str, **counters: str) -> Markup:
    """A translated sentence with %(name)s placeholders as a CSS `content` value, each
    placeholder replaced by a CSS function: ("Page %(page)s of %(pages)s", page=
    "counter(page)", …) -> `"Page " counter(page) " of " counter(pages)`."""
    parts = re.split(r"%\((\w+)\)s", translated)
    out = []
    for index, part in enumerate(parts):
        if index % 2:
            out.append(counters[part])
        elif part:
            out.append(_css_string(part))
    return Markup(" ".join(out) or '""')


def _plan_css() -> Markup:
    path = Path(current_app.static_folder) / PLAN_CSS
    return Markup(path.read_text(encoding="utf-8"))


# the synergy map and the timeline each on an A4 landscape page (261 × 168 mm inside the
# margins: 986 × 635 CSS px), the map under its section's heading, the timeline above
# its key (each number's action, lead and deadline: HTML, two columns of 8.5 pt)
MAP_SIZE = (960, 490)
TIMELINE_WIDTH = 960
LANDSCAPE_HEIGHT = 635
KEY_COLUMN, KEY_SIZE, KEY_LINE, KEY_GAP = 440, 11.33, 15.3, 4.5


def _timeline_height(data: dict) -> float:
    """The timeline's height on its page: what its heading, caption and key leave."""
    items = [a for p in data["priorities"] for a in p["actions"] if a["deadline_iso"]] + \
        [a for a in data["shared_actions"] if a["deadline_iso"]]
    column = 0.0  # both columns' height, each item its title then its lead and date
    for item in items:
        for text in (item["title"], f"{item['lead']} · {item['deadline']}"):
            lines = math.ceil((drawings.text_width(text, KEY_SIZE) + 4) / KEY_COLUMN)
            column += lines * KEY_LINE
        column += KEY_GAP
    undated = any(not a["deadline_iso"] for p in data["priorities"] for a in p["actions"]) \
        or any(not a["deadline_iso"] for a in data["shared_actions"])
    key = column / 2 + 2 * KEY_LINE + (2 * KEY_LINE if undated else 0)
    return LANDSCAPE_HEIGHT - 75 - key


def _french_drawings(value, key: str = ""):
    """The drawings' data with french_spacing on what people typed (titles, names)."""
    if isinstance(value, dict):
        return {k: _french_drawings(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_french_drawings(v, key) for v in value]
    if isinstance(value, str) and key in ("title", "lead", "actors"):
        return french_spacing(value)
    return value


def _figures(data: dict, screen: bool) -> dict:
    """The step 4 drawings (facilitator/plan/drawings.py): for WeasyPrint, shapes as SVG with
    their labels as HTML over them (WeasyPrint lays SVG text out letter by letter); for a
    browser, one SVG with its text. A drawing that fails is logged and left out (a box
    says so), so the plan is still delivered."""
    source = dict(data.get("drawings") or {})
    if data["language"] == "fr":  # what people typed, spaced as the plan's sentences
        source = _french_drawings(source)
    if not (data["synergies"] or data["shared_actions"]):
        source.pop("map", None)  # nothing between the groups: no map to look at
    if not (source.get("timeline") or {}).get("months"):
        source.pop("timeline", None)  # no deadline yet
    if screen:
        makers = {"map": lambda d: drawings.synergy_map_svg(d, rtl=data["rtl"]),
                  "timeline": lambda d: drawings.timeline_svg(d, locale=data["language"],
                                                              rtl=data["rtl"])}
    else:
        makers = {"map": lambda d: drawings.synergy_map_pdf(d, rtl=data["rtl"],
                                                            width=MAP_SIZE[0],
                                                            height=MAP_SIZE[1]),
                  "timeline": lambda d: drawings.timeline_pdf(
                      d, locale=data["language"], rtl=data["rtl"], width=TIMELINE_WIDTH,
                      height=_timeline_height(data))}
    figures = {}
    for name, make in makers.items():
        if source.get(name) is None:
            continue
        try:
            figures[name] = make(source[name])
        except Exception:  # noqa: BLE001 (a figure must not cost the whole plan)
            current_app.logger.exception("action plan: the %s drawing failed", name)
    return figures


def plan_html(data: dict, *, screen: bool = False, **context) -> str:
    """The action plan as one HTML document, in the plan's language.

    screen=False (the PDF): the stylesheet and the page rules inline, nothing fetched
    but the fonts. screen=True (the preview, in a request): the stylesheet linked, as
    the app's CSP wants."""
    helpers = PlanHelpers(data["language"], data["rtl"])
    current_app.jinja_env.filters.setdefault("user", user_text)
    with force_locale(data["language"]):
        return render_template(PLAN_TEMPLATE, plan=data, h=helpers, screen=screen,
                               css=None if screen else _plan_css(),
                               figures=_figures(data, screen), css_content=css_content,
                               css_string=_css_string, **context)


def html_to_pdf(html: str, *, tagged: bool = True) -> bytes:
    """WeasyPrint on a complete HTML document, with the app's fonts; a tagged PDF
    (structure for screen readers) unless tagged=False."""
    return html_to_pdf_pages(html, tagged=tagged)[0]


def html_to_pdf_pages(html: str, *, tagged: bool = True) -> tuple[bytes, int]:
    """html_to_pdf, and the number of pages."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    base_url = Path(current_app.root_path).as_uri() + "/"
    document = HTML(string=html, base_url=base_url,
                    url_fetcher=_url_fetcher_class()()).render(
        font_config=fonts, pdf_tags=tagged)
    return document.write_pdf(pdf_tags=tagged), len(document.pages)


def plan_pdf(data: dict) -> bytes:
    """The action plan as PDF bytes: plan_html(data) through WeasyPrint. Heavy (seconds,
    and it never yields to eventlet): the server runs it in another process
    (facilitator/plan/render.py), never in a request."""
    return html_to_pdf(plan_html(data))

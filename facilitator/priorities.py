"""Step 2: the facilitators group the ideas into themes, the room votes with dots, and
the facilitators confirm the priorities.

Dot totals stay with the facilitators until they reveal them, so early dots do not sway
the room: before that, count events go to the facilitators only and a participant is told
only their own dots left. Theme suggestions are computed from the cards' words and only
ever shown to the facilitators, who decide.
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from . import eventlog, ideas, method
from .text import clean_line
from .errors import OperationError
from .extensions import db
from .models import Idea, Theme, Vote, Workshop
from .payload import ids, is_id, switch
from .snapshot import part, personal
from .viewers import Viewer
from .workshops import require_runner, require_staff

LIMITS = {"title": 120, "description": 300}
CONFIRM_STAGES = ("vote", "confirm")
SIMILARITY_THRESHOLD = 0.3


# --- themes ----------------------------------------------------------------------------

def theme_view(theme: Theme) -> dict:
    return {"id": theme.id, "title": theme.title, "description": theme.description,
            "position": theme.position, "confirmed_rank": theme.confirmed_rank}


def live_themes(workshop_id: int) -> list[Theme]:
    return list(db.session.scalars(select(Theme).where(
        Theme.workshop_id == workshop_id, Theme.merged_into_id.is_(None))
        .order_by(Theme.position, Theme.id)))


def _workshop(viewer: Viewer) -> Workshop:
    return db.session.get(Workshop, viewer.workshop_id)


def _theme(viewer: Viewer, theme_id: object) -> Theme:
    theme = None
    if is_id(theme_id):
        theme = db.session.get(Theme, theme_id)
    if theme is None or theme.workshop_id != viewer.workshop_id or theme.merged_into_id:
        raise OperationError("not_found", _l(
            "This theme no longer exists (it may have been merged). Please choose another."))
    return theme


def _clean_title(title: object, workshop_id: int, except_ids: tuple[int, ...] = ()) -> str:
    """A theme title, unique in the workshop among the themes not in except_ids."""
    title = clean_line(title, LIMITS["title"], _l(
        "The theme's title is too long (%(n)d characters at most).", n=LIMITS["title"]))
    if not title:
        raise OperationError("empty_title", _l("Please give the theme a title."))
    for other in live_themes(workshop_id):
        if other.id not in except_ids and other.title.casefold() == title.casefold():
            raise OperationError("duplicate_theme", _l(
                "A theme called “%(title)s” already exists.", title=other.title))
    return title


def _clean_description(description: object) -> str:
    return clean_line(description, LIMITS["description"], _l(
        "The theme's description is too long (%(n)d characters at most).",
        n=LIMITS["description"]))


def create_theme(viewer: Viewer, title: object, description: object = "") -> dict:
    """A new, empty theme at the end of the list."""
    require_runner(viewer)
    workshop = _workshop(viewer)
    last = db.session.scalar(select(func.max(Theme.position)).where(
        Theme.workshop_id == workshop.id))
    theme = Theme(workshop_id=workshop.id, title=_clean_title(title, workshop.id),
                  description=_clean_description(description),
                  position=(last or 0) + 1)
    db.session.add(theme)
    db.session.flush()
    eventlog.append(workshop, "theme.created", {"theme": theme_view(theme)},
                    actor=viewer.actor)
    return {"theme": theme_view(theme)}


def rename_theme(viewer: Viewer, theme_id: object, title: object,
                 description: object = None) -> dict:
    """A clearer title (and description, when given) for a theme."""
    require_runner(viewer)
    workshop = _workshop(viewer)
    theme = _theme(viewer, theme_id)
    theme.title = _clean_title(title, workshop.id, except_ids=(theme.id,))
    if description is not None:
        theme.description = _clean_description(description)
    eventlog.append(workshop, "theme.updated", {"theme": theme_view(theme)},
                    actor=viewer.actor)
    return {"theme": theme_view(theme)}


def merge_themes(viewer: Viewer, into_id: object, theme_ids: object) -> dict:
    """Fold themes into one: their cards and their dots move to it."""
    require_runner(viewer)
    workshop = _workshop(viewer)
    into = _theme(viewer, into_id)
    theme_ids = ids(theme_ids, _l("Choose the themes to merge into this one."))
    sources = [_theme(viewer, tid) for tid in dict.fromkeys(theme_ids) if tid != into.id]
    if not sources:
        raise OperationError("bad_request", _l("Choose at least one other theme to merge."))
    source_ids = [source.id for source in sources]
    moved = list(db.session.scalars(select(Idea.id).where(Idea.theme_id.in_(source_ids))))
    db.session.execute(update(Idea).where(Idea.theme_id.in_(source_ids))
                       .values(theme_id=into.id).execution_options(synchronize_session=False))
    moved_dots = False
    for vote in db.session.scalars(select(Vote).where(Vote.theme_id.in_(source_ids))).all():
        kept = db.session.scalar(select(Vote).where(
            Vote.participant_id == vote.participant_id, Vote.theme_id == into.id))
        if kept is None:
            vote.theme_id = into.id
        else:
            kept.count += vote.count
            db.session.delete(vote)
        moved_dots = True
    ranks_changed = any(source.confirmed_rank for source in sources)
    for source in sources:
        source.merged_into_id = into.id
        source.confirmed_rank = None
    db.session.flush()
    db.session.expire_all()  # the bulk UPDATE bypassed the loaded cards
    if ranks_changed:  # a confirmed priority was merged away: renumber those left, 1..n
        for rank, theme in enumerate(confirmed(workshop.id), start=1):
            theme.confirmed_rank = rank
    visible = {card.id for card in ideas.live_ideas(workshop.id) if not card.hidden}
    shown = [i for i in moved if i in visible]  # hidden cards: facilitators only
    eventlog.append(workshop, "theme.merged",
                    {"theme": theme_view(into), "merged": source_ids, "ideas": shown},
                    actor=viewer.actor)
    if shown != moved:
        eventlog.append(workshop, "theme.merged",
                        {"theme": theme_view(into), "merged": source_ids, "ideas": moved},
                        audience="facilitators", actor=viewer.actor)
    if moved_dots:
        _publish_totals(workshop, viewer.actor)
    if ranks_changed:
        eventlog.append(workshop, "priorities.confirmed",
                        {"priorities": [theme_view(t) for t in confirmed(workshop.id)]},
                        actor=viewer.actor)
    return {"theme": theme_view(into), "merged": source_ids, "ideas": moved}


def assign_idea(viewer: Viewer, idea_id: object, theme_id: object = None) -> dict:
    """Put a card under a theme (or back among the loose cards with None). The answer
    names the previous theme, so the console can undo by assigning it back."""
    require_runner(viewer)
    workshop = _workshop(viewer)
    idea = ideas.find_idea(viewer, idea_id)
    theme = _theme(viewer, theme_id) if theme_id is not None else None
    previous = idea.theme_id
    idea.theme_id = theme.id if theme else None
    data = {"idea_id": idea.id, "theme_id": idea.theme_id, "previous_theme_id": previous}
    eventlog.append(workshop, "idea.assigned", data,
                    audience="facilitators" if idea.hidden else "all", actor=viewer.actor)
    return data


# --- suggestions -----------------------------------------------------------------------

_ARABIC_FORMS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي",
                               "ؤ": "و", "ئ": "ي", "ی": "ي", "ک": "ك", "ـ": ""})
_TASHKEEL = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
_WORD = re.compile(r"[\w\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]+")
_ARABIC_ARTICLES = ("وال", "بال", "فال", "كال", "لل", "ال")


def normalise(text: str) -> str:
    """One spelling per word across keyboards: case, accents, Arabic letter forms, marks."""
    text = unicodedata.normalize("NFKC", text)  # Arabic presentation forms to letters
    text = _TASHKEEL.sub("", text.translate(_ARABIC_FORMS))
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in text if not unicodedata.combining(c))


_STOP_WORDS = {normalise(w) for w in """
    the and for with from that this these those are was were been being have has had not but
    all can will would should could into more than they them their there our ours your its
    his her she him who whom what when where which while how also about such very other some
    any each between through over under out via per use using make made most much many
    one new need needs want wants
    les des une est pour par avec dans sur que qui aux ces cette ses son leur leurs nos notre
    vos votre plus pas mais comme tout tous toute toutes entre sans sous ont sont être avoir
    fait faire elle elles ils nous vous donc ainsi afin chez dont aussi très peu cela ceci
    في من على إلى الى عن مع هذا هذه ذلك تلك التي الذي الذين أو او أن ان إن كان كانت لا ما هو
    هي هم نحن كل بين عند حتى قد ثم لقد أي ايضا أيضا غير بعد قبل لدى له لها لهم وهو وفي ومن
    """.split()}


def _stem(token: str) -> str:
    """A light stem, enough for plurals and the Arabic article to meet."""
    if token.isascii():
        return token[:-1] if len(token) > 4 and token.endswith("s") and token[-2] != "s" else token
    for article in _ARABIC_ARTICLES:
        if token.startswith(article) and len(token) - len(article) >= 3:
            return token[len(article):]
    return token


def tokens(text: str) -> dict[str, str]:
    """The card's meaningful words, normalised, each with a spelling from the card."""
    found: dict[str, str] = {}
    for word in _WORD.findall(text or ""):
        for token in re.findall(r"\w+", normalise(word)):
            if len(token) < 3 or token in _STOP_WORDS or token.isdigit():
                continue
            found.setdefault(_stem(token), word)
    return found


def similarity_groups(texts: dict[int, str],
                      threshold: float = SIMILARITY_THRESHOLD) -> list[dict]:
    """Greedy clustering of cards by TF-IDF cosine over their word sets: each card joins
    the group it is most similar to on average, if that reaches the threshold."""
    words = {key: tokens(text) for key, text in texts.items()}
    words = {key: found for key, found in words.items() if found}
    df = Counter(token for found in words.values() for token in found)
    n = len(words)
    vectors: dict[int, dict[str, float]] = {}
    for key, found in words.items():
        weights = {t: math.log((1 + n) / (1 + df[t])) + 1 for t in found}
        norm = math.sqrt(sum(w * w for w in weights.values()))
        vectors[key] = {t: w / norm for t, w in weights.items()}

    def cosine(a: int, b: int) -> float:
        va, vb = vectors[a], vectors[b]
        return sum(w * vb[t] for t, w in va.items() if t in vb)

    groups: list[list[int]] = []
    for key in sorted(vectors):
        scored = [(sum(cosine(key, m) for m in g) / len(g), i) for i, g in enumerate(groups)]
        best = max(scored, default=(0.0, -1))
        if best[0] >= threshold:
            groups[best[1]].append(key)
        else:
            groups.append([key])
    result = []
    for group in groups:
        if len(group) < 2:
            continue
        weight = Counter()
        for key in group:
            weight.update(vectors[key])
        shared = sorted((t for t in weight if sum(t in vectors[k] for k in group) > 1),
                        key=lambda t: (-round(weight[t], 6), -len(t)))
        keywords = [words[group[0]].get(t) or next(words[k][t] for k in group if t in words[k])
                    for t in shared[:3]]
        result.append({"idea_ids": group, "keywords": keywords})
    return result


def suggest_themes(viewer: Viewer) -> dict:
    """Groups of similar loose cards the facilitators may turn into themes. Nothing is
    changed: the facilitators decide."""
    require_staff(viewer)
    loose = {card.id: " ".join([card.text, *(card.merged_texts or [])])
             for card in ideas.live_ideas(viewer.workshop_id)
             if card.theme_id is None and not card.hidden}
    return {"suggestions": similarity_groups(loose)}


# --- voting ----------------------------------------------------------------------------

def voting_info(workshop: Workshop) -> dict:
    settings = ideas.step_settings(workshop.id)
    return {"open": settings.voting_open, "revealed": settings.votes_revealed,
            "allow_multiple": settings.allow_multiple_dots,
            "dots_per_participant": workshop.dots_per_participant}


def totals(workshop_id: int) -> dict[int, int]:
    """Dots per live theme (0 for a theme without any)."""
    counts = dict(db.session.execute(
        select(Vote.theme_id, func.sum(Vote.count)).where(Vote.workshop_id == workshop_id)
        .group_by(Vote.theme_id)).all())
    return {theme.id: int(counts.get(theme.id) or 0) for theme in live_themes(workshop_id)}


def results(workshop: Workshop) -> list[dict]:
    """Themes by dots, most first. Ties are flagged, and so is a tie across the cut-off
    (the last priority place), which the room has to settle."""
    themes = live_themes(workshop.id)
    dots = totals(workshop.id)
    ordered = sorted(themes, key=lambda t: (-dots[t.id], t.position, t.id))
    counts = Counter(dots.values())
    cut = workshop.priority_count
    cutoff_dots = (dots[ordered[cut - 1].id] if len(ordered) > cut else None)
    rows = []
    for index, theme in enumerate(ordered):
        n = dots[theme.id]
        rank = 1 + sum(1 for other in ordered if dots[other.id] > n)
        rows.append({"theme": theme_view(theme), "dots": n, "rank": rank,
                     "tied": counts[n] > 1,
                     "tie_at_cutoff": cutoff_dots is not None and n == cutoff_dots
                     and dots[ordered[cut].id] == cutoff_dots})
    return rows


def _wire_totals(workshop_id: int) -> list[dict]:
    return [{"theme_id": tid, "dots": n} for tid, n in totals(workshop_id).items()]


def _publish_totals(workshop: Workshop, actor: str) -> None:
    """Counts to everyone once revealed; to the facilitators only before."""
    revealed = ideas.step_settings(workshop.id).votes_revealed
    eventlog.append(workshop, "votes.updated", {"totals": _wire_totals(workshop.id)},
                    audience="all" if revealed else "facilitators", actor=actor)


def set_voting(viewer: Viewer, open: object = None, revealed: object = None,  # noqa: A002
               allow_multiple: object = None) -> dict:
    """Open or close the vote, reveal or hide the totals, allow several dots per theme."""
    require_runner(viewer)
    open, revealed, allow_multiple = switch(open), switch(revealed), switch(allow_multiple)
    workshop = _workshop(viewer)
    settings = ideas.step_settings(workshop.id, create=True)
    if open and not settings.voting_open and not live_themes(workshop.id):
        raise OperationError("no_themes", _l(
            "Create at least one theme before opening the vote."))
    was_revealed = settings.votes_revealed
    if open is not None:
        settings.voting_open = open
    if revealed is not None:
        settings.votes_revealed = revealed
    if allow_multiple is not None:
        settings.allow_multiple_dots = allow_multiple
    db.session.flush()
    eventlog.append(workshop, "voting.updated", voting_info(workshop), actor=viewer.actor)
    if settings.votes_revealed and not was_revealed:
        eventlog.append(workshop, "votes.revealed", {"results": results(workshop)},
                        actor=viewer.actor)
    return voting_info(workshop)


def _my_dots(workshop: Workshop, participant_id: int) -> dict:
    rows = db.session.scalars(select(Vote).where(
        Vote.workshop_id == workshop.id, Vote.participant_id == participant_id)
        .order_by(Vote.theme_id)).all()
    used = sum(row.count for row in rows)
    return {"dots_left": max(workshop.dots_per_participant - used, 0),
            "dots": [{"theme_id": row.theme_id, "count": row.count} for row in rows]}


def _require_voting(viewer: Viewer, workshop: Workshop) -> None:
    if viewer.kind != "participant":
        raise OperationError("forbidden", _l("Only participants can do this."))
    if not method.allows(workshop.stage, "vote"):
        raise OperationError("wrong_stage", _l(
            "Voting is not open at this step: your dot was not counted."),
            stage=workshop.stage)
    if not ideas.step_settings(workshop.id).voting_open:
        raise OperationError("voting_closed", _l(
            "Voting is closed: your dot was not counted."))
    # serialise this participant's dots against each other: take the workshop row first
    db.session.execute(update(Workshop).where(Workshop.id == workshop.id)
                       .values(last_seq=Workshop.last_seq)
                       .execution_options(synchronize_session=False))


def _after_dot(workshop: Workshop, viewer: Viewer) -> dict:
    db.session.flush()
    mine = _my_dots(workshop, viewer.participant_id)
    _publish_totals(workshop, viewer.actor)
    eventlog.append(workshop, "dots.mine", mine, audience="participant",
                    target_id=viewer.participant_id, actor=viewer.actor)
    return mine


def place_dot(viewer: Viewer, theme_id: object) -> dict:
    """A participant puts one of their dots on a theme."""
    workshop = _workshop(viewer)
    _require_voting(viewer, workshop)
    theme = _theme(viewer, theme_id)
    mine = _my_dots(workshop, viewer.participant_id)
    if mine["dots_left"] <= 0:
        raise OperationError("no_dots_left", _l(
            "You have used all your %(n)d dots. Take one back from another theme to put it "
            "here.", n=workshop.dots_per_participant))
    vote = db.session.scalar(select(Vote).where(
        Vote.participant_id == viewer.participant_id, Vote.theme_id == theme.id))
    if vote is None:
        db.session.add(Vote(workshop_id=workshop.id, participant_id=viewer.participant_id,
                            theme_id=theme.id, count=1))
    elif ideas.step_settings(workshop.id).allow_multiple_dots:
        vote.count += 1
    else:
        raise OperationError("already_voted", _l(
            "You already have a dot on this theme: one dot per theme. Choose another theme."))
    return _after_dot(workshop, viewer)


def remove_dot(viewer: Viewer, theme_id: object) -> dict:
    """A participant takes back one of their dots from a theme."""
    workshop = _workshop(viewer)
    _require_voting(viewer, workshop)
    theme = _theme(viewer, theme_id)
    vote = db.session.scalar(select(Vote).where(
        Vote.participant_id == viewer.participant_id, Vote.theme_id == theme.id))
    if vote is None:
        raise OperationError("no_dot_here", _l("You have no dot on this theme."))
    if vote.count > 1:
        vote.count -= 1
    else:
        db.session.delete(vote)
    return _after_dot(workshop, viewer)


# --- confirming ------------------------------------------------------------------------

def _aligned(values: object, theme_ids: list[int]) -> list:
    """Optional titles or descriptions: a list in the order of theme_ids, or {id: value}."""
    if values is None:
        return [None] * len(theme_ids)
    if isinstance(values, dict):
        return [values.get(str(tid), values.get(tid)) for tid in theme_ids]
    if isinstance(values, list) and len(values) == len(theme_ids):
        return values
    raise OperationError("bad_request", _l("Please reload the page and try again."))


def confirm_priorities(viewer: Viewer, theme_ids: object, titles: object = None,
                       descriptions: object = None) -> dict:
    """The room's priorities, in order, with final titles: what Step 3 works on."""
    require_runner(viewer)
    workshop = _workshop(viewer)
    if workshop.stage not in CONFIRM_STAGES:
        raise OperationError("wrong_stage", _l(
            "Priorities are confirmed after the vote, at the “Define priorities” step."),
            stage=workshop.stage)
    themes = live_themes(workshop.id)
    if not themes:
        raise OperationError("no_themes", _l("There are no themes to choose from yet."))
    expected = min(workshop.priority_count, len(themes))
    if (not isinstance(theme_ids, list) or len(set(map(str, theme_ids))) != len(theme_ids)
            or len(theme_ids) != expected):
        raise OperationError("wrong_count", _l(
            "Please choose exactly %(n)d different priorities.", n=expected),
            expected=expected)
    chosen = [_theme(viewer, tid) for tid in theme_ids]
    new_titles = _aligned(titles, theme_ids)
    new_descriptions = _aligned(descriptions, theme_ids)
    # the chosen themes are renamed together (titles may swap): each new title must be
    # free among the other themes, and the final titles distinct among themselves
    chosen_ids = tuple(theme.id for theme in chosen)
    final_titles = [theme.title if title is None
                    else _clean_title(title, workshop.id, except_ids=chosen_ids)
                    for theme, title in zip(chosen, new_titles)]
    if len({title.casefold() for title in final_titles}) != len(final_titles):
        raise OperationError("duplicate_theme", _l("Two priorities cannot have the same title."))
    for theme in themes:
        theme.confirmed_rank = None
    for rank, (theme, title, description) in enumerate(
            zip(chosen, final_titles, new_descriptions), start=1):
        theme.title = title
        if description is not None:
            theme.description = _clean_description(description)
        theme.confirmed_rank = rank
    data = {"priorities": [theme_view(theme) for theme in chosen]}
    eventlog.append(workshop, "priorities.confirmed", data, actor=viewer.actor)
    return data


def confirmed(workshop_id: int) -> list[Theme]:
    return list(db.session.scalars(select(Theme).where(
        Theme.workshop_id == workshop_id, Theme.confirmed_rank.is_not(None),
        Theme.merged_into_id.is_(None)).order_by(Theme.confirmed_rank)))


# --- snapshot ------------------------------------------------------------------------

@part("priorities")
def _priorities_part(workshop: Workshop, staff: bool) -> dict:
    """Themes, the vote and the priorities as the staff or as everyone sees them."""
    voting = voting_info(workshop)
    shown = staff or voting["revealed"]
    return {"themes": [theme_view(theme) for theme in live_themes(workshop.id)],
            "voting": voting,
            "totals": _wire_totals(workshop.id) if shown else None,
            "results": results(workshop) if shown else None,
            "confirmed": [theme_view(theme) for theme in confirmed(workshop.id)]}


@personal("priorities")
def _my_dots_part(shared: dict, workshop: Workshop, viewer: Viewer) -> dict:
    """A phone's copy adds its own dots."""
    if viewer.kind != "participant":
        return shared
    return {**shared, "mine": _my_dots(workshop, viewer.participant_id)}

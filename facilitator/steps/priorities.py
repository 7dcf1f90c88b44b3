"""Step 2: the facilitators group the ideas into themes, the room votes with dots, and
the facilitators confirm the priorities.

Dot totals stay with the facilitators until they reveal them, so early dots do not sway
the room: before that, count events go to the facilitators only and a participant is told
only their own dots left. Theme suggestions are computed from the cards' words and only
ever shown to the facilitators, who decide.
"""
from __future__ import annotations

from collections import Counter
from typing import Callable

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from .. import eventlog, method
from ..errors import OperationError
from ..extensions import db
from ..models import Idea, Theme, Vote, Workshop
from ..payload import ids, is_id, switch
from ..snapshot import part, personal
from ..text import clean_line
from ..viewers import Viewer
from ..workshops import require_runner, require_staff
from . import ideas, matching

# What a later step must tell the facilitator when the priorities are confirmed again
# (groups already working on them): registered by that step (groups.py), so that Step 2
# does not reach into Step 3.
CONFIRM_WARNINGS: list[Callable[[int], str | None]] = []


def warns_on_confirm(check: Callable[[int], str | None]):
    CONFIRM_WARNINGS.append(check)
    return check


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
    for source in sources:
        source.merged_ideas = list(db.session.scalars(select(Idea.id).where(
            Idea.theme_id == source.id)))
    db.session.execute(update(Idea).where(Idea.theme_id.in_(source_ids))
                       .values(theme_id=into.id).execution_options(synchronize_session=False))
    moved_dots = False
    returned: set[int] = set()  # participants given a dot back: one dot per theme
    one_per_theme = not ideas.step_settings(workshop.id).allow_multiple_dots
    for vote in db.session.scalars(select(Vote).where(Vote.theme_id.in_(source_ids))).all():
        kept = db.session.scalar(select(Vote).where(
            Vote.participant_id == vote.participant_id, Vote.theme_id == into.id))
        if kept is None:
            vote.theme_id = into.id
            db.session.flush()  # a second source theme of the same person meets this row
        elif one_per_theme:
            returned.add(vote.participant_id)
            db.session.delete(vote)
            db.session.flush()
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
        publish_totals(workshop, viewer.actor)
    for participant_id in sorted(returned):  # told on their phone, with the dot back
        eventlog.append(workshop, "dots.mine",
                        {**_my_dots(workshop, participant_id), "returned": 1,
                         "reason": "theme_merged", "theme": into.title},
                        audience="participant", target_id=participant_id, actor=viewer.actor)
    if ranks_changed:
        eventlog.append(workshop, "priorities.confirmed",
                        {"priorities": [theme_view(t) for t in confirmed(workshop.id)]},
                        actor=viewer.actor)
    return {"theme": theme_view(into), "merged": source_ids, "ideas": moved}


def unmerge_theme(viewer: Viewer, theme_id: object) -> dict:
    """Undo a merge: the theme comes back with the cards that moved with it (those still
    under the theme it was merged into). Dots stay where they are: once added up they
    cannot be told apart."""
    require_runner(viewer)
    workshop = _workshop(viewer)
    theme = db.session.get(Theme, theme_id) if is_id(theme_id) else None
    if theme is None or theme.workshop_id != workshop.id or theme.merged_into_id is None:
        raise OperationError("not_found", _l("This theme was not merged into another one."))
    into = db.session.get(Theme, theme.merged_into_id)
    if into is None or into.merged_into_id is not None:
        raise OperationError("not_found", _l(
            "The theme it was merged into was merged again: undo that merge first."))
    back = [card for card in ideas.live_ideas(workshop.id)
            if card.id in (theme.merged_ideas or []) and card.theme_id == into.id]
    for card in back:
        card.theme_id = theme.id
    theme.merged_into_id, theme.merged_ideas = None, None
    theme.title = _clean_title(theme.title, workshop.id, except_ids=(theme.id,))
    db.session.flush()
    shown = [card.id for card in back if not card.hidden]
    data = {"theme": theme_view(theme), "from": into.id}
    eventlog.append(workshop, "theme.unmerged", {**data, "ideas": shown}, actor=viewer.actor)
    if len(shown) != len(back):
        eventlog.append(workshop, "theme.unmerged", {**data, "ideas": [c.id for c in back]},
                        audience="facilitators", actor=viewer.actor)
    return {**data, "ideas": [card.id for card in back]}


def delete_theme(viewer: Viewer, theme_id: object) -> dict:
    """Remove a theme nobody needs: no card under it, no dot on it."""
    require_runner(viewer)
    workshop = _workshop(viewer)
    theme = _theme(viewer, theme_id)
    if any(card.theme_id == theme.id for card in ideas.live_ideas(workshop.id)):
        raise OperationError("theme_not_empty", _l(
            "Cards are under this theme: move them first, or merge the theme."))
    if db.session.scalar(select(Vote.id).where(Vote.theme_id == theme.id).limit(1)):
        raise OperationError("theme_not_empty", _l(
            "Dots are on this theme: merge it instead, so they are kept."))
    if theme.confirmed_rank:
        raise OperationError("theme_not_empty", _l(
            "This theme is a confirmed priority: confirm other priorities first."))
    db.session.execute(update(Idea).where(Idea.theme_id == theme.id).values(theme_id=None)
                       .execution_options(synchronize_session=False))
    # themes merged into it earlier go with it (they are on no screen already)
    gone, frontier = [theme], [theme.id]
    while frontier:
        merged = db.session.scalars(select(Theme).where(Theme.merged_into_id.in_(frontier))).all()
        gone += merged
        frontier = [t.id for t in merged]
    for row in reversed(gone):
        db.session.delete(row)
        db.session.flush()
    eventlog.append(workshop, "theme.deleted", {"id": theme.id}, actor=viewer.actor)
    return {"id": theme.id}


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

def suggest_themes(viewer: Viewer) -> dict:
    """Groups of similar loose cards the facilitators may turn into themes. Nothing is
    changed: the facilitators decide."""
    require_staff(viewer)
    loose = {card.id: " ".join([card.text, *(card.merged_texts or [])])
             for card in ideas.live_ideas(viewer.workshop_id)
             if card.theme_id is None and not card.hidden}
    return {"suggestions": matching.similarity_groups(loose, SIMILARITY_THRESHOLD)}


# --- voting ----------------------------------------------------------------------------

def voting_info(workshop: Workshop) -> dict:
    settings = ideas.step_settings(workshop.id)
    return {"open": settings.voting_open, "revealed": settings.votes_revealed,
            "allow_multiple": settings.allow_multiple_dots,
            "dots_per_participant": workshop.dots_per_participant,
            "voters": voters(workshop.id)}


def voters(workshop_id: int) -> int:
    """How many participants have placed at least one dot ("23 of 40 have voted")."""
    return int(db.session.scalar(select(func.count(func.distinct(Vote.participant_id)))
                                 .where(Vote.workshop_id == workshop_id)) or 0)


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


def publish_totals(workshop: Workshop, actor: str, turnout_may_move: bool = True) -> None:
    """Counts to everyone once revealed; to the facilitators only before. Before, the
    room still sees how many have voted ("4 of 5 have voted"), never the dots: told
    when that number may have moved (a first dot placed, a last one taken back)."""
    revealed = ideas.step_settings(workshop.id).votes_revealed
    turnout = voters(workshop.id)
    eventlog.append(workshop, "votes.updated", {"totals": _wire_totals(workshop.id),
                                                "voters": turnout},
                    audience="all" if revealed else "facilitators", actor=actor)
    if not revealed and turnout_may_move:
        eventlog.append(workshop, "votes.turnout", {"voters": turnout}, actor=actor)


def set_voting(viewer: Viewer, open: object = None, revealed: object = None,  # noqa: A002
               allow_multiple: object = None) -> dict:
    """Open or close the vote, reveal or hide the totals, allow several dots per theme.

    Nobody moves a dot after seeing the results: revealing them closes the vote, and the
    vote opens again only once they are hidden."""
    require_runner(viewer)
    open, revealed, allow_multiple = switch(open), switch(revealed), switch(allow_multiple)
    workshop = _workshop(viewer)
    settings = ideas.step_settings(workshop.id)
    if open and not settings.voting_open and not live_themes(workshop.id):
        raise OperationError("no_themes", _l(
            "Create at least one theme before opening the vote."))
    if open and revealed is not False and (revealed or settings.votes_revealed):
        raise OperationError("results_shown", _l(
            "The results are shown: hide them before opening the vote again."))
    was_revealed = settings.votes_revealed
    if open is not None:
        settings.voting_open = open
    if revealed is not None:
        settings.votes_revealed = revealed
    if settings.votes_revealed:
        settings.voting_open = False
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


def _after_dot(workshop: Workshop, viewer: Viewer) -> dict:
    db.session.flush()
    mine = _my_dots(workshop, viewer.participant_id)
    used = workshop.dots_per_participant - mine["dots_left"]
    publish_totals(workshop, viewer.actor, turnout_may_move=used <= 1)
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
    if ideas.step_settings(workshop.id).voting_open:
        raise OperationError("voting_open", _l(
            "The vote is still open: close it (or show the results) before confirming."))
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
    warning = next(filter(None, (warn(workshop.id) for warn in CONFIRM_WARNINGS)), None)
    return {**data, "warning": warning} if warning else data


def confirmed(workshop_id: int) -> list[Theme]:
    return list(db.session.scalars(select(Theme).where(
        Theme.workshop_id == workshop_id, Theme.confirmed_rank.is_not(None),
        Theme.merged_into_id.is_(None)).order_by(Theme.confirmed_rank)))


# --- snapshot ------------------------------------------------------------------------

@part("priorities", "`totals` and `results` are null for the projector and phones until "
                    "revealed; `mine`: the phone's own dots")
def _priorities_part(workshop: Workshop, staff: bool) -> dict:
    """Themes, the vote and the priorities as the staff or as everyone sees them."""
    voting = voting_info(workshop)
    shown = staff or voting["revealed"]
    return {"themes": [theme_view(theme) for theme in live_themes(workshop.id)],
            "voting": voting,
            "totals": _wire_totals(workshop.id) if shown else None,
            "results": results(workshop) if shown else None,
            "confirmed": [theme_view(theme) for theme in confirmed(workshop.id)]}


@part("priorities", phone=True)
def _priorities_for_phones(workshop: Workshop, staff: bool) -> dict:
    """What everyone sees, and every phone's own dots read at once (`_dots`), so a
    thousand phones syncing cost no query each."""
    dots: dict[int, list[dict]] = {}
    for row in db.session.scalars(select(Vote).where(Vote.workshop_id == workshop.id)
                                  .order_by(Vote.participant_id, Vote.theme_id)):
        dots.setdefault(row.participant_id, []).append(
            {"theme_id": row.theme_id, "count": row.count})
    return {**_priorities_part(workshop, staff), "_dots": dots}


@personal("priorities")
def _my_dots_part(shared: dict, workshop: Workshop, viewer: Viewer) -> dict:
    """A phone's copy adds its own dots."""
    if viewer.kind != "participant":
        return shared
    mine = shared["_dots"].get(viewer.participant_id, [])
    used = sum(dot["count"] for dot in mine)
    return {**shared, "mine": {"dots_left": max(workshop.dots_per_participant - used, 0),
                               "dots": mine}}

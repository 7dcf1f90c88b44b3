"""Step 1: participants share ideas, experiences and good practices on cards.

Who sees what is decided here, once, in `view`: hidden cards are for the facilitators
only, and when cards are anonymous nobody but the facilitators sees who wrote them. Each
change appends an event for everyone that never carries more than everyone may see, then
(only when it differs) the complete card for the facilitators; facilitators receive both,
the later one complete, so a client simply replaces a card by its id.
"""
from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, select

from .. import eventlog, method
from ..errors import OperationError
from ..extensions import db
from ..models import Idea, Participant, StepSettings, Workshop, iso, utcnow
from ..payload import ids, is_id, is_whole, switch
from ..snapshot import part, personal
from ..text import clean_line, one_line
from ..viewers import Viewer
from ..workshops import require_runner

KINDS = ("idea", "experience", "practice")
LIMITS = {"text": 500, "origin": 80}
MAX_IDEAS_PER_PARTICIPANT = 40  # a phone stuck on "send" must not flood the wall
TIMER_SECONDS = (10, 3 * 60 * 60)


# --- settings ------------------------------------------------------------------------

def step_settings(workshop_id: int) -> StepSettings:
    """The room's switches for Steps 1 and 2: one row per workshop, made with it, so
    every later read in a transaction comes from the session without a query."""
    held = db.session.info.setdefault("facilitator.step_settings", {})
    settings = held.get(workshop_id)
    if settings is None:  # the identity map holds objects weakly: keep this one
        settings = held[workshop_id] = db.session.get(StepSettings, workshop_id)
    return settings


def settings_info(settings: StepSettings) -> dict:
    return {"anonymous": settings.anonymous, "input_locked": settings.input_locked,
            "timer_ends_at": iso(settings.timer_ends_at)}


# --- what a viewer may see of a card ---------------------------------------------------

def is_live(idea: Idea) -> bool:
    """A card still on the wall (not withdrawn, not merged into another)."""
    return not idea.withdrawn and idea.merged_into_id is None


def author_ids(idea: Idea) -> list[int]:
    ids = [idea.participant_id] if idea.participant_id is not None else []
    return ids + [pid for pid in idea.extra_authors or [] if pid not in ids]


def author_names(ideas: list[Idea]) -> dict[int, str]:
    """The names of these cards' authors, in one query whatever the number of cards
    (none when they are all in the session already, like the author of a new card)."""
    ids = {pid for idea in ideas for pid in author_ids(idea)}
    known = db.session.info.get("facilitator.people", {})
    names = {pid: known[pid].name for pid in ids if pid in known}
    missing = ids - set(names)
    if missing:
        names.update(db.session.execute(
            select(Participant.id, Participant.name).where(Participant.id.in_(missing))).all())
    return names


def _authors(idea: Idea, names: dict[int, str] | None = None) -> list[dict]:
    names = author_names([idea]) if names is None else names
    return [{"id": pid, "name": names[pid]} for pid in author_ids(idea) if pid in names]


def view(idea: Idea, viewer: Viewer | None, anonymous: bool,
         names: dict[int, str] | None = None) -> dict | None:
    """The card as this viewer may see it, or None. viewer=None means "everyone"."""
    card = _card(idea, viewer is not None and viewer.is_staff, anonymous, names)
    if card is not None and viewer is not None and viewer.kind == "participant":
        card["mine"] = viewer.participant_id in author_ids(idea)
    return card


def _card(idea: Idea, staff: bool, anonymous: bool,
          names: dict[int, str] | None = None) -> dict | None:
    if not is_live(idea) or (idea.hidden and not staff):
        return None
    card = {"id": idea.id, "text": idea.text, "kind": idea.kind, "origin": idea.origin,
            "merged_texts": list(idea.merged_texts or []), "theme_id": idea.theme_id,
            "hidden": idea.hidden, "created_at": iso(idea.created_at),
            "updated_at": iso(idea.updated_at)}
    if staff or not anonymous:
        card["authors"] = _authors(idea, names)
    return card


def publish(workshop: Workshop, idea: Idea, type_: str, actor: str, **extra) -> None:
    """Tell each audience what it may see of this card's change (see the module doc)."""
    anonymous = step_settings(workshop.id).anonymous
    names = author_names([idea])
    full = _card(idea, True, anonymous, names)
    public = _card(idea, False, anonymous, names)
    if full is None:  # withdrawn or merged away: gone for everyone
        eventlog.append(workshop, "idea.removed", {"ids": [idea.id], **extra}, actor=actor)
        return
    if public is None:  # hidden: everyone drops it, facilitators keep the whole card
        eventlog.append(workshop, "idea.removed", {"ids": [idea.id, *extra.get("merged", [])]},
                        actor=actor)
    else:
        eventlog.append(workshop, type_, {"idea": public, **extra}, actor=actor)
    if public != full:
        eventlog.append(workshop, type_, {"idea": full, **extra}, audience="facilitators",
                        actor=actor)


# --- Step 1 capabilities ---------------------------------------------------------------

def _workshop(viewer: Viewer) -> Workshop:
    return db.session.get(Workshop, viewer.workshop_id)


def find_idea(viewer: Viewer, idea_id: object) -> Idea:
    """A live card of this workshop the viewer may see, or a clear refusal."""
    idea = None
    if is_id(idea_id):
        idea = db.session.get(Idea, idea_id)
    if (idea is None or idea.workshop_id != viewer.workshop_id or not is_live(idea)
            or (idea.hidden and not viewer.is_staff)):
        raise OperationError("not_found", _l(
            "This card is no longer on the wall (it may have been withdrawn or merged)."))
    return idea


def _clean_text(text: object) -> str:
    text = one_line(text)
    if not text:
        raise OperationError("empty_text", _l("Please write your idea before sending it."))
    if len(text) > LIMITS["text"]:
        raise OperationError("too_long", _l(
            "Your card is too long (%(n)d characters at most). Please shorten it.",
            n=LIMITS["text"]), length=len(text))
    return text


def _clean_kind(kind: object) -> str:
    if kind not in KINDS:
        raise OperationError("bad_kind", _l(
            "Please choose whether this is an idea, an experience or a good practice."))
    return kind


def _clean_origin(origin: object) -> str:
    return clean_line(origin, LIMITS["origin"], _l(
        "The country or organisation is too long (%(n)d characters at most).",
        n=LIMITS["origin"]))


def _require_input_open(workshop: Workshop) -> None:
    """Phones may send ideas only at the ideas stage and before the facilitator locks."""
    if not method.allows(workshop.stage, "post_idea"):
        raise OperationError("wrong_stage", _l(
            "Sharing ideas is closed at this step: your card was not sent. "
            "Your text is kept on your phone."), stage=workshop.stage)
    if step_settings(workshop.id).input_locked:
        raise OperationError("input_locked", _l(
            "Your card arrived too late: the facilitator has closed the input. "
            "Your text is kept on your phone."))


def _require_participant(viewer: Viewer) -> None:
    if viewer.kind != "participant":
        raise OperationError("forbidden", _l("Only participants can do this."))


# the cap counts the cards still on the wall: a withdrawn or merged card frees a place
# (built once: it runs for every card)
_CARDS = Idea.__table__.c
_POSTED = select(func.count(_CARDS.id)).where(
    _CARDS.workshop_id == bindparam("workshop_id"),
    _CARDS.participant_id == bindparam("participant_id"),
    _CARDS.withdrawn.is_(False), _CARDS.merged_into_id.is_(None))


def post_idea(viewer: Viewer, text: object, kind: object = "idea",
              origin: object = "") -> dict:
    """A participant's new card, on the wall at once for everyone."""
    _require_participant(viewer)
    workshop = _workshop(viewer)
    _require_input_open(workshop)
    fields = {"text": _clean_text(text), "kind": _clean_kind(kind or "idea"),
              "origin": _clean_origin(origin)}
    posted = db.session.execute(_POSTED, {"workshop_id": workshop.id,
                                          "participant_id": viewer.participant_id}).scalar()
    if posted >= MAX_IDEAS_PER_PARTICIPANT:
        raise OperationError("too_many", _l(
            "You have shared %(n)d cards already, the most one person can share.",
            n=MAX_IDEAS_PER_PARTICIPANT))
    now = utcnow()
    idea = Idea(workshop_id=workshop.id, participant_id=viewer.participant_id,
                extra_authors=[], merged_texts=[], hidden=False, withdrawn=False,
                created_at=now, updated_at=now, **fields)
    db.session.add(idea)
    db.session.flush()
    publish(workshop, idea, "idea.posted", viewer.actor)
    return {"idea": view(idea, viewer, step_settings(workshop.id).anonymous,
                         {viewer.participant_id: _my_name(viewer)})}


def _my_name(viewer: Viewer) -> str:
    return db.session.get(Participant, viewer.participant_id).name


def _require_may_change(viewer: Viewer, workshop: Workshop, idea: Idea) -> None:
    """Facilitators may always change a card; its author only while input is open."""
    if viewer.runs_workshop:
        return
    if viewer.kind != "participant" or viewer.participant_id not in author_ids(idea):
        raise OperationError("forbidden", _l("Only the card's author or a facilitator can "
                                             "change it."))
    _require_input_open(workshop)


def edit_idea(viewer: Viewer, idea_id: object, text: object = None, kind: object = None,
              origin: object = None) -> dict:
    """Fix a card's text, kind or origin; fields left out stay as they are."""
    workshop = _workshop(viewer)
    idea = find_idea(viewer, idea_id)
    _require_may_change(viewer, workshop, idea)
    if text is not None:
        idea.text = _clean_text(text)
    if kind is not None:
        idea.kind = _clean_kind(kind)
    if origin is not None:
        idea.origin = _clean_origin(origin)
    idea.updated_at = utcnow()
    db.session.flush()
    publish(workshop, idea, "idea.updated", viewer.actor)
    return {"idea": view(idea, viewer, step_settings(workshop.id).anonymous)}


def withdraw_idea(viewer: Viewer, idea_id: object) -> dict:
    """Take a card off the wall (kept in the database, shown to nobody)."""
    workshop = _workshop(viewer)
    idea = find_idea(viewer, idea_id)
    _require_may_change(viewer, workshop, idea)
    idea.withdrawn = True
    idea.updated_at = utcnow()
    publish(workshop, idea, "idea.removed", viewer.actor, reason="withdrawn")
    return {"id": idea.id}


def _set_hidden(viewer: Viewer, idea_id: object, hidden: bool) -> dict:
    require_runner(viewer)
    workshop = _workshop(viewer)
    idea = find_idea(viewer, idea_id)
    idea.hidden = hidden
    idea.updated_at = utcnow()
    db.session.flush()
    publish(workshop, idea, "idea.updated", viewer.actor)
    tell_authors(workshop, idea, viewer.actor)
    return {"idea": view(idea, viewer, step_settings(workshop.id).anonymous)}


def set_aside_view(idea: Idea) -> dict:
    """What an author is told of their card that left the wall without them: hidden by
    the facilitator, or merged into another card (status null: back on the wall)."""
    status = ("merged" if idea.merged_into_id is not None
              else "hidden" if idea.hidden else None)
    return {"id": idea.id, "text": idea.text, "status": status,
            "merged_into": idea.merged_into_id}


def tell_authors(workshop: Workshop, idea: Idea, actor: str) -> None:
    """Each author of the card hears what happened to it, on their own phone."""
    for participant_id in author_ids(idea):
        eventlog.append(workshop, "idea.set_aside", set_aside_view(idea),
                        audience="participant", target_id=participant_id, actor=actor)


def hide_idea(viewer: Viewer, idea_id: object) -> dict:
    """Take an offensive or off-topic card off the projector and phones; facilitators
    still see it and can restore it."""
    return _set_hidden(viewer, idea_id, True)


def restore_idea(viewer: Viewer, idea_id: object) -> dict:
    """Show a hidden card again to everyone."""
    return _set_hidden(viewer, idea_id, False)


def merge_ideas(viewer: Viewer, into_id: object, idea_ids: object) -> dict:
    """Merge duplicate cards into one that keeps every text and every author."""
    require_runner(viewer)
    workshop = _workshop(viewer)
    into = find_idea(viewer, into_id)
    idea_ids = ids(idea_ids, _l("Choose the cards to merge into this one."))
    sources = []
    for idea_id in dict.fromkeys(idea_ids):
        if idea_id == into.id:
            continue
        sources.append(find_idea(viewer, idea_id))
    if not sources:
        raise OperationError("bad_request", _l("Choose at least one other card to merge."))
    if into.hidden or any(source.hidden for source in sources):
        # a merged card shows every text it holds: a hidden one would reach the wall
        raise OperationError("hidden_card", _l(
            "A hidden card cannot be merged. Restore it first, or leave it hidden."))
    texts = list(into.merged_texts or [])
    authors = [pid for pid in into.extra_authors or [] if pid != into.participant_id]
    for source in sources:
        texts += [source.text, *(source.merged_texts or [])]
        for pid in author_ids(source):
            if pid != into.participant_id and pid not in authors:
                authors.append(pid)
        source.merged_into_id = into.id
        source.updated_at = utcnow()
        tell_authors(workshop, source, viewer.actor)
        # cards merged earlier into a source now point at the card that holds their text
        for child in db.session.scalars(select(Idea).where(Idea.merged_into_id == source.id)):
            child.merged_into_id = into.id
    into.merged_texts = texts  # new lists: JSON columns notice reassignment only
    into.extra_authors = authors
    into.updated_at = utcnow()
    db.session.flush()
    merged = [source.id for source in sources]
    publish(workshop, into, "idea.merged", viewer.actor, merged=merged)
    return {"idea": view(into, viewer, step_settings(workshop.id).anonymous),
            "merged": merged}


def set_idea_settings(viewer: Viewer, anonymous: object = None,
                      input_locked: object = None) -> dict:
    """Anonymous cards, and locking the input when time is up."""
    require_runner(viewer)
    anonymous, input_locked = switch(anonymous), switch(input_locked)
    workshop = _workshop(viewer)
    settings = step_settings(workshop.id)
    revealed_names = anonymous is not None and settings.anonymous and not anonymous
    if anonymous is not None:
        settings.anonymous = anonymous
    if input_locked is not None:
        settings.input_locked = input_locked
    db.session.flush()
    data = settings_info(settings)
    if revealed_names:  # names were withheld until now: give clients what they lack
        shown = [idea for idea in live_ideas(workshop.id) if not idea.hidden]
        names = author_names(shown)
        data["authors"] = [{"id": idea.id, "authors": _authors(idea, names)}
                           for idea in shown]
    eventlog.append(workshop, "ideas.settings", data, actor=viewer.actor)
    return settings_info(settings)


def start_timer(viewer: Viewer, seconds: object) -> dict:
    """A countdown on every screen, set by the server clock (phones' clocks drift)."""
    require_runner(viewer)
    if not is_whole(seconds) or not TIMER_SECONDS[0] <= seconds <= TIMER_SECONDS[1]:
        raise OperationError("bad_number", _l(
            "Choose a time between 10 seconds and 3 hours."))
    workshop = _workshop(viewer)
    settings = step_settings(workshop.id)
    now = utcnow()
    settings.timer_ends_at = now + timedelta(seconds=seconds)
    data = {"ends_at": iso(settings.timer_ends_at), "seconds": seconds,
            "server_time": iso(now)}
    eventlog.append(workshop, "timer.started", data, actor=viewer.actor)
    return data


def stop_timer(viewer: Viewer) -> dict:
    require_runner(viewer)
    workshop = _workshop(viewer)
    step_settings(workshop.id).timer_ends_at = None
    eventlog.append(workshop, "timer.stopped", {"ends_at": None}, actor=viewer.actor)
    return {"ends_at": None}


@method.on_leave()
def _timer_ends_with_its_stage(workshop: Workshop, viewer: Viewer) -> None:
    """A timer belongs to the stage it was started in: leaving the stage stops it."""
    settings = step_settings(workshop.id)
    if settings.timer_ends_at is not None:
        settings.timer_ends_at = None
        eventlog.append(workshop, "timer.stopped", {"ends_at": None}, actor=viewer.actor)


# --- snapshot ------------------------------------------------------------------------

def live_ideas(workshop_id: int) -> list[Idea]:
    return list(db.session.scalars(select(Idea).where(
        Idea.workshop_id == workshop_id, Idea.withdrawn.is_(False),
        Idea.merged_into_id.is_(None)).order_by(Idea.id)))


@part("ideas", "a phone's `set_aside` holds its own cards hidden or merged away. A "
               "phone's `list` is the wall's newest cards (50) at the stages its page shows "
               "the wall (`ideas`, `themes`; none at the others) and all its own (`mine: "
               "true`), in id order; `before` (a card id; null: it holds every card) and "
               "`earlier` (how many of the others' cards below `before` it does not hold) "
               "say what `ideas.page` reads")
def _ideas_part(workshop: Workshop, staff: bool) -> dict:
    """The wall as the staff or as everyone sees it: built once per seq, shared."""
    settings = step_settings(workshop.id)
    cards = live_ideas(workshop.id)
    names = author_names(cards) if staff or not settings.anonymous else {}
    shown = (_card(idea, staff, settings.anonymous, names) for idea in cards)
    return {"settings": settings_info(settings), "kinds": list(KINDS),
            "list": [card for card in shown if card is not None]}


PHONE_PAGE = 50  # the wall's newest cards a phone gets at once; the rest on request
WALL_ON_PHONES = ("ideas", "themes")  # the stages whose phone page shows the wall


@part("ideas", phone=True)
def _ideas_for_phones(workshop: Workshop, staff: bool) -> dict:
    """The wall as a phone shows it: its newest cards (a page) where the phone shows the
    wall, none elsewhere; `before` and `earlier` say what is left to read (`ideas.page`).
    Each phone's own cards and those set aside are added to its copy (`_mine`,
    `_set_aside`), whatever their age: built once per seq, no query per phone."""
    settings = step_settings(workshop.id)
    rows = db.session.scalars(select(Idea).where(
        Idea.workshop_id == workshop.id, Idea.withdrawn.is_(False)).order_by(Idea.id)).all()
    wall = [idea for idea in rows if is_live(idea) and not idea.hidden]
    names = author_names(wall) if not settings.anonymous else {}
    cards = [(idea, _card(idea, False, settings.anonymous, names)) for idea in wall]
    page = cards[-PHONE_PAGE:] if workshop.stage in WALL_ON_PHONES else []
    mine: dict[int, list[dict]] = {}
    for idea, card in cards:
        for pid in author_ids(idea):
            mine.setdefault(pid, []).append(card)
    set_aside: dict[int, list[dict]] = {}
    for idea in rows:
        if idea.participant_id is not None and (idea.hidden or not is_live(idea)):
            set_aside.setdefault(idea.participant_id, []).append(set_aside_view(idea))
    earlier = len(cards) - len(page)
    return {"settings": settings_info(settings), "kinds": list(KINDS),
            "list": [card for _idea, card in page], "earlier": earlier,
            "before": (page[0][1]["id"] if page else cards[-1][1]["id"] + 1) if earlier
            else None,
            "_mine": mine, "_set_aside": set_aside}


@personal("ideas")
def _my_cards(shared: dict, workshop: Workshop, viewer: Viewer) -> dict:
    """A phone's copy marks its own cards `mine` (all of them, the oldest too) and lists
    those set aside (hidden by the facilitator, or merged into another card), so none
    silently vanishes."""
    if viewer.kind != "participant":
        return shared
    me = viewer.participant_id
    own = {card["id"]: card for card in shared["_mine"].get(me, ())}
    cards = {card["id"]: card for card in shared["list"]} | own
    before = shared["before"]
    return {**shared, "list": [{**cards[i], "mine": i in own} for i in sorted(cards)],
            "earlier": shared["earlier"] - sum(1 for i in own if before and i < before),
            "set_aside": shared["_set_aside"].get(me, [])}


def read_page(viewer: Viewer, before: object = None) -> dict:
    """The wall's cards older than the card `before` (none: the newest), a page of them,
    as this viewer may see them: a phone shows the wall a page at a time, and asks for
    earlier cards when the person scrolls back. `earlier` counts those left to read (not
    the phone's own, which it has); `seq` is the log's seq when they were read."""
    if before is not None and not is_id(before):
        raise OperationError("bad_request", _l("Please reload the page."))
    workshop = db.session.get(Workshop, viewer.workshop_id)
    settings = step_settings(workshop.id)
    query = select(Idea.id, Idea.participant_id, Idea.extra_authors).where(
        Idea.workshop_id == workshop.id, Idea.withdrawn.is_(False),
        Idea.merged_into_id.is_(None))
    if not viewer.is_staff:
        query = query.where(Idea.hidden.is_(False))
    if before is not None:
        query = query.where(Idea.id < before)
    found = db.session.execute(query.order_by(Idea.id)).all()
    page_ids = [row.id for row in found[-PHONE_PAGE:]]
    me = viewer.participant_id if viewer.kind == "participant" else None
    earlier = sum(1 for row in found[:-PHONE_PAGE] if me is None or (
        row.participant_id != me and me not in (row.extra_authors or [])))
    ideas = db.session.scalars(select(Idea).where(Idea.id.in_(page_ids))
                               .order_by(Idea.id)).all()
    names = author_names(ideas) if viewer.is_staff or not settings.anonymous else {}
    return {"cards": [view(idea, viewer, settings.anonymous, names) for idea in ideas],
            "before": page_ids[0] if earlier else None, "earlier": earlier,
            "seq": workshop.last_seq}

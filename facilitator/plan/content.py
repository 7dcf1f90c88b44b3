"""The action plan's content: everything the PDF, the HTML preview and the CSV show, read
from the database in one pass.

`gather(workshop_id, language=..., edition=...)` needs an app context and nothing else
(no request, no socket): the server, the render process and the CLI call it alike. It
runs a fixed number of queries whatever the number of cards, entries or people, and
returns plain values (strings, numbers, lists, dicts), dates already written in the
plan's language and the workshop's time zone, so a template only lays them out.

What the room saw is what the plan shows: cards withdrawn, merged away or hidden by the
facilitators are left out, as on the wall; themes merged away are left out; a working
group whose priority was un-confirmed (retired) is left out. The steering committee's
emails are in the internal edition only.
"""
from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_date, format_time, get_datetime_format
from sqlalchemy import select

from ..extensions import db
from ..models import (Action, Actor, CommitteeMember, Idea, ImmediateMeasure, Objective,
                      Participant, SharedAction, SuccessFactor, Synergy, Synthesis, Theme,
                      Vote, WorkingGroup, Workshop, utcnow)
from ..steps.synergies import reason_of, spelled
from . import drawings

LANGUAGES = ("en", "fr", "ar")
EDITIONS = ("public", "internal")
RTL_LANGUAGES = ("ar",)
SUBSTEPS = ("objectives", "actors", "actions")


class PlanNotFound(LookupError):
    """No workshop has this id."""


def venue_zone(name: str | None) -> ZoneInfo:
    """The workshop's time zone (UTC when it has none, or one this machine lacks)."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


class _Dates:
    """Dates and times written in the plan's language and the workshop's time zone."""

    def __init__(self, language: str, tz: ZoneInfo):
        self.language, self.tz = language, tz

    def long(self, value: date | None) -> str:
        return format_date(value, "long", locale=self.language) if value else ""

    def short(self, value: date | None) -> str:
        """For tables: "15 Dec 2015", "15 déc. 2015", "15 ديسمبر 2015"."""
        return format_date(value, "d MMM y", locale=self.language) if value else ""

    def moment(self, value: datetime | None) -> str:
        """A stored UTC time, as the clock read at the venue."""
        if value is None:
            return ""
        local = value.replace(tzinfo=timezone.utc).astimezone(self.tz)
        pattern = get_datetime_format("medium", locale=self.language)  # "{1}, {0}"
        return (pattern.replace("'", "").replace("{1}", self.long(local.date()))
                .replace("{0}", format_time(local, "short", locale=self.language)))

    def day(self, value: datetime | None) -> str:
        if value is None:
            return ""
        return self.long(value.replace(tzinfo=timezone.utc).astimezone(self.tz).date())


def _by_profile(people: list[dict], order: list[str]) -> list[dict]:
    """[{profile, count}] in the workshop's order of profiles, then any other, most first."""
    counts = Counter(person["profile"] for person in people)
    known = [p for p in order if counts.get(p)]
    others = sorted((p for p in counts if p not in order), key=lambda p: (-counts[p], p))
    return [{"profile": p, "count": counts[p]} for p in known + others]


def _rows(model, workshop_id: int, *order):
    return list(db.session.scalars(select(model).where(model.workshop_id == workshop_id)
                                   .order_by(*(order or (model.id,)))))


def gather(workshop_id: int, *, language: str | None = None,
           edition: str = "public") -> dict:
    """Everything the action plan shows for this workshop (see the module's doc).

    language: "en", "fr" or "ar" (default: the workshop's); edition: "public" (no
    emails) or "internal" (the steering committee's emails too)."""
    if edition not in EDITIONS:
        raise ValueError(f"edition must be one of {EDITIONS}, not {edition!r}")
    workshop = db.session.get(Workshop, workshop_id)
    if workshop is None:
        raise PlanNotFound(workshop_id)
    language = language or workshop.language or "en"
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, not {language!r}")
    dates = _Dates(language, venue_zone(workshop.timezone))

    # --- the people -----------------------------------------------------------------
    people = {pid: {"id": pid, "name": name, "organisation": organisation or "",
                    "profile": profile, "group_id": group_id}
              for pid, name, organisation, profile, group_id in db.session.execute(
                  select(Participant.id, Participant.name, Participant.organisation,
                         Participant.profile, Participant.group_id)
                  .where(Participant.workshop_id == workshop.id).order_by(Participant.id))}
    profiles_order = list(workshop.profiles or [])

    # --- Steps 1 and 2: cards, themes, dots ------------------------------------------
    every_theme = _rows(Theme, workshop.id, Theme.position, Theme.id)
    themes = [t for t in every_theme if t.merged_into_id is None]
    theme_ids = {t.id for t in themes}
    dots: Counter[int] = Counter()
    voters: set[int] = set()
    for participant_id, theme_id, count in db.session.execute(
            select(Vote.participant_id, Vote.theme_id, Vote.count)
            .where(Vote.workshop_id == workshop.id)):
        if theme_id in theme_ids:
            dots[theme_id] += count
            voters.add(participant_id)
    cards = db.session.scalars(select(Idea).where(
        Idea.workshop_id == workshop.id, Idea.withdrawn.is_(False),
        Idea.merged_into_id.is_(None), Idea.hidden.is_(False)).order_by(Idea.id)).all()
    by_theme: dict[int | None, list[dict]] = {}
    for card in cards:
        key = card.theme_id if card.theme_id in theme_ids else None
        by_theme.setdefault(key, []).append({
            "id": card.id, "text": card.text, "kind": card.kind, "origin": card.origin,
            "merged_texts": [t for t in (card.merged_texts or []) if t]})
    theme_list = [{"id": t.id, "title": t.title, "description": t.description,
                   "dots": dots.get(t.id, 0), "priority_rank": t.confirmed_rank,
                   "ideas": by_theme.get(t.id, [])} for t in themes]
    # most dots first, as the room saw the results
    position = {t.id: n for n, t in enumerate(themes)}
    theme_list.sort(key=lambda t: (-t["dots"], position[t["id"]]))
    confirmed = sorted((t for t in themes if t.confirmed_rank), key=lambda t: t.confirmed_rank)

    # --- Step 3: groups, boards, syntheses -------------------------------------------
    groups = {g.theme_id: g for g in _rows(WorkingGroup, workshop.id) if not g.retired}
    group_ids = {g.id for g in groups.values()}
    objectives = [o for o in _rows(Objective, workshop.id) if o.group_id in group_ids]
    every_actor = _rows(Actor, workshop.id)
    actors = [a for a in every_actor if a.group_id in group_ids]
    actions = [a for a in _rows(Action, workshop.id) if a.group_id in group_ids]
    syntheses = [s for s in _rows(Synthesis, workshop.id) if s.group_id in group_ids]
    # a recognised actor written several ways prints one way (the actors' tables keep
    # the group's own spelling): the facilitators' pick at Step 4, else the most used
    # (drawings.one_name)
    accepted = [s for s in _rows(Synergy, workshop.id) if s.status == "accepted"]
    chosen = drawings.one_name([(a.id, a.name) for a in actors], accepted)

    def named(name: str | None) -> str:
        return spelled(chosen, name)

    actor_names = {a.id: named(a.name) for a in actors}

    priorities = []
    action_index: dict[int, dict] = {}  # group action id -> its row in the plan
    for theme in confirmed:
        rank = theme.confirmed_rank
        group = groups.get(theme.id)
        gid = group.id if group else None
        numbers = {}
        objective_rows = []
        for n, entry in enumerate((o for o in objectives if o.group_id == gid), start=1):
            numbers[entry.id] = n
            objective_rows.append({"number": n, "text": entry.text})
        action_rows = []
        for n, entry in enumerate((a for a in actions if a.group_id == gid), start=1):
            row = {"id": entry.id, "number": f"{rank}.{n}", "anchor": f"action-{entry.id}",
                   "priority_rank": rank, "priority_title": theme.title,
                   "title": entry.title,
                   "objectives": sorted(numbers[o] for o in entry.objective_ids or []
                                        if o in numbers),
                   "lead": actor_names.get(entry.lead_actor_id, ""),
                   "partners": [actor_names[p] for p in entry.partner_ids or []
                                if p in actor_names],
                   "deadline": dates.short(entry.deadline),
                   "deadline_long": dates.long(entry.deadline),
                   "deadline_iso": entry.deadline.isoformat() if entry.deadline else "",
                   "expected_result": entry.expected_result or "",
                   "resources": entry.resources or "", "shared_in": []}
            action_rows.append(row)
            action_index[entry.id] = row
        members = [p for p in people.values() if gid is not None and p["group_id"] == gid]
        by_substep = {s.substep: s.text for s in syntheses if s.group_id == gid}
        priorities.append({
            "rank": rank, "theme_id": theme.id, "group_id": gid, "anchor": f"priority-{rank}",
            "title": theme.title, "description": theme.description,
            "dots": dots.get(theme.id, 0),
            "members": {"total": len(members), "by_profile": _by_profile(members,
                                                                          profiles_order)},
            "objectives": objective_rows,
            "actors": [{"name": actor_names[a.id], "kind": a.kind, "role": a.role or "",
                        "written": a.name if actor_names[a.id] != a.name else ""}
                       for a in actors if a.group_id == gid],
            "actions": action_rows,
            "syntheses": [{"substep": s, "text": by_substep[s]} for s in SUBSTEPS
                          if (by_substep.get(s) or "").strip()],
        })
    rank_of_theme = {p["theme_id"]: p["rank"] for p in priorities}
    rank_of_group = {p["group_id"]: p["rank"] for p in priorities if p["group_id"]}

    # --- Step 4: synergies, the shared plan ------------------------------------------
    synergies = []
    entry_rows = {**{("objective", o.id): o for o in objectives},
                  **{("actor", a.id): a for a in actors},
                  **{("action", a.id): a for a in actions}}
    for synergy in accepted:
        synergies.append({"id": synergy.id, "title": synergy.title, "note": synergy.note,
                          "kind": synergy.kind,
                          # why, as data: the template writes it in the plan's language
                          "reason": reason_of(synergy.kind, synergy.entries, entry_rows,
                                              rank_of_group),
                          "priorities": sorted({rank_of_group[g] for g in synergy.group_ids or []
                                                if g in rank_of_group})})
    shared = []
    shared_rows = _rows(SharedAction, workshop.id)
    for n, entry in enumerate(shared_rows, start=1):
        number = f"S{n}"
        absorbs = []
        for action_id in entry.action_ids or []:
            row = action_index.get(action_id)
            if row is not None:
                absorbs.append({"number": row["number"], "title": row["title"],
                                "anchor": row["anchor"]})
                row["shared_in"].append(number)
        shared.append({
            "id": entry.id, "number": number, "anchor": f"shared-{entry.id}",
            "title": entry.title, "description": entry.description or "",
            "priorities": sorted({rank_of_theme[t] for t in entry.theme_ids or []
                                  if t in rank_of_theme}),
            "lead": named(entry.lead),
            "partners": [p for p in dict.fromkeys(named(p) for p in entry.partners or [] if p)
                         if p != named(entry.lead)],
            "deadline": dates.short(entry.deadline), "deadline_long": dates.long(entry.deadline),
            "deadline_iso": entry.deadline.isoformat() if entry.deadline else "",
            "expected_result": entry.expected_result or "", "absorbs": absorbs})

    # --- Closing: success factors, immediate measures, the committee ------------------
    factors = [{"text": f.text, "endorsements": len(set(f.endorsements or []))}
               for f in _rows(SuccessFactor, workshop.id)]
    factors.sort(key=lambda f: -f["endorsements"])  # stable: equal counts keep their order
    measures = [{"text": m.text, "owner": named(m.owner), "due": dates.short(m.due),
                 "due_long": dates.long(m.due), "due_iso": m.due.isoformat() if m.due else ""}
                for m in _rows(ImmediateMeasure, workshop.id,
                               ImmediateMeasure.due.is_(None), ImmediateMeasure.due,
                               ImmediateMeasure.id)]
    committee = []
    for member in _rows(CommitteeMember, workshop.id):
        person = people.get(member.participant_id)
        if person is None:
            continue
        row = {"name": person["name"], "organisation": person["organisation"],
               "role": member.role or ""}
        if edition == "internal":
            row["email"] = member.email
        committee.append(row)

    # --- the drawings' data, from the rows above (facilitator/plan/drawings.py) ------------
    theme_of = {t.id: t for t in every_theme}
    by_number = sorted(((g, theme_of[g.theme_id]) for g in groups.values()),
                       key=lambda pair: (pair[1].confirmed_rank or 99, pair[0].id))
    figures = {"map": drawings.map_from(by_number, accepted,
                                        {a.id: named(a.name) for a in every_actor},
                                        shared_rows, chosen),
               "timeline": drawings.timeline_from(by_number, actions, shared_rows)}

    everyone = list(people.values())
    all_actions = [a for p in priorities for a in p["actions"]]
    deadlines = sorted([*(a["deadline_iso"] for a in all_actions if a["deadline_iso"]),
                        *(s["deadline_iso"] for s in shared if s["deadline_iso"])])
    kinds = Counter(card.kind for card in cards)
    counts = {
        "participants": len(everyone),
        "profiles": len({p["profile"] for p in everyone}),
        "contributions": len(cards),
        "ideas": kinds.get("idea", 0), "experiences": kinds.get("experience", 0),
        "practices": kinds.get("practice", 0),
        "origins": len({c.origin.strip().casefold() for c in cards if (c.origin or "").strip()}),
        "themes": len(themes), "dots": sum(dots.values()), "voters": len(voters),
        "dots_per_participant": workshop.dots_per_participant,
        "priorities": len(priorities),
        "groups": sum(1 for p in priorities if p["group_id"]),
        "objectives": sum(len(p["objectives"]) for p in priorities),
        "actors": sum(len(p["actors"]) for p in priorities),
        "actions": len(all_actions),
        "actions_with_deadline": sum(1 for a in all_actions if a["deadline_iso"]),
        "syntheses": sum(len(p["syntheses"]) for p in priorities),
        "synergies": len(synergies), "shared_actions": len(shared),
        "success_factors": len(factors), "measures": len(measures),
        "committee": len(committee),
    }
    return {
        "language": language, "rtl": language in RTL_LANGUAGES, "edition": edition,
        "draft": workshop.closed_at is None, "last_seq": workshop.last_seq,
        "generated_at": dates.moment(utcnow()),
        "workshop": {
            "id": workshop.id, "title": workshop.title, "purpose": workshop.purpose or "",
            "venue": workshop.venue or "", "date": dates.long(workshop.date),
            "date_iso": workshop.date.isoformat() if workshop.date else "",
            "timezone": workshop.timezone, "language": workshop.language,
            "partners": [p for p in workshop.partners or [] if p],
            "closed": workshop.closed_at is not None,
            "closed_at": dates.moment(workshop.closed_at),
            "closed_on": dates.day(workshop.closed_at),
        },
        "participants": {"total": len(everyone),
                         "by_profile": _by_profile(everyone, profiles_order)},
        "themes": theme_list, "loose_ideas": by_theme.get(None, []),
        "priorities": priorities, "synergies": synergies, "shared_actions": shared,
        "success_factors": factors, "measures": measures, "committee": committee,
        "counts": counts, "drawings": figures,
        "first_deadline": dates.long(date.fromisoformat(deadlines[0])) if deadlines else "",
        "last_deadline": dates.long(date.fromisoformat(deadlines[-1])) if deadlines else "",
    }


def actions_table(data: dict) -> list[dict]:
    """Every action of the plan, group actions then shared ones, one row each: what the
    CSV writes (see views/plan.py)."""
    titles = {p["rank"]: p["title"] for p in data["priorities"]}
    rows = []
    for priority in data["priorities"]:
        objectives = {o["number"]: o["text"] for o in priority["objectives"]}
        for action in priority["actions"]:
            rows.append({**action, "kind": "group", "priorities": [priority["rank"]],
                         "priority_titles": [priority["title"]], "group": priority["rank"],
                         "description": "", "absorbs": [],
                         "objective_texts": [f"{n}. {objectives[n]}"
                                             for n in action["objectives"]]})
    for action in data["shared_actions"]:
        rows.append({**action, "kind": "shared", "objectives": [], "objective_texts": [],
                     "resources": "", "group": None, "shared_in": [],
                     "priority_titles": [titles[r] for r in action["priorities"]]})
    return rows


__all__ = ["gather", "actions_table", "venue_zone", "PlanNotFound", "LANGUAGES",
           "EDITIONS"]

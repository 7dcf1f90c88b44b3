"""Step 4: synergies across the working groups, suggested with their evidence.

The server proposes; a person decides (nothing here writes). Three kinds of evidence,
each said in words a facilitator can check on the boards:
- the same actor named by two or more groups, however it is written (an acronym and its
  full name, accents, case, Arabic letter forms: matching.same_name);
- objectives or actions of different groups that say nearly the same thing: TF-IDF
  cosine over their normalised words, compared only within one script (Arabic with
  Arabic, Latin with Latin), so that across languages only shared actors, acronyms and
  numbers can bring two groups together;
- actions of different groups that need the same resource (shared key words in what
  they need).
The thresholds are named here and documented in docs/synergies.md.
"""
from __future__ import annotations

import re
from itertools import combinations

from babel.lists import format_list
from flask_babel import get_locale, gettext as _
from sqlalchemy import select

from . import matching
from .extensions import db
from .models import Action, Actor, Objective
from .viewers import Viewer
from .workshops import require_staff

TEXT_SIMILARITY = 0.35  # cosine of two objectives or two actions of different groups
RESOURCE_SHARED_WORDS = 2  # key words two actions' resources must share
MOST_PER_KIND = 30  # a facilitator reads a list, not a dump: the strongest first
_ARABIC = re.compile("[\u0600-\u06ff]")


def _script(text: str) -> str:
    return "arabic" if _ARABIC.search(text or "") else "latin"


def _group_numbers(groups: list) -> dict[int, int]:
    """Each group's number as the room says it: its priority's rank."""
    return {g.id: (g.theme.confirmed_rank or 0) for g in groups}


def _listed(values: list) -> str:
    """"1, 2 and 3" in the reader's language."""
    return format_list([str(v) for v in values], locale=str(get_locale() or "en"))


def shared_actors(actors: list[Actor], number: dict[int, int]) -> list[dict]:
    """Actors named by two or more groups, one suggestion per organisation."""
    clusters: list[list[Actor]] = []
    for actor in actors:
        for cluster in clusters:
            if any(matching.same_name(actor.name, other.name) for other in cluster):
                cluster.append(actor)
                break
        else:
            clusters.append([actor])
    found = []
    for cluster in clusters:
        groups = sorted({a.group_id for a in cluster}, key=lambda g: number.get(g, 0))
        if len(groups) < 2:
            continue
        names = list(dict.fromkeys(a.name for a in cluster))
        found.append({
            "kind": "shared_actor", "group_ids": groups,
            "entries": [{"kind": "actor", "id": a.id, "group_id": a.group_id} for a in cluster],
            "evidence": {"names": names, "groups": [number.get(g, 0) for g in groups]},
            "because": (_("“%(name)s” is named by groups %(groups)s.", name=names[0],
                          groups=_listed([number.get(g, 0) for g in groups]))
                        + (" " + _("Also written: %(names)s.", names=_listed(
                            [f"“{n}”" for n in names[1:]])) if len(names) > 1 else "")),
        })
    return found


def similar_texts(kind: str, entries: list, text_of, number: dict[int, int]) -> list[dict]:
    """Pairs of entries of different groups that say nearly the same thing."""
    found = []
    for script in ("latin", "arabic"):
        texts = {e.id: text_of(e) for e in entries if _script(text_of(e)) == script}
        words, vectors = matching.tfidf_vectors(texts)
        by_id = {e.id: e for e in entries}
        for a, b in combinations(sorted(vectors), 2):
            ea, eb = by_id[a], by_id[b]
            if ea.group_id == eb.group_id:
                continue
            score = matching.cosine(vectors[a], vectors[b])
            if score < TEXT_SIMILARITY:
                continue
            shared = [words[a][t] for t in vectors[a] if t in vectors[b]]
            union = len(set(vectors[a]) | set(vectors[b]))
            found.append({
                "kind": f"similar_{kind}", "group_ids": sorted({ea.group_id, eb.group_id},
                                                               key=lambda g: number.get(g, 0)),
                "entries": [{"kind": kind, "id": e.id, "group_id": e.group_id}
                            for e in (ea, eb)],
                "evidence": {"score": round(score, 2), "shared_words": shared,
                             "of_words": union},
                "because": _("These two entries share %(n)d of %(total)d key words: "
                             "%(words)s.", n=len(shared), total=union,
                             words=_listed(shared[:6])),
            })
    return found


def shared_resources(actions: list[Action], number: dict[int, int]) -> list[dict]:
    """Actions of different groups that need the same resource."""
    found = []
    needs = {a.id: matching.tokens(a.resources) for a in actions if a.resources}
    by_id = {a.id: a for a in actions}
    for a, b in combinations(sorted(needs), 2):
        if by_id[a].group_id == by_id[b].group_id:
            continue
        shared = [needs[a][t] for t in needs[a] if t in needs[b]]
        if len(shared) < RESOURCE_SHARED_WORDS:
            continue
        found.append({
            "kind": "shared_resource",
            "group_ids": sorted({by_id[a].group_id, by_id[b].group_id},
                                key=lambda g: number.get(g, 0)),
            "entries": [{"kind": "action", "id": i, "group_id": by_id[i].group_id}
                        for i in (a, b)],
            "evidence": {"shared_words": shared},
            "because": _("These two actions need the same: %(words)s.",
                         words=_listed(shared[:6])),
        })
    return found


def suggest(workshop_id: int) -> list[dict]:
    """Every suggestion for the workshop's active groups, strongest evidence first."""
    from .groups import groups_of

    groups = [g for g in groups_of(workshop_id) if not g.retired]
    active = {g.id for g in groups}
    number = _group_numbers(groups)

    def rows(model):
        return [row for row in db.session.scalars(select(model).where(
            model.workshop_id == workshop_id).order_by(model.id)) if row.group_id in active]

    actions = rows(Action)

    def strongest(found: list[dict], strength) -> list[dict]:
        return sorted(found, key=strength, reverse=True)[:MOST_PER_KIND]

    by_score = lambda s: s["evidence"]["score"]  # noqa: E731
    by_words = lambda s: len(s["evidence"]["shared_words"])  # noqa: E731
    return [*strongest(shared_actors(rows(Actor), number), lambda s: len(s["group_ids"])),
            *strongest(similar_texts("action", actions,
                                     lambda a: f"{a.title} {a.expected_result}", number),
                       by_score),
            *strongest(similar_texts("objective", rows(Objective), lambda o: o.text, number),
                       by_score),
            *strongest(shared_resources(actions, number), by_words)]


def suggest_synergies(viewer: Viewer) -> dict:
    """Synergies across groups the facilitators may accept, edit or reject; each says why.
    Nothing is changed."""
    require_staff(viewer)
    return {"suggestions": suggest(viewer.workshop_id)}

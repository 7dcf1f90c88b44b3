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

The facilitators decide: a synergy accepted (a suggestion, edited or not, or entries
linked by hand) is shown to the room and kept for the plan; a suggestion rejected is not
offered again. One decision per set of entries (its signature).
"""
from __future__ import annotations

import re
from itertools import combinations
from types import SimpleNamespace

from flask import current_app
from flask_babel import force_locale, gettext as _, lazy_gettext as _l, ngettext
from sqlalchemy import select

from .. import eventlog, method
from ..errors import OperationError
from ..extensions import db
from ..i18n import listed
from ..models import (Action, Actor, Objective, SharedAction, Synergy, SynergyProposal,
                      WorkingGroup, Workshop, iso, of_workshop, utcnow)
from ..payload import is_id
from ..snapshot import part, personal
from ..text import clean_line, plain
from ..viewers import Viewer
from ..workshops import require_runner, require_staff
from . import matching
from .groups import groups_of
from .shared_plan import publish_shared_action

STATUSES = ("accepted", "rejected")
PROPOSAL_STATUSES = ("pending", "accepted", "dismissed")
ENTRY_MODELS = {"objective": Objective, "actor": Actor, "action": Action}
LIMITS = {"title": 200, "note": 1000, "proposal": 500}
MAX_PROPOSALS_PER_PARTICIPANT = 10

TEXT_SIMILARITY = 0.35  # cosine of two objectives or two actions of different groups
RESOURCE_SHARED_WORDS = 2  # key words two actions' resources must share
MOST_PER_KIND = 30  # a facilitator reads a list, not a dump: the strongest first
_ARABIC = re.compile("[\u0600-\u06ff]")


def _script(text: str) -> str:
    return "arabic" if _ARABIC.search(text or "") else "latin"


def _group_numbers(groups: list) -> dict[int, int]:
    """Each group's number as the room says it: its priority's rank."""
    return {g.id: (g.theme.confirmed_rank or 0) for g in groups}


# --- why two groups meet: reasons as data, written in each reader's language ---------------
#
# A reason is a kind and its values ({"kind": "shared_actor", "names", "groups"};
# {"kind": "similar_action" | "similar_objective", "shared_words", "of_words"};
# {"kind": "shared_resource", "shared_words"}), never a sentence: the room reads in
# several languages at once, so each reader's page (or the plan, in its language) writes
# the sentence (reason_text here; static/js/steps/shared-plan.js on the live pages).

def _actor_evidence(actors: list, number: dict[int, int]) -> dict | None:
    """The names one organisation is written under, and the groups naming it."""
    groups = sorted({a.group_id for a in actors}, key=lambda g: number.get(g, 0))
    if len(groups) < 2:
        return None
    return {"names": list(dict.fromkeys(a.name for a in actors)),
            "groups": [number.get(g, 0) for g in groups]}


def _words_evidence(first: str, second: str) -> dict | None:
    """The key words two texts share (as the first writes them), out of how many."""
    a, b = matching.tokens(first), matching.tokens(second)
    shared = [a[t] for t in a if t in b]
    return {"shared_words": shared, "of_words": len(set(a) | set(b))} if shared else None


def _action_text(action) -> str:
    return f"{action.title} {action.expected_result or ''}"


def reason_text(reason: dict | None, mark=str) -> str:
    """A synergy's reason as a sentence in the reader's language ("" for none); `mark`
    wraps what people typed (the PDF isolates it)."""
    kind = (reason or {}).get("kind")
    if kind == "shared_actor" and reason.get("names"):
        names = reason["names"]
        text = _("“%(name)s” is named by groups %(groups)s.", name=mark(names[0]),
                 groups=listed(reason.get("groups") or []))
        others = [_("“%(name)s”", name=mark(n)) for n in names[1:]]  # the language's quotes
        return text + (" " + _("Also written: %(names)s.", names=listed(others))
                       if others else "")
    words = (reason or {}).get("shared_words") or []
    if kind in ("similar_action", "similar_objective") and words:
        return ngettext("These two entries share %(n)d of %(num)d key word: %(words)s.",
                        "These two entries share %(n)d of %(num)d key words: %(words)s.",
                        max(reason.get("of_words") or 0, len(words)), n=len(words),
                        words=listed([mark(w) for w in words[:6]]))
    if kind == "shared_resource" and words:
        return _("These two actions need the same: %(words)s.",
                 words=listed([mark(w) for w in words[:6]]))
    return ""


def reason_of(kind: str, entries: list[dict], rows: dict[tuple[str, int], object],
              number: dict[int, int]) -> dict | None:
    """Why a synergy's entries meet, from the entries as they are now (rows: (kind, id)
    -> its Objective, Actor or Action, those still on their boards; number: each group's
    number). None for a synergy linked by hand, or when the reason is gone."""
    found = [rows[(e["kind"], e["id"])] for e in entries or []
             if (e.get("kind"), e.get("id")) in rows]
    evidence = None
    if kind == "shared_actor":
        evidence = _actor_evidence([r for r in found if isinstance(r, Actor)], number)
    elif kind in ("similar_action", "shared_resource"):
        actions = [r for r in found if isinstance(r, Action)]
        if len(actions) == 2:
            evidence = (_words_evidence(_action_text(actions[0]), _action_text(actions[1]))
                        if kind == "similar_action" else
                        _words_evidence(actions[0].resources or "", actions[1].resources or ""))
            if evidence and kind == "shared_resource":
                evidence.pop("of_words")
    elif kind == "similar_objective":
        objectives = [r for r in found if isinstance(r, Objective)]
        if len(objectives) == 2:
            evidence = _words_evidence(objectives[0].text, objectives[1].text)
    return {"kind": kind, **evidence} if evidence else None


def reasons(workshop_id: int, synergies: list) -> dict[int, dict | None]:
    """Each synergy's reason (reason_of), reading the entries they link once per kind."""
    wanted: dict[str, set[int]] = {}
    for synergy in synergies:
        for entry in synergy.entries or []:
            wanted.setdefault(entry.get("kind"), set()).add(entry.get("id"))
    rows: dict[tuple[str, int], object] = {}
    for kind, ids in wanted.items():
        model = ENTRY_MODELS.get(kind)
        if model is None or not ids:
            continue
        for row in db.session.scalars(select(model).where(
                model.workshop_id == workshop_id, model.id.in_(ids))):
            rows[(kind, row.id)] = row
    number = _group_numbers(groups_of(workshop_id)) if synergies else {}
    return {s.id: reason_of(s.kind, s.entries, rows, number) for s in synergies}


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
        evidence = _actor_evidence(cluster, number)
        if evidence is None:
            continue
        found.append({
            "kind": "shared_actor",
            "group_ids": sorted({a.group_id for a in cluster}, key=lambda g: number.get(g, 0)),
            "entries": [{"kind": "actor", "id": a.id, "group_id": a.group_id} for a in cluster],
            "evidence": evidence,
            "because": reason_text({"kind": "shared_actor", **evidence}),
        })
    return found


def similar_texts(kind: str, entries: list, text_of, number: dict[int, int]) -> list[dict]:
    """Pairs of entries of different groups that say nearly the same thing."""
    found = []
    for script in ("latin", "arabic"):
        texts = {e.id: text_of(e) for e in entries if _script(text_of(e)) == script}
        _words, vectors = matching.tfidf_vectors(texts)
        by_id = {e.id: e for e in entries}
        for a, b in combinations(sorted(vectors), 2):
            ea, eb = by_id[a], by_id[b]
            if ea.group_id == eb.group_id:
                continue
            score = matching.cosine(vectors[a], vectors[b])
            if score < TEXT_SIMILARITY:
                continue
            evidence = {"score": round(score, 2), **_words_evidence(texts[a], texts[b])}
            found.append({
                "kind": f"similar_{kind}", "group_ids": sorted({ea.group_id, eb.group_id},
                                                               key=lambda g: number.get(g, 0)),
                "entries": [{"kind": kind, "id": e.id, "group_id": e.group_id}
                            for e in (ea, eb)],
                "evidence": evidence,
                "because": reason_text({"kind": f"similar_{kind}", **evidence}),
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
        evidence = {"shared_words": shared}
        found.append({
            "kind": "shared_resource",
            "group_ids": sorted({by_id[a].group_id, by_id[b].group_id},
                                key=lambda g: number.get(g, 0)),
            "entries": [{"kind": "action", "id": i, "group_id": by_id[i].group_id}
                        for i in (a, b)],
            "evidence": evidence,
            "because": reason_text({"kind": "shared_resource", **evidence}),
        })
    return found


# --- one name per organisation in the plan and on the map ----------------------------------

def _care(name: str) -> int:
    """How much a spelling tells: its capitals, accents and full Arabic letter forms."""
    return sum(1 for char in name if matching.normalise(char) != char)


def _spelling_key(name: str | None) -> str:
    return matching.name_key(name or "").replace(" ", "")


def one_spelling(names: list[str]) -> dict[str, str]:
    """The one spelling the plan and the map print for each recognised actor, by its
    key (see `spelled`).

    Names are the same actor when they are the same name once case, accents, Arabic
    letter forms, punctuation and spaces are set aside ("ministere des affaires
    etrangeres", "Ministère des Affaires étrangères"). Acronyms are not rewritten: "IDAL"
    and its full name are both right, and initials alone may name two bodies. `names`:
    the actors on the groups' boards, one per row; the most used spelling wins, a tie the
    most carefully typed (capitals, accents), then the first written."""
    counts: dict[str, dict[str, int]] = {}
    first: dict[str, int] = {}
    for n, name in enumerate(names):
        name = (name or "").strip()
        key = _spelling_key(name)
        if not key:
            continue
        spellings = counts.setdefault(key, {})
        spellings[name] = spellings.get(name, 0) + 1
        first.setdefault(name, n)
    return {key: max(spellings, key=lambda name: (spellings[name], _care(name), -first[name]))
            for key, spellings in counts.items()}


def spelled(chosen: dict[str, str], name: str | None) -> str:
    """A name as the plan prints it: its actor's one spelling, or exactly as typed."""
    best = chosen.get(_spelling_key(name))
    return name or "" if best is None or best == (name or "").strip() else best


def suggest(workshop_id: int) -> list[dict]:
    """Every suggestion for the workshop's active groups, strongest evidence first."""
    groups = [g for g in groups_of(workshop_id) if not g.retired]
    active = {g.id for g in groups}
    number = _group_numbers(groups)

    def rows(model):
        return [row for row in db.session.scalars(select(model).where(
            model.workshop_id == workshop_id).order_by(model.id)) if row.group_id in active]

    actions = rows(Action)
    decided = set(db.session.scalars(select(Synergy.signature).where(
        Synergy.workshop_id == workshop_id)))

    def strongest(found: list[dict], strength) -> list[dict]:
        found = [s for s in found if signature(s["entries"]) not in decided]
        return sorted(found, key=strength, reverse=True)[:MOST_PER_KIND]

    by_score = lambda s: s["evidence"]["score"]  # noqa: E731
    by_words = lambda s: len(s["evidence"]["shared_words"])  # noqa: E731
    return [*strongest(shared_actors(rows(Actor), number), lambda s: len(s["group_ids"])),
            *strongest(similar_texts("action", actions, _action_text, number), by_score),
            *strongest(similar_texts("objective", rows(Objective), lambda o: o.text, number),
                       by_score),
            *strongest(shared_resources(actions, number), by_words)]


def signature(entries: list[dict]) -> str:
    """One key per set of entries, whatever their order."""
    return ",".join(sorted(f"{e['kind']}:{e['id']}" for e in entries))


def synergy_view(synergy: Synergy, reason: dict | None = None) -> dict:
    """A synergy for the clients; `reason` is data (see reason_of), which each page
    writes in its reader's language."""
    return {"id": synergy.id, "status": synergy.status, "kind": synergy.kind,
            "title": synergy.title, "note": synergy.note, "reason": reason,
            "entries": synergy.entries, "group_ids": synergy.group_ids,
            "updated_at": iso(synergy.updated_at)}


def _entries(viewer: Viewer, entries: object) -> list[dict]:
    """The entries a synergy links: existing, of this workshop, from two groups or more."""
    bad = OperationError("bad_request", _l(
        "Choose the entries of at least two groups that this synergy links."))
    if not isinstance(entries, list) or not 2 <= len(entries) <= 50:
        raise bad
    found = []
    for entry in entries:
        if not isinstance(entry, dict) or entry.get("kind") not in ENTRY_MODELS \
                or not is_id(entry.get("id")):
            raise bad
        row = of_workshop(ENTRY_MODELS[entry["kind"]], entry["id"], viewer.workshop_id, _l(
            "An entry of this synergy is no longer on its group's board."))
        found.append({"kind": entry["kind"], "id": row.id, "group_id": row.group_id})
    found = list({(e["kind"], e["id"]): e for e in found}.values())
    if len({e["group_id"] for e in found}) < 2:
        raise bad
    return found


def _publish(workshop_id: int, synergy: Synergy, actor: str) -> dict:
    """Accepted synergies are for everyone; a rejection only for the facilitators."""
    view = synergy_view(synergy, reasons(workshop_id, [synergy])[synergy.id])
    eventlog.append(db.session.get(Workshop, workshop_id), "synergy.saved",
                    {"synergy": view}, actor=actor,
                    audience="all" if synergy.status == "accepted" else "facilitators")
    return view


def decide_synergy(viewer: Viewer, entries: object, status: object = "accepted",
                   title: object = "", note: object = "", kind: object = "manual",
                   proposal_id: object = None) -> dict:
    """Accept a suggestion (edited or not), link entries by hand, or reject a suggestion
    so that it is not offered again. With a participant's proposal: the synergy accepted
    answers it (its author is told)."""
    require_runner(viewer)
    status = "accepted" if status is None else status
    if not isinstance(status, str) or status not in STATUSES:
        raise OperationError("bad_request", _l("Accept or reject the synergy."))
    kind = "manual" if kind is None else kind
    if not isinstance(kind, str) or not 0 < len(kind) <= 30:
        raise OperationError("bad_request", _l("This synergy's kind cannot be read."))
    proposal = None
    if proposal_id is not None:
        if status != "accepted":
            raise OperationError("bad_request", _l(
                "A participant's proposal is answered by accepting a synergy; dismiss it "
                "otherwise."))
        proposal = _pending_proposal(viewer, proposal_id)
    linked = _entries(viewer, entries)
    title = clean_line(title, LIMITS["title"], _l(
        "The synergy's title is too long (%(n)d characters at most).", n=LIMITS["title"]))
    if status == "accepted" and not title:
        raise OperationError("empty_title", _l("Please give the synergy a short title."))
    note = plain(note).strip()
    if len(note) > LIMITS["note"]:
        raise OperationError("too_long", _l(
            "The note is too long (%(n)d characters at most).", n=LIMITS["note"]))
    if note and _repeats_reason(viewer.workshop_id, kind, linked, note):
        note = ""  # the reason is written for each reader; a copy in one language is not
    key = signature(linked)
    synergy = db.session.scalar(select(Synergy).where(
        Synergy.workshop_id == viewer.workshop_id, Synergy.signature == key))
    if synergy is None:
        synergy = Synergy(workshop_id=viewer.workshop_id, signature=key, created_at=utcnow())
        db.session.add(synergy)
    elif synergy.status == "accepted" and status == "rejected":
        _withdraw(synergy, viewer.actor)  # the room saw it: it leaves the room's list
    synergy.status, synergy.title, synergy.note, synergy.kind = status, title, note, kind
    synergy.entries = linked
    synergy.group_ids = sorted({e["group_id"] for e in linked})
    synergy.updated_by, synergy.updated_at = viewer.actor, utcnow()
    db.session.flush()
    result = {"synergy": _publish(viewer.workshop_id, synergy, viewer.actor)}
    if proposal is not None and status == "accepted":
        proposal.status, proposal.synergy_id = "accepted", synergy.id
        result["proposal"] = _publish_proposal(proposal, viewer.actor)
    return result


def _repeats_reason(workshop_id: int, kind: str, entries: list[dict], note: str) -> bool:
    """A note that is only the app's reason for these entries, as a suggestion wrote it
    in one of the app's languages (a console sending it back as the note)."""
    probe = SimpleNamespace(id=0, kind=kind, entries=entries)  # not a row: nothing saved
    reason = reasons(workshop_id, [probe])[0]
    if reason is None:
        return False
    for language in current_app.config["LANGUAGES"]:
        with force_locale(language):
            if note == reason_text(reason):
                return True
    return False


def remove_synergy(viewer: Viewer, synergy_id: object) -> dict:
    """Undo a decision: the synergy leaves the room's list (and may be suggested again)."""
    require_runner(viewer)
    synergy = of_workshop(Synergy, synergy_id, viewer.workshop_id,
                          _l("This synergy no longer exists."))
    data = {"id": synergy.id}
    if synergy.status == "accepted":
        _withdraw(synergy, viewer.actor)
    else:
        eventlog.append(db.session.get(Workshop, viewer.workshop_id), "synergy.removed", data,
                        audience="facilitators", actor=viewer.actor)
    db.session.delete(synergy)
    return data


def _withdraw(synergy: Synergy, actor: str) -> None:
    """An accepted synergy undone or rejected leaves the room's list. The shared actions
    built from it stay in the plan, unlinked; a proposal it answered waits again for a
    decision. Every client is told."""
    workshop = db.session.get(Workshop, synergy.workshop_id)
    for action in db.session.scalars(select(SharedAction).where(
            SharedAction.synergy_id == synergy.id)):
        action.synergy_id = None
        action.version += 1
        action.updated_by, action.updated_at = actor, utcnow()
        publish_shared_action(workshop, action, actor)
    for proposal in db.session.scalars(select(SynergyProposal).where(
            SynergyProposal.synergy_id == synergy.id)):
        proposal.status, proposal.synergy_id = "pending", None
        _publish_proposal(proposal, actor)
    eventlog.append(workshop, "synergy.removed", {"id": synergy.id}, actor=actor)


# --- proposals from phones --------------------------------------------------------------

def proposal_view(proposal: SynergyProposal) -> dict:
    return {"id": proposal.id, "text": proposal.text, "group_ids": proposal.group_ids,
            "author_id": proposal.author_id, "status": proposal.status,
            "synergy_id": proposal.synergy_id, "created_at": iso(proposal.created_at)}


def _publish_proposal(proposal: SynergyProposal, actor: str) -> dict:
    """Proposals are for the facilitators to decide, and for their author to follow."""
    view = proposal_view(proposal)
    workshop = db.session.get(Workshop, proposal.workshop_id)
    if proposal.author_id is not None:  # the author's stream reaches the facilitators too
        eventlog.append(workshop, "proposal.saved", {"proposal": view},
                        audience="participant", target_id=proposal.author_id, actor=actor)
    else:
        eventlog.append(workshop, "proposal.saved", {"proposal": view},
                        audience="facilitators", actor=actor)
    return view


def propose_synergy(viewer: Viewer, text: object, group_ids: object = None) -> dict:
    """A participant names what two or more groups share; it waits for the facilitators."""
    workshop = db.session.get(Workshop, viewer.workshop_id)
    if not method.allows(workshop.stage, "synergy_proposals"):
        raise OperationError("wrong_stage", _l(
            "Synergies are proposed during Step 4. Your text is kept on your phone."),
            stage=workshop.stage)
    text = clean_line(text, LIMITS["proposal"], _l(
        "A proposal is a few lines (%(n)d characters at most).", n=LIMITS["proposal"]))
    if not text:
        raise OperationError("empty_text", _l("Please say what the groups share."))
    active = set(db.session.scalars(select(WorkingGroup.id).where(
        WorkingGroup.workshop_id == workshop.id, WorkingGroup.retired.is_(False))))
    chosen = [] if group_ids is None else group_ids
    if not isinstance(chosen, list) or not all(is_id(g) for g in chosen) \
            or not set(chosen) <= active:
        raise OperationError("bad_request", _l("Choose the groups among the working groups."))
    chosen = list(dict.fromkeys(chosen))
    if len(chosen) == 1:
        raise OperationError("bad_request", _l(
            "A synergy joins two groups or more: choose another group, or none."))
    if db.session.scalar(select(db.func.count(SynergyProposal.id)).where(
            SynergyProposal.author_id == viewer.participant_id)) \
            >= MAX_PROPOSALS_PER_PARTICIPANT:
        raise OperationError("too_many", _l(
            "You have proposed %(n)d synergies already, the most one person can.",
            n=MAX_PROPOSALS_PER_PARTICIPANT))
    proposal = SynergyProposal(workshop_id=workshop.id, author_id=viewer.participant_id,
                               text=text, group_ids=chosen, status="pending",
                               created_at=utcnow())
    db.session.add(proposal)
    db.session.flush()
    return {"proposal": _publish_proposal(proposal, viewer.actor)}


def _pending_proposal(viewer: Viewer, proposal_id: object) -> SynergyProposal:
    proposal = of_workshop(SynergyProposal, proposal_id, viewer.workshop_id,
                           _l("This proposal no longer exists."))
    if proposal.status != "pending":
        raise OperationError("already_decided", _l(
            "Another facilitator has already decided on this proposal."))
    return proposal


def dismiss_proposal(viewer: Viewer, proposal_id: object) -> dict:
    """The facilitators set a participant's proposal aside (its author is told)."""
    require_runner(viewer)
    proposal = _pending_proposal(viewer, proposal_id)
    proposal.status = "dismissed"
    return {"proposal": _publish_proposal(proposal, viewer.actor)}


@part("synergies", "the accepted synergies (the staff's list has the rejected ones too); "
                   "every proposal for the staff, its own for a phone")
def _synergies_part(workshop: Workshop, staff: bool) -> dict:
    """The synergies decided: everyone sees the accepted ones; the staff also rejections
    and the participants' proposals."""
    rows = [s for s in db.session.scalars(select(Synergy).where(
        Synergy.workshop_id == workshop.id).order_by(Synergy.id))
        if staff or s.status == "accepted"]
    why = reasons(workshop.id, rows)
    found = {"list": [synergy_view(s, why[s.id]) for s in rows]}
    if staff:
        found["proposals"] = [proposal_view(p) for p in db.session.scalars(
            select(SynergyProposal).where(SynergyProposal.workshop_id == workshop.id)
            .order_by(SynergyProposal.id))]
    return found


@part("synergies", phone=True)
def _synergies_for_phones(workshop: Workshop, staff: bool) -> dict:
    """What everyone sees, and every phone's own proposals read at once (`_proposals`)."""
    proposals: dict[int, list[dict]] = {}
    for proposal in db.session.scalars(select(SynergyProposal).where(
            SynergyProposal.workshop_id == workshop.id).order_by(SynergyProposal.id)):
        proposals.setdefault(proposal.author_id, []).append(proposal_view(proposal))
    return {**_synergies_part(workshop, staff), "_proposals": proposals}


@personal("synergies")
def _my_proposals(shared: dict, workshop: Workshop, viewer: Viewer) -> dict:
    """A phone also follows its own proposals."""
    if viewer.kind != "participant":
        return shared
    return {**shared, "my_proposals": shared["_proposals"].get(viewer.participant_id, [])}


def suggest_synergies(viewer: Viewer) -> dict:
    """Synergies across groups the facilitators may accept, edit or reject; each says why.
    Nothing is changed."""
    require_staff(viewer)
    return {"suggestions": suggest(viewer.workshop_id)}

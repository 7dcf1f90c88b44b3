"""A workshop as one JSON document, and a copy made from one: to rerun a seminar or
keep an archive (docs/archive.md describes the format).

`export_workshop` reads the whole workshop with one query per table, whatever its size,
and writes every row under the id it has here, so references between rows keep their
meaning inside the file. It leaves out what belongs to this server rather than to the
seminar: the event log, the operations already applied, the phones' tokens, the rejoin
codes, the join code and the facilitator accounts (a facilitator who changed something
is written "facilitator", without the account).

`import_workshop` checks the whole document first (format, version, types, lengths
within the models' columns, counts, references), so a damaged or edited file is refused
with a sentence saying where, before anything is written; then it writes the copy in one
transaction (operations.run: committed, or nothing at all). Every row gets a new id and
every reference is remapped; the copy gets its own join code and rejoin codes, an event
log that starts again at 0 (clients load it by a snapshot), and the importer as owner.
"""
from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Callable
from urllib.parse import quote

from flask_babel import force_locale, lazy_gettext as _l
from sqlalchemy import insert, select, update

from . import joining, method, workshops
from .errors import OperationError
from .extensions import db
from .live import operations
from .models import (Action, Actor, ClosingRecord, CommitteeMember, Facilitator,
                     GroupSettings, Idea, ImmediateMeasure, Membership, Objective,
                     Participant, SharedAction, StepSettings, SuccessFactor, Synergy,
                     SynergyProposal, Synthesis, Theme, Vote, WorkingGroup, Workshop, iso,
                     utcnow)
from .payload import MAX_ID, is_id, is_whole
from .steps import boards, closing, groups, ideas, shared_plan, synergies, syntheses
from .text import email_address, one_line

FORMAT = "facilitator-workshop"
VERSION = 1
MAX_BYTES = 20 * 1024 * 1024  # a file larger than this is refused before it is parsed
MAX_LIST = 1000  # items in a list inside one row (ids, partners, merged texts)
MAX_FIELDS_BYTES = 20_000  # a closing record's fields, as JSON
# Text columns have no length in the schema: the capabilities' own limits
TEXT_LIMITS = {"purpose": workshops.LIMITS["purpose"], "synthesis": syntheses.MAX_TEXT,
               "note": synergies.LIMITS["note"],
               "description": shared_plan.LIMITS["description"]}
NOT_AN_EXPORT = _l("This file is not a workshop export from Facilitator.")
_ACTOR = re.compile(r"^(participant|facilitator)(?::(\d{1,10}))?$")


# --- what a row holds ---------------------------------------------------------------------

@dataclass(frozen=True)
class FieldSpec:
    """One field of an exported row: its kind and what a valid value is.

    kind: text (a string within `limit`, the column's length unless given), int, bool,
    date, moment (a UTC time, ISO 8601 with "Z"), ref / refs (ids of rows of the table
    `to`, in this file), choice (one of `choices`), texts (a list of at most `items`
    strings within `limit`), email (a committee member's, as closing.join_committee
    keeps it), actor (who changed it: "participant:<id>", "facilitator" or ""), entries
    (a synergy's), json (a closing record's fields: an object, its ids under RECORD_REFS
    names).
    """

    kind: str
    limit: int | None = None
    null: bool = False
    to: str | None = None
    choices: tuple = ()
    low: int = 0
    high: int = MAX_ID
    items: int = MAX_LIST


def text(limit: int | None = None, null: bool = False) -> FieldSpec:
    return FieldSpec("text", limit=limit, null=null)


def ref(to: str, null: bool = True) -> FieldSpec:
    return FieldSpec("ref", to=to, null=null)


def refs(to: str, null: bool = False) -> FieldSpec:
    """A list of ids: at most as many as the table `to` may hold."""
    return FieldSpec("refs", to=to, null=null)


MOMENT, MOMENT_OR_NULL = FieldSpec("moment"), FieldSpec("moment", null=True)
DAY_OR_NULL, BOOL = FieldSpec("date", null=True), FieldSpec("bool")
ACTOR = FieldSpec("actor", limit=40)


@dataclass(frozen=True)
class Table:
    """One list of the document: its key, its model, its fields (besides `id`), and how
    many rows a file may hold at most."""

    key: str
    model: type
    fields: dict[str, FieldSpec]
    most: int
    limits: dict[str, int] = field(default_factory=dict)

    def __post_init__(self):
        columns = self.model.__table__.c
        for name, spec in self.fields.items():
            if spec.kind in ("text", "actor", "email"):
                length = spec.limit or getattr(columns[name].type, "length", None)
                assert length, f"{self.key}.{name} needs a limit"
                self.limits[name] = length


ENTRY = {"group_id": ref("working_groups", null=False), "author_id": ref("participants"),
         "updated_by": ACTOR, "version": FieldSpec("int", low=1), "highlighted": BOOL,
         "created_at": MOMENT, "updated_at": MOMENT}

WORKSHOP = Table("workshop", Workshop, {
    "title": text(), "purpose": text(TEXT_LIMITS["purpose"]), "venue": text(),
    "date": DAY_OR_NULL, "timezone": text(),
    "language": FieldSpec("choice", choices=workshops.LANGUAGES),
    "priority_count": FieldSpec("int", low=1, high=10),
    "dots_per_participant": FieldSpec("int", low=1, high=20),
    "profiles": FieldSpec("texts", limit=workshops.LIMITS["profile"]),
    "partners": FieldSpec("texts", limit=workshops.LIMITS["partner"]),
    "joining_open": BOOL, "stage": FieldSpec("choice", choices=method.STAGE_KEYS),
    "stage_started_at": MOMENT, "created_at": MOMENT, "closed_at": MOMENT_OR_NULL,
    "plan_shared": BOOL}, most=1)
STEP_SETTINGS = Table("step_settings", StepSettings, {
    "anonymous": BOOL, "input_locked": BOOL, "timer_ends_at": MOMENT_OR_NULL,
    "voting_open": BOOL, "votes_revealed": BOOL, "allow_multiple_dots": BOOL}, most=1)
GROUP_SETTINGS = Table("group_settings", GroupSettings, {
    "mode": FieldSpec("choice", choices=groups.MODES),
    "cap": FieldSpec("int", null=True, low=1, high=groups.MAX_CAP),
    "spotlight_group_id": ref("working_groups")}, most=1)

# The document's lists, in the order of the file. The copy writes them in this order
# too (rows in the file's order, so it lists things as the original does); references
# to rows written later (a group's rapporteur, a merged card or theme) are set after.
TABLES = (
    Table("themes", Theme, {
        "title": text(), "description": text(), "position": FieldSpec("int", low=-MAX_ID),
        "merged_into_id": ref("themes"), "merged_ideas": refs("ideas", null=True),
        "confirmed_rank": FieldSpec("int", null=True, low=1, high=1000), "created_at": MOMENT},
        most=1000),
    Table("working_groups", WorkingGroup, {
        "theme_id": ref("themes", null=False), "retired": BOOL,
        "rapporteur_id": ref("participants"), "created_at": MOMENT}, most=50),
    Table("participants", Participant, {
        "name": text(), "organisation": text(), "profile": text(),
        "consented_at": MOMENT, "joined_at": MOMENT, "group_id": ref("working_groups")},
        most=5000),
    Table("ideas", Idea, {
        "participant_id": ref("participants"), "text": text(),
        "kind": FieldSpec("choice", choices=ideas.KINDS), "origin": text(), "hidden": BOOL,
        "withdrawn": BOOL, "merged_into_id": ref("ideas"),
        "extra_authors": refs("participants"),
        "merged_texts": FieldSpec("texts", limit=Idea.__table__.c.text.type.length),
        "theme_id": ref("themes"), "created_at": MOMENT, "updated_at": MOMENT},
        most=20_000),
    Table("votes", Vote, {
        "participant_id": ref("participants", null=False), "theme_id": ref("themes", null=False),
        "count": FieldSpec("int", low=1, high=20), "created_at": MOMENT}, most=100_000),
    Table("objectives", Objective, {**ENTRY, "text": text()}, most=10_000),
    Table("actors", Actor, {**ENTRY, "name": text(),
                            "kind": FieldSpec("choice", choices=boards.ACTOR_KINDS),
                            "role": text()}, most=10_000),
    Table("actions", Action, {
        **ENTRY, "title": text(), "objective_ids": refs("objectives"),
        "lead_actor_id": ref("actors"), "partner_ids": refs("actors"),
        "deadline": DAY_OR_NULL, "expected_result": text(), "resources": text()},
        most=10_000),
    Table("syntheses", Synthesis, {
        "group_id": ref("working_groups", null=False),
        "substep": FieldSpec("choice", choices=syntheses.SUBSTEPS),
        "text": text(TEXT_LIMITS["synthesis"]), "updated_by": ACTOR, "updated_at": MOMENT},
        most=150),
    Table("synergies", Synergy, {
        "status": FieldSpec("choice", choices=synergies.STATUSES), "kind": text(), "title": text(),
        "note": text(TEXT_LIMITS["note"]), "entries": FieldSpec("entries"),
        "group_ids": refs("working_groups"), "updated_by": ACTOR, "created_at": MOMENT,
        "updated_at": MOMENT}, most=2000),
    Table("synergy_proposals", SynergyProposal, {
        "author_id": ref("participants"), "text": text(), "group_ids": refs("working_groups"),
        "status": FieldSpec("choice", choices=synergies.PROPOSAL_STATUSES),
        "synergy_id": ref("synergies"), "created_at": MOMENT},
        most=10_000),
    Table("shared_actions", SharedAction, {
        "title": text(), "description": text(TEXT_LIMITS["description"]),
        "theme_ids": refs("themes"), "lead": text(),
        "partners": FieldSpec("texts", limit=shared_plan.LIMITS["partner"],
                              items=shared_plan.LIMITS["partners"]),
        "deadline": DAY_OR_NULL,
        "expected_result": text(), "action_ids": refs("actions"),
        "synergy_id": ref("synergies"), "version": FieldSpec("int", low=1), "updated_by": ACTOR,
        "created_at": MOMENT, "updated_at": MOMENT}, most=1000),
    Table("immediate_measures", ImmediateMeasure, {
        "text": text(), "owner": text(), "due": DAY_OR_NULL, "version": FieldSpec("int", low=1),
        "updated_by": ACTOR, "created_at": MOMENT}, most=1000),
    Table("success_factors", SuccessFactor, {
        "text": text(), "author_id": ref("participants"),
        "endorsements": refs("participants"), "created_at": MOMENT}, most=50_000),
    Table("committee_members", CommitteeMember, {
        "participant_id": ref("participants", null=False), "role": text(),
        "email": FieldSpec("email", limit=closing.LIMITS["email"]), "consented_at": MOMENT},
        most=5000),
    Table("closing_records", ClosingRecord, {
        "kind": FieldSpec("choice", choices=closing.RECORD_KINDS), "operation": text(),
        "fields": FieldSpec("json"), "actor": ACTOR,
        "at": MOMENT}, most=10_000),
)
BY_KEY = {table.key: table for table in TABLES}
# A closing record's `fields` are what a correction sent (operations.CORRECTIONS): the
# ids in them refer to rows like any reference, under these names.
RECORD_REFS = {"idea_id": "ideas", "theme_id": "themes", "objective_id": "objectives",
               "actor_id": "actors", "action_id": "actions", "group_id": "working_groups",
               "shared_action_id": "shared_actions", "measure_id": "immediate_measures",
               "lead_actor_id": "actors", "synergy_id": "synergies",
               "objective_ids": "objectives", "partner_ids": "actors",
               "theme_ids": "themes", "action_ids": "actions"}
ENTRY_TABLES = {"objective": "objectives", "actor": "actors", "action": "actions"}
SINGLE = (STEP_SETTINGS, GROUP_SETTINGS)


# --- export -----------------------------------------------------------------------------

def _out(spec: FieldSpec, value: Any) -> Any:
    if value is None:
        return None
    if spec.kind == "moment":
        return iso(value)
    if spec.kind == "date":
        return value.isoformat()
    if spec.kind == "actor":
        match = _ACTOR.match(value)
        # the accounts are not exported: a facilitator is written without theirs
        return "facilitator" if match and match.group(1) == "facilitator" else value
    if spec.kind in ("refs", "texts", "entries"):
        return list(value)
    return value


def _rows(table: Table, where) -> list[dict]:
    columns = table.model.__table__.c
    names = ["id", *table.fields] if "id" in columns else list(table.fields)
    query = select(*(columns[name] for name in names)).where(where)
    if "id" in columns:
        query = query.order_by(columns.id)
    return [{name: (value if name == "id" else _out(table.fields[name], value))
             for name, value in row._mapping.items()}
            for row in db.session.execute(query)]


def export_workshop(workshop_id: int) -> dict:
    """The whole workshop as JSON-able data: one query per table, ids as they are here."""
    found = _rows(WORKSHOP, Workshop.id == workshop_id)
    if not found:
        raise OperationError("not_found", _l("This workshop does not exist."))
    data: dict[str, Any] = {"format": FORMAT, "version": VERSION,
                            "exported_at": iso(utcnow()), "workshop": found[0]}
    for single in SINGLE:
        rows = _rows(single, single.model.workshop_id == workshop_id)
        data[single.key] = rows[0] if rows else None
    for table in TABLES:
        data[table.key] = _rows(table, table.model.workshop_id == workshop_id)
    _drop_stale(data)
    return data


def _drop_stale(data: dict) -> None:
    """Lists of ids kept in JSON columns (a synergy's entries, a shared action's actions,
    a theme's merged cards) are not foreign keys: they may still name an entry removed
    from its board since. Such ids point to nothing; the file leaves them out, so every
    reference it holds is to a row it holds."""
    held = {table.key: {row["id"] for row in data[table.key]} for table in TABLES}
    for row in data["closing_records"]:
        if isinstance(row["fields"], dict):
            row["fields"] = _record_refs(row["fields"], lambda key, v: v if v in held[key]
                                         else None)
    for table in TABLES:
        lists = [(name, spec) for name, spec in table.fields.items()
                 if spec.kind in ("refs", "entries")]
        for row in data[table.key] if lists else ():
            for name, spec in lists:
                if row[name] is None:
                    continue
                if spec.kind == "refs":
                    row[name] = [v for v in row[name] if v in held[spec.to]]
                else:
                    row[name] = [e for e in row[name] if isinstance(e, dict) and e.get("id")
                                 in held.get(ENTRY_TABLES.get(e.get("kind")), ())]


def dumps(data: dict) -> bytes:
    """The document as a file: UTF-8 (Arabic stays readable), each top-level key and
    each row on a line of its own, so a person can read it and a diff shows rows."""
    def line(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    parts = []
    for key, value in data.items():
        if isinstance(value, list) and value:
            rows = ",\n".join(line(row) for row in value)
            parts.append(f"{line(key)}:[\n{rows}\n]")
        else:
            parts.append(f"{line(key)}:{line(value)}")
    return ("{\n" + ",\n".join(parts) + "\n}\n").encode()


def filename(workshop: Workshop) -> tuple[str, str]:
    """The attachment's names, named after the workshop: (ASCII fallback, UTF-8 quoted)."""
    title = " ".join(re.sub(r'[\\/:*?"<>|\x00-\x1f\x7f]', " ", workshop.title).split())
    title = title[:80].strip() or f"workshop-{workshop.id}"
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    ascii_title = re.sub(r"[^A-Za-z0-9 ._()-]", "", ascii_title).strip()
    ascii_title = ascii_title or f"workshop-{workshop.id}"
    return f"{ascii_title}.json", quote(f"{title}.json", safe="")


def _record_refs(fields: dict, change: Callable[[str, int], int | None]) -> dict:
    """A record's fields with each id under a RECORD_REFS name passed through `change`
    (table key, id) -> new id or None (None: left out of a list)."""
    fields = dict(fields)
    for name, key in RECORD_REFS.items():
        value = fields.get(name)
        if is_id(value):
            fields[name] = change(key, value)
        elif isinstance(value, list):
            changed = [change(key, v) if is_id(v) else v for v in value]
            fields[name] = [v for v in changed if v is not None]
    return fields


# --- reading a file -----------------------------------------------------------------------

def read_archive(raw: bytes | str) -> dict:
    """The document in a file's bytes, or OperationError: too large, not JSON, not an
    object."""
    if len(raw) > MAX_BYTES:
        raise OperationError("too_large", _l(
            "This file is too large to import (%(n)d MB at most).",
            n=MAX_BYTES // (1024 * 1024)))
    try:
        if isinstance(raw, bytes):
            raw = raw.decode("utf-8-sig")
        data = json.loads(raw, object_pairs_hook=_one_value_per_key)
    except _RepeatedKey as repeated:
        raise OperationError("bad_format", _l(
            "This file cannot be imported: the key “%(key)s” appears twice in one object, "
            "so it is not clear which value is meant (the file was edited).",
            key=str(repeated)[:80])) from None
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise OperationError("not_json", _l(
            "This file is not a workshop export: it is not readable JSON (it may have "
            "been cut short or edited).")) from None
    if not isinstance(data, dict):
        raise OperationError("bad_format", NOT_AN_EXPORT)
    return data


class _RepeatedKey(Exception):
    """A JSON object naming the same key twice (json.loads would keep the last)."""


def _one_value_per_key(pairs: list[tuple[str, Any]]) -> dict:
    found: dict = {}
    for key, value in pairs:
        if key in found:
            raise _RepeatedKey(key)
        found[key] = value
    return found


def read_and_check(raw: bytes | str) -> tuple[dict, dict]:
    """A file's document and its checked rows (read_archive, then check): pure work on
    the file, which the server runs off its event loop."""
    data = read_archive(raw)
    return data, check(data)


# --- checking a document --------------------------------------------------------------------

def _damaged(where: tuple[str, int | None, str | None], problem: object) -> OperationError:
    table, item, name = where
    details = {"table": table, "item": item, "field": name}
    if item is None and name is None:
        message = _l("This file cannot be imported: “%(table)s” %(problem)s.",
                     table=table, problem=problem)
    elif item is None:
        message = _l("This file cannot be imported: in “%(table)s”, the field "
                     "“%(field)s” %(problem)s.", table=table, field=name, problem=problem)
    elif name is None:
        message = _l("This file cannot be imported: in “%(table)s”, item %(item)d "
                     "%(problem)s.", table=table, item=item, problem=problem)
    else:
        message = _l("This file cannot be imported: in “%(table)s”, item %(item)d, the "
                     "field “%(field)s” %(problem)s.", table=table, item=item, field=name,
                     problem=problem)
    return OperationError("bad_archive", message, **details)


def _moment(value: str) -> datetime:
    if not value.endswith("Z"):
        raise ValueError(value)
    moment = datetime.fromisoformat(value[:-1])
    if moment.tzinfo is not None:
        raise ValueError(value)
    return moment


def _is_text(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        value.encode("utf-8")  # a lone surrogate ("\ud800" in JSON) cannot be saved
    except UnicodeEncodeError:
        return False
    return True


class _Checker:
    """Checks a document row by row; references are checked against the ids the file
    holds, so the whole file is read once before anything is written."""

    def __init__(self, data: dict):
        self.data = data
        self.ids: dict[str, dict[int, dict]] = {}

    def rows(self, key: str, most: int) -> list:
        rows = self.data.get(key)
        if key not in self.data:
            raise _damaged((key, None, None), _l("is missing"))
        if not isinstance(rows, list):
            raise _damaged((key, None, None), _l("must be a list"))
        if len(rows) > most:
            raise _damaged((key, None, None), _l(
                "has more than %(n)d items, more than a workshop can hold", n=most))
        return rows

    def collect(self, table: Table) -> None:
        """Every row's id, once: what references may point to."""
        seen: dict[int, dict] = {}
        for n, row in enumerate(self.rows(table.key, table.most), start=1):
            if not isinstance(row, dict):
                raise _damaged((table.key, n, None), _l("must be an object"))
            if not is_id(row.get("id")):
                raise _damaged((table.key, n, "id"), _l("must be a whole number above 0"))
            if row["id"] in seen:
                raise _damaged((table.key, n, "id"), _l("repeats the id of another item"))
            seen[row["id"]] = row
        self.ids[table.key] = seen

    def row(self, table: Table, row: Any, n: int | None) -> dict:
        """The row's fields, checked and converted for the model."""
        if not isinstance(row, dict):
            raise _damaged((table.key, n, None), _l("must be an object"))
        clean = {}
        for name, spec in table.fields.items():
            where = (table.key, n, name)
            if name not in row:
                raise _damaged(where, _l("is missing"))
            clean[name] = self.value(spec, row[name], where,
                                     table.limits.get(name) or spec.limit)
        return clean

    def value(self, spec: FieldSpec, value: Any, where: tuple, limit: int | None) -> Any:
        if value is None:
            if spec.null:
                return None
            raise _damaged(where, _l("must not be empty (null)"))
        check: Callable = getattr(self, f"_{spec.kind}")
        return check(spec, value, where, limit)

    def _text(self, spec, value, where, limit):
        if not _is_text(value):
            raise _damaged(where, _l("must be a text"))
        if len(value) > limit:
            raise _damaged(where, _l("is longer than %(n)d characters", n=limit))
        return value

    def _int(self, spec, value, where, limit):
        if not is_whole(value) or not spec.low <= value <= spec.high:
            raise _damaged(where, _l("must be a whole number from %(low)d to %(high)d",
                                     low=spec.low, high=spec.high))
        return value

    def _bool(self, spec, value, where, limit):
        if not isinstance(value, bool):
            raise _damaged(where, _l("must be true or false"))
        return value

    def _date(self, spec, value, where, limit):
        try:
            if not isinstance(value, str):
                raise ValueError(value)
            return date.fromisoformat(value)
        except ValueError:
            raise _damaged(where, _l("must be a date (year-month-day)")) from None

    def _moment(self, spec, value, where, limit):
        try:
            if not isinstance(value, str):
                raise ValueError(value)
            return _moment(value)
        except ValueError:
            raise _damaged(where, _l(
                "must be a time in UTC (e.g. 2015-10-20T09:30:00Z)")) from None

    def _choice(self, spec, value, where, limit):
        if not isinstance(value, str) or value not in spec.choices:
            raise _damaged(where, _l("must be one of: %(values)s",
                                     values=", ".join(spec.choices)))
        return value

    def _ref(self, spec, value, where, limit):
        if not is_id(value):
            raise _damaged(where, _l("must be the id of an item of “%(table)s”",
                                     table=spec.to))
        if value not in self.ids[spec.to]:
            raise _damaged(where, _l("refers to item %(id)d of “%(table)s”, which is not "
                                     "in the file", id=value, table=spec.to))
        return value

    def _refs(self, spec, value, where, limit):
        if not isinstance(value, list):
            raise _damaged(where, _l("must be a list"))
        if len(value) > BY_KEY[spec.to].most:
            raise _damaged(where, _l("has more than %(n)d items", n=BY_KEY[spec.to].most))
        for item in value:
            self._ref(spec, item, where, None)
        return list(value)

    def _texts(self, spec, value, where, limit):
        if not isinstance(value, list):
            raise _damaged(where, _l("must be a list"))
        if len(value) > spec.items:
            raise _damaged(where, _l("has more than %(n)d items", n=spec.items))
        return [self._text(spec, item, where, spec.limit) for item in value]

    def _email(self, spec, value, where, limit):
        """As closing.join_committee keeps one (text.email_address)."""
        self._text(spec, value, where, limit)
        try:
            if email_address(value, limit) != value:
                raise _damaged(where, _l("must be an email address"))
        except OperationError:
            raise _damaged(where, _l("must be an email address")) from None
        return value

    def _actor(self, spec, value, where, limit):
        if not _is_text(value) or len(value) > limit:
            raise _damaged(where, _l("must say who made the change"))
        match = _ACTOR.match(value)
        if match and match.group(1) == "participant":
            if match.group(2) is None:
                raise _damaged(where, _l("must say who made the change"))
            self._ref(ref("participants"), int(match.group(2)), where, None)
        elif match:
            return "facilitator"
        return value

    def _entries(self, spec, value, where, limit):
        """A synergy's entries: {kind, id, group_id}, each on its group's board (fewer
        than two when entries were removed from their boards after the decision)."""
        if not isinstance(value, list) or len(value) > 50:
            raise _damaged(where, _l("must list 50 entries at most"))
        clean = []
        for entry in value:
            if not isinstance(entry, dict) or not isinstance(entry.get("kind"), str) \
                    or entry["kind"] not in ENTRY_TABLES:  # a list would not hash
                raise _damaged(where, _l("must list entries as {kind, id, group_id}"))
            table = ENTRY_TABLES[entry["kind"]]
            self._ref(ref(table), entry.get("id"), where, None)
            if entry.get("group_id") != self.ids[table][entry["id"]].get("group_id"):
                raise _damaged(where, _l("names an entry with the wrong group"))
            clean.append({"kind": entry["kind"], "id": entry["id"],
                          "group_id": entry["group_id"]})
        if len({(e["kind"], e["id"]) for e in clean}) != len(clean):
            raise _damaged(where, _l("names the same item twice"))
        return clean

    def _json(self, spec, value, where, limit):
        if not isinstance(value, dict):
            raise _damaged(where, _l("must be an object"))
        try:
            size = len(json.dumps(value, ensure_ascii=False).encode())
        except (ValueError, UnicodeEncodeError, RecursionError):
            size = MAX_FIELDS_BYTES + 1
        if size > MAX_FIELDS_BYTES:
            raise _damaged(where, _l("is too large"))
        return _record_refs(value, lambda key, v: self._ref(ref(key), v, where, None))


def _unique(rows: list[dict], key: str, fields: tuple[str, ...], problem: object) -> None:
    seen = set()
    for n, row in enumerate(rows, start=1):
        value = tuple(row[f] for f in fields)
        if value in seen:
            raise _damaged((key, n, None), problem)
        seen.add(value)


def _no_loops(rows: list[dict], key: str) -> None:
    """Items merged into others (`merged_into_id`) end at one that is not merged: two
    items merged into each other would both vanish from the room."""
    by_id = {row["id"]: row for row in rows}
    ends: set[int] = set()
    for n, row in enumerate(rows, start=1):
        path, current = set(), row["id"]
        while current is not None and current not in ends:
            if current in path:
                raise _damaged((key, n, "merged_into_id"), _l("makes a loop of merges"))
            path.add(current)
            current = by_id[current]["merged_into_id"]
        ends |= path


def check(data: Any) -> dict:
    """The document checked, every row's fields converted; OperationError says what is
    wrong and where, and nothing has been written."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise OperationError("bad_format", NOT_AN_EXPORT)
    version = data.get("version")
    if not is_whole(version) or version != VERSION:
        if is_whole(version) and version > VERSION:
            raise OperationError("bad_version", _l(
                "This export was made by a newer version of Facilitator (format version "
                "%(version)d); this server reads version %(n)d. Update the app first.",
                version=version, n=VERSION))
        raise OperationError("bad_version", _l(
            "This export's format version is not one this server reads (version %(n)d).",
            n=VERSION))
    checker = _Checker(data)
    for table in TABLES:
        checker.collect(table)
    if "workshop" not in data:
        raise _damaged(("workshop", None, None), _l("is missing"))
    clean: dict[str, Any] = {"workshop": checker.row(WORKSHOP, data["workshop"], None)}
    for single in SINGLE:
        if single.key not in data:
            raise _damaged((single.key, None, None), _l("is missing"))
        value = data[single.key]
        clean[single.key] = None if value is None else checker.row(single, value, None)
    for table in TABLES:
        clean[table.key] = [{"id": row["id"], **checker.row(table, row, n)}
                            for n, row in enumerate(data[table.key], start=1)]
    _check_together(clean)
    return clean


def _check_together(clean: dict) -> None:
    """What holds across rows: one vote row per person and theme, one group per theme,
    one synthesis per group and sub-step, one sign-up per person, one decision per set
    of entries, an action's objectives and actors on its own group's board, no loops."""
    _unique(clean["votes"], "votes", ("participant_id", "theme_id"),
            _l("repeats a participant's dots on the same theme"))
    _unique(clean["working_groups"], "working_groups", ("theme_id",),
            _l("repeats the theme of another group"))
    _unique(clean["syntheses"], "syntheses", ("group_id", "substep"),
            _l("repeats the synthesis of a group for the same sub-step"))
    _unique(clean["committee_members"], "committee_members", ("participant_id",),
            _l("repeats a participant's sign-up"))
    _unique([{"signature": synergies.signature(row["entries"])} for row in clean["synergies"]],
            "synergies", ("signature",), _l("links the same entries as another synergy"))
    group_of = {key: {row["id"]: row["group_id"] for row in clean[key]}
                for key in ("objectives", "actors")}
    for n, action in enumerate(clean["actions"], start=1):
        own = action["group_id"]
        for name, key in (("objective_ids", "objectives"), ("partner_ids", "actors"),
                          ("lead_actor_id", "actors")):
            values = action[name] if isinstance(action[name], list) else [action[name]]
            if any(v is not None and group_of[key][v] != own for v in values):
                raise _damaged(("actions", n, name), _l(
                    "refers to another group's board"))
    _no_loops(clean["themes"], "themes")
    _no_loops(clean["ideas"], "ideas")
    # what one person may send in the room, no more in a copy
    on_the_wall = [row for row in clean["ideas"]
                   if not row["withdrawn"] and row["merged_into_id"] is None]
    _at_most(on_the_wall, "ideas", "participant_id", ideas.MAX_IDEAS_PER_PARTICIPANT)
    _at_most(clean["synergy_proposals"], "synergy_proposals", "author_id",
             synergies.MAX_PROPOSALS_PER_PARTICIPANT)
    _at_most(clean["success_factors"], "success_factors", "author_id",
             closing.MAX_FACTORS_PER_PARTICIPANT)


def _at_most(rows: list[dict], key: str, author: str, most: int) -> None:
    """No participant is the author of more than `most` of these rows."""
    counted: Counter = Counter()
    for n, row in enumerate(rows, start=1):
        if row[author] is None:
            continue
        counted[row[author]] += 1
        if counted[row[author]] > most:
            raise _damaged((key, n, author), _l(
                "gives one participant more than the %(n)d one person may send", n=most))


# --- import -------------------------------------------------------------------------------

def copy_title(title: str, language: str) -> str:
    """The copy's title: the original's, followed by "(copy)" in the workshop's language."""
    with force_locale(language):
        suffix = " " + str(_l("(copy)"))
    limit = workshops.LIMITS["title"] - len(suffix)
    return title[:limit].rstrip() + suffix


def import_workshop(data: dict, owner: Facilitator) -> Workshop:
    """A copy of the exported workshop, owned by `owner`, committed in one transaction;
    OperationError (nothing written) when the document is not a valid export."""
    return write_copy(check(data), owner)


def write_copy(clean: dict, owner: Facilitator) -> Workshop:
    """The copy of a document check() returned, committed in one transaction."""
    return operations.run(_write, clean, owner)


def _write(clean: dict, owner: Facilitator) -> Workshop:
    settings = dict(clean["workshop"])
    checked = workshops.validate_settings(
        {key: settings[key] for key in ("title", "purpose", "venue", "date", "timezone",
                                        "language", "priority_count",
                                        "dots_per_participant", "profiles", "partners")})
    checked["title"] = copy_title(checked["title"], checked["language"])
    workshop = Workshop(**checked, join_code=workshops.unique_join_code(),
                        joining_open=settings["joining_open"], stage=settings["stage"],
                        stage_started_at=settings["stage_started_at"], last_seq=0,
                        created_at=utcnow(), closed_at=settings["closed_at"],
                        plan_shared=settings["plan_shared"])
    workshop.memberships.append(Membership(facilitator=owner, role="owner"))
    db.session.add(workshop)
    db.session.flush()
    return _Copy(workshop.id, clean).write(workshop)


class _Copy:
    """Writes the checked rows under new ids, remapping every reference on the way."""

    def __init__(self, workshop_id: int, clean: dict):
        self.workshop_id = workshop_id
        self.clean = clean
        self.new: dict[str, dict[int, int]] = {table.key: {} for table in TABLES}

    def id(self, key: str, old: int | None) -> int | None:
        return None if old is None else self.new[key][old]

    def ids(self, key: str, old: list[int] | None) -> list[int] | None:
        return None if old is None else [self.new[key][i] for i in old]

    def actor(self, value: str) -> str:
        match = _ACTOR.match(value)
        if match and match.group(1) == "participant":
            return f"participant:{self.new['participants'][int(match.group(2))]}"
        return value

    def insert(self, key: str, rows: list[dict], **remap: Callable[[dict], Any]) -> list[int]:
        """Insert the rows with their references remapped (`remap`: field -> new value)
        in one bulk INSERT … RETURNING (ids in the rows' order), and note the new ids."""
        if not rows:
            return []
        table = BY_KEY[key]
        actors = [name for name, spec in table.fields.items() if spec.kind == "actor"]
        values = []
        for row in rows:
            value = {name: row[name] for name in table.fields}
            value.update({name: self.actor(row[name]) for name in actors})
            value.update({name: fn(row) for name, fn in remap.items()})
            if key == "synergies":
                value["signature"] = synergies.signature(value["entries"])
            values.append({**value, "workshop_id": self.workshop_id})
        model = table.model
        made = list(db.session.scalars(
            insert(model).returning(model.id, sort_by_parameter_order=True), values))
        self.new[key].update(zip((row["id"] for row in rows), made))
        return made

    def update(self, model: type, values: list[dict]) -> None:
        """Set references to rows written after these (by primary key, in bulk)."""
        if values:
            db.session.execute(update(model), values)

    def write(self, workshop: Workshop) -> Workshop:
        c, new = self.clean, self.id
        if c["step_settings"] is not None:
            db.session.add(StepSettings(workshop_id=workshop.id, **c["step_settings"]))
        else:
            db.session.add(StepSettings(workshop_id=workshop.id, anonymous=False,
                                        input_locked=False, voting_open=False,
                                        votes_revealed=False, allow_multiple_dots=False))
        # every table in the file's order, so the copy lists things in the same order;
        # what refers to a row written later is set once that row has its id
        themes = self.insert("themes", c["themes"], merged_into_id=lambda r: None,
                             merged_ideas=lambda r: None)
        groups_made = self.insert("working_groups", c["working_groups"],
                                  theme_id=lambda r: new("themes", r["theme_id"]),
                                  rapporteur_id=lambda r: None)
        self.insert("participants", c["participants"],
                    rejoin_code=self._rejoin_codes(len(c["participants"])),
                    group_id=lambda r: new("working_groups", r["group_id"]))
        self.update(WorkingGroup, [
            {"id": made, "rapporteur_id": new("participants", row["rapporteur_id"])}
            for made, row in zip(groups_made, c["working_groups"]) if row["rapporteur_id"]])
        author = lambda r: new("participants", r["participant_id"])  # noqa: E731
        cards = self.insert("ideas", c["ideas"], participant_id=author,
                            theme_id=lambda r: new("themes", r["theme_id"]),
                            merged_into_id=lambda r: None,
                            extra_authors=lambda r: self.ids("participants",
                                                             r["extra_authors"]))
        self.update(Idea, [  # updated_at given: kept as exported, not "now"
            {"id": made, "merged_into_id": new("ideas", row["merged_into_id"]),
             "updated_at": row["updated_at"]}
            for made, row in zip(cards, c["ideas"]) if row["merged_into_id"]])
        self.update(Theme, [
            {"id": made, "merged_into_id": new("themes", row["merged_into_id"]),
             "merged_ideas": self.ids("ideas", row["merged_ideas"])}
            for made, row in zip(themes, c["themes"])
            if row["merged_into_id"] or row["merged_ideas"] is not None])
        self.insert("votes", c["votes"], participant_id=author,
                    theme_id=lambda r: new("themes", r["theme_id"]))
        if c["group_settings"] is not None:
            db.session.add(GroupSettings(
                workshop_id=workshop.id, mode=c["group_settings"]["mode"],
                cap=c["group_settings"]["cap"],
                spotlight_group_id=new("working_groups",
                                       c["group_settings"]["spotlight_group_id"])))
        entry = {"group_id": lambda r: new("working_groups", r["group_id"]),
                 "author_id": lambda r: new("participants", r["author_id"])}
        self.insert("objectives", c["objectives"], **entry)
        self.insert("actors", c["actors"], **entry)
        self.insert("actions", c["actions"], **entry,
                    objective_ids=lambda r: self.ids("objectives", r["objective_ids"]),
                    lead_actor_id=lambda r: new("actors", r["lead_actor_id"]),
                    partner_ids=lambda r: self.ids("actors", r["partner_ids"]))
        self.insert("syntheses", c["syntheses"], group_id=entry["group_id"])
        self.insert("synergies", c["synergies"],
                    entries=lambda r: [{"kind": e["kind"],
                                        "id": new(ENTRY_TABLES[e["kind"]], e["id"]),
                                        "group_id": new("working_groups", e["group_id"])}
                                       for e in r["entries"]],
                    group_ids=lambda r: self.ids("working_groups", r["group_ids"]))
        self.insert("synergy_proposals", c["synergy_proposals"],
                    author_id=lambda r: new("participants", r["author_id"]),
                    group_ids=lambda r: self.ids("working_groups", r["group_ids"]),
                    synergy_id=lambda r: new("synergies", r["synergy_id"]))
        self.insert("shared_actions", c["shared_actions"],
                    theme_ids=lambda r: self.ids("themes", r["theme_ids"]),
                    action_ids=lambda r: self.ids("actions", r["action_ids"]),
                    synergy_id=lambda r: new("synergies", r["synergy_id"]))
        self.insert("immediate_measures", c["immediate_measures"])
        self.insert("success_factors", c["success_factors"],
                    author_id=lambda r: new("participants", r["author_id"]),
                    endorsements=lambda r: self.ids("participants", r["endorsements"]))
        self.insert("committee_members", c["committee_members"], participant_id=author)
        self.insert("closing_records", c["closing_records"],
                    fields=lambda r: _record_refs(r["fields"], new))
        db.session.flush()
        return workshop

    def _rejoin_codes(self, count: int) -> Callable[[dict], str]:
        codes: set[str] = set()
        while len(codes) < count:
            codes.add(joining.new_code(joining.REJOIN_CODE_LENGTH))
        pool = iter(codes)
        return lambda _row: next(pool)


def summary(data: dict) -> dict[str, int]:
    """How many of what a document holds: for a message after an import."""
    return {table.key: len(data.get(table.key) or []) for table in TABLES}

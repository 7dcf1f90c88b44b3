"""Writes docs/protocol.md's tables from the code, leaving its prose alone.

    .venv/bin/python scripts/protocol_doc.py          (make protocol) rewrite the tables
    .venv/bin/python scripts/protocol_doc.py --check  exit 1 if the doc is not up to date

Each table sits between `<!-- generated: NAME -->` and `<!-- end generated -->` in the
doc; what is between is replaced by the table NAME made from:

- operations-steps12, -step3, -step4, -closing, queries: the payload classes of
  facilitator/live/schema.py, in the order of operations.OPERATIONS and QUERIES;
- events: facilitator/live/events.py's EVENTS (audience, note), each type's data written
  from its class in views.EVENT_DATA;
- snapshot: snapshot.KEYS, then every part: its shape from views.SNAPSHOTS (the
  projector's, then where the staff's or a phone's differs), its note given to `@part`;
- views: the wire views of facilitator/live/views.py (ITEMS): who receives each, its
  fields and their types;
- errors, form-errors: facilitator/errors.py's CODES and FORM_CODES.

tests/test_protocol_doc.py fails when the doc differs from what this writes.
"""
from __future__ import annotations

import argparse
import inspect
import re
import sys
import types
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import msgspec

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from facilitator import errors, snapshot  # noqa: E402
from facilitator.live import events, schema, views  # noqa: E402
from facilitator.live.operations import OPERATIONS, QUERIES  # noqa: E402

DOC = ROOT / "docs" / "protocol.md"
MARKED = re.compile(r"(<!-- generated: ([\w-]+) -->\n)(.*?)(<!-- end generated -->)", re.S)
# the snapshot's parts in the order a reader meets them (a part not named here comes last)
WIRE_VIEWS = "#wire-views"  # the anchor of the doc's table of views
LINK = "\0"  # around a view's name in a shape: code() makes it a link
PART_ORDER = ("workshop", "stage", "joining", "participants", "me", "ideas", "priorities",
              "groups", "synergies", "shared_plan", "closing")


def cell(text: str) -> str:
    """Text for a table cell: one line, its pipes escaped."""
    return re.sub(r"(?<!\\)\|", r"\\|", " ".join(text.split()))


def table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(cell(value) for value in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def note(shape: type[schema.Payload]) -> str:
    return " ".join(inspect.cleandoc(shape.__doc__ or "").split())


def said(shape: str, note_: str) -> str:
    """A shape and its note after it: `{…}: note`, or `{…} (note)`."""
    if not note_:
        return shape
    return f"{shape} {note_}" if note_.startswith("(") else f"{shape}: {note_}"


def payload(shape: type[schema.Payload], op_id: bool) -> str:
    """`{op_id, text ≤ 500, kind?, ...}` and the operation's note after it."""
    fields = [schema.shown(shape, name) for name in schema.field_names(shape)]
    return said("`{" + ", ".join((["op_id"] if op_id else []) + fields) + "}`", note(shape))


def operations(name: str) -> str:
    rows = [(f"`{op}`", shape.who, payload(shape, True), shape.result)
            for op, (_change, shape, _who) in OPERATIONS.items() if shape.table == name]
    return table(("operation", "who", "payload", "result"), rows)


def queries() -> str:
    rows = [(f"`{name}`", shape.who, payload(shape, False), shape.result)
            for name, (_read, shape, _who) in QUERIES.items()]
    return table(("query", "who", "payload", "ack"), rows)


def event_rows() -> str:
    """One row per event type, its data's shape from views.EVENT_DATA and its audience
    and note from events.EVENTS; consecutive types said alike share theirs."""
    rows: list[tuple[list[str], tuple[str, str, Any]]] = []
    for type_, (audience, note_) in events.EVENTS.items():
        row = (audience, note_, views.EVENT_DATA[type_])
        if rows and rows[-1][1] == row:
            rows[-1][0].append(type_)
        else:
            rows.append(([type_], row))
    return table(("type", "audience", "data"),
                 [(", ".join(f"`{t}`" for t in types), audience,
                   said(code(type_text(data)), note_))
                  for types, (audience, note_, data) in rows])


def fields_of(shape: Any) -> dict[str, Any]:
    return {field.encode_name: field.type for field in msgspec.structs.fields(shape)}


def part_shape(name: str) -> str:
    """A snapshot key's shape as the projector gets it, then where the staff's or a
    phone's differs: `{…, key: type}` (its other keys the projector's) or all of it."""
    kinds = {audience: fields_of(shape)[name] for audience, shape in views.SNAPSHOTS.items()}
    base = kinds["projector"]
    shown = [code(type_text(base))]
    for audience, who in (("staff", "the staff"), ("phone", "a phone")):
        if kinds[audience] != base:
            shown.append(f"{who}: {code(differing(base, kinds[audience]))}")
    return "; ".join(shown)


def differing(base: Any, kind: Any) -> str:
    """`{…, list: [PhoneCard], earlier: int}`: only the keys of the view `kind` that the
    view `base` has not as they are, when `kind` keeps every key of `base` and some as
    they are (`…`: those); else all of `kind`."""
    if not (inline(base) and inline(kind)):
        return type_text(kind)
    theirs, own = dict(keys(base)), keys(kind)
    changed = [(key, text) for key, text in own if theirs.get(key) != text]
    if set(theirs) - {key for key, _text in own} or len(changed) == len(own):
        return type_text(kind)
    return "{…, " + ", ".join(f"{key}: {text}" for key, text in changed) + "}"


def snapshot_rows() -> str:
    """What every snapshot carries, then every part: each key's shape from
    views.SNAPSHOTS, its note from snapshot.KEYS or the part's `@part`."""
    parts = sorted(snapshot.PARTS, key=lambda name: (
        PART_ORDER.index(name) if name in PART_ORDER else len(PART_ORDER), name))
    rows = [(f"`{key}`", part_shape(key), content) for key, content in snapshot.KEYS.items()]
    rows += [(f"`{name}`", part_shape(name), snapshot.CONTENTS.get(name, ""))
             for name in parts]
    return table(("key", "shape", "note"), rows)


def type_text(kind: Any, top: bool = False) -> str:
    """A type as the doc writes it: `int`, `time | null`, `"a"|"b"`, `[int]`; a view of
    views.ITEMS by its name (marked for a link), any other view by its keys, inline
    (`top`: the item's own keys, for its row of the views table)."""
    origin, args = get_origin(kind), get_args(kind)
    if origin is Annotated:  # views.Time, views.StageKey, ...: named by their title
        return next(meta.title for meta in kind.__metadata__ if meta.title)
    if origin in (Union, types.UnionType):
        members = [arg for arg in args if arg is not msgspec.UnsetType]
        return merged(members) or " | ".join(type_text(arg) for arg in members)
    if origin is Literal:
        return "|".join(f'"{arg}"' for arg in args)
    if origin is list:
        return f"[{type_text(args[0])}]"
    if origin is dict:
        return f"{{{type_text(args[0])}: {type_text(args[1])}}}"
    if kind is Any:
        return "any"
    if isinstance(kind, type) and issubclass(kind, views.View):
        if kind in views.ITEMS and not top:
            return f"{LINK}{kind.__name__}{LINK}"
        return "{" + ", ".join(f"{key}: {text}" for key, text in keys(kind)) + "}"
    return {type(None): "null"}.get(kind, getattr(kind, "__name__", str(kind)))


def inline(kind: Any) -> bool:
    """A view the doc writes out in place: one not in the table of views."""
    return isinstance(kind, type) and issubclass(kind, views.View) and kind not in views.ITEMS


def keys(shape: type[views.View]) -> list[tuple[str, str]]:
    """A view's keys (`key?`: some receive it) and their types; a tagged view's tag
    first."""
    config = shape.__struct_config__
    shown = [(config.tag_field, f'"{config.tag}"')] if config.tag_field else []
    for field in msgspec.structs.fields(shape):
        optional = "?" if field.default is msgspec.UNSET else ""
        shown.append((field.encode_name + optional, type_text(field.type)))
    return shown


def merged(members: list[Any]) -> str | None:
    """Views of one set of keys (entry.overwritten's, one per kind of entry) as one view,
    each key's types joined: `{kind: "objective"|"actor", entry: Objective | Actor}`."""
    if len(members) < 2 or not all(inline(member) for member in members):
        return None
    each = [keys(member) for member in members]
    if len({tuple(key for key, _text in shown) for shown in each}) > 1:
        return None
    joined = []
    for column in zip(*each):
        texts = list(dict.fromkeys(text for _key, text in column))
        quoted = all(text.startswith('"') for text in texts)
        joined.append(f"{column[0][0]}: " + ("|" if quoted else " | ").join(texts))
    return "{" + ", ".join(joined) + "}"


def code(text: str, linked: bool = True) -> str:
    """A shape as markdown: in backticks, each view's name (marked by type_text) a link
    to the "Wire views" table, or (not `linked`) plain."""
    if not linked:
        return f"`{text.replace(LINK, '')}`"
    pieces = text.split(LINK)
    return "".join(f"[{piece}]({WIRE_VIEWS})" if odd else f"`{piece}`"
                   for odd, piece in ((i % 2, piece) for i, piece in enumerate(pieces))
                   if piece)


def view_rows() -> str:
    rows = [(f"`{shape.__name__}`", note(shape), code(type_text(shape, top=True), False))
            for shape in views.ITEMS]
    return table(("view", "who receives it", "fields"), rows)


def tables() -> dict[str, str]:
    made = {f"operations-{section}": operations(f"operations-{section}")
            for section in ("steps12", "step3", "step4", "closing")}
    made.update({
        "queries": queries(),
        "events": event_rows(),
        "snapshot": snapshot_rows(),
        "views": view_rows(),
        "errors": table(("code", "meaning"),
                        [(f"`{code}`", meaning) for code, meaning in errors.CODES.items()]),
        "form-errors": table(("code", "where", "meaning"),
                             [(f"`{code}`", where, meaning)
                              for code, (where, meaning) in errors.FORM_CODES.items()]),
    })
    return made


def written(doc: str) -> str:
    """The doc with every marked table made again; an unknown or missing table fails."""
    made = tables()
    found = [match.group(2) for match in MARKED.finditer(doc)]
    unknown, missing = set(found) - set(made), set(made) - set(found)
    if unknown or missing:
        raise SystemExit(f"docs/protocol.md: unknown tables {sorted(unknown)}, "
                         f"no markers for {sorted(missing)}")
    return MARKED.sub(lambda m: m.group(1) + made[m.group(2)] + m.group(4), doc)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="exit 1, changing nothing, if the doc is not up to date")
    args = parser.parse_args()
    doc = DOC.read_text(encoding="utf-8")
    new = written(doc)
    if args.check:
        sys.exit(0 if new == doc else "docs/protocol.md is not up to date: run `make protocol`")
    if new != doc:
        DOC.write_text(new, encoding="utf-8")
        print("docs/protocol.md: tables written again")


if __name__ == "__main__":
    main()

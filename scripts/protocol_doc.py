"""Writes docs/protocol.md's tables from the code, leaving its prose alone.

    .venv/bin/python scripts/protocol_doc.py          (make protocol) rewrite the tables
    .venv/bin/python scripts/protocol_doc.py --check  exit 1 if the doc is not up to date

Each table sits between `<!-- generated: NAME -->` and `<!-- end generated -->` in the
doc; what is between is replaced by the table NAME made from:

- operations-steps12, -step3, -step4, -closing, queries: the payload classes of
  facilitator/live/schema.py, in the order of operations.OPERATIONS and QUERIES;
- events: facilitator/live/events.py's EVENTS;
- snapshot: snapshot.KEYS, then every part's content given to `@part`;
- errors, form-errors: facilitator/errors.py's CODES and FORM_CODES.

tests/test_protocol_doc.py fails when the doc differs from what this writes.
"""
from __future__ import annotations

import argparse
import inspect
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from facilitator import errors, snapshot  # noqa: E402
from facilitator.live import events, schema  # noqa: E402
from facilitator.live.operations import OPERATIONS, QUERIES  # noqa: E402

DOC = ROOT / "docs" / "protocol.md"
MARKED = re.compile(r"(<!-- generated: ([\w-]+) -->\n)(.*?)(<!-- end generated -->)", re.S)
# the snapshot's parts in the order a reader meets them (a part not named here comes last)
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


def payload(shape: type[schema.Payload], op_id: bool) -> str:
    """`{op_id, text ≤ 500, kind?, ...}` and the operation's note after it."""
    fields = [schema.shown(shape, name) for name in schema.field_names(shape)]
    shown = "`{" + ", ".join((["op_id"] if op_id else []) + fields) + "}`"
    said = note(shape)
    if not said:
        return shown
    return f"{shown} {said}" if said.startswith("(") else f"{shown}: {said}"


def operations(name: str) -> str:
    rows = [(f"`{op}`", shape.who, payload(shape, True), shape.result)
            for op, (_change, shape, _who) in OPERATIONS.items() if shape.table == name]
    return table(("operation", "who", "payload", "result"), rows)


def queries() -> str:
    rows = [(f"`{name}`", shape.who, payload(shape, False), shape.result)
            for name, (_read, shape, _who) in QUERIES.items()]
    return table(("query", "who", "payload", "ack"), rows)


def event_rows() -> str:
    """One row per event type; consecutive types said alike share theirs."""
    rows: list[tuple[list[str], tuple[str, str]]] = []
    for type_, said in events.EVENTS.items():
        if rows and rows[-1][1] == said:
            rows[-1][0].append(type_)
        else:
            rows.append(([type_], said))
    return table(("type", "audience", "data"),
                 [(", ".join(f"`{t}`" for t in types), *said) for types, said in rows])


def snapshot_rows() -> str:
    parts = sorted(snapshot.PARTS, key=lambda name: (
        PART_ORDER.index(name) if name in PART_ORDER else len(PART_ORDER), name))
    rows = [(f"`{key}`", content) for key, content in snapshot.KEYS.items()]
    rows += [(f"`{name}`", snapshot.CONTENTS.get(name, "")) for name in parts]
    return table(("key", "content"), rows)


def tables() -> dict[str, str]:
    made = {f"operations-{section}": operations(f"operations-{section}")
            for section in ("steps12", "step3", "step4", "closing")}
    made.update({
        "queries": queries(),
        "events": event_rows(),
        "snapshot": snapshot_rows(),
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

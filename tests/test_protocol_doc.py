"""docs/protocol.md's tables say what the code does: they are written from it, and the
catalogues they are written from miss nothing the code sends.

- the doc is what scripts/protocol_doc.py writes (`make protocol` after a change);
- every operation and query has a payload class, whose fields are what its capability
  takes, and a row in the doc;
- every error code raised in facilitator/ is in errors.CODES or FORM_CODES, and every code
  there is raised somewhere (read with `ast`, not run);
- every event type appended is in live/events.EVENTS, and every type there is appended
  and has its data's class (views.EVENT_DATA), from which the doc writes its shape;
- every part of the snapshot has its shape in every audience's snapshot class
  (views.SNAPSHOTS), and the notes beside the classes say no shape again.

Each scan is also shown a small source where it must find the fault, so that a scan that
silently finds nothing cannot pass.
"""
from __future__ import annotations

import ast
import importlib.util
import inspect
import re
import typing
from pathlib import Path

import msgspec

from facilitator import errors, snapshot
from facilitator.live import events, schema, views
from facilitator.live.operations import OPERATIONS, QUERIES

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "facilitator"
DOC = ROOT / "docs" / "protocol.md"


def _generator():
    spec = importlib.util.spec_from_file_location("protocol_doc",
                                                  ROOT / "scripts" / "protocol_doc.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _sources() -> dict[str, str]:
    return {str(path.relative_to(ROOT)): path.read_text(encoding="utf-8")
            for path in sorted(PACKAGE.rglob("*.py"))}


# --- (a) the doc is what the generator writes --------------------------------------------

def test_the_doc_s_tables_are_those_the_code_writes():
    doc = DOC.read_text(encoding="utf-8")
    assert _generator().written(doc) == doc, (
        "docs/protocol.md's tables differ from the code's: run `make protocol` (and read "
        "the diff: the wording lives in live/schema.py, live/events.py, errors.py and the "
        "capabilities' @part)")


# --- (b) every operation and query has a shape and a row --------------------------------

def _rows(doc: str) -> set[str]:
    """Every name the doc's generated tables have a row for."""
    marked = re.findall(r"<!-- generated: [\w-]+ -->\n(.*?)<!-- end generated -->", doc,
                        re.S)
    return {name for table in marked for line in table.splitlines()
            for name in re.findall(r"`([\w.]+)`", line.split(" | ")[0])}


def _takes(function) -> tuple[set[str], bool]:
    """The payload fields a capability takes by name, and whether it takes any (**given)."""
    parameters = list(inspect.signature(function).parameters.values())[1:]  # the viewer
    named = {p.name for p in parameters if p.kind is not p.VAR_KEYWORD}
    return named, any(p.kind is p.VAR_KEYWORD for p in parameters)


def test_every_operation_and_query_has_a_payload_class_and_a_row_in_the_doc():
    rows = _rows(DOC.read_text(encoding="utf-8"))
    for table, kind in ((OPERATIONS, "operation"), (QUERIES, "query")):
        for name, (function, shape, _who) in table.items():
            assert issubclass(shape, schema.Payload) and shape.table, (name, shape)
            assert shape.who and shape.result, f"{shape.__name__} says who and what comes back"
            said = {key.rstrip("?") for key in shape.said}
            assert said <= set(schema.field_names(shape)), (shape.__name__, said)
            assert name in rows, f"the {kind} {name} has no row in docs/protocol.md"
            named, any_field = _takes(function)
            fields = set(schema.field_names(shape))
            assert named <= fields, f"{name}: {shape.__name__} lacks {named - fields}"
            assert any_field or fields <= named, (
                f"{name}: {function.__name__} takes no {fields - named}")
    assert (set(schema.field_names(schema.ActionAdd)) - {"group_id"}
            == set(schema.field_names(schema.ActionEdit)) - {"action_id", "version"})
    assert set(schema.field_names(schema.SharedActionAdd)) == set(
        schema.shared_plan.SHARED_ACTION_FIELDS)
    assert set(schema.field_names(schema.MeasureAdd)) == set(schema.shared_plan.MEASURE_FIELDS)


def test_a_payload_of_the_wrong_shape_is_refused_with_a_sentence_and_extras_are_ignored():
    assert schema.refusal(schema.IdeaPost, {"text": "A card", "kind": "idea",
                                            "op_id": "x" * 8, "sent_by_v9": [1]}) is None
    for shape, payload, sentence in (
            (schema.IdeaPost, {"text": ["a", "list"]}, "This text could not be read"),
            (schema.IdeasSettings, {"input_locked": "false"}, "must be on or off"),
            (schema.IdeaHide, {"idea_id": 1.0}, "could not be sent properly"),
            (schema.GroupsAssign, {"assignments": [{"participant_id": True}]},
             "could not be sent properly"),
            (schema.GroupBoard, {"group_id": "\ud800"}, "could not be sent properly")):
        refused = schema.refusal(shape, payload)
        assert refused is not None and refused.code == "bad_request", payload
        assert sentence in str(refused.message)
    # what the capabilities answer with their own sentence goes through to them
    for shape, payload in ((schema.IdeaEdit, {"idea_id": 2**63}),
                           (schema.TimerStart, {"seconds": 2.5}),
                           (schema.ActionEdit, {"lead_actor_id": 0, "deadline": ""}),
                           (schema.SharedActionAdd, {"partners": "a, b"}),
                           (schema.PrioritiesConfirm, {"titles": {"3": "A title"}})):
        assert schema.refusal(shape, payload) is None, payload


# --- (c) error codes: raised <-> catalogued ----------------------------------------------

def _code_of(call: ast.Call) -> str | None:
    if call.args and isinstance(call.args[0], ast.Constant) and isinstance(
            call.args[0].value, str):
        return call.args[0].value
    return None


def raised_codes(sources: dict[str, str]) -> dict[str, set[str]]:
    """code -> the files that raise it: `OperationError("code", ...)`, a subclass's
    `super().__init__("code", ...)`, a refused connection's `_refuse("code", ...)`."""
    found: dict[str, set[str]] = {}
    for path, text in sources.items():
        tree = ast.parse(text)
        subclasses = {node for node in ast.walk(tree) if isinstance(node, ast.ClassDef)
                      and any(getattr(base, "id", None) == "OperationError"
                              for base in node.bases)}
        named = ("OperationError", "_refuse")
        calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call)
                 and getattr(node.func, "id", getattr(node.func, "attr", None)) in named]
        calls += [node for cls in subclasses for node in ast.walk(cls)
                  if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "__init__"]
        for call in calls:
            code = _code_of(call)
            if code is not None:
                found.setdefault(code, set()).add(path)
    return found


def test_every_error_code_raised_is_in_the_catalogue_and_every_one_there_is_raised():
    raised = raised_codes(_sources())
    catalogue = set(errors.CODES) | set(errors.FORM_CODES)
    assert len(raised) > 50  # the scan read the package
    missing = {code: sorted(paths) for code, paths in raised.items() if code not in catalogue}
    assert not missing, f"codes raised but not in errors.CODES or FORM_CODES: {missing}"
    assert catalogue <= set(raised), f"never raised: {sorted(catalogue - set(raised))}"


def test_the_error_scan_sees_a_code_nobody_wrote_down():
    source = ('class Odd(OperationError):\n'
              '    def __init__(self):\n        super().__init__("odd_one", "Odd.")\n'
              'def f():\n    raise OperationError("also_odd", "x")\n')
    assert set(raised_codes({"sample.py": source})) == {"odd_one", "also_odd"}


# --- (d) event types: appended <-> catalogued --------------------------------------------

def _is_append(call: ast.Call) -> bool:
    func = call.func
    return isinstance(func, ast.Attribute) and func.attr == "append" and getattr(
        func.value, "id", None) == "eventlog"


def appended_types(sources: dict[str, str]) -> tuple[dict[str, set[str]], list[tuple]]:
    """The event types `eventlog.append(workshop, TYPE, ...)` appends: literal types, and
    the literals given to a function that passes its parameter on as the type (ideas.py's
    publish). And the f-string types (`f"{kind}.saved"`): (file, pattern, the module's
    string literals)."""
    literal: dict[str, set[str]] = {}
    patterns: list[tuple] = []
    for path, text in sources.items():
        tree = ast.parse(text)
        forwarders: dict[str, int] = {}  # function -> the position of its type parameter
        for function in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)):
            names = [a.arg for a in function.args.args]
            for call in (n for n in ast.walk(function) if isinstance(n, ast.Call)):
                if _is_append(call) and len(call.args) > 1 and isinstance(
                        call.args[1], ast.Name) and call.args[1].id in names:
                    forwarders[function.name] = names.index(call.args[1].id)
        strings = {n.value for n in ast.walk(tree)
                   if isinstance(n, ast.Constant) and isinstance(n.value, str)}
        for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
            kind = None
            if _is_append(call) and len(call.args) > 1:
                kind = call.args[1]
            elif getattr(call.func, "id", None) in forwarders:
                position = forwarders[call.func.id]
                kind = call.args[position] if len(call.args) > position else None
            if isinstance(kind, ast.Constant):
                literal.setdefault(kind.value, set()).add(path)
            elif isinstance(kind, ast.JoinedStr):
                pattern = "".join(re.escape(part.value) if isinstance(part, ast.Constant)
                                  else r"[\w]+" for part in kind.values)
                patterns.append((path, pattern, strings))
    return literal, patterns


def test_every_event_type_appended_is_in_the_catalogue_and_every_one_there_is_appended():
    literal, patterns = appended_types(_sources())
    assert len(literal) > 40 and patterns  # the scan read the package
    missing = {t: sorted(paths) for t, paths in literal.items() if t not in events.EVENTS}
    assert not missing, f"event types appended but not in live/events.py: {missing}"
    seen = set(literal)
    for path, pattern, strings in patterns:
        matching = {t for t in events.EVENTS if re.fullmatch(pattern, t)
                    and t.split(".")[0] in strings}
        assert matching, f"{path} appends {pattern}, which no type of live/events.py is"
        seen |= matching
    assert set(events.EVENTS) <= seen, f"never appended: {sorted(set(events.EVENTS) - seen)}"


def test_the_event_scan_sees_a_type_nobody_wrote_down():
    source = ('def publish(workshop, type_):\n    eventlog.append(workshop, type_, {})\n'
              'def f(workshop):\n    publish(workshop, "odd.forwarded")\n'
              '    eventlog.append(workshop, "odd.appended", {})\n'
              '    eventlog.append(workshop, f"{kind}.oddly", {})\n')
    literal, patterns = appended_types({"sample.py": source})
    assert set(literal) == {"odd.forwarded", "odd.appended"}
    assert [pattern for _path, pattern, _strings in patterns] == [r"[\w]+\.oddly"]


# --- (e) the snapshot's parts, and shapes said once -------------------------------------

def test_every_part_of_the_snapshot_has_its_shape_in_every_audience_s_class():
    assert len(snapshot.PARTS) > 10  # the capabilities registered theirs
    assert set(snapshot.CONTENTS) <= set(snapshot.PARTS)
    for audience, shape in views.SNAPSHOTS.items():
        keys = {field.encode_name for field in msgspec.structs.fields(shape)}
        assert keys == set(snapshot.PARTS) | set(snapshot.KEYS), (audience, keys ^ (
            set(snapshot.PARTS) | set(snapshot.KEYS)))


def test_every_event_type_has_its_data_s_class():
    assert set(views.EVENT_DATA) == set(events.EVENTS)
    for type_, data in views.EVENT_DATA.items():
        shapes = typing.get_args(data) or (data,)
        assert all(issubclass(shape, views.View) for shape in shapes), type_


def test_the_notes_beside_the_classes_write_no_shape_out():
    """A shape is written from its class; a note writing `{key, ...}` again would drift."""
    for type_, (_audience, note) in events.EVENTS.items():
        assert "`{" not in note, f"live/events.py: {type_}'s note restates its data"
    restated = {name for name, note in snapshot.CONTENTS.items() if "`{" in note}
    assert not restated, f"@part notes restating their shape: {restated}"


def test_a_shape_is_written_from_its_class_with_views_linked():
    made = _generator()
    assert made.code(made.type_text(views.IdeaData)) == (
        "`{idea: `[Card](#wire-views)`, merged?: [int]}`")
    assert made.code(made.type_text(views.VotesUpdated)) == (
        "`{totals: [{theme_id: int, dots: int}], voters: int}`")
    assert made.code(made.type_text(views.EVENT_DATA["entry.overwritten"]), False) == (
        '`{kind: "objective"|"actor"|"action", entry: Objective | Actor | Action, '
        'previous: Objective | Actor | Action, by: str}`')
    assert made.code(made.type_text(views.ThemeUnmerged)).endswith(", from: int, ideas: [int]}`")
    assert made.part_shape("synergies") == (
        "`{list: [`[Synergy](#wire-views)`]}`; the staff: `{…, proposals: [`"
        "[Proposal](#wire-views)`]}`; a phone: `{…, my_proposals: [`[Proposal](#wire-views)`]}`")
    assert made.part_shape("me").startswith(  # a phone's shares no key as it is: all of it
        '`{kind: "facilitator"|"projector", role: str | null}`; a phone: `{kind: "participant", ')

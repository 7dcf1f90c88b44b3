"""A workshop exported as JSON and imported as a copy (facilitator/archive.py): the
round trip, what is left out, damaged files refused with nothing saved, who may download
it, the import form and the commands."""
from __future__ import annotations

import copy
import io
import json
import re

import pytest
from sqlalchemy import event, func, select

from facilitator import archive, workshops
from facilitator.errors import OperationError
from facilitator.extensions import db
from facilitator.live import operations
from facilitator.models import (Action, AppliedOperation, Event, Idea, Membership,
                                Participant, ParticipantToken, Synergy, SynergyProposal,
                                Theme, WorkingGroup, Workshop)
from facilitator.people import accounts, participants
from facilitator.sample import create_sample
from facilitator.snapshot import snapshot
from facilitator.steps import closing, shared_plan
from facilitator.viewers import Viewer
from tests.steps import SAMPLE_OWNER, do, sample_room
from tests.support import login

OWNER = SAMPLE_OWNER


def more(room: dict) -> None:
    """What the closed sample does not have (room_at("closed", then=more)): corrections
    made while closed (records whose fields name rows), a reopening and a second close, a
    rejected synergy, a shared action in Arabic, and as rows a pending proposal and a
    theme merged away."""
    workshop, console, people = room["workshop"], room["console"], room["people"]
    actions = db.session.scalars(select(Action).where(Action.workshop_id == workshop.id)
                                 .order_by(Action.id)).all()
    assert do(console, "action.edit", action_id=actions[0].id,
              title="Open a one-stop desk for diaspora investors at IDAL by December")["ok"]
    assert do(console, "workshop.reopen")["ok"]
    other = next(a for a in actions if a.group_id != actions[1].group_id)
    assert do(console, "synergy.decide", status="rejected",
              entries=[{"kind": "action", "id": actions[1].id},
                       {"kind": "action", "id": other.id}])["ok"]
    themes = db.session.scalars(select(Theme.id).where(
        Theme.workshop_id == workshop.id, Theme.confirmed_rank.is_not(None))).all()
    assert do(console, "shared_action.add", title="ملتقى سنوي للمغتربين", lead="وزارة الخارجية",
              theme_ids=themes[2:], action_ids=[actions[-1].id], partners=[])["ok"]
    assert do(console, "workshop.close")["ok"]
    assert do(console, "plan.share", shared=True)["ok"]
    assert do(console, "action.edit", action_id=actions[0].id, lead_actor_id=0)["ok"]
    leaving = next(p for p in people if p.name == "Nadine Aoun")  # consent withdrawn
    assert do(participants.viewer_for(leaving), "committee.leave")["ok"]
    group_ids = db.session.scalars(select(WorkingGroup.id).where(
        WorkingGroup.workshop_id == workshop.id).order_by(WorkingGroup.id)).all()
    unconfirmed = db.session.scalar(select(Theme).where(
        Theme.workshop_id == workshop.id, Theme.confirmed_rank.is_(None)).order_by(Theme.id))
    card = db.session.scalar(select(Idea).where(Idea.theme_id == unconfirmed.id))
    db.session.add_all([
        Theme(workshop_id=workshop.id, title="Finance (merged)", description="", position=9,
              merged_into_id=unconfirmed.id, merged_ideas=[card.id]),
        SynergyProposal(workshop_id=workshop.id, author_id=people[5].id,
                        text="Survey and database together", group_ids=group_ids[1:],
                        status="pending")])
    db.session.commit()


@pytest.fixture(scope="module")
def document():
    """The seminar's export, made once for the tests that only read or damage it (in an
    app of its own; the tests import it into theirs, where no seminar exists yet)."""
    from flask_migrate import upgrade

    from facilitator import create_app

    app = create_app("test")
    with app.app_context():
        upgrade()
        with app.test_request_context():
            workshop = create_sample(*OWNER, until="closed")
            more(sample_room(workshop.id, OWNER[0]))
            data = archive.export_workshop(workshop.id)
        db.session.remove()
    return data


@pytest.fixture
def importer(app):
    return operations.run(accounts.create_facilitator, "importer@example.org", "Importer",
                          "importer-password")


def normalised(data: dict) -> dict:
    """The document with every id replaced by its row's position in its list, so two
    exports of the same seminar under different ids compare equal."""
    data = copy.deepcopy(data)
    index = {t.key: {row["id"]: n for n, row in enumerate(data[t.key], start=1)}
             for t in archive.TABLES}

    def actor(value):
        match = re.fullmatch(r"participant:(\d+)", value)
        return f"participant#{index['participants'][int(match.group(1))]}" if match else value

    def fix(table, row):
        for name, spec in table.fields.items():
            value = row[name]
            if value is None:
                continue
            if spec.kind == "ref":
                row[name] = index[spec.to][value]
            elif spec.kind == "refs":
                row[name] = [index[spec.to][v] for v in value]
            elif spec.kind == "actor":
                row[name] = actor(value)
            elif spec.kind == "json":
                row[name] = archive._record_refs(value, lambda key, v: index[key][v])
            elif spec.kind == "entries":
                row[name] = [{"kind": e["kind"],
                              "id": index[archive.ENTRY_TABLES[e["kind"]]][e["id"]],
                              "group_id": index["working_groups"][e["group_id"]]}
                             for e in value]

    for table in archive.TABLES:
        for row in data[table.key]:
            row["id"] = index[table.key][row["id"]]
            fix(table, row)
    if data["group_settings"]:
        fix(archive.GROUP_SETTINGS, data["group_settings"])
    for volatile in ("id", "created_at"):
        data["workshop"].pop(volatile)
    data.pop("exported_at")
    return data


def all_rows() -> dict[str, int]:
    """How many rows every table holds: a failed import must change none."""
    return {table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables}


# --- the round trip ----------------------------------------------------------------------

def test_export_import_export_gives_the_same_workshop(room_at):
    seminar = room_at("closed", then=more)
    original = seminar["workshop"]
    first = archive.export_workshop(original.id)
    assert first["format"] == "facilitator-workshop" and first["version"] == 1
    for key in ("themes", "ideas", "votes", "working_groups", "objectives", "actors",
                "actions", "syntheses", "synergies", "synergy_proposals", "shared_actions",
                "immediate_measures", "success_factors", "committee_members",
                "closing_records"):
        assert first[key], f"the seminar should have some {key}"
    raw = archive.dumps(first)
    copy_ = archive.import_workshop(archive.read_archive(raw), seminar["owner"])
    assert copy_.id != original.id
    second = archive.export_workshop(copy_.id)

    assert copy_.title == original.title + " (copy)"
    second["workshop"]["title"] = original.title
    assert normalised(second) == normalised(first)
    # every id is new and every reference points into the copy
    for key in ("participants", "ideas", "actions", "synergies", "shared_actions"):
        assert not {r["id"] for r in first[key]} & {r["id"] for r in second[key]}
    copied = {row["id"] for row in second["participants"]}
    assert {f["author_id"] for f in second["success_factors"]} - {None} <= copied
    assert set(sum((f["endorsements"] for f in second["success_factors"]), [])) <= copied
    actions = {a["id"] for a in second["actions"]}
    for shared in second["shared_actions"]:
        assert shared["action_ids"] and set(shared["action_ids"]) <= actions
    assert second["shared_actions"][0]["synergy_id"] == second["synergies"][0]["id"]
    for row in second["synergies"]:
        synergy = db.session.get(Synergy, row["id"])
        assert synergy.signature == ",".join(sorted(f"{e['kind']}:{e['id']}"
                                                    for e in synergy.entries))
    accepted = next(p for p in second["synergy_proposals"] if p["synergy_id"])
    assert accepted["synergy_id"] in {s["id"] for s in second["synergies"]}
    merged = [t for t in second["themes"] if t["merged_into_id"]]
    assert merged and set(merged[0]["merged_ideas"]) <= {i["id"] for i in second["ideas"]}
    # the records of the close: corrections name the copy's rows
    kinds = [r["kind"] for r in second["closing_records"]]
    assert kinds == ["closed", "correction", "reopened", "closed", "correction", "withdrawal"]
    nadine = next(p["id"] for p in second["participants"] if p["name"] == "Nadine Aoun")
    assert second["closing_records"][5]["actor"] == f"participant:{nadine}"
    corrected = second["closing_records"][1]
    assert corrected["operation"] == "action.edit"
    assert corrected["fields"]["action_id"] == second["actions"][0]["id"]
    assert second["closing_records"][4]["fields"]["lead_actor_id"] == 0
    # the committee's emails and consent times are kept: the file is for staff only
    assert [m["email"] for m in second["committee_members"]] == [
        "maya.khoury@example.org", "rania.haddad@example.org", "carla.chamoun@example.org"]
    assert all(m["consented_at"] for m in second["committee_members"])


def test_ids_of_rows_removed_since_are_left_out(room_at):
    """A synergy, a shared action or a correction still naming an action removed from
    its board (JSON is not a foreign key) exports without it, and the file imports."""
    seminar = room_at("closed", then=more)
    workshop = seminar["workshop"]
    synergy = next(s for s in db.session.scalars(select(Synergy).where(
        Synergy.workshop_id == workshop.id, Synergy.status == "accepted"))
        if any(e["kind"] == "action" for e in s.entries))
    removed = db.session.get(Action, next(e["id"] for e in synergy.entries
                                          if e["kind"] == "action"))
    edited = db.session.scalar(select(Action).where(Action.workshop_id == workshop.id)
                               .order_by(Action.id))
    db.session.delete(removed)
    db.session.delete(edited)
    db.session.commit()
    data = archive.export_workshop(workshop.id)
    assert removed.id not in sum((s["action_ids"] for s in data["shared_actions"]), [])
    kept = next(s for s in data["synergies"] if s["id"] == synergy.id)
    assert removed.id not in [e["id"] for e in kept["entries"]]
    assert len(kept["entries"]) == len(synergy.entries) - 1
    corrected = next(r for r in data["closing_records"] if r["kind"] == "correction")
    assert corrected["fields"]["action_id"] is None
    copy_ = archive.import_workshop(data, seminar["owner"])
    again = archive.export_workshop(copy_.id)
    again["workshop"]["title"] = workshop.title
    assert normalised(again) == normalised(data)


def test_the_copy_is_new_and_the_original_untouched(room_at):
    seminar = room_at("closed", then=more)
    original = seminar["workshop"]
    before = normalised(archive.export_workshop(original.id))
    codes_before = sorted(db.session.scalars(select(Participant.rejoin_code).where(
        Participant.workshop_id == original.id)))
    last_seq = original.last_seq
    copy_ = archive.import_workshop(archive.export_workshop(original.id), seminar["owner"])

    original = db.session.get(Workshop, original.id, populate_existing=True)
    assert normalised(archive.export_workshop(original.id)) == before
    assert original.last_seq == last_seq
    assert sorted(db.session.scalars(select(Participant.rejoin_code).where(
        Participant.workshop_id == original.id))) == codes_before

    assert copy_.join_code != original.join_code and len(copy_.join_code) == 6
    codes = list(db.session.scalars(select(Participant.rejoin_code).where(
        Participant.workshop_id == copy_.id)))
    assert len(set(codes)) == len(codes) == 25 and not set(codes) & set(codes_before)
    assert copy_.stage == "closing" and copy_.closed_at is not None and copy_.plan_shared
    # a fresh event log, no operations applied, no phone tokens, the importer owns it
    assert copy_.last_seq == 0
    for model in (Event, AppliedOperation):
        assert db.session.scalar(select(func.count(model.id)).where(
            model.workshop_id == copy_.id)) == 0
    assert db.session.scalar(select(func.count(ParticipantToken.id)).join(Participant).where(
        Participant.workshop_id == copy_.id)) == 0
    members = db.session.scalars(select(Membership).where(
        Membership.workshop_id == copy_.id)).all()
    assert [(m.facilitator_id, m.role) for m in members] == [(seminar["owner"].id, "owner")]


def test_a_snapshot_of_the_copy_shows_the_same_room(app, room_at):
    seminar = room_at("closed", then=more)
    original = seminar["workshop"]
    copy_ = archive.import_workshop(archive.export_workshop(original.id), seminar["owner"])
    console = workshops.viewer_for(copy_, seminar["owner"])
    mine, theirs = snapshot(console), snapshot(seminar["console"])
    assert mine["seq"] == 0 and mine["streams"] == {}
    assert mine["stage"]["stage"] == theirs["stage"]["stage"] == "closing"
    assert mine["joining"]["join_code"] == copy_.join_code
    assert len(mine["participants"]["list"]) == len(theirs["participants"]["list"]) == 25
    assert mine["participants"]["by_profile"] == theirs["participants"]["by_profile"]
    assert len(mine["ideas"]["list"]) == len(theirs["ideas"]["list"])
    assert [t["title"] for t in mine["priorities"]["confirmed"]] == [
        t["title"] for t in theirs["priorities"]["confirmed"]]
    assert [g["title"] for g in mine["groups"]["list"]] == [
        g["title"] for g in theirs["groups"]["list"]]
    assert [len(g["members"]) for g in mine["groups"]["list"]] == [
        len(g["members"]) for g in theirs["groups"]["list"]]
    assert [s["title"] for s in mine["synergies"]["list"]] == [
        s["title"] for s in theirs["synergies"]["list"]]
    assert [f["text"] for f in mine["closing"]["factors"]] == [
        f["text"] for f in theirs["closing"]["factors"]]
    assert [m["email"] for m in mine["closing"]["committee"]] == [
        m["email"] for m in theirs["closing"]["committee"]]
    # a phone of the copy and the projector load it too
    person = db.session.scalar(select(Participant).where(Participant.workshop_id == copy_.id)
                               .order_by(Participant.id))
    phone = snapshot(participants.viewer_for(person))
    assert phone["me"]["name"] == person.name and phone["me"]["rejoin_code"]
    assert "email" not in str(phone["closing"]["committee"])
    assert snapshot(Viewer(kind="projector", workshop_id=copy_.id))["seq"] == 0
    # and the copy is live: closed as the original was, its first change numbered 1
    assert do(console, "stage.change", from_stage="closing",
              to_stage="shared_plan")["error"]["code"] == "workshop_closed"
    assert do(console, "workshop.reopen")["ok"]
    assert db.session.get(Workshop, copy_.id).last_seq >= 1
    assert do(console, "stage.change", from_stage="closing", to_stage="shared_plan")["ok"]


def test_export_reads_one_query_per_table_whatever_the_size(app, room_at):
    seminar = room_at("closed", then=more)
    statements = []

    def count(*_args):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        data = archive.export_workshop(seminar["workshop"].id)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(statements) == 3 + len(archive.TABLES)
    assert sum(len(data[t.key]) for t in archive.TABLES) > 200


def test_the_file_holds_no_codes_tokens_or_accounts(room_at):
    seminar = room_at("closed", then=more)
    workshop = seminar["workshop"]
    with db.session.no_autoflush:
        tokens = db.session.scalars(select(ParticipantToken.token_hash).join(Participant)
                                    .where(Participant.workshop_id == workshop.id)).all()
    codes = db.session.scalars(select(Participant.rejoin_code).where(
        Participant.workshop_id == workshop.id)).all()
    text = archive.dumps(archive.export_workshop(workshop.id)).decode()
    assert tokens and codes
    assert workshop.join_code not in text and "join_code" not in text
    assert "rejoin_code" not in text and not any(f'"{code}"' in text for code in codes)
    assert not any(token in text for token in tokens)
    assert OWNER[0] not in text and "password" not in text and "session_token" not in text
    assert f"facilitator:{seminar['owner'].id}" not in text and '"facilitator"' in text
    assert "maya.khoury@example.org" in text
    assert "ملتقى سنوي للمغتربين" in text  # UTF-8, not \\u escapes


# --- damaged files ---------------------------------------------------------------------------

def _damage(data: dict, how: str) -> dict:
    data = copy.deepcopy(data)
    ideas, actions = data["ideas"], data["actions"]
    if how == "format":
        data["format"] = "something-else"
    elif how == "newer version":
        data["version"] = 2
    elif how == "missing list":
        del data["votes"]
    elif how == "missing field":
        del ideas[3]["text"]
    elif how == "wrong type":
        data["participants"][0]["name"] = ["Rania"]
    elif how == "id as text":
        actions[0]["id"] = str(actions[0]["id"])
    elif how == "dangling reference":
        actions[0]["lead_actor_id"] = 999_999
    elif how == "dangling author":
        data["success_factors"][0]["endorsements"].append(888_888)
    elif how == "another group's actor":
        other = next(a for a in data["actors"] if a["group_id"] != actions[0]["group_id"])
        actions[0]["partner_ids"] = [other["id"]]
    elif how == "text too long":
        ideas[0]["text"] = "x" * 501
    elif how == "title too long":
        data["workshop"]["title"] = "T" * 201
    elif how == "bad date":
        actions[0]["deadline"] = "31/12/2015"
    elif how == "bad stage":
        data["workshop"]["stage"] = "party"
    elif how == "boolean as text":
        ideas[0]["hidden"] = "false"
    elif how == "duplicate id":
        ideas[1]["id"] = ideas[0]["id"]
    elif how == "merge loop":
        ideas[0]["merged_into_id"], ideas[1]["merged_into_id"] = ideas[1]["id"], ideas[0]["id"]
    elif how == "unknown actor":
        actions[0]["updated_by"] = "participant:777777"
    elif how == "lone surrogate":
        ideas[0]["text"] = "caf\ud800"
    elif how == "two synergies, same entries":
        data["synergies"].append({**data["synergies"][0], "id": 4242})
    elif how == "synergy entry in the wrong group":
        entry = data["synergies"][0]["entries"][0]
        entry["group_id"] = next(g["id"] for g in data["working_groups"]
                                 if g["id"] != entry["group_id"])
    elif how == "correction naming a missing action":
        next(r for r in data["closing_records"] if r["kind"] == "correction")[
            "fields"]["action_id"] = 999_999
    elif how == "too many participants":
        data["participants"] = data["participants"] * 201
    elif how == "not an object":
        data["themes"][0] = 5
    elif how == "entry kind as a list":
        data["synergies"][0]["entries"][0]["kind"] = ["action"]
    elif how == "unknown proposal status":
        data["synergy_proposals"][0]["status"] = "maybe"
    elif how == "unknown closing record":
        data["closing_records"][0]["kind"] = "party"
    elif how.startswith("committee email"):
        data["committee_members"][0]["email"] = BAD_EMAILS[how]
    elif how == "shared description too long":
        data["shared_actions"][0]["description"] = "d" * (
            shared_plan.LIMITS["description"] + 1)
    elif how == "too many shared partners":
        data["shared_actions"][0]["partners"] = [
            f"Partner {n}" for n in range(shared_plan.LIMITS["partners"] + 1)]
    elif how == "shared partner too long":
        data["shared_actions"][0]["partners"] = ["p" * (shared_plan.LIMITS["partner"] + 1)]
    elif how in PAST_A_PERSONS_CAP:
        key, author, most = PAST_A_PERSONS_CAP[how]
        rows, first = data[key], data["participants"][0]["id"]
        top = max(row["id"] for row in rows)
        rows.extend({**rows[0], "id": top + n, author: first, "withdrawn": False,
                     "merged_into_id": None} if key == "ideas" else
                    {**rows[0], "id": top + n, author: first}
                    for n in range(1, most + 2))
    return data


# more than one person may send in the room: (list, its author field, the cap)
PAST_A_PERSONS_CAP = {
    "one person's cards past the cap": ("ideas", "participant_id", 40),
    "one person's proposals past the cap": ("synergy_proposals", "author_id", 10),
    "one person's success factors past the cap": ("success_factors", "author_id", 10)}


# refused by closing.join_committee too
BAD_EMAILS = {"committee email without @": "maya.khoury.example.org",
              "committee email without a dot": "maya@localhost",
              "committee email with a space": "maya khoury@example.org",
              "committee email with a tab": "maya\tkhoury@example.org",
              "committee email empty": "",
              "committee email without a name": "@example.org"}


DAMAGES = ["format", "newer version", "missing list", "missing field", "wrong type",
           "id as text", "dangling reference", "dangling author", "another group's actor",
           "text too long", "title too long", "bad date", "bad stage", "boolean as text",
           "duplicate id", "merge loop", "unknown actor", "lone surrogate",
           "two synergies, same entries", "synergy entry in the wrong group",
           "correction naming a missing action",
           "too many participants", "not an object", "entry kind as a list",
           "unknown proposal status", "unknown closing record", *BAD_EMAILS,
           "shared description too long", "too many shared partners",
           "shared partner too long", *PAST_A_PERSONS_CAP]


@pytest.mark.parametrize("how", DAMAGES)
def test_a_tampered_file_is_refused_readably_and_saves_nothing(document, importer, how):
    before = all_rows()
    with pytest.raises(OperationError) as refused:
        archive.import_workshop(_damage(document, how), importer)
    message = str(refused.value.message)
    assert refused.value.code in ("bad_archive", "bad_format", "bad_version", "too_long")
    assert 20 < len(message) < 300 and "Traceback" not in message and "None" not in message
    if how in PAST_A_PERSONS_CAP:
        assert "one participant more than the" in message
    assert all_rows() == before
    db.session.rollback()
    assert all_rows() == before


def test_the_messages_say_where_the_file_is_wrong(document, importer):
    def refusal(how):
        with pytest.raises(OperationError) as refused:
            archive.import_workshop(_damage(document, how), importer)
        return str(refused.value.message)

    assert refusal("text too long") == ("This file cannot be imported: in “ideas”, item 1, "
                                        "the field “text” is longer than 500 characters.")
    assert refusal("dangling reference") == (
        "This file cannot be imported: in “actions”, item 1, the field “lead_actor_id” "
        "refers to item 999999 of “actors”, which is not in the file.")
    assert refusal("missing list") == "This file cannot be imported: “votes” is missing."
    assert "newer version of Facilitator" in refusal("newer version")
    assert refusal("format") == "This file is not a workshop export from Facilitator."
    assert refusal("entry kind as a list") == (
        "This file cannot be imported: in “synergies”, item 1, the field “entries” must "
        "list entries as {kind, id, group_id}.")
    assert refusal("unknown proposal status") == (
        "This file cannot be imported: in “synergy_proposals”, item 1, the field "
        "“status” must be one of: pending, accepted, dismissed.")
    assert refusal("unknown closing record") == (
        "This file cannot be imported: in “closing_records”, item 1, the field “kind” "
        "must be one of: closed, reopened, correction, withdrawal.")
    assert refusal("committee email with a space") == (
        "This file cannot be imported: in “committee_members”, item 1, the field "
        "“email” must be an email address.")
    assert refusal("shared description too long") == (
        "This file cannot be imported: in “shared_actions”, item 1, the field "
        f"“description” is longer than {shared_plan.LIMITS['description']} characters.")
    assert refusal("too many shared partners") == (
        "This file cannot be imported: in “shared_actions”, item 1, the field "
        f"“partners” has more than {shared_plan.LIMITS['partners']} items.")


def test_the_checks_are_the_apps_own(document, importer):
    """What the app lets people type is what a file may hold: the limits and choices
    come from the capabilities, and a value they allow imports."""
    assert archive.BY_KEY["shared_actions"].limits["description"] == \
        shared_plan.LIMITS["description"]
    assert archive.BY_KEY["committee_members"].fields["email"].limit == \
        closing.LIMITS["email"]
    data = copy.deepcopy(document)
    data["shared_actions"][0]["description"] = "d" * shared_plan.LIMITS["description"]
    data["shared_actions"][0]["partners"] = [
        "p" * shared_plan.LIMITS["partner"]] * shared_plan.LIMITS["partners"]
    data["committee_members"][0]["email"] = "m@x.y"
    for n, status in enumerate(("pending", "accepted", "dismissed")):
        data["synergy_proposals"][0]["status"] = status
        data["closing_records"][0]["kind"] = ("closed", "reopened", "withdrawal")[n]
        assert archive.check(data)["synergy_proposals"][0]["status"] == status


@pytest.mark.parametrize("raw", [
    b"", b"not json at all", b"[1, 2, 3]", b'{"format": "facilitator-workshop"',
    b"\xff\xfe\x00garbage", b"[" * 100_000 + b"]" * 100_000,
])
def test_a_file_that_is_not_an_export_is_refused(importer, raw):
    before = all_rows()
    with pytest.raises(OperationError) as refused:
        archive.import_workshop(archive.read_archive(raw), importer)
    assert refused.value.code in ("not_json", "bad_format")
    assert all_rows() == before


def test_a_truncated_file_is_refused(app, document):
    raw = archive.dumps(document)
    before = all_rows()
    for cut in (len(raw) // 3, len(raw) // 2, len(raw) - 3):
        with pytest.raises(OperationError) as refused:
            archive.read_archive(raw[:cut])
        assert refused.value.code == "not_json"
        assert "cut short" in str(refused.value.message)
    assert all_rows() == before


def test_a_key_written_twice_in_one_object_is_refused(importer):
    """JSON would keep the last of two values; a file edited that way is refused."""
    before = all_rows()
    with pytest.raises(OperationError) as refused:
        archive.read_archive('{"format": "facilitator-workshop", "version": 1, '
                             '"workshop": {"title": "A", "title": "B"}}')
    assert refused.value.code == "bad_format"
    assert "“title” appears twice" in str(refused.value.message)
    assert all_rows() == before


def test_a_file_over_the_size_limit_is_refused_before_reading(monkeypatch):
    monkeypatch.setattr(archive, "MAX_BYTES", 1000)
    with pytest.raises(OperationError) as refused:
        archive.read_archive(b" " * 1001)
    assert refused.value.code == "too_large"


def test_a_failure_while_writing_leaves_nothing(app, document, importer, monkeypatch):
    with app.test_request_context():
        archive.import_workshop(document, importer)  # a workshop to leave untouched
    before = all_rows()
    insert = archive._Copy.insert

    def fail_at_actions(self, key, rows, **remap):
        if key == "actions":
            raise RuntimeError("disk full")
        return insert(self, key, rows, **remap)

    monkeypatch.setattr(archive._Copy, "insert", fail_at_actions)
    with pytest.raises(RuntimeError):
        archive.import_workshop(document, importer)
    assert all_rows() == before


def test_the_copy_title_is_marked_in_the_workshops_language(app):
    assert archive.copy_title("Beirut", "en") == "Beirut (copy)"
    long = archive.copy_title("x" * 200, "en")
    assert len(long) == 200 and long.endswith(" (copy)")


# --- HTTP ------------------------------------------------------------------------------------


def test_export_json_for_facilitators_and_organisers_only(app, room_at):
    seminar = room_at("closed", then=more)
    workshop = seminar["workshop"]
    url = f"/workshops/{workshop.id}/export.json"
    owner = login(app.test_client(), *OWNER)
    response = owner.get(url)
    assert response.status_code == 200 and response.mimetype == "application/json"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "Engaging the economic diaspora" in disposition and ".json" in disposition
    assert response.headers["Cache-Control"] == "private, no-store"
    data = json.loads(response.data)
    assert data["workshop"]["title"] == workshop.title
    assert "maya.khoury@example.org" in response.get_data(as_text=True)

    organiser = operations.run(accounts.create_facilitator, "org@example.org", "Org",
                               "org-password")
    stranger = operations.run(accounts.create_facilitator, "x@example.org", "X",
                              "x-password")
    operations.submit(seminar["console"], "team.add", email=organiser.email, role="organiser")
    assert login(app.test_client(), "org@example.org", "org-password").get(
        url).status_code == 200
    assert login(app.test_client(), "x@example.org", "x-password").get(
        url).status_code == 403
    # a participant's phone (its cookie: the sample's first join), and nobody at all
    token = participants.token_for_nonce(workshop.id, f"sample-{workshop.id}-0000-nonce")
    person = participants.identify(workshop.id, token)
    assert person is not None
    phone = app.test_client()
    phone.set_cookie(participants.cookie_name(workshop.id), token)
    assert phone.get(url).status_code == 403
    assert app.test_client().get(url).status_code == 403
    assert owner.get("/workshops/999999/export.json").status_code == 404
    _ = stranger, person


def test_the_workshops_page_offers_export_and_import(app, room_at):
    seminar = room_at("closed", then=more)
    owner = login(app.test_client(), *OWNER)
    page = owner.get("/workshops/").get_data(as_text=True)
    assert f"/workshops/{seminar['workshop'].id}/export.json" in page
    assert 'enctype="multipart/form-data"' in page and 'name="file"' in page
    assert "Import a workshop" in page and "<script>" not in page and "style=" not in page


def test_the_import_form_makes_a_copy_and_opens_its_console(app, room_at):
    seminar = room_at("closed", then=more)
    owner = login(app.test_client(), *OWNER)
    raw = owner.get(f"/workshops/{seminar['workshop'].id}/export.json").data
    count = db.session.scalar(select(func.count(Workshop.id)))
    response = owner.post("/workshops/import", data={
        "file": (io.BytesIO(raw), "seminar.json")}, content_type="multipart/form-data")
    assert response.status_code == 302
    copy_ = db.session.scalar(select(Workshop).order_by(Workshop.id.desc()))
    assert db.session.scalar(select(func.count(Workshop.id))) == count + 1
    assert response.headers["Location"].endswith(f"/workshops/{copy_.id}/console")
    page = owner.get(response.headers["Location"]).get_data(as_text=True)
    assert "Imported “Engaging the economic diaspora: Lebanon (copy)”" in page
    assert "25 participants" in page


def test_the_import_form_says_what_is_wrong_and_saves_nothing(app, room_at):
    seminar = room_at("closed", then=more)
    owner = login(app.test_client(), *OWNER)
    raw = owner.get(f"/workshops/{seminar['workshop'].id}/export.json").data
    before = all_rows()
    for body, said in ((raw[: len(raw) // 2], "cut short"),
                       (raw.replace(b'"facilitator-workshop"', b'"other"'),
                        "not a workshop export")):
        response = owner.post("/workshops/import", data={
            "file": (io.BytesIO(body), "seminar.json")}, content_type="multipart/form-data")
        assert response.status_code == 302 and response.headers["Location"].endswith(
            "/workshops/")
        assert said in owner.get("/workshops/").get_data(as_text=True)
        assert all_rows() == before
    response = owner.post("/workshops/import", data={}, content_type="multipart/form-data")
    assert response.status_code == 302
    assert "Please choose a workshop file" in owner.get("/workshops/").get_data(as_text=True)
    assert all_rows() == before


def test_the_import_form_answers_an_unexpected_failure_of_the_check_readably(
        app, room_at, monkeypatch, caplog):
    """Whatever goes wrong while a file is checked, the person reads that it is not a
    workshop export (and the log has the details), never a server error."""
    seminar = room_at("closed", then=more)
    owner = login(app.test_client(), *OWNER)
    raw = owner.get(f"/workshops/{seminar['workshop'].id}/export.json").data

    def broken(self, spec, value, where, limit):
        raise TypeError("unhashable type: 'list'")

    monkeypatch.setattr(archive._Checker, "_entries", broken)
    before = all_rows()
    response = owner.post("/workshops/import", data={
        "file": (io.BytesIO(raw), "seminar.json")}, content_type="multipart/form-data")
    assert response.status_code == 302 and response.headers["Location"].endswith(
        "/workshops/")
    page = owner.get("/workshops/").get_data(as_text=True)
    assert "This file is not a workshop export from Facilitator." in page
    assert "unhashable type" in caplog.text and "unhashable" not in page
    assert all_rows() == before


def test_the_import_form_takes_files_above_the_apps_request_limit(app, room_at):
    """A large workshop's file passes the app's 1 MiB request limit (the form's own
    limit is archive.MAX_BYTES); one past that limit is refused with a message."""
    seminar = room_at("closed", then=more)
    owner = login(app.test_client(), *OWNER)
    data = archive.export_workshop(seminar["workshop"].id)
    data["note"] = "x" * (2 * 1024 * 1024)  # unknown keys are ignored
    response = owner.post("/workshops/import", data={
        "file": (io.BytesIO(archive.dumps(data)), "big.json")},
        content_type="multipart/form-data")
    assert response.status_code == 302 and "/console" in response.headers["Location"]
    before = all_rows()
    huge = b" " * (archive.MAX_BYTES + 128 * 1024)
    response = owner.post("/workshops/import", data={"file": (io.BytesIO(huge), "h.json")},
                          content_type="multipart/form-data")
    assert response.status_code == 302
    assert "too large to import" in owner.get("/workshops/").get_data(as_text=True)
    assert all_rows() == before


def test_the_import_form_needs_its_csrf_token():
    from flask_migrate import upgrade

    from facilitator import create_app

    app = create_app("test", WTF_CSRF_ENABLED=True)
    with app.app_context():
        upgrade()
        operations.run(accounts.create_facilitator, *OWNER[:1], "Owner", OWNER[1])
        client = app.test_client()
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        assert client.post("/login", data={"email": OWNER[0], "password": OWNER[1],
                                           "csrf_token": token}).status_code == 302
        page = client.get("/workshops/").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        data = _minimal()
        data["note"] = "x" * (2 * 1024 * 1024)  # past the app's 1 MiB: the CSRF check
        raw = archive.dumps(data)               # reads the form after the limit is raised
        refused = client.post("/workshops/import", data={
            "file": (io.BytesIO(raw), "w.json")}, content_type="multipart/form-data")
        assert refused.status_code == 400
        made = client.post("/workshops/import", data={
            "file": (io.BytesIO(raw), "w.json"), "csrf_token": token},
            content_type="multipart/form-data")
        assert made.status_code == 302 and "/console" in made.headers["Location"]
        db.session.remove()


def _minimal() -> dict:
    """The smallest valid document: a workshop at the welcome stage, nothing else."""
    data = {"format": archive.FORMAT, "version": archive.VERSION, "exported_at": None,
            "workshop": {"id": 1, "title": "Amman", "purpose": "", "venue": "", "date": None,
                         "timezone": "Asia/Amman", "language": "ar", "priority_count": 3,
                         "dots_per_participant": 3, "profiles": ["Ministry"],
                         "partners": [], "joining_open": True, "stage": "welcome",
                         "stage_started_at": "2026-01-01T08:00:00Z",
                         "created_at": "2026-01-01T08:00:00Z", "closed_at": None,
                         "plan_shared": False},
            "step_settings": None, "group_settings": None}
    data.update({table.key: [] for table in archive.TABLES})
    return data


def test_a_minimal_document_imports(app):
    owner = operations.run(accounts.create_facilitator, "m@example.org", "M", "m-password")
    with app.test_request_context():
        workshop = archive.import_workshop(_minimal(), owner)
        assert workshop.title.startswith("Amman (")  # "(copy)" in Arabic once translated
        assert workshop.stage == "welcome" and workshop.language == "ar"
        assert snapshot(workshops.viewer_for(workshop, owner))["participants"]["list"] == []


# --- the commands ------------------------------------------------------------------------------

def test_the_commands_export_and_import(app, room_at, tmp_path):
    seminar = room_at("closed", then=more)
    runner = app.test_cli_runner()
    target = tmp_path / "seminar.json"
    made = runner.invoke(args=["export-json", str(seminar["workshop"].id),
                               "--output", str(target)])
    assert made.exit_code == 0, made.output
    assert json.loads(target.read_text())["format"] == "facilitator-workshop"
    count = db.session.scalar(select(func.count(Workshop.id)))
    done = runner.invoke(args=["import-json", str(target), "--owner", OWNER[0]])
    assert done.exit_code == 0, done.output
    assert done.output.startswith("Imported workshop ") and "25 participants" in done.output
    assert db.session.scalar(select(func.count(Workshop.id))) == count + 1

    unknown = runner.invoke(args=["import-json", str(target), "--owner", "no@example.org"])
    assert unknown.exit_code != 0 and "No facilitator account" in unknown.output
    target.write_bytes(target.read_bytes()[:500])
    before = all_rows()
    broken = runner.invoke(args=["import-json", str(target), "--owner", OWNER[0]])
    assert broken.exit_code != 0 and "cut short" in broken.output
    assert all_rows() == before
    missing = runner.invoke(args=["export-json", "999999", "--output", str(target)])
    assert missing.exit_code != 0 and "does not exist" in missing.output


# --- the benchmark's large workshop --------------------------------------------------------

def test_the_large_workshop_is_valid_and_round_trips(app):
    """benchmarks/large_workshop.py builds rows directly: the app's snapshot must read
    them, and the archive carry them over (Arabic included) unchanged."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "benchmarks" / "large_workshop.py"
    spec = importlib.util.spec_from_file_location("large_workshop", path)
    large = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(large)
    workshop_id = large.build_large_workshop(app)
    owner = accounts.find(large.OWNER_EMAIL)
    data = archive.export_workshop(workshop_id)
    assert (len(data["participants"]), len(data["ideas"]), len(data["working_groups"]),
            len(data["actions"]), len(data["shared_actions"]), len(data["success_factors"]),
            len(data["immediate_measures"]), len(data["committee_members"])) == (
        200, 500, 5, 100, 10, 8, 6, 12)
    assert data["workshop"]["closed_at"] and data["workshop"]["stage"] == "closing"
    with app.test_request_context():
        copy_ = archive.import_workshop(archive.read_archive(archive.dumps(data)), owner)
        state = snapshot(workshops.viewer_for(copy_, owner))
    again = archive.export_workshop(copy_.id)
    again["workshop"]["title"] = data["workshop"]["title"]
    assert normalised(again) == normalised(data)
    assert [len(g["members"]) for g in state["groups"]["list"]] == [40] * 5
    assert any("منصة" in a["title"] or "شباك" in a["title"] for a in again["actions"])

"""Step 4 and the closing over real sockets (issue 10): who hears what. A phone's synergy
proposal reaches the facilitators (and its author) but no other phone nor the projector;
a synergy accepted and a shared action built from it reach every phone; a committee
sign-up's email reaches the facilitators and the person only, read from its row (no event
carries it); a closed workshop refuses
every participant write with `workshop_closed` and a sentence a person can read."""
from __future__ import annotations

import json

import pytest

from tests.clients import Live, events_of, snapshot

pytestmark = pytest.mark.live
WAIT = 15


@pytest.fixture(scope="module")
def clients(live_rooms):
    """The module's room at the actions' plenary (the groups' boards done), moved on to
    the synergies: Step 4 begins here. Its console, projector and two phones, connected;
    each knows where the room is (its scope, for later syncs). The tests follow on from
    each other."""
    room = live_rooms("actions")
    lead = room.console()
    assert lead.call("stage.change", {"from_stage": "actions_synthesis",
                                      "to_stage": "synergies"})["ok"]
    projector = room.projector()
    phones = [room.phone(f"Phone {n}") for n in range(2)]
    for client in (lead, projector, *phones):
        snapshot(client)
    return {"lead": lead, "projector": projector, "phones": phones}


def heard(client: Live, type_: str) -> list[dict]:
    return [e["data"] for e in events_of(client, type_)]


def test_a_proposal_reaches_the_facilitators_and_its_author_only(clients):
    lead, projector, (author, other) = clients["lead"], clients["projector"], clients["phones"]
    groups = sorted((g for g in snapshot(lead)["groups"]["list"] if not g["retired"]),
                    key=lambda g: g["rank"])
    text = "The three groups could share one mentoring programme"
    ack = author.call("synergy.propose", {"text": text, "group_ids": [groups[0]["id"], groups[2]["id"]]})
    assert ack["ok"], ack
    assert ack["proposal"]["status"] == "pending"
    assert ack["proposal"]["group_ids"] == [groups[0]["id"], groups[2]["id"]]
    for client in (lead, author):
        client.wait_for(lambda e: e["type"] == "proposal.saved" and e["data"]["proposal"]["text"] == text,
                        timeout=WAIT)
    # then something for everyone: once it has arrived, an earlier event would have too
    marker = "A marker synergy for everyone, linked by hand"
    boards = snapshot(lead)["groups"]["boards"]
    entries = [{"kind": "objective", "id": boards[str(g["id"])]["objectives"][0]["id"]}
               for g in (groups[0], groups[2])]
    linked = lead.call("synergy.decide", {"entries": entries, "status": "accepted", "title": marker})
    assert linked["ok"], linked
    for client in (projector, other, author):
        client.wait_for(lambda e: e["type"] == "synergy.saved" and e["data"]["synergy"]["title"] == marker,
                        timeout=WAIT)
    for client in (projector, other):
        assert heard(client, "proposal.saved") == []
        assert text not in json.dumps(client.events, ensure_ascii=False)
        assert "proposals" not in snapshot(client)["synergies"]
    assert [p["text"] for p in snapshot(author)["synergies"]["my_proposals"]] == [text]
    assert snapshot(other)["synergies"]["my_proposals"] == []
    # the facilitators dismiss it: its author is told, nobody else
    proposal = ack["proposal"]["id"]
    assert lead.call("synergy.dismiss", {"proposal_id": proposal})["ok"]
    author.wait_for(lambda e: e["type"] == "proposal.saved"
                    and e["data"]["proposal"]["status"] == "dismissed", timeout=WAIT)


def test_an_accepted_suggestion_and_its_shared_action_reach_every_phone(clients):
    lead, projector, phones = clients["lead"], clients["projector"], clients["phones"]
    suggestions = lead.call("synergies.suggest", {})["suggestions"]
    assert suggestions, "the sample's boards give the server something to suggest"
    suggestion = suggestions[0]
    title = "Accepted from a suggestion"
    decided = lead.call("synergy.decide", {"entries": suggestion["entries"], "status": "accepted",
                                           "title": title, "note": suggestion["because"],
                                           "kind": suggestion["kind"]})
    assert decided["ok"], decided
    synergy = decided["synergy"]
    built = lead.call("shared_action.add", {
        "title": "One mentoring programme for the three groups", "lead": "CCIA-BML",
        "partners": ["IDAL", "Berytech"], "deadline": "2015-12-15",
        "expected_result": "Fifty mentors", "synergy_id": synergy["id"]})
    assert built["ok"], built
    action = built["shared_action"]
    groups = {g["id"]: g for g in snapshot(lead)["groups"]["list"]}
    assert sorted(action["theme_ids"]) == sorted(groups[g]["theme_id"] for g in synergy["group_ids"])
    assert action["synergy_id"] == synergy["id"]
    for client in (*phones, projector):
        client.wait_for(lambda e: e["type"] == "synergy.saved" and e["data"]["synergy"]["id"] == synergy["id"],
                        timeout=WAIT)
        got = client.wait_for(lambda e: e["type"] == "shared_action.saved"
                              and e["data"]["shared_action"]["id"] == action["id"], timeout=WAIT)
        assert got["data"]["shared_action"]["partners"] == ["IDAL", "Berytech"]
        state = snapshot(client)
        assert any(s["id"] == synergy["id"] and s["title"] == title for s in state["synergies"]["list"])
        assert any(a["id"] == action["id"] for a in state["shared_plan"]["actions"])


def test_a_committee_email_reaches_the_facilitators_and_the_person_only(clients):
    lead, projector, (person, other) = clients["lead"], clients["projector"], clients["phones"]
    state = snapshot(lead)
    stage = state["stage"]["stage"]
    for to_stage in ("shared_plan", "closing"):
        if stage != to_stage:
            assert lead.call("stage.change", {"from_stage": stage, "to_stage": to_stage})["ok"]
            stage = to_stage
    email = "phone.zero@example.org"
    ack = person.call("committee.join", {"role": "Follow the mentoring programme", "email": email,
                                         "consent": True})
    assert ack["ok"], ack
    assert ack["member"]["email"] == email and ack["member"]["consented_at"]
    me = ack["member"]["participant_id"]
    # the person and the facilitators are told the contact changed, by reference: they
    # read the address from the row (committee.contacts), never from an event
    for client in (lead, person):
        told = client.wait_for(lambda e: e["type"] == "committee.contact"
                               and e["data"]["participant_id"] == me, timeout=WAIT)
        assert told["data"] == {"participant_id": me, "consented_at": ack["member"]["consented_at"]}
        mine = client.call("committee.contacts", {})
        assert mine["ok"] and mine["contacts"] == [{"participant_id": me, "email": email,
                                                    "consented_at": ack["member"]["consented_at"]}]
    for client in (other, projector):
        got = client.wait_for(lambda e: e["type"] == "committee.joined"
                              and e["data"]["member"]["participant_id"] == me, timeout=WAIT)
        assert got["data"]["member"]["role"] == "Follow the mentoring programme"
        assert got["data"]["member"]["name"] == "Phone 0"
    assert other.call("committee.contacts", {})["contacts"] == []
    assert projector.call("committee.contacts", {})["error"]["code"] == "forbidden"
    # the reference went out after the public event: once the console has it, anything
    # for the others has arrived; no event, for anyone, holds the address
    for client in (lead, person, other, projector):
        assert email not in json.dumps(client.events), client.view
    for client in (other, projector):
        assert email not in json.dumps(snapshot(client)), client.view
    assert snapshot(person)["closing"]["my_membership"]["email"] == email
    assert snapshot(other)["closing"]["my_membership"] is None
    assert any(m.get("email") == email for m in snapshot(lead)["closing"]["committee"])
    # without consent, nothing is recorded
    refused = other.call("committee.join", {"role": "", "email": "other@example.org", "consent": False})
    assert refused["ok"] is False and refused["error"]["code"] == "no_consent"


def test_a_closed_workshop_refuses_every_participant_write(clients):
    lead, phones = clients["lead"], clients["phones"]
    factor = phones[1].call("factor.propose", {"text": "Written before the close"})
    assert factor["ok"], factor
    assert lead.call("workshop.close", {})["ok"]
    for phone in phones:
        closed = phone.wait_for(lambda e: e["type"] == "workshop.closed", timeout=WAIT)
        assert closed["data"]["workshop"]["closed_at"]
        assert snapshot(phone)["workshop"]["closed_at"]
    writes = [
        ("idea.post", {"text": "A late card", "kind": "idea"}),
        ("factor.propose", {"text": "A late factor"}),
        ("factor.endorse", {"factor_id": factor["factor"]["id"], "endorsed": True}),
        ("committee.join", {"role": "Late", "email": "late@example.org", "consent": True}),
        ("synergy.propose", {"text": "A late synergy"}),
        ("objective.add", {"text": "A late objective"}),
    ]
    for name, payload in writes:
        ack = phones[0].call(name, payload)
        assert ack["ok"] is False and ack["error"]["code"] == "workshop_closed", (name, ack)
        message = ack["error"]["message"]
        assert isinstance(message, str) and len(message) > 30 and "workshop_closed" not in message
        assert "closed" in message.lower()
    # the facilitators reopen it: phones write again
    assert lead.call("workshop.reopen", {})["ok"]
    phones[0].wait_for(lambda e: e["type"] == "workshop.reopened", timeout=WAIT)
    assert phones[0].call("factor.propose", {"text": "Written after reopening"})["ok"]

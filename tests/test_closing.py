"""The closing: success factors proposed and endorsed from phones, and the open steering
committee whose emails only the facilitators see."""
from __future__ import annotations

from facilitator.snapshot import snapshot
from tests.steps import do, last_seq, seen_by


def to_closing(room):
    stages = ["ideas", "themes", "vote", "confirm", "objectives", "objectives_synthesis",
              "actors", "actors_synthesis", "actions", "actions_synthesis", "synergies",
              "shared_plan", "closing"]
    for before, after in zip(stages, stages[1:]):
        assert do(room["console"], "stage.change", from_stage=before, to_stage=after)["ok"]


def test_phones_propose_and_endorse_success_factors(room):
    early = do(room["rania"], "factor.propose", text="A coordinator paid for two years")
    assert early["error"]["code"] == "wrong_stage"
    to_closing(room)
    factor = do(room["rania"], "factor.propose", text="A coordinator paid for two years")["factor"]
    assert do(room["karim"], "factor.endorse", factor_id=factor["id"])["factor"][
        "endorsements"] == [room["karim"].participant_id]
    again = do(room["karim"], "factor.endorse", factor_id=factor["id"])  # once per person
    assert again["factor"]["endorsements"] == [room["karim"].participant_id]
    assert do(room["karim"], "factor.endorse", factor_id=factor["id"], endorsed=False)[
        "factor"]["endorsements"] == []
    assert do(room["karim"], "factor.remove", factor_id=factor["id"])["error"]["code"] \
        == "forbidden"
    assert do(room["console"], "factor.propose", text="Monthly meetings")["ok"]
    texts = [f["text"] for f in snapshot(room["projector"])["closing"]["factors"]]
    assert texts == ["A coordinator paid for two years", "Monthly meetings"]
    assert do(room["rania"], "factor.propose", text="")["error"]["code"] == "empty_text"
    assert do(room["rania"], "factor.remove", factor_id=factor["id"])["ok"]


def test_committee_emails_reach_only_facilitators_and_the_person(room):
    to_closing(room)
    before = last_seq(room)
    refused = do(room["rania"], "committee.join", role="Link with IDAL",
                 email="rania@example.org", consent=False)
    assert refused["error"]["code"] == "no_consent"
    assert do(room["rania"], "committee.join", role="x", email="not-an-email",
              consent=True)["error"]["code"] == "bad_email"
    ack = do(room["rania"], "committee.join", role="Link with IDAL",
             email="rania@example.org", consent=True)
    assert ack["ok"] and ack["member"]["email"] == "rania@example.org"
    for viewer in (room["projector"], room["karim"]):
        assert "rania@example.org" not in str(seen_by(viewer, before))
        committee = snapshot(viewer)["closing"]["committee"]
        assert committee == [{"participant_id": room["rania"].participant_id,
                              "name": "Rania Haddad", "organisation": "IDAL",
                              "role": "Link with IDAL"}]
    assert "rania@example.org" in str(seen_by(room["rania"], before))
    assert snapshot(room["rania"])["closing"]["my_membership"]["email"] == "rania@example.org"
    staff = snapshot(room["console"])["closing"]["committee"][0]
    assert staff["email"] == "rania@example.org" and staff["consented_at"]
    assert do(room["console"], "committee.join", role="x", email="a@b.org",
              consent=True)["error"]["code"] == "forbidden"
    assert do(room["rania"], "committee.leave")["ok"]
    assert snapshot(room["console"])["closing"]["committee"] == []

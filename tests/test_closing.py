"""The closing: success factors proposed and endorsed from phones, and the open steering
committee whose emails only the facilitators see."""
from __future__ import annotations

from facilitator.snapshot import snapshot
from facilitator.text import plain
from tests.steps import do, last_seq, seen_by, to_closing


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
    # no event carries it (the person and the staff read it from the row: docs/privacy.md)
    assert "rania@example.org" not in str(seen_by(room["rania"], before))
    assert "rania@example.org" not in str(seen_by(room["console"], before))
    assert snapshot(room["rania"])["closing"]["my_membership"]["email"] == "rania@example.org"
    staff = snapshot(room["console"])["closing"]["committee"][0]
    assert staff["email"] == "rania@example.org" and staff["consented_at"]
    assert do(room["console"], "committee.join", role="x", email="a@b.org",
              consent=True)["error"]["code"] == "forbidden"
    assert do(room["rania"], "committee.leave")["ok"]
    assert snapshot(room["console"])["closing"]["committee"] == []


def test_control_characters_never_reach_a_row_and_emails_are_checked(room):
    """NUL and the other control characters no keyboard types are taken out of what is
    saved, emails included (a text keeps its lines); what is not an address is refused."""
    to_closing(room)
    for email in ("rania@example", "rania @example.org",
                  "rania@localhost", "@example.org"):
        refused = do(room["rania"], "committee.join", role="Link", email=email, consent=True)
        assert refused["error"]["code"] == "bad_email", email
        assert refused["error"]["message"] == "Please give a valid email address."
    joined = do(room["rania"], "committee.join", role="Link\x00 with\x07 IDAL\x1b",
                email=" Rania.Had\x00dad@Example.ORG ", consent=True)["member"]
    assert joined["role"] == "Link with IDAL"
    assert joined["email"] == "Rania.Haddad@example.org"  # its domain in lower case
    factor = do(room["karim"], "factor.propose",
                text="A coordinator\x00 paid\x7f\r\nfor two years\x9b")["factor"]
    assert factor["text"] == "A coordinator paid for two years"  # a factor is one line
    # a text that may have lines (a synthesis, a description) keeps them, and its tabs
    assert plain("Two\x00 lines\r\nand\ta tab\rthree\x85") == "Two lines\nand\ta tab\nthree"

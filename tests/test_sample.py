"""The sample seminar fills Steps 1 to 4 and the closing through the live operations, up
to a stage."""
from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import func, select

from facilitator import sample
from facilitator.extensions import db
from facilitator.models import AppliedOperation, Idea, Participant, Vote, Workshop
from facilitator.people import participants
from facilitator.snapshot import snapshot
from facilitator.steps import ideas, priorities
from facilitator.viewers import Viewer


def phone_of(workshop):
    first = db.session.scalar(select(Participant).where(Participant.workshop_id == workshop.id)
                              .order_by(Participant.id))
    return participants.viewer_for(first)


def test_the_full_sample_reaches_confirmed_priorities(app):
    workshop = sample.create_sample(until="confirm")
    workshop = db.session.get(Workshop, workshop.id)
    assert workshop.stage == "confirm"
    people = db.session.scalars(select(Participant.id).where(
        Participant.workshop_id == workshop.id)).all()
    assert len(people) == len(sample.PEOPLE) == 25

    phone = snapshot(phone_of(workshop))
    screen = snapshot(Viewer(kind="projector", workshop_id=workshop.id))
    cards = screen["ideas"]["list"]
    assert len(cards) >= 38  # a phone, past the themes, holds only its own cards
    assert len(phone["ideas"]["list"]) + phone["ideas"]["earlier"] == len(cards)
    assert {card["kind"] for card in cards} == set(ideas.KINDS)
    origins = {card["origin"] for card in cards}
    assert {"Mexico", "Ireland", "Scotland", "France", "USA", "UK", "Morocco"} <= origins
    # the near-duplicates were merged (texts and authors kept), the off-topic card hidden
    merged = [card for card in cards if card["merged_texts"]]
    assert len(merged) == len(sample.MERGES) and all(len(c["authors"]) == 2 for c in merged)
    hidden = db.session.scalars(select(Idea).where(Idea.workshop_id == workshop.id,
                                                   Idea.hidden.is_(True))).all()
    assert [idea.text for idea in hidden] == [
        text for key, *_rest, text in sample.CARDS if key in sample.HIDDEN]
    assert all(card["theme_id"] is not None for card in cards)

    step2 = phone["priorities"]
    assert len(step2["themes"]) >= 5
    assert step2["voting"]["revealed"] is True and step2["totals"] is not None
    voters = db.session.scalars(select(Vote.participant_id).where(
        Vote.workshop_id == workshop.id).distinct()).all()
    assert sorted(voters) == sorted(people)
    assert db.session.scalar(select(func.sum(Vote.count)).where(
        Vote.workshop_id == workshop.id)) == 3 * len(people)
    assert step2["mine"]["dots_left"] == 0

    confirmed = step2["confirmed"]
    assert [p["confirmed_rank"] for p in confirmed] == [1, 2, 3]
    titles = [p["title"].casefold() for p in confirmed]
    assert "framework that attracts the diaspora" in titles[0]
    assert "local and international" in titles[1]
    assert "data" in titles[2] and "profiles" in titles[2]
    assert all(p["description"] for p in confirmed)
    top = [row["theme"]["id"] for row in priorities.results(workshop)][:3]
    assert top == [p["id"] for p in confirmed]

    # every change went through the live operations, each under its own op_id
    names = set(db.session.scalars(select(AppliedOperation.name).where(
        AppliedOperation.workshop_id == workshop.id)))
    assert {"stage.change", "idea.post", "idea.merge", "idea.hide", "theme.create",
            "idea.assign", "voting.update", "dot.place", "priorities.confirm"} <= names


def test_until_ideas_stops_with_cards_and_no_themes(app):
    workshop = sample.create_sample("ideas@example.org", "ideas-password", until="ideas")
    workshop = db.session.get(Workshop, workshop.id)
    assert workshop.stage == "ideas"
    assert len(ideas.live_ideas(workshop.id)) >= 38
    assert priorities.live_themes(workshop.id) == []
    assert not ideas.step_settings(workshop.id).input_locked  # phones can still post


def test_until_vote_places_every_dot_without_revealing_them(app):
    workshop = sample.create_sample("vote@example.org", "vote-password", until="vote")
    workshop = db.session.get(Workshop, workshop.id)
    assert workshop.stage == "vote"
    with app.test_request_context():
        phone = snapshot(phone_of(workshop))["priorities"]
    assert phone["voting"]["open"] is True and phone["voting"]["revealed"] is False
    assert phone["totals"] is None and phone["confirmed"] == []
    assert db.session.scalar(select(func.sum(Vote.count)).where(
        Vote.workshop_id == workshop.id)) == 3 * len(sample.PEOPLE)


def test_until_welcome_is_participants_only_and_unknown_stages_are_refused(app):
    workshop = sample.create_sample("welcome@example.org", "welcome-password",
                                    until="welcome")
    assert db.session.get(Workshop, workshop.id).stage == "welcome"
    assert ideas.live_ideas(workshop.id) == []
    with pytest.raises(ValueError):
        sample.create_sample("other@example.org", "other-password", until="archived")


def test_the_cli_fills_the_stage_asked_for(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["sample", "--email", "cli@example.org", "--until", "themes"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Sample workshop ")
    assert "join code" in result.output and "sign in as cli@example.org" in result.output
    workshop_id = int(result.output.split()[2])
    assert db.session.get(Workshop, workshop_id).stage == "themes"
    assert len(priorities.live_themes(workshop_id)) == len(sample.THEMES)
    bad = runner.invoke(args=["sample", "--until", "archived"])
    assert bad.exit_code != 0


def test_the_sample_fills_step_3_with_three_working_groups(app):
    from facilitator import sample
    from facilitator.models import Action, Actor, Objective, Synthesis, WorkingGroup

    with app.test_request_context():
        workshop = sample.create_sample("groups@example.org", "groups-password",
                                        until="actions")
    assert workshop.stage == "actions_synthesis"
    groups = db.session.query(WorkingGroup).filter_by(workshop_id=workshop.id).all()
    assert len(groups) == 3 and all(g.rapporteur_id for g in groups)
    people = db.session.query(Participant).filter_by(workshop_id=workshop.id).all()
    sizes = Counter(p.group_id for p in people)
    assert None not in sizes and max(sizes.values()) - min(sizes.values()) <= 1
    assert db.session.query(Objective).count() == 8
    assert db.session.query(Actor).count() == 13
    actions = db.session.query(Action).all()
    assert len(actions) == 8 and all(a.lead_actor_id for a in actions)
    assert db.session.query(Synthesis).count() == 9
    platform = next(a for a in actions if "coordination platform" in a.title)
    assert len(platform.partner_ids) == 3 and platform.deadline.isoformat() == "2015-11-30"


def test_the_sample_stops_at_the_objectives(app):
    from facilitator import sample
    from facilitator.models import Actor, Objective, Synthesis

    with app.test_request_context():
        workshop = sample.create_sample("obj@example.org", "obj-password", until="objectives")
    assert workshop.stage == "objectives_synthesis"
    assert db.session.query(Objective).count() == 8 and db.session.query(Actor).count() == 0
    assert db.session.query(Synthesis).count() == 3
    # entering Step 3 placed everyone: the sample had nothing to assign itself
    assert db.session.query(Participant).filter_by(workshop_id=workshop.id, group_id=None).count() == 0
    assert db.session.query(AppliedOperation).filter_by(workshop_id=workshop.id,
                                                        name="groups.assign").count() == 0


def test_the_sample_runs_through_step_4_and_closes_the_workshop(app):
    from facilitator.models import (ClosingRecord, CommitteeMember, ImmediateMeasure,
                                    SharedAction, Synergy, SynergyProposal)

    with app.test_request_context():
        workshop = sample.create_sample("closed@example.org", "closed-password")
        phone = snapshot(phone_of(workshop))
    workshop = db.session.get(Workshop, workshop.id, populate_existing=True)
    assert workshop.stage == "closing" and workshop.closed_at is not None
    synergies = db.session.scalars(select(Synergy).where(
        Synergy.workshop_id == workshop.id)).all()
    assert [s.status for s in synergies] == ["accepted"] * 3
    assert db.session.scalar(select(SynergyProposal.status)) == "accepted"
    shared = db.session.scalars(select(SharedAction).where(
        SharedAction.workshop_id == workshop.id).order_by(SharedAction.id)).all()
    assert [a.lead for a in shared] == [lead for _t, _d, lead, *_rest in sample.SHARED_ACTIONS]
    assert all(len(a.action_ids) == 2 and len(a.theme_ids) >= 2 and a.synergy_id
               for a in shared)
    assert len(phone["shared_plan"]["actions"]) == 3
    assert len(phone["shared_plan"]["measures"]) == len(sample.MEASURES)
    endorsed = [len(f["endorsements"]) for f in phone["closing"]["factors"]]
    assert endorsed == [13, 9, 5]
    assert db.session.query(CommitteeMember).filter_by(workshop_id=workshop.id).count() == 4
    assert db.session.query(ImmediateMeasure).filter_by(workshop_id=workshop.id).count() == 3
    assert [r.kind for r in db.session.query(ClosingRecord).filter_by(
        workshop_id=workshop.id)] == ["closed"]
    assert phone["workshop"]["closed_at"] is not None

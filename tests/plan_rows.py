"""Step 4 and the closing for the sample seminar, written as rows (the sample stops at
Step 3's actions for now): the synergies, shared actions, success factors, immediate
measures and steering committee Beirut agreed, so the plan has every section to show."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from facilitator.extensions import db
from facilitator.models import (Action, Actor, CommitteeMember, ImmediateMeasure,
                                Participant, SharedAction, SuccessFactor, Synergy, Theme,
                                WorkingGroup, Workshop, utcnow)

COMMITTEE = [("Maya Khoury", "Chair, for the chamber", "maya.khoury@ccia-bml.example"),
             ("Rania Haddad", "Investment desk", "rania.haddad@idal.example"),
             ("Nadine Aoun", "Embassies and consulates", "nadine.aoun@mofa.example"),
             ("Tarek Daou", "Platform and crowdfunding", "tarek@zoomal.example"),
             ("Sara Matar", "Voice of the diaspora in Canada", "sara.matar@example.org")]
MEASURES = [("Send this action plan to every participant and partner", "CCIA-BML",
             date(2015, 10, 27)),
            ("First meeting of the steering committee", "IDAL", date(2015, 11, 5)),
            ("Recruit two experts to set up the coordination platform", "CCIA-BML",
             date(2015, 11, 20))]
FACTORS = [("A coordinator paid for two years, not volunteers", 14),
           ("One named owner for each action, reporting every month", 11),
           ("Involve the regional chambers, not only Beirut", 6)]


def add_step4(workshop_id: int, close: bool = False) -> None:
    """Synergies, shared actions, success factors, measures and the committee."""
    workshop = db.session.get(Workshop, workshop_id)
    people = {p.name: p for p in db.session.scalars(select(Participant).where(
        Participant.workshop_id == workshop_id).order_by(Participant.id))}
    groups = {g.theme_id: g for g in db.session.scalars(select(WorkingGroup).where(
        WorkingGroup.workshop_id == workshop_id))}
    themes = db.session.scalars(select(Theme).where(
        Theme.workshop_id == workshop_id, Theme.confirmed_rank.is_not(None))
        .order_by(Theme.confirmed_rank)).all()
    group_of = [groups[t.id] for t in themes]
    actions = {a.title: a for a in db.session.scalars(select(Action).where(
        Action.workshop_id == workshop_id))}
    chamber = [a for a in db.session.scalars(select(Actor).where(
        Actor.workshop_id == workshop_id)) if "CCIA-BML" in a.name]
    now = utcnow()
    synergy = Synergy(workshop_id=workshop_id, status="accepted", kind="shared_actor",
                      title="The chamber (CCIA-BML) works with every group",
                      note="Named by the three groups: it hosts the shared platform.",
                      entries=[{"kind": "actor", "id": a.id, "group_id": a.group_id}
                               for a in chamber],
                      group_ids=sorted({a.group_id for a in chamber}),
                      signature=f"plan-test-{workshop_id}-1", updated_by="test",
                      created_at=now, updated_at=now)
    data_synergy = Synergy(
        workshop_id=workshop_id, status="accepted", kind="similar_action",
        title="One database serves the matchmaking network",
        note="The network's members and the ministry's database are the same people.",
        entries=[], group_ids=[group_of[1].id, group_of[2].id],
        signature=f"plan-test-{workshop_id}-2", updated_by="test", created_at=now,
        updated_at=now)
    db.session.add_all([synergy, data_synergy])
    db.session.flush()
    db.session.add_all([
        SharedAction(workshop_id=workshop_id,
                     title="One coordination platform for every actor, hosted by the chamber",
                     description="The chamber hosts the platform with private partners; "
                                 "the one-stop desk and the matchmaking network run on it.",
                     theme_ids=[themes[0].id, themes[1].id],
                     lead="CCIA-BML", partners=["Zoomal", "LFE", "LIBC", "IDAL"],
                     deadline=date(2015, 11, 30),
                     expected_result="Every actor signed up; one monthly meeting",
                     action_ids=[actions["Launch the coordination platform hosted by the "
                                         "chamber"].id,
                                 actions["Open a one-stop desk for diaspora investors at "
                                         "IDAL"].id],
                     synergy_id=synergy.id, version=1, updated_by="test",
                     created_at=now, updated_at=now),
        SharedAction(workshop_id=workshop_id,
                     title="A diaspora database that feeds the matchmaking network",
                     description="The ministry's database and the survey's answers, "
                                 "shared with the network, with each person's consent.",
                     theme_ids=[themes[1].id, themes[2].id],
                     lead="Ministry of Foreign Affairs and Emigrants",
                     partners=["Lebanese American University", "Zoomal"],
                     deadline=date(2016, 1, 31),
                     expected_result="5,000 profiles the network can search",
                     action_ids=[actions["Build one database from the consulates' "
                                         "registers"].id,
                                 actions["Open the online matchmaking network"].id],
                     synergy_id=data_synergy.id, version=1, updated_by="test",
                     created_at=now, updated_at=now),
    ])
    voters = list(people.values())
    for text, n in FACTORS:
        db.session.add(SuccessFactor(workshop_id=workshop_id, text=text,
                                     author_id=voters[n].id,
                                     endorsements=[p.id for p in voters[:n]],
                                     created_at=now))
    for text, owner, due in MEASURES:
        db.session.add(ImmediateMeasure(workshop_id=workshop_id, text=text, owner=owner,
                                        due=due, version=1, updated_by="test",
                                        created_at=now))
    for name, role, email in COMMITTEE:
        db.session.add(CommitteeMember(workshop_id=workshop_id,
                                       participant_id=people[name].id, role=role,
                                       email=email, consented_at=now))
    workshop.last_seq += 1  # as an event would: the plan changed
    if close:
        workshop.closed_at = now
        workshop.last_seq += 1
    db.session.commit()

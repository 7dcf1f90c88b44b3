"""What entering Step 3 costs now that it places everyone (issue 16): the `stage.change`
from the confirmation to the objectives, which forms one group per priority and, in
balanced mode, puts every participant in one, in the same transaction. In process, on a
SQLite file, no network; bounded in count.

    .venv/bin/python benchmarks/enter_step3.py --people 200,1000 --runs 5

For each room size: the sample seminar at `confirm` (3 priorities), N - 25 more people
joined as the join form does (sample.join), then the console's `stage.change` (through
operations.perform, the path of every live operation: row lock, rights, op_id, commit,
publish) timed alone; the workshop is then put back at `confirm` with nobody in a group
and the next run starts. Medians and maxima, with the events it wrote.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import func, select, update  # noqa: E402

from facilitator.people import accounts  # noqa: E402
from facilitator import create_app, workshops  # noqa: E402
from facilitator.live import operations  # noqa: E402
from facilitator.extensions import db  # noqa: E402
from facilitator.models import Event, Participant, Workshop  # noqa: E402
from facilitator.sample import create_sample, join  # noqa: E402


def room_of(app, people: int) -> int:
    with app.app_context(), app.test_request_context():
        workshop = create_sample(until="confirm")
        for n in range(people - 25):
            join(workshop, f"bench-{n:06d}-nonce-000000", f"Person {n}", "Org",
                 workshop.profiles[n % len(workshop.profiles)])
        return workshop.id


def one_run(app, workshop_id: int, run: int) -> tuple[float, int, int]:
    with app.app_context(), app.test_request_context():
        workshop = db.session.get(Workshop, workshop_id)
        owner = accounts.find("facilitator@example.org")  # the sample's owner
        console = workshops.viewer_for(workshop, owner)
        before = db.session.scalar(select(func.count()).select_from(Event).where(
            Event.workshop_id == workshop_id))
        start = time.perf_counter()
        ack = operations.perform(console, "stage.change", f"bench-enter-{run:04d}",
                                 from_stage="confirm", to_stage="objectives")
        took = time.perf_counter() - start
        assert ack["ok"], ack
        placed = db.session.scalar(select(func.count()).select_from(Participant).where(
            Participant.workshop_id == workshop_id, Participant.group_id.is_not(None)))
        events = db.session.scalar(select(func.count()).select_from(Event).where(
            Event.workshop_id == workshop_id)) - before
        # back to the confirmation, nobody placed, for the next run
        db.session.execute(update(Participant).where(Participant.workshop_id == workshop_id)
                           .values(group_id=None))
        db.session.execute(update(Workshop).where(Workshop.id == workshop_id)
                           .values(stage="confirm"))
        db.session.commit()
        return took, placed, events


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", default="200,1000")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    for people in (min(int(p), 2000) for p in args.people.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            app = create_app("test", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp}/bench.db")
            with app.app_context():
                upgrade()
            workshop_id = room_of(app, people)
            times, placed, events = [], 0, 0
            for run in range(min(args.runs, 20)):
                took, placed, events = one_run(app, workshop_id, run)
                times.append(took * 1000)
            print(f"{people} people: stage.change confirm -> objectives, {placed} placed, "
                  f"{events} events; median {statistics.median(times):.0f} ms, "
                  f"max {max(times):.0f} ms over {len(times)} runs")


if __name__ == "__main__":
    main()

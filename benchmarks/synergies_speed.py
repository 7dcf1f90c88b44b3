"""How long the synergy suggestions take on a big workshop: five groups with fifty
entries each (10 objectives, 15 actors, 25 actions), written through the real operation
path in process, then `synergies.suggest` timed. No network.

    .venv/bin/python benchmarks/synergies_speed.py [--groups 5] [--runs 7]
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("FACILITATOR_INSTANCE", tempfile.mkdtemp())

WORDS = ("diaspora investors platform coordination chamber network survey database "
         "campaign export roadshow mentoring incubator funding guarantee regional desk "
         "procedures online matchmaking embassy consulate university startup return "
         "skills data profiles agency ministry council award media").split()
ACTORS = ["IDAL", "Investment Development Authority of Lebanon", "CCIA-BML", "Zoomal",
          "LFE", "Lebanon for Entrepreneurs", "LIBC", "Kafalat", "Berytech", "MoFA",
          "Ministry of Foreign Affairs", "Banque du Liban", "BDL", "Endeavor", "Flat6Labs"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--groups", type=int, default=5)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    from flask_migrate import upgrade

    from facilitator import create_app
    from facilitator.steps import groups, priorities, synergies
    from facilitator.live import operations
    from facilitator.extensions import db

    app = create_app("test", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tempfile.mkdtemp()}/s.db")
    rng = random.Random(7)
    with app.app_context(), app.test_request_context():
        upgrade()
        from facilitator.sample import create_sample
        from facilitator.people.accounts import find
        from facilitator.workshops import viewer_for

        workshop = create_sample("speed@example.org", "speed-password", until="confirm")
        console = viewer_for(workshop, find("speed@example.org"))
        # five priorities: the sample's six themes, five of them confirmed
        workshop.priority_count = args.groups
        db.session.commit()
        themes = [theme.id for theme in priorities.live_themes(workshop.id)]
        counter = iter(range(10**9))

        def do(viewer, operation, /, **fields):
            ack = operations.perform(viewer, operation, f"bench-op-{next(counter):06d}", **fields)
            assert ack["ok"], ack
            return ack

        do(console, "priorities.confirm", theme_ids=themes[:args.groups])
        do(console, "stage.change", from_stage="confirm", to_stage="actions")
        proposal = operations.query(console, "groups.propose")
        do(console, "groups.assign", assignments=proposal["assignments"])
        formed = [g for g in groups.groups_of(workshop.id) if not g.retired]

        def sentence(n):
            return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize()

        for group in formed:
            for n in range(10):
                do(console, "objective.add", group_id=group.id, text=sentence(8))
            for name in rng.sample(ACTORS, 15):
                do(console, "actor.add", group_id=group.id, name=name, kind="other",
                   distinct=True)
            for n in range(25):
                do(console, "action.add", group_id=group.id, title=sentence(7),
                   expected_result=sentence(6), resources=sentence(4))
        timings = []
        for _ in range(args.runs):
            start = time.perf_counter()
            found = synergies.suggest(workshop.id)
            timings.append(time.perf_counter() - start)
        kinds = {}
        for s in found:
            kinds[s["kind"]] = kinds.get(s["kind"], 0) + 1
        load = os.getloadavg()
        print(f"{len(formed)} groups x 50 entries; suggestions: {len(found)} {kinds}")
        print(f"synergies.suggest: median {statistics.median(timings) * 1000:.0f} ms, "
              f"max {max(timings) * 1000:.0f} ms over {args.runs} runs "
              f"(load {load[0]:.2f})")


if __name__ == "__main__":
    main()

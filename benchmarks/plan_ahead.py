"""How soon the public plan is ready after the workshop closes, nobody asking for it
(closing.render_ahead). In-process, on a file SQLite database in a temporary folder: the
sample seminar at its closing stage is closed through operations.perform, as the
console sends it, and the public edition's state is polled every 0.5 s until its render
process (a real one) has finished.

    .venv/bin/python benchmarks/plan_ahead.py
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402

from facilitator.people import accounts  # noqa: E402
from facilitator import create_app, workshops  # noqa: E402
from facilitator.live import operations  # noqa: E402
from facilitator.plan import render as plan_render  # noqa: E402
from facilitator.extensions import db  # noqa: E402
from facilitator.models import Workshop  # noqa: E402
from facilitator.sample import create_sample  # noqa: E402

import harness  # noqa: E402


def main() -> None:
    print(f"machine: {harness.machine_line()}")
    print(f"code: {harness.git_head()}")
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app("test", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp}/ahead.sqlite",
                         PLAN_RENDER_AHEAD=True)
        app.instance_path = f"{tmp}/instance"
        with app.app_context():
            upgrade()
            workshop = create_sample("bench@example.org", "bench-password", until="closing")
            console = workshops.viewer_for(workshop, accounts.find("bench@example.org"))
            start = time.monotonic()
            ack = operations.perform(console, "workshop.close", "close-benchmark-01")
            acked = time.monotonic() - start
            assert ack["ok"], ack
            key = plan_render.key_for(db.session.get(Workshop, workshop.id))
            while (state := plan_render.status(key))["state"] in ("queued", "rendering"):
                time.sleep(0.5)
            ready = time.monotonic() - start
            size = len(plan_render.ready_pdf(key) or b"")
            print(f"close acknowledged in {acked * 1000:.0f} ms; public PDF {state['state']} "
                  f"{ready:.1f} s after the close ({size / 1000:.0f} KB), nobody asking")


if __name__ == "__main__":
    main()

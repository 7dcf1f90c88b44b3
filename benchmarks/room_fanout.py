"""How long a facilitator's step change takes to reach a room of phones, and what the
server costs in memory. Talks to 127.0.0.1 only; bounded in count and time.

    .venv/bin/python benchmarks/room_fanout.py --phones 200 --rounds 10

Starts the real server (eventlet, subprocess) on a fresh database, joins N phones over
HTTP (the real join form), connects each over Socket.IO (websocket), then moves the room
R times and records, per round, when the last phone received the change.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.clients import Live, join, sign_in  # noqa: E402
from tests.support import LiveServer  # noqa: E402


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--phones", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    phones_n = min(args.phones, 500)

    with tempfile.TemporaryDirectory() as tmp:
        server = LiveServer(Path(tmp))
        server.start()
        try:
            workshop_id, code = server.sample("bench@example.org", "bench-password")
            idle_rss = rss_mib(server.process.pid)
            t0 = time.perf_counter()
            https = [join(server.url, code, f"Phone {i}", "Ministry") for i in range(phones_n)]
            join_s = time.perf_counter() - t0
            t0 = time.perf_counter()
            phones = [Live(server.url, h, int(workshop_id), "phone").connect() for h in https]
            connect_s = time.perf_counter() - t0
            lead = Live(server.url, sign_in(server.url, "bench@example.org", "bench-password"),
                        int(workshop_id), "console").connect()
            stages = ["welcome", "ideas"]
            latencies = []
            for round_ in range(args.rounds):
                src, dst = stages[round_ % 2], stages[(round_ + 1) % 2]
                t_send = time.perf_counter()
                ack = lead.call("stage.change", {"from_stage": src, "to_stage": dst})
                assert ack["ok"], ack
                for p in phones:
                    p.wait_for(lambda e, dst=dst: e["type"] == "stage.changed"
                               and e["data"]["stage"] == dst, timeout=30)
                latencies.append((time.perf_counter() - t_send) * 1000)
                for p in phones:
                    with p.lock:
                        p.events.clear()
            busy_rss = rss_mib(server.process.pid)
            for p in phones:
                p.disconnect()
            lead.disconnect()
        finally:
            server.stop()

    print(f"phones: {phones_n}, rounds: {args.rounds}")
    print(f"join {phones_n} phones over HTTP: {join_s:.1f} s ({join_s / phones_n * 1000:.0f} ms each)")
    print(f"connect {phones_n} sockets: {connect_s:.1f} s")
    print(f"step change to last phone: median {statistics.median(latencies):.0f} ms, "
          f"max {max(latencies):.0f} ms")
    print(f"server RSS: idle {idle_rss:.0f} MiB, with {phones_n} phones {busy_rss:.0f} MiB")


if __name__ == "__main__":
    main()

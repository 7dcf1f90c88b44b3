"""A burst of cards: every phone posts at the same moment; how long until the projector
has them all, and how long each phone waits for its acknowledgement. Talks to 127.0.0.1
only; bounded in count and time.

    .venv/bin/python benchmarks/cards_burst.py --phones 200 --cards 2
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.clients import Live, join, sign_in  # noqa: E402
from tests.support import LiveServer  # noqa: E402


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--phones", type=int, default=200)
    parser.add_argument("--cards", type=int, default=2)
    args = parser.parse_args()
    phones_n, cards_n = min(args.phones, 500), min(args.cards, 10)

    with tempfile.TemporaryDirectory() as tmp:
        server = LiveServer(Path(tmp))
        server.start()
        try:
            workshop_id, code = server.sample("bench@example.org", "bench-password")
            https = [join(server.url, code, f"Phone {i}", "Ministry") for i in range(phones_n)]
            phones = [Live(server.url, h, workshop_id, "phone").connect() for h in https]
            staff = sign_in(server.url, "bench@example.org", "bench-password")
            lead = Live(server.url, staff, workshop_id, "console").connect()
            projector = Live(server.url, staff, workshop_id, "projector").connect()
            assert lead.call("stage.change", {"from_stage": "welcome", "to_stage": "ideas"})["ok"]

            acks: list[float] = []
            lock = threading.Lock()
            start = threading.Barrier(phones_n + 1)

            def post(phone: Live, index: int) -> None:
                start.wait()
                for n in range(cards_n):
                    t0 = time.perf_counter()
                    ack = phone.call("idea.post", {"text": f"Card {n} from phone {index}",
                                                   "kind": "idea"})
                    assert ack["ok"], ack
                    with lock:
                        acks.append((time.perf_counter() - t0) * 1000)

            threads = [threading.Thread(target=post, args=(p, i)) for i, p in enumerate(phones)]
            for thread in threads:
                thread.start()
            server_cpu0, client_cpu0 = cpu_seconds(server.process.pid), time.process_time()
            start.wait()
            t_burst = time.perf_counter()
            expected = phones_n * cards_n
            deadline = time.monotonic() + 120
            while len(projector.types()) < expected + 1 and time.monotonic() < deadline:
                time.sleep(0.02)
            on_projector = len([t for t in projector.types() if t == "idea.posted"])
            wall_s = time.perf_counter() - t_burst
            for thread in threads:
                thread.join()
            server_cpu = cpu_seconds(server.process.pid) - server_cpu0
            client_cpu = time.process_time() - client_cpu0
            wall = projector.call("sync", {"since": 0})["snapshot"]["ideas"]["list"]
            for client in [*phones, lead, projector]:
                client.disconnect()
        finally:
            server.stop()

    acks.sort()
    print(f"CPU during the burst: server {server_cpu:.1f} s, the benchmark's clients "
          f"{client_cpu:.1f} s (both on the same 2 cores)")
    print(f"phones: {phones_n}, cards each: {cards_n}, cards: {expected}")
    print(f"projector received {on_projector}/{expected} cards in {wall_s:.2f} s; "
          f"the wall holds {len(wall)}")
    print(f"ack per card: median {statistics.median(acks):.0f} ms, "
          f"p95 {acks[int(len(acks) * 0.95) - 1]:.0f} ms, max {acks[-1]:.0f} ms")


if __name__ == "__main__":
    main()

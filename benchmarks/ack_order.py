"""In what order does an eventlet Flask-SocketIO server send acks when a thousand
requests arrive at once? Against benchmarks/bare_server.py, no app code at all. Talks to
127.0.0.1 only; bounded in count and time.

    .venv/bin/python benchmarks/ack_order.py --phones 1000 --cpu-ms 10

N light-client sockets connect, then all send `sync` at the same moment; the bare
server's handler burns --cpu-ms of CPU and acks --kib KiB (a snapshot's size). Once with
the handlers free, once with them taking turns through one eventlet semaphore
(BARE_SYNC_GATE=1), once with each handler calling `eventlet.sleep(0)` first
(BARE_SYNC_YIELD=1). Reported: when the first, the median and the last ack arrived. If
acks went out as they are made, the first would come after about one handler's time and
the median at half the storm.
"""
from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import aiohttp  # noqa: E402

import harness  # noqa: E402
import lightclient as lc  # noqa: E402
from card_cpu import Bare  # noqa: E402


async def storm(url: str, n: int, deadline_s: float) -> dict:
    conn = lc.connector()
    async with aiohttp.ClientSession(connector=conn) as http:
        socks = [lc.Socket(base=url, cookie="", keep_data=set(),
                           auth={"workshop": 1, "view": "phone", "participant": i + 1})
                 for i in range(n)]
        errors = await lc.connect_many(socks, http, concurrency=100)
        socks = [s for s in socks if s.connected]
        await asyncio.sleep(1.0)
        t0, t0_wall = time.perf_counter(), time.time()
        times: list[float] = []

        async def one(sock: lc.Socket) -> None:
            try:
                await sock.call("sync", {"since": 0}, timeout=deadline_s)
                times.append(time.perf_counter() - t0)
            except Exception:  # noqa: BLE001 - counted as missing
                pass

        await asyncio.gather(*(one(s) for s in socks))
        gaps = [max(b - a for a, b in zip([t0, *[p for p in s.pings if p > t0]],
                                          [*[p for p in s.pings if p > t0],
                                           time.perf_counter()]))
                for s in socks]
        dropped = sum(1 for s in socks if s.closed_at is not None)
        await lc.close_all(socks)
    return {"t0_wall": t0_wall, "connected": len(socks), "connect_errors": len(errors), "times": sorted(times),
            "max_ping_gap": max(gaps) if gaps else float("nan"), "dropped": dropped}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--phones", type=int, default=1000)
    parser.add_argument("--cpu-ms", type=float, default=10)
    parser.add_argument("--kib", type=int, default=200)
    args = parser.parse_args()
    n = min(args.phones, 2000)
    lc.raise_nofile()
    print(f"machine: {harness.machine_line()}")
    for gate, yield_ in (("0", "0"), ("1", "0"), ("0", "1")):
        with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
            bare = Bare(Path(tmp))
            bare.env.update(BARE_SYNC_CPU_MS=str(args.cpu_ms), BARE_SYNC_KIB=str(args.kib),
                            BARE_SYNC_GATE=gate, BARE_SYNC_YIELD=yield_,
                            BARE_SYNC_LOG="1")
            bare.start()
            try:
                cpu0 = lc.cpu_seconds(bare.process.pid)
                r = asyncio.run(storm(bare.url, n, 120))
                cpu = lc.cpu_seconds(bare.process.pid) - cpu0
            finally:
                bare.stop()
            ends = sorted(float(line.split()[1]) - r["t0_wall"] for line in
                          bare.log_path.read_text().splitlines() if line.startswith("END "))
        t = r["times"]
        label = ("one semaphore" if gate == "1" else "sleep(0) first" if yield_ == "1"
                 else "handlers free")
        print(f"{label:13}: {len(t)}/{r['connected']} acks arrived: first {t[0]:.1f} s, "
              f"median {statistics.median(t):.1f} s, last {t[-1]:.1f} s; longest without a "
              f"ping {r['max_ping_gap']:.1f} s; dropped {r['dropped']}; server CPU {cpu:.1f} s"
              if t else f"{label}: no ack", flush=True)
        if ends:
            print(f"{'':13}  the handlers returned: first {ends[0]:.1f} s, median "
                  f"{statistics.median(ends):.1f} s, last {ends[-1]:.1f} s", flush=True)


if __name__ == "__main__":
    main()

"""Is the server still answering? Run by the benchmarks in a process of its own.

    python benchmarks/probe.py http://127.0.0.1:PORT --interval 0.25 [--cookie C --workshop W]

GETs /healthz every `interval` seconds (timeout 5 s) and, with a phone's cookie, keeps one
Socket.IO socket that sends `sync {since, scope}` every `interval` seconds (one at a time,
timeout 5 s) and records the server's pings. Stops on SIGTERM or after --max-seconds and
prints one JSON line: every sample as [seconds since start, latency ms or null, error].
Talks only to the URL it is given (the benchmarks give it 127.0.0.1).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
import time
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lightclient import Socket  # noqa: E402


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("--interval", type=float, default=0.25)
    parser.add_argument("--max-seconds", type=float, default=600)
    parser.add_argument("--cookie", default="")
    parser.add_argument("--workshop", type=int, default=0)
    parser.add_argument("--since", type=int, default=0)
    parser.add_argument("--scope", default=None,
                        help="the scope of the phone's last snapshot (sent with sync)")
    args = parser.parse_args()

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.call_later(args.max_seconds, stop.set)
    t0 = time.perf_counter()
    http_samples: list = []
    sync_samples: list = []
    socket_info: dict = {}

    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as http:
        async def healthz() -> None:
            while not stop.is_set():
                start = time.perf_counter()
                try:
                    async with http.get(args.base + "/healthz") as response:
                        await response.read()
                        error = None if response.status == 200 else f"HTTP {response.status}"
                except Exception as exc:  # noqa: BLE001 - a sample, reported
                    error = type(exc).__name__
                latency = (time.perf_counter() - start) * 1000
                http_samples.append([round(start - t0, 3),
                                     None if error else round(latency, 1), error])
                await asyncio.sleep(max(0.0, args.interval - (time.perf_counter() - start)))

        async def syncer() -> None:
            sock = Socket(base=args.base, cookie=args.cookie,
                          auth={"workshop": args.workshop, "view": "phone"})
            try:
                await sock.connect(http, timeout=10)
            except Exception as exc:  # noqa: BLE001
                socket_info["connect_error"] = repr(exc)
                return
            while not stop.is_set() and sock.connected:
                start = time.perf_counter()
                try:
                    payload = {"since": args.since}
                    if args.scope:
                        payload["scope"] = args.scope
                    ack = await sock.call("sync", payload, timeout=5)
                    error = None if isinstance(ack, dict) and ack.get("ok") else "refused"
                except Exception as exc:  # noqa: BLE001
                    error = type(exc).__name__
                latency = (time.perf_counter() - start) * 1000
                sync_samples.append([round(start - t0, 3),
                                     None if error else round(latency, 1), error])
                await asyncio.sleep(max(0.0, args.interval - (time.perf_counter() - start)))
            gaps = [b - a for a, b in zip(sock.pings, sock.pings[1:])]
            socket_info.update(pings=len(sock.pings),
                               max_ping_gap_s=round(max(gaps), 2) if gaps else None,
                               closed=sock.closed_at is not None,
                               close_reason=sock.close_reason)
            await sock.close()

        tasks = [asyncio.create_task(healthz())]
        if args.cookie:
            tasks.append(asyncio.create_task(syncer()))
        await stop.wait()
        await asyncio.gather(*tasks, return_exceptions=True)
    print(json.dumps({"healthz": http_samples, "sync": sync_samples, "socket": socket_info}),
          flush=True)


if __name__ == "__main__":
    asyncio.run(main())

"""One process against the two-process cluster behind nginx, and PostgreSQL against
SQLite, under the same load from the light client. Talks to 127.0.0.1 only; bounded in
phones, cards and time.

    .venv/bin/python benchmarks/cluster_load.py --phones 1000,2000 --cards 20 \
        --targets sqlite,postgres,cluster [--storm]

Targets, each a fresh workshop (the sample seminar at Step 1) with N phones joined through
the real form of that target:
- sqlite:   one app process (eventlet) on SQLite: the venue laptop;
- postgres: one app process on PostgreSQL, no message queue;
- cluster:  scripts/cluster.sh: two app processes on the same PostgreSQL, Redis as the
            Socket.IO message queue and the guess counters, nginx in front (phones
            spread over the processes by nginx).
The PostgreSQL server is the cluster's own (scripts/postgres.sh, fsync on, as deployed).

For each target and N: N phones connect (WebSocket), then K cards are posted by the
phones, `--in-flight` at a time, each waiting for its ack; every card fans out to every
phone. Measured: fan-out latency (card sent -> each phone has it) p50/p95/p99,
deliveries per second (N x K over the time from the first card sent to the last
delivery), server CPU per card (the app processes; the services, nginx + Redis +
PostgreSQL, apart), lost and doubled deliveries, and this load generator's own CPU (it
shares the two cores). --storm then has every phone `sync` from 0 at once and measures
when the last snapshot arrives, while a probe process times /healthz.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import aiohttp  # noqa: E402
import requests  # noqa: E402

import harness  # noqa: E402
import lightclient as lc  # noqa: E402
from tests.support import Cluster, Served, free_port  # noqa: E402

TEXT = ("{label}: a diaspora mentoring programme, matched by sector and country, with a "
        "yearly forum and online follow-up.")


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def family(pid: int) -> list[int]:
    """A process and its descendants (nginx's workers, PostgreSQL's backends)."""
    found = [pid]
    for child in children(pid):
        found += family(child)
    return found


def cpu(pids: list[int]) -> float:
    return sum(lc.cpu_seconds(pid) for pid in pids if Path(f"/proc/{pid}").exists())


class OneProcess(Served):
    """One app process (wsgi.py) with the given settings on a port of its own."""

    def __init__(self, workdir: Path, settings: dict[str, str]):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / f"one-{self.port}.log"
        self.env = {**os.environ, **settings, "HOST": "127.0.0.1", "PORT": str(self.port),
                    "PUBLIC_URL": self.url, "FACILITATOR_INSTANCE": str(workdir / "one")}
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.flask("db", "upgrade")
        self._log = open(self.log_path, "w")
        self.process = subprocess.Popen([sys.executable, "wsgi.py"], cwd=harness.ROOT,
                                        env=self.env, stdout=self._log,
                                        stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(self.url + "/healthz", timeout=2).ok:
                    return
            except requests.RequestException:
                time.sleep(0.2)
        raise RuntimeError(self.log_path.read_text()[-2000:])

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        self._log.close()

    def app_pids(self) -> list[int]:
        return [self.process.pid]

    def service_pids(self) -> list[int]:
        return []


def cluster_pids(cluster: Cluster, names: list[str]) -> list[int]:
    pids = []
    for name in names:
        path = cluster.workdir / f"{name}.pid"
        if path.exists():
            pids += family(int(path.read_text()))
    return pids


def postgres_pids(cluster: Cluster) -> list[int]:
    pidfile = cluster.workdir / "postgres" / "data" / "postmaster.pid"
    return family(int(pidfile.read_text().split()[0])) if pidfile.exists() else []


async def post_round(phones: list[lc.Socket], cards: int, in_flight: int, label: str,
                     app_pids, service_pids) -> dict:
    """K cards, every phone waiting for each: latencies, deliveries, CPU, lost, doubled."""
    sent: dict[str, float] = {}
    seen: dict[int, dict[str, int]] = {id(p): {} for p in phones}
    latencies: list[float] = []
    last = [0.0]
    expected = len(phones) * cards
    delivered = [0]
    done = asyncio.Event()

    def on_event(sock: lc.Socket, event: lc.Event) -> None:
        if event.type != "idea.posted" or not event.data:
            return
        text = event.data["idea"]["text"]
        if text not in sent:
            return
        counts = seen[id(sock)]
        counts[text] = counts.get(text, 0) + 1
        if counts[text] == 1:
            latencies.append((event.t - sent[text]) * 1000)
            last[0] = max(last[0], event.t)
            delivered[0] += 1
            if delivered[0] == expected:
                done.set()

    for phone in phones:
        phone.on_event = on_event
        phone.keep_data = {"idea.posted"}
    queue = list(range(cards))
    app0, services0, own0 = cpu(app_pids()), cpu(service_pids()), own_cpu()
    first = time.perf_counter()

    async def worker() -> None:
        while queue:
            n = queue.pop(0)
            text = TEXT.format(label=f"{label} card {n}")
            sent[text] = time.perf_counter()
            ack = await phones[(n * 37) % len(phones)].op(
                "idea.post", {"text": text, "kind": "idea"}, timeout=60)
            assert isinstance(ack, dict) and ack.get("ok"), ack

    await asyncio.gather(*(worker() for _ in range(in_flight)))
    try:
        await asyncio.wait_for(done.wait(), 120)
    except asyncio.TimeoutError:
        pass
    result = {
        "app_cpu": cpu(app_pids()) - app0, "services_cpu": cpu(service_pids()) - services0,
        "client_cpu": own_cpu() - own0, "latencies": latencies,
        "seconds": (last[0] or time.perf_counter()) - first, "delivered": delivered[0],
        "lost": expected - delivered[0],
        "doubled": sum(c - 1 for counts in seen.values() for c in counts.values() if c > 1)}
    for phone in phones:
        phone.on_event = None
        phone.events.clear()
    return result


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(len(ordered) * q) - 1)] if ordered else float("nan")


async def storm(phones: list[lc.Socket], base: str) -> dict:
    """Every phone syncs from 0 at once; the last snapshot's arrival, /healthz meanwhile."""
    probe = harness.Probe(base, interval=0.1)
    await asyncio.sleep(1)
    start = time.perf_counter()
    times: list[float] = []

    async def one(phone: lc.Socket) -> None:
        ack = await phone.call("sync", {"since": 0, "scope": None}, timeout=120)
        assert ack.get("ok") and "snapshot" in ack, str(ack)[:200]
        times.append(time.perf_counter() - start)

    results = await asyncio.gather(*(one(p) for p in phones), return_exceptions=True)
    failed = [r for r in results if isinstance(r, BaseException)]
    await asyncio.sleep(0.5)
    samples = probe.stop().get("healthz", [])
    health = [s[1] for s in samples if s[1] is not None]
    return {"last": max(times) if times else float("nan"),
            "median": statistics.median(times) if times else float("nan"),
            "failed": len(failed), "healthz_max": max(health) if health else float("nan"),
            "healthz_errors": sum(1 for s in samples if s[1] is None)}


async def measure(target, name: str, n: int, args, conn) -> dict:
    owner = f"{name}-{n}@example.org"
    workshop, code = target.sample(owner, "bench-password", until="ideas")
    started = time.perf_counter()
    browsers = await lc.join_many(target.url, conn, code, n, prefix=f"{name} {n}")
    joined = time.perf_counter() - started
    async with aiohttp.ClientSession(connector=conn, connector_owner=False) as http:
        phones = [lc.new_socket(target.url, b, workshop, keep_data=set()) for b in browsers]
        errors = await lc.connect_many(phones, http)
        assert not errors, errors[:3]
        nodes = {}
        for phone in phones:
            node = phone.eio_sid.split(".", 1)[0] if "." in phone.eio_sid else "-"
            nodes[node] = nodes.get(node, 0) + 1
        await post_round(phones, 3, 1, f"warm-up {name} {n}", target.app_pids,
                         target.service_pids)
        rounds = [await post_round(phones, args.cards, args.in_flight,
                                   f"{name} {n} round {r}", target.app_pids,
                                   target.service_pids) for r in range(args.rounds)]
        stormed = await storm(phones, target.url) if args.storm else None
        await lc.close_all(phones)
    for browser in browsers:
        await browser.close()
    return {"target": name, "phones": n, "joined_s": joined, "nodes": nodes,
            "rounds": rounds, "storm": stormed}


def report(row: dict, cards: int) -> str:
    lat = [x for r in row["rounds"] for x in r["latencies"]]
    per_card = lambda key: statistics.median(r[key] for r in row["rounds"]) / cards * 1000  # noqa: E731
    rate = statistics.median(r["delivered"] / r["seconds"] for r in row["rounds"])
    line = (f"| {row['target']} | {row['phones']:,} | {pct(lat, .5):.0f} / {pct(lat, .95):.0f} "
            f"/ {pct(lat, .99):.0f} | {rate:,.0f} | {per_card('app_cpu'):.1f} | "
            f"{per_card('services_cpu'):.1f} | {per_card('client_cpu'):.1f} | "
            f"{sum(r['lost'] for r in row['rounds'])} / "
            f"{sum(r['doubled'] for r in row['rounds'])} | "
            + ", ".join(f"{k}: {v}" for k, v in sorted(row["nodes"].items())) + " |")
    return line


def storm_report(row: dict) -> str:
    s = row["storm"]
    return (f"| {row['target']} | {row['phones']:,} | {s['last']:.1f} s | {s['median']:.1f} s "
            f"| {s['failed']} | {s['healthz_max']:.0f} ms | {s['healthz_errors']} |")


async def run(args) -> None:
    soft, hard = lc.raise_nofile()
    print(f"benchmark: {harness.command_line()}\nmachine: {harness.machine_line()}\n"
          f"code: {harness.git_head()}\nopen files: soft {soft}, hard {hard}", flush=True)
    conn = lc.connector()
    rows = []
    with harness.workdir() as tmp:
        tmp.chmod(0o755)  # PostgreSQL's server user reaches its data below it
        (tmp / "cluster").mkdir()
        cluster = Cluster(tmp / "cluster")
        cluster.start()
        cluster.app_pids = lambda: cluster_pids(cluster, ["app-a", "app-b"])
        cluster.service_pids = lambda: (cluster_pids(cluster, ["nginx", "redis"])
                                        + postgres_pids(cluster))
        database = cluster.env["DATABASE_URL"]
        base = {k: v for k, v in cluster.env.items()
                if k in ("FACILITATOR_CONFIG", "SECRET_KEY")}
        targets = {
            "sqlite": OneProcess(tmp, {**base, "DATABASE_URL": f"sqlite:///{tmp}/one.sqlite"}),
            "postgres": OneProcess(tmp, {**base, "DATABASE_URL": database}),
            "cluster": cluster}
        targets["postgres"].service_pids = lambda: postgres_pids(cluster)
        try:
            for name in args.targets:
                if name != "cluster":
                    targets[name].start()
            for n in args.phones:
                for name in args.targets:
                    row = await measure(targets[name], name, n, args, conn)
                    rows.append(row)
                    print(report(row, args.cards), flush=True)
                    if row["storm"]:
                        print(storm_report(row), flush=True)
        finally:
            for name in args.targets:
                if name != "cluster":
                    targets[name].stop()
            cluster.stop()
    await conn.close()
    print("\n| target | phones | fan-out ms p50 / p95 / p99 | deliveries/s | app CPU ms a card "
          "| services CPU ms a card | load generator CPU ms a card | lost / doubled | "
          "phones per process |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for row in rows:
        print(report(row, args.cards))
    if args.storm:
        print("\n| target | phones | last snapshot | median snapshot | failed | /healthz max "
              "| /healthz unanswered |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        for row in rows:
            print(storm_report(row))
    if args.json:
        Path(args.json).write_text(json.dumps(rows, default=str))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--phones", default="1000,2000",
                        type=lambda s: [int(x) for x in s.split(",")])
    parser.add_argument("--cards", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--in-flight", type=int, default=2)
    parser.add_argument("--targets", default="sqlite,postgres,cluster",
                        type=lambda s: s.split(","))
    parser.add_argument("--storm", action="store_true")
    parser.add_argument("--json", default=None, help="also write the raw results here")
    args = parser.parse_args()
    for n in args.phones:
        assert 1 <= n <= 3000, "bounded: at most 3,000 phones"
    asyncio.run(run(args))


if __name__ == "__main__":
    main()

"""The action plan's PDF on the large workshop: what a render costs beside WeasyPrint
alone, and what a live room on the same server feels while renders run. Talks to
127.0.0.1 only; bounded in count and time.

    .venv/bin/python benchmarks/plan_render.py [--runs 4] [--languages fr,en,ar]
        [--phones 100] [--interval 0.25] [--baseline 15] [--rounds 3]
        [--skip-cost] [--skip-fanout] [--gc-experiment] [--nice N]

Set-up (not timed): `build_large_workshop` (benchmarks/large_workshop.py: 200
participants, 500 cards, 5 groups with 10 objectives, 15 actors and 20 actions each, 10
shared actions; closed, in French) in a fresh SQLite file and instance folder.

Part 1, the cost of one render (one process at a time, nothing else of ours running),
for each language (default: the workshop's, French, then English and Arabic; public
edition), `--runs` times each, the kinds of process in a rotating order:

- **bare**: a fresh Python that imports WeasyPrint only and renders the plan's HTML (the
  very HTML the app made, saved by a warm-up run) as `report.html_to_pdf_pages` does
  (the app's fonts through a font-only URL fetcher, FontConfiguration, `pdf_tags`);
- **app**, instrumented: a fresh Python that imports the app, `create_app("venue")`,
  then `plan.gather` + `report.plan_html` + `report.html_to_pdf_pages`, each phase timed;
- **plan_render**: the product's render process, `python -m facilitator.plan.render
  WORKSHOP SEQ LANGUAGE EDITION` with the command line and environment
  `plan_render.process_command` gives `plan_render.start_process`, handed the render
  place `plan_render.ask_render` took (the PDF kept in the database deleted before each
  run, so it renders again);
- **export-pdf**: `flask --app facilitator export-pdf WORKSHOP --language L --output F`;
- with `--gc-experiment`, **app-gc**: the instrumented app path with Python's garbage
  collector tuned after create_app (gc.freeze(), higher thresholds). Not the product.

Each process is spawned by a small launcher (under 10 MiB) that reports what `os.wait4`
says of that one child: wall time (spawn to exit), CPU (user + system), peak resident
memory. (Spawned from this benchmark directly, a child's ru_maxrss would start from this
process's own high-water mark, which Linux keeps across exec.) Page counts come from the
PDF (pypdf). The instrumented processes also say where their time and memory went
(/proc/self/status, and the time spent in the garbage collector through gc.callbacks).

Part 2, fan-out during renders: the real server (eventlet, `wsgi.py`) on that database;
the sample seminar as a second, live workshop; `--phones` phones join it through the
real form and connect (benchmarks/lightclient.py), a console too. The console moves the
room (welcome <-> ideas) every `--interval` seconds (the next change waits for the
previous ack); every frame is time-stamped as it is read. A change's latency to a phone:
the console's emit -> that phone reads the `stage.changed` frame. Each round: a baseline
of `--baseline` seconds with no render, then the large workshop's organiser (signed in)
POSTs /workshops/<id>/plan/render for every language and edition (3 x 2 = 6 renders: two
render at once, the others are answered "busy" and asked again every 2 s, as the
organiser would press Prepare again), the changes going on until all six PDFs are ready
(read from the database's plan_file rows). A probe process GETs /healthz every
0.25 s throughout. The render processes (children of the server) are sampled from /proc
every 0.1 s (count, working or waiting, RSS), and so is the time the server and this
benchmark waited for a CPU (/proc/<pid>/schedstat). `--nice N` (an experiment, not the
product) renices each render process, and its autogroup, as it is first seen.

The benchmark's clients run on the same machine as the server and the renders, so a
latency includes the time the clients waited for a CPU: an upper bound.

Tests never assert these timings: docs/performance.md, "Action-plan PDF", records them.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(1, str(ROOT / "benchmarks"))

LARGE_EMAIL, LARGE_PASSWORD = "large@example.org", "large-workshop"  # large_workshop.py's
BENCH_EMAIL, BENCH_PASSWORD = "bench@example.org", "bench-password"
LANGUAGES = ("fr", "en", "ar")
EDITIONS = ("public", "internal")


# --- the child processes (the top of this module imports the standard library only) -----

def child_bare(html_file: str, fonts_file: str, out: str, base_url: str) -> dict:
    """WeasyPrint alone on a saved HTML document, the way report.html_to_pdf_pages calls
    it; the app's fonts through a fetcher that knows nothing but them."""
    t0 = time.perf_counter()
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher, URLFetcherResponse
    t_import = time.perf_counter()
    rss = {"imported": _proc_mib("VmRSS")}
    fonts = json.loads(Path(fonts_file).read_text())

    class FontFetcher(URLFetcher):
        def __init__(self):
            super().__init__(allowed_protocols=("file", "data"))

        def fetch(self, url, headers=None):
            if "/vendor/fonts/" in url:
                path = fonts[url.rsplit("/", 1)[-1]]
                return URLFetcherResponse(url, Path(path).read_bytes(),
                                          {"Content-Type": "font/woff"})
            return super().fetch(url, headers)

    html = Path(html_file).read_text(encoding="utf-8")
    rss["before WeasyPrint"] = _proc_mib("VmRSS")
    gc_time = _gc_clock()
    t1 = time.perf_counter()
    document = HTML(string=html, base_url=base_url, url_fetcher=FontFetcher()).render(
        font_config=FontConfiguration(), pdf_tags=True)
    t_layout = time.perf_counter()
    content = document.write_pdf(pdf_tags=True)
    t_write = time.perf_counter()
    gc_seconds = gc_time()
    Path(out).write_bytes(content)
    t_end = time.perf_counter()
    return {"phases": {"import weasyprint": t_import - t0, "read the HTML": t1 - t_import,
                       "WeasyPrint": t_write - t1, "write the file": t_end - t_write},
            "split": {"layout": t_layout - t1, "write_pdf": t_write - t_layout},
            "gc_in_weasyprint": gc_seconds, "pages": len(document.pages),
            "bytes": len(content), "rss": rss, "hwm": _proc_mib("VmHWM")}


def child_app(workshop_id: int, language: str, edition: str, out: str,
              save_html: str | None, gc_tuned: bool = False) -> dict:
    """The app's path in a fresh process, each phase timed: import and create the app
    (venue configuration), gather, plan_html, html_to_pdf_pages (WeasyPrint).

    gc_tuned (an experiment, `--gc-experiment`; not what the product does): after
    create_app, gc.freeze() (the app's long-lived objects out of the collector's way)
    and gc.set_threshold(GC_THRESHOLD) (fewer young collections while WeasyPrint lays
    out), to see what tuning the collector in the render process would save."""
    t0 = time.perf_counter()
    import facilitator
    from facilitator import create_app
    from facilitator.plan import content as plan, pdf as report
    t_import = time.perf_counter()
    rss = {"imported": _proc_mib("VmRSS")}
    app = create_app("venue")
    t_app = time.perf_counter()
    rss["app created"] = _proc_mib("VmRSS")
    if gc_tuned:
        import gc

        gc.freeze()
        gc.set_threshold(*GC_THRESHOLD)
    with app.app_context():
        data = plan.gather(workshop_id, language=language, edition=edition)
        t_gather = time.perf_counter()
        rss["gathered"] = _proc_mib("VmRSS")
        html = report.plan_html(data)
        t_html = time.perf_counter()
        rss["before WeasyPrint"] = _proc_mib("VmRSS")
        gc_time = _gc_clock()
        content, pages = report.html_to_pdf_pages(html)
        t_pdf = time.perf_counter()
        gc_seconds = gc_time()
    Path(out).write_bytes(content)
    if save_html:
        Path(save_html).write_text(html, encoding="utf-8")
    t_end = time.perf_counter()
    return {"phases": {"import the app": t_import - t0, "create_app": t_app - t_import,
                       "gather": t_gather - t_app, "plan_html": t_html - t_gather,
                       "WeasyPrint": t_pdf - t_html, "write the file": t_end - t_pdf},
            "gc_in_weasyprint": gc_seconds, "pages": pages, "bytes": len(content),
            "html_bytes": len(html.encode()), "rss": rss, "hwm": _proc_mib("VmHWM"),
            "code": facilitator.__file__}


GC_THRESHOLD = (50_000, 20, 20)  # the --gc-experiment's; Python's default: (700, 10, 10)


def _proc_mib(field: str) -> float:
    """VmRSS or VmHWM of this process (/proc/self/status; VmHWM starts again at exec,
    unlike getrusage's ru_maxrss, which keeps the spawning process's high-water mark)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _gc_clock():
    """Start timing Python's cyclic garbage collector; the returned function stops and
    gives the seconds spent in it meanwhile."""
    import gc

    spent, started = [0.0], [0.0]

    def callback(phase, _info):
        if phase == "start":
            started[0] = time.perf_counter()
        else:
            spent[0] += time.perf_counter() - started[0]

    gc.callbacks.append(callback)

    def stop() -> float:
        gc.callbacks.remove(callback)
        return spent[0]
    return stop


def child_main(argv: list[str]) -> None:
    spawned = float(os.environ.pop("BENCH_SPAWNED_AT", "0") or 0)
    entered = time.time()
    kind, *rest = argv
    if kind == "bare":
        result = child_bare(*rest)
    else:
        workshop_id, language, edition, out, save_html = rest
        result = child_app(int(workshop_id), language, edition, out, save_html or None,
                           gc_tuned=kind == "app-gc")
    result["phases"] = {"interpreter start-up": entered - spawned if spawned else 0.0,
                        **result["phases"]}
    result["ended_at"] = time.time()
    print("RESULT " + json.dumps(result), flush=True)


# --- part 1: the cost of one render -------------------------------------------------------

# A small launcher spawns each measured process and reports what os.wait4 says of it. A
# child's ru_maxrss starts from the RSS high-water mark of the process that spawned it
# (Linux keeps it across exec), so spawned from this benchmark (150 MiB and more) a
# child's peak would read as at least that; the launcher is under 10 MiB.
LAUNCHER = """
import json, os, sys, time
log = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
env = dict(os.environ, BENCH_SPAWNED_AT=repr(time.time()))
started = time.perf_counter()
pid = os.posix_spawn(sys.argv[2], sys.argv[2:], env, file_actions=[
    (os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0),
    (os.POSIX_SPAWN_DUP2, log, 1), (os.POSIX_SPAWN_DUP2, log, 2)])
_pid, status, usage = os.wait4(pid, 0)
print(json.dumps({"wall": time.perf_counter() - started, "exited_at": time.time(),
                  "exit_code": os.waitstatus_to_exitcode(status),
                  "cpu": usage.ru_utime + usage.ru_stime,
                  "peak_rss": usage.ru_maxrss / 1024,
                  "launcher_hwm": int(open("/proc/self/status").read().split("VmHWM:")[1]
                                      .split()[0]) / 1024}))
"""


def spawn(args: list[str], env: dict, log: Path) -> dict:
    """Run a child to its end through the launcher: its wall time (spawn to exit), CPU
    and peak RSS from os.wait4 (that one child), and the RESULT line it printed, if
    any."""
    launched = subprocess.run([sys.executable, "-S", "-c", LAUNCHER, str(log), *args],
                              cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=600)
    if launched.returncode != 0:
        raise RuntimeError(f"launcher: {launched.stderr[-2000:]}")
    measured = json.loads(launched.stdout)
    text = log.read_text(errors="replace")
    if measured["exit_code"] != 0:
        raise RuntimeError(f"{args[1:4]} exited with {measured['exit_code']}:\n{text[-3000:]}")
    result = {}
    for line in text.splitlines():
        if line.startswith("RESULT "):
            result = json.loads(line[7:])
    if "ended_at" in result:  # interpreter teardown: its last line to its exit
        result["phases"]["exit"] = measured["exited_at"] - result["ended_at"]
    return {**result, **measured, "output": text}


def pdf_pages(source: Path | bytes) -> int:
    import io

    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(source) if isinstance(source, bytes) else str(source))
               .pages)


def plan_rows(app, workshop_id: int) -> dict[str, tuple[str, str]]:
    """A workshop's plan versions in the database: their key's name -> (state, reason)."""
    from sqlalchemy import select

    from facilitator.extensions import db
    from facilitator.models import PlanFile
    from facilitator.plan.render import Key

    with app.app_context():
        rows = db.session.execute(select(PlanFile.seq, PlanFile.language, PlanFile.edition,
                                         PlanFile.state, PlanFile.reason)
                                  .where(PlanFile.workshop_id == workshop_id)).all()
    return {Key(workshop_id, row.seq, row.language, row.edition).name: (row.state, row.reason)
            for row in rows}


def forget_pdfs(app, workshop_id: int, **plan) -> None:
    """Delete a workshop's PDFs kept in the database (of one language and edition, when
    given), so that the same keys render again."""
    from sqlalchemy import delete

    from facilitator.extensions import db
    from facilitator.models import PlanFile

    with app.app_context():
        db.session.execute(delete(PlanFile).where(
            PlanFile.workshop_id == workshop_id, PlanFile.state.in_(("ready", "failed")),
            *(getattr(PlanFile, column) == value for column, value in plan.items())))
        db.session.commit()


def ready_pdf(app, key) -> bytes:
    from facilitator.plan import render as plan_render

    with app.app_context():
        return plan_render.ready_pdf(key)


def render_cost(args, workdir: Path, env: dict, workshop_id: int) -> list[dict]:
    from facilitator.assets import font_path

    import harness

    out = workdir / "out"
    out.mkdir(exist_ok=True)
    me = [sys.executable, str(Path(__file__).resolve()), "--child"]
    base_url = (ROOT / "facilitator").as_uri() + "/"  # as report.html_to_pdf_pages
    rows = []
    for language in args.languages:
        # warm-up (not counted): the app's HTML saved for the bare runs, caches warm
        html_file = out / f"plan-{language}.html"
        warm = spawn([*me, "app", str(workshop_id), language, "public",
                      str(out / f"warm-{language}.pdf"), str(html_file)], env,
                     out / "warm.log")
        html = html_file.read_text(encoding="utf-8")
        names = sorted({part.split('"')[0].split(")")[0] for part in
                        html.split("/vendor/fonts/")[1:]})
        fonts = {name: str(font_path(name)) for name in names}
        fonts_file = out / "fonts.json"
        fonts_file.write_text(json.dumps(fonts))
        print(f"{language}: warm-up {warm['wall']:.1f} s, {warm['pages']} pages, HTML "
              f"{warm['html_bytes'] / 1024:.0f} KiB, fonts {', '.join(names)}; "
              f"app code {warm['code']}", flush=True)
        kinds = {
            "bare": lambda n: spawn([*me, "bare", str(html_file), str(fonts_file),
                                     str(out / f"bare-{language}-{n}.pdf"), base_url],
                                    env, out / "bare.log"),
            "app": lambda n: spawn([*me, "app", str(workshop_id), language, "public",
                                    str(out / f"app-{language}-{n}.pdf"), ""],
                                   env, out / "app.log"),
            "plan_render": lambda n: product_render(workshop_id, language, out),
            "export-pdf": lambda n: cli_render(env, workshop_id, language,
                                               out / f"cli-{language}-{n}.pdf", out),
        }
        if args.gc_experiment:
            kinds["app-gc"] = lambda n: spawn([*me, "app-gc", str(workshop_id), language,
                                               "public", str(out / f"gc-{language}-{n}.pdf"),
                                               ""], env, out / "app-gc.log")
        order = list(kinds)
        runs: dict[str, list[dict]] = {k: [] for k in kinds}
        for n in range(args.runs):
            load = harness.machine_line()
            for kind in order[n % len(order):] + order[:n % len(order)]:
                runs[kind].append(kinds[kind](n))
                runs[kind][-1]["load"] = load
            print(f"{language} run {n + 1}: " + "; ".join(
                f"{k} {v[-1]['wall']:.2f} s {v[-1]['peak_rss']:.0f} MiB"
                for k, v in runs.items()) + f" ({load})", flush=True)
        rows.append({"language": language, "runs": runs,
                     "pages": {k: sorted({r["pages"] for r in v}) for k, v in runs.items()},
                     "bytes": {k: statistics.median(r.get("bytes", 0) for r in v)
                               for k, v in runs.items()},
                     "html_bytes": warm["html_bytes"]})
    return rows


def product_render(workshop_id: int, language: str, out: Path) -> dict:
    """The product's render process for this key: plan_render.ask_render takes a render
    place (the PDF kept in the database deleted first, so it renders again) and our
    spawn runs `python -m facilitator.plan.render` with the command line and the
    environment plan_render.process_command gives the server's start_process."""
    from flask import current_app

    from facilitator.plan import render as plan_render
    from facilitator.extensions import db
    from facilitator.models import Workshop

    app = current_app._get_current_object()
    key = plan_render.key_for(db.session.get(Workshop, workshop_id), language, "public")
    forget_pdfs(app, workshop_id, language=language, edition="public")
    ran = {}

    def start(key, token):
        command, env = plan_render.process_command(app, key, token)
        ran.update(spawn(command, env, out / "plan_render.log"))

    state = plan_render.ask_render(key, spawn=start)
    if state["state"] != "ready":
        raise RuntimeError(f"plan_render: {state}")
    content = plan_render.ready_pdf(key)
    spawned_at = ran["exited_at"] - ran["wall"]  # the PDF is in place before the exit
    return {**ran, "pages": pdf_pages(content), "bytes": len(content),
            "ready": state["rendered_at"] - spawned_at}


def cli_render(env: dict, workshop_id: int, language: str, output: Path, out: Path) -> dict:
    result = spawn([sys.executable, "-m", "flask", "--app", "facilitator", "export-pdf",
                    str(workshop_id), "--language", language, "--output", str(output)],
                   env, out / "export-pdf.log")
    return {**result, "pages": pdf_pages(output), "bytes": output.stat().st_size}


def med(values) -> float:
    values = list(values)
    return statistics.median(values) if values else float("nan")


def print_cost(rows: list[dict]) -> None:
    kinds = [k for k in ("bare", "app", "plan_render", "export-pdf", "app-gc")
             if k in rows[0]["runs"]]
    print("\n== one render, medians of the runs (wall s / CPU s / peak RSS MiB)")
    print("| language | pages (PDF) | " + " | ".join(kinds) + " | plan_render over bare, "
          "median of the runs' ratios: wall / CPU / RSS |")
    print("| --- | --- | " + " | ".join("---" for _ in kinds) + " | --- |")
    for row in rows:
        r = row["runs"]
        cells = [f"{med(x['wall'] for x in r[k]):.2f} / {med(x['cpu'] for x in r[k]):.2f} / "
                 f"{med(x['peak_rss'] for x in r[k]):.0f}" for k in kinds]
        # each run's plan_render against the same run's bare (minutes apart at most)
        over = [med(p[f] / b[f] - 1 for p, b in zip(r["plan_render"], r["bare"]))
                for f in ("wall", "cpu", "peak_rss")]
        pages = "/".join(str(p) for p in sorted({p for v in row["pages"].values() for p in v}))
        print(f"| {row['language']} | {pages} ({row['bytes']['plan_render'] / 1024:.0f} "
              f"KiB) | " + " | ".join(cells) + " | "
              + " / ".join(f"{o:+.0%}" for o in over) + " |")
    print("\n== where the time and memory go (instrumented processes; medians, seconds, "
          "MiB)")
    for row in rows:
        for kind in [k for k in ("bare", "app", "app-gc") if k in row["runs"]]:
            runs = row["runs"][kind]
            phases = {name: med(x["phases"].get(name, 0) for x in runs)
                      for name in runs[0]["phases"]}
            wall = med(x["wall"] for x in runs)
            extra = ""
            if kind == "bare":
                extra = (f" (layout {med(x['split']['layout'] for x in runs):.2f}, write_pdf "
                         f"{med(x['split']['write_pdf'] for x in runs):.2f})")
            print(f"{row['language']} {kind}: " + ", ".join(
                f"{name} {value:.3f}" for name, value in phases.items())
                + f"; unaccounted {wall - sum(phases.values()):.3f}; wall {wall:.2f}{extra}; "
                f"garbage collector inside WeasyPrint "
                f"{med(x['gc_in_weasyprint'] for x in runs):.2f}")
            print("    RSS: " + ", ".join(f"{name} {med(x['rss'][name] for x in runs):.0f}"
                                    for name in runs[0]["rss"]) + ", peak "
                  f"{med(x['hwm'] for x in runs):.0f} (its own VmHWM) / "
                  f"{med(x['peak_rss'] for x in runs):.0f} (wait4); launcher "
                  f"{max(x['launcher_hwm'] for x in runs):.0f}")
        ready = med(x["ready"] for x in row["runs"]["plan_render"])
        print(f"{row['language']} plan_render: the PDF in place {ready:.2f} s after the "
              f"spawn (median), the process gone at "
              f"{med(x['wall'] for x in row['runs']['plan_render']):.2f} s")
        loads = sorted({x["load"] for v in row["runs"].values() for x in v})
        print(f"  loads: {loads[0]} ... {loads[-1]}")


# --- part 2: fan-out during renders --------------------------------------------------------

async def fanout(args, workdir: Path, app, large_id: int, seq: int) -> dict:
    import asyncio
    import re

    import aiohttp

    import harness
    import lightclient as lc
    from facilitator.plan import render as plan_render

    lc.raise_nofile()
    conn = lc.connector()
    server = harness.Server(workdir)
    server.env["PYTHONPATH"] = str(ROOT)
    server.start()
    report: dict = {"rounds": []}
    try:
        pid = server.process.pid
        live_id, code = server.sample(BENCH_EMAIL, BENCH_PASSWORD)
        print(f"server {server.url} (pid {pid}); live workshop {live_id} (the sample), "
              f"large workshop {large_id}", flush=True)
        t = time.perf_counter()
        browsers = await lc.join_many(server.url, conn, code, args.phones)
        staff = await lc.sign_in(server.url, conn, BENCH_EMAIL, BENCH_PASSWORD)
        organiser = await lc.sign_in(server.url, conn, LARGE_EMAIL, LARGE_PASSWORD)
        print(f"{args.phones} phones joined in {time.perf_counter() - t:.1f} s", flush=True)
        probe = harness.Probe(server.url, interval=0.25, max_seconds=900)
        probe_t0 = time.perf_counter()
        async with aiohttp.ClientSession(connector=conn, connector_owner=False) as http:
            console = lc.new_socket(server.url, staff, live_id, "console")
            await console.connect(http)
            phones = [lc.new_socket(server.url, b, live_id) for b in browsers]
            errors = await lc.connect_many(phones, http)
            assert not errors, errors[:3]
            await asyncio.sleep(1.0)
            arrivals: dict[int, list[tuple]] = {i: [] for i in range(len(phones))}
            server_times: list[str] = []  # each change's started_at (the server's clock)
            for i, sock in enumerate(phones):
                def on_event(sock, event, i=i):
                    if event.type == "stage.changed":
                        arrivals[i].append((event.t, event.data["stage"]))
                        if i == 0:
                            server_times.append(event.data.get("started_at") or "")
                sock.on_event = on_event
            changes: list[dict] = []  # {t, stage, ack_ms, phase}
            state = {"stage": "welcome", "phase": "baseline", "stop": False}

            async def mover():
                next_at = time.perf_counter()
                while not state["stop"]:
                    await asyncio.sleep(max(0.0, next_at - time.perf_counter()))
                    target = "ideas" if state["stage"] == "welcome" else "welcome"
                    sent = time.perf_counter()
                    ack = await console.op("stage.change", {"from_stage": state["stage"],
                                                            "to_stage": target}, timeout=30)
                    assert ack.get("ok"), ack
                    changes.append({"t": sent, "stage": target, "phase": state["phase"],
                                    "ack_ms": (time.perf_counter() - sent) * 1000})
                    state["stage"] = target
                    next_at = max(next_at + args.interval, time.perf_counter())

            renders: dict[int, dict] = {}  # pid -> {start, last, hwm, cpu}
            # t, render processes, working ones, their RSS, then the time the server's
            # and this benchmark's main threads have waited for a CPU so far (seconds)
            timeline: list[tuple[float, int, int, float, float, float]] = []

            async def watch_renders():
                """The server's render processes, every 0.1 s: how many, how many
                working (more than 20 ms of CPU since the last look), their RSS."""
                children = Path(f"/proc/{pid}/task/{pid}/children")
                while not state["stop"]:
                    now = time.perf_counter()
                    try:
                        kids = children.read_text().split()
                    except OSError:
                        kids = []
                    alive = busy = 0
                    rss_sum = 0.0
                    for kid in kids:
                        try:
                            cmd = Path(f"/proc/{kid}/cmdline").read_bytes()
                            if b"facilitator.plan.render" not in cmd:
                                continue
                            status = Path(f"/proc/{kid}/status").read_text()
                            hwm = int(re.search(r"VmHWM:\s+(\d+)", status)[1]) / 1024
                            rss = int(re.search(r"VmRSS:\s+(\d+)", status)[1]) / 1024
                            cpu = lc.cpu_seconds(int(kid))
                        except (OSError, TypeError):
                            continue
                        if int(kid) not in renders and args.nice:
                            renice(int(kid), args.nice)
                        info = renders.setdefault(int(kid), {"start": now, "hwm": 0.0,
                                                             "cpu": 0.0,
                                                             "round": len(report["rounds"])})
                        alive += 1
                        busy += cpu - info["cpu"] > 0.02
                        rss_sum += rss
                        info.update(last=now, hwm=max(info["hwm"], hwm), cpu=cpu)
                    timeline.append((now, alive, busy, rss_sum, run_queue_wait(pid),
                                     run_queue_wait(os.getpid())))
                    await asyncio.sleep(0.1)

            async def request_render(language: str, edition: str) -> int:
                async with organiser.http.get(
                        f"{server.url}/workshops/{large_id}/plan?language={language}") as page:
                    token = lc.form_fields(await page.text())["csrf_token"]
                async with organiser.http.post(
                        f"{server.url}/workshops/{large_id}/plan/render",
                        data={"csrf_token": token, "language": language,
                              "edition": edition}, allow_redirects=False) as response:
                    await response.read()
                    return response.status

            tasks = [asyncio.create_task(mover()), asyncio.create_task(watch_renders())]
            try:
                for round_ in range(args.rounds):
                    forget_pdfs(app, large_id)  # the same keys render again
                    info = {"load_before": harness.machine_line()}
                    state["phase"] = f"baseline {round_}"
                    info["baseline"] = (time.perf_counter(), None)
                    cpu0 = lc.cpu_seconds(pid)
                    psi0 = pressure()
                    await asyncio.sleep(args.baseline)
                    info["baseline"] = (info["baseline"][0], time.perf_counter())
                    info["stall_baseline"] = stalled(psi0, pressure(), args.baseline)
                    psi0 = pressure()
                    info["server_cpu_baseline"] = lc.cpu_seconds(pid) - cpu0
                    info["load_render"] = harness.machine_line()
                    state["phase"] = f"render {round_}"
                    cpu0 = lc.cpu_seconds(pid)
                    started = time.perf_counter()
                    statuses = []
                    wanted = []
                    plans = {}
                    for language in LANGUAGES:
                        for edition in EDITIONS:
                            t_req = time.perf_counter()
                            statuses.append(await request_render(language, edition))
                            name = f"w{large_id}-s{seq}-{language}-{edition}"
                            wanted.append((name, t_req))
                            plans[name] = (language, edition)
                    info["post_status"] = statuses
                    ready: dict[str, float] = {}
                    asked_again = 0
                    last_ask = time.perf_counter()
                    deadline = started + args.render_timeout
                    while len(ready) < len(wanted) and time.perf_counter() < deadline:
                        rows = plan_rows(app, large_id)
                        for name, t_req in wanted:
                            found, reason = rows.get(name, ("none", ""))
                            if name not in ready and found == "ready":
                                ready[name] = time.perf_counter() - t_req
                            if found == "failed":
                                raise RuntimeError(f"{name}: {reason}")
                        # at most two renders at once: a plan the server answered "busy"
                        # for is asked again, as the organiser would press Prepare again
                        if time.perf_counter() - last_ask > 2:
                            last_ask = time.perf_counter()
                            for name, _t_req in wanted:
                                language, edition = plans[name]
                                if rows.get(name, ("none",))[0] == "none":
                                    await request_render(language, edition)
                                    asked_again += 1
                        await asyncio.sleep(0.1)
                    info["asked_again"] = asked_again
                    info["render"] = (started, time.perf_counter())
                    state["phase"] = "after"  # (pypdf below blocks this loop a moment)
                    info["stall_render"] = stalled(psi0, pressure(),
                                                   info["render"][1] - started)
                    info["server_cpu_render"] = lc.cpu_seconds(pid) - cpu0
                    info["ready_after"] = ready
                    info["pages"] = {name: pdf_pages(ready_pdf(app, plan_render.Key(
                        large_id, seq, *plans[name]))) for name in ready}
                    info["rss_server"] = lc.rss_mib(pid)
                    report["rounds"].append(info)
                    print(f"round {round_ + 1}: {len(ready)} of {len(wanted)} ready, the last "
                          f"{max(ready.values(), default=0):.1f} s after its request; "
                          f"{info['load_render']}", flush=True)
                    await asyncio.sleep(2.0)
            finally:
                state["stop"] = True
                await asyncio.gather(*tasks, return_exceptions=True)
                await asyncio.sleep(1.0)  # the last change's frames
            report["renders"] = renders
            report["timeline"] = timeline
            report["changes"] = changes
            report["arrivals"] = arrivals
            report["server_times"] = server_times
            report["wall_minus_perf"] = time.time() - time.perf_counter()
            report["dropped"] = sum(1 for s in phones if s.closed_at is not None)
            await lc.close_all([console, *phones])
        report["probe"] = probe.stop()
        report["probe_t0"] = probe_t0
        for b in [*browsers, staff, organiser]:
            await b.close()
    finally:
        server.stop()
        log = server.keep_log("plan_render")
        report["log_problems"] = server.log_problems()
        report["log"] = str(log.relative_to(ROOT))
    await conn.close()
    return report


def renice(pid: int, nice: int) -> None:
    """The --nice experiment: the process's nice value, and its autogroup's. The server
    starts each render in a session of its own (start_new_session), and where the kernel
    groups processes by session (sched_autogroup_enabled), a nice value counts only
    inside the group: the group's own nice is what weighs against the server's."""
    try:
        os.setpriority(os.PRIO_PROCESS, pid, nice)
    except OSError:
        pass
    try:
        Path(f"/proc/{pid}/autogroup").write_text(str(nice))
    except OSError:
        pass


def run_queue_wait(pid: int) -> float:
    """Seconds a process's main thread has spent runnable but waiting for a CPU
    (/proc/<pid>/schedstat, second field)."""
    try:
        return int(Path(f"/proc/{pid}/schedstat").read_text().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return float("nan")


def pressure() -> dict:
    """The kernel's pressure stall totals (µs some task waited for a CPU / for I/O)."""
    totals = {}
    for kind in ("cpu", "io"):
        try:
            line = Path(f"/proc/pressure/{kind}").read_text().splitlines()[0]
            totals[kind] = int(line.rsplit("total=", 1)[1])
        except (OSError, IndexError, ValueError):
            pass
    return totals


def stalled(before: dict, after: dict, seconds: float) -> str:
    """"CPU 35%, I/O 0%": the share of the window some task waited (/proc/pressure)."""
    parts = [f"{kind} {(after[kind] - before[kind]) / 1e6 / seconds:.0%}"
             for kind in ("cpu", "io") if kind in before and kind in after]
    return ", ".join(parts) or "-"


def print_fanout(args, report: dict) -> None:
    import harness

    changes, arrivals = report["changes"], report["arrivals"]
    # every phone's k-th stage.changed frame is the console's k-th change
    from datetime import datetime, timezone

    offset = report["wall_minus_perf"]  # perf_counter -> the wall clock (same machine)
    server_times = report["server_times"]
    per_change, missing, wrong = [], 0, 0
    for k, change in enumerate(changes):
        # the server's clock when it changed the stage (after taking the workshop's lock)
        if k < len(server_times) and server_times[k]:
            at = datetime.fromisoformat(server_times[k].rstrip("Z")).replace(
                tzinfo=timezone.utc).timestamp()
            change = {**change, "to_server": (at - offset - change["t"]) * 1000}
        lat = []
        for frames in arrivals.values():
            if k >= len(frames):
                missing += change["phase"] != "after"
                continue
            t, stage = frames[k]
            wrong += stage != change["stage"]
            lat.append((t - change["t"]) * 1000)
        per_change.append({**change, "all": lat, "last": max(lat) if lat else None})

    def load(line: str) -> str:
        return "load " + line.split("load average ")[1].split()[0]

    timeline = report["timeline"]

    def renders_at(t: float) -> tuple:
        """(render processes, working ones, their RSS, ...) at the sample nearest t."""
        if not timeline:
            return 0, 0, 0.0, 0.0, 0.0
        return min(timeline, key=lambda sample: abs(sample[0] - t))[1:]

    def waited(a: float, b: float) -> tuple[float, float]:
        """ms the server and the benchmark waited for a CPU from the sample before a to
        the sample after b (0.1 s apart)."""
        before = [x for x in timeline if x[0] <= a] or timeline[:1]
        after = [x for x in timeline if x[0] >= b] or timeline[-1:]
        if not before or not after:
            return float("nan"), float("nan")
        return ((after[0][4] - before[-1][4]) * 1000, (after[0][5] - before[-1][5]) * 1000)

    def window(phase: str) -> list[dict]:
        return [c for c in per_change if c["phase"] == phase and c["last"] is not None]

    def row(label: str, rows: list[dict], extra: str) -> str:
        every = [x for c in rows for x in c["all"]]
        last = [c["last"] for c in rows]
        acks = [c["ack_ms"] for c in rows]
        to_server = [c["to_server"] for c in rows if "to_server" in c]
        within = sum(1 for x in every if x <= 250) / len(every) if every else float("nan")
        return (f"| {label} | {len(rows)} | {harness.quantiles(last)} | "
                f"{harness.quantiles(every)} | {within:.1%} | {harness.quantiles(to_server)} "
                f"| {harness.quantiles(acks)} | {extra} |")

    probe = report["probe"].get("healthz", [])
    t0 = report["probe_t0"]

    def healthz(a: float, b: float) -> str:
        samples = [s for s in probe if a - t0 <= s[0] <= b - t0]
        ok = [s[1] for s in samples if s[1] is not None]
        return (f"{len(ok)} of {len(samples)}, {harness.quantiles(ok)}" if samples else "-")

    print(f"\n== fan-out to {args.phones} phones, a change every {args.interval * 1000:.0f} "
          f"ms; ms (median, p95, max)")
    print("| window | changes | to the last phone | every phone | deliveries ≤ 250 ms | "
          "emit to the server's change | console ack | /healthz answered, latency |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for n, info in enumerate(report["rounds"]):
        a, b = info["baseline"]
        print(row(f"round {n + 1}, no render ({load(info['load_before'])}; waiting: "
                  f"{info['stall_baseline']})", window(f"baseline {n}"), healthz(a, b)))
        a, b = info["render"]
        print(row(f"round {n + 1}, 6 renders ({load(info['load_render'])}; waiting: "
                  f"{info['stall_render']}), {b - a:.1f} s",
                  window(f"render {n}"), healthz(a, b)))
    base = [c for n in range(len(report["rounds"])) for c in window(f"baseline {n}")]
    during = [c for n in range(len(report["rounds"])) for c in window(f"render {n}")]
    print(row("all rounds, no render", base, "-"))
    print(row("all rounds, during renders", during, "-"))
    print(f"frames missing: {missing}; out of order: {wrong}; sockets dropped: "
          f"{report['dropped']}; render processes at once: at most "
          f"{max((x[1] for x in timeline), default=0)}, working at most "
          f"{max((x[2] for x in timeline), default=0)}, their RSS together at most "
          f"{max((x[3] for x in timeline), default=0):.0f} MiB"
          + (f" (experiment: reniced by {args.nice})" if args.nice else ""))
    for n, info in enumerate(report["rounds"]):
        start = info["render"][0]
        slow = [c for c in window(f"render {n}") if c["last"] > 150]
        if slow:
            print(f"round {n + 1}, changes over 150 ms to the last phone:")
            for c in slow:
                late = sum(1 for x in c["all"] if x > 150)
                server_wait, client_wait = waited(c["t"], c["t"] + c["last"] / 1000)
                print(f"  {c['t'] - start:.1f} s into the renders: last phone {c['last']:.0f} "
                      f"ms, median phone {statistics.median(c['all']):.0f} ms, {late} phones "
                      f"over 150 ms, console ack {c['ack_ms']:.0f} ms, emit to the server's "
                      f"change {c.get('to_server', float('nan')):.0f} ms; render processes "
                      f"{renders_at(c['t'])[0]} ({renders_at(c['t'])[1]} working); waited "
                      f"for a CPU meanwhile (±0.1 s): server {server_wait:.0f} ms, "
                      f"the benchmark's clients {client_wait:.0f} ms")
    for n, info in enumerate(report["rounds"]):
        procs = [r for r in report["renders"].values() if r["round"] == n]
        print(f"round {n + 1}: POST {info['post_status']}; ready after (s) "
              + ", ".join(f"{k.split('-', 2)[2]} {v:.1f}" for k, v in
                          info["ready_after"].items())
              + f"; pages {sorted(set(info['pages'].values()))}; render processes seen "
              f"{len(procs)}, CPU each {med(r.get('cpu', 0) for r in procs):.1f} s, peak RSS "
              f"each {med(r['hwm'] for r in procs):.0f} MiB (max "
              f"{max((r['hwm'] for r in procs), default=0):.0f}); server CPU "
              f"{info['server_cpu_baseline']:.2f} s in the baseline, "
              f"{info['server_cpu_render']:.2f} s during the renders; server RSS "
              f"{info['rss_server']:.0f} MiB")
        (a0, a1), (b0, b1) = info["baseline"], info["render"]
        base_wait, render_wait = waited(a0, a1), waited(b0, b1)
        print(f"  waited for a CPU: the server {base_wait[0]:.0f} ms in the {a1 - a0:.0f} s "
              f"baseline, {render_wait[0]:.0f} ms in the {b1 - b0:.0f} s of renders; the "
              f"benchmark's clients {base_wait[1]:.0f} ms, {render_wait[1]:.0f} ms")
    count, lines = report["log_problems"]
    print(f"server log: {count} lines look like trouble (kept in {report['log']})")
    for line in lines:
        print(f"  | {line[:200]}")


# --- main -------------------------------------------------------------------------------

def build(workdir: Path):
    """The large workshop in workdir/live.sqlite (the server's database name); returns
    (the app on that database, the workshop's id, its last seq, its language)."""
    from flask_migrate import upgrade

    from facilitator import create_app
    from facilitator.extensions import db
    from facilitator.models import Workshop
    from large_workshop import build_large_workshop

    app = create_app("test", SQLALCHEMY_DATABASE_URI=f"sqlite:///{workdir / 'live.sqlite'}")
    with app.app_context():
        upgrade()
    workshop_id = build_large_workshop(app)
    with app.app_context():
        workshop = db.session.get(Workshop, workshop_id)
        seq, language = workshop.last_seq, workshop.language
        db.session.remove()
    return app, workshop_id, seq, language


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child_main(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=4)
    parser.add_argument("--languages", default="fr,en,ar")
    parser.add_argument("--phones", type=int, default=100)
    parser.add_argument("--interval", type=float, default=0.25)
    parser.add_argument("--baseline", type=float, default=15.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--render-timeout", type=float, default=240.0)
    parser.add_argument("--skip-cost", action="store_true")
    parser.add_argument("--skip-fanout", action="store_true")
    parser.add_argument("--gc-experiment", action="store_true",
                        help="part 1 also runs the app path with the collector tuned "
                             "(gc.freeze, higher thresholds): not the product's path")
    parser.add_argument("--nice", type=int, default=0,
                        help="part 2 experiment: renice the render processes (and their "
                             "autogroups) by this much as they appear (the product does not)")
    args = parser.parse_args()
    args.runs, args.rounds = min(args.runs, 10), min(args.rounds, 5)
    args.phones = min(args.phones, 1000)
    args.languages = [x for x in args.languages.split(",") if x in LANGUAGES]

    with tempfile.TemporaryDirectory(prefix="bench-plan-") as tmp:
        workdir = Path(tmp)
        os.environ["FACILITATOR_INSTANCE"] = str(workdir / "instance")
        import harness

        print(f"# {harness.machine_line()}\n# {harness.command_line()}\n# {harness.git_head()}")
        t = time.perf_counter()
        app, workshop_id, seq, language = build(workdir)
        print(f"large workshop {workshop_id} built in {time.perf_counter() - t:.1f} s "
              f"(language {language}, last seq {seq})", flush=True)
        env = {**os.environ, "FACILITATOR_CONFIG": "venue", "PYTHONPATH": str(ROOT),
               "FACILITATOR_INSTANCE": str(workdir / "instance"),
               "DATABASE_URL": f"sqlite:///{workdir / 'live.sqlite'}"}
        if not args.skip_cost:
            with app.app_context():  # font_path and plan_render.ask_render read the config
                rows = render_cost(args, workdir, env, workshop_id)
            print_cost(rows)
        if not args.skip_fanout:
            import asyncio

            report = asyncio.run(fanout(args, workdir, app, workshop_id, seq))
            print_fanout(args, report)


if __name__ == "__main__":
    main()

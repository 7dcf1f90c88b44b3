"""What the light-client benchmarks share: the real server in a subprocess (restartable,
its log kept), a probe subprocess, and the report's header (date, command, load).

Talks to 127.0.0.1 only. Every server started here is stopped by the `with` block that
started it, whatever happens.
"""
from __future__ import annotations

import contextlib
import datetime
import json
import math
import os
import platform
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support import LiveServer  # noqa: E402

LOGS = ROOT / "benchmarks" / "logs"  # server logs of the last runs (git-ignored)
ERROR_PATTERNS = re.compile(
    r"Traceback|Error|Exception|EMFILE|Too many open files|timed? ?out|refused|"
    r"Broken pipe|Connection reset|WARNING|CRITICAL", re.I)


class Server(LiveServer):
    """LiveServer, restartable on the same database (restart()), optionally with its own
    open-files limit (`nofile`), its log appended across restarts."""

    def __init__(self, workdir: Path, nofile: str | None = None, env: dict | None = None):
        super().__init__(workdir)
        self.nofile = nofile
        self.env.update(env or {})
        self.starts = 0

    def _preexec(self) -> None:
        """`nofile` "SOFT" or "SOFT:HARD", like a shell's `ulimit -Sn` / `ulimit -Hn`."""
        if self.nofile:
            _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
            soft_s, _, hard_s = str(self.nofile).partition(":")
            new_hard = min(int(hard_s), hard) if hard_s else hard
            resource.setrlimit(resource.RLIMIT_NOFILE, (min(int(soft_s), new_hard), new_hard))

    def start(self) -> None:
        if self.starts == 0:
            self.flask("db", "upgrade")
        self.starts += 1
        self._log = open(self.log_path, "a")
        self._log.write(f"\n===== benchmark: server start #{self.starts} "
                        f"at {datetime.datetime.now().isoformat(timespec='seconds')}\n")
        self._log.flush()
        self.process = subprocess.Popen(
            [sys.executable, "wsgi.py"], cwd=ROOT, env=self.env, stdout=self._log,
            stderr=subprocess.STDOUT, preexec_fn=self._preexec)
        import requests

        deadline = time.monotonic() + 60
        last = "no answer"  # what /healthz last said: a 503 names the database's error
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.log_path.read_text()}")
            try:
                answer = requests.get(self.url + "/healthz", timeout=2)
                if answer.ok:
                    return
                last = f"{answer.status_code} {answer.text.strip()[:300]}"
            except requests.RequestException as error:
                last = type(error).__name__
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"server did not answer /healthz in 60 s (last: {last}):\n"
                           f"{self.log_path.read_text()}")

    def stop(self, keep_database: bool = False) -> None:
        """Stop the server. Its database goes too (on PostgreSQL LiveServer drops it)
        unless kept: restart() keeps it."""
        super().stop(keep_database=keep_database)
        self._log = None

    def restart(self) -> None:
        """Stop the server and start it again on the same database (a plain stop() then
        start() would start it on a PostgreSQL database just dropped)."""
        self.stop(keep_database=True)
        self.start()

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log_problems(self, limit: int = 12) -> tuple[int, list[str]]:
        """Lines of the server log that look like trouble: (count, the first `limit`)."""
        lines = [line.rstrip() for line in self.log_path.read_text(errors="replace")
                 .splitlines() if ERROR_PATTERNS.search(line)]
        return len(lines), lines[:limit]

    def keep_log(self, name: str) -> Path:
        LOGS.mkdir(parents=True, exist_ok=True)
        target = LOGS / f"{name}-{datetime.datetime.now():%Y%m%d-%H%M%S}.log"
        shutil.copy(self.log_path, target)
        return target


@contextlib.contextmanager
def running(server: Server):
    server.start()
    try:
        yield server
    finally:
        server.stop()


@contextlib.contextmanager
def workdir():
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        yield Path(tmp)


class Probe:
    """benchmarks/probe.py in its own process (its own GIL and event loop, so 1,000
    phones in this process do not slow its clock): GET /healthz every `interval` s, and
    optionally one extra socket sending `sync` to the server."""

    def __init__(self, base: str, interval: float = 0.25, cookie: str = "",
                 workshop: int = 0, since: int = 0, scope: str | None = None,
                 max_seconds: float = 600):
        args = [sys.executable, str(ROOT / "benchmarks" / "probe.py"), base,
                "--interval", str(interval), "--max-seconds", str(max_seconds)]
        if cookie:
            args += ["--cookie", cookie, "--workshop", str(workshop), "--since", str(since)]
        if scope:
            args += ["--scope", scope]
        self.process = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
        self.started = time.perf_counter()

    def stop(self) -> dict:
        self.process.send_signal(signal.SIGTERM)
        try:
            out, _ = self.process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            out, _ = self.process.communicate()
        try:
            return json.loads(out.strip().splitlines()[-1])
        except (IndexError, json.JSONDecodeError):
            return {"error": out[-500:]}


def machine_line() -> str:
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return (f"{datetime.datetime.now().isoformat(timespec='minutes')}, {os.cpu_count()} cores, "
            f"load average {load}, Python {platform.python_version()}")


def command_line() -> str:
    return ".venv/bin/python " + " ".join(
        [str(Path(sys.argv[0]).relative_to(ROOT)) if Path(sys.argv[0]).is_absolute()
         else sys.argv[0], *sys.argv[1:]])


def git_head() -> str:
    try:
        return subprocess.run(["git", "log", "-1", "--format=%h %s"], cwd=ROOT,
                              capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "?"


def quantiles(values: list[float]) -> str:
    """median / p95 / max of a list of milliseconds (or '-' when empty)."""
    if not values:
        return "-"
    v = sorted(values)
    p95 = v[max(0, math.ceil(len(v) * 0.95) - 1)]
    return f"median {statistics.median(v):.0f}, p95 {p95:.0f}, max {v[-1]:.0f}"

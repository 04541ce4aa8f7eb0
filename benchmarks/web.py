"""Web benchmarks on the demo data: server-side render time of every dashboard page, and API read
latency at a fixed 200 requests/s against a trivial FastAPI app serving static JSON (reference).

    .venv/bin/python -m benchmarks.web [--db data/bench-demo.sqlite] [--rebuild] [--renders 10]
                                       [--rate 200] [--seconds 20] [--weeks 52]

(a) Pages: the app runs under uvicorn in a subprocess with a timing middleware that returns the
    time spent in the app (`Server-Timing: app;dur=…`, ms) — server-side, without the network and
    the client. Each GET page of the web routers (`nafolo.web.routes.*`), its path parameters
    filled from the demo (a depositor, a lot, a bar), is requested `--renders` times with a
    signed-in session (the login form, as the demo's admin: every page). Target: every page's
    p95 < 300 ms.
(b) API: the load tool is wrk (Debian package `wrk`), in its own process on its own thread, paced
    by a Lua script to a fixed rate: request i is due at t0 + i/rate on the next free connection
    (32 keep-alive connections), its latency measured by wrk from its send. The same endpoint mix
    is sent to the Nafolo app as `nafolo serve` runs it (Bearer token; `--workers` processes) and
    to the reference app, each in its own uvicorn subprocess, after a warm-up (each endpoint
    asked a few times per server process: first computations are not the steady state). Without
    wrk (or with --load-tool python) the load comes from this module's open-loop generator
    (asyncio + httpx, latency from the scheduled send), which shares the benchmark's process and
    is itself slower than the rate on a busy machine.
    Target: Nafolo p99 < 100 ms at 200 requests/s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory

import httpx
from fastapi import FastAPI, Request, Response
from rich.console import Console
from rich.table import Table

PAGE_TARGET_MS = 300.0
API_P99_TARGET_MS = 100.0
DB_ENV = "NAFOLO_BENCH_DB"
API_PATHS = (
    "/api/fuel/stocks",
    "/api/fuel/in-transit",
    "/api/fuel/cover",
    "/api/fuel/alerts",
    "/api/gold/depositors",
    "/api/gold/lots?limit=50",
    "/api/gold/bars?limit=50",
    "/api/ledger/entries?limit=50",
    "/api/ledger/balances",
    "/api/gold/lots/{lot_id}",
    "/api/gold/bars/{bar_id}",
)
SKIPPED_PAGES = ("/language/", "/jobs/")
"""Not pages: the language switch redirects; job polls need a running job."""


# ---- the apps under uvicorn (factories, run with `uvicorn --factory`) ---------------------------


def timed_app() -> FastAPI:
    """Nafolo's app over $NAFOLO_BENCH_DB, with a Server-Timing header of the time in the app."""
    from nafolo.api import create_app
    from nafolo.settings import Settings

    app = create_app(Settings(database_url=os.environ[DB_ENV]))

    @app.middleware("http")
    async def server_timing(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        start = time.perf_counter()
        response = await call_next(request)
        response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - start) * 1000:.2f}"
        return response

    return app


def plain_app() -> FastAPI:
    """Nafolo's app over $NAFOLO_BENCH_DB as `nafolo serve` runs it (the API load's target)."""
    from nafolo.api import create_app
    from nafolo.settings import Settings

    return create_app(Settings(database_url=os.environ[DB_ENV]))


def reference_app() -> FastAPI:
    """The reference: every GET under /api answers a small static JSON document."""
    app = FastAPI()
    body = {"items": [{"id": i, "quantity_t": "1200.000"} for i in range(20)], "total": 20}

    @app.get("/api/{path:path}")
    async def static(path: str) -> dict[str, object]:
        return body

    return app


@contextmanager
def served(factory: str, db_url: str, workers: int = 1) -> Iterator[str]:
    """`benchmarks.web:<factory>` under uvicorn (`workers` processes) on a free port; yields
    its base URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [
        sys.executable, "-m", "uvicorn", f"benchmarks.web:{factory}", "--factory",
        "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning", "--no-access-log",
        "--workers", str(workers),
    ]  # fmt: skip
    process = subprocess.Popen(command, env={**os.environ, DB_ENV: db_url})
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{base}/api/health-probe", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            raise RuntimeError(f"{factory} did not start on {base}")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


# ---- the demo store ---------------------------------------------------------------------------


def demo_store(path: Path, *, rebuild: bool, weeks: int) -> str:
    """The demo store at `path`, built unless it is already a demo store."""
    from nafolo.demo import build_demo, is_demo_store
    from nafolo.store import create_engine

    url = f"sqlite:///{path}"
    engine = create_engine(url)
    try:
        if rebuild or not path.exists() or not is_demo_store(engine):
            engine.dispose()
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            engine = create_engine(url)
            started = time.perf_counter()
            build_demo(engine, weeks=weeks)
            print(f"demo built in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    finally:
        engine.dispose()
    return url


def sample_ids(url: str) -> dict[str, str]:
    """A depositor, a lot and a bar of the demo, to fill path parameters."""
    from nafolo.gold.service import Refinery
    from nafolo.store import create_engine

    engine = create_engine(url)
    try:
        refinery = Refinery(engine)
        lot = refinery.lots.all(limit=1)[0]
        bar = refinery.vault.bars(limit=1)[0]
        return {"depositor_id": lot.depositor_id, "lot_id": lot.lot_id, "bar_id": bar.bar_id}
    finally:
        engine.dispose()


def api_token(url: str) -> str:
    from nafolo.auth.users import UserStore
    from nafolo.store import create_engine

    engine = create_engine(url)
    try:
        users = UserStore(engine)
        viewer = users.by_username("viewer")
        assert viewer is not None, "the demo's viewer user is missing"
        return users.create_token(viewer.id, f"bench-{time.time_ns()}")
    finally:
        engine.dispose()


# ---- (a) pages --------------------------------------------------------------------------------


def page_paths(ids: dict[str, str]) -> list[str]:
    """Every GET page of the web routers whose path parameters the demo can fill."""
    import importlib
    import pkgutil

    import nafolo.web.routes as routes

    paths: list[str] = []
    for info in pkgutil.iter_modules(routes.__path__):
        module = importlib.import_module(f"{routes.__name__}.{info.name}")
        for route in module.router.routes:
            path = str(getattr(route, "path", ""))
            if "GET" not in getattr(route, "methods", set()) or any(
                s in path for s in SKIPPED_PAGES
            ):
                continue
            try:
                filled = path.format(**ids)
            except KeyError:
                continue
            paths.append(filled)
    return sorted(set(paths))


def signed_in(base: str, username: str, password: str) -> httpx.Client:
    """A client with a session cookie, signed in through the login form."""
    client = httpx.Client(base_url=base, timeout=30)
    form = client.get("/login")
    match = re.search(r'name="csrf_token"\s+value="([^"]+)"', form.text)
    token = match.group(1) if match else ""
    answer = client.post(
        "/login",
        data={"username": username, "password": password, "next": "/", "csrf_token": token},
    )
    if answer.status_code >= 400 or "nafolo_session" not in client.cookies:
        raise RuntimeError(f"sign-in failed: HTTP {answer.status_code}")
    return client


@dataclass(frozen=True)
class PageTiming:
    path: str
    status: int
    server_ms: list[float]

    def quantile(self, q: float) -> float:
        ordered = sorted(self.server_ms)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def time_pages(client: httpx.Client, paths: list[str], renders: int) -> list[PageTiming]:
    timings = []
    for path in paths:
        client.get(path)  # warm-up: templates compiled, caches filled
        samples = []
        status = 0
        for _ in range(renders):
            response = client.get(path)
            status = response.status_code
            header = response.headers.get("server-timing", "app;dur=nan")
            samples.append(float(header.split("dur=")[1]))
        timings.append(PageTiming(path, status, samples))
    return timings


# ---- (b) the load tool ------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadResult:
    name: str
    latencies_ms: list[float]
    errors: int
    seconds: float

    def quantile(self, q: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")

    @property
    def achieved_rate(self) -> float:
        return (len(self.latencies_ms) + self.errors) / self.seconds


REQUEST_TIMEOUT_S = 5.0
DRAIN_S = 10.0


async def constant_rate(
    name: str, base: str, paths: list[str], rate: float, seconds: float, headers: dict[str, str]
) -> LoadResult:
    """Open loop: request i is due at t0 + i/rate; its latency runs from that due time. A request
    that fails, takes over 5 s, or is unanswered 10 s after the last send counts as an error."""
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    async with httpx.AsyncClient(
        base_url=base, headers=headers, limits=limits, timeout=REQUEST_TIMEOUT_S
    ) as client:

        async def one(path: str, due: float) -> None:
            nonlocal errors
            try:
                response = await client.get(path)
                if response.status_code >= 400:
                    errors += 1
                    return
            except httpx.HTTPError:
                errors += 1
                return
            latencies.append((time.perf_counter() - due) * 1000)

        count = int(rate * seconds)
        start = time.perf_counter()
        tasks = []
        for i in range(count):
            due = start + i / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(paths[i % len(paths)], due)))
        elapsed = time.perf_counter() - start
        _, late = await asyncio.wait(tasks, timeout=DRAIN_S)
        for task in late:
            task.cancel()
        errors += len(late)
    return LoadResult(name, latencies, errors, elapsed)


WRK_CONNECTIONS = 32
WRK_SCRIPT = """
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } nafolo_timespec;
int clock_gettime(int clk_id, nafolo_timespec *tp);
]]
local clock = ffi.new("nafolo_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, clock)  -- CLOCK_MONOTONIC
  return tonumber(clock.tv_sec) * 1000 + tonumber(clock.tv_nsec) / 1e6
end
local paths = {%(paths)s}
local interval_ms = %(interval_ms)r
local t0, due, sent = nil, 0, 0
%(headers)s
function delay()
  if t0 == nil then t0 = now_ms() end
  local wait = t0 + due * interval_ms - now_ms()
  due = due + 1
  if wait < 0 then return 0 end
  return wait
end
function request()
  sent = sent + 1
  return wrk.format("GET", paths[(sent - 1) %% #paths + 1])
end
function done(summary, latency, requests)
  local e = summary.errors
  local q = {}
  for _, p in ipairs({50, 90, 99}) do q[#q + 1] = latency:percentile(p) / 1000 end
  io.write(string.format(
    '\\nNAFOLO {"requests": %%d, "seconds": %%f, "errors": %%d, "p50": %%f, "p90": %%f, '
    .. '"p99": %%f, "max": %%f}\\n',
    summary.requests, summary.duration / 1e6,
    e.connect + e.read + e.write + e.status + e.timeout,
    q[1], q[2], q[3], latency.max / 1000))
end
"""


@dataclass(frozen=True)
class WrkResult:
    """wrk's own figures: latency quantiles in ms over every request it sent."""

    name: str
    requests: int
    errors: int
    seconds: float
    quantiles_ms: dict[float, float]
    max_ms: float

    def quantile(self, q: float) -> float:
        return self.quantiles_ms[q]

    @property
    def achieved_rate(self) -> float:
        return self.requests / self.seconds


def wrk_load(
    name: str, base: str, paths: list[str], rate: float, seconds: float, headers: dict[str, str]
) -> WrkResult:
    """Run wrk against `base` at `rate` requests/s for `seconds`, cycling through `paths`."""
    lua_headers = "\n".join(
        f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}" for k, v in headers.items()
    )
    script = WRK_SCRIPT % {
        "paths": ", ".join(json.dumps(p) for p in paths),
        "interval_ms": 1000.0 / rate,
        "headers": lua_headers,
    }
    with TemporaryDirectory() as folder:
        path = Path(folder) / "paced.lua"
        path.write_text(script)
        command = [
            "wrk", "-t1", f"-c{WRK_CONNECTIONS}", f"-d{seconds:.0f}s", "--timeout", "5s",
            "-s", str(path), base,
        ]  # fmt: skip
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next(x for x in output.splitlines() if x.startswith("NAFOLO "))
    figures = json.loads(line.removeprefix("NAFOLO "))
    return WrkResult(
        name,
        int(figures["requests"]),
        int(figures["errors"]),
        float(figures["seconds"]),
        {0.5: figures["p50"], 0.9: figures["p90"], 0.99: figures["p99"]},
        float(figures["max"]),
    )


def warm_up(base: str, paths: list[str], headers: dict[str, str], workers: int) -> None:
    """Each endpoint asked a few times per server process before the timed load, so that first
    computations (cold caches, first imports) are not counted; the steady state is measured."""
    with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
        for _ in range(3 * workers):
            for path in paths:
                client.get(path).raise_for_status()


def load(
    tool: str,
    name: str,
    base: str,
    paths: list[str],
    rate: float,
    seconds: float,
    headers: dict[str, str],
) -> WrkResult | LoadResult:
    """The load of `tool` ("wrk" or "python") on `base`."""
    if tool == "wrk":
        return wrk_load(name, base, paths, rate, seconds, headers)
    return asyncio.run(constant_rate(name, base, paths, rate, seconds, headers))


# ---- the run ----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=Path("data/bench-demo.sqlite"))
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--renders", type=int, default=10)
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument(
        "--workers", type=int, default=1, help="uvicorn processes serving the API load (both apps)"
    )
    parser.add_argument(
        "--load-tool",
        choices=("wrk", "python"),
        default="wrk" if shutil.which("wrk") else "python",
        help="wrk (Debian package, default when installed) or the in-process generator",
    )
    args = parser.parse_args(argv)
    console = Console(width=120)
    url = demo_store(args.db, rebuild=args.rebuild, weeks=args.weeks)
    ids = sample_ids(url)
    token = api_token(url)
    paths = [p.format(**ids) for p in API_PATHS]
    failed = False

    with served("timed_app", url) as base:
        from nafolo.demo import DEMO_PASSWORD

        client = signed_in(base, "admin", DEMO_PASSWORD)  # every page, /admin/users too
        try:
            pages = time_pages(client, page_paths(ids), args.renders)
        finally:
            client.close()
    with served("plain_app", url, args.workers) as base:
        warm_up(base, paths, {"Authorization": f"Bearer {token}"}, args.workers)
        nafolo = load(
            args.load_tool, "nafolo", base, paths, args.rate, args.seconds,
            {"Authorization": f"Bearer {token}"},
        )  # fmt: skip
    with served("reference_app", url, args.workers) as base:
        reference = load(
            args.load_tool, "reference (static JSON)", base, paths, args.rate, args.seconds, {}
        )

    table = Table(title=f"Dashboard pages: server-side ms over {args.renders} renders")
    for column in ("page", "HTTP", "median", "p95", "max", f"< {PAGE_TARGET_MS:.0f} ms"):
        table.add_column(column, justify="left" if column == "page" else "right")
    for page in pages:
        ok = page.status < 400 and page.quantile(0.95) < PAGE_TARGET_MS
        failed |= not ok
        table.add_row(
            page.path,
            str(page.status),
            f"{statistics.median(page.server_ms):.1f}",
            f"{page.quantile(0.95):.1f}",
            f"{max(page.server_ms):.1f}",
            "PASS" if ok else "FAIL",
        )
    console.print(table)

    table = Table(
        title=f"API reads at {args.rate:.0f} requests/s for {args.seconds:.0f} s "
        f"({len(paths)} endpoints; load tool: {args.load_tool}; {args.workers} server "
        f"process(es); latency ms)"
    )
    for column in ("app", "sent", "errors", "rate/s", "p50", "p90", "p99", "max", "target"):
        table.add_column(column, justify="left" if column == "app" else "right")
    for result in (nafolo, reference):
        target = ""
        if result is nafolo:
            ok = (
                result.errors == 0
                and result.quantile(0.99) < API_P99_TARGET_MS
                and result.achieved_rate >= 0.95 * args.rate
            )
            failed |= not ok
            target = "PASS" if ok else "FAIL"
        sent, worst = (
            (result.requests, result.max_ms)
            if isinstance(result, WrkResult)
            else (
                len(result.latencies_ms) + result.errors,
                max(result.latencies_ms, default=float("nan")),
            )
        )
        table.add_row(
            result.name,
            str(sent),
            str(result.errors),
            f"{result.achieved_rate:.0f}",
            *(f"{result.quantile(q):.1f}" for q in (0.5, 0.9, 0.99)),
            f"{worst:.1f}",
            target,
        )
    console.print(table)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

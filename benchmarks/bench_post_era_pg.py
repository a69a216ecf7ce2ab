"""Posting a large 835 on PostgreSQL, against SQLite in the same run (issue 16: the
same file on a local PostgreSQL server in at most 2x the SQLite time).

Generates the claims CSV and matching 835 with make_large_835.py, imports the claims
once into a SQLite template ledger and once into a PostgreSQL template database, then
for each run (SQLite and PostgreSQL taking turns) copies the template (a file copy; a
`CREATE DATABASE … TEMPLATE`) and times `ar-cli post era`:

- client CPU: the ar-cli process's user + system time;
- server CPU: the user + system time of the PostgreSQL backend that served it, read from
  /proc/<backend pid>/stat each time the connection goes back to the pool (the server
  must be on this machine); the server's background processes (WAL writer,
  checkpointer) are not counted;
- wall time, process start to exit.

Prints medians, and the ratio of PostgreSQL's CPU (client + server) to SQLite's.

    .venv/bin/python benchmarks/bench_post_era_pg.py [--claims N] [--runs N] [--pg URL]
        [--keep DIR --template NAME] [--source DIR]

Before and after a change, on the same files and template (`git archive REV ar_cli
migrations pyproject.toml | tar -x -C DIR` for each revision):

    … --claims 100000 --keep /tmp/b100k --template ar_bench_t100k --source /tmp/before
    … --claims 100000 --keep /tmp/b100k --template ar_bench_t100k --source /tmp/after

URL is an administrative connection (default postgresql+psycopg://postgres@127.0.0.1:5432/postgres,
or AR_TEST_PG_URL) that may create and drop databases; the databases made here are named
`ar_bench_<pid>_…` and dropped at the end.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ADMIN_URL = os.environ.get("AR_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pg", default=ADMIN_URL, metavar="URL", help="administrative PostgreSQL URL")
    parser.add_argument("--keep", metavar="DIR", help="keep the generated files and the SQLite template in DIR")
    parser.add_argument(
        "--template",
        metavar="NAME",
        help="PostgreSQL template database to use, made (and claims imported) when missing, and kept: "
        "importing 100,000 claims takes minutes (with --keep, so that its claims match the file)",
    )
    parser.add_argument(
        "--source",
        metavar="DIR",
        help="time the ar_cli package in DIR (say, `git archive REV ar_cli` unpacked) instead of the "
        "installed one (PYTHONPATH comes before the editable install), so that two revisions are "
        "timed on the same files and template",
    )
    args = parser.parse_args()
    exe = str(Path(sys.executable).parent / "ar-cli")
    if args.source:  # every child (the imports and the timed runs) reads ar_cli from there
        os.environ["PYTHONPATH"] = str(Path(args.source).resolve())
    if args.keep:
        Path(args.keep).mkdir(parents=True, exist_ok=True)
        run(args, exe=exe, folder=Path(args.keep))
        return
    with tempfile.TemporaryDirectory() as tmp:
        run(args, exe=exe, folder=Path(tmp))


def _admin(url: str):
    import psycopg

    conn = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True)
    return conn


def _db_url(admin_url: str, name: str) -> str:
    base, _, _ = admin_url.rpartition("/")
    return f"{base}/{name}"


def run(args, *, exe: str, folder: Path) -> None:
    remit, template = folder / "remit.835", folder / "template.sqlite"
    claims = folder / "claims.csv"
    if not (remit.exists() and claims.exists()):
        subprocess.run(
            [sys.executable, str(HERE / "make_large_835.py"), "--claims", str(args.claims), "--out", str(folder)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    if not template.exists():
        _import(exe, str(template), claims)
    subprocess.run([exe, "--db", str(template), "db", "upgrade"], check=True, stdout=subprocess.DEVNULL)

    prefix = f"ar_bench_{os.getpid()}"
    pg_template, pg_run = args.template or f"{prefix}_template", f"{prefix}_run"
    admin = _admin(args.pg)
    try:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (pg_template,)).fetchone():
            admin.execute(f'CREATE DATABASE "{pg_template}"')
            started = time.perf_counter()
            url = _db_url(args.pg, pg_template)
            subprocess.run([exe, "--db", url, "db", "init"], check=True, stdout=subprocess.DEVNULL)
            _import(exe, url, claims)
            print(f"claims imported into PostgreSQL in {time.perf_counter() - started:.1f} s wall", flush=True)
        sqlite, pg = [], []
        db = folder / "run.sqlite"
        for _ in range(args.runs):
            for leftover in (Path(f"{db}-wal"), Path(f"{db}-shm")):
                leftover.unlink(missing_ok=True)
            shutil.copy(template, db)
            sqlite.append(
                _measure([sys.executable, str(HERE / "bench_post_era_pg.py"), "--child", str(db), str(remit)])
            )
            admin.execute(f'CREATE DATABASE "{pg_run}" TEMPLATE "{pg_template}"')
            url = _db_url(args.pg, pg_run)
            pg.append(_measure([sys.executable, str(HERE / "bench_post_era_pg.py"), "--child", url, str(remit)]))
            admin.execute(f'DROP DATABASE "{pg_run}"')
            print(f"  run: SQLite {_show(sqlite[-1])}; PostgreSQL {_show(pg[-1])}", flush=True)
        for leftover in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
            leftover.unlink(missing_ok=True)
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{pg_run}" WITH (FORCE)')
        if not args.template:
            admin.execute(f'DROP DATABASE IF EXISTS "{pg_template}" WITH (FORCE)')
        admin.close()
    lite = [statistics.median(m[k] for m in sqlite) for k in range(3)]
    post = [statistics.median(m[k] for m in pg) for k in range(3)]
    total = statistics.median(m[1] + m[2] for m in pg)
    source = f" (ar_cli from {args.source})" if args.source else ""
    print(f"post era {args.claims:,} claims{source}, medians of {args.runs}; load average {os.getloadavg()[0]:.2f}")
    print(f"  SQLite:     {lite[0]:.2f} s wall, {lite[1]:.2f} s CPU")
    print(
        f"  PostgreSQL: {post[0]:.2f} s wall, {post[1]:.2f} s client CPU + {post[2]:.2f} s server CPU = {total:.2f} s"
    )
    ratios = sorted((p[1] + p[2]) / s[1] for s, p in zip(sqlite, pg))
    print(
        f"  PostgreSQL / SQLite CPU: {total / lite[1]:.2f}x (runs, sorted: {', '.join(f'{r:.2f}' for r in ratios)}); "
        f"wall {post[0] / lite[0]:.2f}x; target <= 2x"
    )


def _show(m: tuple[float, float, float]) -> str:
    return f"{m[0]:.2f} s wall, {m[1]:.2f} s CPU" + (f" + {m[2]:.2f} s server" if m[2] else "")


def _import(exe: str, db: str, claims: Path) -> None:
    subprocess.run(
        [exe, "--db", db, "claims", "import", str(claims), "--posting-date", "2026-06-30"],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def _measure(command: list[str]) -> tuple[float, float, float]:
    """(wall, client CPU, server CPU) of one post."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):  # 1: some claims held as exceptions, the rest posted
        raise SystemExit(f"post era failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
    server = float(done.stdout.strip().splitlines()[-1]) if done.stdout.strip() else 0.0
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu, server


def _backend_cpu(pid: int) -> float | None:
    """User + system seconds of a local server process (None once it has gone)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def child(db: str, remit: str) -> None:
    """Run `ar-cli post era` in this process; on PostgreSQL, print the CPU of the backends
    that served it (read whenever a connection goes back to the pool, and at the end)."""
    seen: dict[int, float] = {}
    if "://" in db:
        from sqlalchemy import event
        from sqlalchemy.pool import Pool

        pids: dict[int, int] = {}

        def connected(dbapi_connection, _record) -> None:
            pids[id(dbapi_connection)] = dbapi_connection.info.backend_pid

        def returned(dbapi_connection, _record) -> None:
            pid = pids.get(id(dbapi_connection))
            if pid is not None and (cpu := _backend_cpu(pid)) is not None:
                seen[pid] = cpu

        event.listen(Pool, "connect", connected)
        event.listen(Pool, "checkin", returned)
        event.listen(Pool, "close", returned)
    from ar_cli.cli.main import run as ar_cli

    sys.argv = ["ar-cli", "--db", db, "post", "era", remit, "--posting-date", "2026-06-30"]
    code = 0
    try:
        with open(os.devnull, "w") as quiet:
            saved, sys.stdout = sys.stdout, quiet
            try:
                ar_cli()
            finally:
                sys.stdout = saved
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    print(f"{sum(seen.values()):.3f}")
    sys.exit(code)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(*sys.argv[2:])
    else:
        main()

"""How fast `manage.py seed_demo` fills a fresh SQLite database, next to baselines from the same run.

    .venv/bin/python benchmarks/seed_demo.py [--firms N]

Seeds 85 firms (the default demo) and N firms (default 10000), each on its own fresh temporary
database. Two baselines are measured on the same machine in the same run, so the figures can be
compared across machines: the time of `manage.py migrate` on the fresh database, and the rate of a
plain bulk_create of N bare Firm rows (Django's own bulk insert speed, with nothing of ours in it).
"""

import argparse
import os
import platform
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MANAGE = str(ROOT / "manage.py")

BARE_FIRMS = """
import time
from django.db import transaction
from applications.models import Firm
firms = [
    Firm(legal_name_en=f"Bare {n} Limited", registration_number=f"BARE-{n:05d}", jurisdiction="HK",
         registered_address="1 Harbour Road, Hong Kong")
    for n in range({count})
]
started = time.perf_counter()
with transaction.atomic():
    Firm.objects.bulk_create(firms, batch_size=1000)
print(time.perf_counter() - started)
"""


@dataclass
class Measurement:
    firms: int
    migrate_seconds: float
    seed_seconds: float
    rows: int
    bare_rows_per_second: float

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seed_seconds


def run(args: list[str], env: dict[str, str]) -> tuple[float, str]:
    """Run a manage.py command; its wall time (Python and Django start-up included) and its output."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, MANAGE, *args], env=env, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return seconds, done.stdout


def count_rows(database: Path) -> int:
    with sqlite3.connect(database) as connection:
        tables = [name for (name,) in connection.execute("select name from sqlite_master where type = 'table'")]
        return sum(connection.execute(f'select count(*) from "{table}"').fetchone()[0] for table in tables)


def measure(firms: int, workdir: Path) -> Measurement:
    database = workdir / f"seed-{firms}.sqlite3"
    # --skip-checks: the benchmark measures seeding, not the system checks of whatever else is installed.
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "MEDIA_ROOT": str(workdir / f"media-{firms}")}
    migrate_seconds, _ = run(["migrate", "--skip-checks", "-v", "0"], env)
    bare_database = workdir / f"bare-{firms}.sqlite3"
    shutil.copyfile(database, bare_database)
    before = count_rows(database)
    seed_seconds, output = run(["seed_demo", "--skip-checks", "--firms", str(firms)], env)
    if not re.search(rf"\b{firms} demo firms\b", output):
        sys.exit(f"seed_demo did not report {firms} firms:\n{output}")
    bare_env = {**env, "DATABASE_URL": f"sqlite:///{bare_database}"}
    _, bare_output = run(["shell", "--no-imports", "-c", BARE_FIRMS.replace("{count}", str(firms))], bare_env)
    bare_seconds = float(bare_output.strip().splitlines()[-1])
    return Measurement(
        firms=firms,
        migrate_seconds=migrate_seconds,
        seed_seconds=seed_seconds,
        rows=count_rows(database) - before,
        bare_rows_per_second=firms / bare_seconds,
    )


def report(measurements: list[Measurement]) -> None:
    print(f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, {os.cpu_count()} CPUs")
    header = f"{'firms':>6} {'seed s':>8} {'rows':>9} {'rows/s':>8} | {'migrate s':>9} {'bare Firm rows/s':>16}"
    print(header + f" | {'seed/migrate':>12} {'rows/s vs bare':>14}")
    print("-" * (len(header) + 30))
    for m in measurements:
        print(
            f"{m.firms:>6} {m.seed_seconds:>8.2f} {m.rows:>9} {m.rows_per_second:>8.0f} | "
            f"{m.migrate_seconds:>9.2f} {m.bare_rows_per_second:>16.0f} | "
            f"{m.seed_seconds / m.migrate_seconds:>12.1f} {m.rows_per_second / m.bare_rows_per_second:>14.2f}"
        )
    print("seed s and migrate s are wall times of the manage.py command, start-up included.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--firms", type=int, default=10000, help="the large run's number of firms (default 10000)")
    firms = parser.parse_args().firms
    with tempfile.TemporaryDirectory(prefix="seed-demo-bench-") as workdir:
        report([measure(count, Path(workdir)) for count in sorted({85, firms})])


if __name__ == "__main__":
    main()

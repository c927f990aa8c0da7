"""scripts/run is idempotent: a second run with nothing changed reuses
everything, starts within 30 seconds and destroys no data."""
import os
import subprocess
import time

import psycopg2

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def _run(env, tmp_path):
    started = time.monotonic()
    proc = subprocess.run([os.path.join(ROOT, "scripts", "run"),
                           "--setup-only"], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return time.monotonic() - started


def _snapshot(dsn):
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT name, metadata_modified FROM package ORDER BY name")
        packages = cur.fetchall()
        cur.execute('SELECT name, password FROM "user" ORDER BY name')
        users = cur.fetchall()
        cur.execute("SELECT count(*) FROM govopen_search_index")
        indexed = cur.fetchone()[0]
    return packages, users, indexed


def _drop_databases(*names):
    """Start from nothing, with the scripts' own superuser access."""
    drops = "; ".join(f'pg_super -d postgres -c "DROP DATABASE IF EXISTS {n}"'
                      for n in names)
    subprocess.run(["bash", "-c", f". scripts/lib/setup.sh && {drops}"],
                   cwd=ROOT, check=True, capture_output=True, timeout=120)


def test_second_run_is_fast_and_changes_nothing(tmp_path):
    _drop_databases("govopen_setup_test", "govopen_setup_test_ds")
    env = dict(os.environ,
               GOVOPEN_DB="govopen_setup_test",
               GOVOPEN_DATASTORE_DB="govopen_setup_test_ds",
               GOVOPEN_INI=str(tmp_path / "ckan.ini"),
               GOVOPEN_STATE=str(tmp_path / "state"),
               GOVOPEN_DEMO_ARGS="--quick")
    _run(env, tmp_path)
    ini = (tmp_path / "ckan.ini").read_text(encoding="utf-8")
    dsn = next(line.split("=", 1)[1].strip() for line in ini.splitlines()
               if line.startswith("sqlalchemy.url"))
    before = _snapshot(dsn)
    assert before[0], "demo datasets were loaded"
    assert before[2] > 0, "the demo datasets are in the search index"
    credentials = (tmp_path / "state" / "demo-credentials.txt").read_text(
        encoding="utf-8")

    elapsed = _run(env, tmp_path)

    assert elapsed < 30, f"second run took {elapsed:.1f}s"
    assert _snapshot(dsn) == before
    assert (tmp_path / "state" / "demo-credentials.txt").read_text(
        encoding="utf-8") == credentials

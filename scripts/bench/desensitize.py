#!/usr/bin/env python
"""Benchmark the 脱敏 engine against a row-by-row csv-module baseline.

Generates a synthetic CSV (default ~300 MB; every identifier comes from the
seeded generators in ``ckanext.govopen.desensitize.synthetic``) plus a
GB18030 copy under a temp dir, runs each measurement in a fresh child
process (so peak RSS is that run's own), prints one JSON document and
deletes the data.

Two workloads, each with its own csv-module baseline measured in the same
run on the same file:

* ``masked`` (the headline): a plan built here, equal to the baseline's
  work: mask ID (keep 6+4) and phone (keep 3+4), drop the name, generalise
  the address to the county, keep the amount, scrub the remarks. The engine
  also runs its verification scan of every output cell.
* ``default``: the open-data plan ``engine.scan`` proposes (pseudonymised
  IDs via HMAC-SHA256, phone and name dropped, county, scrubbed remarks).

Peak RSS is the largest sum over the measured process and any child
processes (sampled every 20 ms). Every measurement also reports the CPU
seconds it used (all threads and children), CPU-seconds per MB and MB per
CPU-second, and the load average before and after it: on a shared machine
wall-clock MB/s depends on what else runs, CPU per MB much less.

    .venv/bin/python scripts/bench/desensitize.py [--size-mb 300] [--keep]
        [--only engine_utf8,baseline_masked,...] [--workers N] [--data DIR]
"""
from __future__ import annotations

import argparse
import codecs
import csv
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time

KEY = b"bench-key-not-secret-0123456789ab"


def generate(path: str, size_mb: int, seed: int = 42) -> int:
    from ckanext.govopen.desensitize import synthetic as S
    rng = random.Random(seed)
    target = size_mb * 1_000_000
    rows = 0
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(S.HEADER)
        while True:
            w.writerows(S.row(rng) for _ in range(20_000))
            rows += 20_000
            if fh.tell() >= target:
                return rows


def transcode(src: str, dst: str) -> None:
    enc = codecs.getincrementalencoder("gb18030")()
    with open(src, encoding="utf-8", newline="") as fi, open(dst, "wb") as fo:
        while chunk := fi.read(1 << 22):
            fo.write(enc.encode(chunk))


MASK_ID = {"keep_prefix": 6, "keep_suffix": 4}
MASK_PHONE = {"keep_prefix": 3, "keep_suffix": 4}


def masked_plan():
    """The headline plan: the same operators on the same columns as
    :func:`child_baseline_masked` (plus the engine's verification scan)."""
    from ckanext.govopen.desensitize.plan import ColumnRule, Plan
    return Plan(columns={
        "身份证号": ColumnRule("id18", "mask", dict(MASK_ID), 1.0, True, "manual"),
        "姓名": ColumnRule("person_name", "suppress", {"mode": "drop"}, 1.0, True, "manual"),
        "手机号": ColumnRule("mobile", "mask", dict(MASK_PHONE), 1.0, True, "manual"),
        "住址": ColumnRule("address", "generalize", {"kind": "address", "level": "county"},
                         1.0, False, "manual"),
        "金额": ColumnRule(None, "keep", {}, 1.0, False, "manual"),
    }, scrub=["备注"], quasi_identifiers=["住址"], k=5)


def _engine(src: str, out: str, plan, scan_s=None) -> dict:
    from ckanext.govopen.desensitize import engine
    workers = int(os.environ["BENCH_WORKERS"]) if os.environ.get("BENCH_WORKERS") else None
    t1, c1 = time.monotonic(), time.process_time()
    rep = engine.run(src, plan, out, key=KEY, scope=("bench", "r1"), workers=workers)
    t2, c2 = time.monotonic(), time.process_time()
    plan = plan if isinstance(plan, dict) else plan.to_dict()
    return {"scan_s": scan_s, "run_s": round(t2 - t1, 3), "run_cpu_s": round(c2 - c1, 3),
            "transform_s": rep.get("seconds_transform"), "ok": rep.get("ok"),
            "publishable": rep.get("publishable"), "rows": rep.get("rows_in"),
            "plan": {c: r["operator"] for c, r in plan["columns"].items()},
            "scrub": plan["scrub"],
            "text_hits": {c: v.get("text_hits") for c, v in rep.get("columns", {}).items()
                          if v.get("scrubbed")},
            "verified_rows": rep.get("verification", {}).get("rows"),
            "leftovers": rep.get("verification", {}).get("leftovers"),
            "suppressed_rows": rep.get("k_anonymity", {}).get("suppressed_rows"),
            "problems": [p["code"] for p in rep.get("problems", [])]}


def child_engine_masked(src: str, out: str) -> dict:
    return _engine(src, out, masked_plan())


def child_engine(src: str, out: str) -> dict:
    from ckanext.govopen.desensitize import engine
    t0 = time.monotonic()
    scanned = engine.scan(src)
    return _engine(src, out, scanned["plan"], round(time.monotonic() - t0, 3))


def child_hmac_floor(src: str, out: str) -> dict:
    """HMAC-SHA256 tokens of every ID alone, in batches as the engine
    computes them (compiled kernel, one thread): the floor of the default
    plan, whose IDs are all distinct."""
    import polars as pl

    from ckanext.govopen.desensitize.pseudonym import Keyring
    ids = pl.read_csv(src, columns=["身份证号"], infer_schema=False)["身份证号"]
    kr = Keyring(KEY, ("bench", "r1"))
    kr.tokens_series("id18", "ID", ids.head(10))  # load the kernel first
    t0, c0 = time.monotonic(), time.process_time()
    for off in range(0, ids.len(), 50_000):
        kr.tokens_series("id18", "ID", ids.slice(off, 50_000))
    return {"run_s": round(time.monotonic() - t0, 3), "run_cpu_s": round(time.process_time() - c0, 3),
            "rows": ids.len()}


def _mask(v: str, p: int, q: int) -> str:
    n = len(v)
    return v[:p] + "*" * (n - p - q) + v[n - q:] if n > p + q else "*" * n


def child_baseline_masked(src: str, out: str) -> dict:
    """The obvious hand-written job for the headline plan: csv module, one
    row at a time; mask ID and phone, drop the name, cut the address to the
    county, keep the amount, scrub remarks with checksum validation."""
    import re

    from ckanext.govopen.identifiers import is_valid_id18
    rx = re.compile(r"(?<![0-9])(?:1[3-9][0-9]{9}|[0-9]{17}[0-9Xx])(?![0-9])")
    county = re.compile(r"^(.*?(?:区|县))")

    def scrub(m):
        s = m.group(0)
        if len(s) == 11:
            return "〔手机号〕"
        if is_valid_id18(s.upper()):
            return "〔身份证号〕"
        return s
    t0, c0 = time.monotonic(), time.process_time()
    rows = 0
    with open(src, encoding="utf-8", newline="") as fi, \
            open(out, "w", encoding="utf-8", newline="") as fo:
        r, w = csv.reader(fi), csv.writer(fo)
        h = next(r)
        w.writerow([h[0], h[2], h[3], h[4], h[5]])
        for row in r:
            m = county.match(row[3])
            w.writerow([_mask(row[0], 6, 4), _mask(row[2], 3, 4), m.group(1) if m else "",
                        row[4], rx.sub(scrub, row[5])])
            rows += 1
    return {"run_s": round(time.monotonic() - t0, 3), "run_cpu_s": round(time.process_time() - c0, 3),
            "rows": rows}


def child_baseline(src: str, out: str) -> dict:
    """The obvious hand-written job: csv module, one row at a time, the same
    columns treated the same way (pseudonymise ID, drop name and phone,
    cut address, scrub remarks with checksum validation)."""
    import base64
    import hmac
    import re

    from ckanext.govopen.identifiers import is_valid_id18
    k = hmac.new(KEY, b"id18", "sha256").digest()
    rx = re.compile(r"(?<![0-9])(?:1[3-9][0-9]{9}|[0-9]{17}[0-9Xx])(?![0-9])")
    county = re.compile(r"^(.*?(?:区|县))")

    def scrub(m):
        s = m.group(0)
        if len(s) == 11 or is_valid_id18(s.upper()):
            return "〔已脱敏〕"
        return s
    t0, c0 = time.monotonic(), time.process_time()
    rows = 0
    with open(src, encoding="utf-8", newline="") as fi, \
            open(out, "w", encoding="utf-8", newline="") as fo:
        r, w = csv.reader(fi), csv.writer(fo)
        h = next(r)
        w.writerow([h[0], h[3], h[4], h[5]])
        for row in r:
            tok = "ID_" + base64.b32encode(hmac.digest(k, row[0].upper().encode(), "sha256")[:10]).decode()
            m = county.match(row[3])
            w.writerow([tok, m.group(1) if m else "", row[4], rx.sub(scrub, row[5])])
            rows += 1
    return {"run_s": round(time.monotonic() - t0, 3), "run_cpu_s": round(time.process_time() - c0, 3),
            "rows": rows}


def _tree_rss_sampler():
    """Peak of (this process + its descendants) RSS, sampled every 20 ms."""
    import threading
    me = os.getpid()
    peak = {"mb": 0.0}
    stop = threading.Event()
    page = os.sysconf("SC_PAGE_SIZE")

    def rss_tree() -> float:
        kids, total = {me}, 0
        procs = []
        for d in os.listdir("/proc"):
            if d.isdigit():
                try:
                    with open(f"/proc/{d}/stat") as fh:
                        f = fh.read().rsplit(")", 1)[1].split()
                    procs.append((int(d), int(f[1]), int(f[21])))
                except (OSError, IndexError, ValueError):
                    pass
        changed = True
        while changed:
            changed = False
            for pid, ppid, _ in procs:
                if ppid in kids and pid not in kids:
                    kids.add(pid)
                    changed = True
        for pid, _, rss in procs:
            if pid in kids:
                total += rss * page
        return total / 2**20

    def loop():
        while not stop.wait(0.02):
            peak["mb"] = max(peak["mb"], rss_tree())
    t = threading.Thread(target=loop, daemon=True)
    t.start()
    return peak, stop


def in_child(mode: str, src: str, out: str) -> dict:
    load = os.getloadavg()
    proc = subprocess.run([sys.executable, os.path.abspath(__file__), "--child", mode, src, out],
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(proc.stderr)
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    mb = os.path.getsize(src) / 1e6
    res["input_mb"] = round(mb, 1)
    res["mb_per_s"] = round(mb / res["run_s"], 1)
    res["rows_per_s"] = round(res["rows"] / res["run_s"])
    # CPU of the measured region only (all its threads; imports, the
    # scan and data loading excluded), per MB: comparable across loaded
    # and idle machines, unlike MB/s.
    res["cpu_s_per_mb"] = round(res["run_cpu_s"] / mb, 4)
    res["mb_per_cpu_s"] = round(mb / res["run_cpu_s"], 1)
    # Other work on the machine slows every measurement; record it.
    after = os.getloadavg()
    res["load_avg_before"] = [round(x, 2) for x in load]
    res["load_avg_after"] = [round(x, 2) for x in after]
    return res


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size-mb", type=int, default=300)
    ap.add_argument("--workdir", default=None)
    ap.add_argument("--keep", action="store_true", help="keep the generated data")
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--only", default="", help="comma-separated measurements to run, e.g. "
                    "engine_masked_utf8,baseline_masked (default: all)")
    ap.add_argument("--workers", type=int, default=None, help="engine transform threads")
    ap.add_argument("--data", default=None, help="reuse (or create) the generated files here")
    ap.add_argument("--child", nargs=3, metavar=("MODE", "SRC", "OUT"), help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        mode, src, out = a.child
        peak, stop = _tree_rss_sampler()
        fn = {"engine": child_engine, "engine_masked": child_engine_masked,
              "baseline": child_baseline, "baseline_masked": child_baseline_masked,
              "hmac_floor": child_hmac_floor}[mode]
        res = fn(src, out)
        stop.set()
        me, kids = (resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
        res["peak_rss_mb"] = round(max(peak["mb"], me.ru_maxrss / 1024), 1)
        res["peak_rss_mb_per_process"] = {"main": round(me.ru_maxrss / 1024, 1),
                                          "largest_child": round(kids.ru_maxrss / 1024, 1)}
        # CPU of the whole child process (imports included) and its children.
        res["cpu_s"] = round(me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime, 2)
        print(json.dumps(res, ensure_ascii=False))
        return
    if a.workers:
        os.environ["BENCH_WORKERS"] = str(a.workers)
    tmp = a.data or tempfile.mkdtemp(prefix="govopen-bench-", dir=a.workdir)
    os.makedirs(tmp, exist_ok=True)
    only = {x for x in a.only.split(",") if x}

    def want(name: str) -> bool:
        return not only or name in only

    def out(n: int) -> str:
        return os.path.join(tmp, f"out{n}.csv")
    try:
        utf8, gb = os.path.join(tmp, "people.csv"), os.path.join(tmp, "people.gb18030.csv")
        t0 = time.monotonic()
        if os.path.exists(utf8) and os.path.exists(gb):
            with open(utf8, "rb") as fh:
                rows = sum(1 for _ in fh) - 1
        else:
            rows = generate(utf8, a.size_mb)
            transcode(utf8, gb)
        masked, default = {}, {}
        result = {"cpus": os.cpu_count(), "rows": rows, "generate_s": round(time.monotonic() - t0, 1),
                  "load_avg_start": [round(x, 2) for x in os.getloadavg()],
                  "columns": "身份证号,姓名,手机号,住址,金额,备注 (备注: 15% phone, 5% ID inside text)",
                  "masked_plan (headline)": masked,
                  "default_plan (pseudonymised IDs)": default}
        if want("engine_masked_utf8"):
            masked["engine_utf8"] = in_child("engine_masked", utf8, out(1))
        if want("engine_masked_gb18030"):
            masked["engine_gb18030"] = in_child("engine_masked", gb, out(2))
        if want("baseline_masked") and not a.no_baseline:
            masked["baseline_csv_module_utf8"] = in_child("baseline_masked", utf8, out(5))
        if want("engine_default_utf8"):
            default["engine_utf8"] = in_child("engine", utf8, out(3))
        if want("engine_default_gb18030"):
            default["engine_gb18030"] = in_child("engine", gb, out(4))
        if want("baseline_default") and not a.no_baseline:
            default["baseline_csv_module_utf8"] = in_child("baseline", utf8, out(6))
        if want("hmac_floor"):
            result["hmac_kernel_utf8"] = in_child("hmac_floor", utf8, out(7))
        result["load_avg_end"] = [round(x, 2) for x in os.getloadavg()]
        result["goals"] = {"utf8_mb_per_s": 200, "gb18030_mb_per_s": 70, "peak_rss_mb": 500}
        print(json.dumps(result, ensure_ascii=False, indent=2))
    finally:
        for n in range(1, 8):
            if os.path.exists(out(n)):
                os.unlink(out(n))
        if a.keep or a.data:
            print(f"data kept in {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()

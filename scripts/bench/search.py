"""Benchmark the PostgreSQL search backend against a naive ILIKE baseline.

    scripts/bench/search            # 10,000 datasets
    scripts/bench/search --n 100000

Builds N synthetic Chinese datasets straight into CKAN's tables (fast bulk
SQL, so the run measures search, not dataset creation), rebuilds the index
through CKAN's own ``search.rebuild`` (the same path as
``ckan search-index rebuild``) and times ``package_search`` in-process for:
match-all, a Chinese keyword, keyword + two facet filters + facets, and deep
paging. The baseline answers the same questions with ILIKE over title and
notes plus GROUP BY facet counts. Prints one JSON document.
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
import uuid

DOMAINS = ["交通运输", "生态环境", "医疗卫生", "教育文化", "社保就业",
           "市场监管", "气象服务", "财税金融", "城建住房", "公共安全"]
SUBJECTS = ["公交线路", "公交站点", "空气质量", "水质监测", "医院名录",
            "学校名录", "企业登记", "行政处罚", "气象观测", "就业岗位",
            "停车场", "出租车", "地铁客流", "排污许可", "药品零售",
            "养老机构", "体育场馆", "公共厕所", "充电桩", "垃圾分类"]
PLACES = ["榕溪", "东城区", "西湖区", "南山区", "北塘区", "滨江区", "高新区",
          "临港新区", "青峰县", "白石县"]
PERIODS = ["2019年", "2020年", "2021年", "2022年", "2023年", "2024年",
           "第一季度", "月度", "实时", "年度汇总"]
FORMATS = ["CSV", "JSON", "XLSX", "XML", "API"]
TAGS = ["交通", "公交", "环境", "空气", "教育", "医疗", "企业", "就业",
        "气象", "民生", "统计", "安全", "城市管理", "财政", "文化"]
KEYWORDS = ["公交", "空气", "医院", "学校", "企业", "停车", "气象", "就业",
            "地铁", "充电桩"]


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    k = max(0, min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1))))
    return round(ordered[k] * 1000, 2)


def timed(fn, repeats: int) -> dict:
    samples = []
    fn(0)  # warm caches and plans once, outside the figures
    for i in range(repeats):
        start = time.perf_counter()
        fn(i)
        samples.append(time.perf_counter() - start)
    return {"p50_ms": percentile(samples, 50), "p95_ms": percentile(samples, 95),
            "runs": repeats}


def populate(conn, n: int, orgs: list[tuple[str, str]], rng: random.Random):
    from sqlalchemy import text
    tag_ids = {t: str(uuid.uuid4()) for t in TAGS}
    conn.execute(text("INSERT INTO tag (id, name) VALUES (:id, :name)"),
                 [{"id": i, "name": t} for t, i in tag_ids.items()])
    batch = 2000
    for start in range(0, n, batch):
        pkgs, res, ptags = [], [], []
        for i in range(start, min(n, start + batch)):
            pid = str(uuid.uuid4())
            subject = rng.choice(SUBJECTS)
            title = f"{rng.choice(PLACES)}{subject}{rng.choice(PERIODS)}数据"
            notes = (f"本数据集由{rng.choice(DOMAINS)}领域部门发布，包含"
                     f"{rng.choice(SUBJECTS)}和{subject}相关信息，按"
                     f"{rng.choice(PERIODS)}更新，覆盖{rng.choice(PLACES)}。")
            org = rng.choice(orgs)
            stamp = f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}T{i % 24:02d}:00:00"
            pkgs.append({"id": pid, "name": f"bench-{i}", "title": title,
                         "notes": notes, "owner_org": org[0],
                         "stamp": stamp,
                         "extras": json.dumps({"domain": str(1 + i % 22)})})
            res.append({"id": str(uuid.uuid4()), "pid": pid,
                        "url": f"http://example.invalid/{i}.csv",
                        "format": rng.choice(FORMATS), "name": subject})
            for t in rng.sample(TAGS, 3):
                ptags.append({"id": str(uuid.uuid4()), "pid": pid,
                              "tid": tag_ids[t]})
        conn.execute(text(
            "INSERT INTO package (id, name, title, notes, state, type, "
            "owner_org, private, metadata_created, metadata_modified, "
            "extras, license_id) VALUES (:id, :name, :title, :notes, "
            "'active', 'dataset', :owner_org, false, :stamp, :stamp, "
            "CAST(:extras AS jsonb), 'cc-by')"), pkgs)
        conn.execute(text(
            "INSERT INTO resource (id, package_id, url, format, name, state, "
            "position, extras) VALUES (:id, :pid, :url, :format, :name, "
            "'active', 0, '{}')"), res)
        conn.execute(text(
            "INSERT INTO package_tag (id, package_id, tag_id, state) "
            "VALUES (:id, :pid, :tid, 'active')"), ptags)


def baseline(conn, keyword: str | None, tag: str | None, fmt: str | None,
             start: int, rows: int):
    """What a portal without a search engine would do."""
    from sqlalchemy import text
    where = ["p.state = 'active'", "NOT p.private"]
    params: dict = {"start": start, "rows": rows}
    if keyword:
        where.append("(p.title ILIKE :kw OR p.notes ILIKE :kw)")
        params["kw"] = f"%{keyword}%"
    if tag:
        where.append("EXISTS (SELECT 1 FROM package_tag pt JOIN tag t ON "
                     "t.id = pt.tag_id WHERE pt.package_id = p.id AND "
                     "t.name = :tag)")
        params["tag"] = tag
    if fmt:
        where.append("EXISTS (SELECT 1 FROM resource r WHERE r.package_id = "
                     "p.id AND r.format = :fmt)")
        params["fmt"] = fmt
    w = " AND ".join(where)
    conn.execute(text(f"SELECT count(*) FROM package p WHERE {w}"), params)
    conn.execute(text(f"SELECT p.id, p.title FROM package p WHERE {w} "
                      "ORDER BY p.metadata_modified DESC, p.id "
                      "LIMIT :rows OFFSET :start"), params).all()
    conn.execute(text(f"SELECT t.name, count(*) FROM package p JOIN "
                      f"package_tag pt ON pt.package_id = p.id JOIN tag t ON "
                      f"t.id = pt.tag_id WHERE {w} GROUP BY t.name"),
                 params).all()
    conn.execute(text(f"SELECT p.owner_org, count(*) FROM package p WHERE {w}"
                      " GROUP BY p.owner_org"), params).all()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--config", required=True)
    parser.add_argument("--n", type=int, default=10000)
    parser.add_argument("--repeats", type=int, default=40)
    parser.add_argument("--reuse", action="store_true",
                        help="query an index built by an earlier run "
                             "(no populate, no rebuild figure)")
    args = parser.parse_args()

    from ckan.cli import load_config
    from ckan.config.middleware import make_app
    app = make_app(load_config(args.config))
    flask_app = app.apps["flask_app"]._wsgi_app if hasattr(app, "apps") \
        else app._wsgi_app
    with flask_app.test_request_context():
        run(args)


def run(args) -> None:
    import ckan.lib.search as search
    from ckan import model
    from ckan.plugins import toolkit as tk
    from ckan.tests import factories
    from sqlalchemy import text

    rng = random.Random(20261122)
    rebuild_s = None
    if not args.reuse:
        orgs = []
        for i in range(12):
            org = factories.Organization(name=f"bench-org-{i}",
                                         title=f"榕溪市第{i}局")
            orgs.append((org["id"], org["name"]))
        with model.meta.engine.begin() as conn:
            populate(conn, args.n, orgs, rng)
        started = time.perf_counter()
        search.rebuild(force=True, defer_commit=True, quiet=True)
        search.commit()
        rebuild_s = time.perf_counter() - started

    search_action = tk.get_action("package_search")
    facets = '["organization", "tags", "res_format"]'

    def ps(**params):
        return search_action({"ignore_auth": True, "user": ""}, params)

    pg = {
        "match_all": timed(lambda i: ps(rows=20, **{"facet.field": facets}),
                           args.repeats),
        "keyword": timed(lambda i: ps(q=KEYWORDS[i % len(KEYWORDS)], rows=20),
                         args.repeats),
        "keyword_two_filters_facets": timed(lambda i: ps(
            q=KEYWORDS[i % len(KEYWORDS)], rows=20,
            fq=f'tags:"{TAGS[i % len(TAGS)]}" res_format:"'
               f'{FORMATS[i % len(FORMATS)]}"',
            **{"facet.field": facets}), args.repeats),
        "deep_paging": timed(lambda i: ps(rows=20, start=args.n // 2 + i,
                                          sort="metadata_modified desc"),
                             args.repeats),
    }
    hits = ps(q="公交", rows=0)["count"]
    with model.meta.engine.connect() as conn:
        naive = {
            "match_all": timed(lambda i: baseline(conn, None, None, None, 0,
                                                  20), args.repeats),
            "keyword": timed(lambda i: baseline(
                conn, KEYWORDS[i % len(KEYWORDS)], None, None, 0, 20),
                args.repeats),
            "keyword_two_filters_facets": timed(lambda i: baseline(
                conn, KEYWORDS[i % len(KEYWORDS)], TAGS[i % len(TAGS)],
                FORMATS[i % len(FORMATS)], 0, 20), args.repeats),
            "deep_paging": timed(lambda i: baseline(
                conn, None, None, None, args.n // 2 + i, 20), args.repeats),
        }
        size = conn.execute(text(
            "SELECT pg_total_relation_size('govopen_search_index')")).scalar()
    ratio = {k: round(naive[k]["p95_ms"] / max(pg[k]["p95_ms"], 0.01), 2)
             for k in pg}
    print(json.dumps({
        "datasets": args.n,
        "rebuild": None if rebuild_s is None else {
            "seconds": round(rebuild_s, 1),
            "datasets_per_s": round(args.n / rebuild_s, 1)},
        "index_size_mb": round(size / 1e6, 1),
        "postgres_backend": pg,
        "naive_ilike_baseline": naive,
        "baseline_p95_over_backend_p95": ratio,
        "keyword_公交_hits": hits,
    }, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    sys.exit(main())

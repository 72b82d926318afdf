#!/usr/bin/env python3
"""boston_stats.py — median and p90 open-to-close hours per department (the `subject` column)
and the on-time share, computed straight from Boston 311 CSV files with the standard library,
independently of hotline. bench/boston_compare.sh prints these next to the same figures from
hotline's API after `hotline import --boston311`; tests/api/test_import.py checks they agree.

Definitions (the ones the import and the API use, see docs/api.md):
  * a case counts when it is Closed with a closed_at; the cases closed before they were opened
    (197 in 2015, ../shared/data/README.md §2) are dropped;
  * hours = (closed_at - opened_at) / 3600, wall-clock times as written;
  * quantiles interpolate linearly between closest ranks (h = (n-1)p; the median of an even
    count is the mean of the middle two);
  * on time = no target_at, or closed_at <= target_at.

usage: boston_stats.py FILE... [--json]
"""
import csv
import json
import sys
from datetime import datetime


def quantile(sorted_values, p):
    n = len(sorted_values)
    if n == 0:
        return None
    h = (n - 1) * p
    lo = int(h)
    if lo + 1 >= n:
        return float(sorted_values[-1])
    return sorted_values[lo] + (h - lo) * (sorted_values[lo + 1] - sorted_values[lo])


def stats(paths):
    """{department: {"n", "median_hours", "p90_hours", "ontime", "ontime_share"}} plus
    "__all__" for every department together."""
    seconds, ontime = {}, {}
    for path in paths:
        with open(path, newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                if row["case_status"] != "Closed" or not row["closed_at"]:
                    continue
                opened = datetime.fromisoformat(row["opened_at"])
                closed = datetime.fromisoformat(row["closed_at"])
                if closed < opened:
                    continue
                dept = row["subject"] or row["department"] or "Unknown"
                secs = int((closed - opened).total_seconds())
                target = row["target_at"]
                on = not target or closed <= datetime.fromisoformat(target)
                for key in (dept, "__all__"):
                    seconds.setdefault(key, []).append(secs)
                    ontime[key] = ontime.get(key, 0) + on
    out = {}
    for key, v in seconds.items():
        v.sort()
        out[key] = {"n": len(v), "median_hours": quantile(v, 0.5) / 3600,
                    "p90_hours": quantile(v, 0.9) / 3600, "ontime": ontime[key],
                    "ontime_share": ontime[key] / len(v)}
    return out


def main():
    paths = [a for a in sys.argv[1:] if not a.startswith("--")]
    if not paths:
        print(__doc__, file=sys.stderr)
        return 2
    s = stats(paths)
    if "--json" in sys.argv:
        json.dump(s, sys.stdout, indent=1, sort_keys=True)
        print()
        return 0
    print(f"{'department':40} {'closed':>7} {'median h':>9} {'p90 h':>9} {'on time':>8}")
    for key in sorted(s, key=lambda k: (k == "__all__", -s[k]["n"])):
        d = s[key]
        print(f"{key[:40]:40} {d['n']:7d} {d['median_hours']:9.2f} {d['p90_hours']:9.2f} "
              f"{100 * d['ontime_share']:7.2f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main())

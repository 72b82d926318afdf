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
  * on time (docs/product.md, Appraisal, "The on-time rates count what is late"), at a moment
    `at` (--at YYYY-MM-DDTHH:MM:SS, Boston wall time; by default after every target): a closed
    case is on time with no target_at or closed_at <= target_at, late otherwise; an open case
    with no target_at is on time; an open case whose target_at is before `at` is late; an open
    case whose target_at is `at` or later is not counted yet. The share is on time / counted.
  * Boston's own status (the ontime_status column, ONTIME / OVERDUE, as of the export on
    2016-01-13): the ONTIME cases among the counted ones that carry a status, for comparison.

usage: boston_stats.py FILE... [--at YYYY-MM-DDTHH:MM:SS] [--json]
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


def stats(paths, at=None):
    """{department: {"n", "median_hours", "p90_hours", "ontime", "ontime_den", "ontime_share",
    "boston_ontime", "boston_den"}} plus "__all__" for every department together; n and the
    hours are over closed cases, the on-time figures over the cases counted at `at` (a naive
    datetime; None: after every target)."""
    seconds, ontime, den, b_on, b_den = {}, {}, {}, {}, {}
    for path in paths:
        with open(path, newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                opened = datetime.fromisoformat(row["opened_at"])
                closed = row["case_status"] == "Closed" and row["closed_at"]
                closed = datetime.fromisoformat(row["closed_at"]) if closed else None
                if closed and closed < opened:
                    continue  # the import drops these
                dept = row["subject"] or row["department"] or "Unknown"
                target = datetime.fromisoformat(row["target_at"]) if row["target_at"] else None
                if closed:
                    on = target is None or closed <= target
                elif target is None:
                    on = True
                elif at is None or target < at:
                    on = False
                else:
                    on = None  # the clock still runs: not counted yet
                status = row["ontime_status"]
                for key in (dept, "__all__"):
                    if closed:
                        seconds.setdefault(key, []).append(int((closed - opened).total_seconds()))
                    if on is not None:
                        den[key] = den.get(key, 0) + 1
                        ontime[key] = ontime.get(key, 0) + on
                        if status:
                            b_den[key] = b_den.get(key, 0) + 1
                            b_on[key] = b_on.get(key, 0) + (status == "ONTIME")
    out = {}
    for key in den:
        v = sorted(seconds.get(key, []))
        out[key] = {"n": len(v),
                    "median_hours": quantile(v, 0.5) / 3600 if v else None,
                    "p90_hours": quantile(v, 0.9) / 3600 if v else None,
                    "ontime": ontime[key], "ontime_den": den[key],
                    "ontime_share": ontime[key] / den[key],
                    "boston_ontime": b_on.get(key, 0), "boston_den": b_den.get(key, 0)}
    return out


def main():
    args = sys.argv[1:]
    at = None
    if "--at" in args:
        i = args.index("--at")
        at = datetime.fromisoformat(args[i + 1])
        del args[i:i + 2]
    paths = [a for a in args if not a.startswith("--")]
    if not paths:
        print(__doc__, file=sys.stderr)
        return 2
    s = stats(paths, at)
    if "--json" in args:
        json.dump(s, sys.stdout, indent=1, sort_keys=True)
        print()
        return 0
    print(f"{'department':40} {'closed':>7} {'median h':>9} {'p90 h':>9} {'on time':>8} "
          f"{'Boston':>8}")
    for key in sorted(s, key=lambda k: (k == "__all__", -s[k]["n"])):
        d = s[key]
        med = f"{d['median_hours']:9.2f}" if d["n"] else f"{'':9}"
        p90 = f"{d['p90_hours']:9.2f}" if d["n"] else f"{'':9}"
        own = f"{100 * d['boston_ontime'] / d['boston_den']:7.2f}%" if d["boston_den"] else ""
        print(f"{key[:40]:40} {d['n']:7d} {med} {p90} {100 * d['ontime_share']:7.2f}% {own:>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

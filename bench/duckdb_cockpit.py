#!/usr/bin/env python3
"""The monitoring cockpit's queries in DuckDB, against Xinzhi's engine, in one run.

1. `xinzhi bench cockpit` exports the data as CSV, then computes the cockpit RUNS times and
   writes its figures and times as JSON (it first generates the large demo city into an empty
   data directory).
2. The same figures are computed here in DuckDB, over the same data loaded into tables, with
   the same rules: the set of a figure is the above-scale firms of its month; each firm is
   compared with its own months a year earlier (same caliber); flows are summed over 1—N月.
3. Every number is checked against Xinzhi's to the precision the cockpit displays (one decimal
   of a percent, the indicator's decimals of an amount); the times and their ratio are printed.

Usage: python3 bench/duckdb_cockpit.py [--data DIR] [--scale large] [--bin target/release/xinzhi] [--runs 30]
Needs the `duckdb` package (pip install duckdb). Exits non-zero when a number disagrees.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import duckdb

INDICATORS = ["gross_output", "sales_output", "export_delivery", "revenue", "total_profit", "taxes_total", "electricity"]
TIERS = ["innovative_sme", "srdi_sme", "little_giant", "single_champion", "chain_leader"]


def months_between(first, last):
    """yyyymm months from first to last inclusive."""
    out, y, m = [], first // 100, first % 100
    while y * 100 + m <= last:
        out.append(y * 100 + m)
        m += 1
        if m == 13:
            y, m = y + 1, 1
    return out


def shift(month, n):
    y, m = month // 100, month % 100 - 1 + n
    return (y + m // 12) * 100 + m % 12 + 1


class Cockpit:
    """The cockpit's figures as DuckDB queries; each method is one widget's query set."""

    def __init__(self, con, month):
        self.con = con
        self.month = month
        self.year = month // 100

    def q(self, sql, params=()):
        return self.con.execute(sql, params).fetchall()

    def members_sql(self, at):
        return f"(SELECT enterprise_id FROM memberships WHERE kind = 'above_scale' AND valid_from <= {at} AND (valid_to IS NULL OR valid_to >= {at}))"

    def comparison(self, indicator, at, window, back=12):
        """(current, previous) over the set of `at`, same caliber, the base `back` months earlier."""
        first = at if window == "month" else (at // 100) * 100 + 1
        if indicator_stock(indicator):
            first = at
        members = self.members_sql(at)
        # Same caliber by month: a month a firm has not reported leaves its base month out too.
        row = self.q(
            f"""SELECT COALESCE(SUM(c.value), 0), COALESCE(SUM(p.value), 0)
                FROM v_{indicator} c LEFT JOIN v_{indicator} p
                  ON p.enterprise_id = c.enterprise_id AND p.period = c.period - {back // 12 * 100}
                WHERE c.enterprise_id IN {members} AND c.period BETWEEN {first} AND {at}"""
        )[0]
        return row

    def headline(self):
        out = {}
        last_year = shift(self.month, -12)
        for ind in INDICATORS:
            month = self.comparison(ind, self.month, "month")
            ytd = self.comparison(ind, self.month, "ytd")
            base = self.comparison(ind, last_year, "ytd")
            two = self.comparison(ind, self.month, "ytd", back=24)
            out[ind] = {"month": month, "ytd": ytd, "nominal": (ytd[0], base[0]), "two_years": two}
        return out

    def counts(self):
        m, jan = self.month, self.year * 100 + 1
        above = self.q(f"SELECT COUNT(*) FROM {self.members_sql(m)} s")[0][0]
        entered = self.q(
            f"""SELECT COUNT(*) FROM memberships a WHERE kind = 'above_scale' AND valid_from BETWEEN {jan} AND {m}
                AND NOT EXISTS (SELECT 1 FROM memberships b WHERE b.enterprise_id = a.enterprise_id AND b.kind = 'above_scale'
                  AND b.valid_from <= a.prev_month AND (b.valid_to IS NULL OR b.valid_to >= a.prev_month))"""
        )[0][0]
        exited = self.q(
            f"""SELECT COUNT(*) FROM memberships a WHERE kind = 'above_scale' AND valid_to IS NOT NULL
                AND valid_to >= {shift(jan, -1)} AND valid_to < {m}
                AND NOT EXISTS (SELECT 1 FROM memberships b WHERE b.enterprise_id = a.enterprise_id AND b.kind = 'above_scale'
                  AND b.valid_from <= a.next_month AND (b.valid_to IS NULL OR b.valid_to >= a.next_month))"""
        )[0][0]
        loss = self.q(
            f"""SELECT COUNT(*), COALESCE(SUM(total), 0) FROM (
                  SELECT enterprise_id, SUM(value) AS total FROM v_total_profit
                  WHERE period BETWEEN {jan} AND {m} AND enterprise_id IN {self.members_sql(m)} GROUP BY enterprise_id)
                WHERE total < 0"""
        )[0]
        designations = dict(
            self.q(
                f"""SELECT tier, COUNT(DISTINCT enterprise_id) FROM designations
                    WHERE granted_on BETWEEN {self.year * 10000 + 101} AND {m * 100 + 31} GROUP BY tier"""
            )
        )
        return {"above_scale": above, "entered": entered, "exited": exited, "loss_making": loss[0], "loss": loss[1],
                "designations": {t: designations.get(t, 0) for t in TIERS}}

    def trend(self):
        out = []
        for k in months_between(self.year * 100 + 1, self.month):
            now = self.comparison("gross_output", k, "ytd")
            before = self.comparison("gross_output", shift(k, -12), "ytd")
            out.append((growth(now), growth(before)))
        return out

    def monthly(self):
        return [self.comparison("gross_output", k, "month") for k in months_between(self.year * 100 + 1, self.month)]

    def firm_ytd(self, indicator):
        """Each member's (current, previous) 1—N月 values as a DuckDB relation."""
        m, jan = self.month, self.year * 100 + 1
        return f"""(SELECT s.enterprise_id, COALESCE(SUM(c.value), 0) AS cur, COALESCE(SUM(p.value), 0) AS prev
                    FROM {self.members_sql(m)} s
                    LEFT JOIN v_{indicator} c ON c.enterprise_id = s.enterprise_id AND c.period BETWEEN {jan} AND {m}
                    LEFT JOIN v_{indicator} p ON p.enterprise_id = c.enterprise_id AND p.period = c.period - 100
                    GROUP BY s.enterprise_id)"""

    def breakdowns(self):
        m = self.month
        end = m * 100 + 31
        f = self.firm_ytd("gross_output")
        groups = {
            "district": f"SELECT enterprise_id, target AS unit FROM memberships WHERE kind = 'district' AND valid_from <= {m} AND (valid_to IS NULL OR valid_to >= {m})",
            "park": f"SELECT enterprise_id, target AS unit FROM memberships WHERE kind = 'park' AND valid_from <= {m} AND (valid_to IS NULL OR valid_to >= {m})",
            # A firm belongs to the clusters it joined and to those of its chains.
            "cluster": f"""SELECT DISTINCT enterprise_id, target AS unit FROM memberships WHERE kind = 'cluster' AND valid_from <= {m} AND (valid_to IS NULL OR valid_to >= {m})
                           UNION SELECT DISTINCT m.enterprise_id, k.cluster_id FROM memberships m JOIN segment_chains c ON c.segment_id = m.target
                           JOIN chain_clusters k ON k.chain_id = c.chain_id
                           WHERE m.kind = 'chain_segment' AND m.valid_from <= {m} AND (m.valid_to IS NULL OR m.valid_to >= {m})""",
            "chain": f"""SELECT DISTINCT m.enterprise_id, c.chain_id AS unit FROM memberships m JOIN segment_chains c ON c.segment_id = m.target
                         WHERE m.kind = 'chain_segment' AND m.valid_from <= {m} AND (m.valid_to IS NULL OR m.valid_to >= {m})""",
            "division": "SELECT enterprise_id, division AS unit FROM firms",
            "tier": f"""SELECT f.enterprise_id, COALESCE(MAX(t.rank), 0) AS unit FROM firms f LEFT JOIN (
                          SELECT enterprise_id, list_position({TIERS!r}, tier) AS rank FROM designations
                          WHERE granted_on <= {end} AND (expires_on IS NULL OR expires_on >= {end}) AND status <> 'revoked') t
                        ON t.enterprise_id = f.enterprise_id GROUP BY f.enterprise_id""",
        }
        out = {}
        for name, group in groups.items():
            rows = self.q(f"SELECT g.unit, COUNT(*), SUM(cur), SUM(prev) FROM {f} f JOIN ({group}) g USING (enterprise_id) GROUP BY g.unit")
            out[name] = {unit: (n, cur, prev) for unit, n, cur, prev in rows}
        return out

    def alerts(self):
        m = self.month
        f = self.firm_ytd("gross_output")
        declines = self.q(
            f"""SELECT COUNT(*) FILTER (WHERE prev > 0), COUNT(*) FILTER (WHERE prev > 0 AND (cur / prev - 1) * 100 <= -10 + 1e-9),
                       COUNT(*) FILTER (WHERE prev > 0 AND (cur / prev - 1) * 100 <= -20 + 1e-9) FROM {f}"""
        )[0]
        p = self.firm_ytd("electricity")
        divergence = self.q(
            f"""SELECT COUNT(*) FILTER (WHERE (pe.cur / pe.prev - 1) * 100 >= 10 - 1e-9 AND (o.cur / o.prev - 1) * 100 <= -10 + 1e-9),
                       COUNT(*) FILTER (WHERE (o.cur / o.prev - 1) * 100 >= 10 - 1e-9 AND (pe.cur / pe.prev - 1) * 100 <= -10 + 1e-9)
                FROM {f} o JOIN {p} pe USING (enterprise_id) WHERE o.prev > 0 AND pe.prev > 0"""
        )[0]
        missing = self.q(
            f"""SELECT COUNT(*) FROM {self.members_sql(m)} s
                WHERE NOT EXISTS (SELECT 1 FROM v_gross_output v WHERE v.enterprise_id = s.enterprise_id AND v.period = {m})"""
        )[0][0]
        # Declines three months running (month against the same month a year earlier), ending at m.
        months = [m, shift(m, -1), shift(m, -2)]
        conditions = " AND ".join(
            f"EXISTS (SELECT 1 FROM v_gross_output a JOIN v_gross_output b ON b.enterprise_id = a.enterprise_id AND b.period = {shift(k, -12)} "
            f"WHERE a.enterprise_id = s.enterprise_id AND a.period = {k} AND b.value > 0 AND a.value < b.value)"
            for k in months
        )
        streaks = self.q(f"SELECT COUNT(*) FROM {self.members_sql(m)} s WHERE {conditions}")[0][0]
        return {"declines": declines, "divergence": divergence, "missing": missing, "streaks": streaks}


STOCKS = set()

# The exported files and their columns (`xinzhi bench cockpit --export`).
SCHEMAS = {
    "firms": [("enterprise_id", "BIGINT"), ("credit_code", "VARCHAR"), ("industry_code", "VARCHAR"), ("division", "INTEGER")],
    "memberships": [("enterprise_id", "BIGINT"), ("kind", "VARCHAR"), ("target", "BIGINT"), ("valid_from", "INTEGER"), ("valid_to", "INTEGER")],
    "designations": [("enterprise_id", "BIGINT"), ("tier", "VARCHAR"), ("granted_on", "INTEGER"), ("expires_on", "INTEGER"), ("status", "VARCHAR")],
    "segment_chains": [("segment_id", "BIGINT"), ("chain_id", "BIGINT")],
    "chain_clusters": [("chain_id", "BIGINT"), ("cluster_id", "BIGINT")],
    "statuses": [("enterprise_id", "BIGINT"), ("period", "INTEGER"), ("status", "VARCHAR")],
    "values_all": [("period", "INTEGER"), ("enterprise_id", "BIGINT"), ("indicator", "VARCHAR"), ("value", "DOUBLE")],
}
FILES = {"values_all": "values"}


def indicator_stock(code):
    return code in STOCKS


def growth(pair):
    cur, prev = pair
    return (cur / prev - 1) * 100 if prev > 0 else None


class Check:
    def __init__(self):
        self.compared = 0
        self.failures = []

    def number(self, what, ours, theirs, decimals):
        """Equal to the displayed precision: within half a unit of the last decimal shown."""
        self.compared += 1
        if ours is None or theirs is None:
            if ours is not None or theirs is not None:
                self.failures.append(f"{what}: ours {ours}, DuckDB {theirs}")
            return
        if abs(ours - theirs) > 0.5 * 10 ** -decimals + 1e-9:
            self.failures.append(f"{what}: ours {ours}, DuckDB {theirs}")


def load(con, folder):
    started = time.perf_counter()
    for table, columns in SCHEMAS.items():
        spec = "{" + ", ".join(f"'{name}': '{kind}'" for name, kind in columns) + "}"
        con.execute(
            f"CREATE TABLE {table} AS SELECT * FROM read_csv('{folder}/{FILES.get(table, table)}.csv', header = true, columns = {spec})"
        )
    # Only approved reports count (and months without a report: imported data), as in the
    # engine with its default setting; drafts, returned and submitted ones are "not reported".
    con.execute(
        "DELETE FROM values_all WHERE (enterprise_id, period) IN (SELECT enterprise_id, period FROM statuses WHERE status IN ('draft', 'returned', 'submitted'))"
    )
    for ind in INDICATORS:
        con.execute(f"CREATE TABLE v_{ind} AS SELECT enterprise_id, period, value FROM values_all WHERE indicator = '{ind}' ORDER BY enterprise_id, period")
    con.execute("ALTER TABLE memberships ADD COLUMN prev_month INTEGER")
    con.execute("ALTER TABLE memberships ADD COLUMN next_month INTEGER")
    con.execute(
        "UPDATE memberships SET prev_month = CASE WHEN valid_from % 100 = 1 THEN valid_from - 89 ELSE valid_from - 1 END, "
        "next_month = CASE WHEN valid_to % 100 = 12 THEN valid_to + 89 ELSE valid_to + 1 END"
    )
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="data-large", help="Xinzhi data directory (large demo generated if empty)")
    parser.add_argument("--bin", default="target/release/xinzhi")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--month", default=None, help="cockpit month, e.g. 2024-12 (default: the last with data)")
    parser.add_argument("--scale", default="large", help="demo city generated into an empty data directory")
    parser.add_argument("--reuse", default=None, help="a folder of an earlier run: compare again without running Xinzhi")
    args = parser.parse_args()

    work = args.reuse or tempfile.mkdtemp(prefix="xinzhi-duckdb-")
    ours_path = os.path.join(work, "cockpit.json")
    if not args.reuse:
        command = [args.bin, "bench", "cockpit", "--data", args.data, "--scale", args.scale, "--runs", str(args.runs),
                   "--json", ours_path, "--export", work]
        if args.month:
            command += ["--month", args.month]
        print("$", " ".join(command), flush=True)
        subprocess.run(command, check=True, env={**os.environ, "XINZHI_LOG": os.environ.get("XINZHI_LOG", "warn")})
    with open(ours_path, encoding="utf-8") as f:
        ours = json.load(f)
    cockpit = ours["cockpit"]
    month = int(ours["month"].replace("-", ""))

    con = duckdb.connect()
    con.execute(f"SET threads TO {os.cpu_count() or 2}")
    loaded = load(con, work)
    print(f"DuckDB {duckdb.__version__}: data loaded in {loaded:.1f} s (not timed below)")
    duck = Cockpit(con, month)
    widgets = {"headline": duck.headline, "counts": duck.counts, "trend": duck.trend, "monthly": duck.monthly,
               "breakdowns": duck.breakdowns, "alerts": duck.alerts}
    times = {name: [] for name in widgets}
    results = {}
    for run in range(max(3, args.runs // 3) + 1):
        for name, widget in widgets.items():
            started = time.perf_counter()
            results[name] = widget()
            if run > 0:
                times[name].append((time.perf_counter() - started) * 1000)

    check = Check()
    for h in cockpit["headline"]:
        code, d = h["indicator"]["code"], h["indicator"]["decimals"]
        theirs = results["headline"][code]
        for window, key in (("month", "month"), ("ytd", "year_to_date")):
            check.number(f"{code} {window} current", h[key]["current"], theirs[window][0], d)
            check.number(f"{code} {window} base", h[key]["previous"], theirs[window][1], d)
            check.number(f"{code} {window} growth %", h[key]["growth_pct"], growth(theirs[window]), 1)
        check.number(f"{code} nominal growth %", h["nominal_growth_pct"], growth(theirs["nominal"]), 1)
        two = growth(theirs["two_years"])
        two_year_average = ((1 + two / 100) ** 0.5 - 1) * 100 if two is not None and two > -100 else None
        check.number(f"{code} two-year average %", h["two_year_average_pct"], two_year_average, 1)
    c, theirs = cockpit["counts"], results["counts"]
    for key in ("above_scale", "entered", "exited", "loss_making"):
        check.number(f"count {key}", c[key], theirs[key], 0)
    check.number("loss", c["loss"], theirs["loss"], 1)
    for tier, n in c["new_designations"]:
        check.number(f"new {tier}", n, theirs["designations"][tier], 0)
    for point, (now, before) in zip(cockpit["trend"], results["trend"]):
        check.number(f"trend {point['month']}", point["growth_pct"], now, 1)
        check.number(f"trend last year {point['month']}", point["last_year_growth_pct"], before, 1)
    for point, theirs in zip(cockpit["monthly"], results["monthly"]):
        check.number(f"monthly {point['month']}", point["figure"]["current"], theirs[0], 1)
        check.number(f"monthly base {point['month']}", point["figure"]["previous"], theirs[1], 1)
    tier_rank = {t: i + 1 for i, t in enumerate(TIERS)}
    for b in cockpit["breakdowns"]:
        theirs = results["breakdowns"][b["dimension"]]
        for part in b["parts"]:
            unit = part["unit"]
            key = unit["id"] if b["dimension"] != "tier" else (tier_rank[unit["id"]] if unit["id"] else 0)
            n, cur, prev = theirs.get(key, (None, None, None))
            label = f"{b['dimension']} {part['code']}"
            check.number(f"{label} firms", part["firms"], n, 0)
            check.number(f"{label} current", part["figure"]["current"], cur, 1)
            check.number(f"{label} growth %", part["figure"]["growth_pct"], growth((cur, prev)) if cur is not None else None, 1)
        if len(b["parts"]) != len(theirs):
            check.failures.append(f"{b['dimension']}: {len(b['parts'])} parts, DuckDB {len(theirs)}")
    a, theirs = cockpit, results["alerts"]
    check.number("declines compared", a["declines"]["compared"], theirs["declines"][0], 0)
    check.number("declines ≤ −10%", a["declines"]["counts"][0][1], theirs["declines"][1], 0)
    check.number("declines ≤ −20%", a["declines"]["counts"][1][1], theirs["declines"][2], 0)
    check.number("power up, output down", a["electricity"]["power_up_output_down"]["count"], theirs["divergence"][0], 0)
    check.number("output up, power down", a["electricity"]["output_up_power_down"]["count"], theirs["divergence"][1], 0)
    check.number("not reporting", a["not_reporting"]["missing"], theirs["missing"], 0)
    check.number("declining 3 months running", a["streaks"]["count"], theirs["streaks"], 0)

    duck_total = sum(statistics.median(t) for t in times.values())
    ours_ms = statistics.median(ours["whole_ms"])
    print(f"\n{'widget':<12} {'DuckDB p50 ms':>14}")
    for name, t in times.items():
        print(f"{name:<12} {statistics.median(t):>14.1f}")
    print(f"{'whole':<12} {duck_total:>14.1f}")
    print(f"\nXinzhi's whole cockpit p50 {ours_ms:.2f} ms (its widgets include the outliers, which DuckDB does not run);")
    print(f"DuckDB {duck_total:.1f} ms for the same figures: Xinzhi is {duck_total / ours_ms:.1f}× faster.")
    print(f"{check.compared} numbers compared to the displayed precision: {len(check.failures)} differ.")
    for failure in check.failures[:40]:
        print("  DIFFERS:", failure)
    sys.exit(1 if check.failures else 0)


if __name__ == "__main__":
    main()

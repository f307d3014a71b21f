"""Both quota jobs against hand-written SQL computing the same numbers and candidate lists."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.db import connection

from assistance.models import QuotaPolicy
from certification.rules import RULESETS
from certification.states import FILED, RECOMMENDED_OR_LATER
from quotas.department_share import department_share_compute
from quotas.models import DepartmentShareSnapshot, TechShareSnapshot
from quotas.tech_share import (
    CLOSEST_CANDIDATES,
    baseline_of,
    tech_share_compute,
)

from .timing import Row, clock, median, sec

# The pool's open candidates (certification.selectors.pool.open_candidates): in the pool, not filed for
# the policy year, no registration valid on the day. Counted and ranked by today's managing district.
OPEN_POOL = """
    e.in_cultivation_pool
    AND NOT EXISTS (
        SELECT 1 FROM certification_application a
        WHERE a.enterprise_id = e.id AND a.evaluation_year = %(policy_year)s AND a.state = ANY(%(filed_states)s)
    )
    AND NOT EXISTS (
        SELECT 1 FROM certification_registration r
        WHERE r.enterprise_id = e.id AND r.valid_from <= %(day)s AND r.valid_until >= %(day)s
          AND r.revoked_at IS NULL
    )
"""

# One statement: the tech-share counts per managing district (with its open candidates), the new tech
# SMEs' breakdowns per district, and every department's agreements, new agreements, assisted
# enterprises and task.
QUOTA_SQL = f"""
WITH open_pool AS (
    SELECT e.managing_district_id AS district, count(*) AS n
    FROM enterprises_enterprise e WHERE {OPEN_POOL}
    GROUP BY e.managing_district_id
),
base AS (
    SELECT
        COALESCE(
            (SELECT m.from_district_id FROM enterprises_districtmove m
             WHERE m.enterprise_id = e.id AND m.moved_on > %(day)s ORDER BY m.moved_on, m.id LIMIT 1),
            e.managing_district_id
        ) AS district,
        COALESCE(e.origin, '') AS origin,
        COALESCE(e.founder_category, '') AS founder_category,
        COALESCE(c.name, '') AS cluster,
        EXISTS (
            SELECT 1 FROM certification_application a
            WHERE a.enterprise_id = e.id AND a.evaluation_year = %(policy_year)s
              AND a.state = ANY(%(filed_states)s) AND a.submitted_on <= %(day)s
        ) AS filed,
        EXISTS (
            SELECT 1 FROM certification_application a
            WHERE a.enterprise_id = e.id AND a.evaluation_year = %(policy_year)s
              AND a.state = ANY(%(recommended_states)s)
        ) AS recommended,
        EXISTS (
            SELECT 1 FROM certification_registration r
            WHERE r.enterprise_id = e.id AND r.valid_from <= %(day)s AND r.evaluation_year >= %(baseline_year)s
              AND (r.revoked_at IS NULL OR (r.revoked_at AT TIME ZONE %(tz)s)::date > %(day)s)
        ) AS registered,
        EXISTS (
            SELECT 1 FROM certification_registration r
            WHERE r.enterprise_id = e.id AND r.valid_from <= %(day)s AND r.valid_until >= %(day)s
              AND (r.revoked_at IS NULL OR (r.revoked_at AT TIME ZONE %(tz)s)::date > %(day)s)
        ) AS valid
    FROM enterprises_enterprise e
    LEFT JOIN enterprises_industrycluster c ON c.id = e.cluster_id
    WHERE e.established_on >= %(baseline)s AND e.established_on <= %(day)s
      AND e.credit_code LIKE '91%%'
),
this_year AS (
    SELECT g.department_id, g.enterprise_id, g.counts_as_new
    FROM assistance_assistanceagreement g
    WHERE g.year = %(year)s AND NOT g.archived
)
SELECT 'tech' AS kind, district AS scope, '' AS label,
       count(*), COALESCE((SELECT o.n FROM open_pool o WHERE o.district = base.district), 0),
       count(*) FILTER (WHERE filed),
       count(*) FILTER (WHERE recommended), count(*) FILTER (WHERE registered), count(*) FILTER (WHERE valid)
FROM base GROUP BY district
UNION ALL
SELECT 'origin', district, origin, count(*), 0, 0, 0, 0, 0 FROM base WHERE registered GROUP BY district, origin
UNION ALL
SELECT 'founder_category', district, founder_category, count(*), 0, 0, 0, 0, 0
FROM base WHERE registered GROUP BY district, founder_category
UNION ALL
SELECT 'cluster', district, cluster, count(*), 0, 0, 0, 0, 0 FROM base WHERE registered GROUP BY district, cluster
UNION ALL
SELECT 'department', d.id, '',
       (SELECT count(*) FROM this_year y WHERE y.department_id = d.id),
       (SELECT count(*) FROM this_year y WHERE y.department_id = d.id AND y.counts_as_new),
       (SELECT count(DISTINCT y.enterprise_id) FROM this_year y WHERE y.department_id = d.id),
       COALESCE((SELECT t.enterprises_to_assist FROM assistance_departmenttarget t
                 WHERE t.department_id = d.id AND t.year = %(year)s LIMIT 1), 0),
       0, 0
FROM assistance_department d
"""

# The tech-share job also ranks each district's open candidates by closeness (stored for the district
# dashboard); the baseline does the same in a second statement: latest submitted filing (else the
# officials' estimate), eligible first, then the fewest points short, then by name.
CLOSEST_SQL = f"""
SELECT district, id, name, source, score, eligible, distance FROM (
    SELECT e.managing_district_id AS district, e.id, e.name,
           CASE WHEN f.distance IS NOT NULL THEN 'filing' WHEN p.id IS NOT NULL THEN 'estimate' ELSE 'none' END
               AS source,
           CASE WHEN f.distance IS NOT NULL THEN f.score ELSE p.total_score END AS score,
           CASE WHEN f.distance IS NOT NULL THEN f.distance = 0 ELSE p.eligible END AS eligible,
           COALESCE(f.distance, p.distance) AS distance,
           row_number() OVER (
               PARTITION BY e.managing_district_id
               ORDER BY COALESCE(f.distance, p.distance) NULLS LAST, e.name, e.id
           ) AS place
    FROM enterprises_enterprise e
    LEFT JOIN certification_poolestimate p ON p.enterprise_id = e.id
    LEFT JOIN LATERAL (
        SELECT (a.snapshot #>> '{{evaluation,total_score}}')::integer AS score,
               CASE WHEN a.snapshot #> '{{evaluation,eligible}}' = 'true'::jsonb THEN 0
                    ELSE GREATEST(
                        %(pass_score)s - COALESCE((a.snapshot #>> '{{evaluation,total_score}}')::integer, 0), 1
                    )
               END AS distance
        FROM certification_application a
        WHERE a.enterprise_id = e.id AND a.submitted_on IS NOT NULL AND a.state <> 'withdrawn'
        ORDER BY a.evaluation_year DESC, a.submitted_on DESC, a.id DESC
        LIMIT 1
    ) f ON true
    WHERE {OPEN_POOL}
) ranked
WHERE place <= %(limit)s
ORDER BY district, place
"""
CLOSEST_KEYS = ("id", "name", "source", "score", "eligible", "distance")

TECH_FIELDS = ("newly_registered", "candidates", "filed", "recommended", "registered", "valid_registrations")


def sql_numbers(day: dt.date) -> dict:
    """The jobs' numbers from the single statement: {"tech": {district_id: counts, …}, "departments": {…}}."""
    policy = QuotaPolicy.for_year(day.year)
    params = {
        "policy_year": policy.year,
        "year": day.year,
        "day": day,
        "baseline": baseline_of(policy),
        "baseline_year": baseline_of(policy).year,
        "filed_states": list(FILED),
        "recommended_states": [str(state) for state in RECOMMENDED_OR_LATER],
        "tz": settings.TIME_ZONE,
    }
    tech: dict[int, dict] = {}
    breakdown: dict[int, dict[str, dict[str, int]]] = defaultdict(
        lambda: {"origin": {}, "founder_category": {}, "cluster": {}}
    )
    departments: dict[int, dict] = {}
    with connection.cursor() as cursor:
        cursor.execute(QUOTA_SQL, params)
        for kind, scope, label, *figures in cursor.fetchall():
            n1, n2, n3, n4 = figures[:4]
            if kind == "tech":
                tech[scope] = dict(zip(TECH_FIELDS, figures, strict=True))
            elif kind == "department":
                departments[scope] = {"agreements": n1, "new_agreements": n2, "assisted_enterprises": n3, "task": n4}
            else:
                breakdown[scope][kind][label] = n1
        (pass_score,) = {ruleset.pass_score for ruleset in RULESETS.values()}
        cursor.execute(CLOSEST_SQL, {**params, "pass_score": pass_score, "limit": CLOSEST_CANDIDATES})
        closest: dict[int, list[dict]] = defaultdict(list)
        for district, *values in cursor.fetchall():
            closest[district].append(dict(zip(CLOSEST_KEYS, values, strict=True)))
    for scope, counts in tech.items():
        counts["breakdown"] = {name: dict(sorted(values.items())) for name, values in breakdown[scope].items()}
    return {"tech": tech, "departments": departments, "closest": dict(closest)}


def job_numbers(day: dt.date) -> dict:
    """The same numbers as the jobs stored them (districts with no new enterprise left out, as in the SQL)."""
    tech = {}
    for snap in TechShareSnapshot.objects.filter(as_of=day, district__isnull=False):
        if snap.newly_registered:
            tech[snap.district_id] = {field: getattr(snap, field) for field in TECH_FIELDS}
            tech[snap.district_id]["breakdown"] = snap.breakdown
    departments = {
        snap.department_id: {
            "agreements": snap.agreements,
            "new_agreements": snap.new_agreements,
            "assisted_enterprises": snap.assisted_enterprises,
            "task": snap.task,
        }
        for snap in DepartmentShareSnapshot.objects.filter(year=day.year, as_of=day)
    }
    closest = {
        snap.district_id: snap.closest_candidates
        for snap in TechShareSnapshot.objects.filter(as_of=day, district__isnull=False)
        if snap.closest_candidates
    }
    return {"tech": tech, "departments": departments, "closest": closest}


def run_jobs(day: dt.date) -> None:
    tech_share_compute(day=day)
    department_share_compute(year=day.year, day=day)


def measure(day: dt.date, repeat: int) -> tuple[list[Row], str]:
    """Warm both once, then alternate job and SQL ``repeat`` times; compare medians and the numbers."""
    run_jobs(day)
    sql_numbers(day)
    jobs, sqls = [], []
    for _ in range(repeat):
        jobs.append(clock(lambda: run_jobs(day))[0])
        sqls.append(clock(lambda: sql_numbers(day))[0])
    by_sql, by_job = sql_numbers(day), job_numbers(day)
    agree = by_sql == by_job
    note = (
        f"numbers and candidate lists agree: {agree} ({len(by_job['tech'])} districts, "
        f"{len(by_job['departments'])} departments, {len(by_job['closest'])} candidate lists"
    )
    if agree:
        registered = sum(row["registered"] for row in by_job["tech"].values())
        newly = sum(row["newly_registered"] for row in by_job["tech"].values())
        note += f"; city: {registered} registered of {newly} newly registered)"
    else:
        note += ")\n  job: " + repr(by_job)[:2000] + "\n  sql: " + repr(by_sql)[:2000]
    ratio = median(jobs) / median(sqls)
    row = Row(
        what=f"quota jobs (tech share + department share), median of {repeat}",
        value=sec(median(jobs)),
        baseline="hand-written SQL (numbers; ranked pool)",
        baseline_value=sec(median(sqls)),
        ratio=ratio,
        target="<= 1.5x",
        met=ratio <= 1.5 and agree,
    )
    return [row], note

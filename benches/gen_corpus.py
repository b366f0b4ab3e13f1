#!/usr/bin/env python3
"""Generate a deterministic launch repository for benchmarking launchcheck.

    python3 benches/gen_corpus.py OUT_DIR --launches N --plans M --seed S [--violations 0.1]
                                 [--incidents K]

Writes, under OUT_DIR:

    launchcheck.toml                     [time] timezone = "UTC"
    people.toml                          roster of 200 people with can_approve
    plans/plan-XXXX.toml                 M healthy, complete response plans (RP-XXXX),
                                         services svc-XXXX-a and svc-XXXX-b
    launches/<YYYY-MM>/LR-XXXXXX.toml    N launch requests (~2 KB each) with every
                                         section of the launch request format, sharded by window month
    incidents/<YYYY-MM>/INC-XXXXXX.toml  K resolved incident records of 2026 (default 0), each
                                         handled by its plan's role holders, with a complete
                                         postmortem whose actions are done
    corpus-manifest.json                 what was injected: each violating launch with the
                                         rule codes it should trigger, and the overlapping
                                         window pairs (LC111) that occur by chance

Launch windows (1-4 h) are spread over 2027, so change collisions are rare but
present. A fraction `--violations` of the launches carry exactly one deliberate,
realistic violation (see VIOLATIONS); all other launches and all plans are meant to
pass every rule of the embedded default policy when checked with
`--now 2026-12-01T00:00:00Z` (plans carry passed drills dated through 2027 so that
every window has one within 180 days).

Determinism: everything comes from random.Random(seed), iteration is in a fixed
order and nothing depends on the clock or the environment, so the same arguments
give byte-identical output. Python 3.11+ standard library only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import sys

# ---------------------------------------------------------------------------
# constants

RECOMMENDED_NOW = "2026-12-01T00:00:00Z"
YEAR_START = dt.datetime(2027, 1, 1)  # naive = UTC
YEAR_SLOTS = 365 * 48  # 30-minute slots in 2027

RISKS = ["low", "medium", "high", "critical"]
RISK_WEIGHTS = [30, 35, 25, 10]
REQUIRED = {
    "low": ["service-owner"],
    "medium": ["service-owner", "ops"],
    "high": ["service-owner", "ops", "qa", "security"],
    "critical": ["service-owner", "ops", "qa", "security", "change-board"],
}
MIN_LEAD_DAYS = {"low": 1, "medium": 3, "high": 7, "critical": 7}

# (violation name, rule codes it should trigger)
VIOLATIONS = {
    "missing-approval": ["LC103"],
    "untested-rollback": ["LC102"],
    "long-window": ["LC105"],
    "typo-rolback": ["LC003", "LC102"],
    "missing-response-plan": ["LC101"],
    "self-approval": ["LC104"],
    "late-submission": ["LC107"],
    "local-datetime": ["LC003"],
}
VIOLATION_NAMES = list(VIOLATIONS)  # fixed order

# offsets used to render a launch's datetimes: (suffix, minutes east of UTC)
UTC = ("Z", 0)
OFFSETS = [("+08:00", 480)] * 6 + [("Z", 0)] * 2 + [("+01:00", 60), ("-05:00", -300)]

FIRST = [
    "wei", "fang", "lei", "jing", "min", "tao", "yan", "hui", "jun", "ling",
    "alice", "bob", "carol", "dave", "erin", "frank", "gina", "hank", "ivy", "jack",
    "kate", "leo", "mia", "nora", "oscar", "paul", "quinn", "rosa", "sam", "tina",
]
LAST = [
    "zhang", "wang", "li", "liu", "chen", "yang", "huang", "zhao", "wu", "zhou",
    "xu", "sun", "ma", "zhu", "hu", "guo", "he", "lin", "luo", "gao",
    "smith", "jones", "garcia", "miller", "davis", "lopez", "wilson", "moore", "clark", "lewis",
]

# roster composition: (team, can_approve, count) — 200 people
ROSTER_GROUPS = [
    ("engineering", [], 90),
    ("communications", [], 8),
    ("legal", [], 6),
    ("service-owners", ["service-owner"], 40),
    ("sre", ["ops"], 25),
    ("qa", ["qa"], 15),
    ("security", ["security"], 10),
    ("change-board", ["change-board"], 5),
    ("leadership", ["cto", "change-board"], 1),
]

COMPONENTS = [
    "checkout", "ledger", "search", "catalog", "pricing", "inventory", "auth", "profile",
    "notifications", "billing", "recommendations", "shipping", "reporting", "gateway",
]
CHANGES = [
    ("Upgrade {c} to {v}", "upgrade the {c} service to {v} with the fixes from the last two sprints"),
    ("Enable the new {c} cache layer", "turn on the read-through cache in front of the {c} database"),
    ("Migrate {c} to the new DB cluster", "dual-write {c} data to the new cluster, backfill, then switch reads"),
    ("Roll out {c} rate limits", "apply per-tenant rate limits to the {c} public endpoints"),
    ("Rotate {c} TLS certificates", "replace the {c} TLS certificates before they expire"),
    ("Tune {c} connection pools", "raise the {c} connection pool size and lower the idle timeout"),
    ("Ship {c} feature flag cleanup", "remove dead feature flags from {c} and delete the unused code paths"),
    ("Reindex {c} data", "rebuild the {c} index with the new analyzer and switch the alias"),
]
IMPACTS = [
    "users of {c} may see one retry during pod restarts; no data migration on the critical path",
    "internal dashboards that read from {c} are briefly stale; customer traffic is unaffected",
    "all {c} traffic moves through the canary pool first; merchants see no API change",
    "batch jobs that depend on {c} are paused for the length of the window and resume afterwards",
]
APPROVAL_NOTES = [
    "Capacity checked for the expected peak.", "Rollback rehearsal reviewed; looks good.",
    "Test report reviewed (测试报告已审核).", "OK once the on-call is confirmed.",
]
CHANNELS = ["#launches", "#sre", "#release-train", "#platform", "#oncall"]
GROUPS = ["customer-support", "sales", "finance", "merchant-support", "sre-oncall", "data-platform"]
DRILL_TYPES = ["tabletop", "walkthrough", "simulation", "game-day", "full-scale"]
SCENARIOS = [
    "Primary database failover", "Loss of one availability zone", "Bad config pushed to all pods",
    "Certificate expiry on the public endpoint", "Dependency outage during peak traffic",
    "Queue backlog after a consumer crash",
]

# ---------------------------------------------------------------------------
# small helpers


def fmt_dt(utc: dt.datetime, off: tuple[str, int] | None) -> str:
    """Render a UTC instant as a TOML offset datetime (or a local one if off is None)."""
    if off is None:
        return utc.strftime("%Y-%m-%dT%H:%M:%S")
    suffix, minutes = off
    return (utc + dt.timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%S") + suffix


def fmt_date(d: dt.date) -> str:
    return d.strftime("%Y-%m-%d")


def q(s: str) -> str:
    """TOML basic string (the generated text never needs more than these escapes)."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def qlist(items: list[str]) -> str:
    return "[" + ", ".join(q(i) for i in items) + "]"


# ---------------------------------------------------------------------------
# roster


def make_roster(rng: random.Random) -> tuple[str, dict[str, list[str]]]:
    combos = [(f, l) for f in FIRST for l in LAST]
    total = sum(n for _, _, n in ROSTER_GROUPS)
    chosen = rng.sample(combos, total)
    pools: dict[str, list[str]] = {}
    out = [
        "#:schema .launchcheck/schemas/roster.schema.json",
        "# generated by benches/gen_corpus.py",
        'kind = "roster"',
        "",
    ]
    i = 0
    seen: set[str] = set()
    for team, roles, n in ROSTER_GROUPS:
        for _ in range(n):
            first, last = chosen[i]
            i += 1
            handle = first + last  # a bare TOML key, e.g. weizhang
            assert handle not in seen, handle
            seen.add(handle)
            pools.setdefault(team, []).append(handle)
            for r in roles:
                pools.setdefault(r, []).append(handle)
            out.append(f"[people.{handle}]")
            out.append(f"name = {q(first.capitalize() + ' ' + last.capitalize())}")
            out.append(f"email = {q(first + '.' + last + '@example.com')}")
            # Contacts are verified, so role holders pass contact-current (no rng draw: the
            # rest of the corpus stays as it was).
            out.append(f"phone = {q(f'+86 138 {i // 10000:04d} {i % 10000:04d}')}")
            out.append("contact_verified_on = 2026-11-01")
            out.append(f"teams = {qlist([team])}")
            out.append(f"can_approve = {qlist(roles)}")
            out.append("")
    return "\n".join(out), pools


# ---------------------------------------------------------------------------
# incidents


def render_incident(rng: random.Random, idx: int, plan: dict) -> tuple[str, str]:
    """A resolved incident of 2026 that passes every incident rule."""
    iid = f"INC-{idx:06d}"
    detected = dt.datetime(2026, 1, 1) + dt.timedelta(minutes=rng.randrange(0, 320 * 24 * 60))
    severity = rng.choice(["sev2", "sev3"])
    resolved = detected + dt.timedelta(minutes=rng.randint(30, 240))
    holders = plan["holders"]
    o = [
        "#:schema ../../.launchcheck/schemas/incident.schema.json",
        "# generated by benches/gen_corpus.py: a resolved incident with its postmortem",
        'kind = "incident"',
        f"id = {q(iid)}",
        f"title = {q(plan['component'] + ' errors')}",
        f"services = {qlist([rng.choice(plan['services'])])}",
        f"severity = {q(severity)}",
        'status = "closed"',
        f"response_plan = {q(plan['id'])}",
        f"detected_at = {fmt_dt(detected, UTC)}",
        f"acknowledged_at = {fmt_dt(detected + dt.timedelta(minutes=rng.randint(2, 15)), UTC)}",
        f"resolved_at = {fmt_dt(resolved, UTC)}",
        "",
        "[roles]",
    ]
    for role, pair in holders.items():
        o.append(f"{role} = {q(rng.choice(pair))}")
    o += [
        "",
        "[[timeline]]",
        f"at = {fmt_dt(detected, UTC)}",
        'phase = "identify"',
        'what = "Alert fired"',
        "",
        "[postmortem]",
        f"held_on = {fmt_date((resolved + dt.timedelta(days=2)).date())}",
        f"report = {q(f'https://wiki.example.com/pm/{iid}')}",
        'root_cause = "A configuration drift between regions"',
        "",
        "[[postmortem.actions]]",
        'action = "Alert on configuration drift"',
        f"owner = {q(holders['tech-lead'][0])}",
        f"due = {fmt_date((resolved + dt.timedelta(days=14)).date())}",
        "done = true",
    ]
    return detected.strftime("%Y-%m"), "\n".join(o)


# ---------------------------------------------------------------------------
# plans


def make_plan(rng: random.Random, idx: int, pools) -> tuple[dict, str]:
    pid = f"{idx:04d}"
    plan = {
        "id": f"RP-{pid}",
        "services": [f"svc-{pid}-a", f"svc-{pid}-b"],
        "owner": rng.choice(pools["service-owner"]),
        "component": rng.choice(COMPONENTS),
    }
    ic = rng.sample(pools["ops"], 2)
    tl = rng.sample(pools["engineering"], 2)
    comms = rng.sample(pools["communications"], 2)
    legal = rng.sample(pools["legal"], 2)
    plan["tech_lead"] = tl[0]
    plan["holders"] = {"incident-commander": ic, "tech-lead": tl, "communications": comms}
    c = plan["component"]
    o = [
        "#:schema ../.launchcheck/schemas/response-plan.schema.json",
        "# generated by benches/gen_corpus.py: a healthy, complete response plan",
        'kind = "response-plan"',
        f"id = {q(plan['id'])}",
        f"title = {q(f'svc-{pid} ({c}) emergency response plan')}",
        f"services = {qlist(plan['services'])}",
        f"owner = {q(plan['owner'])}",
        f"reviewed_on = 2026-{rng.randint(9, 11):02d}-{rng.randint(1, 28):02d}",
        "rto_minutes = 30",
        "rpo_minutes = 5",
        "",
    ]
    for role, (p, b) in (
        ("incident-commander", ic),
        ("tech-lead", tl),
        ("communications", comms),
        ("legal", legal),
    ):
        o += [f"[roles.{role}]", f"primary = {q(p)}", f"backup = {q(b)}", ""]
    for level, resp, upd, notify, crit in (
        ("sev1", 15, 30, ["incident-commander", "tech-lead", "communications", "legal"],
         f"{c} unavailable or returning errors for more than 5% of requests"),
        ("sev2", rng.choice([20, 30]), 60, ["incident-commander", "tech-lead", "communications"],
         f"{c} p99 latency above 2 s for 10 minutes"),
        ("sev3", rng.choice([120, 240]), 240, ["tech-lead"],
         f"{c} degraded without customer impact"),
    ):
        o += [
            "[[severity]]",
            f"level = {q(level)}",
            f"criteria = {q(crit)}",
            f"respond_within_minutes = {resp}",
            f"update_every_minutes = {upd}",
            f"notify = {qlist(notify)}",
            "",
        ]
    first = rng.choice([5, 10, 15])
    for after, to in ((first, ic[1]), (first + 15, tl[0]), (first + 45, plan["owner"])):
        o += ["[[escalation]]", f"after_minutes = {after}", f"to = {q(to)}", ""]
    o += [
        "[procedure]",
        f"identify  = {qlist([f'Alert fires on {c} error rate or latency', 'On-call confirms the impact on the dashboard'])}",
        f"report    = {qlist(['Page the incident commander', 'Open the incident channel'])}",
        f"respond   = {qlist(['Freeze deploys', 'Roll back the last launch if it correlates', 'Fail over if the primary is degraded'])}",
        f"analyze   = {qlist(['Collect traces and metrics; find the root cause (根因分析)'])}",
        f"remediate = {qlist(['Ship the fix or keep the rollback'])}",
        f"review    = {qlist(['Blameless postmortem within 5 business days'])}",
        "",
    ]
    # passed drills roughly every four months from autumn 2026 to autumn 2027, so
    # that every 2027 window has a passed drill less than 180 days before it
    for year, month in ((2026, 10), (2027, 2), (2027, 6), (2027, 10)):
        date = dt.date(year, month, rng.randint(1, 28))
        o += [
            "[[drills]]",
            f"date = {fmt_date(date)}",
            f"type = {q(rng.choice(DRILL_TYPES))}",
            f"scenario = {q(rng.choice(SCENARIOS))}",
            'outcome = "passed"',
            f"participants = {qlist([ic[0], tl[0], comms[0]])}",
            f"report = {q(f'https://wiki.example.com/drills/{pid}/{fmt_date(date)}')}",
            "",
            "[[drills.actions]]",
            f"action = {q('Update the runbook with the drill findings')}",
            f"owner = {q(tl[1])}",
            f"due = {fmt_date(date + dt.timedelta(days=30))}",
            "done = true",  # nothing overdue, whatever --now is
            "",
        ]
    return plan, "\n".join(o)


# ---------------------------------------------------------------------------
# launches


def plan_launches(rng: random.Random, n: int, plans: list[dict], pools, n_viol: int):
    """Decide the skeleton of every launch: plan, services, window, risk, violation."""
    slots = sorted(rng.randrange(YEAR_SLOTS - 48) for _ in range(n))
    viol_idx = sorted(rng.sample(range(n), n_viol))
    viol_of = {i: rng.choice(VIOLATION_NAMES) for i in viol_idx}
    launches = []
    for i in range(n):
        v = viol_of.get(i)
        plan = plans[rng.randrange(len(plans))]
        svc = rng.choice([[plan["services"][0]], [plan["services"][1]], plan["services"]])
        if v in ("untested-rollback",):
            risk = rng.choice(["high", "critical"])
        elif v == "missing-response-plan":
            risk = rng.choice(["medium", "high", "critical"])
        else:
            risk = rng.choices(RISKS, RISK_WEIGHTS)[0]
        hours = rng.randint(9, 12) if v == "long-window" else rng.choice([1, 1.5, 2, 2, 3, 4])
        start = YEAR_START + dt.timedelta(minutes=30 * slots[i])
        end = start + dt.timedelta(minutes=int(hours * 60))
        if v in ("missing-approval", "self-approval"):
            status = "approved"
        elif v:  # cancelled requests are records: most rules skip them
            status = rng.choices(["approved", "submitted", "draft"], [80, 15, 5])[0]
        else:
            status = rng.choices(["approved", "submitted", "draft", "cancelled"], [75, 17, 5, 3])[0]
        if risk == "low" and rng.random() < 0.5:
            change_type = "standard"
        elif v != "late-submission" and rng.random() < 0.03:
            change_type = "emergency"
        else:
            change_type = "normal"
        launches.append({
            "i": i, "id": f"LR-{i + 1:06d}", "plan": plan, "services": svc, "risk": risk,
            "start": start, "end": end, "status": status, "change_type": change_type,
            "violation": v,
        })
    # dependencies: an earlier, non-cancelled launch that ends before this one starts
    for L in launches:
        i = L["i"]
        L["depends_on"] = None
        if i > 0 and rng.random() < 0.15:
            j = rng.randrange(max(0, i - 40), i)
            D = launches[j]
            if D["status"] != "cancelled" and D["end"] <= L["start"]:
                L["depends_on"] = D["id"]
    return launches


def render_launch(rng: random.Random, L: dict, pools) -> str:
    plan, risk, v = L["plan"], L["risk"], L["violation"]
    start, end = L["start"], L["end"]
    off = rng.choice(OFFSETS)
    c = plan["component"]
    version = f"{rng.randint(1, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 20)}"
    title_t, summary_t = rng.choice(CHANGES)
    requester = rng.choice(pools["engineering"])
    owner = plan["owner"]
    if v == "self-approval":
        requester = owner  # the service owner files the request and approves it
    lead_days = MIN_LEAD_DAYS[risk] + rng.randint(3, 25)
    if v == "late-submission":
        submitted = start - dt.timedelta(hours=rng.randint(2, 20))
    else:
        submitted = start - dt.timedelta(days=lead_days, hours=rng.randint(0, 8))
    announced = start - dt.timedelta(hours=rng.randint(26, 24 * 6))
    win_min = int((end - start).total_seconds() // 60)
    n_steps = rng.randint(2, 4)
    rb_min = rng.choice([5, 10, 15, 20])
    per = max(5, (int(win_min * 0.8) - rb_min) // n_steps // 5 * 5)
    irreversible_at = rng.randrange(n_steps) if rng.random() < 0.1 else -1
    step_owners = [requester, plan["tech_lead"]]

    o = [
        "#:schema ../../.launchcheck/schemas/launch-request.schema.json",
        "# generated by benches/gen_corpus.py",
        'kind = "launch-request"',
        f"id = {q(L['id'])}",
        f"title = {q(title_t.format(c=c, v=version))}",
        f"services = {qlist(L['services'])}",
        f"version = {q(version)}",
        'environment = "production"',
        f"change_type = {q(L['change_type'])}",
        f"risk = {q(risk)}",
        f"status = {q(L['status'])}",
        f"requester = {q(requester)}",
        f"owner = {q(owner)}",
        f"submitted_at = {fmt_dt(submitted, off)}",
    ]
    if v != "missing-response-plan":
        o.append(f"response_plan = {q(plan['id'])}")
    if L["depends_on"]:
        o.append(f"depends_on = {qlist([L['depends_on']])}")
    o += [
        f"summary = {q('变更内容: ' + summary_t.format(c=c, v=version) + '; tracked in ' + f'CHG-{rng.randint(1000, 99999)}.')}",
        f"impact = {q('影响范围: ' + rng.choice(IMPACTS).format(c=c))}",
        "",
        "[window]",
        f"start = {fmt_dt(start, None if v == 'local-datetime' else off)}",
        f"end   = {fmt_dt(end, off)}",
        "",
        "[rollout]",
    ]
    if risk in ("high", "critical"):
        strategy = rng.choice(["canary", "phased", "blue-green"])
    else:
        strategy = rng.choice(["all-at-once", "canary", "phased", "blue-green"])
    o.append(f"strategy = {q(strategy)}")
    if strategy in ("canary", "phased"):
        o.append(f"stages = {rng.choice(['[5, 25, 100]', '[10, 50, 100]', '[25, 100]'])}")
    o.append("")
    svc0 = L["services"][0]
    first_step = {
        "all-at-once": f"Deploy {version} to all pods of {svc0}",
        "canary": f"Deploy {version} to the canary pool of {svc0}",
        "phased": f"Deploy {version} to the first phase of {svc0} pods",
        "blue-green": f"Deploy {version} to the idle (green) pool of {svc0}",
    }[strategy]
    step_texts = [
        first_step,
        "Watch error rate, latency and saturation on the dashboard for 15 minutes",
        f"Complete the rollout of {version} and drain the old pods",
        "Run the post-deploy smoke tests and close the change ticket",
    ]
    for s in range(n_steps):
        o += ["[[steps]]", f"action = {q(step_texts[s])}", f"owner = {q(rng.choice(step_owners))}",
              f"minutes = {per}"]
        if s == irreversible_at:
            o.append("irreversible = true")
        o.append("")
    o += [
        "[rolback]" if v == "typo-rolback" else "[rollback]",
        f"steps = {qlist(['Shift traffic back to the previous release', 'Redeploy the last good image', 'Confirm the error rate is back to baseline'])}",
        f"minutes = {rb_min}",
        f"owner = {q(owner)}",
    ]
    if v != "untested-rollback":
        o.append(f"tested_on = {fmt_date((start - dt.timedelta(days=rng.randint(2, 40))).date())}")
    o.append(f"triggers = {qlist(['5xx rate > 2% for 5 min', 'p99 latency doubles for 10 min'])}")
    if irreversible_at >= 0:
        o.append(f"backup = {q('snapshot ' + plan['services'][0] + '-' + fmt_date(start.date()))}")
    o += [
        "",
        "[testing]",
        "passed = true",
        f"report = {q('https://ci.example.com/' + L['services'][0] + '/runs/' + str(rng.randint(10000, 999999)))}",
        f"signed_off_by = {q(rng.choice(pools['qa']))}",
        "",
        "[[verification]]",
        f"check = {q(f'p99 latency of {c} < {rng.choice([200, 300, 500])} ms')}",
        f"rollback_if = {q('p99 latency > 1 s for 10 min')}",
        "",
    ]
    if rng.random() < 0.5:
        o += [
            "[[verification]]",
            f"check = {q(f'error rate of {c} within 0.1 points of the previous week')}",
            f"rollback_if = {q('5xx rate > 2% for 5 min')}",
            "",
        ]
    o += [        "[communication]",
        f"announced_at = {fmt_dt(announced, off)}",
        f"channels = {qlist(rng.sample(CHANNELS, 2))}",
        f"notify = {qlist(rng.sample(GROUPS, rng.randint(1, 2)))}",
        "",
    ]
    # approvals: one per required role, distinct people, between submission and the window
    roles = list(REQUIRED[risk])
    if L["status"] == "draft":
        roles = []
    elif L["status"] == "submitted":
        roles = roles[: rng.randint(0, len(roles))]
    elif v == "missing-approval":
        roles.pop(rng.randrange(len(roles)))
    span = max(1, int((start - submitted).total_seconds() // 60) - 1)
    times = sorted(rng.randrange(span) for _ in roles)
    for role, t in zip(roles, times):
        if role == "service-owner":
            by = owner
        else:
            by = rng.choice(pools[role])
        o += [
            "[[approvals]]",
            f"role = {q(role)}",
            f"by = {q(by)}",
            f"at = {fmt_dt(submitted + dt.timedelta(minutes=t), off)}",
            'decision = "approved"',
        ]
        if rng.random() < 0.3:
            o.append(f"note = {q(rng.choice(APPROVAL_NOTES))}")
        o.append("")
    if L["change_type"] == "emergency":
        o += [
            "[emergency]",
            f"reason = {q(f'Hotfix for CVE-2027-{rng.randint(1000, 49999)} in {c}')}",
            f"incident = {q(f'INC-{rng.randint(10000, 99999)}')}",
            "",
        ]
    return "\n".join(o)


def find_collisions(launches: list[dict]) -> list[list[str]]:
    """Pairs of active launches sharing a service with overlapping [start, end) windows."""
    by_svc: dict[str, list[dict]] = {}
    for L in launches:
        if L["status"] != "cancelled":
            for s in L["services"]:
                by_svc.setdefault(s, []).append(L)
    pairs = set()
    for s in sorted(by_svc):
        ls = sorted(by_svc[s], key=lambda x: (x["start"], x["id"]))
        for a in range(len(ls)):
            for b in range(a + 1, len(ls)):
                if ls[b]["start"] >= ls[a]["end"]:
                    break
                pairs.add((ls[a]["id"], ls[b]["id"]))
    return [list(p) for p in sorted(pairs)]


def dump_manifest(m: dict) -> str:
    """JSON with one violation / collision per line (diff-friendly, compact)."""
    lines = ["{"]
    for k in ("seed", "now", "launches", "plans"):
        lines.append(f"  {json.dumps(k)}: {json.dumps(m[k])},")
    for k, last in (("violations", False), ("collisions", True)):
        items = [json.dumps(x, ensure_ascii=False) for x in m[k]]
        body = ",\n    ".join(items)
        lines.append(f"  {json.dumps(k)}: [" + (f"\n    {body}\n  ]" if items else "]") + ("" if last else ","))
    lines.append("}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir", metavar="OUT_DIR")
    ap.add_argument("--launches", type=int, default=1000, metavar="N")
    ap.add_argument("--plans", type=int, default=10, metavar="M")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--violations", type=float, default=0.1, metavar="FRACTION",
                    help="fraction of launches with one deliberate violation (default 0.1)")
    ap.add_argument("--incidents", type=int, default=0, metavar="K",
                    help="resolved incident records to write (default 0)")
    ap.add_argument("--force", action="store_true",
                    help="replace the launches/ and plans/ of an existing OUT_DIR")
    a = ap.parse_args(argv)
    if a.launches < 0 or a.plans < 1 or not (0.0 <= a.violations <= 1.0) or a.plans > 9999:
        ap.error("need --launches >= 0, 1 <= --plans <= 9999 and 0 <= --violations <= 1")

    out = a.out_dir
    if os.path.isdir(out) and os.listdir(out):
        if not a.force:
            ap.error(f"{out} is not empty (use --force to replace its launches/ and plans/)")
        for sub in ("launches", "plans", "incidents"):
            shutil.rmtree(os.path.join(out, sub), ignore_errors=True)
    os.makedirs(out, exist_ok=True)

    rng = random.Random(a.seed)
    files = 0
    total = 0
    launch_bytes = 0

    def write(rel: str, text: str) -> int:
        nonlocal files, total
        data = (text.rstrip("\n") + "\n").encode("utf-8")
        with open(os.path.join(out, rel), "wb") as f:
            f.write(data)
        files += 1
        total += len(data)
        return len(data)

    write("launchcheck.toml",
          "#:schema .launchcheck/schemas/config.schema.json\n"
          "# generated by benches/gen_corpus.py; check with --now " + RECOMMENDED_NOW + "\n"
          "[time]\ntimezone = \"UTC\"\n")
    roster_text, pools = make_roster(rng)
    write("people.toml", roster_text)

    os.makedirs(os.path.join(out, "plans"), exist_ok=True)
    plans = []
    for p in range(1, a.plans + 1):
        plan, text = make_plan(rng, p, pools)
        plans.append(plan)
        write(f"plans/plan-{p:04d}.toml", text)

    n_viol = round(a.launches * a.violations)
    launches = plan_launches(rng, a.launches, plans, pools, n_viol)
    made_dirs = set()
    for L in launches:
        shard = L["start"].strftime("%Y-%m")
        if shard not in made_dirs:
            os.makedirs(os.path.join(out, "launches", shard), exist_ok=True)
            made_dirs.add(shard)
        L["path"] = f"launches/{shard}/{L['id']}.toml"
        launch_bytes += write(L["path"], render_launch(rng, L, pools))

    # Incidents draw from their own generator, so adding them leaves the launches as they were.
    incident_rng = random.Random(a.seed + 1_000_003)
    for k in range(1, a.incidents + 1):
        shard, text = render_incident(incident_rng, k, incident_rng.choice(plans))
        os.makedirs(os.path.join(out, "incidents", shard), exist_ok=True)
        write(f"incidents/{shard}/INC-{k:06d}.toml", text)

    manifest = {
        "seed": a.seed,
        "now": RECOMMENDED_NOW,
        "launches": a.launches,
        "plans": a.plans,
        "violations": [
            {"path": L["path"], "id": L["id"], "violation": L["violation"],
             "codes": VIOLATIONS[L["violation"]]}
            for L in launches if L["violation"]
        ],
        "collisions": find_collisions(launches),
    }
    write("corpus-manifest.json", dump_manifest(manifest))

    avg = launch_bytes / a.launches if a.launches else 0
    print(f"gen_corpus: wrote {files} files ({a.launches} launches, {a.plans} plans, "
          f"{a.incidents} incidents, {n_viol} violations, {len(manifest['collisions'])} collisions) to {out}: "
          f"{total} bytes, avg launch {avg:.0f} bytes, seed {a.seed}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

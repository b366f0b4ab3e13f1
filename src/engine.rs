//! Runs the rules over the index: launch rules per launch, plan rules per plan and incident
//! rules per incident in parallel, plan rules again in each linking launch's context, repository rules once; then
//! resolves each finding's level from the policy that applies to its file.

use foldhash::{HashMap, HashSet};

use rayon::prelude::*;

use crate::diagnostic::{Finding, Level};
use crate::document::Seg;
use crate::git::History;
use crate::index::{LaunchEntry, Repo};
use crate::model::Status;
use crate::rules::{Check, Group, IncidentCx, LaunchCx, PlanCx, Registered, Rule, REGISTRY};

/// A plan rule's check, and whether it is judged again for each launch that links the plan.
type PlanCheck = fn(&PlanCx<'_, '_>, &mut Vec<Finding>);

/// Runs every rule `wanted` accepts and returns the findings with their configured levels.
pub fn run(repo: &Repo<'_>, wanted: &(dyn Fn(&Rule) -> bool + Sync)) -> Vec<Finding> {
    // The repository-wide rules walk every document on one thread: they run beside the
    // per-document rules rather than after them.
    let (mut findings, per_document) =
        rayon::join(|| repo_rules(repo, wanted), || document_rules(repo, wanted));
    findings.extend(per_document);
    resolve_levels(repo, findings)
}

/// The rules that judge the repository as a whole (duplicate ids, the roster, cycles…).
fn repo_rules(repo: &Repo<'_>, wanted: &(dyn Fn(&Rule) -> bool + Sync)) -> Vec<Finding> {
    let base = &repo.policy.base;
    let mut findings: Vec<Finding> = Vec::new();
    for Registered { rule, check } in REGISTRY {
        if let Check::Repo(check) = check {
            if wanted(rule) && (!rule.is_configurable() || base.level(rule).is_some()) {
                check(repo, &mut findings);
            }
        }
    }
    findings
}

/// The rules that judge one plan, launch or incident at a time, in parallel: the plans'
/// findings, then the launches', then the incidents'.
fn document_rules(repo: &Repo<'_>, wanted: &(dyn Fn(&Rule) -> bool + Sync)) -> Vec<Finding> {
    let base = &repo.policy.base;
    let plan_rules: Vec<(&'static Rule, PlanCheck, bool)> = REGISTRY
        .iter()
        .filter(|r| wanted(r.rule))
        .filter_map(|r| match r.check {
            Check::Plan(check) => Some((r.rule, check, false)),
            Check::PlanInLaunchContext(check) => Some((r.rule, check, true)),
            _ => None,
        })
        .collect();

    let mut plan_findings: Vec<Vec<Finding>> = repo
        .plans
        .par_iter()
        .map(|plan| {
            let cx = PlanCx {
                repo,
                plan,
                rules: base,
                at: repo.clock.now,
                launch: None,
            };
            let mut out = Vec::new();
            for &(rule, check, _) in &plan_rules {
                if base.level(rule).is_some() {
                    check(&cx, &mut out);
                }
            }
            out
        })
        .collect();

    // What each plan already fails on its own, so a launch is told only what fails there.
    let known: Vec<HashSet<(&'static str, String)>> = plan_findings
        .iter()
        .map(|fs| fs.iter().map(|f| (f.rule.code, f.key.clone())).collect())
        .collect();
    let plan_index: HashMap<usize, usize> = repo
        .plans
        .iter()
        .enumerate()
        .map(|(i, p)| (p.doc.file, i))
        .collect();

    let launch_findings: Vec<Vec<Finding>> = repo
        .launches
        .par_iter()
        .filter(|entry| !entry.model.status.is_closed() && repo.in_scope(entry.doc.file))
        .map(|entry| {
            let mut out = Vec::new();
            let cx = LaunchCx { repo, entry };
            for Registered { rule, check } in REGISTRY {
                if let Check::Launch(check) = check {
                    if wanted(rule) && entry.rules.level(rule).is_some() {
                        check(&cx, &mut out);
                    }
                }
            }
            plan_in_launch_context(repo, entry, &plan_rules, &known, &plan_index, &mut out);
            out
        })
        .collect();

    let incident_findings: Vec<Vec<Finding>> = repo
        .incidents
        .par_iter()
        .filter(|entry| repo.in_scope(entry.doc.file))
        .map(|entry| {
            let cx = IncidentCx {
                repo,
                entry,
                at: repo.incident_reference_instant(entry),
            };
            let mut out = Vec::new();
            for Registered { rule, check } in REGISTRY {
                if let Check::Incident(check) = check {
                    if wanted(rule) && base.level(rule).is_some() {
                        check(&cx, &mut out);
                    }
                }
            }
            out
        })
        .collect();

    let mut findings: Vec<Finding> = plan_findings.drain(..).flatten().collect();
    findings.extend(launch_findings.into_iter().flatten());
    findings.extend(incident_findings.into_iter().flatten());
    findings
}

fn plan_in_launch_context<'a>(
    repo: &Repo<'a>,
    entry: &LaunchEntry<'a>,
    plan_rules: &[(&'static Rule, PlanCheck, bool)],
    known: &[HashSet<(&'static str, String)>],
    plan_index: &HashMap<usize, usize>,
    out: &mut Vec<Finding>,
) {
    let Some(plan) = entry
        .model
        .response_plan
        .as_deref()
        .and_then(|id| repo.plan(id))
    else {
        return;
    };
    let Some(&index) = plan_index.get(&plan.doc.file) else {
        return;
    };
    let cx = PlanCx {
        repo,
        plan,
        rules: &entry.rules,
        at: entry.model.window.start,
        launch: Some(entry),
    };
    let mut found = Vec::new();
    for &(rule, check, in_launch_context) in plan_rules {
        if in_launch_context && entry.rules.level(rule).is_some() {
            check(&cx, &mut found);
        }
    }
    found.retain(|f| !known[index].contains(&(f.rule.code, f.key.clone())));
    if found.is_empty() {
        // Nothing the launch adds to what its plan fails on its own.
        return;
    }
    let link = entry.doc.point_at(&[Seg::Key("response_plan")]);
    for finding in found {
        let mut moved = Finding::new(finding.rule, entry.doc.file, link.clone(), finding.message)
            .key("response_plan");
        // A finding that already points into the plan (LC202's "last passed drill") says
        // where better than a generic "in <plan>" label at nearly the same place would.
        if !finding.related.iter().any(|r| r.file == finding.file) {
            moved = moved.related(finding.file, finding.span, format!("in {}", plan.model.id));
        }
        moved.help = finding.help;
        moved.related.extend(finding.related);
        out.push(moved);
    }
}

/// The history rules (LC4xx): over the change in pull-request and commit mode, and the parts
/// that judge every run over the whole index. Their levels are still to be resolved.
pub fn run_history(
    repo: &Repo<'_>,
    history: Option<&History<'_>>,
    wanted: &dyn Fn(&Rule) -> bool,
) -> Vec<Finding> {
    let mut found = Vec::new();
    for Registered { rule, check } in REGISTRY {
        if let Check::History {
            every_run: Some(every_run),
            ..
        } = check
        {
            if wanted(rule) {
                every_run(repo, &mut found);
            }
        }
    }
    if let Some(history) = history {
        for Registered { rule, check } in REGISTRY {
            if let Check::History { change, .. } = check {
                if wanted(rule) {
                    change(history, repo, &mut found);
                }
            }
        }
    }
    found
}

/// Applies each finding's level from the rule set of the launch it sits in (else the base
/// policy) and drops findings of rules that are off there. A draft is work in progress: its
/// findings are notes, except those of the history rules, which judge how it got here.
pub fn resolve_levels(repo: &Repo<'_>, findings: Vec<Finding>) -> Vec<Finding> {
    let resolved = findings
        .into_iter()
        .filter_map(|mut finding| {
            if !finding.rule.is_configurable() {
                return Some(finding);
            }
            let launch = repo.launch_in_file(finding.file);
            let rules = launch.map_or(&repo.policy.base, |l| &l.rules);
            finding.level = rules.level(finding.rule)?;
            Some(finding)
        })
        .collect();
    drafts_as_notes(repo, resolved)
}

/// A draft is work in progress: its findings are notes, except those of the file and history
/// rules, which judge what it is and how it got here.
pub fn drafts_as_notes(repo: &Repo<'_>, mut findings: Vec<Finding>) -> Vec<Finding> {
    for finding in &mut findings {
        if matches!(finding.rule.group, Group::Files | Group::Git) {
            continue;
        }
        let draft = repo
            .launch_in_file(finding.file)
            .is_some_and(|l| l.model.status == Status::Draft);
        if draft {
            finding.level = Level::Note;
        }
    }
    findings
}

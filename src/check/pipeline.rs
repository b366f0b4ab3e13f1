//! The pipeline of one run over one tree, stage by stage:
//!
//! 1. [`prepare`]: the organisation rules, the clock, the files the globs match;
//! 2. [`read`]: the files' texts (schemas compile meanwhile), the base copies pull-request
//!    mode compares against, stray documents (LC006);
//! 3. [`parse`]: TOML, schema and typed model of each file, in parallel (LC001–LC003);
//! 4. [`collect_policy`]: the effective policy, or the error a broken policy is;
//! 5. [`index`]: launches, plans, incidents and the roster, cross-referenced ([`Repo`]);
//! 6. [`judge`]: the rules, the organisation rules, the history rules, then the waivers;
//! 7. [`finish`]: selection, root causes, the reported files, the summaries.
//!
//! Stages 3 to 7 borrow the file store; [`run_with`] owns it and hands it to the [`Report`].

use std::collections::HashSet;
use std::sync::OnceLock;

use jiff::tz::TimeZone;
use jiff::Timestamp;
use rayon::prelude::*;
use serde::Deserialize;

use crate::config::{Config, Matchers, Role};
use crate::diagnostic::{sort_findings, Finding};
use crate::document::{Document, Kind};
use crate::error::{Error, Result};
use crate::git::History;
use crate::index::{IncidentEntry, LaunchEntry, PlanEntry, Repo, RosterEntry};
use crate::load::{self, Matched, Model, Parsed, ReadFiles};
use crate::model::{LaunchRequest, Person, Roster};
use crate::org_rules::{Bound, OrgRules, Raw};
use crate::policy::{Origin, Policy, PolicySource};
use crate::report::{LaunchSummary, Report};
use crate::rules::{self, Rule};
use crate::schedule::Schedule;
use crate::source::{FileId, Files};
use crate::time::{self, Clock};
use crate::tree::Tree;

use super::change::PullInput;
use super::history::{add_history_files, pair_history, HistoryFiles};
use super::policy::{build_policy, policy_document_problems};
use super::select::{check_selectors, selection_unchecked};
use super::Options;

/// The pipeline; `only` limits reporting to these paths, `pull` adds pull-request mode.
pub(super) fn run_with(
    tree: &dyn Tree,
    config: &Config,
    options: &Options,
    only: Option<HashSet<String>>,
    pull: Option<&PullInput<'_>>,
) -> Result<Report> {
    let (run, matched) = prepare(tree, config, options, pull)?;
    let (loaded, history_files) = read(tree, config, &run, matched, only.as_ref(), pull);
    let judged = judge_files(&loaded, history_files, &run, options, only, pull)?;
    let Loaded { files, checked, .. } = loaded;
    let mut findings = judged.findings;
    sort_findings(&mut findings, &files);
    Ok(Report {
        files_checked: checked,
        files,
        findings,
        now: run.clock.now,
        launches: judged.launches,
        scope: judged.scope,
        schedule: judged.schedule,
    })
}

/// What the run knows before it reads a file.
struct Prepared<'o> {
    matchers: Matchers,
    org: Option<OrgRules>,
    clock: Clock,
    /// Documents outside the include globs (LC006).
    unmatched: Vec<String>,
    /// Whether any rule beyond the schema runs.
    rules_wanted: bool,
    /// Whether a waiver rule is selected: then every rule runs, to know which waivers are used.
    waivers_wanted: bool,
    selected: Box<dyn Fn(&Rule) -> bool + Sync + 'o>,
}

impl Prepared<'_> {
    /// The rules that run: the selected ones, or all of them when waivers are judged.
    fn runs(&self, rule: &Rule) -> bool {
        self.waivers_wanted || (self.selected)(rule)
    }
}

/// Stage 1: the organisation rules (from the base in pull-request mode, like the policy),
/// the selection, the clock, and the files the include globs match.
fn prepare<'o>(
    tree: &dyn Tree,
    config: &Config,
    options: &'o Options,
    pull: Option<&PullInput<'_>>,
) -> Result<(Prepared<'o>, Vec<Matched>)> {
    let matchers = Matchers::new(config)?;
    let rego_tree: &dyn Tree = match pull {
        Some(p) if !p.policy_from_head => &p.pull.base,
        _ => tree,
    };
    rules::clear_custom();
    let org = crate::org_rules::load(crate::org_rules::read(
        rego_tree,
        &matchers,
        config.files.max_file_bytes,
    )?)?;
    // With organisation rules, a selector may name one of them: it is checked once they are
    // bound to the policy (which gives their codes).
    if org.is_none() {
        check_selectors(options)?;
    }
    let selected = selection_unchecked(options);
    let tz = time::parse_timezone(&config.time.timezone).map_err(Error::new)?;
    let now = match &options.now {
        Some(text) => time::parse_now(text, &tz)
            .map_err(|e| Error::new("invalid --now / LAUNCHCHECK_NOW").cause(e))?,
        None => Timestamp::now(),
    };
    let clock = Clock::new(now, tz);
    let (matched, unmatched) = load::discover_all(tree, &matchers)?;
    let documents = matched.iter().filter(|m| m.role.is_document()).count();
    if documents == 0 && !options.allow_empty {
        return Err(Error::new("no launch request or response plan matched")
            .cause(format!("include globs: {}", config.files.include.join(", ")))
            .help("run from the launch repository, pass --root, adjust `[files].include`, or pass --allow-empty"));
    }
    // Rules beyond the schema only run when some such rule is wanted; waiver rules need every
    // rule's findings to know which waivers are used.
    let rules_wanted = rules::REGISTRY.iter().any(|r| {
        (r.rule.is_configurable() || matches!(r.check, rules::Check::Repo(_))) && selected(r.rule)
    }) || (org.is_some()
        && (options.select.is_empty()
            || options
                .select
                .iter()
                .any(|s| !rules::RULES.iter().any(|r| rules::matches_selector(r, s)))));
    let waivers_wanted = rules::RULES
        .iter()
        .any(|r| r.group == rules::Group::Waivers && selected(r));
    let prepared = Prepared {
        matchers,
        org,
        clock,
        unmatched,
        rules_wanted,
        waivers_wanted,
        selected: Box::new(selected),
    };
    Ok((prepared, matched))
}

/// The file store and what reading it found.
struct Loaded {
    files: Files,
    /// Files `0..checked` are the tree's; later ones are base copies and stray documents.
    checked: usize,
    roles: Vec<Role>,
    readable: Vec<bool>,
    findings: Vec<Finding>,
}

/// Stage 2: reads every matched file (compiling the schemas meanwhile), the base copies
/// pull-request mode needs, and documents outside the include globs (LC006).
fn read(
    tree: &dyn Tree,
    config: &Config,
    run: &Prepared<'_>,
    matched: Vec<Matched>,
    only: Option<&HashSet<String>>,
    pull: Option<&PullInput<'_>>,
) -> (Loaded, Option<HistoryFiles>) {
    let rules_wanted = run.rules_wanted;
    // Compile the schemas while the files are read: otherwise every worker waits for the
    // first one to compile at the start of parsing.
    let (read, ()) = rayon::join(
        || load::read_all(tree, matched, config.files.max_file_bytes),
        || {
            rayon::join(
                || crate::schema::prepare(Kind::LaunchRequest, rules_wanted),
                || crate::schema::prepare(Kind::ResponsePlan, rules_wanted),
            );
            crate::schema::prepare(Kind::Incident, rules_wanted);
        },
    );
    let ReadFiles {
        mut files,
        roles,
        readable,
        findings: mut found,
    } = read;
    let checked = files.len();
    let history_files =
        pull.map(|p| add_history_files(p, &mut files, &run.matchers, config.files.max_file_bytes));
    // Stray documents: in a limited run, only those among the reported paths.
    let stray: Vec<String> = run
        .unmatched
        .iter()
        .filter(|p| only.is_none_or(|o| o.contains(*p)))
        .cloned()
        .collect();
    if (run.selected)(&rules::UNMATCHED_DOCUMENT) && !stray.is_empty() {
        found.extend(rules::lc006_unmatched_document::check(
            tree,
            &mut files,
            &stray,
            &Matchers::include_prefixes(config),
            config.files.max_file_bytes,
        ));
    }
    let loaded = Loaded {
        files,
        checked,
        roles,
        readable,
        findings: found,
    };
    (loaded, history_files)
}

/// What the stages that borrow the file store hand back.
struct Judged {
    findings: Vec<Finding>,
    launches: Vec<LaunchSummary>,
    scope: Option<HashSet<FileId>>,
    schedule: Option<Schedule>,
}

/// Stages 3 to 7, over the file store.
fn judge_files(
    loaded: &Loaded,
    history_files: Option<HistoryFiles>,
    run: &Prepared<'_>,
    options: &Options,
    only: Option<HashSet<String>>,
    pull: Option<&PullInput<'_>>,
) -> Result<Judged> {
    let files = &loaded.files;
    // Like the index, the organisation rules' inputs and results are left to the OS at exit.
    let org_input = Kept::new(OrgInput::new(files.len()), options.exits_after);
    let (parsed, models) = parse(loaded, run, only.as_ref(), &org_input);
    let policy = collect_policy(loaded, &parsed, pull)?;
    let org_bound = match &run.org {
        Some(org) => {
            let bound = org.bind(&policy.merged)?;
            check_selectors(options)?;
            bound
        }
        None => Vec::new(),
    };
    let mut findings = loaded.findings.clone();
    findings.extend(parsed.iter().flat_map(|p| p.findings.iter().cloned()));
    // Base copies are parsed only for their content and spans; their own problems are not
    // this change's.
    let base_parsed: Vec<Parsed<'_>> = history_files
        .iter()
        .flat_map(|h| h.documents.iter().filter_map(|(_, id)| *id))
        .map(|id| load::parse(id, files.get(id), None, &run.clock.tz, false))
        .collect();
    let history = match (pull, history_files) {
        (Some(pull), Some(history_files)) => Some(pair_history(
            pull,
            history_files,
            &parsed,
            &base_parsed,
            files,
            &loaded.roles,
            &run.matchers,
        )),
        _ => None,
    };
    let repo = Kept::new(
        index(
            loaded,
            run,
            &parsed,
            models,
            &policy,
            only.as_ref(),
            history.as_ref(),
        )?,
        options.exits_after,
    );
    if run.rules_wanted {
        judge(
            &repo,
            run,
            &org_bound,
            &org_input,
            history.as_ref(),
            &mut findings,
        )?;
    }
    Ok(finish(loaded, run, &repo, findings, options, only, pull))
}

/// Each judged document's input for the organisation rules, kept from its JSON form
/// before that is released, or what they found while it was parsed.
struct OrgInput {
    inputs: Vec<OnceLock<regorus::Value>>,
    parsed: Vec<OnceLock<Vec<Raw>>>,
}

impl OrgInput {
    fn new(files: usize) -> OrgInput {
        OrgInput {
            inputs: (0..files).map(|_| OnceLock::new()).collect(),
            parsed: (0..files).map(|_| OnceLock::new()).collect(),
        }
    }
}

/// Stage 3: parses, validates and extracts the models in parallel. A document's tree and
/// JSON are released as soon as its model exists, so memory holds texts and models, not
/// trees.
fn parse<'f>(
    loaded: &'f Loaded,
    run: &Prepared<'_>,
    only: Option<&HashSet<String>>,
    org_input: &OrgInput,
) -> (Vec<Parsed<'f>>, Vec<Model>) {
    let files = &loaded.files;
    let roles = &loaded.roles;
    let rules_wanted = run.rules_wanted;
    let tz: &TimeZone = &run.clock.tz;
    let parse_one = |i: usize| {
        let expected = match roles[i] {
            Role::Document | Role::Archive => None,
            Role::Roster => Some(Kind::Roster),
            Role::Policy => Some(Kind::Policy),
        };
        // Documents outside the reported files (an unchanged file in a pull request)
        // are read for cross-file rules only: their schema findings would be dropped.
        let in_scope = only.is_none_or(|o| o.contains(&files.get(i).path));
        let schema = in_scope || expected.is_some();
        let mut parsed = load::parse(i, files.get(i), expected, tz, schema);
        // Without rules nothing reads the models; release the trees all the same.
        let model = match (&roles[i], &mut parsed.doc) {
            (Role::Archive, _) if rules_wanted => parsed.extract(true),
            (Role::Document, _) if rules_wanted => match &run.org {
                // Organisation rules read the document's JSON form before it is
                // released: they judge it right here, or keep it as their input.
                Some(org) => {
                    let model = parsed.extract(false);
                    if let (Model::Launch(_) | Model::Plan(_), Some(doc)) = (&model, &parsed.doc) {
                        if !org.judges_while_parsing() {
                            let _ = org_input.inputs[i].set(OrgRules::input_of(doc));
                        } else if in_scope {
                            if let Some(raw) = org.judge_parsed(doc, &files.get(i).path, &run.clock)
                            {
                                let _ = org_input.parsed[i].set(raw);
                            }
                        }
                    }
                    if let Some(doc) = &mut parsed.doc {
                        doc.release();
                    }
                    model
                }
                None => parsed.extract(true),
            },
            (Role::Document | Role::Archive, Some(doc)) => {
                doc.discard();
                Model::None
            }
            _ => Model::None,
        };
        (parsed, model)
    };
    let readable: Vec<usize> = (0..loaded.checked)
        .filter(|&i| loaded.readable[i])
        .collect();
    match only {
        Some(only) if rules_wanted => {
            crate::related::parse_related(files, &readable, roles, only, &parse_one)
        }
        // Without rules no other document matters.
        Some(only) => readable
            .par_iter()
            .filter(|&&i| !roles[i].is_document() || only.contains(&files.get(i).path))
            .map(|&i| parse_one(i))
            .unzip(),
        _ => readable.par_iter().map(|&i| parse_one(i)).unzip(),
    }
}

/// Stage 4: the effective policy. Policy files must be valid: a broken policy is a broken
/// run, not a finding. That includes one that cannot be read at all, which must not quietly
/// leave the default.
fn collect_policy(
    loaded: &Loaded,
    parsed: &[Parsed<'_>],
    pull: Option<&PullInput<'_>>,
) -> Result<Policy> {
    let is_policy =
        |file: FileId| file < loaded.checked && matches!(loaded.roles[file], Role::Policy);
    let mut problems: Vec<Finding> = loaded
        .findings
        .iter()
        .filter(|f| is_policy(f.file))
        .cloned()
        .collect();
    let mut sources = Vec::new();
    for p in parsed
        .iter()
        .filter(|p| matches!(loaded.roles[p.file], Role::Policy))
    {
        if !p.clean {
            problems.extend(p.findings.iter().cloned());
            continue;
        }
        if let Some(doc) = &p.doc {
            problems.extend(policy_document_problems(doc));
            let count = doc
                .json()
                .get("freeze")
                .and_then(|f| f.as_array())
                .map_or(0, Vec::len);
            let freeze_origins = (0..count)
                .map(|i| Origin {
                    file: doc.file,
                    span: doc.point_at(&["freeze".into(), i.into()]),
                })
                .collect();
            sources.push(PolicySource {
                json: doc.json().clone(),
                freeze_origins,
            });
        }
    }
    if !problems.is_empty() {
        let count = problems.len();
        let mut error = Error::new(format!(
            "the policy has {count} problem{}",
            if count == 1 { "" } else { "s" }
        ));
        if let Some(pull) = pull.filter(|p| !p.policy_from_head) {
            error = error.cause(format!(
                "the policy was read from {}",
                pull.pull.base.label()
            ));
        }
        return Err(error.with_diagnostics(loaded.files.clone(), problems));
    }
    build_policy(sources)
}

/// Stage 5: the index the rules read: every launch with its rule set, plans, incidents,
/// the roster, archived documents, ids of documents too broken to model, and approvals the
/// change made stale.
fn index<'a>(
    loaded: &'a Loaded,
    run: &Prepared<'_>,
    parsed: &'a [Parsed<'a>],
    models: Vec<Model>,
    policy: &'a Policy,
    only: Option<&HashSet<String>>,
    history: Option<&History<'a>>,
) -> Result<Repo<'a>> {
    let files = &loaded.files;
    let roles = &loaded.roles;
    // Models stay boxed until their entries are built: a launch request is some 700 bytes,
    // moved once rather than at every growth of these vectors.
    let mut launches = Vec::with_capacity(parsed.len());
    let mut plans = Vec::new();
    let mut roster = None;
    let mut unreadable_launches = HashSet::new();
    let mut archived_launches = Vec::new();
    let mut archived_plans = Vec::new();
    let mut unreadable_plans = HashSet::new();
    let mut incidents = Vec::new();
    let mut archived_incidents = Vec::new();
    for (p, model) in parsed.iter().zip(models) {
        // Broken documents may have no tree at all (a syntax error): their ids are still
        // known, so references to them are not reported as dangling.
        let model = match (&roles[p.file], model) {
            (Role::Document, Model::Unreadable(Kind::LaunchRequest, Some(id))) => {
                unreadable_launches.insert(id);
                continue;
            }
            (Role::Document, Model::Unreadable(Kind::ResponsePlan, Some(id))) => {
                unreadable_plans.insert(id);
                continue;
            }
            (_, model) => model,
        };
        let Some(doc) = &p.doc else { continue };
        match (&roles[p.file], model) {
            (Role::Roster, _) => {
                roster = Some(RosterEntry {
                    doc,
                    model: lenient_roster(doc.json()),
                });
            }
            (Role::Document, Model::Launch(model)) => launches.push((doc, model)),
            (Role::Document, Model::Plan(model)) => plans.push(PlanEntry { doc, model: *model }),
            (Role::Archive, Model::Launch(model)) => archived_launches.push((doc, model)),
            (Role::Archive, Model::Plan(model)) => {
                archived_plans.push(PlanEntry { doc, model: *model })
            }
            (Role::Document, Model::Incident(model)) => {
                incidents.push(IncidentEntry { doc, model: *model })
            }
            (Role::Archive, Model::Incident(model)) => {
                archived_incidents.push(IncidentEntry { doc, model: *model })
            }
            _ => {}
        }
    }
    let launches = launch_entries(policy, launches)?;
    let archived_launches = launch_entries(policy, archived_launches)?;
    let rule_scope = only.map(|only| {
        (0..loaded.checked)
            .filter(|&id| only.contains(&files.get(id).path))
            .collect()
    });
    let stale = history
        .map(rules::lc401_approval_invalidated::stale_approvals)
        .unwrap_or_default();
    Ok(
        Repo::new(files, launches, plans, roster, policy, run.clock.clone())
            .with_scope(rule_scope)
            .with_unreadable_launches(unreadable_launches)
            .with_unreadable_plans(unreadable_plans)
            .with_stale_approvals(stale)
            .with_archive(archived_launches, archived_plans)
            .with_incidents(incidents, archived_incidents),
    )
}

/// Stage 6: the built-in rules, the organisation rules and the history rules, each
/// finding at the level the policy sets, then the waivers.
fn judge(
    repo: &Repo<'_>,
    run: &Prepared<'_>,
    org_bound: &[Bound],
    org_input: &OrgInput,
    history: Option<&History<'_>>,
    findings: &mut Vec<Finding>,
) -> Result<()> {
    let runs = |rule: &Rule| run.runs(rule);
    // The organisation rules' results become findings beside the built-in rules.
    let (built_in, organisation) = rayon::join(
        || crate::engine::run(repo, &runs),
        || {
            run.org.as_ref().map(|org| {
                org.evaluate(
                    repo,
                    org_bound,
                    &runs,
                    &*run.selected,
                    &org_input.inputs,
                    &org_input.parsed,
                )
            })
        },
    );
    findings.extend(built_in);
    if let Some(judged) = organisation {
        findings.extend(crate::engine::drafts_as_notes(repo, judged?));
    }
    let found = crate::engine::run_history(repo, history, &runs);
    findings.extend(crate::engine::resolve_levels(repo, found));
    crate::waivers::apply(repo, findings, history.is_some());
    Ok(())
}

/// Stage 7: keeps the selected rules' findings that are root causes, in the files the run
/// reports on, and summarises the launches (and the schedule, when asked).
fn finish(
    loaded: &Loaded,
    run: &Prepared<'_>,
    repo: &Repo<'_>,
    mut findings: Vec<Finding>,
    options: &Options,
    only: Option<HashSet<String>>,
    pull: Option<&PullInput<'_>>,
) -> Judged {
    findings.retain(|f| (run.selected)(f.rule));
    crate::root_cause::drop_consequences(&mut findings);
    // In pull-request mode the policy and roster read from the base are not the change's
    // files, even when the change edits them (LC404 points at the edited copy instead).
    let from_base = |id: FileId| {
        pull.is_some_and(|p| !p.policy_from_head)
            && id < loaded.checked
            && matches!(loaded.roles[id], Role::Policy | Role::Roster)
    };
    let scope: Option<HashSet<FileId>> = only.map(|only| {
        loaded
            .files
            .iter()
            .filter(|(id, f)| only.contains(&f.path) && !from_base(*id))
            .map(|(id, _)| id)
            .collect()
    });
    if let Some(scope) = &scope {
        findings.retain(|f| {
            scope.contains(&f.file) || f.related.iter().any(|r| scope.contains(&r.file))
        });
    }
    let launches = repo
        .launches
        .iter()
        .map(|l| LaunchSummary {
            file: l.doc.file,
            id: l.model.id.clone(),
            title: l.model.title.clone(),
            risk: l.model.risk.as_str().to_owned(),
            status: l.model.status.as_str().to_owned(),
            start: l.model.window.start,
            end: l.model.window.end,
        })
        .collect();
    let schedule = options.schedule.then(|| crate::schedule::build(repo));
    Judged {
        findings,
        launches,
        scope,
        schedule,
    }
}

/// Each launch with the rule set its overrides resolve to, resolved in parallel; the first
/// launch (in file order) the policy cannot be applied to is the error.
fn launch_entries<'a>(
    policy: &Policy,
    launches: Vec<(&'a Document<'a>, Box<LaunchRequest>)>,
) -> Result<Vec<LaunchEntry<'a>>> {
    let entries: Vec<Result<LaunchEntry<'a>>> = launches
        .into_par_iter()
        .map(|(doc, model)| {
            let rules = policy
                .for_launch(&model)
                .map_err(|e| Error::new("cannot apply the policy").cause(e))?;
            Ok(LaunchEntry { doc, model, rules })
        })
        .collect();
    entries.into_iter().collect()
}

/// A roster whose entries count even when some have schema errors.
fn lenient_roster(json: &serde_json::Value) -> Roster {
    let mut roster = Roster::default();
    if let Some(people) = json.get("people").and_then(|p| p.as_object()) {
        // `x-` keys are extensions, not people.
        for (handle, value) in people.iter().filter(|(h, _)| !h.starts_with("x-")) {
            let person = Person::deserialize(value).unwrap_or_default();
            roster.people.insert(handle.clone(), person);
        }
    }
    roster
}

/// A value the run no longer needs once it ends. When the process exits right after the run
/// (the command line), freeing it piece by piece would only delay the exit: about 20 ms for
/// the models of 10,000 launches. It is then left to the operating system; a long-lived
/// caller (the language server) frees it as usual.
struct Kept<T> {
    value: std::mem::ManuallyDrop<T>,
    free: bool,
}

impl<T> Kept<T> {
    fn new(value: T, exits_after: bool) -> Kept<T> {
        Kept {
            value: std::mem::ManuallyDrop::new(value),
            free: !exits_after,
        }
    }
}

impl<T> std::ops::Deref for Kept<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T> Drop for Kept<T> {
    fn drop(&mut self) {
        if self.free {
            // SAFETY: `value` is dropped here only, once, and never used afterwards.
            unsafe { std::mem::ManuallyDrop::drop(&mut self.value) }
        }
    }
}

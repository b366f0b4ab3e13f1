//! The `check` pipeline: discover → load → schema → model → index → rules → waivers →
//! filter and sort. Emitters turn the resulting [`Report`] into output.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use rayon::prelude::*;
use serde::Deserialize;

use crate::config::{self, Config, Matchers, Role};
use crate::diagnostic::{sort_findings, Finding, Totals};
use crate::document::Kind;
use crate::error::{Error, Result};
use crate::index::{LaunchEntry, PlanEntry, Repo, RosterEntry};
use crate::load::{self, Parsed};
use crate::model::{LaunchRequest, Person, ResponsePlan, Roster};
use crate::policy::{Origin, Policy, PolicySource, DEFAULT_POLICY};
use crate::rules::{self, RuleInfo};
use crate::source::Files;
use crate::time::{self, Clock};
use crate::tree::{Tree, WorkTree};

/// What `check` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub root: Option<PathBuf>,
    pub config: Option<PathBuf>,
    pub now: Option<String>,
    pub paths: Vec<PathBuf>,
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    pub allow_empty: bool,
}

/// A launch in the run, for summaries.
#[derive(Debug, Clone)]
pub struct LaunchSummary {
    pub file: usize,
    pub id: String,
    pub title: String,
    pub risk: String,
    pub status: String,
    pub start: Timestamp,
    pub end: Timestamp,
}

/// Everything emitters need.
pub struct Report {
    pub files: Files,
    pub findings: Vec<Finding>,
    pub now: Timestamp,
    pub files_checked: usize,
    pub launches: Vec<LaunchSummary>,
}

impl Report {
    pub fn totals(&self) -> Totals {
        Totals::of(&self.findings)
    }

    /// Files with at least one finding.
    pub fn files_with_findings(&self) -> usize {
        self.findings
            .iter()
            .map(|f| f.file)
            .collect::<HashSet<_>>()
            .len()
    }
}

/// Where the repository is and which configuration applies.
pub struct Located {
    pub root: PathBuf,
    pub config_path: Option<PathBuf>,
}

/// Resolves the root: `--root`, else the directory of the discovered config, else the git
/// top level, else the working directory.
pub fn locate(options: &Options) -> Result<Located> {
    let cwd = std::env::current_dir().map_err(|e| Error::io("cannot read the working directory", e))?;
    let explicit_config = options.config.clone();
    if let Some(root) = &options.root {
        let config_path = explicit_config.or_else(|| config::discover(root));
        return Ok(Located {
            root: root.clone(),
            config_path,
        });
    }
    let discovered = config::discover(&cwd);
    let config_path = explicit_config.clone().or(discovered.clone());
    let root = match (&discovered, explicit_config) {
        (Some(found), None) => found.parent().map(Path::to_path_buf).unwrap_or(cwd.clone()),
        (_, Some(explicit)) => explicit
            .canonicalize()
            .ok()
            .and_then(|p| p.parent().map(Path::to_path_buf))
            .unwrap_or(cwd.clone()),
        _ => git_top_level(&cwd).unwrap_or(cwd.clone()),
    };
    Ok(Located { root, config_path })
}

fn git_top_level(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|dir| dir.join(".git").exists())
        .map(Path::to_path_buf)
}

/// Reads and validates the configuration (defaults when there is none).
pub fn load_config(path: Option<&Path>, root: &Path) -> Result<Config> {
    let Some(path) = path else {
        return Ok(Config::default());
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::io(format!("cannot read the configuration `{}`", path.display()), e))?;
    let shown = path
        .strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/");
    config::parse(&shown, text, &jiff::tz::TimeZone::UTC)
}

/// Runs `check` on the work tree.
pub fn run(options: &Options) -> Result<Report> {
    let located = locate(options)?;
    let config = load_config(located.config_path.as_deref(), &located.root)?;
    let tree = WorkTree::new(&located.root)?;
    let only = explicit_paths(&located.root, &options.paths);
    run_on(&tree, &config, options, only)
}

/// Root-relative forms of explicitly named paths (as pre-commit passes them).
fn explicit_paths(root: &Path, paths: &[PathBuf]) -> Option<HashSet<String>> {
    if paths.is_empty() {
        return None;
    }
    let cwd = std::env::current_dir().unwrap_or_default();
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    Some(
        paths
            .iter()
            .map(|p| {
                let absolute = if p.is_absolute() { p.clone() } else { cwd.join(p) };
                let absolute = absolute.canonicalize().unwrap_or(absolute);
                absolute
                    .strip_prefix(&root)
                    .unwrap_or(p)
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect(),
    )
}

/// The selection filter from `--select` and `--ignore`.
pub fn selection(options: &Options) -> Result<impl Fn(&RuleInfo) -> bool + Sync + '_> {
    for selector in options.select.iter().chain(&options.ignore) {
        if !rules::selector_is_known(selector) {
            let mut error = Error::new(format!("`{selector}` names no rule"));
            if let Some(s) = rules::suggest(selector) {
                error = error.help(format!("did you mean `{s}`?"));
            } else {
                error = error.help("`launchcheck rule --all` lists the rules");
            }
            return Err(error);
        }
    }
    Ok(move |rule: &RuleInfo| {
        (options.select.is_empty() || options.select.iter().any(|s| rules::matches_selector(rule, s)))
            && !options.ignore.iter().any(|s| rules::matches_selector(rule, s))
    })
}

/// Runs `check` on any tree with a given configuration.
pub fn run_on(
    tree: &dyn Tree,
    config: &Config,
    options: &Options,
    only: Option<HashSet<String>>,
) -> Result<Report> {
    let selected = selection(options)?;
    let tz = time::parse_timezone(&config.time.timezone).map_err(Error::new)?;
    let now = match &options.now {
        Some(text) => time::parse_now(text, &tz)
            .map_err(|e| Error::new("invalid --now / LAUNCHCHECK_NOW").cause(e))?,
        None => Timestamp::now(),
    };
    let clock = Clock::new(now, tz.clone());
    let matchers = Matchers::new(config)?;
    let matched = load::discover(tree, &matchers)?;
    let documents = matched.iter().filter(|m| matches!(m.role, Role::Document)).count();
    if documents == 0 && !options.allow_empty {
        return Err(Error::new("no launch request or response plan matched")
            .cause(format!("include globs: {}", config.files.include.join(", ")))
            .help("run from the launch repository, pass --root, adjust `[files].include`, or pass --allow-empty"));
    }
    // Rules beyond the schema only run when some such rule is wanted; waiver rules need every
    // rule's findings to know which waivers are used.
    let rules_wanted = rules::RULES
        .iter()
        .any(|r| r.is_configurable() && selected(r));
    let waivers_wanted = rules::RULES
        .iter()
        .any(|r| r.group == rules::Group::Waivers && selected(r));
    let run_everything = |rule: &RuleInfo| waivers_wanted || selected(rule);

    let read = load::read_all(tree, matched, config.files.max_file_bytes);
    let files = read.files;
    let mut findings = read.findings;

    let parsed: Vec<Parsed<'_>> = (0..files.len())
        .into_par_iter()
        .filter(|&i| read.readable[i])
        .map(|i| {
            let expected = match read.roles[i] {
                Role::Document => None,
                Role::Roster => Some(Kind::Roster),
                Role::Policy => Some(Kind::Policy),
            };
            load::parse(i, files.get(i), expected, &tz, true)
        })
        .collect();

    // Policy files must be valid: a broken policy is a broken run, not a finding.
    let mut policy_problems = Vec::new();
    let mut policy_sources = Vec::new();
    for p in parsed.iter().filter(|p| matches!(read.roles[p.file], Role::Policy)) {
        if !p.clean {
            policy_problems.extend(p.findings.iter().cloned());
            continue;
        }
        if let Some(doc) = &p.doc {
            let count = doc.json.get("freeze").and_then(|f| f.as_array()).map_or(0, Vec::len);
            let freeze_origins = (0..count)
                .map(|i| Origin {
                    file: doc.file,
                    span: doc.point_at(&["freeze".into(), i.into()]),
                })
                .collect();
            policy_sources.push(PolicySource {
                json: doc.json.clone(),
                freeze_origins,
            });
        }
    }
    if !policy_problems.is_empty() {
        let count = policy_problems.len();
        let files = files.clone();
        return Err(Error::new(format!(
            "the policy has {count} problem{}",
            if count == 1 { "" } else { "s" }
        ))
        .with_diagnostics(files, policy_problems));
    }
    let policy = build_policy(policy_sources)?;

    let mut launches = Vec::new();
    let mut plans = Vec::new();
    let mut roster = None;
    for p in &parsed {
        findings.extend(p.findings.iter().cloned());
        let Some(doc) = &p.doc else { continue };
        match (&read.roles[p.file], doc.kind) {
            (Role::Policy, _) => {}
            (Role::Roster, _) => {
                roster = Some(RosterEntry {
                    doc,
                    model: lenient_roster(&doc.json),
                });
            }
            (Role::Document, Some(Kind::LaunchRequest)) => {
                if let Ok(model) = LaunchRequest::deserialize(&doc.json) {
                    launches.push((doc, model));
                }
            }
            (Role::Document, Some(Kind::ResponsePlan)) => {
                if let Ok(model) = ResponsePlan::deserialize(&doc.json) {
                    plans.push(PlanEntry { doc, model });
                }
            }
            _ => {}
        }
    }
    let launches = launches
        .into_iter()
        .map(|(doc, model)| {
            let rules = policy.for_launch(&model).map_err(|e| Error::new("cannot apply the policy").cause(e))?;
            Ok(LaunchEntry { doc, model, rules })
        })
        .collect::<Result<Vec<_>>>()?;
    let repo = Repo::new(&files, launches, plans, roster, &policy, clock);

    if rules_wanted {
        findings.extend(crate::engine::run(&repo, &run_everything));
        crate::waivers::apply(&repo, &mut findings);
    }
    findings.retain(|f| selected(f.rule));
    if let Some(only) = &only {
        findings.retain(|f| {
            only.contains(&files.get(f.file).path)
                || f.related.iter().any(|r| only.contains(&files.get(r.file).path))
        });
    }
    let launch_summaries = repo
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
    drop(repo);
    drop(parsed);
    sort_findings(&mut findings, &files);
    Ok(Report {
        files_checked: files.len(),
        files,
        findings,
        now,
        launches: launch_summaries,
    })
}

/// The embedded default policy merged with the user's policy files.
pub fn build_policy(user: Vec<PolicySource>) -> Result<Policy> {
    let default = default_policy_json()?;
    Policy::build(default, user).map_err(|e| Error::new("cannot build the policy").cause(e))
}

/// The embedded default policy as JSON.
pub fn default_policy_json() -> Result<serde_json::Value> {
    let (root, errors) = toml::de::DeTable::parse_recoverable(DEFAULT_POLICY);
    if let Some(error) = errors.first() {
        return Err(Error::new("the embedded default policy does not parse").cause(error.message()));
    }
    Ok(crate::document::table_to_json(root.get_ref()))
}

/// A roster whose entries count even when some have schema errors.
fn lenient_roster(json: &serde_json::Value) -> Roster {
    let mut roster = Roster::default();
    if let Some(people) = json.get("people").and_then(|p| p.as_object()) {
        for (handle, value) in people {
            let person = Person::deserialize(value).unwrap_or_default();
            roster.people.insert(handle.clone(), person);
        }
    }
    roster
}

/// The merged policy document of a repository, for `launchcheck policy`.
pub fn effective_policy(options: &Options) -> Result<serde_json::Value> {
    let located = locate(options)?;
    let config = load_config(located.config_path.as_deref(), &located.root)?;
    let tz = time::parse_timezone(&config.time.timezone).map_err(Error::new)?;
    let tree = WorkTree::new(&located.root)?;
    let matchers = Matchers::new(&config)?;
    let matched: Vec<_> = load::discover(&tree, &matchers)?
        .into_iter()
        .filter(|m| matches!(m.role, Role::Policy))
        .collect();
    let read = load::read_all(&tree, matched, config.files.max_file_bytes);
    let mut problems = read.findings.clone();
    let mut sources = Vec::new();
    for i in 0..read.files.len() {
        if !read.readable[i] {
            continue;
        }
        let parsed = load::parse(i, read.files.get(i), Some(Kind::Policy), &tz, true);
        problems.extend(parsed.findings.iter().cloned());
        if let (true, Some(doc)) = (parsed.clean, &parsed.doc) {
            sources.push(PolicySource {
                json: doc.json.clone(),
                freeze_origins: Vec::new(),
            });
        }
    }
    if !problems.is_empty() {
        return Err(Error::new("the policy has problems").with_diagnostics(read.files.clone(), problems));
    }
    Ok(build_policy(sources)?.merged)
}

//! The `check` pipeline: discover → load → schema → model → index → rules → waivers →
//! filter and sort. Emitters turn the resulting [`Report`] into output.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use rayon::prelude::*;
use serde::Deserialize;

use crate::config::{self, Config, Matchers, Role};
use crate::diagnostic::{sort_findings, Finding, Totals};
use crate::document::{Document, Kind};
use crate::error::{Error, Result};
use crate::git::{Change, DocChange, GitRepo, GitTree, History, PullRequest, SettingsChange};
use crate::index::{IncidentEntry, LaunchEntry, PlanEntry, Repo, RosterEntry};
use crate::load::{self, Model, Parsed};
use crate::model::{LaunchRequest, Person, Roster};
use crate::policy::{Origin, Policy, PolicySource, DEFAULT_POLICY};
use crate::rules::{self, RuleInfo};
use crate::source::{FileId, Files, SourceFile};
use crate::time::{self, Clock};
use crate::tree::{ReadOutcome, Tree, WorkTree};

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
    /// Pull-request mode: the base revision (`--base`).
    pub base: Option<String>,
    /// In pull-request mode, judge by the head's policy, roster and configuration.
    pub policy_from_head: bool,
    /// In pull-request mode, report on unchanged files too.
    pub all: bool,
    /// Check a commit's tree (`--rev`).
    pub rev: Option<String>,
    /// Check what the index holds (`--staged`).
    pub staged: bool,
    /// Also read the schedule (windows, freezes, deadlines) into the report.
    pub schedule: bool,
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
    /// The files the run reports on (explicit paths or a pull request's changed files);
    /// `None` when it reports on the whole repository.
    pub scope: Option<HashSet<usize>>,
    /// The schedule, when [`Options::schedule`] asked for it.
    pub schedule: Option<crate::schedule::Schedule>,
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
    let cwd =
        std::env::current_dir().map_err(|e| Error::io("cannot read the working directory", e))?;
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
    let text = std::fs::read_to_string(path).map_err(|e| {
        Error::io(
            format!("cannot read the configuration `{}`", path.display()),
            e,
        )
    })?;
    let shown = path
        .strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/");
    config::parse(&shown, text, &jiff::tz::TimeZone::UTC)
}

/// Runs `check` on the work tree, a commit (`--rev`), the index (`--staged`) or a pull
/// request (`--base`).
pub fn run(options: &Options) -> Result<Report> {
    let located = locate(options)?;
    let only = explicit_paths(&located.root, &options.paths);
    if let Some(base) = &options.base {
        let git = GitRepo::open(&located.root)?;
        let pull = git.pull_request(base)?;
        let head = WorkTree::new(&located.root)?;
        let head_config = load_config(located.config_path.as_deref(), &located.root)?;
        return run_change(options, &located, &pull, &head, &head_config, only);
    }
    if options.staged && options.rev.is_none() {
        let git = GitRepo::open(&located.root)?;
        let index = git.index_tree()?;
        // A commit is judged on what it changes, against HEAD's policy, as a pull request
        // is against its base's; before the first commit there is nothing to compare with.
        if let Some(change) = git.staged_change()? {
            let head_config = config_in_tree(&located, &index)?;
            return run_change(options, &located, &change, &index, &head_config, only);
        }
    }
    if options.rev.is_some() || options.staged {
        let git = GitRepo::open(&located.root)?;
        let tree = match &options.rev {
            Some(rev) => git.commit_tree(rev)?,
            None => git.index_tree()?,
        };
        let config = config_in_tree(&located, &tree)?;
        let only = resolve_explicit(&tree, only)?;
        return run_with(&tree, &config, options, only, None);
    }
    let config = load_config(located.config_path.as_deref(), &located.root)?;
    let tree = WorkTree::new(&located.root)?;
    let only = resolve_explicit(&tree, only)?;
    run_with(&tree, &config, options, only, None)
}

/// Checks explicitly named paths against the tree: a file stands for itself, a directory for
/// the files below it; a path that names neither is a usage error, not a silent no-op.
fn resolve_explicit(
    tree: &dyn Tree,
    only: Option<HashSet<String>>,
) -> Result<Option<HashSet<String>>> {
    let Some(only) = only else { return Ok(None) };
    let listed = tree.paths()?;
    let mut resolved = HashSet::new();
    let mut named: Vec<&String> = only.iter().collect();
    named.sort();
    for path in named {
        let path = path.trim_end_matches('/');
        if listed.binary_search_by(|p| p.as_str().cmp(path)).is_ok() {
            resolved.insert(path.to_owned());
            continue;
        }
        let prefix = format!("{path}/");
        let below: Vec<&String> = listed.iter().filter(|p| p.starts_with(&prefix)).collect();
        if below.is_empty() {
            return Err(Error::new(format!(
                "`{path}` is neither a file nor a directory with files in the repository"
            ))
            .help("name files inside the repository root, relative to the working directory"));
        }
        resolved.extend(below.into_iter().cloned());
    }
    Ok(Some(resolved))
}

/// The configuration file's path relative to the root when it lies inside the repository
/// (`launchcheck.toml` when none was found), so that it can be read from a git tree; `None`
/// when it lies outside and is read from disk.
fn config_in_repository(located: &Located) -> Option<String> {
    let Some(path) = &located.config_path else {
        return Some(config::FILE_NAME.to_owned());
    };
    let root = located.root.canonicalize().ok()?;
    let path = path.canonicalize().ok()?;
    let relative = path.strip_prefix(&root).ok()?;
    Some(relative.to_str()?.replace('\\', "/"))
}

/// The configuration as a git tree holds it: the same file, read from the tree (defaults
/// when the tree has none); a configuration outside the repository is read from disk.
fn config_in_tree(located: &Located, tree: &GitTree) -> Result<Config> {
    let Some(relative) = config_in_repository(located) else {
        return load_config(located.config_path.as_deref(), &located.root);
    };
    if !tree.contains(&relative) {
        return Ok(Config::default());
    }
    let text = match tree.read(&relative, CONFIG_LIMIT) {
        ReadOutcome::Bytes(bytes) => String::from_utf8(bytes).map_err(|_| {
            Error::new(format!(
                "the configuration `{relative}` in {} is not UTF-8",
                tree.label()
            ))
        })?,
        ReadOutcome::TooLarge { size } => {
            return Err(Error::new(format!(
                "the configuration `{relative}` in {} is {size} bytes, over {CONFIG_LIMIT}",
                tree.label()
            )))
        }
        ReadOutcome::LinkOutside { target } => {
            return Err(Error::new(format!(
                "the configuration `{relative}` in {} links outside the repository, to `{target}`",
                tree.label()
            )))
        }
        ReadOutcome::Failed(reason) => {
            return Err(Error::new(format!(
                "cannot read the configuration `{relative}` from {}",
                tree.label()
            ))
            .cause(reason))
        }
    };
    config::parse(&relative, text, &jiff::tz::TimeZone::UTC).map_err(|mut error| {
        error.message = format!("{} (as of {})", error.message, tree.label());
        error
    })
}

/// A configuration file larger than this is not a configuration file.
const CONFIG_LIMIT: u64 = 1024 * 1024;

/// Pull-request and commit mode: documents from the head (the work tree, or the index for
/// `--staged`); policy, roster and configuration from the base revision (unless
/// `--policy-from-head`); findings only in changed files (unless `--all`); and the LC4xx
/// rules.
fn run_change(
    options: &Options,
    located: &Located,
    pull: &PullRequest,
    head: &dyn Tree,
    head_config: &Config,
    only: Option<HashSet<String>>,
) -> Result<Report> {
    let only = resolve_explicit(head, only)?;
    let base_config = config_in_tree(located, &pull.base)?;
    let (config, settings_tree): (&Config, &dyn Tree) = if options.policy_from_head {
        (head_config, head)
    } else {
        (&base_config, &pull.base)
    };
    let layered = Layered {
        documents: head,
        settings: settings_tree,
        matchers: Matchers::new(config)?,
    };
    let changed: HashSet<String> = pull
        .changes
        .iter()
        .flat_map(|c| c.old.iter().chain(c.new.iter()).cloned())
        .collect();
    let scope = match (options.all, only) {
        (true, only) => only,
        (false, Some(only)) => Some(changed.intersection(&only).cloned().collect()),
        (false, None) => Some(changed),
    };
    let input = PullInput {
        pull,
        head,
        matchers: vec![Matchers::new(head_config)?, Matchers::new(&base_config)?],
        config_path: config_in_repository(located),
        policy_from_head: options.policy_from_head,
    };
    run_with(&layered, config, options, scope, Some(&input))
}

/// A pull request's view of the files: documents from one tree, policy and roster from
/// another.
struct Layered<'t> {
    documents: &'t dyn Tree,
    settings: &'t dyn Tree,
    matchers: Matchers,
}

impl Layered<'_> {
    fn is_setting(&self, path: &str) -> bool {
        matches!(self.matchers.role(path), Some(Role::Policy | Role::Roster))
    }

    fn tree_for(&self, path: &str) -> &dyn Tree {
        if self.is_setting(path) {
            self.settings
        } else {
            self.documents
        }
    }
}

impl Tree for Layered<'_> {
    fn paths(&self) -> Result<Vec<String>> {
        let mut paths: Vec<String> = self
            .documents
            .paths()?
            .into_iter()
            .filter(|p| !self.is_setting(p))
            .collect();
        paths.extend(
            self.settings
                .paths()?
                .into_iter()
                .filter(|p| self.is_setting(p)),
        );
        paths.sort();
        paths.dedup();
        Ok(paths)
    }

    fn read(&self, path: &str, limit: u64) -> ReadOutcome {
        self.tree_for(path).read(path, limit)
    }

    fn contains(&self, path: &str) -> bool {
        self.tree_for(path).contains(path)
    }

    fn ignored(&self, paths: &[String]) -> HashSet<String> {
        self.documents.ignored(paths)
    }
}

/// What pull-request mode adds to a run.
struct PullInput<'t> {
    pull: &'t PullRequest,
    head: &'t dyn Tree,
    /// The head's and the base's file roles, to recognise policy and roster files either
    /// names (LC404).
    matchers: Vec<Matchers>,
    config_path: Option<String>,
    policy_from_head: bool,
}

/// The extra files pull-request mode loads: base copies of changed documents and the
/// changed policy, roster and configuration files.
struct HistoryFiles {
    /// Each changed document with the file id of its base copy, when it had one.
    documents: Vec<(Change, Option<FileId>)>,
    settings: Vec<SettingsChange>,
}

fn read_text(tree: &dyn Tree, path: &str, limit: u64) -> Option<String> {
    match tree.read(path, limit) {
        ReadOutcome::Bytes(bytes) => String::from_utf8(bytes).ok(),
        _ => None,
    }
}

/// Adds the files the LC4xx rules need to `files`: they must be in the store before any
/// document borrows it.
fn add_history_files(
    input: &PullInput<'_>,
    files: &mut Files,
    run_matchers: &Matchers,
    limit: u64,
) -> HistoryFiles {
    let checked = files.len();
    let is_document = |path: &str| run_matchers.role(path).is_some_and(|r| r.is_document());
    let setting = |path: &str| -> Option<&'static str> {
        if input.config_path.as_deref() == Some(path) {
            return Some("configuration");
        }
        if std::iter::once(run_matchers)
            .chain(&input.matchers)
            .any(|m| m.is_rego_rules(path))
        {
            return Some("policy");
        }
        std::iter::once(run_matchers)
            .chain(&input.matchers)
            .find_map(|m| match m.role(path) {
                Some(Role::Policy) => Some("policy"),
                Some(Role::Roster) => Some("roster"),
                _ => None,
            })
    };
    let mut documents = Vec::new();
    let mut settings = Vec::new();
    for change in &input.pull.changes {
        let old = change.old.as_deref();
        let new = change.new.as_deref();
        if old.is_some_and(is_document) || new.is_some_and(is_document) {
            let base = old
                .filter(|p| is_document(p))
                .and_then(|p| read_text(&input.pull.merge_base, p, limit).map(|text| (p, text)))
                .map(|(p, text)| files.add(SourceFile::new(p, text)));
            documents.push((change.clone(), base));
        }
        let Some(what) = old.and_then(setting).or_else(|| new.and_then(setting)) else {
            continue;
        };
        let old_text = old.and_then(|p| read_text(&input.pull.merge_base, p, limit));
        let new_text = new.and_then(|p| read_text(input.head, p, limit));
        let (path, text, line) = match (new, new_text, old, old_text) {
            (Some(path), Some(text), _, old_text) => {
                let line = first_changed_line(old_text.as_deref(), &text);
                (path, text, line)
            }
            (_, _, Some(path), Some(text)) => (path, text, 1),
            _ => continue,
        };
        let existing = (0..checked).find(|&id| {
            let file = files.get(id);
            file.path == path && file.text == text.strip_prefix('\u{feff}').unwrap_or(&text)
        });
        let file = existing.unwrap_or_else(|| files.add(SourceFile::new(path, text)));
        let span = files.get(file).line_span(line);
        settings.push(SettingsChange {
            kind: change.kind,
            what,
            path: path.to_owned(),
            file,
            span,
        });
    }
    HistoryFiles {
        documents,
        settings,
    }
}

/// The line (1-based) to point at for an edit: the first line where `new` differs from
/// `old`, moved on to the next non-blank line (the first line when there was no old text;
/// the last line when `new` only lost lines at its end).
fn first_changed_line(old: Option<&str>, new: &str) -> usize {
    let Some(old) = old else { return 1 };
    let new_lines: Vec<&str> = new.lines().collect();
    let mut old_lines = old.lines();
    let Some(first) = new_lines
        .iter()
        .position(|line| old_lines.next() != Some(*line))
    else {
        return new_lines.len().max(1);
    };
    let shown = (first..new_lines.len())
        .find(|&i| !new_lines[i].trim().is_empty())
        .unwrap_or(first);
    shown + 1
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
            // A path outside the root (pre-commit passes every staged `.toml`, wherever it
            // is) cannot hold a launch document: it is left out, not an error.
            .filter_map(|p| {
                let absolute = if p.is_absolute() {
                    p.clone()
                } else {
                    cwd.join(p)
                };
                let absolute = absolute.canonicalize().unwrap_or(absolute);
                let relative = absolute.strip_prefix(&root).ok()?;
                Some(relative.to_string_lossy().replace('\\', "/"))
            })
            .collect(),
    )
}

/// The selection filter from `--select` and `--ignore`.
pub fn selection(options: &Options) -> Result<impl Fn(&RuleInfo) -> bool + Sync + '_> {
    check_selectors(options)?;
    Ok(selection_unchecked(options))
}

/// Fails when a `--select`/`--ignore` entry names no rule (organisation rules included, once
/// they are registered).
fn check_selectors(options: &Options) -> Result<()> {
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
    Ok(())
}

/// The selection filter, before the selectors are known to name rules.
fn selection_unchecked(options: &Options) -> impl Fn(&RuleInfo) -> bool + Sync + '_ {
    move |rule: &RuleInfo| {
        (options.select.is_empty()
            || options
                .select
                .iter()
                .any(|s| rules::matches_selector(rule, s)))
            && !options
                .ignore
                .iter()
                .any(|s| rules::matches_selector(rule, s))
    }
}

/// Runs `check` on any tree with a given configuration.
pub fn run_on(
    tree: &dyn Tree,
    config: &Config,
    options: &Options,
    only: Option<HashSet<String>>,
) -> Result<Report> {
    run_with(tree, config, options, only, None)
}

/// The pipeline; `only` limits reporting to these paths, `pull` adds pull-request mode.
fn run_with(
    tree: &dyn Tree,
    config: &Config,
    options: &Options,
    only: Option<HashSet<String>>,
    pull: Option<&PullInput<'_>>,
) -> Result<Report> {
    let matchers = Matchers::new(config)?;
    // Organisation rules are read with the policy: from the base in pull-request mode.
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
    let clock = Clock::new(now, tz.clone());
    let (matched, unmatched) = load::discover_all(tree, &matchers)?;
    let documents = matched.iter().filter(|m| m.role.is_document()).count();
    if documents == 0 && !options.allow_empty {
        return Err(Error::new("no launch request or response plan matched")
            .cause(format!("include globs: {}", config.files.include.join(", ")))
            .help("run from the launch repository, pass --root, adjust `[files].include`, or pass --allow-empty"));
    }
    // Rules beyond the schema only run when some such rule is wanted; waiver rules need every
    // rule's findings to know which waivers are used.
    let rules_wanted = rules::RULES
        .iter()
        .any(|r| (r.is_configurable() || matches!(r.check, rules::Check::Repo(_))) && selected(r))
        || (org.is_some()
            && (options.select.is_empty()
                || options
                    .select
                    .iter()
                    .any(|s| !rules::RULES.iter().any(|r| rules::matches_selector(r, s)))));
    let waivers_wanted = rules::RULES
        .iter()
        .any(|r| r.group == rules::Group::Waivers && selected(r));
    let run_everything = |rule: &RuleInfo| waivers_wanted || selected(rule);

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
    let mut files = read.files;
    let checked = files.len();
    let mut findings = read.findings;
    let history_files =
        pull.map(|p| add_history_files(p, &mut files, &matchers, config.files.max_file_bytes));
    // Stray documents: in a limited run, only those among the reported paths.
    let stray: Vec<String> = unmatched
        .into_iter()
        .filter(|p| only.as_ref().is_none_or(|o| o.contains(p)))
        .collect();
    if selected(rules::rule("LC006")) && !stray.is_empty() {
        findings.extend(rules::lc006_unmatched_document::check(
            tree,
            &mut files,
            &stray,
            &Matchers::include_prefixes(config),
            config.files.max_file_bytes,
        ));
    }
    let files = files;
    // Each judged document's input for the organisation rules, kept from its JSON form
    // before that is released.
    let org_inputs: Vec<std::sync::OnceLock<regorus::Value>> = (0..files.len())
        .map(|_| std::sync::OnceLock::new())
        .collect();
    let org_parsed: Vec<std::sync::OnceLock<Vec<crate::org_rules::Raw>>> = (0..files.len())
        .map(|_| std::sync::OnceLock::new())
        .collect();
    // Everything that borrows the file store lives in this block, so the store can move into
    // the report afterwards.
    let (findings, launch_summaries, scope, schedule) = {
        // Parse, validate and extract models in parallel; a document's tree and JSON are released
        // as soon as its model exists, so memory holds texts and models, not trees.
        let parse_one = |i: usize| {
            let expected = match read.roles[i] {
                Role::Document | Role::Archive => None,
                Role::Roster => Some(Kind::Roster),
                Role::Policy => Some(Kind::Policy),
            };
            // Documents outside the reported files (an unchanged file in a pull request)
            // are read for cross-file rules only: their schema findings would be dropped.
            let in_scope = only.as_ref().is_none_or(|o| o.contains(&files.get(i).path));
            let schema = in_scope || expected.is_some();
            let with_json = rules_wanted && expected.is_none();
            let mut parsed = load::parse_with(i, files.get(i), expected, &tz, schema, with_json);
            // Without rules nothing reads the models; release the trees all the same.
            let model = match (&read.roles[i], &mut parsed.doc) {
                (Role::Archive, _) if rules_wanted => parsed.extract(true),
                (Role::Document, _) if rules_wanted => match &org {
                    // Organisation rules read the document's JSON form before it is
                    // released: they judge it right here, or keep it as their input.
                    Some(org) => {
                        let model = parsed.extract(false);
                        if let (Model::Launch(_) | Model::Plan(_), Some(doc)) =
                            (&model, &parsed.doc)
                        {
                            if !org.judges_while_parsing() {
                                let _ = org_inputs[i]
                                    .set(crate::org_rules::OrgRules::input(doc.json()));
                            } else if in_scope {
                                if let Some(raw) = org.judge_parsed(doc, &files.get(i).path, &clock)
                                {
                                    let _ = org_parsed[i].set(raw);
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
                    doc.release();
                    Model::None
                }
                _ => Model::None,
            };
            (parsed, model)
        };
        let readable: Vec<usize> = (0..checked).filter(|&i| read.readable[i]).collect();
        let (parsed, models): (Vec<Parsed<'_>>, Vec<Model>) = match &only {
            Some(only) if rules_wanted => {
                crate::related::parse_related(&files, &readable, &read.roles, only, &parse_one)
            }
            // Without rules no other document matters.
            Some(only) => readable
                .par_iter()
                .filter(|&&i| !read.roles[i].is_document() || only.contains(&files.get(i).path))
                .map(|&i| parse_one(i))
                .unzip(),
            _ => readable.par_iter().map(|&i| parse_one(i)).unzip(),
        };

        // Policy files must be valid: a broken policy is a broken run, not a finding. That
        // includes one that cannot be read at all, which must not quietly leave the default.
        let mut policy_problems: Vec<Finding> = findings
            .iter()
            .filter(|f| f.file < checked && matches!(read.roles[f.file], Role::Policy))
            .cloned()
            .collect();
        let mut policy_sources = Vec::new();
        for p in parsed
            .iter()
            .filter(|p| matches!(read.roles[p.file], Role::Policy))
        {
            if !p.clean {
                policy_problems.extend(p.findings.iter().cloned());
                continue;
            }
            if let Some(doc) = &p.doc {
                policy_problems.extend(policy_document_problems(doc));
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
                policy_sources.push(PolicySource {
                    json: doc.json().clone(),
                    freeze_origins,
                });
            }
        }
        if !policy_problems.is_empty() {
            let count = policy_problems.len();
            let files = files.clone();
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
            return Err(error.with_diagnostics(files, policy_problems));
        }
        let policy = build_policy(policy_sources)?;
        let org_bound = match &org {
            Some(org) => {
                let bound = org.bind(&policy.merged)?;
                check_selectors(options)?;
                bound
            }
            None => Vec::new(),
        };

        let mut launches = Vec::new();
        let mut plans = Vec::new();
        let mut roster = None;
        let mut unreadable_launches = HashSet::new();
        let mut archived_launches = Vec::new();
        let mut archived_plans = Vec::new();
        let mut unreadable_plans = HashSet::new();
        let mut incidents = Vec::new();
        let mut archived_incidents = Vec::new();
        for (p, model) in parsed.iter().zip(models) {
            findings.extend(p.findings.iter().cloned());
            // Broken documents may have no tree at all (a syntax error): their ids are still
            // known, so references to them are not reported as dangling.
            let model = match (&read.roles[p.file], model) {
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
            match (&read.roles[p.file], model) {
                (Role::Roster, _) => {
                    roster = Some(RosterEntry {
                        doc,
                        model: lenient_roster(doc.json()),
                    });
                }
                (Role::Document, Model::Launch(model)) => launches.push((doc, *model)),
                (Role::Document, Model::Plan(model)) => {
                    plans.push(PlanEntry { doc, model: *model })
                }
                (Role::Document, Model::Unreadable(Kind::LaunchRequest, Some(id))) => {
                    unreadable_launches.insert(id);
                }
                (Role::Archive, Model::Launch(model)) => archived_launches.push((doc, *model)),
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
        let launches = launch_entries(&policy, launches)?;
        let archived_launches = launch_entries(&policy, archived_launches)?;
        let rule_scope = only.as_ref().map(|only| {
            (0..checked)
                .filter(|&id| only.contains(&files.get(id).path))
                .collect()
        });
        // Base copies are parsed only for their content and spans; their own problems are not
        // this change's.
        let base_parsed: Vec<Parsed<'_>> = history_files
            .iter()
            .flat_map(|h| h.documents.iter().filter_map(|(_, id)| *id))
            .map(|id| load::parse(id, files.get(id), None, &tz, false))
            .collect();
        let history = match (pull, history_files) {
            (Some(pull), Some(history_files)) => Some(pair_history(
                pull,
                history_files,
                &parsed,
                &base_parsed,
                &files,
                &read.roles,
                &matchers,
            )),
            _ => None,
        };
        let stale = history
            .as_ref()
            .map(rules::lc401_approval_invalidated::stale_approvals)
            .unwrap_or_default();
        let repo = Repo::new(&files, launches, plans, roster, &policy, clock)
            .with_scope(rule_scope)
            .with_unreadable_launches(unreadable_launches)
            .with_unreadable_plans(unreadable_plans)
            .with_stale_approvals(stale)
            .with_archive(archived_launches, archived_plans)
            .with_incidents(incidents, archived_incidents);

        if rules_wanted {
            findings.extend(crate::engine::run(&repo, &run_everything));
            let mut found = Vec::new();
            if run_everything(rules::rule("LC403")) {
                rules::lc403_history_rewrite::archived_without_record(&repo, &mut found);
            }
            if let Some(org) = &org {
                let judged = org.evaluate(
                    &repo,
                    &org_bound,
                    &run_everything,
                    &selected,
                    &org_inputs,
                    &org_parsed,
                )?;
                findings.extend(crate::engine::drafts_as_notes(&repo, judged));
            }
            if let Some(history) = &history {
                for (code, check) in HISTORY_RULES {
                    if run_everything(rules::rule(code)) {
                        check(history, &repo, &mut found);
                    }
                }
            }
            findings.extend(crate::engine::resolve_levels(&repo, found));
            crate::waivers::apply(&repo, &mut findings, history.is_some());
        }
        findings.retain(|f| selected(f.rule));
        crate::root_cause::drop_consequences(&mut findings);
        // In pull-request mode the policy and roster read from the base are not the change's
        // files, even when the change edits them (LC404 points at the edited copy instead).
        let from_base = |id: FileId| {
            pull.is_some_and(|p| !p.policy_from_head)
                && id < checked
                && matches!(read.roles[id], Role::Policy | Role::Roster)
        };
        let scope: Option<HashSet<FileId>> = only.map(|only| {
            files
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
        let schedule = options.schedule.then(|| crate::schedule::build(&repo));
        (findings, launch_summaries, scope, schedule)
    };
    let mut findings = findings;
    sort_findings(&mut findings, &files);
    Ok(Report {
        files_checked: checked,
        files,
        findings,
        now,
        launches: launch_summaries,
        scope,
        schedule,
    })
}

/// Each launch with the rule set its overrides resolve to.
fn launch_entries<'a>(
    policy: &Policy,
    launches: Vec<(&'a Document<'a>, LaunchRequest)>,
) -> Result<Vec<LaunchEntry<'a>>> {
    launches
        .into_iter()
        .map(|(doc, model)| {
            let rules = policy
                .for_launch(&model)
                .map_err(|e| Error::new("cannot apply the policy").cause(e))?;
            Ok(LaunchEntry { doc, model, rules })
        })
        .collect()
}

/// The LC4xx rules, fed by the git stage.
type HistoryCheck = fn(&History<'_>, &Repo<'_>, &mut Vec<Finding>);
const HISTORY_RULES: [(&str, HistoryCheck); 4] = [
    ("LC401", rules::lc401_approval_invalidated::check),
    ("LC402", rules::lc402_status_transition::check),
    ("LC403", rules::lc403_history_rewrite::check),
    ("LC404", rules::lc404_policy_change::check),
];

/// Pairs each changed document's base copy with the document the run checked.
fn pair_history<'a>(
    pull: &PullInput<'_>,
    loaded: HistoryFiles,
    parsed: &'a [Parsed<'a>],
    base_parsed: &'a [Parsed<'a>],
    files: &'a Files,
    roles: &[Role],
    matchers: &Matchers,
) -> History<'a> {
    let archived = |path: &Option<String>| {
        path.as_deref()
            .is_some_and(|p| matches!(matchers.role(p), Some(Role::Archive)))
    };
    let head: HashMap<&str, &'a Document<'a>> = parsed
        .iter()
        .filter(|p| roles[p.file].is_document())
        .filter_map(|p| {
            p.doc
                .as_ref()
                .map(|doc| (files.get(p.file).path.as_str(), doc))
        })
        .collect();
    let base: HashMap<FileId, &'a Document<'a>> = base_parsed
        .iter()
        .filter_map(|p| p.doc.as_ref().map(|doc| (p.file, doc)))
        .collect();
    let documents = loaded
        .documents
        .into_iter()
        .map(|(change, base_file)| DocChange {
            old_archived: archived(&change.old),
            new_archived: archived(&change.new),
            kind: change.kind,
            base: base_file.and_then(|id| base.get(&id).copied()),
            head: change
                .new
                .as_deref()
                .and_then(|path| head.get(path).copied()),
            old_path: change.old,
            new_path: change.new,
        })
        .collect();
    History {
        documents,
        settings: loaded.settings,
        base: pull.pull.label(),
        merge_base: pull.pull.merge_base_id.clone(),
        policy_from_head: pull.policy_from_head,
    }
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

/// What the policy schema cannot say: override service globs must compile, and a freeze must
/// end after it starts (an inverted one could never match a window).
fn policy_document_problems(doc: &Document<'_>) -> Vec<Finding> {
    let schema = rules::rule("LC003");
    let json = doc.json();
    let mut problems = Vec::new();
    let entries = |key: &str| {
        json.get(key)
            .and_then(|v| v.as_array())
            .map(Vec::as_slice)
            .unwrap_or_default()
    };
    for (i, entry) in entries("override").iter().enumerate() {
        let patterns = entry.get("services").and_then(|v| v.as_array());
        for (j, pattern) in patterns.into_iter().flatten().enumerate() {
            let Some(pattern) = pattern.as_str() else {
                continue;
            };
            if let Err(error) = globset::Glob::new(pattern) {
                let path = ["override".into(), i.into(), "services".into(), j.into()];
                problems.push(
                    Finding::new(
                        schema,
                        doc.file,
                        doc.point_at(&path),
                        format!("`{pattern}` is not a valid glob: {}", error.kind()),
                    )
                    .key(crate::document::display_path(&path))
                    .help("use `*` for any run of characters, `?` for one, `[abc]` for a set"),
                );
            }
        }
    }
    for (i, entry) in entries("freeze").iter().enumerate() {
        let instant = |key: &str| {
            entry
                .get(key)
                .and_then(|v| v.as_str())
                .and_then(|t| t.parse::<Timestamp>().ok())
        };
        if let (Some(start), Some(end)) = (instant("start"), instant("end")) {
            if end <= start {
                let name = entry
                    .get("name")
                    .and_then(|v| v.as_str())
                    .unwrap_or("freeze");
                let path = ["freeze".into(), i.into(), "end".into()];
                problems.push(
                    Finding::new(
                        schema,
                        doc.file,
                        doc.point_at(&path),
                        format!("the freeze `{name}` ends before it starts, so it can never apply"),
                    )
                    .key(crate::document::display_path(&path))
                    .help("set `end` after `start`"),
                );
            }
        }
    }
    problems
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
            problems.extend(policy_document_problems(doc));
            sources.push(PolicySource {
                json: doc.json().clone(),
                freeze_origins: Vec::new(),
            });
        }
    }
    if !problems.is_empty() {
        return Err(
            Error::new("the policy has problems").with_diagnostics(read.files.clone(), problems)
        );
    }
    Ok(build_policy(sources)?.merged)
}

#[cfg(test)]
mod tests {
    use super::first_changed_line;

    #[test]
    fn edits_point_at_their_first_non_blank_changed_line() {
        assert_eq!(first_changed_line(None, "a\nb\n"), 1);
        assert_eq!(first_changed_line(Some("a\nb\n"), "a\nc\n"), 2);
        assert_eq!(first_changed_line(Some("a\n"), "a\n\n[x]\ny\n"), 3);
        assert_eq!(first_changed_line(Some("a\nb\nc\n"), "a\nb\n"), 2);
        assert_eq!(first_changed_line(Some("a\r\nb\r\n"), "a\nb\n"), 2);
    }
}

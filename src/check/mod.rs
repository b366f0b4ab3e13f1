//! The `check` command: which trees and configuration a run reads (the work tree, a
//! commit, the index, or a pull request's base and head), then the pipeline over them.
//!
//! - [`locate`](mod@locate): the repository root, the configuration, explicitly named paths;
//! - [`change`]: pull-request and commit mode, documents from the head and settings from the base;
//! - [`history`]: the base copies the LC4xx rules compare against;
//! - [`select`]: `--select` and `--ignore`;
//! - [`policy`]: the default policy merged with the repository's;
//! - [`pipeline`]: discover → load → schema → model → index → rules → waivers → report.

mod change;
mod history;
mod locate;
mod pipeline;
mod policy;
mod select;

use std::collections::HashSet;
use std::path::PathBuf;

use crate::config::Config;
use crate::error::Result;
use crate::git::GitRepo;
use crate::report::Report;
use crate::tree::{Tree, WorkTree};

use change::run_change;
use locate::{config_in_tree, explicit_paths, resolve_explicit};
pub use locate::{load_config, locate, Located};
use pipeline::run_with;
pub use policy::{build_policy, default_policy_json, effective_policy};
pub use select::selection;

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
    /// The process exits once the report is written: what the run built on the way is left
    /// to the operating system rather than freed piece by piece.
    pub exits_after: bool,
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

/// Runs `check` on any tree with a given configuration.
pub fn run_on(
    tree: &dyn Tree,
    config: &Config,
    options: &Options,
    only: Option<HashSet<String>>,
) -> Result<Report> {
    run_with(tree, config, options, only, None)
}

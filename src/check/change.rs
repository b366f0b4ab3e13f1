//! Pull-request and commit mode: documents from the head, policy, roster and configuration
//! from the base, findings limited to the changed files.

use std::collections::HashSet;

use crate::config::{Config, Matchers, Role};
use crate::error::Result;
use crate::git::PullRequest;
use crate::report::Report;
use crate::tree::{ReadOutcome, Tree};

use super::locate::{config_in_repository, config_in_tree, resolve_explicit, Located};
use super::pipeline::run_with;
use super::Options;

/// Pull-request and commit mode: documents from the head (the work tree, or the index for
/// `--staged`); policy, roster and configuration from the base revision (unless
/// `--policy-from-head`); findings only in changed files (unless `--all`); and the LC4xx
/// rules.
pub(super) fn run_change(
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
pub(super) struct PullInput<'t> {
    pub(super) pull: &'t PullRequest,
    pub(super) head: &'t dyn Tree,
    /// The head's and the base's file roles, to recognise policy and roster files either
    /// names (LC404).
    pub(super) matchers: Vec<Matchers>,
    pub(super) config_path: Option<String>,
    pub(super) policy_from_head: bool,
}

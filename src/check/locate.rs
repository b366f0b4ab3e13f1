//! Where a run reads from: the repository root, its configuration (from disk or from a
//! git tree) and the paths the user named.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::config::{self, Config};
use crate::error::{Error, Result};
use crate::git::GitTree;
use crate::tree::{ReadOutcome, Tree};

use super::Options;

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

/// Checks explicitly named paths against the tree: a file stands for itself, a directory for
/// the files below it; a path that names neither is a usage error, not a silent no-op.
pub(super) fn resolve_explicit(
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
pub(super) fn config_in_repository(located: &Located) -> Option<String> {
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
pub(super) fn config_in_tree(located: &Located, tree: &GitTree) -> Result<Config> {
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

/// Root-relative forms of explicitly named paths (as pre-commit passes them).
pub(super) fn explicit_paths(root: &Path, paths: &[PathBuf]) -> Option<HashSet<String>> {
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

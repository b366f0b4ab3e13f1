//! The git stage, and the only module that uses `git2`. It opens the repository that holds
//! the launch repository's root and offers the [`Tree`]s a run reads: a commit's tree
//! (`--rev`), the index (`--staged`), and for pull-request mode (`--base`) the base
//! revision's tree, the merge base's tree and the files changed between the merge base and
//! the work tree. It also defines [`History`], what the LC4xx rules are given.
//!
//! Paths are always relative to the launch repository's root, which may be a subdirectory
//! of the git work tree; files outside it do not exist for a run.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use git2::{Delta, DiffFindOptions, DiffOptions, ObjectType, Oid, TreeWalkMode, TreeWalkResult};

use crate::document::Document;
use crate::error::{Error, Result};
use crate::source::FileId;
use crate::tree::{ReadOutcome, Tree};

/// Symbolic links are followed inside a tree at most this many times.
const MAX_LINK_HOPS: usize = 8;
/// Git's mode bits for a symbolic link and a submodule.
const MODE_LINK: u32 = 0o120000;
const MODE_SUBMODULE: u32 = 0o160000;

/// The git repository that holds a launch repository.
pub struct GitRepo {
    repo: Arc<Mutex<git2::Repository>>,
    /// The launch repository root relative to the git work tree: empty, or `dir/sub/`.
    prefix: String,
    /// The work tree, absent for a bare repository.
    workdir: Option<PathBuf>,
}

/// A set of files as git stores them: a commit's tree or the index.
pub struct GitTree {
    repo: Arc<Mutex<git2::Repository>>,
    entries: BTreeMap<String, Entry>,
    /// What the tree is, for messages: "commit abc1234", "the index".
    label: String,
}

#[derive(Clone, Copy)]
struct Entry {
    oid: Oid,
    link: bool,
}

/// How a file changed between the merge base and the work tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    Added,
    Modified,
    Deleted,
    Renamed,
}

/// One changed file; `old` is its path at the merge base, `new` in the work tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub kind: ChangeKind,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// What pull-request mode compares.
pub struct PullRequest {
    /// The revision as the user named it.
    pub rev: String,
    /// Abbreviated ids of the base revision and the merge base.
    pub base_id: String,
    pub merge_base_id: String,
    /// The base revision's tree: policy, roster and configuration are read from here.
    pub base: GitTree,
    /// The merge base's tree: what the changed files were before the change.
    pub merge_base: GitTree,
    /// Files changed between the merge base and the work tree, by path.
    pub changes: Vec<Change>,
}

impl PullRequest {
    /// How messages name the base: "`main` (1a2b3c4)".
    pub fn label(&self) -> String {
        format!("`{}` ({})", self.rev, self.base_id)
    }
}

fn lock(repo: &Mutex<git2::Repository>) -> MutexGuard<'_, git2::Repository> {
    // A panic while holding the lock cannot leave the repository handle inconsistent: every
    // use is a read.
    repo.lock().unwrap_or_else(|e| e.into_inner())
}

fn short(oid: Oid) -> String {
    oid.to_string().chars().take(7).collect()
}

impl GitRepo {
    /// Opens the git repository that contains `root`.
    pub fn open(root: &Path) -> Result<GitRepo> {
        let repo = git2::Repository::discover(root).map_err(|e| {
            Error::new(format!("`{}` is not in a git repository", root.display()))
                .cause(e.message())
                .help("--base, --rev and --staged read git history: run inside a git clone, or drop the option")
        })?;
        let workdir = repo.workdir().map(Path::to_path_buf);
        let prefix = match &workdir {
            None => String::new(),
            Some(workdir) => prefix_of(root, workdir)?,
        };
        Ok(GitRepo {
            repo: Arc::new(Mutex::new(repo)),
            prefix,
            workdir,
        })
    }

    fn work_tree_required(&self, what: &str) -> Result<()> {
        if self.workdir.is_none() {
            return Err(Error::new(format!(
                "{what} needs a work tree, and this git repository is bare"
            )));
        }
        Ok(())
    }

    /// The tree of the commit `rev` names, without checking it out.
    pub fn commit_tree(&self, rev: &str) -> Result<GitTree> {
        let repo = lock(&self.repo);
        let commit = resolve(&repo, rev)?;
        let tree = commit.tree().map_err(|e| {
            Error::new(format!("cannot read the tree of `{rev}`")).cause(e.message())
        })?;
        let entries = tree_entries(&repo, &tree, &self.prefix).map_err(|e| {
            Error::new(format!("cannot list the files of `{rev}`")).cause(e.message())
        })?;
        Ok(GitTree {
            repo: self.repo.clone(),
            entries,
            label: format!("`{rev}` ({})", short(commit.id())),
        })
    }

    /// What the index holds: what `git commit` would record. Honours `GIT_INDEX_FILE`, which
    /// git sets for hooks (`git commit -a` and `git commit PATH` commit a temporary index).
    pub fn index_tree(&self) -> Result<GitTree> {
        self.work_tree_required("--staged")?;
        let repo = lock(&self.repo);
        let index = match std::env::var_os("GIT_INDEX_FILE").filter(|v| !v.is_empty()) {
            Some(path) => git2::Index::open(Path::new(&path)),
            None => repo.index(),
        }
        .map_err(|e| Error::new("cannot read the git index").cause(e.message()))?;
        let mut entries = BTreeMap::new();
        for entry in index.iter() {
            // Stage bits: a conflicted path has no single staged version to judge.
            let stage = (entry.flags >> 12) & 0x3;
            if stage != 0 || entry.mode == MODE_SUBMODULE {
                continue;
            }
            let Ok(path) = std::str::from_utf8(&entry.path) else {
                continue;
            };
            let Some(relative) = path.strip_prefix(self.prefix.as_str()) else {
                continue;
            };
            entries.insert(
                relative.to_owned(),
                Entry {
                    oid: entry.id,
                    link: entry.mode == MODE_LINK,
                },
            );
        }
        Ok(GitTree {
            repo: self.repo.clone(),
            entries,
            label: "the index".into(),
        })
    }

    /// Pull-request mode: the merge base of `rev` and HEAD, and what changed since.
    pub fn pull_request(&self, rev: &str) -> Result<PullRequest> {
        self.work_tree_required("--base")?;
        let repo = lock(&self.repo);
        let base = resolve(&repo, rev)?;
        let head = repo.head().and_then(|h| h.peel_to_commit()).map_err(|e| {
            Error::new("HEAD does not name a commit (does the repository have commits yet?)")
                .cause(e.message())
        })?;
        let merge_base = repo.merge_base(base.id(), head.id()).map_err(|e| {
            if repo.is_shallow() {
                Error::new(format!(
                    "the merge base of `{rev}` and HEAD is not in this shallow clone"
                ))
                .cause(e.message())
                .help(shallow_merge_base_help(&repo))
            } else {
                Error::new(format!("`{rev}` and HEAD have no common history")).cause(e.message())
            }
        })?;
        let merge_base_commit = repo
            .find_commit(merge_base)
            .map_err(|e| Error::new("cannot read the merge base").cause(e.message()))?;
        let listing = |commit: &git2::Commit<'_>| -> Result<BTreeMap<String, Entry>> {
            commit
                .tree()
                .and_then(|tree| tree_entries(&repo, &tree, &self.prefix))
                .map_err(|e| {
                    Error::new(format!(
                        "cannot list the files of commit {}",
                        short(commit.id())
                    ))
                    .cause(e.message())
                })
        };
        let base_entries = listing(&base)?;
        let merge_base_entries = listing(&merge_base_commit)?;
        let changes = changes_since(&repo, &merge_base_commit, &self.prefix).map_err(|e| {
            Error::new(format!(
                "cannot compare the work tree with the merge base {}",
                short(merge_base)
            ))
            .cause(e.message())
        })?;
        Ok(PullRequest {
            rev: rev.to_owned(),
            base_id: short(base.id()),
            merge_base_id: short(merge_base),
            base: GitTree {
                repo: self.repo.clone(),
                entries: base_entries,
                label: format!("`{rev}` ({})", short(base.id())),
            },
            merge_base: GitTree {
                repo: self.repo.clone(),
                entries: merge_base_entries,
                label: format!("the merge base ({})", short(merge_base)),
            },
            changes,
        })
    }
}

impl GitRepo {
    /// Commit mode (`--staged`): HEAD is the base, and the changes are what the index holds
    /// that HEAD does not. `None` before the first commit, when there is nothing to compare.
    pub fn staged_change(&self) -> Result<Option<PullRequest>> {
        self.work_tree_required("--staged")?;
        let repo = lock(&self.repo);
        let Ok(head) = repo.head().and_then(|h| h.peel_to_commit()) else {
            return Ok(None);
        };
        let entries = head
            .tree()
            .and_then(|tree| tree_entries(&repo, &tree, &self.prefix))
            .map_err(|e| Error::new("cannot list the files of HEAD").cause(e.message()))?;
        let index = match std::env::var_os("GIT_INDEX_FILE").filter(|v| !v.is_empty()) {
            Some(path) => git2::Index::open(Path::new(&path)),
            None => repo.index(),
        }
        .map_err(|e| Error::new("cannot read the git index").cause(e.message()))?;
        let changes = staged_changes(&repo, &head, &index, &self.prefix)
            .map_err(|e| Error::new("cannot compare the index with HEAD").cause(e.message()))?;
        let id = short(head.id());
        let tree = |label: String| GitTree {
            repo: self.repo.clone(),
            entries: entries.clone(),
            label,
        };
        Ok(Some(PullRequest {
            rev: "HEAD".to_owned(),
            base_id: id.clone(),
            merge_base_id: id.clone(),
            base: tree(format!("`HEAD` ({id})")),
            merge_base: tree(format!("HEAD ({id})")),
            changes,
        }))
    }
}

/// Which of these root-relative paths git ignores; none outside a git work tree.
pub fn ignored(root: &Path, paths: &[String]) -> std::collections::HashSet<String> {
    let Ok(repo) = git2::Repository::discover(root) else {
        return Default::default();
    };
    let Some(workdir) = repo.workdir() else {
        return Default::default();
    };
    let Ok(prefix) = prefix_of(root, workdir) else {
        return Default::default();
    };
    paths
        .iter()
        .filter(|p| {
            repo.status_should_ignore(Path::new(&format!("{prefix}{p}")))
                .unwrap_or(false)
        })
        .cloned()
        .collect()
}

/// The remote a fetch command should name: `origin`, else the first remote.
fn default_remote(repo: &git2::Repository) -> String {
    preferred_remote(repo).unwrap_or_else(|| "origin".to_owned())
}

/// The names of the repository's remotes.
fn remote_names(repo: &git2::Repository) -> Vec<String> {
    repo.remotes()
        .map(|names| {
            names
                .iter()
                .filter_map(|name| name.ok().flatten().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// `origin` when it exists, else the first remote.
fn preferred_remote(repo: &git2::Repository) -> Option<String> {
    let names = remote_names(repo);
    names
        .iter()
        .find(|n| *n == "origin")
        .or_else(|| names.first())
        .cloned()
}

/// A word quoted for a POSIX shell when it needs it, so that a suggested command can be
/// pasted as it is.
fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word.chars().all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | ':' | '+' | '@' | '=')
        });
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// A git command that fetches `rev`, written so that git accepts it as it is; in a shallow
/// clone (`unshallow`) it fetches the history down to any merge base too. A
/// remote-tracking name such as `origin/main` is not a ref on the remote (`git fetch origin
/// origin/main` fails): the branch is fetched by its name there and stored where
/// `origin/main` resolves.
fn fetch_command(repo: &git2::Repository, rev: &str, unshallow: bool) -> String {
    let remote = default_remote(repo);
    let tracking = remote_names(repo).into_iter().find_map(|name| {
        let branch = rev
            .strip_prefix(name.as_str())?
            .strip_prefix('/')?
            .to_owned();
        Some((name, branch))
    });
    let is_name = |text: &str| {
        git2::Reference::is_valid_name(&format!("refs/heads/{text}"))
            && !text.contains(['~', '^', ':', '@'])
    };
    let (remote, refspec) = match tracking {
        Some((name, branch)) if is_name(&branch) => {
            let refspec = format!("{branch}:refs/remotes/{name}/{branch}");
            (name, Some(refspec))
        }
        _ if rev.len() == 40 && rev.chars().all(|c| c.is_ascii_hexdigit()) => {
            (remote, Some(rev.to_owned()))
        }
        // A full commit id can be fetched; a short one cannot, nor can `main~2`.
        _ if rev.chars().all(|c| c.is_ascii_hexdigit()) => (remote, None),
        _ if is_name(rev) => (remote, Some(format!("{rev}:{rev}"))),
        _ => (remote, None),
    };
    let mut command = String::from("git fetch ");
    if unshallow {
        command.push_str("--unshallow ");
    }
    command.push_str(&shell_word(&remote));
    if let Some(refspec) = refspec {
        command.push(' ');
        command.push_str(&shell_word(&refspec));
    }
    command
}

fn shallow_merge_base_help(repo: &git2::Repository) -> String {
    format!(
        "this clone is shallow: fetch the history down to the merge base with `git fetch \
         --unshallow {}`, or check out with full history (`fetch-depth: 0` with \
         actions/checkout)",
        shell_word(&default_remote(repo))
    )
}

/// The commit a revision names, with clear errors for unknown and unfetched revisions.
fn resolve<'r>(repo: &'r git2::Repository, rev: &str) -> Result<git2::Commit<'r>> {
    let object = repo.revparse_single(rev).map_err(|e| {
        let error = Error::new(format!("unknown revision '{rev}'")).cause(e.message());
        if repo.is_shallow() {
            error.help(format!(
                "this clone is shallow and may not hold it: fetch it and its history with `{}`, \
                 or check out with full history (`fetch-depth: 0` with actions/checkout)",
                fetch_command(repo, rev, true)
            ))
        } else {
            error.help(format!(
                "name a branch, tag or commit of this repository; if it is on the remote, \
                 fetch it first with `{}`",
                fetch_command(repo, rev, false)
            ))
        }
    })?;
    object.peel_to_commit().map_err(|e| {
        Error::new(format!("revision '{rev}' does not name a commit")).cause(e.message())
    })
}

/// The launch root relative to the work tree, `/`-separated with a trailing `/` (or empty).
fn prefix_of(root: &Path, workdir: &Path) -> Result<String> {
    let root = root.canonicalize().map_err(|e| {
        Error::io(
            format!("cannot open the repository root `{}`", root.display()),
            e,
        )
    })?;
    let workdir = workdir
        .canonicalize()
        .unwrap_or_else(|_| workdir.to_path_buf());
    let relative = root.strip_prefix(&workdir).map_err(|_| {
        Error::new(format!(
            "the repository root `{}` is not inside the git work tree `{}`",
            root.display(),
            workdir.display()
        ))
    })?;
    let mut prefix = String::new();
    for part in relative.components() {
        let text = part.as_os_str().to_str().ok_or_else(|| {
            Error::new(format!(
                "the repository root `{}` is not valid UTF-8",
                root.display()
            ))
        })?;
        prefix.push_str(text);
        prefix.push('/');
    }
    Ok(prefix)
}

/// Every file (blob or link) under `prefix` in a tree, keyed by its root-relative path.
fn tree_entries(
    repo: &git2::Repository,
    tree: &git2::Tree<'_>,
    prefix: &str,
) -> std::result::Result<BTreeMap<String, Entry>, git2::Error> {
    let mut entries = BTreeMap::new();
    let subtree;
    let tree = if prefix.is_empty() {
        tree
    } else {
        let Ok(entry) = tree.get_path(Path::new(prefix.trim_end_matches('/'))) else {
            return Ok(entries);
        };
        if entry.kind() != Some(ObjectType::Tree) {
            return Ok(entries);
        }
        subtree = repo.find_tree(entry.id())?;
        &subtree
    };
    tree.walk(TreeWalkMode::PreOrder, |dir, entry| {
        if entry.kind() != Some(ObjectType::Blob) {
            return TreeWalkResult::Ok;
        }
        if let Ok(name) = entry.name() {
            entries.insert(
                format!("{dir}{name}"),
                Entry {
                    oid: entry.id(),
                    link: entry.filemode() as u32 == MODE_LINK,
                },
            );
        }
        TreeWalkResult::Ok
    })?;
    Ok(entries)
}

/// Files changed between a commit and the index, with renames detected.
fn staged_changes(
    repo: &git2::Repository,
    commit: &git2::Commit<'_>,
    index: &git2::Index,
    prefix: &str,
) -> std::result::Result<Vec<Change>, git2::Error> {
    let tree = commit.tree()?;
    let mut options = DiffOptions::new();
    options.include_typechange(true);
    if !prefix.is_empty() {
        options.pathspec(prefix);
    }
    let mut diff = repo.diff_tree_to_index(Some(&tree), Some(index), Some(&mut options))?;
    diff.find_similar(Some(DiffFindOptions::new().renames(true)))?;
    Ok(collect_changes(&diff, prefix))
}

/// Files changed between a commit and the work tree (untracked files count as added;
/// ignored ones do not), with renames detected.
fn changes_since(
    repo: &git2::Repository,
    commit: &git2::Commit<'_>,
    prefix: &str,
) -> std::result::Result<Vec<Change>, git2::Error> {
    let tree = commit.tree()?;
    let mut options = DiffOptions::new();
    options
        .include_untracked(true)
        .recurse_untracked_dirs(true)
        .include_typechange(true);
    if !prefix.is_empty() {
        options.pathspec(prefix);
    }
    let mut diff = repo.diff_tree_to_workdir_with_index(Some(&tree), Some(&mut options))?;
    diff.find_similar(Some(
        DiffFindOptions::new().renames(true).for_untracked(true),
    ))?;
    Ok(collect_changes(&diff, prefix))
}

/// The changes a diff records, as root-relative paths sorted by path.
fn collect_changes(diff: &git2::Diff<'_>, prefix: &str) -> Vec<Change> {
    let inside = |path: Option<&Path>| -> Option<String> {
        let text = path?.to_str()?.replace('\\', "/");
        text.strip_prefix(prefix).map(str::to_owned)
    };
    let mut changes = Vec::new();
    for delta in diff.deltas() {
        let old = inside(delta.old_file().path());
        let new = inside(delta.new_file().path());
        let change = match delta.status() {
            Delta::Added | Delta::Untracked | Delta::Copied => Change {
                kind: ChangeKind::Added,
                old: None,
                new,
            },
            Delta::Deleted => Change {
                kind: ChangeKind::Deleted,
                old,
                new: None,
            },
            Delta::Modified | Delta::Typechange | Delta::Conflicted => Change {
                kind: ChangeKind::Modified,
                new: new.clone(),
                old: old.or(new),
            },
            Delta::Renamed => Change {
                kind: ChangeKind::Renamed,
                old,
                new,
            },
            Delta::Unmodified | Delta::Ignored | Delta::Unreadable => continue,
        };
        // A rename across the root's edge is an addition or a deletion for this run.
        let change = match (change.old, change.new) {
            (None, None) => continue,
            (Some(old), None) => Change {
                kind: ChangeKind::Deleted,
                old: Some(old),
                new: None,
            },
            (None, Some(new)) => Change {
                kind: ChangeKind::Added,
                old: None,
                new: Some(new),
            },
            (Some(old), Some(new)) => Change {
                kind: change.kind,
                old: Some(old),
                new: Some(new),
            },
        };
        changes.push(change);
    }
    changes.sort_by(|a, b| {
        let key = |c: &Change| c.new.clone().or_else(|| c.old.clone());
        key(a).cmp(&key(b))
    });
    changes
}

impl GitTree {
    /// What this tree is, for messages.
    pub fn label(&self) -> &str {
        &self.label
    }

    fn read_blob(&self, oid: Oid, limit: u64) -> ReadOutcome {
        let repo = lock(&self.repo);
        let size = match repo.odb().and_then(|odb| odb.read_header(oid)) {
            Ok((size, _)) => size as u64,
            Err(e) => {
                return ReadOutcome::Failed(format!("cannot read it from git: {}", e.message()))
            }
        };
        if size > limit {
            return ReadOutcome::TooLarge { size };
        }
        let outcome = match repo.find_blob(oid) {
            Ok(blob) => ReadOutcome::Bytes(blob.content().to_vec()),
            Err(e) => ReadOutcome::Failed(format!("cannot read it from git: {}", e.message())),
        };
        outcome
    }
}

/// Where a link at `link_path` pointing at `target` leads, root-relative; `None` when it
/// leaves the root.
fn resolve_link(link_path: &str, target: &str) -> Option<String> {
    if target.starts_with('/') || target.contains('\\') || target.contains(':') {
        return None;
    }
    let mut parts: Vec<&str> = link_path.split('/').collect();
    parts.pop();
    for part in target.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

impl Tree for GitTree {
    fn paths(&self) -> Result<Vec<String>> {
        Ok(self.entries.keys().cloned().collect())
    }

    fn read(&self, path: &str, limit: u64) -> ReadOutcome {
        let mut current = path.to_owned();
        for _ in 0..MAX_LINK_HOPS {
            let Some(entry) = self.entries.get(&current).copied() else {
                return ReadOutcome::Failed(if current == path {
                    format!("not in {}", self.label)
                } else {
                    format!("a link to `{current}`, which is not in {}", self.label)
                });
            };
            if !entry.link {
                return self.read_blob(entry.oid, limit);
            }
            let target = match self.read_blob(entry.oid, 4096) {
                ReadOutcome::Bytes(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
                other => return other,
            };
            match resolve_link(&current, &target) {
                Some(next) => current = next,
                None => return ReadOutcome::LinkOutside { target },
            }
        }
        ReadOutcome::Failed("too many levels of links".into())
    }

    fn contains(&self, path: &str) -> bool {
        self.entries.contains_key(path)
    }
}

/// Where `launchcheck hook install` writes: the hooks directory (honouring
/// `core.hooksPath`) and the work tree the hook runs in.
pub fn hooks_dir(start: &Path) -> Result<(PathBuf, PathBuf)> {
    let repo = git2::Repository::discover(start).map_err(|e| {
        Error::new(format!("`{}` is not in a git repository", start.display()))
            .cause(e.message())
            .help("run `git init` first, or run this inside the launch repository's clone")
    })?;
    let workdir = repo
        .workdir()
        .map(Path::to_path_buf)
        .ok_or_else(|| Error::new("a bare repository runs no pre-commit hooks"))?;
    let configured = repo
        .config()
        .ok()
        .and_then(|c| c.get_path("core.hooksPath").ok())
        .filter(|p| !p.as_os_str().is_empty());
    let dir = match configured {
        Some(path) if path.is_absolute() => path,
        Some(path) => workdir.join(path),
        None => repo.commondir().join("hooks"),
    };
    Ok((dir, workdir))
}

// --- Provenance for reports --------------------------------------------------------------

/// Which repository and commit a report describes (SARIF `versionControlProvenance`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provenance {
    /// The repository's address: the `origin` remote (else the first remote) as an `https`
    /// or `file` URI without credentials, else the work tree as a `file` URI.
    pub repository_uri: String,
    /// The full commit id checked: `rev` when given, else HEAD.
    pub revision: String,
    /// The branch HEAD is on, when it is on one and no other revision was named.
    pub branch: Option<String>,
    /// The launch repository root relative to the work tree: empty, or `dir/sub/`.
    pub prefix: String,
}

/// The provenance of a run on `root`; `None` outside a git repository, or when the
/// revision cannot be read (a report is still written, only without provenance).
pub fn provenance(root: &Path, rev: Option<&str>) -> Option<Provenance> {
    let repo = git2::Repository::discover(root).ok()?;
    let (commit, branch) = match rev {
        Some(rev) => (repo.revparse_single(rev).ok()?.peel_to_commit().ok()?, None),
        None => {
            let head = repo.head().ok()?;
            let branch = head
                .is_branch()
                .then(|| head.shorthand().ok().map(str::to_owned))
                .flatten();
            (head.peel_to_commit().ok()?, branch)
        }
    };
    let prefix = match repo.workdir() {
        Some(workdir) => prefix_of(root, workdir).ok()?,
        None => String::new(),
    };
    let remote_uri = preferred_remote(&repo)
        .and_then(|name| repo.find_remote(&name).ok()?.url().ok().map(str::to_owned))
        .and_then(|url| repository_uri(&url, repo.workdir().unwrap_or(repo.path())));
    let repository_uri = remote_uri.or_else(|| {
        let place = repo.workdir().unwrap_or(repo.path());
        file_uri(&place.canonicalize().ok()?)
    })?;
    Some(Provenance {
        repository_uri,
        revision: commit.id().to_string(),
        branch,
        prefix,
    })
}

/// A remote URL as an absolute URI without credentials: `git@host:owner/repo.git` and
/// `ssh://git@host/owner/repo.git` become `https://host/owner/repo`, a local path becomes
/// a `file` URI (relative paths are resolved against the repository).
fn repository_uri(url: &str, repo_dir: &Path) -> Option<String> {
    let url = url.trim();
    if let Some((scheme, rest)) = url.split_once("://") {
        let scheme = scheme.to_ascii_lowercase();
        if scheme == "file" {
            return Some(format!("file://{rest}"));
        }
        // Drop `user:token@`: a report must never carry a credential from the remote URL.
        let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
        let host = authority.rsplit('@').next().unwrap_or(authority);
        let host = match scheme.as_str() {
            // An SSH port is not the web server's.
            "ssh" | "git+ssh" | "ssh+git" | "git" => host.split(':').next().unwrap_or(host),
            _ => host,
        };
        let scheme = if scheme == "http" { "http" } else { "https" };
        let path = path.trim_end_matches('/');
        let path = path.strip_suffix(".git").unwrap_or(path);
        return Some(format!("{scheme}://{host}/{path}"));
    }
    // scp-like syntax: `[user@]host:path`, where the host part holds no `/`.
    if let Some((host, path)) = url.split_once(':') {
        // A one-letter "host" is a Windows drive (`C:\repos\x`), not a server.
        let drive = host.len() == 1 && cfg!(windows);
        if !(host.contains('/') || host.is_empty() || drive) {
            let host = host.rsplit('@').next().unwrap_or(host);
            let path = path.trim_start_matches('/').trim_end_matches('/');
            let path = path.strip_suffix(".git").unwrap_or(path);
            return Some(format!("https://{host}/{path}"));
        }
    }
    let path = Path::new(url);
    let path = if path.is_absolute() {
        path.to_path_buf()
    } else {
        repo_dir.join(path)
    };
    file_uri(&path.canonicalize().unwrap_or(path))
}

/// `file:///abs/path` with the path percent-encoded as a URI path.
fn file_uri(path: &Path) -> Option<String> {
    let text = path.to_str()?.replace('\\', "/");
    let text = text.trim_end_matches('/');
    let encoded = crate::emit::uri_path(text);
    Some(if encoded.starts_with('/') {
        format!("file://{encoded}")
    } else {
        format!("file:///{encoded}")
    })
}

// --- What the LC4xx rules see ----------------------------------------------------------

/// A changed document: its version at the merge base and in the work tree. Either may be
/// absent (added, deleted), or not parse.
pub struct DocChange<'a> {
    pub kind: ChangeKind,
    pub old_path: Option<String>,
    pub new_path: Option<String>,
    /// The merge base's copy, loaded as an extra file whose path is `old_path`.
    pub base: Option<&'a Document<'a>>,
    /// The work tree's copy: the document the run checked.
    pub head: Option<&'a Document<'a>>,
    /// Whether the old path lies in the archive.
    pub old_archived: bool,
}

impl<'a> DocChange<'a> {
    /// The base copy, when it is a launch request.
    pub fn base_launch(&self) -> Option<&'a Document<'a>> {
        self.base.filter(|d| is_launch(d))
    }

    /// The checked copy, when it is a launch request.
    pub fn head_launch(&self) -> Option<&'a Document<'a>> {
        self.head.filter(|d| is_launch(d))
    }
}

fn is_launch(doc: &Document<'_>) -> bool {
    top_level_text(doc, "kind") == Some("launch-request")
}

/// A top-level string value of a document (`status`, `id`), read from its JSON form so that
/// a copy that fails the schema can still be compared.
pub fn top_level_text<'d>(doc: &'d Document<'_>, key: &str) -> Option<&'d str> {
    doc.json().get(key).and_then(|v| v.as_str())
}

/// A changed policy, roster or configuration file, for LC404.
pub struct SettingsChange {
    pub kind: ChangeKind,
    /// "policy", "roster" or "configuration".
    pub what: &'static str,
    pub path: String,
    /// Where to point: the changed file's first changed line (the base copy when deleted).
    pub file: FileId,
    pub span: Range<usize>,
}

/// Everything the LC4xx rules judge in pull-request mode.
pub struct History<'a> {
    pub documents: Vec<DocChange<'a>>,
    pub settings: Vec<SettingsChange>,
    /// How to name the base revision in messages: "`main` (1a2b3c4)".
    pub base: String,
    /// The merge base's abbreviated id: the base copies of changed documents are from there.
    pub merge_base: String,
    /// Whether the run used the head's policy, roster and configuration.
    pub policy_from_head: bool,
}

#[cfg(test)]
mod tests {
    use super::{repository_uri, resolve_link, shell_word};
    use std::path::Path;

    #[test]
    fn remote_urls_become_web_addresses_without_credentials() {
        let uri = |url: &str| repository_uri(url, Path::new("/nowhere"));
        let expected = Some("https://github.com/acme/launches".to_owned());
        assert_eq!(uri("git@github.com:acme/launches.git"), expected);
        assert_eq!(uri("ssh://git@github.com:22/acme/launches.git"), expected);
        assert_eq!(
            uri("https://x-token:ghp_secret@github.com/acme/launches.git"),
            expected
        );
        assert_eq!(uri("https://github.com/acme/launches/"), expected);
        assert_eq!(
            uri("file:///srv/git/launches.git").as_deref(),
            Some("file:///srv/git/launches.git")
        );
        assert_eq!(
            uri("/srv/git/my launches").as_deref(),
            Some("file:///srv/git/my%20launches")
        );
    }

    #[test]
    fn suggested_words_are_quoted_only_when_a_shell_would_split_them() {
        assert_eq!(
            shell_word("main:refs/remotes/origin/main"),
            "main:refs/remotes/origin/main"
        );
        assert_eq!(shell_word("it's here"), r"'it'\''s here'");
    }

    #[test]
    fn links_resolve_inside_the_root_only() {
        assert_eq!(
            resolve_link("launches/a.toml", "b.toml").as_deref(),
            Some("launches/b.toml")
        );
        assert_eq!(
            resolve_link("launches/a.toml", "../plans/p.toml").as_deref(),
            Some("plans/p.toml")
        );
        assert_eq!(resolve_link("launches/a.toml", "../../etc/passwd"), None);
        assert_eq!(resolve_link("a.toml", "/etc/passwd"), None);
    }
}

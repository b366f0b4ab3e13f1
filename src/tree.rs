//! The files a run reads, behind one abstraction: the work tree here, a commit's tree or
//! the git index in `git`. Nothing else touches the file system for repository content.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// What reading one file gave.
#[derive(Debug)]
pub enum ReadOutcome {
    Bytes(Vec<u8>),
    TooLarge { size: u64 },
    LinkOutside { target: String },
    Failed(String),
}

/// A set of files addressed by root-relative `/`-separated paths.
pub trait Tree: Sync {
    /// Every file path in the tree, sorted.
    fn paths(&self) -> Result<Vec<String>>;
    /// Reads a file, refusing to read more than `limit` bytes.
    fn read(&self, path: &str, limit: u64) -> ReadOutcome;
    /// Whether a file exists (for explicitly named paths).
    fn contains(&self, path: &str) -> bool;
    /// Which of these paths git ignores (`.gitignore`); a tree git already filtered, or one
    /// outside git, ignores none.
    fn ignored(&self, _paths: &[String]) -> std::collections::HashSet<String> {
        std::collections::HashSet::new()
    }
}

/// The files on disk under a root directory.
pub struct WorkTree {
    root: PathBuf,
    canonical_root: PathBuf,
    /// The symbolic links the listing met; other listed paths are read without an lstat.
    links: std::sync::OnceLock<std::collections::HashSet<String>>,
    /// The listing, made once: documents and organisation rules are both found in it.
    listing: std::sync::OnceLock<Vec<String>>,
}

impl WorkTree {
    pub fn new(root: &Path) -> Result<Self> {
        let canonical_root = fs::canonicalize(root).map_err(|e| {
            Error::io(
                format!("cannot open the repository root `{}`", root.display()),
                e,
            )
        })?;
        if !canonical_root.is_dir() {
            return Err(Error::new(format!(
                "the repository root `{}` is not a directory",
                root.display()
            )));
        }
        Ok(WorkTree {
            root: root.to_path_buf(),
            canonical_root,
            links: std::sync::OnceLock::new(),
            listing: std::sync::OnceLock::new(),
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }
}

impl Tree for WorkTree {
    fn paths(&self) -> Result<Vec<String>> {
        if let Some(listing) = self.listing.get() {
            return Ok(listing.clone());
        }
        let Listing { mut paths, links } = list_tree(&self.root);
        let links = links.into_iter().collect();
        paths.sort();
        let _ = self.links.set(links);
        let _ = self.listing.set(paths.clone());
        Ok(paths)
    }

    fn ignored(&self, paths: &[String]) -> std::collections::HashSet<String> {
        crate::git::ignored(&self.root, paths)
    }

    fn read(&self, path: &str, limit: u64) -> ReadOutcome {
        let full = self.root.join(path);
        // A path the listing saw as a regular file needs no lstat; anything else does.
        let known_plain = self.links.get().is_some_and(|links| !links.contains(path));
        let is_link = !known_plain
            && match fs::symlink_metadata(&full) {
                Ok(m) => m.file_type().is_symlink(),
                Err(e) => return ReadOutcome::Failed(e.to_string()),
            };
        if is_link {
            match fs::canonicalize(&full) {
                Ok(target) if target.starts_with(&self.canonical_root) => {}
                Ok(target) => {
                    return ReadOutcome::LinkOutside {
                        target: target.display().to_string(),
                    }
                }
                Err(e) => return ReadOutcome::Failed(format!("broken or looping link: {e}")),
            }
        }
        let file = match fs::File::open(&full) {
            Ok(f) => f,
            Err(e) => return ReadOutcome::Failed(e.to_string()),
        };
        let size = match file.metadata() {
            Ok(m) if !m.is_file() => return ReadOutcome::Failed("not a regular file".into()),
            Ok(m) if m.len() > limit => return ReadOutcome::TooLarge { size: m.len() },
            Ok(m) => m.len(),
            Err(e) => return ReadOutcome::Failed(e.to_string()),
        };
        // One allocation of the right size: the file is read in one or two calls.
        let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0).saturating_add(1));
        match file.take(limit + 1).read_to_end(&mut bytes) {
            Ok(_) if bytes.len() as u64 > limit => ReadOutcome::TooLarge {
                size: bytes.len() as u64,
            },
            Ok(_) => ReadOutcome::Bytes(bytes),
            Err(e) => ReadOutcome::Failed(e.to_string()),
        }
    }

    fn contains(&self, path: &str) -> bool {
        fs::symlink_metadata(self.root.join(path)).is_ok()
    }
}

/// What listing a directory found: every entry that is not a directory, and which of them
/// are symbolic links (listed, never followed).
#[derive(Default)]
struct Listing {
    paths: Vec<String>,
    links: Vec<String>,
}

/// Lists the tree under `root`, one level at a time, the directories of a level read in
/// parallel: ten thousand documents sit in a few hundred directories, and each directory
/// read is a system call the other core can make meanwhile. Level by level rather than
/// recursively, so a directory nested as deep as a path can go costs no stack. `.git`
/// below the root is skipped, as is a directory that cannot be read (its files could not
/// be matched anyway, and one bad directory must not stop the run) and a name that is not
/// UTF-8. The order is the caller's to fix.
fn list_tree(root: &Path) -> Listing {
    use rayon::prelude::*;
    let mut listed = Listing::default();
    let mut level = vec![(root.to_path_buf(), String::new())];
    while !level.is_empty() {
        let read: Vec<(Listing, Vec<(PathBuf, String)>)> = level
            .par_iter()
            .map(|(dir, prefix)| list_directory(dir, prefix))
            .collect();
        level = Vec::new();
        for (found, subdirectories) in read {
            listed.paths.extend(found.paths);
            listed.links.extend(found.links);
            level.extend(subdirectories);
        }
    }
    listed
}

/// One directory's entries that are not directories, and its subdirectories (full path,
/// path from the root).
fn list_directory(dir: &Path, prefix: &str) -> (Listing, Vec<(PathBuf, String)>) {
    let mut out = Listing::default();
    let mut subdirectories = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return (out, subdirectories);
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if name == ".git" {
            continue;
        }
        let Ok(file_type) = entry.file_type() else {
            continue;
        };
        let path = if prefix.is_empty() {
            name.to_owned()
        } else {
            format!("{prefix}/{name}")
        };
        if file_type.is_dir() {
            subdirectories.push((entry.path(), path));
        } else {
            if file_type.is_symlink() {
                out.links.push(path.clone());
            }
            out.paths.push(path);
        }
    }
    (out, subdirectories)
}

/// Files held in memory: for fuzzing, benchmarks and tests that need no disk.
#[derive(Debug, Default, Clone)]
pub struct MemoryTree {
    files: std::collections::BTreeMap<String, Vec<u8>>,
}

impl MemoryTree {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn insert(&mut self, path: impl Into<String>, bytes: impl Into<Vec<u8>>) -> &mut Self {
        self.files.insert(path.into(), bytes.into());
        self
    }
}

impl Tree for MemoryTree {
    fn paths(&self) -> Result<Vec<String>> {
        Ok(self.files.keys().cloned().collect())
    }

    fn read(&self, path: &str, limit: u64) -> ReadOutcome {
        match self.files.get(path) {
            Some(bytes) if bytes.len() as u64 > limit => ReadOutcome::TooLarge {
                size: bytes.len() as u64,
            },
            Some(bytes) => ReadOutcome::Bytes(bytes.clone()),
            None => ReadOutcome::Failed("no such file".into()),
        }
    }

    fn contains(&self, path: &str) -> bool {
        self.files.contains_key(path)
    }
}

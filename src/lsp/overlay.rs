//! The repository as the editor sees it: the files on disk, read once and kept in memory,
//! with the open documents' unsaved text in place of their disk text. The `check` pipeline
//! runs over this tree exactly as over the work tree, so the editor shows the same findings.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex, PoisonError};

use crate::error::Result;
use crate::tree::{ReadOutcome, Tree, WorkTree};

/// The disk side: the listing and the bytes of each file read so far. A file's bytes are
/// dropped when the editor saves or closes it, or reports it changed, so the next run reads
/// it again; the listing is refreshed when a file appears or disappears.
pub struct DiskCache {
    tree: WorkTree,
    listing: Mutex<Option<Arc<Listing>>>,
    bytes: Mutex<HashMap<String, Arc<Vec<u8>>>>,
}

struct Listing {
    paths: Vec<String>,
    ignored: HashSet<String>,
}

impl DiskCache {
    pub fn new(tree: WorkTree) -> Self {
        DiskCache {
            tree,
            listing: Mutex::new(None),
            bytes: Mutex::new(HashMap::new()),
        }
    }

    fn listing(&self) -> Result<Arc<Listing>> {
        let mut guard = self.listing.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(listing) = guard.as_ref() {
            return Ok(Arc::clone(listing));
        }
        let paths = self.tree.paths()?;
        // Asking git which paths it ignores costs a process-wide scan: once per listing.
        let ignored = self.tree.ignored(&paths);
        let listing = Arc::new(Listing { paths, ignored });
        *guard = Some(Arc::clone(&listing));
        Ok(listing)
    }

    /// Forgets a file's bytes (saved, closed, changed on disk); a path the listing does not
    /// know, or one that is gone, also drops the listing.
    pub fn forget(&self, path: &str) {
        self.bytes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(path);
        let mut listing = self.listing.lock().unwrap_or_else(PoisonError::into_inner);
        let known = listing
            .as_ref()
            .is_some_and(|l| l.paths.binary_search_by(|p| p.as_str().cmp(path)).is_ok());
        if !known || !self.tree.contains(path) {
            *listing = None;
        }
    }

    fn read(&self, path: &str, limit: u64) -> ReadOutcome {
        let cached = self
            .bytes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(path)
            .cloned();
        let bytes = match cached {
            Some(bytes) => bytes,
            None => match self.tree.read(path, limit) {
                ReadOutcome::Bytes(bytes) => {
                    let bytes = Arc::new(bytes);
                    self.bytes
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .insert(path.to_owned(), Arc::clone(&bytes));
                    bytes
                }
                other => return other,
            },
        };
        if bytes.len() as u64 > limit {
            return ReadOutcome::TooLarge {
                size: bytes.len() as u64,
            };
        }
        ReadOutcome::Bytes(bytes.as_ref().clone())
    }
}

/// The disk cache with the open documents on top.
pub struct Overlay<'a> {
    pub disk: &'a DiskCache,
    /// Open documents inside the repository, by root-relative path.
    pub open: &'a BTreeMap<String, String>,
    /// Paths left out of the listing: launch requests unrelated to the open documents,
    /// which no finding on them can depend on.
    pub hidden: Option<&'a HashSet<String>>,
}

impl Tree for Overlay<'_> {
    fn paths(&self) -> Result<Vec<String>> {
        let listing = self.disk.listing()?;
        let mut paths: Vec<String> = match self.hidden {
            Some(hidden) => listing
                .paths
                .iter()
                .filter(|p| !hidden.contains(*p))
                .cloned()
                .collect(),
            None => listing.paths.clone(),
        };
        let extra: Vec<&String> = self
            .open
            .keys()
            .filter(|p| paths.binary_search(p).is_err())
            .collect();
        if !extra.is_empty() {
            paths.extend(extra.into_iter().cloned());
            paths.sort();
        }
        Ok(paths)
    }

    fn read(&self, path: &str, limit: u64) -> ReadOutcome {
        match self.open.get(path) {
            Some(text) if text.len() as u64 > limit => ReadOutcome::TooLarge {
                size: text.len() as u64,
            },
            Some(text) => ReadOutcome::Bytes(text.as_bytes().to_vec()),
            None => self.disk.read(path, limit),
        }
    }

    fn contains(&self, path: &str) -> bool {
        self.open.contains_key(path) || self.disk.tree.contains(path)
    }

    fn ignored(&self, paths: &[String]) -> HashSet<String> {
        let Ok(listing) = self.disk.listing() else {
            return HashSet::new();
        };
        paths
            .iter()
            .filter(|p| listing.ignored.contains(*p))
            .cloned()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_text_replaces_disk_text_and_new_files_are_listed() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.toml"), "disk").unwrap();
        let disk = DiskCache::new(WorkTree::new(dir.path()).unwrap());
        let mut open = BTreeMap::new();
        open.insert("a.toml".to_owned(), "buffer".to_owned());
        open.insert("b.toml".to_owned(), "new".to_owned());
        let overlay = Overlay {
            disk: &disk,
            open: &open,
            hidden: None,
        };
        assert_eq!(overlay.paths().unwrap(), ["a.toml", "b.toml"]);
        assert!(matches!(overlay.read("a.toml", 100), ReadOutcome::Bytes(b) if b == b"buffer"));
        open.clear();
        let overlay = Overlay {
            disk: &disk,
            open: &open,
            hidden: None,
        };
        assert!(matches!(overlay.read("a.toml", 100), ReadOutcome::Bytes(b) if b == b"disk"));
        // Cached until forgotten.
        std::fs::write(dir.path().join("a.toml"), "saved").unwrap();
        assert!(matches!(overlay.read("a.toml", 100), ReadOutcome::Bytes(b) if b == b"disk"));
        disk.forget("a.toml");
        assert!(matches!(overlay.read("a.toml", 100), ReadOutcome::Bytes(b) if b == b"saved"));
    }
}

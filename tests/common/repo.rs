//! Temporary launch repositories, and the git helpers that build their history.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::{demo, launchcheck, Run, NOW, NOW_ARG};

/// A git command with a fixed identity and dates, no system or user configuration, and no
/// inherited repository settings (a test may run inside a git hook, where `GIT_DIR` and
/// `GIT_INDEX_FILE` are set).
pub fn git_command(dir: &Path) -> Command {
    let mut command = Command::new("git");
    command
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args([
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
        ])
        .current_dir(dir)
        .env("GIT_AUTHOR_DATE", "2026-01-01T00:00:00Z")
        .env("GIT_COMMITTER_DATE", "2026-01-01T00:00:00Z")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .env_remove("LAUNCHCHECK_CONFIG")
        .env_remove("LAUNCHCHECK_FORMAT");
    command
}

/// Runs git, asserts that it succeeded, and returns its trimmed standard output.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let output = git_command(dir).args(args).output().expect("git runs");
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

/// Copies a directory tree's files into `to`, creating directories as needed.
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).min_depth(1) {
        let entry = entry.expect("walk");
        let target = to.join(entry.path().strip_prefix(from).expect("inside"));
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).expect("mkdir");
        } else {
            fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
            fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// `launchcheck check --format json --now NOW ARGS` in `dir` (a clone, say).
pub fn check_in(dir: &Path, args: &[&str]) -> Run {
    let mut command = launchcheck();
    command
        .arg("check")
        .args(["--format", "json", "--now", NOW])
        .args(args)
        .current_dir(dir);
    Run::of(command)
}

/// A temporary launch repository, optionally under git; removed when dropped.
pub struct TempRepo {
    dir: tempfile::TempDir,
}

impl TempRepo {
    /// An empty directory.
    pub fn plain() -> TempRepo {
        TempRepo {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// An empty git repository on `main`.
    pub fn init() -> TempRepo {
        let repo = TempRepo::plain();
        git(repo.path(), &["init", "-q"]);
        repo
    }

    /// A copy of a directory tree (a fixture), so that edits stay local to one test.
    pub fn copy_of(from: &Path) -> TempRepo {
        let repo = TempRepo::plain();
        copy_tree(from, repo.path());
        repo
    }

    /// A copy of the demo repository.
    pub fn demo() -> TempRepo {
        TempRepo::copy_of(&demo())
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The absolute path of `path` inside the repository.
    pub fn join(&self, path: &str) -> PathBuf {
        self.path().join(path)
    }

    /// Writes a file, creating its directories; returns its absolute path.
    pub fn write(&self, path: &str, content: impl AsRef<[u8]>) -> PathBuf {
        let full = self.join(path);
        fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
        fs::write(&full, content).expect("write");
        full
    }

    /// [`TempRepo::write`] for building a repository in one expression.
    pub fn with(self, path: &str, content: impl AsRef<[u8]>) -> TempRepo {
        self.write(path, content);
        self
    }

    /// Copies the file `from` to `path` in the repository, creating its directories.
    pub fn copy_file(&self, from: &Path, path: &str) -> &TempRepo {
        let to = self.join(path);
        fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
        fs::copy(from, &to).unwrap_or_else(|e| panic!("copy {} to {path}: {e}", from.display()));
        self
    }

    /// The text of a file in the repository.
    pub fn read(&self, path: &str) -> String {
        fs::read_to_string(self.join(path)).unwrap_or_else(|e| panic!("read {path}: {e}"))
    }

    pub fn remove(&self, path: &str) {
        fs::remove_file(self.join(path)).expect("remove");
    }

    pub fn git(&self, args: &[&str]) -> String {
        git(self.path(), args)
    }

    /// Stages everything and commits it; returns the new commit's id.
    pub fn commit(&self, message: &str) -> String {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-qm", message, "--allow-empty"]);
        self.git(&["rev-parse", "HEAD"])
    }

    /// The binary with `args`, run in the repository.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_in("", args)
    }

    /// The binary with `args`, run in `cwd` (relative to the repository).
    pub fn run_in(&self, cwd: &str, args: &[&str]) -> Run {
        let mut command = launchcheck();
        command.args(args).current_dir(self.join(cwd));
        Run::of(command)
    }

    /// `launchcheck check --format json --now NOW ARGS` in the repository.
    pub fn check(&self, args: &[&str]) -> Run {
        check_in(self.path(), args)
    }

    /// `launchcheck check --now=NOW ARGS` in the repository, in the format `args` choose.
    pub fn check_at_now(&self, args: &[&str]) -> Run {
        let mut all = vec!["check", NOW_ARG];
        all.extend_from_slice(args);
        self.run(&all)
    }
}

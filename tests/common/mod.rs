//! Helpers shared by the integration tests that build real git repositories.

// Each test crate uses a different subset of these helpers.
#![allow(dead_code)]

use std::fs;
use std::path::Path;
use std::process::Command;

/// A git command with a fixed identity and dates, and no inherited repository settings (a
/// test may run inside a git hook, where `GIT_DIR` and `GIT_INDEX_FILE` are set).
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

/// The `now` most tests judge at.
pub const NOW: &str = "2026-11-25T00:00:00Z";

/// The binary with a hermetic environment: no inherited launchcheck or git settings.
pub fn launchcheck() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_launchcheck"));
    for var in [
        "LAUNCHCHECK_NOW",
        "LAUNCHCHECK_CONFIG",
        "LAUNCHCHECK_FORMAT",
        "GIT_INDEX_FILE",
        "GIT_DIR",
        "NO_COLOR",
        "CLICOLOR_FORCE",
        "GITHUB_SERVER_URL",
        "GITHUB_REPOSITORY",
        "GITHUB_SHA",
    ] {
        command.env_remove(var);
    }
    command
}

/// A temporary launch repository, optionally under git.
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

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, path: &str, text: &str) -> &TempRepo {
        let full = self.path().join(path);
        fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
        fs::write(full, text).expect("write");
        self
    }

    pub fn remove(&self, path: &str) {
        fs::remove_file(self.path().join(path)).expect("remove");
    }

    pub fn git(&self, args: &[&str]) -> String {
        git(self.path(), args)
    }

    /// Stages everything and commits it.
    pub fn commit(&self, message: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-qm", message, "--allow-empty"]);
    }

    /// `launchcheck check --format json --now NOW ARGS` in the repository.
    pub fn check(&self, args: &[&str]) -> CheckRun {
        let output = launchcheck()
            .arg("check")
            .args(["--format", "json", "--now", NOW])
            .args(args)
            .current_dir(self.path())
            .output()
            .expect("launchcheck runs");
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        CheckRun {
            code: output.status.code().unwrap_or(-1),
            json: serde_json::from_str(&stdout).unwrap_or(serde_json::Value::Null),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

/// A finished `check` run with JSON output.
pub struct CheckRun {
    pub code: i32,
    pub json: serde_json::Value,
    pub stderr: String,
}

impl CheckRun {
    fn all(&self) -> impl Iterator<Item = &serde_json::Value> {
        self.json["findings"].as_array().into_iter().flatten()
    }

    /// `path:line CODE level` of every finding, waived ones marked `(waived)`.
    pub fn findings(&self) -> Vec<String> {
        self.all()
            .map(|f| {
                let waived = if f["waiver"].is_null() {
                    ""
                } else {
                    " (waived)"
                };
                format!(
                    "{}:{} {} {}{waived}",
                    f["path"].as_str().unwrap_or("?"),
                    f["line"],
                    f["code"].as_str().unwrap_or("?"),
                    f["level"].as_str().unwrap_or("?"),
                )
            })
            .collect()
    }

    /// The codes of every finding, in output order.
    pub fn codes(&self) -> Vec<String> {
        self.all()
            .map(|f| f["code"].as_str().unwrap_or("?").to_owned())
            .collect()
    }

    /// The messages of the findings of one rule.
    pub fn messages(&self, code: &str) -> Vec<String> {
        self.all()
            .filter(|f| f["code"] == code)
            .map(|f| f["message"].as_str().unwrap_or_default().to_owned())
            .collect()
    }

    /// Whether the run left the tool's output undisturbed (valid JSON).
    pub fn summary(&self) -> &serde_json::Value {
        &self.json["summary"]
    }
}

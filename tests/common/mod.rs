//! The one harness every integration test builds on: the clock tests judge at ([`NOW`]), the
//! binary with one hermetic environment ([`launchcheck`]), temporary repositories
//! ([`TempRepo`], with the git helpers) and a finished run with views of its JSON report
//! ([`Run`]).
//!
//! A test file includes it with `mod common;`. A test that needs a variable the hermetic
//! environment removes sets it again on the command (`launchcheck().env(...)`).

// Each test crate uses a different subset of these helpers.
#![allow(dead_code)]

mod repo;
mod run;

use std::path::{Path, PathBuf};
use std::process::Command;

// Re-exported for the test crates; each uses some.
#[allow(unused_imports)]
pub use repo::{check_in, copy_tree, git, git_command, TempRepo};
#[allow(unused_imports)]
pub use run::{head, Run};

macro_rules! now {
    () => {
        "2026-11-25T00:00:00Z"
    };
}

/// The `now` most tests judge at.
pub const NOW: &str = now!();

/// [`NOW`] as one command-line argument.
pub const NOW_ARG: &str = concat!("--now=", now!());

/// Variables that would change what the binary does or prints and that no test should
/// inherit from the shell, the CI runner or a git hook that runs the tests.
const SCRUBBED: &[&str] = &[
    // The binary's own defaults for `--now`, `--config` and `--format`.
    "LAUNCHCHECK_NOW",
    "LAUNCHCHECK_CONFIG",
    "LAUNCHCHECK_FORMAT",
    // Set inside git hooks; they would point the binary at another repository or index.
    "GIT_DIR",
    "GIT_INDEX_FILE",
    "GIT_WORK_TREE",
    // Colour in `--color=auto`.
    "CLICOLOR_FORCE",
    "TERM",
    // GitHub Actions: links to the blob at a commit, and the files the action writes.
    "CI",
    "GITHUB_ACTIONS",
    "GITHUB_SERVER_URL",
    "GITHUB_REPOSITORY",
    "GITHUB_SHA",
    "GITHUB_STEP_SUMMARY",
    "GITHUB_OUTPUT",
];

/// The binary with a hermetic environment: none of the variables above, no system or user
/// git configuration, no colour, a 100-column width and UTC as the system time zone.
pub fn launchcheck() -> Command {
    hermetic(Command::new(binary()))
}

/// `command` (a shell that runs the binary, say) with the environment of [`launchcheck`].
pub fn hermetic(mut command: Command) -> Command {
    for name in SCRUBBED {
        command.env_remove(name);
    }
    command
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .env("TZ", "UTC");
    command
}

/// The binary under test.
pub fn binary() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_launchcheck"))
}

/// The project's source tree.
pub fn project_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A path in the project's source tree.
pub fn project(path: impl AsRef<Path>) -> PathBuf {
    project_dir().join(path)
}

/// A path under `fixtures/`.
pub fn fixture(path: &str) -> PathBuf {
    project("fixtures").join(path)
}

/// The demo launch repository, `fixtures/demo/`.
pub fn demo() -> PathBuf {
    fixture("demo")
}

/// Whether an outside tool the test drives runs (`program args` succeeds). Outside CI a
/// missing tool skips the test with a note; under CI (`CI` set) it fails the test, so that
/// CI never passes by skipping.
pub fn outside_tool(program: &str, args: &[&str], install: &str) -> bool {
    let runs = Command::new(program)
        .args(args)
        .output()
        .is_ok_and(|o| o.status.success());
    if !runs {
        skip_outside_ci(&format!("`{program}` does not run"), install);
    }
    runs
}

/// For a test that needs something from outside the project (a tool, a package, a file the
/// published crate does not ship) and finds it `missing`: under `CI` this fails the test, so
/// that CI never passes by skipping; elsewhere it prints a note and the test returns.
pub fn skip_outside_ci(missing: &str, install: &str) {
    assert!(
        std::env::var_os("CI").is_none(),
        "CI is set but {missing}: {install}"
    );
    eprintln!("note: test skipped: {missing} ({install})");
}

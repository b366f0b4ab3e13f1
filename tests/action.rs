//! The GitHub Action (`action.yml`), run for real: a small harness reads the composite
//! action, substitutes its `${{ }}` expressions from a simulated GitHub context, and runs
//! its `run:` steps in order with bash, the way the runner does (`bash --noprofile --norc
//! -eo pipefail`), with `GITHUB_OUTPUT`, `GITHUB_STEP_SUMMARY`, `GITHUB_ENV`, `GITHUB_PATH`,
//! `GITHUB_WORKSPACE` and `GITHUB_ACTION_PATH` set. Steps that `uses:` another action
//! (the caches) are skipped. The freshly built `launchcheck` is on PATH and the harness sets
//! `version` to empty (use the one on PATH), so the download and build steps are skipped by
//! the action's own logic; the download tests serve a fake release from 127.0.0.1 instead.
//!
//! The repositories are temporary git repositories: a base commit on `main` holding the
//! demo launch repository, and a pull request on top of it.
//!
//! The harness models a Linux runner (`:`-separated PATH, `sh` scripts standing in for
//! binaries), so these tests run on Unix hosts.
#![cfg(unix)]

use std::collections::BTreeMap;
use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

use serde_norway::Value;

mod common;
use common::{binary, copy_tree, demo, git, project, project_dir, TempRepo, NOW};

/// When the cargo cache and build steps run: a build was planned, or the release download
/// found no asset.
const BUILD_CONDITION: &str =
    "steps.locate.outputs.build == 'true' || steps.download.outputs.build == 'true'";

fn action() -> Value {
    let text = fs::read_to_string(project("action.yml")).expect("action.yml");
    serde_norway::from_str(&text).expect("action.yml is YAML")
}

// --- the harness -------------------------------------------------------------------------

/// What a run of the action produced.
#[derive(Debug)]
struct ActionRun {
    /// The exit code of the last step that ran (the first failing one, or 0).
    code: i32,
    stdout: String,
    stderr: String,
    summary: String,
    /// The action's `outputs:`, resolved from its steps' outputs.
    outputs: BTreeMap<String, String>,
    /// Step names, with `(skipped)` for steps the harness or their `if:` skipped.
    steps: Vec<String>,
    /// Each step's own outputs, by step id.
    step_outputs: BTreeMap<String, BTreeMap<String, String>>,
}

struct Harness {
    workspace: PathBuf,
    temp: tempfile::TempDir,
    inputs: BTreeMap<String, String>,
    github: BTreeMap<String, String>,
    path: String,
    /// Only run these steps (by id), when set.
    only: Option<Vec<String>>,
    /// `RUNNER_OS` and `RUNNER_ARCH`.
    runner_os: String,
    runner_arch: String,
    /// Environment variables of the job, e.g. `LAUNCHCHECK_RELEASE_URL`.
    env: BTreeMap<String, String>,
}

impl Harness {
    fn new(workspace: &Path) -> Self {
        let bin = binary().parent().unwrap();
        let path = format!(
            "{}:{}",
            bin.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        // Empty `version`: the launchcheck on PATH, the one under test.
        let inputs = BTreeMap::from([("version".to_owned(), String::new())]);
        Harness {
            workspace: workspace.to_owned(),
            temp: tempfile::tempdir().unwrap(),
            inputs,
            github: BTreeMap::new(),
            path,
            only: None,
            runner_os: "Linux".to_owned(),
            runner_arch: "X64".to_owned(),
            env: BTreeMap::new(),
        }
    }

    fn runner(mut self, os: &str, arch: &str) -> Self {
        os.clone_into(&mut self.runner_os);
        arch.clone_into(&mut self.runner_arch);
        self
    }

    fn env(mut self, key: &str, value: &str) -> Self {
        self.env.insert(key.to_owned(), value.to_owned());
        self
    }

    fn only(mut self, steps: &[&str]) -> Self {
        self.only = Some(steps.iter().map(|s| (*s).to_owned()).collect());
        self
    }

    fn input(mut self, name: &str, value: &str) -> Self {
        self.inputs.insert(name.to_owned(), value.to_owned());
        self
    }

    /// A value of the `github` context, e.g. `event.pull_request.base.sha`.
    fn github(mut self, key: &str, value: &str) -> Self {
        self.github.insert(key.to_owned(), value.to_owned());
        self
    }

    /// Evaluates an expression body: `a || b`, context paths and '' strings. Anything else
    /// fails the test, so the action cannot grow expressions the harness silently ignores.
    fn eval(&self, expr: &str, steps: &BTreeMap<String, BTreeMap<String, String>>) -> String {
        for alternative in expr.split("||") {
            let term = alternative.trim();
            let value =
                if let Some(literal) = term.strip_prefix('\'').and_then(|t| t.strip_suffix('\'')) {
                    literal.to_owned()
                } else if let Some(name) = term.strip_prefix("inputs.") {
                    self.input_value(name, steps)
                } else if let Some(key) = term.strip_prefix("github.") {
                    match key {
                        "action_path" => project_dir().display().to_string(),
                        "workspace" => self.workspace.display().to_string(),
                        _ => self.github.get(key).cloned().unwrap_or_default(),
                    }
                } else if let Some(key) = term.strip_prefix("runner.") {
                    match key {
                        "temp" => self.temp.path().display().to_string(),
                        "os" => self.runner_os.clone(),
                        _ => panic!("unknown runner context `{key}`"),
                    }
                } else if let Some(rest) = term.strip_prefix("steps.") {
                    let (id, output) = rest.split_once(".outputs.").expect("steps.ID.outputs.NAME");
                    steps
                        .get(id)
                        .and_then(|o| o.get(output))
                        .cloned()
                        .unwrap_or_default()
                } else {
                    panic!("the harness does not understand the expression `{term}`")
                };
            if !value.is_empty() {
                return value;
            }
        }
        String::new()
    }

    fn input_value(
        &self,
        name: &str,
        steps: &BTreeMap<String, BTreeMap<String, String>>,
    ) -> String {
        if let Some(value) = self.inputs.get(name) {
            return value.clone();
        }
        let declared = &action()["inputs"][name];
        assert!(
            !declared.is_null(),
            "input `{name}` is not declared in action.yml"
        );
        let default = declared["default"].as_str().unwrap_or("");
        self.substitute(default, steps)
    }

    /// Replaces every `${{ … }}` in `text`.
    fn substitute(&self, text: &str, steps: &BTreeMap<String, BTreeMap<String, String>>) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("${{") {
            out.push_str(&rest[..start]);
            let end = rest[start..].find("}}").expect("closed expression") + start;
            out.push_str(&self.eval(&rest[start + 3..end], steps));
            rest = &rest[end + 2..];
        }
        out.push_str(rest);
        out
    }

    /// An `if:` condition: `EXPR == 'literal'` or a bare expression (true when non-empty),
    /// or several of them joined by `||` (`==` binds tighter, as in GitHub's expressions).
    fn condition(&self, text: &str, steps: &BTreeMap<String, BTreeMap<String, String>>) -> bool {
        let text = text
            .trim()
            .trim_start_matches("${{")
            .trim_end_matches("}}")
            .trim();
        text.split("||").any(|term| match term.split_once("==") {
            Some((left, right)) => self.eval(left.trim(), steps) == self.eval(right.trim(), steps),
            None => !self.eval(term.trim(), steps).is_empty(),
        })
    }

    fn run(&self) -> ActionRun {
        let action = action();
        assert_eq!(action["runs"]["using"], "composite");
        let files = self.temp.path().join("files");
        fs::create_dir_all(&files).unwrap();
        let summary = files.join("step_summary.md");
        let env_file = files.join("env");
        let path_file = files.join("path");
        for f in [&summary, &env_file, &path_file] {
            fs::write(f, "").unwrap();
        }
        let mut steps_outputs: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
        let mut run = ActionRun {
            code: 0,
            stdout: String::new(),
            stderr: String::new(),
            summary: String::new(),
            outputs: BTreeMap::new(),
            steps: Vec::new(),
            step_outputs: BTreeMap::new(),
        };
        let mut path = self.path.clone();
        let mut extra_env: BTreeMap<String, String> = BTreeMap::new();
        let steps = action["runs"]["steps"].as_sequence().expect("steps");
        for (index, step) in steps.iter().enumerate() {
            let id = step["id"]
                .as_str()
                .map(str::to_owned)
                .unwrap_or(format!("step{index}"));
            let name = step["name"].as_str().unwrap_or(&id).to_owned();
            if self.only.as_ref().is_some_and(|only| !only.contains(&id)) {
                continue;
            }
            if let Some(condition) = step["if"].as_str() {
                if !self.condition(condition, &steps_outputs) {
                    run.steps.push(format!("{name} (skipped)"));
                    continue;
                }
            }
            if step["uses"].is_string() {
                run.steps.push(format!("{name} (skipped)"));
                continue;
            }
            let script = step["run"].as_str().expect("a run or uses step");
            assert_eq!(step["shell"], "bash", "{name}: steps run in bash");
            assert!(
                !script.contains("${{"),
                "{name}: expressions belong in env:, not in the script"
            );
            let script_file = files.join(format!("step{index}.sh"));
            fs::write(&script_file, script).unwrap();
            let output_file = files.join(format!("output{index}"));
            fs::write(&output_file, "").unwrap();
            let mut command = Command::new("bash");
            command
                .args(["--noprofile", "--norc", "-eo", "pipefail"])
                .arg(&script_file)
                .current_dir(&self.workspace)
                .env_clear()
                .env("PATH", &path)
                .env("HOME", std::env::var("HOME").unwrap_or_default())
                .env("GITHUB_ACTIONS", "true")
                .env("GITHUB_WORKSPACE", &self.workspace)
                .env("GITHUB_ACTION_PATH", project_dir())
                .env("GITHUB_OUTPUT", &output_file)
                .env("GITHUB_STEP_SUMMARY", &summary)
                .env("GITHUB_ENV", &env_file)
                .env("GITHUB_PATH", &path_file)
                .env("GITHUB_SERVER_URL", "https://github.com")
                .env("GITHUB_REPOSITORY", "acme/launches")
                .env(
                    "GITHUB_SHA",
                    self.github.get("sha").cloned().unwrap_or_default(),
                )
                .env("RUNNER_TEMP", self.temp.path())
                .env("RUNNER_OS", &self.runner_os)
                .env("RUNNER_ARCH", &self.runner_arch)
                // The demo's findings depend on the date; launchcheck reads its clock here.
                .env("LAUNCHCHECK_NOW", NOW)
                .envs(&self.env)
                .envs(&extra_env);
            if let Some(env) = step["env"].as_mapping() {
                for (key, value) in env {
                    let value = match value {
                        Value::String(s) => self.substitute(s, &steps_outputs),
                        other => serde_norway::to_string(other).unwrap().trim().to_owned(),
                    };
                    command.env(key.as_str().unwrap(), value);
                }
            }
            let output = command.output().unwrap();
            run.stdout
                .push_str(&String::from_utf8_lossy(&output.stdout));
            run.stderr
                .push_str(&String::from_utf8_lossy(&output.stderr));
            run.steps.push(name.clone());
            steps_outputs.insert(
                id,
                parse_key_values(&fs::read_to_string(&output_file).unwrap()),
            );
            extra_env.extend(parse_key_values(&fs::read_to_string(&env_file).unwrap()));
            for dir in fs::read_to_string(&path_file)
                .unwrap()
                .lines()
                .filter(|l| !l.is_empty())
            {
                path = format!("{dir}:{path}");
            }
            fs::write(&path_file, "").unwrap();
            run.code = output.status.code().unwrap_or(-1);
            if run.code != 0 {
                break;
            }
        }
        run.summary = fs::read_to_string(&summary).unwrap();
        run.step_outputs = steps_outputs.clone();
        if let Some(outputs) = action["outputs"].as_mapping() {
            for (name, spec) in outputs {
                let value = self.substitute(spec["value"].as_str().unwrap(), &steps_outputs);
                run.outputs.insert(name.as_str().unwrap().to_owned(), value);
            }
        }
        run
    }
}

/// `GITHUB_OUTPUT`/`GITHUB_ENV` lines: `key=value` and `key<<DELIMITER` … `DELIMITER`.
fn parse_key_values(text: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if let Some((key, delimiter)) = line.split_once("<<") {
            let mut value = Vec::new();
            for next in lines.by_ref() {
                if next == delimiter {
                    break;
                }
                value.push(next);
            }
            out.insert(key.to_owned(), value.join("\n"));
        } else if let Some((key, value)) = line.split_once('=') {
            out.insert(key.to_owned(), value.to_owned());
        } else if !line.is_empty() {
            panic!("malformed output line {line:?}");
        }
    }
    out
}

// --- repositories ----------------------------------------------------------------------

/// The bad launch a pull request adds: LR-2026-0142 (a compliant high-risk launch) as
/// LR-2026-0160, a week later, with its `[rollback]` table misspelled.
const BAD_LAUNCH: &str = "launches/2026/LR-2026-0160.toml";

fn bad_launch() -> String {
    let text = fs::read_to_string(demo().join("launches/2026/LR-2026-0142.toml")).unwrap();
    let changed = text
        .replace("id = \"LR-2026-0142\"", "id = \"LR-2026-0160\"")
        .replace("2026-12-03T01:00:00+08:00", "2026-12-10T01:00:00+08:00")
        .replace("2026-12-03T04:00:00+08:00", "2026-12-10T04:00:00+08:00")
        .replace("[rollback]", "[rolback]");
    assert_eq!(changed.matches("LR-2026-0160").count(), 1);
    assert!(changed.contains("[rolback]") && changed.contains("2026-12-10T01:00:00+08:00"));
    changed
}

/// The line of `[rolback]` in the bad launch, counted by hand from its text.
fn rolback_line() -> usize {
    bad_launch().lines().position(|l| l == "[rolback]").unwrap() + 1
}

/// A git repository whose `main` holds the demo under `subdir` ("" for the top), and whose
/// HEAD is a pull request adding [`BAD_LAUNCH`] (when `bad`) or a harmless comment. Returns
/// the repository and the base commit.
fn pull_request(subdir: &str, bad: bool) -> (TempRepo, String) {
    let dir = TempRepo::init();
    let root = dir.path().join(subdir);
    copy_tree(&demo(), &root);
    fs::write(dir.path().join("README.md"), "launches\n").unwrap();
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-qm", "base"]);
    let base = git(dir.path(), &["rev-parse", "HEAD"]);
    git(dir.path(), &["checkout", "-qb", "change"]);
    if bad {
        fs::write(root.join(BAD_LAUNCH), bad_launch()).unwrap();
    } else {
        // A launch with no finding of its own, and none that points into it.
        let launch = root.join("launches/2026/LR-2026-0140.toml");
        let text = fs::read_to_string(&launch).unwrap();
        fs::write(&launch, format!("{text}\n# reviewed again\n")).unwrap();
    }
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-qm", "change"]);
    (dir, base)
}

fn annotations<'a>(stdout: &'a str, command: &str) -> Vec<&'a str> {
    let prefix = format!("::{command} file=");
    stdout.lines().filter(|l| l.starts_with(&prefix)).collect()
}

// --- tests -----------------------------------------------------------------------------

fn assert_bad_pull_request(subdir: &str) {
    let (repo, base) = pull_request(subdir, true);
    let head = git(repo.path(), &["rev-parse", "HEAD"]);
    let path = if subdir.is_empty() { "." } else { subdir };
    let prefix = if subdir.is_empty() {
        String::new()
    } else {
        format!("{subdir}/")
    };
    // In links and SARIF URIs the prefix is a URI path; the subdirectory's one space shows.
    let uri_prefix = prefix.replace(' ', "%20");
    let run = Harness::new(repo.path())
        .github("event.pull_request.base.sha", &base)
        .github("event.pull_request.head.sha", &head)
        .github("sha", "0000000000000000000000000000000000000000")
        .input("path", path)
        .input("sarif", "reports/launchcheck.sarif")
        .run();
    let context = format!("{run:#?}");

    // The cache and build steps were skipped: launchcheck is on PATH.
    assert_eq!(
        run.steps,
        [
            "Find or plan a launchcheck binary",
            "Cache the launchcheck download (skipped)",
            "Download launchcheck (skipped)",
            "Cache the launchcheck build (skipped)",
            "Build launchcheck (skipped)",
            "Check"
        ],
        "{context}"
    );
    assert_eq!(run.code, 1, "the step fails on errors: {context}");

    // Annotations on the changed file only, with repository-relative paths.
    let errors = annotations(&run.stdout, "error");
    let warnings = annotations(&run.stdout, "warning");
    assert!(!errors.is_empty(), "{context}");
    let bad_file = format!("file={prefix}{BAD_LAUNCH},");
    for line in errors.iter().chain(&warnings) {
        assert!(
            line.contains(&bad_file),
            "an annotation outside the change: {line}"
        );
    }
    let typo = format!(
        "::error {bad_file}line={line},endLine={line},col=2,endColumn=8,title=LC003 schema::unknown key `rolback`",
        line = rolback_line()
    );
    assert!(run.stdout.contains(&typo), "{context}");
    assert!(
        !run.stdout.contains("plans/search.toml"),
        "unchanged files are not reported: {context}"
    );
    assert!(run
        .stdout
        .contains("::error title=launchcheck::launchcheck failed with"));

    // Outputs agree with the annotations.
    assert_eq!(run.outputs["errors"], errors.len().to_string(), "{context}");
    assert_eq!(
        run.outputs["warnings"],
        warnings.len().to_string(),
        "{context}"
    );
    assert_eq!(run.outputs["waived"], "0", "{context}");

    // The job summary: totals, the finding linked to the pull request's head, the launch.
    assert!(run.summary.starts_with("## launchcheck\n"), "{context}");
    assert!(
        run.summary
            .contains(&format!("❌ **{} error", errors.len())),
        "{context}"
    );
    let link = format!(
        "[{BAD_LAUNCH}:{line}](https://github.com/acme/launches/blob/{head}/{uri_prefix}{BAD_LAUNCH}#L{line})",
        line = rolback_line()
    );
    assert!(run.summary.contains(&link), "{context}");
    assert!(
        run.summary.contains("### Launches in this change"),
        "{context}"
    );
    assert!(
        run.summary.contains(&format!(
            "| [LR-2026-0160](https://github.com/acme/launches/blob/{head}/{uri_prefix}{BAD_LAUNCH}) | Payments API 2.3.0"
        )),
        "{context}"
    );
    assert!(
        run.summary.contains("| 2026-12-09 17:00 – 20:00 | high |"),
        "{context}"
    );
    assert!(!run.summary.contains("LR-2026-0142"), "{context}");

    // The SARIF file, with repository-relative URIs.
    let sarif =
        fs::read_to_string(repo.path().join("reports/launchcheck.sarif")).expect("SARIF written");
    let sarif: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(
        results.iter().filter(|r| r["level"] == "error").count(),
        errors.len()
    );
    // Resolved against the git repository's root when the launch root is a directory in it,
    // whose definition (the launch root under the repository root) stays as it was.
    let base_id = if uri_prefix.is_empty() {
        "%SRCROOT%"
    } else {
        "REPOROOT"
    };
    for result in results {
        let artifact = &result["locations"][0]["physicalLocation"]["artifactLocation"];
        assert_eq!(
            artifact["uri"],
            format!("{uri_prefix}{BAD_LAUNCH}").as_str()
        );
        assert_eq!(artifact["uriBaseId"], base_id);
    }
    let run = &sarif["runs"][0];
    assert_eq!(
        run["versionControlProvenance"][0]["revisionId"],
        head.as_str()
    );
    assert_eq!(
        run["versionControlProvenance"][0]["mappedTo"]["uriBaseId"],
        base_id
    );
    if !uri_prefix.is_empty() {
        assert_eq!(
            run["originalUriBaseIds"]["%SRCROOT%"]["uri"],
            uri_prefix.as_str()
        );
    }
}

#[test]
fn a_bad_pull_request_gets_annotations_a_summary_outputs_and_a_failing_step() {
    assert_bad_pull_request("");
}

#[test]
fn a_launch_repository_in_a_subdirectory_gets_repository_relative_paths() {
    assert_bad_pull_request("ops/launch repo");
}

#[test]
fn a_clean_pull_request_passes_with_zero_counts() {
    let (repo, base) = pull_request("", false);
    let run = Harness::new(repo.path())
        .github("event.pull_request.base.sha", &base)
        .run();
    let context = format!("{run:#?}");
    assert_eq!(run.code, 0, "{context}");
    assert!(annotations(&run.stdout, "error").is_empty(), "{context}");
    assert_eq!(run.outputs["errors"], "0", "{context}");
    assert_eq!(run.outputs["warnings"], "0", "{context}");
    assert!(
        run.summary.contains("✅ No errors or warnings"),
        "{context}"
    );
}

#[test]
fn a_shallow_clone_without_the_base_commit_explains_fetch_depth() {
    let (repo, base) = pull_request("", true);
    let shallow = tempfile::tempdir().unwrap();
    let url = format!("file://{}", repo.path().display());
    git(
        shallow.path(),
        &[
            "clone", "-q", "--depth", "1", "--branch", "change", &url, ".",
        ],
    );
    assert_eq!(
        git(shallow.path(), &["rev-parse", "--is-shallow-repository"]),
        "true"
    );
    let run = Harness::new(shallow.path())
        .github("event.pull_request.base.sha", &base)
        .run();
    let context = format!("{run:#?}");
    assert_eq!(run.code, 2, "{context}");
    assert!(
        run.stdout.contains(&format!(
            "::error title=launchcheck::the base commit {base}"
        )),
        "{context}"
    );
    assert!(
        run.stdout
            .contains("use actions/checkout with 'fetch-depth: 0'"),
        "{context}"
    );
    assert!(
        run.outputs["errors"].is_empty(),
        "no counts without a run: {context}"
    );
}

#[test]
fn outside_a_pull_request_the_whole_repository_is_checked() {
    let (repo, _) = pull_request("", false);
    let run = Harness::new(repo.path())
        .input("args", "--select LC2 --ignore LC207,LC208")
        .run();
    let context = format!("{run:#?}");
    assert!(
        run.stdout
            .contains("::notice title=launchcheck::no base revision"),
        "{context}"
    );
    // The demo's plan findings, selected through `args`: LC201 and LC202 on RP-search, and
    // LC202 for RP-payments in the context of LR-2026-0155, reported on that launch.
    let errors = annotations(&run.stdout, "error");
    assert_eq!(errors.len(), 3, "{context}");
    assert_eq!(
        errors
            .iter()
            .filter(|l| l.contains("file=plans/search.toml,"))
            .count(),
        2,
        "{context}"
    );
    assert!(
        errors.iter().any(|l| l
            .contains("file=launches/2026/LR-2026-0155.toml,line=19,endLine=19,col=17,")
            && l.contains("will be 102 days old at launch (limit 90)")),
        "{context}"
    );
    assert!(annotations(&run.stdout, "warning").is_empty(), "{context}");
    assert_eq!(run.outputs["errors"], "3", "{context}");
    assert_eq!(run.code, 1, "{context}");
    assert!(run.summary.contains("### Upcoming launches"), "{context}");
}

#[test]
fn without_launchcheck_on_path_the_action_plans_a_build_from_its_source() {
    let (repo, _) = pull_request("", false);
    let mut harness = Harness::new(repo.path());
    // PATH without the test binary (cargo stays: the step checks for it).
    harness.path = std::env::var("PATH").unwrap_or_default();
    let on_path = Command::new("bash")
        .args(["-c", "command -v launchcheck"])
        .env("PATH", &harness.path)
        .output()
        .unwrap();
    if on_path.status.success() {
        // An installed launchcheck would be used; the decision cannot be observed here.
        harness.inputs.insert("version".into(), "source".into());
    }
    harness.only = Some(vec!["locate".to_owned()]);
    let run = harness.run();
    let context = format!("{run:#?}");
    assert_eq!(run.code, 0, "{context}");
    assert!(!run.stdout.contains("Using "), "{context}");
    let locate = &run.step_outputs["locate"];
    assert_eq!(locate["build"], "true", "{context}");
    let key = &locate["cache-key"];
    let hash = key
        .strip_prefix("launchcheck-Linux-")
        .expect("the cache key names the OS");
    assert_eq!(hash.len(), 32, "{key}");
    assert!(hash.chars().all(|c| c.is_ascii_hexdigit()), "{key}");
    // The key is a function of the sources: the same on a second run.
    let again = harness.run();
    assert_eq!(&again.step_outputs["locate"]["cache-key"], key);

    // The cache and build steps are the ones that decision switches on.
    let action = action();
    let steps = action["runs"]["steps"].as_sequence().unwrap();
    let cache = steps
        .iter()
        .find(|s| s["name"] == "Cache the launchcheck build")
        .unwrap();
    assert!(cache["uses"]
        .as_str()
        .unwrap()
        .starts_with("actions/cache@"));
    assert_eq!(cache["if"], BUILD_CONDITION);
    assert_eq!(
        cache["with"]["key"],
        "${{ steps.locate.outputs.cache-key }}"
    );
    let build = steps
        .iter()
        .find(|s| s["name"] == "Build launchcheck")
        .unwrap();
    assert_eq!(build["if"], BUILD_CONDITION);
    assert!(build["run"]
        .as_str()
        .unwrap()
        .contains("cargo install --path \"$ACTION_PATH\" --locked"));
}

#[test]
fn every_run_step_is_valid_bash_including_the_ones_not_run_here() {
    let action = action();
    let steps = action["runs"]["steps"].as_sequence().unwrap();
    let mut checked = 0;
    for step in steps {
        let Some(script) = step["run"].as_str() else {
            continue;
        };
        let output = Command::new("bash")
            .args(["-n", "-c", script])
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}: {}",
            step["name"].as_str().unwrap_or("?"),
            String::from_utf8_lossy(&output.stderr)
        );
        checked += 1;
    }
    assert_eq!(checked, 4, "locate, download, build and check");
}

#[test]
fn the_action_declares_the_documented_inputs_and_outputs() {
    let action = action();
    for input in ["path", "base", "args", "sarif", "version"] {
        assert!(
            action["inputs"][input]["description"].is_string(),
            "input {input}"
        );
    }
    assert_eq!(action["inputs"]["path"]["default"], ".");
    assert_eq!(action["inputs"]["version"]["default"], "0.2.0");
    assert_eq!(
        action["inputs"]["base"]["default"],
        "${{ github.event.pull_request.base.sha }}"
    );
    for output in ["errors", "warnings"] {
        assert_eq!(
            action["outputs"][output]["value"],
            format!("${{{{ steps.check.outputs.{output} }}}}").as_str()
        );
    }
}

// --- downloading a release -------------------------------------------------------------

/// A tiny HTTP server on 127.0.0.1 (an ephemeral port) serving the files of a directory,
/// 404 for anything else; it records every path asked for.
struct ReleaseServer {
    url: String,
    requests: Arc<Mutex<Vec<String>>>,
    _files: tempfile::TempDir,
}

impl ReleaseServer {
    fn start(files: tempfile::TempDir) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let url = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&requests);
        let root = files.path().to_owned();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut request_line = String::new();
                if reader.read_line(&mut request_line).is_err() {
                    continue;
                }
                // The headers, up to the blank line that ends them.
                loop {
                    let mut header = String::new();
                    if reader.read_line(&mut header).unwrap_or(0) <= 2 {
                        break;
                    }
                }
                let path = request_line
                    .split_whitespace()
                    .nth(1)
                    .unwrap_or("/")
                    .to_owned();
                log.lock().unwrap().push(path.clone());
                let (status, body) = match fs::read(root.join(path.trim_start_matches('/'))) {
                    Ok(body) => ("200 OK", body),
                    Err(_) => ("404 Not Found", b"not found".to_vec()),
                };
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(&body);
            }
        });
        ReleaseServer {
            url,
            requests,
            _files: files,
        }
    }

    fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

const RELEASE: &str = "0.2.0";
const LINUX_ARCHIVE: &str = "launchcheck-v0.2.0-x86_64-unknown-linux-musl.tar.gz";
/// What the fake release's `launchcheck` writes to stderr before running the real one.
const FAKE_MARKER: &str = "launchcheck from the fake release";

fn sha256_hex(file: &Path) -> String {
    let output = Command::new("sh")
        .arg("-c")
        .arg(
            "if command -v sha256sum >/dev/null; then sha256sum \"$1\"; else shasum -a 256 \"$1\"; fi",
        )
        .arg("sh")
        .arg(file)
        .output()
        .expect("sha256sum runs");
    assert!(output.status.success());
    String::from_utf8_lossy(&output.stdout)
        .split_whitespace()
        .next()
        .expect("a digest")
        .to_owned()
}

/// A release directory as the release workflow publishes it: `v0.2.0/` with the Linux x86-64
/// archive, whose `launchcheck` is a script that announces itself and runs the binary under
/// test, and a `.sha256` file beside it holding `checksum_of`'s digest (the archive's own
/// when `None`).
fn fake_release(checksum_of: Option<&[u8]>) -> tempfile::TempDir {
    let files = tempfile::tempdir().unwrap();
    let release = files.path().join(format!("v{RELEASE}"));
    fs::create_dir_all(&release).unwrap();
    let stage = tempfile::tempdir().unwrap();
    let script = stage.path().join("launchcheck");
    fs::write(
        &script,
        format!(
            "#!/bin/sh\necho '{FAKE_MARKER}' >&2\nexec '{}' \"$@\"\n",
            binary().display()
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&script, fs::Permissions::from_mode(0o755)).unwrap();
    }
    fs::write(stage.path().join("README.md"), "launchcheck\n").unwrap();
    let archive = release.join(LINUX_ARCHIVE);
    let status = Command::new("tar")
        .arg("-czf")
        .arg(&archive)
        .arg("-C")
        .arg(stage.path())
        .args(["launchcheck", "README.md"])
        .status()
        .expect("tar runs");
    assert!(status.success());
    let digest = match checksum_of {
        Some(other) => {
            let decoy = stage.path().join("decoy");
            fs::write(&decoy, other).unwrap();
            sha256_hex(&decoy)
        }
        None => sha256_hex(&archive),
    };
    fs::write(
        release.join(format!("{LINUX_ARCHIVE}.sha256")),
        format!("{digest}  {LINUX_ARCHIVE}\n"),
    )
    .unwrap();
    files
}

/// A directory holding a fake `cargo` that appends its arguments to `cargo.log` there.
fn fake_cargo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("cargo");
    fs::write(
        &script,
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"$*\" >> '{}'\n",
            dir.path().join("cargo.log").display()
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&script, fs::Permissions::from_mode(0o755)).unwrap();
    }
    dir
}

/// A harness asking for release 0.2.0 from `server`, with PATH not holding the binary under
/// test (only what the download puts there can run the check).
fn release_harness(workspace: &Path, server: &ReleaseServer) -> Harness {
    let mut harness = Harness::new(workspace)
        .input("version", RELEASE)
        .env("LAUNCHCHECK_RELEASE_URL", &server.url);
    harness.path = std::env::var("PATH").unwrap_or_default();
    harness
}

#[test]
fn a_release_is_downloaded_verified_and_runs_the_check() {
    let release = fake_release(None);
    let digest = sha256_hex(&release.path().join("v0.2.0").join(LINUX_ARCHIVE));
    let server = ReleaseServer::start(release);
    let (repo, base) = pull_request("", true);
    let harness =
        release_harness(repo.path(), &server).github("event.pull_request.base.sha", &base);
    let run = harness.run();
    let context = format!("{run:#?}");
    assert_eq!(
        run.steps,
        [
            "Find or plan a launchcheck binary",
            "Cache the launchcheck download (skipped)",
            "Download launchcheck",
            "Cache the launchcheck build (skipped)",
            "Build launchcheck (skipped)",
            "Check"
        ],
        "{context}"
    );
    assert_eq!(
        run.step_outputs["locate"]["cache-key"],
        "launchcheck-Linux-X64-release-0.2.0"
    );
    assert_eq!(
        run.step_outputs["locate"]["release-cache-key"],
        "launchcheck-download-v0.2.0-Linux-X64"
    );
    assert_eq!(
        server.requests(),
        [
            format!("/v0.2.0/{LINUX_ARCHIVE}"),
            format!("/v0.2.0/{LINUX_ARCHIVE}.sha256")
        ]
    );
    assert!(
        run.stdout.contains(&format!(
            "from {}/v0.2.0/{LINUX_ARCHIVE} (SHA-256 {digest} verified)",
            server.url
        )),
        "{context}"
    );
    // The downloaded launchcheck ran the check: its findings, its marker.
    assert!(run.stderr.contains(FAKE_MARKER), "{context}");
    assert_eq!(run.code, 1, "{context}");
    assert!(
        annotations(&run.stdout, "error")
            .iter()
            .any(|l| l.contains(&format!("file={BAD_LAUNCH},"))),
        "{context}"
    );

    // A second run finds the archive where the cache step restores it: no download, the
    // checksum is verified again.
    let again = harness.run();
    let context = format!("{again:#?}");
    assert_eq!(server.requests().len(), 2, "{context}");
    assert!(
        again
            .stdout
            .contains(&format!("Using the cached {LINUX_ARCHIVE}")),
        "{context}"
    );
    assert!(again.stderr.contains(FAKE_MARKER), "{context}");
    assert_eq!(again.code, 1, "{context}");

    // The cache step keeps exactly the directory the download step fills, under the key
    // of the version, OS and architecture.
    let action = action();
    let steps = action["runs"]["steps"].as_sequence().unwrap();
    let cache = steps
        .iter()
        .find(|s| s["name"] == "Cache the launchcheck download")
        .unwrap();
    assert!(cache["uses"]
        .as_str()
        .unwrap()
        .starts_with("actions/cache@"));
    assert_eq!(cache["if"], "steps.locate.outputs.download == 'true'");
    assert_eq!(
        cache["with"]["path"],
        "${{ runner.temp }}/launchcheck-release"
    );
    assert_eq!(
        cache["with"]["key"],
        "${{ steps.locate.outputs.release-cache-key }}"
    );
    assert!(harness
        .temp
        .path()
        .join("launchcheck-release")
        .join(LINUX_ARCHIVE)
        .is_file());
}

#[test]
fn a_checksum_mismatch_fails_the_step_and_nothing_runs() {
    let server = ReleaseServer::start(fake_release(Some(b"another archive")));
    let (repo, _) = pull_request("", false);
    let harness = release_harness(repo.path(), &server);
    let run = harness.run();
    let context = format!("{run:#?}");
    assert_eq!(run.code, 1, "{context}");
    assert_eq!(
        run.steps.last().map(String::as_str),
        Some("Download launchcheck"),
        "the step fails and no later step runs: {context}"
    );
    assert!(
        run.stdout.contains(&format!(
            "::error title=launchcheck::checksum mismatch for {LINUX_ARCHIVE}: its SHA-256 is "
        )),
        "{context}"
    );
    assert!(
        run.stdout
            .contains("The download is corrupt or was tampered with"),
        "{context}"
    );
    assert!(!run.stderr.contains(FAKE_MARKER), "{context}");
    // Nothing is left for the cache to keep.
    assert!(!harness
        .temp
        .path()
        .join("launchcheck-release")
        .join(LINUX_ARCHIVE)
        .exists());
}

#[test]
fn a_missing_release_asset_falls_back_to_building_that_version() {
    let server = ReleaseServer::start(tempfile::tempdir().unwrap());
    let cargo = fake_cargo();
    let (repo, _) = pull_request("", false);
    let mut harness = release_harness(repo.path(), &server).only(&["locate", "download", "build"]);
    harness.path = format!("{}:{}", cargo.path().display(), harness.path);
    let run = harness.run();
    let context = format!("{run:#?}");
    assert_eq!(run.code, 0, "{context}");
    assert!(
        run.stdout.contains(&format!(
            "::warning title=launchcheck::no release asset {}/v0.2.0/{LINUX_ARCHIVE} (HTTP 404); building launchcheck 0.2.0 from source with cargo instead",
            server.url
        )),
        "{context}"
    );
    assert_eq!(run.step_outputs["download"]["build"], "true", "{context}");
    assert!(
        run.steps.contains(&"Build launchcheck".to_owned()),
        "{context}"
    );
    let log = fs::read_to_string(cargo.path().join("cargo.log")).expect("cargo ran");
    assert_eq!(
        log.trim(),
        format!(
            "install launchcheck --version 0.2.0 --locked --root {}/launchcheck --force",
            harness.temp.path().display()
        )
    );
}

#[test]
fn an_unreachable_release_server_is_a_clear_error() {
    // A port nothing listens on any more.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (repo, _) = pull_request("", false);
    let mut harness = Harness::new(repo.path()).input("version", RELEASE).env(
        "LAUNCHCHECK_RELEASE_URL",
        &format!("http://127.0.0.1:{port}/"),
    );
    harness.only = Some(vec!["locate".into(), "download".into()]);
    let run = harness.run();
    let context = format!("{run:#?}");
    assert_eq!(run.code, 1, "{context}");
    assert!(
        run.stdout.contains(&format!(
            "::error title=launchcheck::could not download http://127.0.0.1:{port}/v0.2.0/{LINUX_ARCHIVE} (HTTP status 000)"
        )),
        "{context}"
    );
}

#[test]
fn each_runner_gets_the_archive_for_its_os_and_architecture() {
    let cargo = fake_cargo();
    let (repo, _) = pull_request("", false);
    for (os, arch, archive) in [
        (
            "Linux",
            "X64",
            "launchcheck-v0.2.0-x86_64-unknown-linux-musl.tar.gz",
        ),
        (
            "Linux",
            "ARM64",
            "launchcheck-v0.2.0-aarch64-unknown-linux-musl.tar.gz",
        ),
        (
            "macOS",
            "ARM64",
            "launchcheck-v0.2.0-aarch64-apple-darwin.tar.gz",
        ),
        (
            "macOS",
            "X64",
            "launchcheck-v0.2.0-x86_64-apple-darwin.tar.gz",
        ),
        (
            "Windows",
            "X64",
            "launchcheck-v0.2.0-x86_64-pc-windows-msvc.zip",
        ),
    ] {
        // A leading `v` is accepted.
        let run = Harness::new(repo.path())
            .input("version", "v0.2.0")
            .runner(os, arch)
            .only(&["locate"])
            .run();
        let locate = &run.step_outputs["locate"];
        assert_eq!(locate["archive"], archive, "{run:#?}");
        assert_eq!(locate["download"], "true");
        assert_eq!(locate["build"], "false");
        assert_eq!(
            locate["release-cache-key"],
            format!("launchcheck-download-v0.2.0-{os}-{arch}")
        );
    }

    // No prebuilt binary for this platform: that version is built with cargo.
    let mut harness = Harness::new(repo.path())
        .input("version", "0.2.0")
        .runner("Windows", "ARM64")
        .only(&["locate"]);
    harness.path = format!("{}:{}", cargo.path().display(), harness.path);
    let run = harness.run();
    let context = format!("{run:#?}");
    assert_eq!(run.code, 0, "{context}");
    let locate = &run.step_outputs["locate"];
    assert_eq!(locate["build"], "true", "{context}");
    assert_eq!(locate["build-from"], "release", "{context}");
    assert!(!locate.contains_key("download"), "{context}");
    assert!(
        run.stdout.contains(
            "::warning title=launchcheck::no prebuilt launchcheck is published for Windows ARM64; building version 0.2.0 from source with cargo"
        ),
        "{context}"
    );
}

#[test]
fn a_version_that_is_not_a_release_number_is_refused() {
    let (repo, _) = pull_request("", false);
    let run = Harness::new(repo.path())
        .input("version", "latest; rm -rf /")
        .only(&["locate"])
        .run();
    assert_eq!(run.code, 2, "{run:#?}");
    assert!(
        run.stdout.contains(
            "::error title=launchcheck::the version input 'latest; rm -rf /' is not a release number"
        ),
        "{run:#?}"
    );
}

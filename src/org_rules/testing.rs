//! `launchcheck policy test`: runs the `test_*` rules of the `*_test.rego` files against the
//! organisation rules, one PASS or FAIL line per test (as `opa test -v` prints them), and with
//! coverage lists the lines of the rules that no test reached.

use std::fmt::Write as _;

use regorus::unstable::{Rule, RuleHead};
use regorus::Value;

use std::path::Path;

use crate::config::Matchers;
use crate::error::{Error, Result};
use crate::source::SourceFile;
use crate::tree::{Tree, WorkTree};

/// One test's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// `data.org.db_test.test_migration_needs_dba`.
    pub name: String,
    pub path: String,
    pub line: u32,
    /// `None` when it passed; otherwise why not.
    pub failure: Option<String>,
}

/// What a test run found.
#[derive(Debug, Default)]
pub struct Run {
    pub outcomes: Vec<Outcome>,
    /// Per rule file, the lines no test reached (only with coverage).
    pub uncovered: Vec<(String, Vec<u32>)>,
}

impl Run {
    pub fn failed(&self) -> usize {
        self.outcomes.iter().filter(|o| o.failure.is_some()).count()
    }

    /// The report in `opa test -v` style.
    pub fn render(&self, coverage: bool) -> String {
        let mut out = String::new();
        let mut current_file = "";
        for outcome in &self.outcomes {
            if outcome.path != current_file {
                if !current_file.is_empty() {
                    out.push('\n');
                }
                let _ = writeln!(out, "{}:", outcome.path);
                current_file = &outcome.path;
            }
            match &outcome.failure {
                None => {
                    let _ = writeln!(out, "{}: PASS", outcome.name);
                }
                Some(why) => {
                    let _ = writeln!(
                        out,
                        "{}: FAIL ({}:{}: {why})",
                        outcome.name, outcome.path, outcome.line
                    );
                }
            }
        }
        let _ = writeln!(out, "{}", "-".repeat(80));
        let total = self.outcomes.len();
        let failed = self.failed();
        if failed == 0 {
            let _ = writeln!(out, "PASS: {total}/{total}");
        } else {
            if total > failed {
                let _ = writeln!(out, "PASS: {}/{total}", total - failed);
            }
            let _ = writeln!(out, "FAIL: {failed}/{total}");
        }
        if coverage {
            if self.uncovered.iter().all(|(_, lines)| lines.is_empty()) {
                let _ = writeln!(out, "Coverage: every line of the rules was reached");
            } else {
                let _ = writeln!(out, "Not reached by any test:");
                for (path, lines) in &self.uncovered {
                    for line in lines {
                        let _ = writeln!(out, "  {path}:{line}");
                    }
                }
            }
        }
        out
    }
}

/// The rule and test files to run: every `.rego` file below `dir` (shown relative to the
/// working directory as given), else those the repository's `[files].rego` globs match.
pub fn sources(options: &crate::check::Options, dir: Option<&Path>) -> Result<Vec<SourceFile>> {
    let (tree, shown_prefix, matchers, limit) = match dir {
        Some(dir) => {
            if !dir.is_dir() {
                return Err(Error::new(format!(
                    "`{}` is not a directory",
                    dir.display()
                )));
            }
            let prefix = dir.to_string_lossy().replace('\\', "/");
            let prefix = prefix.trim_end_matches('/').to_owned();
            (WorkTree::new(dir)?, Some(prefix), None, 1024 * 1024)
        }
        None => {
            let located = crate::check::locate(options)?;
            let config = crate::check::load_config(located.config_path.as_deref(), &located.root)?;
            let matchers = Matchers::new(&config)?;
            (
                WorkTree::new(&located.root)?,
                None,
                Some(matchers),
                config.files.max_file_bytes,
            )
        }
    };
    let mut sources = Vec::new();
    for path in tree.paths()? {
        let wanted = match &matchers {
            Some(m) => m.is_rego(&path),
            None => path.ends_with(".rego"),
        };
        if !wanted {
            continue;
        }
        let mut file = super::read_one(&tree, &path, limit)?;
        if let Some(prefix) = &shown_prefix {
            if prefix != "." {
                file.path = format!("{prefix}/{path}");
            }
        }
        sources.push(file);
    }
    if sources.is_empty() {
        return Err(Error::new("no Rego files found").help(
            "organisation rules live in `policies/*.rego` (see `[files].rego`), their tests in `*_test.rego`",
        ));
    }
    Ok(sources)
}

/// Runs the tests among `sources` (rule files and `*_test.rego` files, sorted by path).
pub fn run(sources: &[SourceFile], coverage: bool) -> Result<Run> {
    let mut engine = super::engine()?;
    let mut packages = Vec::new();
    for file in sources {
        packages.push(super::add_file(&mut engine, file)?);
    }
    if let Some((path, line, name)) = super::unknown_call(&mut engine, sources) {
        return Err(Error::new(format!(
            "{path}:{line}: `{name}` is neither a builtin nor a function the rules define"
        )));
    }
    let modules = engine.get_modules().clone();
    let mut tests = Vec::new();
    for (module, (file, package)) in modules
        .iter()
        .skip(super::CONTEXT_MODULES.len())
        .zip(sources.iter().zip(&packages))
    {
        if !file.path.ends_with("_test.rego") {
            continue;
        }
        for rule in &module.policy {
            let Rule::Spec {
                head: RuleHead::Compr { refr, .. },
                span,
                ..
            } = rule.as_ref()
            else {
                continue;
            };
            let Some(name) = super::head_name(refr) else {
                continue;
            };
            let query = format!("{package}.{name}");
            if name.starts_with("test_") && !tests.iter().any(|(q, _, _)| q == &query) {
                tests.push((query, file.path.clone(), span.line));
            }
        }
    }
    if tests.is_empty() {
        return Err(Error::new("no tests found").help(
            "write `test_*` rules in `*_test.rego` files next to the rules, e.g. \
             `test_denies_friday if { count(deny) > 0 with input as {...} }`",
        ));
    }
    if coverage {
        engine.set_enable_coverage(true);
    }
    let mut run = Run::default();
    for (query, path, line) in tests {
        engine.set_execution_timer_config(regorus::utils::limits::ExecutionTimerConfig {
            limit: super::TIME_LIMIT_PER_DOCUMENT,
            check_interval: std::num::NonZeroU32::MIN,
        });
        let failure = match engine.eval_rule(query.clone()) {
            Ok(Value::Bool(true)) => None,
            Ok(Value::Undefined) => Some("undefined: a condition did not hold".to_owned()),
            Ok(other) => Some(format!("the test's value is {other}, not true")),
            Err(error) => Some(
                format!("{error:#}")
                    .lines()
                    .rev()
                    .find(|l| !l.trim().is_empty())
                    .unwrap_or("error")
                    .trim()
                    .to_owned(),
            ),
        };
        run.outcomes.push(Outcome {
            name: query,
            path,
            line,
            failure,
        });
    }
    if coverage {
        let report = engine
            .get_coverage_report()
            .map_err(|e| Error::new("cannot compute the coverage").cause(e))?;
        for file in report.files {
            if file.path.ends_with("_test.rego") || file.path.starts_with("<launchcheck>") {
                continue;
            }
            run.uncovered
                .push((file.path, file.not_covered.into_iter().collect()));
        }
        run.uncovered.sort();
    }
    Ok(run)
}

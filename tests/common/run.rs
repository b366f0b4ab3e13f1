//! A finished run of the binary, with views of its JSON report.

use std::process::{Command, Output};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde_json::Value;

/// A finished run: exit code, output, and how long it took.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
    /// Parsed once: some reports hold 100,000 findings.
    parsed: OnceLock<Option<Value>>,
}

impl From<Output> for Run {
    fn from(output: Output) -> Run {
        Run::finished(output, Duration::ZERO)
    }
}

static NULL: Value = Value::Null;

impl Run {
    /// Runs `command` to the end, capturing its output.
    pub fn of(mut command: Command) -> Run {
        let started = Instant::now();
        let output = command.output().expect("launchcheck runs");
        Run::finished(output, started.elapsed())
    }

    /// A run from its output; `code` is -1 when a signal ended it.
    pub fn finished(output: Output, elapsed: Duration) -> Run {
        Run::new(
            output.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
            elapsed,
        )
    }

    pub fn new(code: i32, stdout: String, stderr: String, elapsed: Duration) -> Run {
        Run {
            code,
            stdout,
            stderr,
            elapsed,
            parsed: OnceLock::new(),
        }
    }

    fn parsed(&self) -> Option<&Value> {
        self.parsed
            .get_or_init(|| serde_json::from_str(&self.stdout).ok())
            .as_ref()
    }

    /// Standard output as JSON; fails the test, showing both outputs, when it is not.
    pub fn json(&self) -> &Value {
        self.parsed().unwrap_or_else(|| {
            let error = serde_json::from_str::<Value>(&self.stdout).err();
            panic!(
                "stdout is not JSON ({error:?}); exit {}\nstdout:\n{}\nstderr:\n{}",
                self.code,
                head(&self.stdout),
                head(&self.stderr)
            )
        })
    }

    /// Standard output as JSON, or `null` when it is not (a tool error prints no report).
    pub fn json_or_null(&self) -> &Value {
        self.parsed().unwrap_or(&NULL)
    }

    /// The report's findings; fails the test when there is no findings array.
    pub fn finding_list(&self) -> &[Value] {
        self.json()["findings"]
            .as_array()
            .unwrap_or_else(|| panic!("no findings array:\n{}", head(&self.stdout)))
    }

    fn all(&self) -> impl Iterator<Item = &Value> {
        self.json()["findings"].as_array().into_iter().flatten()
    }

    /// `path:line CODE level` of every finding, waived ones marked `(waived)`.
    pub fn findings(&self) -> Vec<String> {
        self.all()
            .map(|f| {
                format!(
                    "{}:{} {} {}{}",
                    text(&f["path"]),
                    f["line"],
                    text(&f["code"]),
                    text(&f["level"]),
                    waived(f),
                )
            })
            .collect()
    }

    /// `path:line CODE` of every finding.
    pub fn located(&self) -> Vec<String> {
        self.all()
            .map(|f| format!("{}:{} {}", text(&f["path"]), f["line"], text(&f["code"])))
            .collect()
    }

    /// `path:line:column level CODE message` of every finding, waived ones marked
    /// `(waived)`.
    pub fn described(&self) -> Vec<String> {
        self.finding_list()
            .iter()
            .map(|f| {
                format!(
                    "{}:{}:{} {} {} {}{}",
                    text_or_mark(&f["path"]),
                    f["line"],
                    f["column"],
                    text_or_mark(&f["level"]),
                    text_or_mark(&f["code"]),
                    text_or_mark(&f["message"]),
                    waived(f),
                )
            })
            .collect()
    }

    /// The codes of every finding, in output order.
    pub fn codes(&self) -> Vec<String> {
        self.all().map(|f| text(&f["code"]).to_owned()).collect()
    }

    /// The messages of the findings of one rule.
    pub fn messages(&self, code: &str) -> Vec<String> {
        self.all()
            .filter(|f| f["code"] == code)
            .map(|f| f["message"].as_str().unwrap_or_default().to_owned())
            .collect()
    }

    /// The findings of one rule.
    pub fn findings_of(&self, code: &str) -> Vec<&Value> {
        self.finding_list()
            .iter()
            .filter(|f| f["code"] == code)
            .collect()
    }

    /// The findings in one file.
    pub fn findings_in(&self, path: &str) -> Vec<&Value> {
        self.finding_list()
            .iter()
            .filter(|f| f["path"] == path)
            .collect()
    }

    /// The report's summary.
    pub fn summary(&self) -> &Value {
        &self.json()["summary"]
    }

    /// The summary's `(errors, warnings, waived)`.
    pub fn counts(&self) -> (u64, u64, u64) {
        let summary = self.summary();
        let count = |key: &str| summary[key].as_u64().unwrap_or(u64::MAX);
        (count("errors"), count("warnings"), count("waived"))
    }
}

fn text(value: &Value) -> &str {
    value.as_str().unwrap_or("?")
}

fn text_or_mark(value: &Value) -> &str {
    value.as_str().unwrap_or("<not a string>")
}

fn waived(finding: &Value) -> &'static str {
    if finding["waiver"].is_null() {
        ""
    } else {
        " (waived)"
    }
}

/// The first 4,000 bytes of `text`, for failure messages.
pub fn head(text: &str) -> &str {
    let mut end = text.len().min(4000);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

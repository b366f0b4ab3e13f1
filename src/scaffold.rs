//! Writing files for users: `launchcheck init` (a launch repository that passes its own
//! check), `launchcheck new launch|plan` (a document from a template) and `launchcheck hook
//! install` (a plain git pre-commit hook). None of them ever replaces a file it did not
//! write: `init` keeps existing files and says so, `new` and `hook install` refuse.
//!
//! `init` writes the sample documents, roster and policy only into a new launch repository
//! (one without `launchcheck.toml`): run again on an existing one, it leaves alone what the
//! user has deleted or changed since, and only brings the editor schemas in
//! `.launchcheck/schemas/` up to date with the binary, which are its own files.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

use crate::document::Kind;
use crate::error::{Error, Result};
use crate::time::Clock;

/// Every `launchcheck hook install` hook carries this line; a hook without it is not ours.
pub const HOOK_MARKER: &str = "# launchcheck-managed-hook";

/// What `init` did with each file.
#[derive(Debug, Default)]
pub struct InitReport {
    pub created: Vec<PathBuf>,
    /// Files that already existed and were left as they were.
    pub kept: Vec<PathBuf>,
    /// Sample files not written because the repository already existed (they may have been
    /// deleted on purpose).
    pub skipped: Vec<PathBuf>,
    /// Schemas that differed from this binary's and were replaced.
    pub updated: Vec<PathBuf>,
}

/// Dates the templates are filled with, so that the sample documents pass at `now`.
struct Dates {
    yesterday: Date,
    today: Date,
    launch: Date,
}

impl Dates {
    fn at(now: Timestamp) -> Dates {
        Dates::in_zone(now, TimeZone::UTC)
    }

    /// The dates as the calendar shows them in `zone`, where the repository places bare
    /// dates.
    fn in_zone(now: Timestamp, zone: TimeZone) -> Dates {
        let today = Clock::new(now, zone).date_of(now);
        Dates {
            yesterday: today.checked_sub(1.day()).unwrap_or(today),
            today,
            launch: today.checked_add(14.days()).unwrap_or(today),
        }
    }

    fn fill(&self, template: &str) -> String {
        template
            .replace("{YESTERDAY}", &self.yesterday.to_string())
            .replace("{TODAY}", &self.today.to_string())
            .replace("{LAUNCH}", &self.launch.to_string())
            .replace("{YEAR}", &self.today.year().to_string())
    }
}

/// Writes `contents` to a new file; `Ok(false)` when the file already exists.
fn create_new(path: &Path, contents: &str) -> Result<bool> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent).map_err(|e| {
            Error::io(
                format!("cannot create the directory `{}`", parent.display()),
                e,
            )
        })?;
    }
    let mut file = match OpenOptions::new().write(true).create_new(true).open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => return Ok(false),
        Err(e) => return Err(Error::io(format!("cannot create `{}`", path.display()), e)),
    };
    file.write_all(contents.as_bytes())
        .map_err(|e| Error::io(format!("cannot write `{}`", path.display()), e))?;
    Ok(true)
}

/// Scaffolds a launch repository in `dir`: configuration (with `timezone`, an IANA name or
/// offset, as `[time].timezone`), roster, policy, schemas, and a sample launch request and
/// response plan that pass every rule at `now`. Existing files are kept; in an existing
/// repository (one with `launchcheck.toml`) only the schemas are written, and replaced when
/// they differ from this binary's.
pub fn init(dir: &Path, now: Timestamp, timezone: &str) -> Result<InitReport> {
    if dir.exists() && !dir.is_dir() {
        return Err(Error::new(format!(
            "`{}` exists and is not a directory",
            dir.display()
        )));
    }
    let existing = dir.join(crate::config::FILE_NAME).exists();
    let zone = TimeZone::get(timezone).unwrap_or(TimeZone::UTC);
    let dates = Dates::in_zone(now, zone);
    let samples: Vec<(PathBuf, String)> = vec![
        (
            dir.join(crate::config::FILE_NAME),
            CONFIG.replace("{TIMEZONE}", &toml_string(timezone)),
        ),
        (dir.join("people.toml"), dates.fill(ROSTER)),
        (dir.join("policies/org.toml"), POLICY.to_owned()),
        (dir.join("policies/ticket.rego"), EXAMPLE_RULE.to_owned()),
        (
            dir.join("policies/ticket_test.rego"),
            EXAMPLE_RULE_TEST.to_owned(),
        ),
        (
            dir.join("launches/LR-EXAMPLE-0001.toml"),
            dates.fill(SAMPLE_LAUNCH),
        ),
        (dir.join("plans/RP-example.toml"), dates.fill(SAMPLE_PLAN)),
    ];
    let mut report = InitReport::default();
    for (path, contents) in samples {
        if existing {
            if path.exists() {
                report.kept.push(path);
            } else {
                report.skipped.push(path);
            }
        } else if create_new(&path, &contents)? {
            report.created.push(path);
        } else {
            report.kept.push(path);
        }
    }
    // The schema associations for taplo (Even Better TOML): editors without `launchcheck lsp`
    // still complete and check keys, even in a file that lacks its `#:schema` line. Written
    // when missing, also into an existing repository; an edited copy is the user's.
    let taplo = dir.join(".taplo.toml");
    if create_new(&taplo, TAPLO)? {
        report.created.push(taplo);
    } else {
        report.kept.push(taplo);
    }
    for kind in Kind::ALL {
        let path = dir.join(".launchcheck/schemas").join(schema_file(kind));
        let contents = crate::schema::text(kind);
        if create_new(&path, contents)? {
            report.created.push(path);
            continue;
        }
        match fs::read(&path) {
            Ok(old) if old == contents.as_bytes() => report.kept.push(path),
            // An older (or edited) copy would make editors complete keys this version
            // rejects, or miss ones it accepts.
            _ => {
                fs::write(&path, contents)
                    .map_err(|e| Error::io(format!("cannot write `{}`", path.display()), e))?;
                report.updated.push(path);
            }
        }
    }
    Ok(report)
}

/// A TOML basic string.
fn toml_string(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}

fn schema_file(kind: Kind) -> String {
    format!("{}.schema.json", kind.name())
}

/// The kinds `launchcheck new` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NewKind {
    Launch,
    Plan,
    Incident,
}

impl NewKind {
    fn prefix(self) -> &'static str {
        match self {
            NewKind::Launch => "LR",
            NewKind::Plan => "RP",
            NewKind::Incident => "INC",
        }
    }

    fn dir(self) -> &'static str {
        match self {
            NewKind::Launch => "launches",
            NewKind::Plan => "plans",
            NewKind::Incident => "incidents",
        }
    }

    fn kind(self) -> Kind {
        match self {
            NewKind::Launch => Kind::LaunchRequest,
            NewKind::Plan => Kind::ResponsePlan,
            NewKind::Incident => Kind::Incident,
        }
    }
}

/// Where `new` writes: a file, or standard output (`--out -`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    File(PathBuf),
    Stdout,
}

/// A document `new` prepared.
#[derive(Debug)]
pub struct NewDocument {
    pub id: String,
    pub destination: Destination,
    pub text: String,
}

/// Whether a string is a valid document id (`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`).
pub fn is_valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && id.len() <= 64
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// The next free id of the form `LR-2026-0007` among the files under `dir`.
fn next_id(kind: NewKind, dir: &Path, year: i16) -> String {
    let stem = format!("{}-{year}-", kind.prefix());
    let highest = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_str()?.to_owned();
            name.strip_suffix(".toml")?
                .strip_prefix(&stem)?
                .parse::<u32>()
                .ok()
        })
        .max()
        .unwrap_or(0);
    format!("{stem}{:04}", highest.saturating_add(1))
}

/// The file under `root` that declares a document of `kind` with this `id`, if any (the
/// archive included: an archived record keeps its id).
fn document_with_id(root: &Path, kind: Kind, id: &str) -> Option<PathBuf> {
    let quoted = format!("\"{id}\"");
    walkdir::WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || (e.file_name() != ".git" && e.file_name() != "target"))
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "toml"))
        .find(|e| {
            let Ok(text) = std::fs::read_to_string(e.path()) else {
                return false;
            };
            if !text.contains(&quoted) {
                return false;
            }
            let Ok(table) = text.parse::<toml::Table>() else {
                return false;
            };
            table.get("kind").and_then(|k| k.as_str()) == Some(kind.name())
                && table.get("id").and_then(|v| v.as_str()) == Some(id)
        })
        .map(|e| {
            e.path()
                .strip_prefix(root)
                .unwrap_or(e.path())
                .to_path_buf()
        })
}

/// Prepares a new document for `new`: its id (given or the next free one), where it goes
/// (given, or `launches/ID.toml` / `plans/ID.toml` under `root`) and its text.
pub fn new_document(
    kind: NewKind,
    id: Option<&str>,
    out: Option<&Path>,
    root: &Path,
    now: Timestamp,
) -> Result<NewDocument> {
    let dates = Dates::at(now);
    let id = match id {
        Some(id) if is_valid_id(id) => id.to_owned(),
        Some(id) => {
            return Err(Error::new(format!("`{id}` is not a valid id")).help(
                "an id is a letter or digit, then up to 63 letters, digits, `.`, `_` or `-`",
            ))
        }
        None => next_id(kind, &root.join(kind.dir()), dates.today.year()),
    };
    if let Some(existing) = document_with_id(root, kind.kind(), &id) {
        return Err(Error::new(format!(
            "a {} with the id `{id}` already exists in `{}`",
            kind.kind().name(),
            existing.display()
        ))
        .help(
            "ids are unique per kind: pick another --id, or leave it out to take the next free one",
        ));
    }
    let destination = match out {
        Some(path) if path == Path::new("-") => Destination::Stdout,
        Some(path) => Destination::File(path.to_path_buf()),
        None => Destination::File(root.join(kind.dir()).join(format!("{id}.toml"))),
    };
    let schema = match &destination {
        Destination::File(path) => schema_directive(path, root, kind.kind()),
        Destination::Stdout => None,
    };
    let template = match kind {
        NewKind::Launch => NEW_LAUNCH,
        NewKind::Plan => NEW_PLAN,
        NewKind::Incident => NEW_INCIDENT,
    };
    let mut text = String::new();
    if let Some(schema) = schema {
        text.push_str(&format!("#:schema {schema}\n"));
    }
    text.push_str(&dates.fill(template).replace("{ID}", &id));
    Ok(NewDocument {
        id,
        destination,
        text,
    })
}

/// Writes a prepared document; refuses to replace an existing file.
pub fn write_new(document: &NewDocument) -> Result<()> {
    let Destination::File(path) = &document.destination else {
        return Ok(());
    };
    if create_new(path, &document.text)? {
        Ok(())
    } else {
        Err(Error::new(format!(
            "`{}` already exists; launchcheck never overwrites a file",
            path.display()
        ))
        .help("pick another --id or --out"))
    }
}

/// The `#:schema` path from a document at `path` to the schema `init` writes under `root`.
fn schema_directive(path: &Path, root: &Path, kind: Kind) -> Option<String> {
    let absolute = |p: &Path| -> Option<PathBuf> {
        let p = if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir().ok()?.join(p)
        };
        // The file does not exist yet; its directory may not either.
        let mut existing = p.parent()?.to_path_buf();
        let mut rest = Vec::new();
        while !existing.exists() {
            rest.push(existing.file_name()?.to_owned());
            existing = existing.parent()?.to_path_buf();
        }
        let mut resolved = existing.canonicalize().ok()?;
        resolved.extend(rest.iter().rev());
        Some(resolved)
    };
    let dir = absolute(path)?;
    let root = root.canonicalize().ok()?;
    let depth = dir.strip_prefix(&root).ok()?.components().count();
    Some(format!(
        "{}.launchcheck/schemas/{}",
        "../".repeat(depth),
        schema_file(kind)
    ))
}

/// What `hook install` did.
#[derive(Debug)]
pub struct HookReport {
    pub path: PathBuf,
    /// Whether a hook written by an earlier `hook install` was replaced.
    pub replaced: bool,
}

/// The hook script: `launchcheck check --staged`, from the launch repository's root.
fn hook_script(root_in_work_tree: &str) -> String {
    let root = if root_in_work_tree.is_empty() {
        String::new()
    } else {
        format!(" --root '{}'", root_in_work_tree.replace('\'', r"'\''"))
    };
    format!(
        "#!/bin/sh\n\
         {HOOK_MARKER}: written by `launchcheck hook install`, which may replace it.\n\
         # Checks what the commit records (the index), not the work tree. Skip once with\n\
         # `git commit --no-verify`.\n\
         if ! command -v launchcheck >/dev/null 2>&1; then\n    \
             echo 'launchcheck: not found on PATH; install it, or commit with --no-verify' >&2\n    \
             exit 1\n\
         fi\n\
         exec launchcheck check --staged --allow-empty{root}\n"
    )
}

/// Writes `.git/hooks/pre-commit` (or into `core.hooksPath`) for the repository holding
/// `root`. Refuses to replace a hook that `hook install` did not write.
pub fn install_hook(root: &Path) -> Result<HookReport> {
    let (hooks, workdir) = crate::git::hooks_dir(root)?;
    let root = root
        .canonicalize()
        .map_err(|e| Error::io(format!("cannot open `{}`", root.display()), e))?;
    let workdir = workdir.canonicalize().unwrap_or(workdir);
    let relative = root
        .strip_prefix(&workdir)
        .ok()
        .and_then(Path::to_str)
        .unwrap_or_default()
        .replace('\\', "/");
    let path = hooks.join("pre-commit");
    let foreign = || {
        Error::new(format!(
            "`{}` already exists and was not written by launchcheck; it is left as it is",
            path.display()
        ))
        .help("add `launchcheck check --staged` to that hook yourself, or remove it and run `launchcheck hook install` again")
    };
    let replaced = match fs::read(&path) {
        Ok(existing) => {
            if !String::from_utf8_lossy(&existing).contains(HOOK_MARKER) {
                return Err(foreign());
            }
            true
        }
        // A dangling link is another tool's hook (its target not written yet): writing here
        // would create that target, outside the repository.
        Err(e) if e.kind() == io::ErrorKind::NotFound && fs::symlink_metadata(&path).is_ok() => {
            return Err(foreign())
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => false,
        Err(e) => return Err(Error::io(format!("cannot read `{}`", path.display()), e)),
    };
    fs::create_dir_all(&hooks).map_err(|e| {
        Error::io(
            format!("cannot create the directory `{}`", hooks.display()),
            e,
        )
    })?;
    fs::write(&path, hook_script(&relative))
        .map_err(|e| Error::io(format!("cannot write `{}`", path.display()), e))?;
    make_executable(&path)?;
    Ok(HookReport { path, replaced })
}

#[cfg(unix)]
fn make_executable(path: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(0o755))
        .map_err(|e| Error::io(format!("cannot make `{}` executable", path.display()), e))
}

#[cfg(not(unix))]
fn make_executable(_path: &Path) -> Result<()> {
    Ok(())
}

/// `.taplo.toml`: which schema each of the default include globs' files follows.
const TAPLO: &str = r##"# Schema associations for taplo / Even Better TOML, written by `launchcheck init`: keys
# are completed and checked as you type even without `launchcheck lsp`. Adjust the globs
# if you changed `[files]` in launchcheck.toml.

[[rule]]
include = ["launches/**/*.toml"]
[rule.schema]
path = ".launchcheck/schemas/launch-request.schema.json"

[[rule]]
include = ["plans/**/*.toml"]
[rule.schema]
path = ".launchcheck/schemas/response-plan.schema.json"

[[rule]]
include = ["people.toml"]
[rule.schema]
path = ".launchcheck/schemas/roster.schema.json"

[[rule]]
include = ["policies/**/*.toml"]
[rule.schema]
path = ".launchcheck/schemas/policy.schema.json"

[[rule]]
include = ["launchcheck.toml"]
[rule.schema]
path = ".launchcheck/schemas/config.schema.json"
"##;

const CONFIG: &str = r##"#:schema .launchcheck/schemas/config.schema.json
# launchcheck configuration. Every key is optional; the values below are the defaults.

[files]
include = ["launches/**/*.toml", "plans/**/*.toml", "incidents/**/*.toml"]
exclude = []
roster = "people.toml"           # a missing roster turns the people rules (LC3xx) off
policies = ["policies/*.toml"]   # merged over the embedded default (`launchcheck policy --default`)
max_file_bytes = 1048576

[time]
timezone = {TIMEZONE}           # how bare dates are placed in time: an IANA name or "+08:00"
"##;

const POLICY: &str = r##"#:schema ../.launchcheck/schemas/policy.schema.json
# The organisation's policy, merged key by key over the embedded default
# (`launchcheck policy --default` prints it). State only what differs, for example:
#
#   [rules.drill-recency]
#   max_age_days = 90
#
#   [[freeze]]
#   name = "Year-end freeze"
#   start = 2026-12-20T00:00:00+08:00
#   end = 2027-01-04T00:00:00+08:00
#   allow = ["emergency"]
kind = "policy"
"##;

/// An organisation rule to start from: conftest's conventions, plus a `path` so the finding
/// points at the exact key.
const EXAMPLE_RULE: &str = r##"# An organisation rule, in Rego (the language of OPA and conftest). launchcheck runs every
# `deny*`, `violation*` (errors) and `warn*` (warnings) rule of every package in
# policies/*.rego on each launch request and response plan; `input` is the document.
# This one is named `ticket/missing-ticket`; give it a code and a summary in
# policies/org.toml under [custom."ticket/missing-ticket"]. Test it with
# `launchcheck policy test` (see ticket_test.rego).
package ticket

import rego.v1

# High-risk launches name their change ticket in the extension key `x-ticket`.
deny_missing_ticket contains result if {
	input.kind == "launch-request"
	input.risk in {"high", "critical"}
	not input["x-ticket"]
	result := {
		"msg": sprintf("the %s-risk launch %s names no change ticket", [input.risk, input.id]),
		# Where the finding points: a key path into the document (the nearest existing
		# parent when the key is missing).
		"path": ["x-ticket"],
		"help": "add `x-ticket = \"CHG-1234\"` at the top of the file",
	}
}
"##;

const EXAMPLE_RULE_TEST: &str = r##"# Tests for ticket.rego: `launchcheck policy test` runs every `test_*` rule here.
package ticket_test

import rego.v1

import data.ticket

high := {"kind": "launch-request", "id": "LR-1", "risk": "high"}

test_high_risk_without_ticket_is_denied if {
	count(ticket.deny_missing_ticket) == 1 with input as high
}

test_a_ticket_satisfies_it if {
	count(ticket.deny_missing_ticket) == 0 with input as object.union(high, {"x-ticket": "CHG-1"})
}

test_low_risk_needs_none if {
	count(ticket.deny_missing_ticket) == 0 with input as object.union(high, {"risk": "low"})
}
"##;

const ROSTER: &str = r##"#:schema .launchcheck/schemas/roster.schema.json
# Who may appear in launch requests and plans, which approval roles each may sign, and how
# the people who hold plan roles are reached (verify phones and pagers every 180 days).
kind = "roster"

[people.alice]
name = "Alice Example"
email = "alice@example.com"
teams = ["example"]

[people.bob]
name = "Bob Example"
phone = "+1 555 0100 01"
contact_verified_on = {YESTERDAY}
email = "bob@example.com"
teams = ["example"]

[people.carol]
name = "Carol Example"
email = "carol@example.com"
teams = ["example"]
can_approve = ["service-owner", "ops"]

[people.dave]
name = "Dave Example"
phone = "+1 555 0100 02"
contact_verified_on = {YESTERDAY}
teams = ["sre"]

[people.erin]
name = "Erin Example"
phone = "+1 555 0100 03"
contact_verified_on = {YESTERDAY}
teams = ["sre"]
can_approve = ["ops"]

[people.frank]
name = "Frank Example"
phone = "+1 555 0100 04"
contact_verified_on = {YESTERDAY}
teams = ["example"]

[people.gina]
name = "Gina Example"
phone = "+1 555 0100 05"
contact_verified_on = {YESTERDAY}
teams = ["support"]

[people.hank]
name = "Hank Example"
phone = "+1 555 0100 06"
contact_verified_on = {YESTERDAY}
teams = ["support"]

[people.quinn]
name = "Quinn Example"
teams = ["qa"]
can_approve = ["qa"]
"##;

const SAMPLE_LAUNCH: &str = r##"#:schema ../.launchcheck/schemas/launch-request.schema.json
# A sample launch request (dates were set when `launchcheck init` ran).
# `launchcheck new launch` writes a fresh one.
kind = "launch-request"
id = "LR-EXAMPLE-0001"
title = "Example API 1.1.0"
services = ["example-api"]
version = "1.1.0"
environment = "production"
change_type = "normal"           # standard | normal | emergency
risk = "medium"                  # low | medium | high | critical
status = "submitted"             # draft | submitted | approved | rejected | launched | rolled-back | cancelled
requester = "alice"
owner = "bob"
submitted_at = {YESTERDAY}T09:00:00Z
response_plan = "RP-example"
summary = "Add the /v2/orders endpoint"
impact = "Clients of example-api; no downtime expected"

[window]                         # datetimes carry a UTC offset; the window is [start, end)
start = {LAUNCH}T02:00:00Z
end = {LAUNCH}T04:00:00Z

[rollout]
strategy = "canary"
stages = [5, 50, 100]

[[steps]]
action = "Deploy 1.1.0 to the canary pool"
owner = "bob"
minutes = 20

[[steps]]
action = "Promote 1.1.0 to every pool"
owner = "bob"
minutes = 30

[rollback]
steps = ["Redeploy 1.0.4", "Check that the error rate is back to normal"]
minutes = 15
owner = "bob"
tested_on = {YESTERDAY}
triggers = ["5xx rate > 2% for 5 min"]

[testing]
passed = true
report = "https://ci.example.com/runs/1"
signed_off_by = "quinn"

[[verification]]
check = "p99 latency < 300 ms on /v2/orders"
rollback_if = "p99 > 800 ms for 10 min"

[communication]
announced_at = {YESTERDAY}T10:00:00Z
channels = ["#example-launches"]
notify = ["customer-support"]

[[approvals]]
role = "service-owner"
by = "carol"
at = {YESTERDAY}T11:00:00Z
decision = "approved"
"##;

const SAMPLE_PLAN: &str = r##"#:schema ../.launchcheck/schemas/response-plan.schema.json
# A sample emergency response plan (dates were set when `launchcheck init` ran).
kind = "response-plan"
id = "RP-example"
title = "Example API emergency response plan"
services = ["example-api"]
owner = "bob"
reviewed_on = {YESTERDAY}
rto_minutes = 60                  # recovery time objective: back within an hour
rpo_minutes = 15                  # recovery point objective: lose at most 15 minutes of data

[roles.incident-commander]
primary = "dave"
backup = "erin"

[roles.tech-lead]
primary = "bob"
backup = "frank"

[roles.communications]
primary = "gina"
backup = "hank"

[[severity]]
level = "sev1"
criteria = "example-api is down or fails more than 5% of requests"
respond_within_minutes = 15
update_every_minutes = 30
notify = ["incident-commander", "tech-lead", "communications"]

[[severity]]
level = "sev2"
criteria = "example-api is degraded for some clients"
respond_within_minutes = 30
update_every_minutes = 60
notify = ["incident-commander", "tech-lead"]

[[severity]]
level = "sev3"
criteria = "A minor fault with a workaround"
respond_within_minutes = 240
notify = ["tech-lead"]

[[escalation]]
after_minutes = 5
to = "erin"

[[escalation]]
after_minutes = 15
to = "carol"

[procedure]
identify = ["An alert fires on the error rate or latency of example-api"]
report = ["Page the incident commander"]
respond = ["Stop deploys", "Roll back the last launch if it is the cause"]
analyze = ["Collect traces and logs; find the root cause"]
remediate = ["Ship the fix or keep the rollback"]
review = ["Blameless postmortem within 5 business days"]

[[drills]]
date = {YESTERDAY}
type = "tabletop"
scenario = "Primary database failover"
outcome = "passed"
participants = ["dave", "erin", "gina"]
report = "https://wiki.example.com/drills/example"
"##;

const NEW_LAUNCH: &str = r##"# Fill in every TODO, then `launchcheck check`. Bare dates are whole days in [time].timezone.
kind = "launch-request"
id = "{ID}"
title = "TODO: what is launching"
services = ["TODO-service"]
environment = "production"
change_type = "normal"            # standard | normal | emergency
risk = "medium"                   # low | medium | high | critical: decides which rules apply
status = "draft"                  # draft → submitted → approved → launched (→ rolled-back)
requester = "TODO-handle"         # a person of people.toml
owner = "TODO-handle"
response_plan = "TODO-plan-id"
summary = "TODO: what changes"
impact = "TODO: who and what is affected"
# submitted_at = {TODAY}T09:00:00Z   # set when the status becomes submitted

[window]                          # datetimes carry a UTC offset; the window is [start, end)
start = {LAUNCH}T02:00:00Z
end = {LAUNCH}T04:00:00Z

[rollout]
strategy = "canary"               # all-at-once | canary | phased | blue-green

[[steps]]
action = "TODO: the first step"
owner = "TODO-handle"
minutes = 30

[rollback]
steps = ["TODO: how to undo the change"]
minutes = 15
owner = "TODO-handle"
triggers = ["TODO: when to roll back"]
# tested_on = {TODAY}              # the last rehearsal of these steps

[testing]
passed = false
# report = "https://ci.example.com/runs/TODO"
# signed_off_by = "TODO-handle"

[[verification]]
check = "TODO: how to tell that the launch works"
rollback_if = "TODO: what makes you roll back"

[communication]
channels = ["#TODO"]
# announced_at = {TODAY}T10:00:00Z

# Approvers add themselves:
# [[approvals]]
# role = "service-owner"
# by = "TODO-handle"
# at = {TODAY}T10:00:00Z
# decision = "approved"
"##;

const NEW_PLAN: &str = r##"# Fill in every TODO, then `launchcheck check`.
kind = "response-plan"
id = "{ID}"
title = "TODO: service name emergency response plan"
services = ["TODO-service"]
owner = "TODO-handle"
reviewed_on = {TODAY}
rto_minutes = 60                  # TODO: recovery time objective, minutes
rpo_minutes = 15                  # TODO: recovery point objective, minutes

[roles.incident-commander]        # role name → holders; the policy says which roles are required
primary = "TODO-handle"
backup = "TODO-other-handle"

[roles.tech-lead]
primary = "TODO-handle"
backup = "TODO-other-handle"

[roles.communications]
primary = "TODO-handle"
backup = "TODO-other-handle"

[[severity]]
level = "sev1"
criteria = "TODO: what makes an incident sev1"
respond_within_minutes = 15
update_every_minutes = 30
notify = ["incident-commander", "tech-lead", "communications"]

[[severity]]
level = "sev2"
criteria = "TODO"
respond_within_minutes = 30
notify = ["incident-commander", "tech-lead"]

[[severity]]
level = "sev3"
criteria = "TODO"
respond_within_minutes = 240
notify = ["tech-lead"]

[[escalation]]
after_minutes = 5
to = "TODO-handle"

[procedure]
identify = ["TODO: how an incident is noticed"]
report = ["TODO: who is told, how"]
respond = ["TODO: first actions"]
analyze = ["TODO: how the cause is found"]
remediate = ["TODO: how it is fixed"]
review = ["TODO: the postmortem"]

# Record each exercise of the plan:
# [[drills]]
# date = {TODAY}
# type = "tabletop"               # tabletop | walkthrough | simulation | game-day | full-scale
# scenario = "TODO"
# outcome = "passed"              # passed | partial | failed
"##;

const NEW_INCIDENT: &str = r##"# Fill in every TODO while the incident goes on; `launchcheck check` says what is missing.
kind = "incident"
id = "{ID}"
title = "TODO: what users see"
services = ["TODO-service"]
severity = "sev2"                 # a level of the response plan: sev1 | sev2 | sev3 | sev4
status = "open"                   # open → mitigated → resolved → closed
response_plan = "TODO-plan-id"
# caused_by = ["LR-TODO"]         # the launches that caused it, if any
detected_at = {TODAY}T09:00:00Z   # datetimes carry a UTC offset
# acknowledged_at = {TODAY}T09:05:00Z
# mitigated_at = {TODAY}T09:30:00Z
# resolved_at = {TODAY}T10:00:00Z # required once the status is resolved or closed
data_breach = false               # true: legal counsel and a regulator notification are due

[roles]                           # who actually holds the plan's roles
incident-commander = "TODO-handle"
tech-lead = "TODO-handle"
communications = "TODO-handle"

[[timeline]]                      # identify → report → respond → analyze → remediate → review
at = {TODAY}T09:00:00Z
phase = "identify"
what = "TODO: how the incident was noticed"
by = "TODO-handle"

# External notifications (regulator, customers):
# [[notifications]]
# to = "regulator"
# at = {TODAY}T12:00:00Z

# After it is resolved, the review (复盘):
# [postmortem]
# held_on = {TODAY}
# report = "https://wiki.example.com/pm/TODO"
# root_cause = "TODO"
# [[postmortem.actions]]
# action = "TODO"
# owner = "TODO-handle"
# due = {LAUNCH}
# done = false
"##;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_follow_the_schema_pattern() {
        assert!(is_valid_id("LR-2026-0001"));
        assert!(is_valid_id("rp.payments_2"));
        assert!(!is_valid_id("-LR"));
        assert!(!is_valid_id(""));
        assert!(!is_valid_id("LR 1"));
        assert!(!is_valid_id(&"a".repeat(65)));
    }

    #[test]
    fn hook_script_quotes_the_root() {
        let script = hook_script("ops/it's");
        assert!(script.contains(HOOK_MARKER));
        assert!(script.contains(r"--root 'ops/it'\''s'"));
        assert!(hook_script("").ends_with("check --staged --allow-empty\n"));
    }
}

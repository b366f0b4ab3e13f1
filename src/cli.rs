//! The command line: argument parsing (clap derive), dispatch, output destinations, colour
//! and exit codes (0 clean, 1 findings, 2 the tool could not do its job).

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::check::{self, Options};
use crate::document::Kind;
use crate::emit::{self, Format, Style};
use crate::error::Error;

#[derive(Parser, Debug)]
#[command(
    name = "launchcheck",
    version,
    about = "Check launch requests and response plans against schemas and policy",
    long_about = None,
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Check the repository, or only these files (with the whole repository as context)
    Check(CheckArgs),
    /// Explain a rule, or list all rules
    Rule(RuleArgs),
    /// Print an embedded JSON Schema
    Schema {
        /// launch-request, response-plan, roster, policy or config
        kind: String,
    },
    /// Print the effective policy (or the embedded default)
    Policy(PolicyArgs),
    /// Scaffold a launch repository (never overwrites your files; brings its schemas up to date)
    Init(InitArgs),
    /// Write a new launch request or response plan from a template (never overwrites)
    New(NewArgs),
    /// Manage the plain git pre-commit hook
    Hook {
        #[command(subcommand)]
        action: HookAction,
    },
    /// The schedule as iCalendar (RFC 5545): launch windows, freezes and deadlines
    Calendar(CalendarArgs),
    /// What falls due or turns into a finding within the horizon, soonest first
    Due(DueArgs),
    /// A language server over stdio for editors: the same findings as `check` as you type
    Lsp(RepoArgs),
}

/// Where the repository is and when "now" is, for the schedule commands.
#[derive(Args, Debug)]
struct RepoArgs {
    /// Repository root (default: directory of launchcheck.toml, else git top level, else cwd)
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
    /// Configuration file
    #[arg(long, value_name = "FILE", env = "LAUNCHCHECK_CONFIG")]
    config: Option<PathBuf>,
    /// Reference time: RFC 3339 with an offset, or a date
    #[arg(long, value_name = "TIME", env = "LAUNCHCHECK_NOW")]
    now: Option<String>,
}

impl RepoArgs {
    fn options(self) -> Options {
        Options {
            root: self.root,
            config: self.config,
            now: self.now,
            ..Options::default()
        }
    }
}

#[derive(Args, Debug)]
struct CalendarArgs {
    #[command(flatten)]
    repo: RepoArgs,
    /// Only events on or after this date (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    from: Option<String>,
    /// Only events on or before this date (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    to: Option<String>,
    /// Write the calendar to FILE instead of standard output
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Args, Debug)]
struct DueArgs {
    #[command(flatten)]
    repo: RepoArgs,
    /// How far ahead to look: days, as `30d` or `30`
    #[arg(long, value_name = "DAYS", default_value = "30d")]
    within: String,
    /// Output format
    #[arg(short = 'f', long = "format", value_enum, default_value_t = DueFormat::Text)]
    format: DueFormat,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum DueFormat {
    Text,
    Json,
    Markdown,
}

#[derive(Args, Debug)]
struct InitArgs {
    /// Directory to scaffold (default: the working directory)
    dir: Option<PathBuf>,
    /// Date the sample documents relative to this time (RFC 3339 or a date)
    #[arg(long, value_name = "TIME", env = "LAUNCHCHECK_NOW")]
    now: Option<String>,
}

#[derive(Args, Debug)]
struct NewArgs {
    /// What to write
    #[arg(value_enum)]
    kind: NewKindArg,
    /// The document's id (default: the next free LR-YEAR-NNNN, RP-YEAR-NNNN or INC-YEAR-NNNN)
    #[arg(long, value_name = "ID")]
    id: Option<String>,
    /// Where to write it (default: launches/, plans/ or incidents/ID.toml; `-` for standard output)
    #[arg(long, value_name = "PATH")]
    out: Option<PathBuf>,
    /// Repository root (default: directory of launchcheck.toml, else git top level, else cwd)
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
    /// Date the template relative to this time (RFC 3339 or a date)
    #[arg(long, value_name = "TIME", env = "LAUNCHCHECK_NOW")]
    now: Option<String>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum NewKindArg {
    Launch,
    Plan,
    Incident,
}

#[derive(Subcommand, Debug)]
enum HookAction {
    /// Write .git/hooks/pre-commit running `launchcheck check --staged` (refuses to replace
    /// a hook it did not write)
    Install {
        /// Repository root (default: directory of launchcheck.toml, else git top level, else cwd)
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
    },
}

#[derive(Args, Debug)]
struct CheckArgs {
    /// Files to report on (the whole repository is still loaded for cross-file rules)
    paths: Vec<PathBuf>,
    /// Repository root (default: directory of launchcheck.toml, else git top level, else cwd)
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
    /// Configuration file
    #[arg(long, value_name = "FILE", env = "LAUNCHCHECK_CONFIG")]
    config: Option<PathBuf>,
    /// Reference time: RFC 3339 with an offset, or a date
    #[arg(long, value_name = "TIME", env = "LAUNCHCHECK_NOW")]
    now: Option<String>,
    /// Output format, optionally to a file (repeatable): full, concise, json, sarif, github,
    /// junit, markdown, html
    #[arg(
        short = 'f',
        long = "format",
        value_name = "FMT[=PATH]",
        env = "LAUNCHCHECK_FORMAT",
        value_delimiter = ','
    )]
    format: Vec<String>,
    /// Report only these rules: names, codes or code prefixes, comma-separated
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    select: Vec<String>,
    /// Do not report these rules: names, codes or code prefixes, comma-separated
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    ignore: Vec<String>,
    /// Matching no launch request or response plan is not an error
    #[arg(long)]
    allow_empty: bool,
    /// Warnings count as errors for the exit code
    #[arg(long)]
    deny_warnings: bool,
    /// Exit 0 even when there are errors (still 2 when the tool fails)
    #[arg(long)]
    exit_zero: bool,
    /// When to use colour
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    /// No summary line
    #[arg(short, long)]
    quiet: bool,
    /// Pull-request mode: report on files changed since merge-base(REV, HEAD), run the
    /// LC4xx rules, and read policy, roster and config from REV
    #[arg(long, value_name = "REV", conflicts_with_all = ["rev", "staged"])]
    base: Option<String>,
    /// In --base mode, use the pull request's own policy, roster and config (warns)
    #[arg(long, requires = "base")]
    policy_from_head: bool,
    /// With --base or --staged, also report findings in unchanged files
    #[arg(long)]
    all: bool,
    /// Check the tree of a commit instead of the work tree (no checkout)
    #[arg(long, value_name = "REV", conflicts_with = "staged")]
    rev: Option<String>,
    /// Check what the git index holds (what a commit would record): report on the files that
    /// differ from HEAD and run the LC4xx rules against HEAD, with HEAD's policy, roster and
    /// config
    #[arg(long)]
    staged: bool,
    /// Worker threads (default: all cores)
    #[arg(long, value_name = "N")]
    jobs: Option<usize>,
}

#[derive(Args, Debug)]
struct RuleArgs {
    /// Rule name or code; without one, the rules are listed one per line
    name: Option<String>,
    /// Print every rule's full explanation
    #[arg(long)]
    all: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t = RuleFormat::Text)]
    format: RuleFormat,
    /// Repository root whose organisation rules (policies/*.rego) are listed too
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
    /// Configuration file
    #[arg(long, value_name = "FILE", env = "LAUNCHCHECK_CONFIG")]
    config: Option<PathBuf>,
}

#[derive(Args, Debug)]
struct PolicyArgs {
    /// Print the embedded default policy instead of the effective one
    #[arg(long)]
    default: bool,
    /// Repository root
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
    /// Configuration file
    #[arg(long, value_name = "FILE", env = "LAUNCHCHECK_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    action: Option<PolicyAction>,
}

#[derive(Subcommand, Debug)]
enum PolicyAction {
    /// Run the organisation rules' tests (`test_*` rules in `*_test.rego`)
    Test {
        /// Directory holding the rules and their tests (default: the `[files].rego` globs)
        dir: Option<PathBuf>,
        /// Also list the lines of the rules that no test reached
        #[arg(long)]
        coverage: bool,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum RuleFormat {
    Text,
    Json,
    Markdown,
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let code = if error.use_stderr() { 2 } else { 0 };
            let _ = error.print();
            return ExitCode::from(code);
        }
    };
    let result = match cli.command {
        Command::Check(args) => run_check(args),
        Command::Rule(args) => run_rule(args),
        Command::Schema { kind } => run_schema(&kind),
        Command::Policy(args) => run_policy(args),
        Command::Init(args) => run_init(args),
        Command::New(args) => run_new(args),
        Command::Hook {
            action: HookAction::Install { root },
        } => run_hook_install(root),
        Command::Calendar(args) => run_calendar(args),
        Command::Due(args) => run_due(args),
        Command::Lsp(args) => crate::lsp::serve(&args.options()),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(error) if is_broken_pipe(&error) => ExitCode::from(0),
        Err(error) => {
            report_error(&error);
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(error: &Error) -> bool {
    error.causes.iter().any(|c| c.contains("Broken pipe"))
}

fn report_error(error: &Error) {
    let color = use_color(ColorChoice::Auto, io::stderr().is_terminal());
    let mut stderr = io::stderr().lock();
    if let Some((files, findings)) = &error.diagnostics {
        let style = Style {
            color,
            quiet: true,
            width: width(),
        };
        let _ = stderr.write_all(emit::full::render(files, findings, style).as_bytes());
    }
    let _ = writeln!(stderr, "error: {error}");
}

fn use_color(choice: ColorChoice, is_terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
            if set("NO_COLOR") {
                false
            } else if std::env::var_os("CLICOLOR_FORCE").is_some_and(|v| !v.is_empty() && v != "0")
            {
                true
            } else if std::env::var_os("TERM").is_some_and(|t| t == "dumb") {
                false
            } else {
                is_terminal
            }
        }
    }
}

fn width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|w: &usize| *w >= 40)
        .unwrap_or(100)
}

/// Output destinations from `-f FMT[=PATH]`.
fn parse_formats(specs: &[String]) -> Result<Vec<(Format, Option<PathBuf>)>, Error> {
    if specs.is_empty() {
        return Ok(vec![(Format::Full, None)]);
    }
    specs
        .iter()
        .filter(|s| !s.trim().is_empty())
        .map(|spec| {
            let (name, path) = match spec.split_once('=') {
                Some((name, path)) => (name.trim(), Some(PathBuf::from(path))),
                None => (spec.trim(), None),
            };
            let format = Format::parse(name).ok_or_else(|| {
                Error::new(format!("unknown output format `{name}`"))
                    .help(format!("use one of: {}", Format::NAMES.join(", ")))
            })?;
            Ok((format, path))
        })
        .collect()
}

fn run_check(args: CheckArgs) -> Result<u8, Error> {
    if let Some(jobs) = args.jobs.filter(|j| *j > 0) {
        // Only fails when a pool already exists, which cannot happen this early.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(jobs)
            .build_global();
    }
    if args.all && args.base.is_none() && !args.staged {
        return Err(Error::new("--all goes with --base or --staged")
            .help("without them every file is reported already; drop --all"));
    }
    let formats = parse_formats(&args.format)?;
    let options = Options {
        root: args.root,
        config: args.config,
        now: args.now,
        paths: args.paths,
        select: args
            .select
            .into_iter()
            .filter(|s| !s.trim().is_empty())
            .collect(),
        ignore: args
            .ignore
            .into_iter()
            .filter(|s| !s.trim().is_empty())
            .collect(),
        allow_empty: args.allow_empty,
        base: args.base,
        policy_from_head: args.policy_from_head,
        all: args.all,
        rev: args.rev,
        staged: args.staged,
        exits_after: true,
        schedule: formats
            .iter()
            .any(|(f, _)| matches!(f, Format::Markdown | Format::Html)),
    };
    if options.policy_from_head {
        warn(
            "--policy-from-head: this run uses the pull request's own policy, roster and \
             configuration, so the change can loosen the rules it is judged by",
        );
    }
    let report = check::run(&options)?;
    let context = run_context(&options, args.deny_warnings, &formats);
    let stdout_is_terminal = io::stdout().is_terminal();
    for (format, path) in &formats {
        let style = Style {
            color: path.is_none() && use_color(args.color, stdout_is_terminal),
            quiet: args.quiet,
            width: width(),
        };
        match path {
            None => {
                // Standard output is line-buffered; a report of thousands of lines would
                // otherwise cost a system call per line.
                let mut stdout = io::BufWriter::with_capacity(1 << 16, io::stdout().lock());
                emit::emit_in(*format, &report, style, &context, &mut stdout)
                    .and_then(|_| stdout.flush())
                    .map_err(|e| Error::io("cannot write the report", e))?;
            }
            Some(path) => {
                let mut buffer = Vec::new();
                emit::emit_in(*format, &report, style, &context, &mut buffer)
                    .map_err(|e| Error::io("cannot render the report", e))?;
                std::fs::write(path, buffer).map_err(|e| {
                    Error::io(
                        format!("cannot write the report to `{}`", path.display()),
                        e,
                    )
                })?;
            }
        }
    }
    // A run that writes only files would otherwise look silent in a terminal.
    if !args.quiet && formats.iter().all(|(_, path)| path.is_some()) {
        let line = emit::summary_line_in(&report, &context);
        let _ = writeln!(io::stderr().lock(), "{line}");
    }
    let totals = report.totals();
    let failing = totals.errors > 0 || (args.deny_warnings && totals.warnings > 0);
    // The process ends right after this: freeing every file text one by one would only
    // delay the exit, and the operating system takes the memory back at once.
    std::mem::forget(report);
    Ok(if failing && !args.exit_zero { 1 } else { 0 })
}

/// What the CI formats need besides the findings: `--deny-warnings`, the repository and
/// commit (SARIF), and where Markdown links point on GitHub. Git is only asked when a
/// format uses the answer.
fn run_context(
    options: &Options,
    deny_warnings: bool,
    formats: &[(Format, Option<PathBuf>)],
) -> emit::RunContext {
    let mut context = emit::RunContext {
        deny_warnings,
        ..emit::RunContext::default()
    };
    let uses = |wanted: Format| formats.iter().any(|(format, _)| *format == wanted);
    if !uses(Format::Sarif) && !uses(Format::Markdown) {
        return context;
    }
    let Ok(located) = check::locate(options) else {
        return context;
    };
    context.provenance = crate::git::provenance(&located.root, options.rev.as_deref());
    if uses(Format::Markdown) {
        let prefix = context
            .provenance
            .as_ref()
            .map_or("", |p| p.prefix.as_str());
        context.blob_base =
            emit::RunContext::github_blob_base(|name| std::env::var(name).ok(), prefix);
    }
    context
}

fn write_stdout(text: &str) -> Result<u8, Error> {
    let mut stdout = io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush())
        .map_err(|e| Error::io("cannot write to standard output", e))?;
    Ok(0)
}

fn run_rule(args: RuleArgs) -> Result<u8, Error> {
    // Organisation rules are listed and explained like the built-in ones; a repository whose
    // rules cannot be loaded still gets the built-in rules explained.
    if let Err(error) = crate::org_rules::register_from_repository(&Options {
        root: args.root.clone(),
        config: args.config.clone(),
        ..Options::default()
    }) {
        warn(&format!("organisation rules not listed: {error}"));
    }
    let rules: Vec<&'static crate::rules::Rule> = match (&args.name, args.all) {
        (Some(name), _) => vec![crate::rules::find(name).ok_or_else(|| {
            let error = Error::new(format!("no rule is named `{name}`"));
            match crate::rules::suggest(name) {
                Some(s) => error.help(format!("did you mean `{s}`?")),
                None => error.help("`launchcheck rule --all` lists the rules"),
            }
        })?],
        (None, _) => crate::rules::all(),
    };
    let text = match args.format {
        RuleFormat::Json => {
            let items: Vec<serde_json::Value> = rules
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "code": r.code,
                        "name": r.name,
                        "group": r.group.title(),
                        "default_level": r.default_level.as_str(),
                        "waivable": r.is_waivable(),
                        "summary": r.summary(),
                        "explanation": r.doc(),
                    })
                })
                .collect();
            let value = if args.name.is_some() {
                items.into_iter().next().unwrap_or_default()
            } else {
                serde_json::Value::Array(items)
            };
            serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
        }
        // Without a name or `--all`: the catalogue, one line per rule.
        RuleFormat::Text | RuleFormat::Markdown if args.name.is_none() && !args.all => {
            rule_list(&rules, matches!(args.format, RuleFormat::Markdown))
        }
        RuleFormat::Text | RuleFormat::Markdown => {
            let mut out = String::new();
            for (i, r) in rules.iter().enumerate() {
                if i > 0 {
                    out.push_str("\n---\n\n");
                }
                out.push_str(&format!(
                    "# {} {}\n\nGroup: {}. Default level: {}. Waivable: {}.\n\n{}\n",
                    r.code,
                    r.name,
                    r.group.title(),
                    r.default_level.as_str(),
                    if r.is_waivable() { "yes" } else { "no" },
                    r.doc()
                ));
                // The same text, with the rest of the reference around it, on the web.
                out.push_str(&format!("\nReference: {}\n", crate::docs::page_url(r)));
            }
            out
        }
    };
    write_stdout(&text)
}

/// One line per rule: code, name, default level, whether it can be waived, and its summary;
/// a Markdown table with `markdown`.
fn rule_list(rules: &[&crate::rules::Rule], markdown: bool) -> String {
    let waivable = |r: &crate::rules::Rule| if r.is_waivable() { "yes" } else { "no" };
    let mut out = String::new();
    if markdown {
        out.push_str(
            "| code | name | default level | waivable | summary |\n|---|---|---|---|---|\n",
        );
        for r in rules {
            out.push_str(&format!(
                "| {} | `{}` | {} | {} | {} |\n",
                r.code,
                r.name,
                r.default_level.as_str(),
                waivable(r),
                r.summary().replace('|', "\\|")
            ));
        }
        return out;
    }
    let name_width = rules.iter().map(|r| r.name.len()).max().unwrap_or(0);
    for r in rules {
        out.push_str(&format!(
            "{}  {:name_width$}  {:7}  waivable: {:3}  {}\n",
            r.code,
            r.name,
            r.default_level.as_str(),
            waivable(r),
            r.summary()
        ));
    }
    out
}

fn run_schema(kind: &str) -> Result<u8, Error> {
    let kind = Kind::from_name(kind).ok_or_else(|| {
        let names: Vec<_> = Kind::ALL.iter().map(|k| k.name()).collect();
        let error = Error::new(format!("no schema for `{kind}`"));
        match crate::suggest::closest(kind, names.iter().copied()) {
            Some(s) => error.help(format!("did you mean `{s}`?")),
            None => error.help(format!("kinds: {}", names.join(", "))),
        }
    })?;
    write_stdout(crate::schema::text(kind))
}

fn run_policy(args: PolicyArgs) -> Result<u8, Error> {
    if let Some(PolicyAction::Test { dir, coverage }) = args.action {
        let options = Options {
            root: args.root,
            config: args.config,
            ..Options::default()
        };
        let sources = crate::org_rules::testing::sources(&options, dir.as_deref())?;
        let run = crate::org_rules::testing::run(&sources, coverage)?;
        write_stdout(&run.render(coverage))?;
        return Ok(u8::from(run.failed() > 0));
    }
    if args.default {
        return write_stdout(crate::policy::DEFAULT_POLICY);
    }
    let options = Options {
        root: args.root,
        config: args.config,
        ..Options::default()
    };
    let merged = check::effective_policy(&options)?;
    let mut policy = toml::Value::try_from(&merged)
        .map_err(|e| Error::new("cannot print the policy").cause(e))?;
    unquote_freeze_times(&mut policy);
    let text = toml::to_string_pretty(&policy)
        .map_err(|e| Error::new("cannot print the policy").cause(e))?;
    write_stdout(&text)
}

/// Freeze windows are TOML datetimes in policy files; print them as such, not as strings.
fn unquote_freeze_times(policy: &mut toml::Value) {
    let Some(freezes) = policy.get_mut("freeze").and_then(|f| f.as_array_mut()) else {
        return;
    };
    for freeze in freezes {
        for key in ["start", "end"] {
            let Some(value) = freeze.get_mut(key) else {
                continue;
            };
            if let Some(datetime) = value.as_str().and_then(|t| t.parse().ok()) {
                *value = toml::Value::Datetime(datetime);
            }
        }
    }
}

fn warn(message: &str) {
    let _ = writeln!(io::stderr().lock(), "warning: {message}");
}

/// `--now` for the scaffolding commands: the templates' dates are relative to it.
fn scaffold_now(now: Option<&str>) -> Result<jiff::Timestamp, Error> {
    match now {
        Some(text) => crate::time::parse_now(text, &jiff::tz::TimeZone::UTC)
            .map_err(|e| Error::new("invalid --now / LAUNCHCHECK_NOW").cause(e)),
        None => Ok(jiff::Timestamp::now()),
    }
}

/// The system's time zone by its IANA name, for `init`; `None` when the system names none
/// (a POSIX `TZ` rule, an unreadable `/etc/localtime`).
fn system_timezone() -> Option<String> {
    let zone = jiff::tz::TimeZone::try_system().ok()?;
    zone.iana_name().map(str::to_owned)
}

fn run_init(args: InitArgs) -> Result<u8, Error> {
    let dir = args.dir.unwrap_or_else(|| PathBuf::from("."));
    let detected = system_timezone();
    let timezone = detected.as_deref().unwrap_or("UTC");
    let report = crate::scaffold::init(&dir, scaffold_now(args.now.as_deref())?, timezone)?;
    let config_created = report
        .created
        .iter()
        .any(|p| p.ends_with(crate::config::FILE_NAME));
    if config_created && detected.is_none() {
        warn(
            "could not tell the system's time zone by its IANA name; launchcheck.toml says \
             timezone = \"UTC\": set [time].timezone to yours (e.g. \"Asia/Shanghai\" or \"+08:00\")",
        );
    }
    let mut text = String::new();
    for path in &report.created {
        text.push_str(&format!("created {}\n", path.display()));
    }
    if config_created && detected.is_some() {
        text.push_str(&format!(
            "        [time].timezone = \"{timezone}\" (the system's time zone; bare dates are days there)\n"
        ));
    }
    for path in &report.updated {
        text.push_str(&format!(
            "updated {} (it differed from this launchcheck's schema)\n",
            path.display()
        ));
    }
    for path in &report.kept {
        let why = if path.starts_with(dir.join(".launchcheck/schemas")) {
            "it is up to date"
        } else {
            "it exists; launchcheck never overwrites a file"
        };
        text.push_str(&format!("kept    {} ({why})\n", path.display()));
    }
    for path in &report.skipped {
        text.push_str(&format!(
            "skipped {} (the repository exists; init writes samples only into a new one)\n",
            path.display()
        ));
    }
    text.push_str(&format!(
        "next: run `launchcheck check` in {}, then replace the samples with real documents\n",
        dir.display()
    ));
    write_stdout(&text)
}

fn run_new(args: NewArgs) -> Result<u8, Error> {
    let located = check::locate(&Options {
        root: args.root,
        ..Options::default()
    })?;
    let kind = match args.kind {
        NewKindArg::Launch => crate::scaffold::NewKind::Launch,
        NewKindArg::Plan => crate::scaffold::NewKind::Plan,
        NewKindArg::Incident => crate::scaffold::NewKind::Incident,
    };
    let document = crate::scaffold::new_document(
        kind,
        args.id.as_deref(),
        args.out.as_deref(),
        &located.root,
        scaffold_now(args.now.as_deref())?,
    )?;
    match &document.destination {
        crate::scaffold::Destination::Stdout => write_stdout(&document.text),
        crate::scaffold::Destination::File(path) => {
            crate::scaffold::write_new(&document)?;
            write_stdout(&format!("created {} ({})\n", path.display(), document.id))
        }
    }
}

fn run_hook_install(root: Option<PathBuf>) -> Result<u8, Error> {
    let located = check::locate(&Options {
        root,
        ..Options::default()
    })?;
    let report = crate::scaffold::install_hook(&located.root)?;
    let verb = if report.replaced {
        "updated"
    } else {
        "installed"
    };
    write_stdout(&format!(
        "{verb} {} (runs `launchcheck check --staged` before each commit)\n",
        report.path.display()
    ))
}

/// A `--from`/`--to` date.
fn parse_date(flag: &str, text: Option<&str>) -> Result<Option<jiff::civil::Date>, Error> {
    text.map(|t| {
        t.trim().parse().map_err(|_| {
            Error::new(format!("`{t}` is not a date for {flag}"))
                .help("write dates as YYYY-MM-DD, e.g. 2026-12-01")
        })
    })
    .transpose()
}

/// `--within 30d` (or `30`): whole days, at most ten years.
fn parse_within(text: &str) -> Result<i64, Error> {
    let trimmed = text.trim();
    let digits = trimmed.strip_suffix('d').unwrap_or(trimmed);
    match digits.parse::<i64>() {
        Ok(days) if (0..=3660).contains(&days) => Ok(days),
        _ => Err(Error::new(format!("`{text}` is not a horizon in days"))
            .help("write it as a number of days, e.g. `--within 30d` (at most 3660d)")),
    }
}

fn run_calendar(args: CalendarArgs) -> Result<u8, Error> {
    let range = crate::schedule::calendar::Range {
        from: parse_date("--from", args.from.as_deref())?,
        to: parse_date("--to", args.to.as_deref())?,
    };
    let mut options = args.repo.options();
    options.schedule = true;
    let report = check::run(&options)?;
    let Some(schedule) = &report.schedule else {
        return Err(Error::new("the run produced no schedule"));
    };
    let text = crate::schedule::calendar::render(schedule, range);
    match &args.output {
        None => write_stdout(&text),
        Some(path) => {
            std::fs::write(path, text).map_err(|e| {
                Error::io(
                    format!("cannot write the calendar to `{}`", path.display()),
                    e,
                )
            })?;
            Ok(0)
        }
    }
}

fn run_due(args: DueArgs) -> Result<u8, Error> {
    let within = parse_within(&args.within)?;
    let due = crate::schedule::forecast::due(&args.repo.options(), within)?;
    let text = match args.format {
        DueFormat::Text => crate::schedule::due::text(&due),
        DueFormat::Json => crate::schedule::due::json(&due),
        DueFormat::Markdown => crate::schedule::due::markdown(&due),
    };
    write_stdout(&text)
}

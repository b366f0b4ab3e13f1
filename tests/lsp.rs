//! `launchcheck lsp` end to end: the real binary spoken to over stdio with JSON-RPC, every
//! wait bounded so that a hang fails the test instead of blocking it.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const TIMEOUT: Duration = Duration::from_secs(30);

/// A client of one server process.
struct Client {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    /// Messages read while waiting for something else (notifications, mostly).
    backlog: Vec<Value>,
    next_id: i64,
    root: PathBuf,
}

impl Client {
    fn start(root: &Path) -> Client {
        let mut child = common::launchcheck()
            .args(["lsp", "--root"])
            .arg(root)
            .env("LAUNCHCHECK_NOW", common::NOW)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the server starts");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (sender, incoming) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(n) = line.strip_prefix("Content-Length:") {
                        length = n.trim().parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; length.expect("a Content-Length header")];
                if reader.read_exact(&mut body).is_err() {
                    return;
                }
                let message: Value = serde_json::from_slice(&body).expect("JSON");
                if sender.send(message).is_err() {
                    return;
                }
            }
        });
        let mut client = Client {
            child,
            stdin,
            incoming,
            backlog: Vec::new(),
            next_id: 0,
            root: root.to_path_buf(),
        };
        let uri = client.uri("");
        let result = client.request(
            "initialize",
            json!({"processId": null, "rootUri": uri, "capabilities": {}}),
        );
        assert_eq!(result["capabilities"]["positionEncoding"], "utf-16");
        client.notify("initialized", json!({}));
        client
    }

    fn uri(&self, path: &str) -> String {
        let root = self.root.canonicalize().expect("root");
        url_of(&root.join(path))
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write");
        self.stdin.flush().expect("flush");
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn next(&mut self, deadline: Instant) -> Value {
        let left = deadline.saturating_duration_since(Instant::now());
        self.incoming
            .recv_timeout(left)
            .expect("the server answered in time")
    }

    /// Sends a request and waits for its response (success or error).
    fn respond(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let message = self.next(deadline);
            if message["id"] == id && message.get("method").is_none() {
                return message;
            }
            self.backlog.push(message);
        }
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let response = self.respond(method, params);
        assert!(response.get("error").is_none(), "{method}: {response}");
        response["result"].clone()
    }

    /// Waits for the next diagnostics published for a document.
    fn diagnostics(&mut self, path: &str) -> Vec<Value> {
        let uri = self.uri(path);
        let is_ours = |m: &Value| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri.as_str()
        };
        if let Some(at) = self.backlog.iter().position(is_ours) {
            let message = self.backlog.remove(at);
            return message["params"]["diagnostics"]
                .as_array()
                .expect("list")
                .clone();
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let message = self.next(deadline);
            if is_ours(&message) {
                return message["params"]["diagnostics"]
                    .as_array()
                    .expect("list")
                    .clone();
            }
            self.backlog.push(message);
        }
    }

    fn open(&mut self, path: &str, text: &str) {
        let uri = self.uri(path);
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "toml", "version": 1, "text": text}}),
        );
    }

    fn change(&mut self, path: &str, version: i64, text: &str) {
        let uri = self.uri(path);
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version},
                   "contentChanges": [{"text": text}]}),
        );
    }

    fn at(&self, path: &str, line: usize, character: usize) -> Value {
        json!({"textDocument": {"uri": self.uri(path)},
               "position": {"line": line, "character": character}})
    }

    /// Shuts the server down and returns its exit status.
    fn shutdown(mut self) -> std::process::ExitStatus {
        let result = self.respond("shutdown", Value::Null);
        assert!(result.get("error").is_none(), "{result}");
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status;
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

/// A `file://` URI the way editors write it (percent-encoded).
fn url_of(path: &Path) -> String {
    let mut out = String::from("file://");
    for byte in path.to_string_lossy().bytes() {
        if byte.is_ascii_alphanumeric() || b"/-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn demo() -> common::TempRepo {
    let repo = common::TempRepo::plain();
    common::copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo"),
        repo.path(),
    );
    repo
}

fn read(repo: &common::TempRepo, path: &str) -> String {
    std::fs::read_to_string(repo.path().join(path)).expect("read")
}

/// Line and UTF-16 column of the first occurrence of `needle` (plus `skip` bytes).
fn position_of(text: &str, needle: &str, skip: usize) -> (usize, usize) {
    let at = text.find(needle).expect("needle") + skip;
    let line = text[..at].matches('\n').count();
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    (line, text[line_start..at].encode_utf16().count())
}

fn codes(diagnostics: &[Value]) -> Vec<String> {
    let mut codes: Vec<String> = diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap_or_default().to_owned())
        .collect();
    codes.sort();
    codes
}

/// Applies a workspace edit's text edits to one document's text (ASCII lines).
fn apply(text: &str, edits: &[Value]) -> String {
    let offset = |position: &Value| {
        let line = position["line"].as_u64().unwrap() as usize;
        let character = position["character"].as_u64().unwrap() as usize;
        let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        start + character
    };
    let mut out = text.to_owned();
    let mut edits = edits.to_vec();
    edits.sort_by_key(|e| std::cmp::Reverse(offset(&e["range"]["start"])));
    for edit in edits {
        let range = offset(&edit["range"]["start"])..offset(&edit["range"]["end"]);
        out.replace_range(range, edit["newText"].as_str().unwrap());
    }
    out
}

const BAD: &str = "launches/2026/LR-2026-0147.toml";

#[test]
fn diagnostics_are_the_findings_of_check_with_exact_ranges_and_codes() {
    let repo = demo();
    let text = read(&repo, BAD);
    let mut client = Client::start(repo.path());
    client.open(BAD, &text);
    let diagnostics = client.diagnostics(BAD);

    let output = common::launchcheck()
        .current_dir(repo.path())
        .args(["check", "--format", "json", BAD])
        .env("LAUNCHCHECK_NOW", common::NOW)
        .output()
        .expect("check runs");
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let findings = report["findings"].as_array().expect("findings");
    assert!(!findings.is_empty());
    assert_eq!(diagnostics.len(), findings.len(), "{diagnostics:#?}");
    for (diagnostic, finding) in diagnostics.iter().zip(findings) {
        assert_eq!(diagnostic["code"], finding["code"]);
        assert_eq!(diagnostic["source"], "launchcheck");
        let message = diagnostic["message"].as_str().unwrap();
        assert!(message.starts_with(finding["message"].as_str().unwrap()));
        let range = &diagnostic["range"];
        // The demo's lines are ASCII where these findings point: columns match one to one.
        assert_eq!(
            range["start"]["line"],
            finding["line"].as_u64().unwrap() - 1
        );
        assert_eq!(
            range["start"]["character"],
            finding["column"].as_u64().unwrap() - 1
        );
        assert_eq!(
            range["end"]["line"],
            finding["end_line"].as_u64().unwrap() - 1
        );
        assert_eq!(range["end"]["character"], finding["end_column"]);
        let severity = match finding["level"].as_str().unwrap() {
            "error" => 1,
            "warning" => 2,
            _ => 3,
        };
        assert_eq!(diagnostic["severity"], severity);
        let href = diagnostic["codeDescription"]["href"].as_str().unwrap();
        assert!(href.ends_with(".md") && href.contains(finding["code"].as_str().unwrap()));
    }
    // The unknown key's range is exactly the key.
    let (line, column) = position_of(&text, "\n[rolback]", 2);
    let unknown = diagnostics
        .iter()
        .find(|d| d["message"].as_str().unwrap().contains("rolback"))
        .expect("the unknown key");
    assert_eq!(
        unknown["range"],
        json!({"start": {"line": line, "character": column},
               "end": {"line": line, "character": column + "rolback".len()}})
    );
    assert!(client.shutdown().success());
}

#[test]
fn a_fix_clears_its_diagnostics_and_a_code_action_is_applied_and_rechecked() {
    let repo = demo();
    let text = read(&repo, BAD);
    let mut client = Client::start(repo.path());
    client.open(BAD, &text);
    let before = client.diagnostics(BAD);
    assert!(codes(&before).contains(&"LC003".to_owned()));
    // One mistake, one finding: the misspelt table is not also a missing rollback plan.
    assert!(!codes(&before).contains(&"LC102".to_owned()));
    let unknown = before
        .iter()
        .find(|d| d["code"] == "LC003")
        .expect("LC003")
        .clone();
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": client.uri(BAD)}, "range": unknown["range"],
               "context": {"diagnostics": [unknown]}}),
    );
    let action = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"].as_str().unwrap().contains("rollback"))
        .expect("a rename to `rollback`")
        .clone();
    assert_eq!(action["kind"], "quickfix");
    let edits = action["edit"]["changes"][client.uri(BAD)]
        .as_array()
        .unwrap()
        .clone();
    let fixed = apply(&text, &edits);
    assert!(fixed.contains("\n[rollback]") && !fixed.contains("\n[rolback]"));
    client.change(BAD, 2, &fixed);
    let after = client.diagnostics(BAD);
    // The key is known now, and the launch has its rollback plan.
    assert!(!codes(&after).contains(&"LC003".to_owned()), "{after:#?}");
    assert!(!codes(&after).contains(&"LC102".to_owned()), "{after:#?}");

    // Closing clears the document's diagnostics.
    let uri = client.uri(BAD);
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    assert!(client.diagnostics(BAD).is_empty());
    assert!(client.shutdown().success());
}

#[test]
fn fixing_a_bad_value_clears_the_diagnostic() {
    let repo = demo();
    let path = "launches/2026/LR-2026-0142.toml";
    let good = read(&repo, path);
    let bad = good.replace("risk = \"high\"", "risk = \"hihg\"");
    let mut client = Client::start(repo.path());
    client.open(path, &bad);
    let diagnostics = client.diagnostics(path);
    assert_eq!(codes(&diagnostics), ["LC003"], "{diagnostics:#?}");
    let (line, column) = position_of(&bad, "\"hihg\"", 0);
    assert_eq!(
        diagnostics[0]["range"]["start"],
        json!({"line": line, "character": column})
    );
    assert_eq!(
        diagnostics[0]["range"]["end"],
        json!({"line": line, "character": column + 6})
    );
    client.change(path, 2, &good);
    assert!(client.diagnostics(path).is_empty());
    assert!(client.shutdown().success());
}

#[test]
fn an_unsaved_plan_edit_changes_the_diagnostics_of_the_launch_that_links_it() {
    let repo = demo();
    let launch = "launches/2026/LR-2026-0142.toml";
    let plan = "plans/payments.toml";
    let mut client = Client::start(repo.path());
    client.open(launch, &read(&repo, launch));
    assert!(client.diagnostics(launch).is_empty());
    let plan_text = read(&repo, plan);
    client.open(plan, &plan_text);
    assert!(client.diagnostics(launch).is_empty());
    client.diagnostics(plan);
    // Renaming the plan in the buffer, unsaved, leaves the launch linking nothing.
    let renamed = plan_text.replace("id = \"RP-payments\"", "id = \"RP-payments-2\"");
    client.change(plan, 2, &renamed);
    let launch_now = client.diagnostics(launch);
    assert!(
        codes(&launch_now).contains(&"LC101".to_owned()),
        "{launch_now:#?}"
    );
    assert!(client.shutdown().success());
}

#[test]
fn related_spans_become_related_information() {
    let repo = demo();
    let path = "launches/2026/LR-2026-0155.toml";
    let mut client = Client::start(repo.path());
    client.open(path, &read(&repo, path));
    let diagnostics = client.diagnostics(path);
    let drill = diagnostics
        .iter()
        .find(|d| d["code"] == "LC202")
        .expect("LC202");
    let related = drill["relatedInformation"].as_array().expect("related");
    assert!(related
        .iter()
        .any(|r| r["location"]["uri"] == client.uri("plans/payments.toml")));
    assert!(client.shutdown().success());
}

#[test]
fn hover_completion_and_definition() {
    let repo = demo();
    let path = "launches/2026/LR-2026-0142.toml";
    let text = read(&repo, path);
    let mut client = Client::start(repo.path());
    client.open(path, &text);
    client.diagnostics(path);

    // A key: its schema description and allowed values.
    let (line, column) = position_of(&text, "\nrisk =", 2);
    let hover = client.request("textDocument/hover", client.at(path, line, column));
    let shown = hover["contents"]["value"].as_str().unwrap();
    assert!(
        shown.contains("Risk level") && shown.contains("\"critical\""),
        "{shown}"
    );

    // A plan id: the plan's title.
    let (line, column) = position_of(&text, "RP-payments", 3);
    let hover = client.request("textDocument/hover", client.at(path, line, column));
    let shown = hover["contents"]["value"].as_str().unwrap();
    assert!(
        shown.contains("Payments emergency response plan"),
        "{shown}"
    );

    // A person handle: the roster entry.
    let (line, column) = position_of(&text, "owner = \"bob\"", 10);
    let hover = client.request("textDocument/hover", client.at(path, line, column));
    assert!(hover["contents"]["value"]
        .as_str()
        .unwrap()
        .contains("Bob Li"));

    // Definition of the plan id: the plan's `id` value.
    let (line, column) = position_of(&text, "RP-payments", 3);
    let location = client.request("textDocument/definition", client.at(path, line, column));
    assert_eq!(location["uri"], client.uri("plans/payments.toml"));
    let plan = read(&repo, "plans/payments.toml");
    let (plan_line, plan_column) = position_of(&plan, "RP-payments", 0);
    assert_eq!(
        location["range"]["start"],
        json!({"line": plan_line, "character": plan_column})
    );
    // Definition of a handle: the roster.
    let (line, column) = position_of(&text, "owner = \"bob\"", 10);
    let location = client.request("textDocument/definition", client.at(path, line, column));
    assert_eq!(location["uri"], client.uri("people.toml"));

    // Completion: enum values, plan ids, launch ids, handles and keys.
    let edited = text.replace("risk = \"high\"", "risk = \"\"");
    client.change(path, 2, &edited);
    let labels = |result: &Value| -> Vec<String> {
        result
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["label"].as_str().unwrap().to_owned())
            .collect()
    };
    let (line, column) = position_of(&edited, "risk = \"\"", 8);
    let items = client.request("textDocument/completion", client.at(path, line, column));
    assert_eq!(labels(&items), ["low", "medium", "high", "critical"]);
    let (line, column) = position_of(&edited, "response_plan = \"", 17);
    let items = labels(&client.request("textDocument/completion", client.at(path, line, column)));
    assert!(items.contains(&"RP-payments".to_owned()) && items.contains(&"RP-search".to_owned()));
    assert!(!items.iter().any(|i| i.starts_with("LR-")));
    let (line, column) = position_of(&edited, "depends_on = [\"", 15);
    let items = labels(&client.request("textDocument/completion", client.at(path, line, column)));
    assert!(
        items.contains(&"LR-2026-0140".to_owned()) && !items.iter().any(|i| i.starts_with("RP-"))
    );
    let (line, column) = position_of(&edited, "requester = \"", 13);
    let items = labels(&client.request("textDocument/completion", client.at(path, line, column)));
    assert!(items.contains(&"alice".to_owned()) && items.contains(&"bob".to_owned()));
    // Keys of the `[window]` table.
    let (line, _) = position_of(&edited, "[window]", 0);
    let items = labels(&client.request("textDocument/completion", client.at(path, line + 1, 0)));
    assert!(items.contains(&"start".to_owned()) && items.contains(&"end".to_owned()));
    assert!(!items.contains(&"risk".to_owned()));
    assert!(client.shutdown().success());
}

#[test]
fn hover_on_a_rule_code_in_a_waiver_explains_the_rule() {
    let repo = demo();
    let path = "launches/2026/LR-2026-0152.toml";
    let text = read(&repo, path);
    let mut client = Client::start(repo.path());
    client.open(path, &text);
    let diagnostics = client.diagnostics(path);
    // The waived finding is shown as a hint.
    assert!(diagnostics
        .iter()
        .any(|d| d["code"] == "LC106" && d["severity"] == 4));
    let (line, column) = position_of(&text, "rule = \"freeze-window\"", 10);
    let hover = client.request("textDocument/hover", client.at(path, line, column));
    let shown = hover["contents"]["value"].as_str().unwrap();
    assert!(
        shown.contains("LC106") && shown.contains("docs/rules/"),
        "{shown}"
    );
    // A rule code written as a code works too.
    let coded = text.replace("rule = \"freeze-window\"", "rule = \"LC106\"");
    client.change(path, 2, &coded);
    let (line, column) = position_of(&coded, "LC106", 2);
    let hover = client.request("textDocument/hover", client.at(path, line, column));
    assert!(hover["contents"]["value"]
        .as_str()
        .unwrap()
        .contains("freeze-window"));
    assert!(client.shutdown().success());
}

#[test]
fn hostile_input_never_crashes_the_server() {
    let repo = demo();
    let path = "launches/2026/LR-2026-0142.toml";
    let text = read(&repo, path);
    let mut client = Client::start(repo.path());
    // Half-typed files, one keystroke at a time.
    client.open(path, "");
    for end in (0..text.len()).step_by(97) {
        let mut cut = end;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        client.change(path, end as i64 + 2, &text[..cut]);
    }
    // A 1 MB line.
    let long = format!("{text}\nsummary2 = \"{}😀\"\n", "x".repeat(1 << 20));
    client.change(path, 1_000_000, &long);
    let diagnostics = client.diagnostics(path);
    assert!(diagnostics.iter().all(|d| d["code"].is_string()));
    // Positions far outside the text, and inside a surrogate pair.
    for (line, character) in [
        (0, 9999),
        (99_999, 0),
        (u32::MAX, u32::MAX),
        (87, 1_048_590),
    ] {
        let at = client.at(path, line as usize, character as usize);
        client.request("textDocument/hover", at.clone());
        client.request("textDocument/completion", at.clone());
        client.request("textDocument/definition", at);
    }
    // Requests about documents never opened, or closed.
    let uri = client.uri(path);
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    assert_eq!(
        client.request("textDocument/hover", client.at(path, 1, 1)),
        Value::Null
    );
    let elsewhere = json!({"textDocument": {"uri": "file:///nowhere/x.toml"},
                           "position": {"line": 0, "character": 0}});
    assert_eq!(
        client.request("textDocument/completion", elsewhere),
        Value::Null
    );
    // Malformed parameters are an error response, not a crash.
    let response = client.respond("textDocument/hover", json!({"nonsense": true}));
    assert!(response.get("error").is_some());
    assert!(client.shutdown().success());
}

/// The same scenario from pytest-lsp (PyPI), a client written outside the project; skipped
/// with a note when it is not installed, except under CI.
#[test]
fn pytest_lsp_drives_the_same_scenario() {
    if !common::outside_tool(
        "python3",
        &["-c", "import pytest_lsp"],
        "python3 -m pip install pytest-lsp",
    ) {
        return;
    }
    let manifest = common::project_dir();
    let output = common::hermetic(std::process::Command::new("python3"))
        .args(["-m", "pytest", "-q", "-p", "no:cacheprovider"])
        .arg(manifest.join("tests/lsp_client"))
        .current_dir(manifest)
        .env("LAUNCHCHECK_BIN", common::binary())
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .expect("pytest runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "pytest-lsp failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("3 passed"), "{stdout}");
}

/// Applies the quick fix whose title contains `wanted` to the diagnostic of `code`, sends
/// the result, and returns the new text and its diagnostics.
fn fix_and_recheck(
    client: &mut Client,
    path: &str,
    text: &str,
    diagnostics: &[Value],
    code: &str,
    wanted: &str,
) -> (String, Vec<Value>) {
    let diagnostic = diagnostics
        .iter()
        .find(|d| d["code"] == code)
        .unwrap_or_else(|| panic!("no {code} in {diagnostics:#?}"))
        .clone();
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": client.uri(path)}, "range": diagnostic["range"],
               "context": {"diagnostics": [diagnostic]}}),
    );
    let action = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"].as_str().unwrap().contains(wanted))
        .unwrap_or_else(|| panic!("no `{wanted}` action in {actions:#}"))
        .clone();
    let edits = action["edit"]["changes"][client.uri(path)]
        .as_array()
        .unwrap()
        .clone();
    let fixed = apply(text, &edits);
    client.change(path, 10, &fixed);
    let after = client.diagnostics(path);
    (fixed, after)
}

#[test]
fn quick_fixes_add_the_offset_quote_a_value_and_add_a_missing_key() {
    let repo = demo();
    let path = "launches/2026/LR-2026-0142.toml";
    let good = read(&repo, path);
    let mut client = Client::start(repo.path());

    // A datetime without its offset: the configured zone's offset is added.
    let local = good.replace(
        "submitted_at = 2026-11-20T09:00:00+08:00",
        "submitted_at = 2026-11-20T09:00:00",
    );
    client.open(path, &local);
    let diagnostics = client.diagnostics(path);
    let (fixed, after) =
        fix_and_recheck(&mut client, path, &local, &diagnostics, "LC003", "offset");
    assert!(
        fixed.contains("submitted_at = 2026-11-20T09:00:00+08:00"),
        "{fixed}"
    );
    assert!(after.is_empty(), "{after:#?}");

    // A bare word where a string belongs: quoted.
    let bare = good.replace("risk = \"high\"", "risk = high");
    client.change(path, 20, &bare);
    let diagnostics = client.diagnostics(path);
    let (fixed, after) = fix_and_recheck(&mut client, path, &bare, &diagnostics, "LC001", "Quote");
    assert!(fixed.contains("risk = \"high\""), "{fixed}");
    assert!(after.is_empty(), "{after:#?}");

    // A missing required key: added with a placeholder, so that one finding is gone.
    let title = good
        .lines()
        .find(|l| l.starts_with("title = "))
        .expect("a title line");
    let missing = good.replace(&format!("{title}\n"), "");
    client.change(path, 30, &missing);
    let diagnostics = client.diagnostics(path);
    let (fixed, after) =
        fix_and_recheck(&mut client, path, &missing, &diagnostics, "LC003", "title");
    assert!(fixed.contains("\ntitle = \"\"\n[window]"), "{fixed}");
    assert!(
        !after.iter().any(|d| d["message"]
            .as_str()
            .unwrap()
            .contains("missing required key")),
        "{after:#?}"
    );
    assert!(client.shutdown().success());
}

/// Every launch and plan of repositories with cross-file findings (collisions, dependency
/// order, duplicate ids, plan links, plan rules judged per launch, waivers), opened in the
/// editor one at a time: the server says what `check FILE` says.
#[test]
fn every_document_gets_the_findings_check_reports_for_it() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut compared = 0;
    for dir in [
        "demo",
        "rules/LC111-change-collision/fail",
        "rules/LC112-dependency-order/fail",
        "rules/LC004-duplicate-id/fail",
        "rules/LC101-plan-link/fail",
    ] {
        let repo = common::TempRepo::plain();
        common::copy_tree(&fixtures.join(dir), repo.path());
        let mut client = Client::start(repo.path());
        let documents: Vec<String> = walkdir::WalkDir::new(repo.path())
            .sort_by_file_name()
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.path().extension().is_some_and(|x| x == "toml"))
            .map(|e| {
                let relative = e.path().strip_prefix(repo.path()).unwrap();
                relative.to_string_lossy().replace('\\', "/")
            })
            .filter(|p| p.starts_with("launches/") || p.starts_with("plans/"))
            .collect();
        for path in documents {
            let output = common::launchcheck()
                .current_dir(repo.path())
                .args(["check", "--format", "json", &path])
                .env("LAUNCHCHECK_NOW", common::NOW)
                .output()
                .expect("check runs");
            let report: Value = serde_json::from_slice(&output.stdout).expect("JSON");
            let expected: Vec<(String, u64, String)> = report["findings"]
                .as_array()
                .unwrap()
                .iter()
                // A duplicate id is reported on every copy; the editor shows each in its file.
                .filter(|f| f["path"] == path.as_str())
                .map(|f| {
                    (
                        f["code"].as_str().unwrap().to_owned(),
                        f["line"].as_u64().unwrap() - 1,
                        f["message"].as_str().unwrap().to_owned(),
                    )
                })
                .collect();
            client.open(&path, &read(&repo, &path));
            let actual: Vec<(String, u64, String)> = client
                .diagnostics(&path)
                .iter()
                .map(|d| {
                    let message = d["message"].as_str().unwrap();
                    let message = message.strip_prefix("waived: ").unwrap_or(message);
                    (
                        d["code"].as_str().unwrap().to_owned(),
                        d["range"]["start"]["line"].as_u64().unwrap(),
                        message.split("\nhelp: ").next().unwrap().to_owned(),
                    )
                })
                .collect();
            assert_eq!(actual, expected, "{dir}/{path}");
            compared += expected.len();
            let uri = client.uri(&path);
            client.notify(
                "textDocument/didClose",
                json!({"textDocument": {"uri": uri}}),
            );
        }
        assert!(client.shutdown().success());
    }
    assert!(compared >= 15, "only {compared} findings compared");
}

//! The editor setups the project ships, tried against the real server: Neovim runs the
//! shipped `editors/neovim/launchcheck.lua` as a user installs it, and the VS Code
//! extension's `activate()` runs under Node with a stand-in for the `vscode` module (VS Code
//! itself cannot run here) and the real `vscode-languageclient`; both must show the findings
//! `launchcheck check` reports. The extension is also packaged with `vsce`, and taplo's CLI
//! checks documents by the schema associations `init` writes. Under CI (`CI` set) `nvim`,
//! Node, the extension's npm packages and taplo must be there (`.ci/run` installs them);
//! elsewhere the tests are skipped with a note when they are missing.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// How long Neovim may take to start the server, get diagnostics, hover and jump.
const TIMEOUT: Duration = Duration::from_secs(60);

const BAD: &str = "launches/2026/LR-2026-0147.toml";

fn project() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The shipped Neovim setup, or `None` (with a note) where the checkout lacks `editors/`:
/// the published crate holds no editor files, and its tests run without `CI`.
fn neovim_setup() -> Option<String> {
    match fs::read_to_string(project().join("editors/neovim/launchcheck.lua")) {
        Ok(text) => Some(text),
        Err(error) => {
            common::skip_outside_ci(
                &format!("editors/neovim/launchcheck.lua cannot be read: {error}"),
                "the published crate ships no editor files; run from a clone",
            );
            None
        }
    }
}

/// Debian's `nvim`, or `None` (with a note) outside CI when it is not installed.
fn nvim() -> Option<&'static str> {
    common::outside_tool("nvim", &["--version"], "apt-get install neovim").then_some("nvim")
}

/// Line and byte column (both from 0) of the first `needle` plus `skip` bytes.
fn position_of(text: &str, needle: &str, skip: usize) -> (usize, usize) {
    let at = text.find(needle).expect("needle") + skip;
    let line = text[..at].matches('\n').count();
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    (line, at - line_start)
}

/// Run inside Neovim after the file is opened: waits for the diagnostics, asks for a hover
/// and a definition through the client, and writes what it saw as JSON. Any error is
/// written too, and Neovim exits non-zero.
const DRIVER: &str = r#"
local out = vim.env.EDITOR_TEST_OUT
local function run()
  local buf = vim.api.nvim_get_current_buf()
  local arrived = vim.wait(tonumber(vim.env.EDITOR_TEST_WAIT_MS), function()
    return #vim.diagnostic.get(buf) > 0
  end, 20)
  local result = { arrived = arrived, diagnostics = {}, filetype = vim.bo[buf].filetype }
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    local lsp = d.user_data and d.user_data.lsp or {}
    table.insert(result.diagnostics, {
      line = d.lnum, col = d.col, end_line = d.end_lnum, end_col = d.end_col,
      severity = d.severity, source = d.source or lsp.source,
      code = d.code or lsp.code, message = d.message,
    })
  end
  local function at(line, character)
    return {
      textDocument = { uri = vim.uri_from_bufnr(buf) },
      position = { line = tonumber(line), character = tonumber(character) },
    }
  end
  local function ask(method, params)
    local replies = vim.lsp.buf_request_sync(buf, method, params, 10000) or {}
    for _, reply in pairs(replies) do
      if reply.result then return reply.result end
    end
    return vim.NIL
  end
  result.hover = ask('textDocument/hover', at(vim.env.EDITOR_TEST_HOVER_LINE, vim.env.EDITOR_TEST_HOVER_COL))
  result.definition = ask('textDocument/definition', at(vim.env.EDITOR_TEST_DEF_LINE, vim.env.EDITOR_TEST_DEF_COL))
  local clients = {}
  for _, client in pairs(vim.lsp.get_active_clients()) do
    table.insert(clients, { name = client.name, root = client.config.root_dir })
  end
  result.clients = clients
  return result
end
local ok, result = pcall(run)
if not ok then result = { error = tostring(result) } end
vim.fn.writefile({ vim.fn.json_encode(result) }, out)
vim.cmd(ok and 'qall!' or 'cquit 3')
"#;

/// Runs `nvim` headless as a user with only the shipped setup installed, `launchcheck` on
/// `PATH`, opening `file` in `repo`; returns what the driver wrote.
fn run_neovim(nvim: &str, setup: &str, repo: &Path, file: &str, env: &[(&str, String)]) -> Value {
    let home = tempfile::tempdir().expect("temp dir");
    let config = home.path().join("config");
    fs::create_dir_all(config.join("nvim/plugin")).expect("mkdir");
    // Installed as the file's own header says: copied into the plugin folder.
    fs::write(config.join("nvim/plugin/launchcheck.lua"), setup).expect("write");
    let driver = home.path().join("driver.lua");
    fs::write(&driver, DRIVER).expect("write");
    let out = home.path().join("out.json");

    let binary = PathBuf::from(env!("CARGO_BIN_EXE_launchcheck"));
    let mut path = std::ffi::OsString::from(binary.parent().expect("bin dir"));
    if let Some(old) = std::env::var_os("PATH") {
        path.push(":");
        path.push(old);
    }
    let mut command = Command::new(nvim);
    command
        .args(["--headless", "-i", "NONE", file, "-c"])
        .arg(format!("luafile {}", driver.display()))
        .current_dir(repo)
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", &config)
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("XDG_STATE_HOME", home.path().join("state"))
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .env("PATH", path)
        .env("LAUNCHCHECK_NOW", common::NOW)
        .env("EDITOR_TEST_OUT", &out)
        .env("EDITOR_TEST_WAIT_MS", (TIMEOUT.as_millis() / 2).to_string())
        .env_remove("LAUNCHCHECK_CONFIG")
        .env_remove("LAUNCHCHECK_FORMAT")
        .env_remove("VIMINIT")
        .env_remove("NVIM_LOG_FILE")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    for (key, value) in env {
        command.env(key, value);
    }
    let mut child = command.spawn().expect("nvim starts");
    let deadline = Instant::now() + TIMEOUT;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("nvim did not finish within {TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stderr = String::new();
    if let Some(mut pipe) = child.stderr.take() {
        use std::io::Read;
        let _ = pipe.read_to_string(&mut stderr);
    }
    let written = fs::read_to_string(&out).unwrap_or_default();
    assert!(
        status.success(),
        "nvim exited with {status}: {written}\n{stderr}"
    );
    serde_json::from_str(&written).unwrap_or_else(|e| panic!("{e}: {written:?}\n{stderr}"))
}

#[test]
fn neovim_with_the_shipped_setup_shows_the_findings_of_check_and_answers_hover_and_definition() {
    let Some(setup) = neovim_setup() else { return };
    let Some(nvim) = nvim() else { return };
    let repo = common::TempRepo::plain();
    common::copy_tree(&project().join("fixtures/demo"), repo.path());
    let text = fs::read_to_string(repo.path().join(BAD)).expect("read");
    let (hover_line, hover_col) = position_of(&text, "\nrisk =", 1);
    let (def_line, def_col) = position_of(&text, "\"RP-payments\"", 3);
    let seen = run_neovim(
        nvim,
        &setup,
        repo.path(),
        BAD,
        &[
            ("EDITOR_TEST_HOVER_LINE", hover_line.to_string()),
            ("EDITOR_TEST_HOVER_COL", hover_col.to_string()),
            ("EDITOR_TEST_DEF_LINE", def_line.to_string()),
            ("EDITOR_TEST_DEF_COL", def_col.to_string()),
        ],
    );
    assert_eq!(seen["arrived"], true, "no diagnostics arrived: {seen:#}");
    assert_eq!(seen["filetype"], "toml");
    let clients = seen["clients"].as_array().expect("clients");
    assert_eq!(clients.len(), 1, "{seen:#}");
    assert_eq!(clients[0]["name"], "launchcheck");
    // The root the setup found: the folder with launchcheck.toml.
    let root = Path::new(clients[0]["root"].as_str().expect("root"));
    assert_eq!(
        root.canonicalize().expect("root exists"),
        repo.path().canonicalize().expect("repo")
    );

    let run = repo.check(&[BAD]);
    let report = run.json();
    let findings = report["findings"].as_array().expect("findings");
    assert!(findings.len() >= 2, "{report:#}");
    let diagnostics = seen["diagnostics"].as_array().expect("diagnostics");
    let mut shown: Vec<(String, u64, u64)> = diagnostics
        .iter()
        .map(|d| {
            assert_eq!(d["source"], "launchcheck", "{d}");
            (
                d["code"].as_str().unwrap_or_default().to_owned(),
                d["line"].as_u64().expect("line"),
                d["col"].as_u64().expect("col"),
            )
        })
        .collect();
    let lines: Vec<&str> = text.lines().collect();
    let mut expected: Vec<(String, u64, u64)> = findings
        .iter()
        .map(|f| {
            let line = f["line"].as_u64().expect("line") - 1;
            // check counts columns in characters, Neovim in bytes: convert on the line.
            let column = f["column"].as_u64().expect("column") as usize - 1;
            let prefix: String = lines[line as usize].chars().take(column).collect();
            (
                f["code"].as_str().expect("code").to_owned(),
                line,
                prefix.len() as u64,
            )
        })
        .collect();
    shown.sort();
    expected.sort();
    assert_eq!(shown, expected, "{seen:#}");
    // The misspelled table is flagged where it is.
    let (rolback, _) = position_of(&text, "\n[rolback]", 1);
    assert!(
        diagnostics.iter().any(|d| d["line"] == rolback as u64
            && d["message"]
                .as_str()
                .unwrap_or_default()
                .contains("rolback")),
        "{seen:#}"
    );

    let hover = seen["hover"]["contents"]["value"]
        .as_str()
        .unwrap_or_default();
    assert!(hover.contains("Risk level"), "{seen:#}");
    let definition = match &seen["definition"] {
        Value::Array(locations) => locations.first().cloned().unwrap_or_default(),
        location => location.clone(),
    };
    let uri = definition["uri"]
        .as_str()
        .or_else(|| definition["targetUri"].as_str())
        .unwrap_or_default();
    assert!(uri.ends_with("/plans/payments.toml"), "{seen:#}");
}

#[test]
fn the_guide_shows_the_shipped_neovim_setup_verbatim() {
    let Some(setup) = neovim_setup() else { return };
    let guide = fs::read_to_string(project().join("docs/guide.md")).expect("guide");
    assert!(
        guide.contains(&format!("```lua\n{setup}```\n")),
        "docs/guide.md must show editors/neovim/launchcheck.lua as it is"
    );
    let readme = fs::read_to_string(project().join("README.md")).expect("README");
    assert!(readme.contains("editors/neovim/launchcheck.lua"));
}

// ---- VS Code ------------------------------------------------------------------------------

/// `editors/vscode/` with its npm packages installed (`npm ci`), or `None` (with a note)
/// outside CI when they or Node are missing.
fn vscode_extension() -> Option<PathBuf> {
    let dir = project().join("editors/vscode");
    if !dir.join("package.json").is_file() {
        neovim_setup()?; // the same note and rule: a copy without editors/
    }
    let node = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if node && dir.join("node_modules/vscode-languageclient").is_dir() {
        return Some(dir);
    }
    common::skip_outside_ci(
        "node or editors/vscode/node_modules is missing",
        "npm ci in editors/vscode",
    );
    None
}

/// Runs `command` to completion within [`TIMEOUT`]; returns its standard output.
fn run_bounded(mut command: Command, what: &str) -> String {
    let out = tempfile::NamedTempFile::new().expect("temp file");
    let err = tempfile::NamedTempFile::new().expect("temp file");
    let mut child = command
        .stdin(Stdio::null())
        .stdout(out.reopen().expect("reopen"))
        .stderr(err.reopen().expect("reopen"))
        .spawn()
        .unwrap_or_else(|e| panic!("{what} starts: {e}"));
    let deadline = Instant::now() + TIMEOUT;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what} did not finish within {TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let stdout = fs::read_to_string(out.path()).unwrap_or_default();
    let stderr = fs::read_to_string(err.path()).unwrap_or_default();
    assert!(status.success(), "{what}: {status}\n{stdout}\n{stderr}");
    stdout
}

#[test]
fn the_vscode_extension_activates_and_its_client_shows_the_findings_of_check() {
    let Some(extension) = vscode_extension() else {
        return;
    };
    let repo = common::TempRepo::plain();
    common::copy_tree(&project().join("fixtures/demo"), repo.path());
    let text = fs::read_to_string(repo.path().join(BAD)).expect("read");
    let (line, column) = position_of(&text, "\nrisk =", 1);
    let mut command = Command::new("node");
    command
        .arg("test/activate.js")
        .arg(repo.path())
        .arg(BAD)
        .arg(line.to_string())
        .arg(column.to_string())
        .current_dir(&extension)
        .env("LAUNCHCHECK_BIN", env!("CARGO_BIN_EXE_launchcheck"))
        .env("LAUNCHCHECK_NOW", common::NOW)
        .env_remove("LAUNCHCHECK_CONFIG")
        .env_remove("LAUNCHCHECK_FORMAT");
    let stdout = run_bounded(command, "node test/activate.js");
    let seen: Value = serde_json::from_str(stdout.trim()).expect("JSON");

    let run = repo.check(&[BAD]);
    let report = run.json();
    let findings = report["findings"].as_array().expect("findings");
    assert!(findings.len() >= 2, "{report:#}");
    let diagnostics = seen["diagnostics"].as_array().expect("diagnostics");
    // VS Code counts columns in UTF-16 units, check in characters: the same on these lines.
    let mut shown: Vec<(String, u64, u64, u64)> = diagnostics
        .iter()
        .map(|d| {
            assert_eq!(d["source"], "launchcheck", "{d}");
            let code = d["code"].as_str().unwrap_or_default().to_owned();
            assert!(
                d["href"].as_str().unwrap_or_default().contains(&code),
                "the code links to its rule page: {d}"
            );
            (
                code,
                d["line"].as_u64().expect("line"),
                d["character"].as_u64().expect("character"),
                d["severity"].as_u64().expect("severity"),
            )
        })
        .collect();
    let mut expected: Vec<(String, u64, u64, u64)> = findings
        .iter()
        .map(|f| {
            // vscode.DiagnosticSeverity: Error 0, Warning 1, Information 2.
            let severity = match f["level"].as_str() {
                Some("error") => 0,
                Some("warning") => 1,
                _ => 2,
            };
            (
                f["code"].as_str().expect("code").to_owned(),
                f["line"].as_u64().expect("line") - 1,
                f["column"].as_u64().expect("column") - 1,
                severity,
            )
        })
        .collect();
    shown.sort();
    expected.sort();
    assert_eq!(shown, expected, "{seen:#}");
    assert!(
        seen["hover"]
            .as_str()
            .unwrap_or_default()
            .contains("Risk level"),
        "{seen:#}"
    );
    assert_eq!(seen["commands"], serde_json::json!(["launchcheck.restart"]));
}

#[test]
fn the_vscode_extension_packages_into_a_vsix_without_dev_tools() {
    let Some(extension) = vscode_extension() else {
        return;
    };
    let out = tempfile::tempdir().expect("temp dir");
    let vsix = out.path().join("launchcheck.vsix");
    let mut command = Command::new("node");
    command
        .arg("node_modules/@vscode/vsce/vsce")
        .args(["package", "--out"])
        .arg(&vsix)
        .current_dir(&extension);
    run_bounded(command, "vsce package");
    // The .vsix is a zip archive; Python's zipfile lists it.
    let mut command = Command::new("python3");
    command
        .args([
            "-c",
            "import sys, zipfile; print('\\n'.join(zipfile.ZipFile(sys.argv[1]).namelist()))",
        ])
        .arg(&vsix);
    let listing = run_bounded(command, "python3 zipfile");
    let files: Vec<&str> = listing.lines().collect();
    for wanted in [
        "extension.vsixmanifest",
        "extension/package.json",
        "extension/extension.js",
        "extension/readme.md",
        "extension/LICENSE.txt",
        "extension/node_modules/vscode-languageclient/node.js",
        "extension/node_modules/vscode-jsonrpc/package.json",
    ] {
        assert!(files.contains(&wanted), "{wanted} missing from {files:#?}");
    }
    for unwanted in ["/test/", "@vscode/vsce", "package-lock.json"] {
        assert!(
            !files
                .iter()
                .any(|f| f.contains(unwanted) || f.ends_with(".vsix")),
            "{unwanted} is in the package: {files:#?}"
        );
    }
    let manifest: Value = serde_json::from_str(
        &fs::read_to_string(extension.join("package.json")).expect("package.json"),
    )
    .expect("JSON");
    assert_eq!(
        manifest["contributes"]["configuration"]["properties"]["launchcheck.path"]["default"],
        "launchcheck"
    );
    // The extension carries the project's licence texts unchanged.
    let license = fs::read_to_string(extension.join("LICENSE")).expect("LICENSE");
    for file in ["LICENSE-MIT", "LICENSE-APACHE"] {
        let text = fs::read_to_string(project().join(file)).expect("licence");
        assert!(
            license.contains(&text),
            "editors/vscode/LICENSE lacks {file}"
        );
    }
}

// ---- taplo --------------------------------------------------------------------------------

/// taplo from PyPI, or `None` (with a note) outside CI when it is not installed.
fn taplo() -> Option<&'static str> {
    common::outside_tool("taplo", &["--version"], "pip install taplo").then_some("taplo")
}

/// `taplo check FILE` in `dir`: whether it passed, and what it printed.
fn taplo_check(taplo: &str, dir: &Path, file: &str) -> (bool, String) {
    let output = Command::new(taplo)
        .args(["check", file])
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("RUST_LOG")
        .output()
        .expect("taplo runs");
    (
        output.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ),
    )
}

#[test]
fn taplo_checks_documents_without_a_schema_line_by_the_associations_init_writes() {
    let Some(taplo) = taplo() else { return };
    let repo = common::TempRepo::plain();
    let init = common::launchcheck()
        .arg("init")
        .current_dir(repo.path())
        .output()
        .expect("init runs");
    assert!(init.status.success(), "{init:?}");
    let sample = fs::read_to_string(repo.path().join("launches/LR-EXAMPLE-0001.toml"))
        .expect("the sample launch");
    assert!(sample.starts_with("#:schema "), "{sample}");
    // The sample, bar its `#:schema` line, with a risk the schema does not allow, one folder
    // down: only the include glob of `.taplo.toml` can point taplo at the schema.
    let bad: String = sample
        .lines()
        .filter(|l| !l.starts_with("#:schema"))
        .map(|l| {
            if l.starts_with("risk = ") {
                "risk = \"catastrophic\"\n".to_owned()
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    assert!(bad.contains("risk = \"catastrophic\""), "{bad}");
    repo.write("launches/2026/LR-BAD.toml", &bad);

    let (passed, output) = taplo_check(taplo, repo.path(), "launches/LR-EXAMPLE-0001.toml");
    assert!(passed, "{output}");
    let (passed, output) = taplo_check(taplo, repo.path(), "launches/2026/LR-BAD.toml");
    assert!(!passed, "{output}");
    assert!(
        output.contains("\"catastrophic\" is not one of"),
        "{output}"
    );
    let (line, column) = position_of(&bad, "\"catastrophic\"", 0);
    assert!(
        output.contains(&format!("LR-BAD.toml:{}:{}", line + 1, column + 1)),
        "{output}"
    );
    // Without the associations taplo knows no schema for it and lets it pass.
    repo.remove(".taplo.toml");
    let (passed, output) = taplo_check(taplo, repo.path(), "launches/2026/LR-BAD.toml");
    assert!(passed, "{output}");
}

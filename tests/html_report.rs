//! The `html` report: its content without a browser (escaping, self-containment), and in a
//! real browser, Debian's headless `chromium`: the page renders at desktop and phone width,
//! and the findings and launches the browser's DOM shows agree with the JSON output and the
//! calendar. Under CI (`CI` set) chromium must be there (`.ci/run` installs it); elsewhere
//! the browser tests are skipped with a note when it is missing.
//!
//! `LAUNCHCHECK_UPDATE_SCREENSHOTS=1 cargo test --test html_report` rewrites the demo
//! screenshots in `docs/` that the README shows.

use std::fs;
use std::path::Path;
use std::process::Command as Process;

use serde_json::Value;

mod common;
use common::{demo, launchcheck, TempRepo, NOW};

fn run(root: &Path, args: &[&str]) -> String {
    let output = launchcheck()
        .args(args)
        .args(["--now", NOW, "--root"])
        .arg(root)
        .output()
        .expect("launchcheck runs");
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8")
}

fn html(root: &Path) -> String {
    run(root, &["check", "-f", "html", "--quiet"])
}

#[test]
fn the_page_is_self_contained_and_escapes_what_it_quotes() {
    let dir = TempRepo::plain();
    let root = dir.path();
    fs::create_dir_all(root.join("launches")).unwrap();
    fs::write(
        root.join("launches/x.toml"),
        "kind = \"launch-request\"\nid = \"LR-X\"\ntitle = \"<script>alert('t')</script> & co\"\n\
         services = [\"<b>svc</b>\"]\nchange_type = \"normal\"\nrisk = \"low\"\nstatus = \"approved\"\n\
         requester = \"alice\"\n\n[window]\nstart = 2026-12-01T02:00:00Z\nend = 2026-12-01T03:00:00Z\n\
         # <img src=x onerror=alert(1)>\n<oops\n",
    )
    .unwrap();
    let page = html(root);
    assert!(page.starts_with("<!DOCTYPE html>"), "{page}");
    assert!(!page.contains("<script"), "an unescaped script: {page}");
    assert!(!page.contains("<img"), "an unescaped image: {page}");
    assert!(!page.contains("<b>svc"), "{page}");
    assert!(
        page.contains("oops") && !page.contains("<oops"),
        "the source excerpt is shown, escaped: {page}"
    );
    for external in [
        "http://", "https://", "<img", "<iframe", "<link", "@import", "url(",
    ] {
        assert!(!page.contains(external), "`{external}` in the page");
    }
    assert!(page.contains("Content-Security-Policy"));
}

#[test]
fn the_demo_page_has_the_timeline_the_tables_and_every_finding() {
    let page = html(&demo());
    let json: Value = serde_json::from_str(&run(&demo(), &["check", "-f", "json"])).unwrap();
    let findings = json["findings"].as_array().unwrap().len();
    assert_eq!(page.matches("data-finding ").count(), findings);
    let launches = fs::read_dir(demo().join("launches/2026")).unwrap().count();
    assert_eq!(page.matches("<tr data-launch=").count(), launches);
    // Lanes per service, the freeze band, the drill and waiver markers of the coming weeks.
    for lane in ["payments-api", "payments-worker", "search-api"] {
        assert!(page.contains(&format!("data-lane=\"{lane}\"")), "{lane}");
    }
    assert!(page.contains("data-freeze"));
    assert!(page.contains("Freeze: Year-end freeze (年末封网)"));
    assert!(page.contains("data-marker=\"stale\""), "the drill marker");
    // Launches with errors are marked by text, not colour only.
    assert!(page.contains("✖ LR-2026-0147"), "{page}");
}

#[test]
fn collisions_are_marked_in_text_on_the_bars_and_in_the_table() {
    let dir = TempRepo::plain();
    let root = dir.path();
    fs::create_dir_all(root.join("launches")).unwrap();
    for (id, start, end) in [
        ("LR-A", "2026-12-01T02:00:00Z", "2026-12-01T04:00:00Z"),
        ("LR-B", "2026-12-01T03:00:00Z", "2026-12-01T05:00:00Z"),
    ] {
        fs::write(
            root.join(format!("launches/{id}.toml")),
            format!(
                "kind = \"launch-request\"\nid = \"{id}\"\ntitle = \"t\"\nservices = [\"svc\"]\n\
                 change_type = \"standard\"\nrisk = \"low\"\nstatus = \"submitted\"\nrequester = \"alice\"\n\
                 submitted_at = 2026-11-01T00:00:00Z\n\n[window]\nstart = {start}\nend = {end}\n"
            ),
        )
        .unwrap();
    }
    let page = html(root);
    assert!(page.contains("⚠ collides with LR-B"), "{page}");
    assert!(page.contains("⚠ collides with LR-A"), "{page}");
    assert_eq!(
        page.matches("class=\"bar errors collision tentative\"")
            .count(),
        2,
        "{page}"
    );
    assert!(page.contains("✖ ⚠ LR-A</span>"), "{page}");
}

// ---- in a real browser ----------------------------------------------------------------

/// Debian's `chromium`, or `None` (with a note) outside CI when it is not installed.
fn chromium() -> Option<&'static str> {
    for name in ["chromium", "chromium-browser"] {
        if Process::new(name)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
        {
            return Some(name);
        }
    }
    common::skip_outside_ci("chromium is not installed", "apt-get install chromium");
    None
}

fn headless(browser: &str, profile: &Path) -> Process {
    let mut command = Process::new(browser);
    command
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()));
    command
}

/// Width and height from a PNG's IHDR chunk.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    let be = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
    (be(16), be(20))
}

#[test]
fn the_browser_shows_as_many_findings_and_launches_as_the_json_and_the_calendar() {
    let Some(browser) = chromium() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    // The counting script is the test's, not the page's: the page needs none, and its
    // Content-Security-Policy would block it, so the copy under test drops that one line.
    let page = html(&demo());
    let csp = page
        .lines()
        .find(|l| l.contains("Content-Security-Policy"))
        .expect("the page has a CSP");
    let probe = r#"<script>
const shown = e => e.getClientRects().length > 0;
const count = s => [...document.querySelectorAll(s)].filter(shown).length;
const external = [...document.querySelectorAll('[src],[href]')]
  .filter(e => /^(https?:)?\/\//.test(e.getAttribute('src') || e.getAttribute('href') || '')).length;
const cssUrls = [...document.styleSheets].flatMap(s => [...s.cssRules])
  .filter(r => r.cssText.includes('url(')).length;
const b = document.body.dataset;
b.countFindings = count('[data-finding]');
b.countErrors = count('[data-finding][data-level="error"]:not([data-waived])');
b.countWarnings = count('[data-finding][data-level="warning"]:not([data-waived])');
b.countWaived = count('[data-finding][data-waived]');
b.countLaunches = count('tr[data-launch]');
b.countBars = count('[data-bar]');
b.countFreezes = count('[data-freeze]');
b.countExternal = external + cssUrls;
</script>
</body>"#;
    let probed = page.replace(csp, "").replace("</body>", probe);
    let file = dir.path().join("report.html");
    fs::write(&file, probed).unwrap();
    let output = headless(browser, &dir.path().join("profile"))
        .arg("--dump-dom")
        .arg(format!("file://{}", file.display()))
        .output()
        .expect("chromium runs");
    let dom = String::from_utf8_lossy(&output.stdout);
    let counted = |name: &str| -> usize {
        let key = format!("data-count-{name}=\"");
        let at = dom
            .find(&key)
            .unwrap_or_else(|| panic!("the browser did not count {name}: {dom}"));
        let rest = &dom[at + key.len()..];
        rest[..rest.find('"').unwrap()].parse().expect("a count")
    };

    let json: Value = serde_json::from_str(&run(&demo(), &["check", "-f", "json"])).unwrap();
    assert_eq!(
        counted("findings"),
        json["findings"].as_array().unwrap().len()
    );
    let summary = &json["summary"];
    assert_eq!(
        counted("errors") as u64,
        summary["errors"].as_u64().unwrap()
    );
    assert_eq!(
        counted("warnings") as u64,
        summary["warnings"].as_u64().unwrap()
    );
    assert_eq!(
        counted("waived") as u64,
        summary["waived"].as_u64().unwrap()
    );
    let calendar = run(&demo(), &["calendar"]);
    let launches = calendar.matches("/window@launchcheck").count();
    assert_eq!(counted("launches"), launches);
    // LR-2026-0142, -0145, -0147 and -0152 start within the six weeks from 2026-11-25; each
    // has one service, so one bar.
    assert_eq!(counted("bars"), 4);
    assert_eq!(counted("freezes"), 1);
    assert_eq!(counted("external"), 0);
}

#[test]
fn the_demo_page_renders_at_desktop_and_phone_width() {
    let Some(browser) = chromium() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("report.html");
    fs::write(&file, html(&demo())).unwrap();
    let update = std::env::var_os("LAUNCHCHECK_UPDATE_SCREENSHOTS").is_some();
    for (name, width, height) in [("desktop", 1280, 800), ("phone", 390, 844)] {
        let shot = dir.path().join(format!("{name}.png"));
        let status = headless(browser, &dir.path().join(format!("profile-{name}")))
            .arg(format!("--window-size={width},{height}"))
            .arg(format!("--screenshot={}", shot.display()))
            .arg(format!("file://{}", file.display()))
            .output()
            .expect("chromium runs");
        assert!(status.status.success(), "{status:?}");
        let bytes = fs::read(&shot).expect("a screenshot");
        assert_eq!(png_size(&bytes), (width, height));
        // A blank page compresses to a few kilobytes; the report does not.
        assert!(bytes.len() > 20_000, "{name}: {} bytes", bytes.len());
        if update {
            let docs = common::project("docs");
            fs::create_dir_all(&docs).unwrap();
            fs::write(docs.join(format!("report-{name}.png")), &bytes).unwrap();
        }
    }
}

#[test]
fn the_timeline_shows_incidents_that_are_still_going_on() {
    let page = html(&demo());
    // INC-2026-0043 is open: a bar in its own lane and a row in the text table.
    assert!(page.contains("data-lane=\"incidents\""), "{page}");
    assert!(page.contains("data-incident=\"INC-2026-0043\""), "{page}");
    assert_eq!(page.matches("<tr data-open-incident>").count(), 1, "{page}");
    // INC-2026-0041 is resolved: it is history, not on the timeline.
    assert!(!page.contains("data-incident=\"INC-2026-0041\""), "{page}");
}

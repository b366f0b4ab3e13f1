//! Exact positions in the JSON output: 1-based lines, columns counted in characters, and
//! inclusive ends, for files with CRLF line endings, a UTF-8 byte-order mark, and Chinese
//! text before the error on the same line. Every expected number below was counted by hand
//! from the file text next to it (the comments show the counting).

mod common;
use common::{TempRepo, NOW_ARG};

/// One finding's place: (code, line, column, end_line, end_column).
type Place = (String, u64, u64, u64, u64);

/// Writes `files` into a fresh repository, runs `check --format json` with the foundation
/// rules only, and returns the findings of `path` in output order.
fn places(files: &[(&str, &[u8])], path: &str) -> Vec<Place> {
    let dir = TempRepo::plain();
    for (name, bytes) in files {
        dir.write(name, bytes);
    }
    let run = dir.run(&["check", NOW_ARG, "--select=LC0", "--format=json"]);
    let json = run.json();
    json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["path"] == path)
        .map(|f| {
            let n = |key: &str| f[key].as_u64().unwrap_or_else(|| panic!("{key} in {f}"));
            (
                f["code"].as_str().unwrap_or_default().to_owned(),
                n("line"),
                n("column"),
                n("end_line"),
                n("end_column"),
            )
        })
        .collect()
}

fn place(code: &str, line: u64, column: u64, end_line: u64, end_column: u64) -> Place {
    (code.to_owned(), line, column, end_line, end_column)
}

#[test]
fn crlf_line_endings_do_not_shift_lines_or_columns() {
    let text = [
        "kind = \"launch-request\"",
        "id = \"LR-2026-0301\"",
        "title = \"CRLF request\"",
        "services = [\"search-api\"]",
        "change_type = \"normal\"",
        "risk = \"hihg\"", // line 6: `risk = ` is 7 characters, `"hihg"` is columns 8..13
        "status = \"submitted\"",
        "requester = \"alice\"",
        "rollout = [", // line 9: `rollout = ` is 10; the array runs to line 11, column 1
        "  \"canary\",",
        "]",
        "",
        "[window]",
        "start = 2026-12-01T02:00:00", // line 14: `start = ` is 8, the datetime is 9..27
        "end = 2026-12-01T04:00:00+08:00",
        "",
        "[rolback]", // line 17: the key `rolback` is columns 2..8
        "steps = [\"Redeploy 1.4.1\"]",
        "",
    ]
    .join("\r\n");
    let found = places(
        &[("launches/crlf.toml", text.as_bytes())],
        "launches/crlf.toml",
    );
    assert_eq!(
        found,
        [
            place("LC003", 6, 8, 6, 13),
            place("LC003", 9, 11, 11, 1),
            place("LC003", 14, 9, 14, 27),
            place("LC003", 17, 2, 17, 8),
        ]
    );
}

#[test]
fn a_missing_key_points_at_the_table_header_without_its_line_break() {
    let text = "kind = \"launch-request\"\r\nid = \"LR-2026-0302\"\r\ntitle = \"t\"\r\nservices = [\"a\"]\r\nchange_type = \"normal\"\r\nrisk = \"low\"\r\nstatus = \"draft\"\r\nrequester = \"alice\"\r\n[window]\r\nstart = 2026-12-01T02:00:00Z\r\n";
    // `[window]` (line 9, columns 1..8) lacks `end`.
    let found = places(&[("launches/a.toml", text.as_bytes())], "launches/a.toml");
    assert_eq!(found, [place("LC003", 9, 1, 9, 8)]);
}

#[test]
fn a_byte_order_mark_is_not_a_column() {
    let text = "\u{feff}kind = \"launch-requst\"\nid = \"LR-2026-0303\"\n";
    // The BOM is invisible: `kind = ` is 7 characters, `"launch-requst"` is columns 8..22.
    let found = places(
        &[("launches/bom.toml", text.as_bytes())],
        "launches/bom.toml",
    );
    assert_eq!(found, [place("LC002", 1, 8, 1, 22)]);

    let text = "\u{feff}kind = \"launch-request\"\nid = \"LR-2026-0304\"\ntitle = \"BOM\"\nservices = [\"a\"]\nchange_type = \"normal\"\nrisk = \"low\"\nstatus = \"draft\"\nrequester = \"alice\"\nwindow = { start = 2026-12-01T02:00:00Z, end = 2026-12-01T04:00:00Z }\nimpact = 7\n";
    // Line 10: `impact = ` is 9 characters, `7` is column 10.
    let found = places(
        &[("launches/bom2.toml", text.as_bytes())],
        "launches/bom2.toml",
    );
    assert_eq!(found, [place("LC003", 10, 10, 10, 10)]);
}

#[test]
fn a_second_byte_order_mark_is_a_syntax_error_at_its_column() {
    // Only the first BOM is invisible: the second is line 1, column 1.
    let text = "\u{feff}\u{feff}kind = \"launch-request\"\r\nid = \"LR-2026-0305\"\r\n";
    let found = places(
        &[("launches/two.toml", text.as_bytes())],
        "launches/two.toml",
    );
    assert_eq!(found, [place("LC001", 1, 1, 1, 1)]);

    // Mid-file, after `"标题" = ` (7 characters) on line 3: column 8.
    let text = "\u{feff}kind = \"launch-request\"\r\nid = \"LR-2026-0306\"\r\n\"标题\" = \u{feff}\"x\"\r\n";
    let found = places(
        &[("launches/mid.toml", text.as_bytes())],
        "launches/mid.toml",
    );
    assert_eq!(
        found.first(),
        Some(&place("LC001", 3, 8, 3, 8)),
        "{found:?}"
    );
}

#[test]
fn chinese_text_before_the_error_counts_one_column_per_character() {
    let head = "kind = \"launch-request\"\nid = \"LR-2026-0305\"\ntitle = \"支付网关上线\"\nchange_type = \"normal\"\nrisk = \"low\"\nstatus = \"draft\"\nrequester = \"alice\"\n";
    // Line 8: `services = [` is 12 characters, `"支付网关"` is 13..18, `, ` 19..20, `42` 21..22.
    // Line 9: `window = { x-note = "` is 21 characters, 凌晨两点上线 is 22..27, `", ` 28..30,
    //         `start = ` 31..38, and the datetime without an offset is 39..57.
    let text = format!(
        "{head}services = [\"支付网关\", 42]\nwindow = {{ x-note = \"凌晨两点上线\", start = 2026-12-01T02:00:00, end = 2026-12-01T04:00:00+08:00 }}\n"
    );
    let found = places(&[("launches/zh.toml", text.as_bytes())], "launches/zh.toml");
    assert_eq!(
        found,
        [place("LC003", 8, 21, 8, 22), place("LC003", 9, 39, 9, 57)]
    );

    // A syntax error: `summary = "` is 11 characters, 变更内容 is 12..15, `"` 16, `;` 17.
    let text = "kind = \"launch-request\"\nsummary = \"变更内容\"; impact = \"x\"\n";
    let found = places(
        &[("launches/syntax.toml", text.as_bytes())],
        "launches/syntax.toml",
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!((found[0].1, found[0].2), (2, 17));
}

#[test]
fn a_duplicate_key_after_chinese_text_on_a_crlf_line() {
    // Line 2: `window = { x-note = "` is 21 characters, 凌晨 22..23, `", ` 24..26, and the
    // second `x-note` is 27..32.
    let text = "kind = \"launch-request\"\r\nwindow = { x-note = \"凌晨\", x-note = \"两点\" }\r\n";
    let found = places(
        &[("launches/dup.toml", text.as_bytes())],
        "launches/dup.toml",
    );
    assert_eq!(found, [place("LC001", 2, 27, 2, 32)]);
}

#[test]
fn a_file_that_is_not_utf8_is_reported_at_its_first_bad_byte() {
    // Latin-1 `é` (0xE9) in `Café`: `title = "Caf` is 12 characters, so the bad byte is 13.
    let mut bytes = b"kind = \"launch-request\"\nid = \"LR-2026-0306\"\ntitle = \"Caf".to_vec();
    bytes.extend_from_slice(b"\xe9 launch\"\n");
    let found = places(&[("launches/latin1.toml", &bytes)], "launches/latin1.toml");
    assert_eq!(found, [place("LC005", 3, 13, 3, 13)]);
}

#[test]
fn related_spans_have_their_own_positions() {
    let launch = |bom: &str, eol: &str| {
        format!(
            "{bom}# 上线申请{eol}kind = \"launch-request\"{eol}id = \"LR-2026-0307\"{eol}title = \"t\"{eol}services = [\"a\"]{eol}change_type = \"normal\"{eol}risk = \"low\"{eol}status = \"draft\"{eol}requester = \"alice\"{eol}window = {{ start = 2026-12-01T02:00:00Z, end = 2026-12-01T04:00:00Z }}{eol}"
        )
    };
    let first = launch("\u{feff}", "\r\n");
    let second = launch("", "\n");
    let dir_files: [(&str, &[u8]); 2] = [
        ("launches/a.toml", first.as_bytes()),
        ("launches/b.toml", second.as_bytes()),
    ];
    let dir = TempRepo::plain();
    for (name, bytes) in dir_files {
        dir.write(name, bytes);
    }
    let run = dir.run(&["check", NOW_ARG, "--select=duplicate-id", "--format=json"]);
    let json = run.json();
    // Line 3 in both files (the comment is line 1): `id = ` is 5, the id is 6..19.
    let findings = json["findings"].as_array().expect("findings");
    assert_eq!(findings.len(), 2, "{json}");
    for (finding, other) in findings.iter().zip(["launches/b.toml", "launches/a.toml"]) {
        assert_eq!(
            (&finding["line"], &finding["column"]),
            (&3.into(), &6.into())
        );
        assert_eq!(
            (&finding["end_line"], &finding["end_column"]),
            (&3.into(), &19.into())
        );
        let related = &finding["related"][0];
        assert_eq!(related["path"], other);
        assert_eq!(
            (&related["line"], &related["column"]),
            (&3.into(), &6.into())
        );
    }
}

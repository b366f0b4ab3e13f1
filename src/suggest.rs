//! "Did you mean" suggestions for misspelt keys, kinds, rules and people, and the TOML
//! spelling of keys and strings that suggestions show, so a suggested fix is always valid
//! TOML.

use toml_writer::{ToTomlKey, ToTomlValue};

/// A key as TOML writes it: bare when it can be (`rollback`), quoted otherwise (`"王伟"`,
/// `"x y"`).
pub fn toml_key(key: &str) -> String {
    key.to_toml_key()
}

/// A string value as TOML writes it, quotes and escapes included (`"high"`).
pub fn toml_string(text: &str) -> String {
    text.to_toml_value()
}

/// Words longer than this are not compared: no name is that long, and the comparison costs
/// time quadratic in the length (a file may hold megabyte-long values, which made one run
/// take minutes).
const MAX_CHARS: usize = 100;

/// The Jaro-Winkler similarity from which a candidate is a plausible typo.
const MIN_SIMILARITY: f64 = 0.8;

/// Short words may instead be one edit (an insertion, a deletion, a substitution or a swap of
/// neighbours) from a candidate: Jaro-Winkler scores short transpositions low (`lwo` is 0.56
/// from `low`). A one-letter word is one edit from every short candidate, which says nothing;
/// in longer words one edit already scores high, and allowing two would be too loose.
const ONE_EDIT_CHARS: std::ops::RangeInclusive<usize> = 2..=5;

fn comparable(word: &str) -> bool {
    // A UTF-8 character takes at most 4 bytes, so only mid-length words need counting.
    word.len() <= MAX_CHARS || (word.len() <= 4 * MAX_CHARS && word.chars().count() <= MAX_CHARS)
}

/// `text` in lower case: `text` itself when it has no upper-case letter, else a copy made in
/// `buffer`. Candidates may number in the thousands (launch ids), so no copy is allocated per
/// candidate.
fn folded<'t>(text: &'t str, buffer: &'t mut String) -> &'t str {
    buffer.clear();
    if text.is_ascii() {
        if !text.bytes().any(|b| b.is_ascii_uppercase()) {
            return text;
        }
        buffer.push_str(text);
        buffer.make_ascii_lowercase();
    } else {
        if !text.chars().any(char::is_uppercase) {
            return text;
        }
        buffer.extend(text.chars().flat_map(char::to_lowercase));
    }
    buffer
}

/// Whether `candidate` is within one edit of `word` (both already lower case), which has
/// `word_chars` characters.
fn one_edit_apart(word: &str, word_chars: usize, candidate: &str) -> bool {
    // Its length alone rules most candidates out before the distance is computed.
    if candidate.len() + 1 < word_chars || candidate.len() > 4 * (word_chars + 1) {
        return false;
    }
    candidate.chars().count().abs_diff(word_chars) <= 1
        && strsim::osa_distance(word, candidate) <= 1
}

/// The candidate closest to `word`, when it is close enough to be a plausible typo.
/// Comparison ignores case; of equally close candidates the first wins.
pub fn closest<'c>(word: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    if !comparable(word) {
        return None;
    }
    let mut word_buffer = String::new();
    let word = folded(word, &mut word_buffer);
    let word_chars = word.chars().count();
    let short = ONE_EDIT_CHARS.contains(&word_chars);
    let mut buffer = String::new();
    let mut best: Option<(f64, &'c str)> = None;
    // The most similar candidate one edit away, used only when none is similar enough.
    let mut one_edit: Option<(f64, &'c str)> = None;
    for candidate in candidates.into_iter().filter(|c| comparable(c)) {
        let lower = folded(candidate, &mut buffer);
        let score = strsim::jaro_winkler(word, lower);
        if score >= MIN_SIMILARITY {
            if best.is_none_or(|(b, _)| score > b) {
                best = Some((score, candidate));
            }
        } else if short
            && best.is_none()
            && one_edit.is_none_or(|(b, _)| score > b)
            && one_edit_apart(word, word_chars, lower)
        {
            one_edit = Some((score, candidate));
        }
    }
    best.or(one_edit).map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::{closest, folded, toml_key, toml_string};

    #[test]
    fn keys_and_strings_are_quoted_when_toml_needs_it() {
        assert_eq!(toml_key("rollback"), "rollback");
        assert_eq!(toml_key("tested_on"), "tested_on");
        assert_eq!(toml_key("王伟"), "\"王伟\"");
        assert_eq!(toml_key("x y"), "\"x y\"");
        assert_eq!(toml_string("high"), "\"high\"");
        for key in ["王伟", "x y", "a.b", "say \"hi\"", "tab\there", ""] {
            let header = format!("[people.{}]\nname = {}\n", toml_key(key), toml_string(key));
            let table: toml::Table = header.parse().unwrap_or_else(|e| panic!("{header}: {e}"));
            assert_eq!(table["people"][key]["name"].as_str(), Some(key));
        }
    }

    #[test]
    fn suggests_close_words_only() {
        let keys = ["rollback", "rollout", "risk"];
        assert_eq!(closest("rolback", keys), Some("rollback"));
        assert_eq!(closest("zzz", keys), None);
    }

    #[test]
    fn short_transpositions_and_single_edits_are_suggested() {
        let risks = ["low", "medium", "high", "critical"];
        // Jaro-Winkler alone rates these below the threshold.
        for (typo, meant) in [
            ("lwo", "low"),
            ("olw", "low"),
            ("lw", "low"),
            ("xow", "low"),
        ] {
            assert!(strsim::jaro_winkler(typo, meant) < 0.8, "{typo}");
            assert_eq!(closest(typo, risks), Some(meant), "{typo}");
        }
        assert_eq!(closest("pos", ["qa", "ops", "security"]), Some("ops"));
        assert_eq!(closest("aq", ["ops", "qa", "security"]), Some("qa"));
        assert_eq!(closest("LWO", risks), Some("low"), "case is ignored");
        // Jaro-Winkler already finds these.
        assert_eq!(closest("hgih", risks), Some("high"));
        assert_eq!(closest("criticla", risks), Some("critical"));
    }

    #[test]
    fn one_edit_is_not_enough_for_one_letter_words_and_two_are_too_many() {
        assert_eq!(closest("a", ["b", "c"]), None);
        for typo in ["wlo", "owl"] {
            assert_eq!(closest(typo, ["low", "high"]), None, "{typo}");
        }
        assert_eq!(closest("hgix", ["low", "high"]), None);
        assert_eq!(closest("sop", ["ops", "qa"]), None);
    }

    #[test]
    fn similar_candidates_win_over_one_edit_ones_and_order_breaks_ties() {
        // `lwos` is similar by Jaro-Winkler; `low` is only one edit from `lwo`.
        assert_eq!(closest("lwo", ["low", "lwos"]), Some("lwos"));
        // Equally close: the first.
        assert_eq!(closest("ab", ["ax", "ay"]), Some("ax"));
        assert_eq!(closest("ab", ["ay", "ax"]), Some("ay"));
    }

    #[test]
    fn case_is_ignored_without_copying_lower_case_candidates() {
        let mut buffer = String::new();
        let lower = "lr-2026-0142";
        assert!(std::ptr::eq(folded(lower, &mut buffer), lower));
        assert_eq!(folded("LR-2026-0142", &mut buffer), "lr-2026-0142");
        assert_eq!(folded("Überprüfung", &mut buffer), "überprüfung");
        let unicode_lower = "überprüfung";
        assert!(std::ptr::eq(
            folded(unicode_lower, &mut buffer),
            unicode_lower
        ));
        let ids = ["LR-2026-0141", "LR-2026-0142", "lr-2026-0143"];
        assert_eq!(closest("lr-2026-0142", ids), Some("LR-2026-0142"));
        assert_eq!(closest("LR-2026-0143", ids), Some("lr-2026-0143"));
    }

    #[test]
    fn overlong_words_are_not_compared() {
        let long = "a".repeat(200_000);
        let near = format!("{long}b");
        let started = std::time::Instant::now();
        assert_eq!(closest(&long, [near.as_str()]), None);
        assert_eq!(closest("a", [near.as_str(), "b"]), None);
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
        let hundred = "x".repeat(100);
        assert_eq!(
            closest(&hundred, [hundred.as_str()]),
            Some(hundred.as_str())
        );
    }
}

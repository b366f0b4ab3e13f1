//! "Did you mean" suggestions for misspelt keys, kinds, rules and people.

/// Words longer than this are not compared: no name is that long, and the comparison costs
/// time quadratic in the length (a file may hold megabyte-long values, which made one run
/// take minutes).
const MAX_CHARS: usize = 100;

fn comparable(word: &str) -> bool {
    // A UTF-8 character takes at most 4 bytes, so only mid-length words need counting.
    word.len() <= MAX_CHARS || (word.len() <= 4 * MAX_CHARS && word.chars().count() <= MAX_CHARS)
}

/// The candidate closest to `word`, when it is close enough to be a plausible typo.
pub fn closest<'c>(word: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    if !comparable(word) {
        return None;
    }
    let word = word.to_lowercase();
    let mut best: Option<(f64, &'c str)> = None;
    for candidate in candidates.into_iter().filter(|c| comparable(c)) {
        let score = strsim::jaro_winkler(&word, &candidate.to_lowercase());
        if score >= 0.8 && best.is_none_or(|(b, _)| score > b) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn suggests_close_words_only() {
        let keys = ["rollback", "rollout", "risk"];
        assert_eq!(closest("rolback", keys), Some("rollback"));
        assert_eq!(closest("zzz", keys), None);
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

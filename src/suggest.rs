//! "Did you mean …?" for a name an operator mistyped (a job, an action):
//! one measure everywhere, so the command line, the dock and the rules
//! suggest alike.

/// The candidates closest to `wanted`, best first, at most three: those that
/// start with it (a unique prefix names one job) and those spelled alike
/// (Jaro-Winkler ≥ 0.85, case ignored).
pub fn closest<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let wanted_lower = wanted.to_lowercase();
    let mut close: Vec<(bool, f64, &str)> = candidates
        .into_iter()
        .map(|c| {
            let lower = c.to_lowercase();
            let prefix = !wanted.is_empty() && lower.starts_with(&wanted_lower);
            (prefix, strsim::jaro_winkler(&lower, &wanted_lower), c)
        })
        .filter(|(prefix, score, c)| (*prefix || *score >= 0.85) && *c != wanted)
        .collect();
    // Prefix matches first: what was typed is the start of a name.
    close.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.total_cmp(&a.1)));
    close.into_iter().take(3).map(|(_, _, c)| c).collect()
}

/// `did you mean 'a' or 'b'?`, or nothing when there is no suggestion.
pub fn did_you_mean(suggestions: &[&str]) -> Option<String> {
    let quoted: Vec<String> = suggestions.iter().map(|s| format!("'{s}'")).collect();
    match quoted.as_slice() {
        [] => None,
        [one] => Some(format!("did you mean {one}?")),
        [rest @ .., last] => Some(format!("did you mean {} or {last}?", rest.join(", "))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_and_unique_prefixes_are_suggested_best_first() {
        let names = ["acme-import-7", "acme-export-2", "contoso-backup"];
        assert_eq!(closest("acme-improt-7", names)[0], "acme-import-7");
        assert_eq!(closest("cont", names), ["contoso-backup"]);
        assert_eq!(closest("ACME-IMP", names), ["acme-import-7"]);
        assert!(closest("zzz", names).is_empty());
        assert_eq!(closest("recieve", ["resolve", "receive", "ship"]), ["receive"]);
    }

    #[test]
    fn suggestions_read_as_one_question() {
        assert_eq!(did_you_mean(&[]), None);
        assert_eq!(did_you_mean(&["receive"]).as_deref(), Some("did you mean 'receive'?"));
        assert_eq!(did_you_mean(&["a", "b", "c"]).as_deref(), Some("did you mean 'a', 'b' or 'c'?"));
    }
}

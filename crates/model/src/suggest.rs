//! "Did you mean" hints for misspelt keys, operators and names.

/// The candidate closest to `input`, if it is close enough to be a plausible typo.
pub fn nearest<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let input_lower = input.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::osa_distance(&input_lower, &c.to_lowercase()), c))
        .filter(|(distance, c)| *distance <= (c.len().max(input.len()) / 3).max(1))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, c)| c)
}

/// ` (did you mean `x`?)`, or nothing.
pub fn did_you_mean<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    nearest(input, candidates).map_or_else(String::new, |c| format!(" (did you mean `{c}`?)"))
}

#[cfg(test)]
mod tests {
    use super::nearest;

    #[test]
    fn finds_close_names_and_ignores_far_ones() {
        let ops = ["eq", "ne", "in", "not_in", "contains", "starts_with"];
        assert_eq!(nearest("eqq", ops), Some("eq"));
        assert_eq!(nearest("contians", ops), Some("contains"));
        assert_eq!(nearest("StartsWith", ops), Some("starts_with"));
        assert_eq!(nearest("zzzzzz", ops), None);
    }
}

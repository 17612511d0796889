//! The conformance suite: the tables in `tests/conformance/` compiled by the same code generator
//! as the rules. Each entry is a `#[test]` in `entries`; the tests below check the suite as a
//! whole: twins agree everywhere, and every operator and condition name is exercised.

vigil_macros::conformance_suite! { root = "../../tests/conformance" }

#[cfg(test)]
mod suite {
    use vigil_runtime::Event;

    use super::{DETECTION_COVERAGE, ENTRIES, OPERATOR_COVERAGE, SCHEMA};

    #[test]
    fn has_at_least_200_cases() {
        let cases: usize = ENTRIES.iter().map(|e| e.cases.len()).sum();
        assert!(cases >= 200, "{cases} cases");
    }

    #[test]
    fn every_operator_and_condition_name_has_three_cases() {
        let thin: Vec<String> = OPERATOR_COVERAGE
            .iter()
            .chain(DETECTION_COVERAGE)
            .filter(|(_, cases)| *cases < 3)
            .map(|(name, cases)| format!("{name} ({cases})"))
            .collect();
        assert!(thin.is_empty(), "fewer than 3 cases: {}", thin.join(", "));
    }

    /// A `Detection:` twin and its `Condition:` agree on every event of the whole suite, not
    /// only on their own entry's.
    #[test]
    fn detection_twins_agree_with_conditions_on_every_event() {
        let events: Vec<&str> = ENTRIES.iter().flat_map(|e| e.cases.iter().map(|(json, _)| *json)).collect();
        let mut disagreements = Vec::new();
        let mut pairs = 0;
        for entry in ENTRIES {
            let Some(detection) = entry.detection else { continue };
            pairs += 1;
            for json in &events {
                let event = Event::parse(&SCHEMA, json).expect("suite events parse");
                if (entry.matcher)(&event) != detection(&event) {
                    disagreements.push(format!("{} `{}` on {json}", entry.at, entry.condition));
                }
            }
        }
        assert!(pairs >= 5, "only {pairs} pairs");
        assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
    }
}

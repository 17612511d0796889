//! Runs a rule's own test cases: the generated `#[test]`s call [`check`].

use crate::event::{Event, Schema};
use crate::render;
use crate::rule::{Rule, RuleSet, TestCase};
use crate::value::Value;

/// A compiled conformance entry (see `vigil_model::conformance`).
#[derive(Debug)]
pub struct ConformanceEntry {
    /// `tests/conformance/eq.yml:12`.
    pub at: &'static str,
    pub condition: &'static str,
    pub matcher: fn(&Event) -> bool,
    /// The Simple Detection twin, if the entry has one.
    pub detection: Option<fn(&Event) -> bool>,
    /// Events as JSON, with the expected verdict.
    pub cases: &'static [(&'static str, bool)],
}

/// Runs every case of a conformance entry through its matcher and its twin; the error lists
/// every case that went wrong.
pub fn check_conformance(schema: &Schema, entry: &ConformanceEntry) -> Result<(), String> {
    let mut wrong = Vec::new();
    for (json, expected) in entry.cases {
        let event =
            Event::parse(schema, json).map_err(|e| format!("{}: event {json} does not parse: {e}", entry.at))?;
        for (which, matcher) in [("condition", Some(entry.matcher)), ("detection", entry.detection)] {
            if matcher.is_some_and(|m| m(&event) != *expected) {
                wrong.push(format!("{which} gave {} on {json}", !expected));
            }
        }
    }
    if wrong.is_empty() { Ok(()) } else { Err(format!("{}: `{}`: {}", entry.at, entry.condition, wrong.join("; "))) }
}

/// Checks one test case: the verdict, and for expected matches the rendered title, dedup string
/// and severity when the case pins them. The error says what differed.
pub fn check(rule_set: &RuleSet, rule: &Rule, case: &TestCase) -> Result<(), String> {
    let at = format!("{}:{}: rule {} test {:?}", rule.file, case.line, rule.id, case.name);
    let event = Event::parse(&rule_set.schema, case.log).map_err(|e| format!("{at}: the Log is not an event: {e}"))?;
    let matched = (rule.matcher)(&event);
    if matched != case.expected_result {
        return Err(format!(
            "{at}: expected {}, but the rule {}",
            if case.expected_result { "a match" } else { "no match" },
            if matched { "matched" } else { "did not match" }
        ));
    }
    if !matched {
        return Ok(());
    }
    let title = render::title(rule, &event);
    let dedup = render::dedup(rule, &event, &title);
    let mut wrong = Vec::new();
    let pinned = [("title", case.expected_title, &title), ("dedup string", case.expected_dedup, &dedup)];
    for (what, expected, actual) in pinned {
        if let Some(expected) = expected.filter(|e| e != actual) {
            wrong.push(format!("expected {what} {expected:?}, got {actual:?}"));
        }
    }
    if let Some(expected) = case.expected_alert_context {
        let actual: serde_json::Map<String, serde_json::Value> =
            render::fields_json(rule.alert_context, &event).into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        let actual = serde_json::Value::Object(actual).to_string();
        // Compared as event values are: numbers by value, keys in any order.
        let want: Value = serde_json::from_str(expected).expect("the compiler wrote it as JSON");
        let got: Value = serde_json::from_str(&actual).expect("serde_json wrote it");
        if want != got {
            wrong.push(format!("expected alert context {}, got {actual}", want.to_json()));
        }
    }
    let severity = render::severity(rule, &event);
    if let Some(expected) = case.expected_severity.filter(|e| *e != severity) {
        wrong.push(format!("expected severity {expected:?}, got {severity:?}"));
    }
    if !wrong.is_empty() {
        return Err(format!("{at}: {}", wrong.join("; ")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::tests::schema;
    use crate::render::tests::{TITLE, rule};
    use crate::rule::{LogType, Severity};

    fn case(expected_result: bool, log: &'static str) -> TestCase {
        TestCase {
            name: "case",
            line: 7,
            expected_result,
            log,
            expected_title: Some("by ann / -v"),
            expected_dedup: Some("by ann / -v"),
            expected_severity: Some(Severity::Low),
            expected_alert_context: None,
        }
    }

    fn run(case: &TestCase) -> Result<(), String> {
        let set = RuleSet { schema: schema(), log_types: &[] as &[LogType], rules: &[] };
        let mut rule = rule(Some(TITLE), &[]);
        rule.matcher = |event| event.slot(0).is_some();
        check(&set, &rule, case)
    }

    #[test]
    fn passes_when_verdict_and_pinned_outputs_agree() {
        assert_eq!(run(&case(true, r#"{"user": "ann", "argv": ["-v"]}"#)), Ok(()));
        assert_eq!(run(&case(false, "{}")), Ok(()));
    }

    #[test]
    fn alert_context_is_checked_when_pinned() {
        const CONTEXT: &[crate::rule::Field] = &[crate::rule::Field {
            name: "who",
            path: crate::event::Path { slot: 0, rest: &[] },
            placeholder: "<UNKNOWN_USER>",
        }];
        let set = RuleSet { schema: schema(), log_types: &[] as &[LogType], rules: &[] };
        let mut rule = rule(None, &[]);
        rule.alert_context = CONTEXT;
        let mut pinned = case(true, r#"{"user": "ann"}"#);
        (pinned.expected_title, pinned.expected_dedup, pinned.expected_severity) = (None, None, None);
        pinned.expected_alert_context = Some(r#"{"who": "ann"}"#);
        assert_eq!(check(&set, &rule, &pinned), Ok(()));
        let mut numeric = case(true, r#"{"user": 2.0}"#);
        (numeric.expected_title, numeric.expected_dedup, numeric.expected_severity) = (None, None, None);
        numeric.expected_alert_context = Some(r#"{"who": 2}"#);
        assert_eq!(check(&set, &rule, &numeric), Ok(()), "numbers compare by value");
        pinned.expected_alert_context = Some(r#"{"who": "bob"}"#);
        assert_eq!(
            check(&set, &rule, &pinned),
            Err(r#"t.yml:7: rule T.Rule test "case": expected alert context {"who":"bob"}, got {"who":"ann"}"#.into())
        );
    }

    #[test]
    fn failures_name_the_file_line_and_every_difference() {
        assert_eq!(
            run(&case(true, "{}")),
            Err(r#"t.yml:7: rule T.Rule test "case": expected a match, but the rule did not match"#.into())
        );
        let mut pinned = case(true, r#"{"user": "bob"}"#);
        pinned.expected_severity = Some(Severity::High);
        assert_eq!(
            run(&pinned),
            Err(r#"t.yml:7: rule T.Rule test "case": expected title "by ann / -v", got "by bob / no args"; expected dedup string "by ann / -v", got "by bob / no args"; expected severity High, got Low"#.into())
        );
        assert!(
            run(&case(true, "{"))
                .unwrap_err()
                .starts_with(r#"t.yml:7: rule T.Rule test "case": the Log is not an event"#)
        );
    }
}

//! Runs a rule's own test cases: the generated `#[test]`s call [`check`].

use crate::event::Event;
use crate::render;
use crate::rule::{Rule, RuleSet, TestCase};

/// Checks one test case: the verdict, and for expected matches the rendered title, dedup string
/// and severity when the case pins them. The error says what differed.
pub fn check(rule_set: &RuleSet, rule: &Rule, case: &TestCase) -> Result<(), String> {
    let event = Event::parse(&rule_set.schema, case.log).map_err(|e| format!("the test's Log is not an event: {e}"))?;
    let matched = (rule.matcher)(&event);
    if matched != case.expected_result {
        return Err(format!(
            "rule {} test {:?}: expected {}, but the rule {}",
            rule.id,
            case.name,
            if case.expected_result { "a match" } else { "no match" },
            if matched { "matched" } else { "did not match" }
        ));
    }
    if !matched {
        return Ok(());
    }
    let title = render::title(rule, &event);
    let dedup = render::dedup(rule, &event, &title);
    let pinned = [("title", case.expected_title, &title), ("dedup string", case.expected_dedup, &dedup)];
    for (what, expected, actual) in pinned {
        if let Some(expected) = expected {
            if expected != actual {
                return Err(format!(
                    "rule {} test {:?}: expected {what} {expected:?}, got {actual:?}",
                    rule.id, case.name
                ));
            }
        }
    }
    if let Some(expected) = case.expected_severity {
        if expected != rule.severity {
            return Err(format!(
                "rule {} test {:?}: expected severity {expected:?}, got {:?}",
                rule.id, case.name, rule.severity
            ));
        }
    }
    Ok(())
}

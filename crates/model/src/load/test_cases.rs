//! A rule's `Tests:`: each case checked, its `Log` turned into the JSON event it stands for.

use std::collections::BTreeMap;

use super::{Checker, key};
use crate::rule::TestCase;
use crate::source_map::Step;
use crate::spec::TestSpec;

impl Checker<'_> {
    pub(super) fn tests(&mut self, specs: Vec<TestSpec>) -> Vec<TestCase> {
        let mut cases = Vec::new();
        let mut names = BTreeMap::new();
        for (i, spec) in specs.into_iter().enumerate() {
            let at = [key("Tests"), Step::Index(i)];
            let here = |k: &str| -> Vec<Step> { at.iter().cloned().chain([key(k)]).collect() };
            // The document check keeps only cases with every required key.
            let (Some(name), Some(expected_result), Some(log)) = (spec.name, spec.expected_result, spec.log) else {
                continue;
            };
            if let Some(first) = names.insert(name.clone(), i) {
                self.at_value(
                    &here("Name"),
                    format!("test `{name}` is already defined (test {}); give each test its own Name", first + 1),
                );
            }
            if spec.mocks.is_some() {
                self.at_key(&here("Mocks"), "`Mocks` only apply to Python rules; remove it".into());
            }
            if !expected_result {
                let pinned = [
                    ("ExpectedTitle", spec.expected_title.is_some()),
                    ("ExpectedDedup", spec.expected_dedup.is_some()),
                    ("ExpectedSeverity", spec.expected_severity.is_some()),
                    ("ExpectedAlertContext", spec.expected_alert_context.is_some()),
                ];
                for (pin, present) in pinned {
                    if present {
                        self.at_key(
                            &here(pin),
                            format!(
                                "`{pin}` only applies to a test with `ExpectedResult: true`; a non-match has no alert"
                            ),
                        );
                    }
                }
            }
            let expected_alert_context = spec.expected_alert_context.as_ref().and_then(|context| {
                if context.is_mapping() {
                    serde_json::to_string(context).ok()
                } else {
                    self.at_value(
                        &here("ExpectedAlertContext"),
                        "`ExpectedAlertContext` is a mapping of `KeyName: value`".into(),
                    );
                    None
                }
            });
            let line = self.map.key(&at).map_or(1, |p| p.line);
            let Some(log_json) = self.test_log(&here("Log"), &log) else { continue };
            cases.push(TestCase {
                name,
                line,
                expected_result,
                log_json,
                expected_title: spec.expected_title,
                expected_dedup: spec.expected_dedup,
                expected_severity: spec.expected_severity,
                expected_alert_context,
            });
        }
        cases
    }

    /// The test event as compact JSON. `Log` is a mapping, or a string of JSON (trailing commas,
    /// as Panther's catalog prints them, are accepted by reading the string as YAML flow).
    fn test_log(&mut self, at: &[Step], log: &serde_yaml::Value) -> Option<String> {
        // A string is JSON first (surrogate pairs, duplicate keys, big numbers, as `json.dumps`
        // writes them), then YAML flow, which also takes the trailing commas of Panther's catalog.
        let value = if let serde_yaml::Value::String(text) = log {
            match serde_json::from_str::<serde_json::Value>(text) {
                Ok(value) => value,
                Err(json_error) => {
                    let Ok(yaml) = serde_yaml::from_str::<serde_yaml::Value>(text) else {
                        self.at_value(at, format!("`Log` is a string but not JSON: {json_error}"));
                        return None;
                    };
                    self.yaml_log(at, &yaml)?
                }
            }
        } else {
            self.yaml_log(at, log)?
        };
        if !value.is_object() {
            self.at_value(at, "`Log` must be an event: a mapping or a JSON object".into());
            return None;
        }
        Some(value.to_string())
    }

    /// A YAML test event as JSON; NaN and infinities, which JSON would turn into `null`, are errors.
    fn yaml_log(&mut self, at: &[Step], yaml: &serde_yaml::Value) -> Option<serde_json::Value> {
        if has_non_finite(yaml) {
            self.at_value(at, "`Log` has a number JSON cannot hold (`.nan`, `.inf`, or beyond `f64`)".into());
            return None;
        }
        serde_json::to_value(yaml).map_err(|e| self.at_value(at, format!("`Log` cannot be turned into JSON: {e}"))).ok()
    }
}

/// Whether a YAML value holds NaN or an infinity, which JSON would silently turn into `null`.
fn has_non_finite(value: &serde_yaml::Value) -> bool {
    match value {
        serde_yaml::Value::Number(n) => n.as_f64().is_some_and(|f| !f.is_finite()),
        serde_yaml::Value::Sequence(items) => items.iter().any(has_non_finite),
        serde_yaml::Value::Mapping(map) => map.values().any(has_non_finite),
        serde_yaml::Value::Tagged(tagged) => has_non_finite(&tagged.value),
        _ => false,
    }
}

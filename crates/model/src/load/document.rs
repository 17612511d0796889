//! From a YAML document to the typed spec, key by key, so that every unknown, missing or
//! mistyped key is reported at its own position in one build, not only the first.

use serde::de::DeserializeOwned;
use serde_yaml::{Mapping, Value};

use super::{Checker, key};
use crate::source_map::{Pos, Step};
use crate::spec::RuleSpec;
use crate::suggest::did_you_mean;

/// The keys of a rule file.
pub const RULE_KEYS: &[&str] = &[
    "AnalysisType",
    "RuleID",
    "DisplayName",
    "Enabled",
    "LogTypes",
    "Severity",
    "Description",
    "Reference",
    "Runbook",
    "Status",
    "CreatedBy",
    "Tags",
    "Reports",
    "DedupPeriodMinutes",
    "Threshold",
    "SummaryAttributes",
    "CreateAlert",
    "Condition",
    "Detection",
    "Filename",
    "InlineFilters",
    "AlertTitle",
    "AlertContext",
    "GroupBy",
    "DynamicSeverities",
    "OutputFields",
    "Tests",
];

const REQUIRED_RULE_KEYS: &[(&str, &str)] = &[
    ("AnalysisType", "AnalysisType: rule"),
    ("RuleID", "RuleID: Teleport.NetworkScanning"),
    ("Enabled", "Enabled: true"),
    ("LogTypes", "LogTypes: [Gravitational.TeleportAudit]"),
    ("Severity", "Severity: Medium"),
];

const TEST_KEYS: &[&str] = &[
    "Name",
    "ExpectedResult",
    "Log",
    "ExpectedTitle",
    "ExpectedDedup",
    "ExpectedSeverity",
    "ExpectedAlertContext",
    "Mocks",
];

const REQUIRED_TEST_KEYS: &[(&str, &str)] =
    &[("Name", "Name: Nmap with args"), ("ExpectedResult", "ExpectedResult: true"), ("Log", "Log: {program: nmap}")];

impl Checker<'_> {
    /// The spec of a rule document, with every key that could be read; `None` when the document
    /// is not a mapping at all.
    pub(super) fn spec(&mut self, document: Value) -> Option<RuleSpec> {
        let Value::Mapping(mapping) = document else {
            self.report(
                Some(Pos { line: 1, col: 1 }),
                "a rule file is a YAML mapping of keys, e.g. `RuleID: ...`".into(),
            );
            return None;
        };
        let mut mapping = mapping;
        if let Some(tests) = mapping.get_mut("Tests") {
            *tests = self.tests_value(std::mem::take(tests));
        }
        let good = self.typed_mapping::<RuleSpec>(&[], mapping, RULE_KEYS, REQUIRED_RULE_KEYS, "rule");
        Some(serde_yaml::from_value(Value::Mapping(good)).expect("every kept key was checked on its own"))
    }

    /// `Tests:` with only the cases whose keys all check, each problem reported.
    fn tests_value(&mut self, tests: Value) -> Value {
        let Value::Sequence(items) = tests else { return tests };
        let mut good = Vec::new();
        for (i, item) in items.into_iter().enumerate() {
            let at = [key("Tests"), Step::Index(i)];
            let Value::Mapping(case) = item else {
                self.at_value(&at, "a test is a mapping with `Name`, `ExpectedResult` and `Log`".into());
                continue;
            };
            let case = self.typed_mapping::<crate::spec::TestSpec>(&at, case, TEST_KEYS, REQUIRED_TEST_KEYS, "test");
            if REQUIRED_TEST_KEYS.iter().all(|(k, _)| case.contains_key(*k)) {
                good.push(Value::Mapping(case));
            }
        }
        Value::Sequence(good)
    }

    /// The keys of `mapping` that are known and deserialise as part of `T`, each checked on its
    /// own; unknown, mistyped and missing required keys are reported.
    fn typed_mapping<T: DeserializeOwned>(
        &mut self,
        at: &[Step],
        mapping: Mapping,
        keys: &[&str],
        required: &[(&str, &str)],
        what: &str,
    ) -> Mapping {
        let mut good = Mapping::new();
        let mut seen = Vec::new();
        for (k, v) in mapping {
            let Some(name) = k.as_str().map(str::to_string) else {
                self.at_value(at, format!("a {what} has a key that is not a string: {}", short_yaml(&k)));
                continue;
            };
            seen.push(name.clone());
            let here: Vec<Step> = at.iter().cloned().chain([key(&name)]).collect();
            if !keys.contains(&name.as_str()) {
                let hint = match did_you_mean(&name, keys.iter().copied()) {
                    hint if hint.is_empty() => format!("; the keys of a {what} are: {}", keys.join(", ")),
                    hint => hint,
                };
                self.at_key(&here, format!("unknown key `{name}`{hint}"));
                continue;
            }
            let single = Mapping::from_iter([(k.clone(), v.clone())]);
            match serde_yaml::from_value::<T>(Value::Mapping(single)) {
                Ok(_) => {
                    good.insert(k, v);
                }
                Err(e) => {
                    self.at_value(&here, format!("`{name}`: {}", friendly(&e)));
                    if at.is_empty() {
                        self.mistyped.push(name);
                    }
                }
            }
        }
        for (name, example) in required {
            if !seen.iter().any(|s| s == name) {
                let pos = if at.is_empty() { Some(Pos { line: 1, col: 1 }) } else { self.map.value(at) };
                self.report(pos, format!("the {what} has no `{name}`, which is required; add e.g. `{example}`"));
            }
        }
        good
    }
}

/// A serde message in a rule author's words.
fn friendly(error: &serde_yaml::Error) -> String {
    let mut message = error.to_string();
    if let Some(at) = message.find(" at line ") {
        message.truncate(at);
    }
    let mut message = message
        .replace("unknown variant", "unknown value")
        .replace("expected u32", "expected a whole number from 1 up")
        .replace("invalid type: ", "")
        .replace("invalid value: ", "")
        .replace("data did not match any variant of untagged enum OneOrMany", "expected a string, or a list of strings")
        .replace("expected struct GroupBySpec", "expected `{KeyPath: ...}`")
        .replace("expected struct AlertContextSpec", "expected `{KeyName: ..., KeyValue: {KeyPath: ...}}`");
    let yaml_1_1_boolean = ["yes", "no", "on", "off", "y", "n"]
        .iter()
        .any(|word| message.to_lowercase().contains(&format!("string \"{word}\"")));
    if message.contains("expected a boolean") && yaml_1_1_boolean {
        message.push_str(" (rules are YAML 1.2, where only `true` and `false` are booleans)");
    }
    message
}

fn short_yaml(value: &Value) -> String {
    serde_yaml::to_string(value).map_or_else(|_| "?".into(), |s| s.trim().to_string())
}

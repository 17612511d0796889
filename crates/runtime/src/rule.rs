//! The compiled form of a rule set: static data and matcher functions emitted by vigil's code
//! generator. Nothing here is parsed at run time.

use serde::Serialize;

use crate::event::{Event, Path, Schema};

/// Panther's severities, lowest first. (The model has its own: generated code needs only the
/// runtime, which does not depend on the model.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

/// A field an alert reads: the path as the rule wrote it, compiled, and what to show when absent.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub name: &'static str,
    pub path: Path,
    /// `<UNKNOWN_KEY>`, KEY being the last key of the path upper-cased.
    pub placeholder: &'static str,
}

/// A piece of an alert title template.
#[derive(Debug, Clone, Copy)]
pub enum Part {
    Text(&'static str),
    Field { field: Field, default: Option<&'static str> },
}

/// A `DynamicSeverities` entry: the severity, and when it applies.
#[derive(Debug, Clone, Copy)]
pub struct DynamicSeverity {
    pub severity: Severity,
    pub matcher: fn(&Event) -> bool,
}

/// A compliance framework and the ids a rule maps to in it.
#[derive(Debug, Clone, Copy)]
pub struct Report {
    pub framework: &'static str,
    pub ids: &'static [&'static str],
}

/// A test case of a rule, run by `cargo test` and by the CLI.
#[derive(Debug, Clone, Copy)]
pub struct TestCase {
    pub name: &'static str,
    /// The line of the case in the rule file.
    pub line: usize,
    pub expected_result: bool,
    /// The event, as JSON.
    pub log: &'static str,
    pub expected_title: Option<&'static str>,
    pub expected_dedup: Option<&'static str>,
    pub expected_severity: Option<Severity>,
    /// The expected alert context, as a JSON object.
    pub expected_alert_context: Option<&'static str>,
}

/// One compiled rule.
#[derive(Debug)]
pub struct Rule {
    pub id: &'static str,
    /// The rule file, e.g. `rules/teleport/network_scanning.yml`.
    pub file: &'static str,
    pub display_name: Option<&'static str>,
    pub enabled: bool,
    pub log_types: &'static [&'static str],
    pub severity: Severity,
    pub description: Option<&'static str>,
    pub reference: Option<&'static str>,
    pub runbook: Option<&'static str>,
    pub tags: &'static [&'static str],
    pub reports: &'static [Report],
    pub dedup_period_minutes: u32,
    pub threshold: u32,
    pub create_alert: bool,
    pub title: Option<&'static [Part]>,
    pub group_by: &'static [Field],
    pub summary_attributes: &'static [Field],
    pub output_fields: &'static [Field],
    /// `AlertContext`: each field's `name` is its `KeyName`.
    pub alert_context: &'static [Field],
    /// The rule's logic printed in the condition language, one top-level AND item per line.
    pub condition: &'static str,
    /// The native matcher.
    pub matcher: fn(&Event) -> bool,
    /// Checked in order; the first that holds sets an alert's severity instead of `severity`.
    pub dynamic_severities: &'static [DynamicSeverity],
    pub tests: &'static [TestCase],
    /// The rule's catalog page in Markdown (what `cargo xtask gen` writes to `docs/rules/`).
    pub catalog: &'static str,
}

/// A log type the rule set reads, and where its events keep their time.
#[derive(Debug)]
pub struct LogType {
    pub name: &'static str,
    pub time: Path,
    /// Top-level keys an event of this type has: how it is recognised.
    pub signature: &'static [Path],
}

/// Everything a compiled rule set provides.
#[derive(Debug)]
pub struct RuleSet {
    pub schema: Schema,
    pub log_types: &'static [LogType],
    /// Sorted by rule file.
    pub rules: &'static [Rule],
}

impl RuleSet {
    /// A log type by name, in any case.
    pub fn log_type(&self, name: &str) -> Option<&LogType> {
        self.log_types.iter().find(|t| t.name.eq_ignore_ascii_case(name))
    }

    /// A rule by id, in any case.
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id.eq_ignore_ascii_case(id))
    }
}

//! A validated rule: what code generation and documentation consume.

use serde::Deserialize;

use crate::ir::Expr;
use crate::path::KeyPath;
use crate::template::Template;

/// Panther's severities, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: &[Severity] = &[Severity::Info, Severity::Low, Severity::Medium, Severity::High, Severity::Critical];

    pub fn name(self) -> &'static str {
        match self {
            Severity::Info => "Info",
            Severity::Low => "Low",
            Severity::Medium => "Medium",
            Severity::High => "High",
            Severity::Critical => "Critical",
        }
    }
}

/// A rule, checked and lowered to the IR.
#[derive(Debug, Clone)]
pub struct Rule {
    /// The rule file as shown in messages, e.g. `rules/teleport/network_scanning.yml`.
    pub file: String,
    pub id: String,
    pub display_name: Option<String>,
    pub enabled: bool,
    pub log_types: Vec<String>,
    pub severity: Severity,
    pub description: Option<String>,
    pub reference: Option<String>,
    pub runbook: Option<String>,
    pub status: Option<String>,
    pub created_by: Option<String>,
    pub tags: Vec<String>,
    /// Framework name and its ids, e.g. `("MITRE ATT&CK", ["TA0007:T1046"])`, sorted by framework.
    pub reports: Vec<(String, Vec<String>)>,
    pub dedup_period_minutes: u32,
    pub threshold: u32,
    pub create_alert: bool,
    pub summary_attributes: Vec<KeyPath>,
    pub output_fields: Vec<KeyPath>,
    pub group_by: Vec<KeyPath>,
    /// `AlertContext`: a name for each value carried into the alert's context.
    pub alert_context: Vec<(String, KeyPath)>,
    pub condition: Expr,
    /// `DynamicSeverities`: the first entry whose condition holds sets the alert's severity.
    pub dynamic_severities: Vec<(Severity, Expr)>,
    pub title: Option<Template>,
    pub tests: Vec<TestCase>,
}

/// One test case: an event and what the rule must make of it.
#[derive(Debug, Clone, PartialEq)]
pub struct TestCase {
    pub name: String,
    /// The line of the case in its rule file.
    pub line: usize,
    pub expected_result: bool,
    /// The event as compact JSON.
    pub log_json: String,
    pub expected_title: Option<String>,
    pub expected_dedup: Option<String>,
    pub expected_severity: Option<Severity>,
    /// The expected alert context, as a JSON object.
    pub expected_alert_context: Option<String>,
}

impl Rule {
    /// Every key path the rule reads from an event: condition, title, grouping and output.
    pub fn read_paths(&self) -> Vec<&KeyPath> {
        let mut paths = self.condition.paths();
        for (_, condition) in &self.dynamic_severities {
            paths.extend(condition.paths());
        }
        paths.extend(self.title.iter().flat_map(Template::paths));
        paths.extend(&self.group_by);
        paths.extend(self.alert_context.iter().map(|(_, path)| path));
        paths.extend(&self.summary_attributes);
        paths.extend(&self.output_fields);
        paths
    }
}

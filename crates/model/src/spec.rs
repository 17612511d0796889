//! The rule file as written: serde types mirroring Panther's keys, before validation.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::rule::Severity;

/// Every key of a rule file (RULES.md section 1). Keys a rule must have are checked by the
/// loader, which reports each missing one; here every key is optional.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    #[serde(rename = "AnalysisType")]
    pub analysis_type: Option<String>,
    #[serde(rename = "RuleID")]
    pub rule_id: Option<String>,
    #[serde(rename = "DisplayName")]
    pub display_name: Option<String>,
    #[serde(rename = "Enabled")]
    pub enabled: Option<bool>,
    #[serde(rename = "LogTypes")]
    pub log_types: Option<Vec<String>>,
    #[serde(rename = "Severity")]
    pub severity: Option<Severity>,
    #[serde(rename = "Description")]
    pub description: Option<String>,
    #[serde(rename = "Reference")]
    pub reference: Option<String>,
    #[serde(rename = "Runbook")]
    pub runbook: Option<String>,
    #[serde(rename = "Status")]
    pub status: Option<String>,
    #[serde(rename = "CreatedBy")]
    pub created_by: Option<String>,
    #[serde(rename = "Tags", default)]
    pub tags: Vec<String>,
    #[serde(rename = "Reports", default)]
    pub reports: BTreeMap<String, Vec<String>>,
    #[serde(rename = "DedupPeriodMinutes")]
    pub dedup_period_minutes: Option<u32>,
    #[serde(rename = "Threshold")]
    pub threshold: Option<u32>,
    #[serde(rename = "SummaryAttributes", default)]
    pub summary_attributes: Vec<String>,
    #[serde(rename = "CreateAlert")]
    pub create_alert: Option<bool>,
    #[serde(rename = "Condition")]
    pub condition: Option<OneOrMany>,
    #[serde(rename = "Detection")]
    pub detection: Option<serde_yaml::Value>,
    #[serde(rename = "Filename")]
    pub filename: Option<String>,
    #[serde(rename = "InlineFilters")]
    pub inline_filters: Option<serde_yaml::Value>,
    #[serde(rename = "AlertTitle")]
    pub alert_title: Option<String>,
    #[serde(rename = "AlertContext", default)]
    pub alert_context: Vec<AlertContextSpec>,
    #[serde(rename = "GroupBy", default)]
    pub group_by: Vec<GroupBySpec>,
    #[serde(rename = "DynamicSeverities")]
    pub dynamic_severities: Option<serde_yaml::Value>,
    #[serde(rename = "OutputFields", default)]
    pub output_fields: Vec<String>,
    #[serde(rename = "Tests", default)]
    pub tests: Vec<TestSpec>,
}

/// `Condition:` is one string or a list of strings (their AND).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

/// One `AlertContext` entry: `{KeyName: user, KeyValue: {KeyPath: user}}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlertContextSpec {
    #[serde(rename = "KeyName")]
    pub key_name: String,
    #[serde(rename = "KeyValue")]
    pub key_value: GroupBySpec,
}

/// One `GroupBy` entry: `{KeyPath: user}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupBySpec {
    #[serde(rename = "KeyPath")]
    pub key_path: String,
}

/// One test case of a rule.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestSpec {
    #[serde(rename = "Name")]
    pub name: Option<String>,
    #[serde(rename = "ExpectedResult")]
    pub expected_result: Option<bool>,
    #[serde(rename = "Log")]
    pub log: Option<serde_yaml::Value>,
    #[serde(rename = "ExpectedTitle")]
    pub expected_title: Option<String>,
    #[serde(rename = "ExpectedDedup")]
    pub expected_dedup: Option<String>,
    #[serde(rename = "ExpectedSeverity")]
    pub expected_severity: Option<Severity>,
    #[serde(rename = "ExpectedAlertContext")]
    pub expected_alert_context: Option<serde_yaml::Value>,
    #[serde(rename = "Mocks")]
    pub mocks: Option<serde_yaml::Value>,
}

//! Alerts: what a match keeps of its event, and the alert record a window of matches becomes
//! (RULES.md section 5; windows are in [`crate::windows`]).

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::Serialize;

use crate::rule::{Rule, Severity};
use crate::windows::{Windows, sort_alerts};

/// How many event sources an alert lists.
pub const MAX_SOURCES: usize = 10;

/// One event a rule matched.
#[derive(Debug, Clone)]
pub struct Match {
    pub rule: usize,
    pub log_type: &'static str,
    pub dedup: String,
    pub title: String,
    pub severity: Severity,
    /// Event time, or the fallback time (see [`crate::engine`]); `None` when neither exists.
    pub time: Option<Timestamp>,
    /// Where the event came from: file index and 1-based line, in input order.
    pub file: usize,
    pub line: u64,
    pub output_fields: Vec<(&'static str, serde_json::Value)>,
    pub context: Vec<(&'static str, serde_json::Value)>,
    /// Present summary attribute values, as text.
    pub summary: Vec<(&'static str, String)>,
}

/// One alert record (the JSON schema is documented in `docs/alerts.md`).
#[derive(Debug, Clone, Serialize)]
pub struct Alert {
    pub alert_id: String,
    pub rule_id: &'static str,
    pub rule_name: &'static str,
    pub title: String,
    pub severity: Severity,
    pub dedup: String,
    pub log_type: &'static str,
    pub first_event_time: Option<String>,
    pub last_event_time: Option<String>,
    /// The window's first and last event times, for other formats.
    #[serde(skip)]
    pub span: Option<(Timestamp, Timestamp)>,
    pub event_count: u64,
    pub threshold: u32,
    pub dedup_period_minutes: u32,
    pub reports: BTreeMap<&'static str, &'static [&'static str]>,
    pub tags: &'static [&'static str],
    pub reference: Option<&'static str>,
    pub runbook: Option<&'static str>,
    /// In the order the rule lists them.
    pub output_fields: OrderedFields,
    /// `AlertContext` of the first event, in the rule's order.
    pub context: OrderedFields,
    /// For each summary attribute, the distinct values seen and how often.
    pub summary_attributes: BTreeMap<&'static str, BTreeMap<String, u64>>,
    /// `file:line` of the first events (at most [`MAX_SOURCES`]).
    pub sources: Vec<String>,
}

/// Named values serialised as a JSON object in their own order.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderedFields(pub Vec<(&'static str, serde_json::Value)>);

impl Serialize for OrderedFields {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

/// Turns all matches into alerts, in [`sort_alerts`] order, whatever the order of `matches`.
/// `files` names the file indices of the matches.
pub fn build_alerts(rules: &'static [Rule], files: &[String], mut matches: Vec<Match>) -> Vec<Alert> {
    matches.sort_by_key(|m| (m.time, m.file, m.line, m.rule));
    let mut windows = Windows::new(rules);
    let mut alerts: Vec<Alert> = matches.into_iter().filter_map(|m| windows.push(m, files)).collect();
    alerts.extend(windows.close_all(files));
    sort_alerts(&mut alerts);
    alerts
}

//! Signals: matches of rules with `CreateAlert: false`. They raise no alert; each matched event
//! is written out labelled with the rule that matched it, as Panther labels signal events.

use jiff::Timestamp;
use serde::Serialize;
use serde_json::value::RawValue;

use crate::rule::{Rule, Severity};
use crate::windows::format_time;

/// One event a signal rule matched.
#[derive(Debug, Clone)]
pub struct Signal {
    pub rule: usize,
    pub log_type: &'static str,
    pub severity: Severity,
    pub time: Option<Timestamp>,
    pub file: usize,
    pub line: u64,
    /// The event's JSON text.
    pub event: String,
}

/// A signal as written (the schema is in `docs/alerts.md`).
#[derive(Serialize)]
struct Labelled<'a> {
    signal: bool,
    rule_id: &'static str,
    rule_name: &'static str,
    severity: Severity,
    log_type: &'static str,
    event_time: Option<String>,
    source: String,
    event: &'a RawValue,
}

impl Signal {
    /// The labelled event as one JSON line (no newline). `files` names file indices.
    pub fn to_json(&self, rules: &[Rule], files: &[String]) -> String {
        let rule = &rules[self.rule];
        // The engine parsed this text as an event, so it is JSON.
        let event: &RawValue = serde_json::from_str(&self.event).expect("a scanned event is JSON");
        let labelled = Labelled {
            signal: true,
            rule_id: rule.id,
            rule_name: rule.display_name.unwrap_or(rule.id),
            severity: self.severity,
            log_type: self.log_type,
            event_time: self.time.map(format_time),
            source: format!("{}:{}", files[self.file], self.line),
            event,
        };
        serde_json::to_string(&labelled).expect("a signal serialises")
    }
}

//! Alerts: matches grouped by rule and dedup string into windows of `DedupPeriodMinutes` over
//! event time; a window with at least `Threshold` matches is an alert (RULES.md section 5).

use std::collections::BTreeMap;

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;
use xxhash_rust::xxh3::xxh3_128;

use crate::rule::{Rule, Severity};

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

/// Turns all matches into alerts, in a deterministic order: by first event time (untimed first),
/// then rule id,
/// then dedup string. `files` names the file indices of the matches.
pub fn build_alerts(rules: &[Rule], files: &[String], mut matches: Vec<Match>) -> Vec<Alert> {
    matches.retain(|m| rules[m.rule].create_alert);
    matches.sort_by(|a, b| (a.rule, &a.dedup, a.time, a.file, a.line).cmp(&(b.rule, &b.dedup, b.time, b.file, b.line)));
    let mut alerts: Vec<(Option<Timestamp>, Alert)> = Vec::new();
    let mut window: Vec<Match> = Vec::new();
    for m in matches {
        let same_window = window.first().is_some_and(|first| {
            let period = SignedDuration::from_mins(i64::from(rules[first.rule].dedup_period_minutes));
            first.rule == m.rule && first.dedup == m.dedup && within(first.time, m.time, period)
        });
        if !same_window {
            alerts.extend(close_window(rules, files, &std::mem::take(&mut window)));
        }
        window.push(m);
    }
    alerts.extend(close_window(rules, files, &window));
    alerts.sort_by(|(a_time, a), (b_time, b)| (a_time, a.rule_id, &a.dedup).cmp(&(b_time, b.rule_id, &b.dedup)));
    alerts.into_iter().map(|(_, alert)| alert).collect()
}

/// Whether a match at `time` falls in the window opened at `start`: `[start, start + period)`.
/// Matches without any time share one window of their own.
fn within(start: Option<Timestamp>, time: Option<Timestamp>, period: SignedDuration) -> bool {
    match (start, time) {
        (None, None) => true,
        (Some(start), Some(time)) => start.checked_add(period).is_ok_and(|end| time < end),
        _ => false,
    }
}

/// The window's alert, with its start time for ordering, if it reached the threshold.
fn close_window(rules: &[Rule], files: &[String], window: &[Match]) -> Option<(Option<Timestamp>, Alert)> {
    let first = window.first()?;
    let rule = &rules[first.rule];
    if window.len() < rule.threshold as usize {
        return None;
    }
    let last = window.last().expect("window is not empty");
    let start = first.time.map(|t| t.to_string());
    let id_input = format!("{}\0{}\0{}", rule.id, first.dedup, start.as_deref().unwrap_or("untimed"));
    let mut summary_attributes: BTreeMap<&'static str, BTreeMap<String, u64>> = BTreeMap::new();
    for m in window {
        for (name, value) in &m.summary {
            *summary_attributes.entry(name).or_default().entry(value.clone()).or_default() += 1;
        }
    }
    let alert = Alert {
        alert_id: format!("{:032x}", xxh3_128(id_input.as_bytes())),
        rule_id: rule.id,
        rule_name: rule.display_name.unwrap_or(rule.id),
        title: first.title.clone(),
        severity: first.severity,
        dedup: first.dedup.clone(),
        log_type: first.log_type,
        first_event_time: start,
        span: first.time.zip(last.time),
        last_event_time: last.time.map(|t| t.to_string()),
        event_count: window.len() as u64,
        threshold: rule.threshold,
        dedup_period_minutes: rule.dedup_period_minutes,
        reports: rule.reports.iter().map(|r| (r.framework, r.ids)).collect(),
        tags: rule.tags,
        reference: rule.reference,
        runbook: rule.runbook,
        output_fields: OrderedFields(first.output_fields.clone()),
        context: OrderedFields(first.context.clone()),
        summary_attributes,
        sources: window.iter().take(MAX_SOURCES).map(|m| format!("{}:{}", files[m.file], m.line)).collect(),
    };
    Some((first.time, alert))
}

//! Dedup windows: the matches of one rule and dedup string, taken in event-time order, folded
//! into windows of `DedupPeriodMinutes` (RULES.md section 5). A window keeps only what its alert
//! shows (the first match, counts, the first sources), not its matches, and is closed, becoming
//! an alert or nothing, as soon as it can no longer change.

use std::collections::{BTreeMap, BTreeSet};

use jiff::{SignedDuration, Timestamp};
use xxhash_rust::xxh3::xxh3_128;

use crate::alert::{Alert, MAX_SOURCES, Match, OrderedFields};
use crate::rule::Rule;

/// Which window a match belongs to: its rule, dedup string, and whether it has a time (untimed
/// matches share a window of their own, which a timed match neither joins nor closes).
type Key = (usize, String, bool);

/// The open windows, one per rule and dedup string (and one for untimed matches).
#[derive(Debug)]
pub struct Windows {
    rules: &'static [Rule],
    open: BTreeMap<Key, Window>,
    /// Open timed windows by end, to close those a watermark has passed.
    by_end: BTreeSet<(Timestamp, usize, String)>,
}

/// What an open window keeps of its matches.
#[derive(Debug)]
struct Window {
    first: Match,
    /// Where a match must fall to join: `[start, end)`; `None` for the untimed window, and for
    /// a timed one whose end is past the last representable time.
    end: Option<Timestamp>,
    tally: Tally,
}

/// Counts over a window's matches.
#[derive(Debug, Default)]
struct Tally {
    last_time: Option<Timestamp>,
    count: u64,
    /// `(file, line)` of the first matches.
    sources: Vec<(usize, u64)>,
    summary: BTreeMap<&'static str, BTreeMap<String, u64>>,
}

impl Windows {
    pub fn new(rules: &'static [Rule]) -> Windows {
        Windows { rules, open: BTreeMap::new(), by_end: BTreeSet::new() }
    }

    /// Adds a match. Matches of one rule and dedup string must come in event-time order (untimed
    /// first) for the windows to be exact; one earlier than its open window's start joins it.
    /// Returns the alert of the window the match closed, if any. `files` names file indices.
    pub fn push(&mut self, m: Match, files: &[String]) -> Option<Alert> {
        let key = (m.rule, m.dedup.clone(), m.time.is_some());
        if let Some(window) = self.open.get_mut(&key) {
            let joins = m.time.is_none_or(|time| window.end.is_none_or(|end| time < end));
            if joins {
                window.tally.add(&m);
                return None;
            }
        }
        let closed = self.remove(&key).and_then(|w| w.alert(&self.rules[key.0], files));
        let window = Window::open(m, &self.rules[key.0]);
        if let Some(end) = window.end {
            self.by_end.insert((end, key.0, key.1.clone()));
        }
        self.open.insert(key, window);
        closed
    }

    /// Closes every window whose end is at or before `watermark`: no match at or after it can
    /// join them. Alerts come in [`sort_alerts`] order.
    pub fn close_until(&mut self, watermark: Timestamp, files: &[String]) -> Vec<Alert> {
        let mut alerts = Vec::new();
        while let Some((end, rule, dedup)) = self.by_end.first().cloned() {
            if end > watermark {
                break;
            }
            if let Some(alert) = self.remove(&(rule, dedup, true)).and_then(|w| w.alert(&self.rules[rule], files)) {
                alerts.push(alert);
            }
        }
        sort_alerts(&mut alerts);
        alerts
    }

    /// Closes every window. Alerts come in [`sort_alerts`] order.
    pub fn close_all(&mut self, files: &[String]) -> Vec<Alert> {
        self.by_end.clear();
        let mut alerts: Vec<Alert> = std::mem::take(&mut self.open)
            .into_iter()
            .filter_map(|((rule, _, _), window)| window.alert(&self.rules[rule], files))
            .collect();
        sort_alerts(&mut alerts);
        alerts
    }

    fn remove(&mut self, key: &Key) -> Option<Window> {
        let window = self.open.remove(key)?;
        if let Some(end) = window.end {
            self.by_end.remove(&(end, key.0, key.1.clone()));
        }
        Some(window)
    }
}

/// Alerts in vigil's output order: by first event time (untimed first), then rule id, then
/// dedup string.
pub fn sort_alerts(alerts: &mut [Alert]) {
    alerts.sort_by(|a, b| (a.span.map(|s| s.0), a.rule_id, &a.dedup).cmp(&(b.span.map(|s| s.0), b.rule_id, &b.dedup)));
}

impl Window {
    fn open(first: Match, rule: &Rule) -> Window {
        let period = SignedDuration::from_mins(i64::from(rule.dedup_period_minutes));
        let mut tally = Tally::default();
        tally.add(&first);
        Window { end: first.time.and_then(|t| t.checked_add(period).ok()), tally, first }
    }

    /// The window's alert, if it reached the rule's threshold.
    fn alert(self, rule: &Rule, files: &[String]) -> Option<Alert> {
        let Window { first, tally, .. } = self;
        if tally.count < u64::from(rule.threshold) {
            return None;
        }
        let id_input = format!(
            "{}\0{}\0{}",
            rule.id,
            first.dedup,
            first.time.map_or_else(|| "untimed".to_string(), |t| t.to_string())
        );
        Some(Alert {
            alert_id: format!("{:032x}", xxh3_128(id_input.as_bytes())),
            rule_id: rule.id,
            rule_name: rule.display_name.unwrap_or(rule.id),
            title: first.title,
            severity: first.severity,
            dedup: first.dedup,
            log_type: first.log_type,
            first_event_time: first.time.map(format_time),
            last_event_time: tally.last_time.map(format_time),
            span: first.time.zip(tally.last_time),
            event_count: tally.count,
            threshold: rule.threshold,
            dedup_period_minutes: rule.dedup_period_minutes,
            reports: rule.reports.iter().map(|r| (r.framework, r.ids)).collect(),
            tags: rule.tags,
            reference: rule.reference,
            runbook: rule.runbook,
            output_fields: OrderedFields(first.output_fields),
            context: OrderedFields(first.context),
            summary_attributes: tally.summary,
            sources: tally.sources.iter().map(|&(file, line)| format!("{}:{line}", files[file])).collect(),
        })
    }
}

impl Tally {
    fn add(&mut self, m: &Match) {
        self.count += 1;
        self.last_time = self.last_time.max(m.time);
        if self.sources.len() < MAX_SOURCES {
            self.sources.push((m.file, m.line));
        }
        for (name, value) in &m.summary {
            *self.summary.entry(name).or_default().entry(value.clone()).or_default() += 1;
        }
    }
}

/// An alert time: RFC 3339 in UTC with milliseconds, always three digits (Panther's precision),
/// so that times line up and sort as text.
pub fn format_time(time: Timestamp) -> String {
    format!("{time:.3}")
}

//! Alert semantics end to end through the engine: thresholds, windows, grouping, dynamic
//! severity, signals, placeholders and order independence.

use super::*;
use crate::event::{Path, Schema};
use crate::rule::{DynamicSeverity, Field, LogType, Part, Rule, Severity};

const ARGV: Path = Path { slot: 0, rest: &[] };
const TIME: Path = Path { slot: 1, rest: &[] };
const USER: Path = Path { slot: 2, rest: &[] };
const USER_FIELD: Field = Field { name: "user", path: USER, placeholder: "<UNKNOWN_USER>" };
const TITLE: &[Part] = &[Part::Text("scan by "), Part::Field { field: USER_FIELD, default: None }];

fn schema() -> Schema {
    Schema {
        keys: &["argv", "time", "user"],
        exact: |k| ["argv", "time", "user"].iter().position(|n| *n == k),
        folded: |k| match k {
            "argv" => &[0],
            "time" => &[1],
            "user" => &[2],
            _ => &[],
        },
    }
}

/// A rule matching events with `argv`, titled by user, with the given knobs.
fn rule(threshold: u32, group_by: &'static [Field], create_alert: bool) -> Rule {
    let mut rule = render::tests::rule(Some(TITLE), group_by);
    rule.id = "T.Scan";
    rule.display_name = Some("Scan");
    rule.log_types = &["Test.Log"];
    rule.threshold = threshold;
    rule.create_alert = create_alert;
    rule.matcher = |event| event.get(&ARGV).is_some();
    rule
}

fn engine(rule: Rule) -> Engine {
    let rules: &'static [Rule] = Box::leak(Box::new([rule]));
    let log_types: &'static [LogType] = Box::leak(Box::new([LogType { name: "Test.Log", time: TIME, signature: &[] }]));
    let set: &'static RuleSet = Box::leak(Box::new(RuleSet { schema: schema(), log_types, rules }));
    Engine::new(set, Some("Test.Log"), false).unwrap()
}

fn event(user: &str, time: &str) -> String {
    format!(r#"{{"argv": ["-sS"], "user": "{user}", "time": "{time}"}}"#)
}

/// Feeds `files` (each a list of lines) and returns the alerts as JSON lines and the stats.
fn scan(rule: Rule, files: &[&[String]]) -> (Vec<String>, Stats) {
    let mut engine = engine(rule);
    for (i, lines) in files.iter().enumerate() {
        let file = engine.add_file(format!("f{i}"));
        for (n, line) in lines.iter().enumerate() {
            engine.line(file, n as u64 + 1, line).unwrap();
        }
    }
    let finished = engine.finish();
    (finished.alerts.iter().map(|a| serde_json::to_string(a).unwrap()).collect(), finished.stats)
}

/// A sink that keeps what a streaming engine writes, as JSON lines, in the order written.
#[derive(Clone, Default)]
struct Kept(std::sync::Arc<std::sync::Mutex<Vec<String>>>);

impl Sink for Kept {
    fn alerts(&mut self, alerts: Vec<Alert>) {
        self.0.lock().unwrap().extend(alerts.iter().map(|a| serde_json::to_string(a).unwrap()));
    }
    fn signal(&mut self, json: String) {
        self.0.lock().unwrap().push(json);
    }
}

/// Feeds `lines` to a streaming engine allowing `max_disorder`; returns what it wrote, with
/// the count of lines read before each item was written, and the stats.
fn streamed(rule: Rule, max_disorder: i64, lines: &[String]) -> (Vec<(usize, String)>, Stats) {
    let mut engine = engine(rule);
    let kept = Kept::default();
    engine.keep_signals();
    engine.stream(jiff::SignedDuration::from_mins(max_disorder), Box::new(kept.clone()));
    let file = engine.add_file("f0".to_string());
    let mut written = Vec::new();
    for (n, line) in lines.iter().enumerate() {
        engine.line(file, n as u64 + 1, line).unwrap();
        written.extend(kept.0.lock().unwrap().drain(..).map(|a| (n + 1, a)));
    }
    let stats = engine.finish().stats;
    written.extend(kept.0.lock().unwrap().drain(..).map(|a| (lines.len(), a)));
    (written, stats)
}

fn field(alert: &str, key: &str) -> serde_json::Value {
    serde_json::from_str::<serde_json::Value>(alert).unwrap()[key].clone()
}

#[test]
fn a_threshold_of_n_needs_n_matches_in_one_window() {
    let two = [event("ann", "2024-01-01T10:00:00Z"), event("ann", "2024-01-01T10:10:00Z")];
    assert_eq!(scan(rule(3, &[], true), &[&two]).0.len(), 0);
    let three = [two[0].clone(), two[1].clone(), event("ann", "2024-01-01T10:59:59Z")];
    let (alerts, stats) = scan(rule(3, &[], true), &[&three]);
    assert_eq!(alerts.len(), 1);
    assert_eq!(field(&alerts[0], "event_count"), 3);
    assert_eq!(field(&alerts[0], "threshold"), 3);
    assert_eq!(field(&alerts[0], "last_event_time"), "2024-01-01T10:59:59.000Z");
    assert_eq!(stats.matches, 3);
    let spread = [two[0].clone(), two[1].clone(), event("ann", "2024-01-01T11:00:00Z")];
    assert_eq!(scan(rule(3, &[], true), &[&spread]).0.len(), 0, "the third match opens a new window");
}

#[test]
fn matches_more_than_a_period_apart_are_two_alerts() {
    let lines = [event("ann", "2024-01-01T10:00:00Z"), event("ann", "2024-01-01T11:00:00Z")];
    let (alerts, _) = scan(rule(1, &[], true), &[&lines]);
    let starts: Vec<_> = alerts.iter().map(|a| field(a, "first_event_time")).collect();
    assert_eq!(starts, ["2024-01-01T10:00:00.000Z", "2024-01-01T11:00:00.000Z"]);
    assert_ne!(field(&alerts[0], "alert_id"), field(&alerts[1], "alert_id"));
}

#[test]
fn group_by_sets_the_dedup_string() {
    const BY_USER: &[Field] = &[USER_FIELD];
    let lines = [
        event("ann", "2024-01-01T10:00:00Z"),
        event("bob", "2024-01-01T10:01:00Z"),
        event("ann", "2024-01-01T10:02:00Z"),
    ];
    let (alerts, _) = scan(rule(1, BY_USER, true), &[&lines]);
    let got: Vec<_> = alerts.iter().map(|a| (field(a, "dedup"), field(a, "event_count"))).collect();
    assert_eq!(got, [("ann".into(), 2.into()), ("bob".into(), 1.into())]);
}

#[test]
fn dynamic_severity_comes_from_the_first_event_of_the_window() {
    const ROOT: &[DynamicSeverity] = &[DynamicSeverity {
        severity: Severity::Critical,
        matcher: |event| event.get(&USER).and_then(crate::Value::as_str) == Some("root"),
    }];
    let mut critical = rule(1, &[], true);
    critical.dynamic_severities = ROOT;
    critical.title = None;
    let lines = [event("root", "2024-01-01T10:00:00Z"), event("ann", "2024-01-01T10:01:00Z")];
    let (alerts, _) = scan(critical, &[&lines]);
    assert_eq!((field(&alerts[0], "severity"), field(&alerts[0], "event_count")), ("Critical".into(), 2.into()));
    assert_eq!(field(&alerts[0], "dedup"), "defaultDedupString:T.Scan");
}

#[test]
fn create_alert_false_counts_signals_and_makes_no_alert() {
    let lines = [event("ann", "2024-01-01T10:00:00Z"), event("bob", "2024-01-01T10:01:00Z")];
    let (alerts, stats) = scan(rule(1, &[], false), &[&lines]);
    assert!(alerts.is_empty());
    assert_eq!((stats.matches, stats.signals), (2, 2));
}

#[test]
fn kept_signals_are_the_matched_events_labelled_in_input_order() {
    let mut engine = engine(rule(1, &[], false));
    engine.keep_signals();
    let file = engine.add_file("audit.log".to_string());
    engine.line(file, 1, &event("bob", "2024-01-01T10:01:00.5+01:00")).unwrap();
    engine.line(file, 2, r#"{"user": "nobody", "time": "2024-01-01T10:02:00Z"}"#).unwrap();
    engine.line(file, 3, &event("ann", "2024-01-01T09:00:00Z")).unwrap();
    let finished = engine.finish();
    assert!(finished.alerts.is_empty());
    assert_eq!(
        finished.signals,
        [
            r#"{"signal":true,"rule_id":"T.Scan","rule_name":"Scan","severity":"Low","log_type":"Test.Log","event_time":"2024-01-01T09:01:00.500Z","source":"audit.log:1","event":{"argv": ["-sS"], "user": "bob", "time": "2024-01-01T10:01:00.5+01:00"}}"#,
            r#"{"signal":true,"rule_id":"T.Scan","rule_name":"Scan","severity":"Low","log_type":"Test.Log","event_time":"2024-01-01T09:00:00.000Z","source":"audit.log:3","event":{"argv": ["-sS"], "user": "ann", "time": "2024-01-01T09:00:00Z"}}"#,
        ]
    );
}

#[test]
fn signals_are_not_kept_unless_asked_for() {
    let lines = [event("ann", "2024-01-01T10:00:00Z")];
    let mut engine = engine(rule(1, &[], false));
    let file = engine.add_file("f".to_string());
    engine.line(file, 1, &lines[0]).unwrap();
    let finished = engine.finish();
    assert_eq!((finished.signals.len(), finished.stats.signals), (0, 1));
}

#[test]
fn missing_title_fields_render_as_placeholders() {
    let (alerts, _) = scan(rule(1, &[], true), &[&[r#"{"argv": [], "time": "2024-01-01T10:00:00Z"}"#.to_string()]]);
    assert_eq!(field(&alerts[0], "title"), "scan by <UNKNOWN_USER>");
}

#[test]
fn out_of_order_input_across_files_gives_the_same_alerts_as_sorted_input() {
    let times = ["10:00", "10:20", "10:40", "11:05", "11:30", "12:10"];
    let sorted: Vec<String> = times.iter().map(|t| event("ann", &format!("2024-01-01T{t}:00Z"))).collect();
    let mut reversed = sorted.clone();
    reversed.reverse();
    let (a, b) = reversed.split_at(3);
    let shuffled = scan(rule(2, &[], true), &[a, b]).0;
    let ordered = scan(rule(2, &[], true), &[&sorted[..3], &sorted[3..]]).0;
    let strip_sources = |alerts: Vec<String>| -> Vec<serde_json::Value> {
        alerts
            .iter()
            .map(|a| {
                let mut v: serde_json::Value = serde_json::from_str(a).unwrap();
                v.as_object_mut().unwrap().remove("sources");
                v
            })
            .collect()
    };
    assert_eq!(strip_sources(shuffled.clone()), strip_sources(ordered));
    let counts: Vec<_> = shuffled.iter().map(|a| field(a, "event_count")).collect();
    assert_eq!(counts, [3, 2], "windows 10:00-11:00 and 11:05-12:05 hold 3 and 2, then 12:10 alone is under threshold");
}

/// Hourly-period matches at these minutes past 10:00, one line each.
fn at_minutes(minutes: &[u32]) -> Vec<String> {
    minutes.iter().map(|m| event("ann", &format!("2024-01-01T{:02}:{:02}:00Z", 10 + m / 60, m % 60))).collect()
}

#[test]
fn a_stream_writes_each_alert_once_its_window_can_no_longer_change() {
    // Threshold 2, period 60 min, disorder 10 min: the window [10:00, 11:00) closes when an
    // event at or after 11:10 is read (line 4), not at the end of input.
    let lines = at_minutes(&[0, 30, 65, 70, 200]);
    let (written, stats) = streamed(rule(2, &[], true), 10, &lines);
    let got: Vec<_> =
        written.iter().map(|(n, a)| (*n, field(a, "first_event_time"), field(a, "event_count"))).collect();
    assert_eq!(
        got,
        [(4, "2024-01-01T10:00:00.000Z".into(), 2.into()), (5, "2024-01-01T11:05:00.000Z".into(), 2.into())]
    );
    assert_eq!(stats.late, 0);
}

#[test]
fn a_stream_within_its_disorder_gives_exactly_the_alerts_of_a_whole_scan() {
    // Shuffled by up to 15 minutes; threshold 2 over hourly windows.
    let lines = at_minutes(&[5, 0, 20, 12, 61, 58, 70, 130, 125, 190, 240, 236, 300]);
    let whole = scan(rule(2, &[], true), &[&lines]).0;
    let (written, stats) = streamed(rule(2, &[], true), 15, &lines);
    assert_eq!(written.into_iter().map(|(_, a)| a).collect::<Vec<_>>(), whole);
    assert_eq!(stats.late, 0);
    let counts: Vec<_> = whole.iter().map(|a| field(a, "event_count")).collect();
    assert_eq!(counts, [5, 2, 2, 3]);
}

#[test]
fn a_match_later_than_the_disorder_allows_is_counted_and_joins_its_open_window() {
    // 10:00 then 10:50 (watermark 10:45), then 10:20 arrives 25 minutes late.
    let lines = at_minutes(&[0, 50, 20]);
    let (written, stats) = streamed(rule(1, &[], true), 5, &lines);
    assert_eq!(stats.late, 1);
    assert_eq!(written.len(), 1);
    assert_eq!(field(&written[0].1, "event_count"), 3);
}

#[test]
fn a_stream_writes_signals_as_it_reads_them() {
    let lines = at_minutes(&[0, 1]);
    let (written, stats) = streamed(rule(1, &[], false), 5, &lines);
    let got: Vec<_> = written.iter().map(|(n, s)| (*n, field(s, "source"))).collect();
    assert_eq!(got, [(1, "f0:1".into()), (2, "f0:2".into())]);
    assert_eq!(stats.signals, 2);
}

#[test]
fn an_untimed_match_in_a_stream_neither_joins_nor_closes_a_timed_window() {
    // A rotated log read after the first: its first line has no time to fall back on.
    let mut engine = engine(rule(1, &[], true));
    let kept = Kept::default();
    engine.stream(jiff::SignedDuration::from_mins(1), Box::new(kept.clone()));
    let first = engine.add_file("f0".to_string());
    engine.line(first, 1, &event("ann", "2024-01-01T10:00:00Z")).unwrap();
    let second = engine.add_file("f1".to_string());
    engine.line(second, 1, r#"{"argv": [], "user": "ann"}"#).unwrap();
    engine.line(second, 2, &event("ann", "2024-01-01T10:10:00Z")).unwrap();
    let stats = engine.finish().stats;
    let got: Vec<_> =
        kept.0.lock().unwrap().iter().map(|a| (field(a, "first_event_time"), field(a, "event_count"))).collect();
    assert_eq!(got, [(serde_json::Value::Null, 1.into()), ("2024-01-01T10:00:00.000Z".into(), 2.into())]);
    assert_eq!(stats.late, 0);
}

#[test]
fn an_event_dated_far_in_the_future_does_not_make_a_stream_late() {
    let lines = [
        event("ann", "2024-01-01T10:00:00Z"),
        r#"{"user": "clock", "time": "9999-01-01T00:00:00Z"}"#.to_string(),
        event("ann", "2024-01-01T10:30:00Z"),
        event("ann", "2024-01-01T12:00:00Z"),
    ];
    let whole = scan(rule(1, &[], true), &[&lines]).0;
    let mut engine = engine(rule(1, &[], true));
    let kept = Kept::default();
    engine.stream(jiff::SignedDuration::from_mins(1), Box::new(kept.clone()));
    let file = engine.add_file("f0".to_string());
    for (n, line) in lines.iter().enumerate() {
        engine.line(file, n as u64 + 1, line).unwrap();
    }
    let stats = engine.finish().stats;
    assert_eq!(*kept.0.lock().unwrap(), whole);
    assert_eq!((stats.late, stats.future), (0, 1));
}

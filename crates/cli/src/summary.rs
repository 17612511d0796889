//! The closing summary of a scan, on stderr: what was read, what matched, what was wrong.

use std::fmt;

use crate::bad_input::{BadInput, Problem};

/// Everything the summary line reports.
#[derive(Debug)]
pub struct Summary<'a> {
    pub inputs: usize,
    pub lines: u64,
    pub events: u64,
    /// Events outside `--since`/`--until`.
    pub out_of_range: u64,
    pub rules: usize,
    pub matches: u64,
    /// Matches of rules with `CreateAlert: false`.
    pub signals: u64,
    /// Matches later than `--max-disorder` allows.
    pub late: u64,
    /// Events of a stream dated more than a day ahead of the clock.
    pub future: u64,
    pub alerts: u64,
    pub bad: &'a BadInput,
    pub seconds: f64,
    pub bytes: u64,
}

/// `24.5 kB`, `1.2 GB` (powers of 1000, as rates are).
fn size(bytes: u64) -> String {
    #[allow(clippy::cast_precision_loss)] // shown to one decimal
    let value = bytes as f64;
    match bytes {
        0..1_000 => format!("{bytes} B"),
        1_000..1_000_000 => format!("{:.1} kB", value / 1e3),
        1_000_000..1_000_000_000 => format!("{:.1} MB", value / 1e6),
        _ => format!("{:.1} GB", value / 1e9),
    }
}

/// `1 line`, `2 lines`.
fn count(n: impl Into<u64>, one: &str, many: &str) -> String {
    let n = n.into();
    format!("{n} {}", if n == 1 { one } else { many })
}

impl Summary<'_> {
    /// ` (3 later than --max-disorder allows; 1 event over a day ahead of the clock did not move
    /// the stream)`, or nothing.
    fn stream_notes(&self) -> String {
        let mut notes = Vec::new();
        if self.late > 0 {
            notes.push(format!("{} later than --max-disorder allows", self.late));
        }
        if self.future > 0 {
            let events = count(self.future, "event", "events");
            notes.push(format!("{events} over a day ahead of the clock did not move the stream"));
        }
        if notes.is_empty() { String::new() } else { format!(" ({})", notes.join("; ")) }
    }
}

impl fmt::Display for Summary<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rate = |n: f64| if self.seconds > 0.0 { n / self.seconds } else { 0.0 };
        #[allow(clippy::cast_precision_loss)] // rates are approximate
        let (events_per_s, mb_per_s) = (rate(self.events as f64), rate(self.bytes as f64) / 1e6);
        let bad = |problem| self.bad.count(problem);
        write!(
            f,
            "{} ({}), {}, {}{}, {}: {}{}, {}, {}. Problems: {} malformed, {} not UTF-8, {} too long, {}, {}, {}, {}. {:.2}s, {events_per_s:.0} events/s, {mb_per_s:.1} MB/s",
            count(self.inputs as u64, "input", "inputs"),
            size(self.bytes),
            count(self.lines, "line", "lines"),
            count(self.events, "event", "events"),
            if self.out_of_range > 0 {
                format!(" ({} outside --since/--until)", self.out_of_range)
            } else {
                String::new()
            },
            count(self.rules as u64, "rule", "rules"),
            count(self.matches, "match", "matches"),
            self.stream_notes(),
            count(self.signals, "signal", "signals"),
            count(self.alerts, "alert", "alerts"),
            bad(Problem::MalformedJson),
            bad(Problem::NotUtf8),
            bad(Problem::TooLong),
            count(bad(Problem::Unrepresentable), "unrepresentable value", "unrepresentable values"),
            count(bad(Problem::UnusableTime), "unusable time", "unusable times"),
            count(bad(Problem::Unrecognised), "unrecognised event", "unrecognised events"),
            count(bad(Problem::Unreadable), "unreadable input", "unreadable inputs"),
            self.seconds,
        )
    }
}

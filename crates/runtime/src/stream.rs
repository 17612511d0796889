//! Streaming alerts: for input that is in time order up to a known disorder. Matches wait in a
//! reorder buffer until the newest event time, less the disorder, has passed them; they then
//! reach the windows in exact time order, and each window closes, becoming an alert, once that
//! watermark passes its end. State is the buffer and the open windows, not the whole input.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use jiff::{SignedDuration, Timestamp};

use crate::alert::{Alert, Match};
use crate::rule::Rule;
use crate::windows::{Windows, sort_alerts};

/// Where a streaming engine writes as it goes.
pub trait Sink: Send {
    /// Alerts whose windows closed, in vigil's output order.
    fn alerts(&mut self, alerts: Vec<Alert>);
    /// A labelled signal event, as one JSON line.
    fn signal(&mut self, json: String);
}

/// A match waiting in the reorder buffer, ordered by time and then input position.
#[derive(Debug)]
struct Waiting(Match);

impl Waiting {
    fn key(&self) -> (Option<Timestamp>, usize, u64, usize) {
        (self.0.time, self.0.file, self.0.line, self.0.rule)
    }
}

impl PartialEq for Waiting {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}
impl Eq for Waiting {}
impl PartialOrd for Waiting {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Waiting {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key().cmp(&other.key())
    }
}

pub(crate) struct Stream {
    max_disorder: SignedDuration,
    waiting: BinaryHeap<Reverse<Waiting>>,
    windows: Windows,
    newest: Option<Timestamp>,
    /// Every match before it has reached the windows; one that arrives before it is late.
    watermark: Option<Timestamp>,
    /// Event times after this (a day past the wall clock when last looked at) are taken as
    /// wrong clocks: they do not move the watermark, which would make everything after them late.
    horizon: Timestamp,
    pub(crate) sink: Box<dyn Sink>,
}

/// How far past the wall clock an event time may be and still move a stream on.
const FUTURE_TOLERANCE: SignedDuration = SignedDuration::from_hours(24);

fn horizon() -> Timestamp {
    Timestamp::now().saturating_add(FUTURE_TOLERANCE).unwrap_or(Timestamp::MAX)
}

impl std::fmt::Debug for Stream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Stream")
            .field("max_disorder", &self.max_disorder)
            .field("waiting", &self.waiting.len())
            .field("windows", &self.windows)
            .field("watermark", &self.watermark)
            .finish_non_exhaustive()
    }
}

impl Stream {
    pub(crate) fn new(rules: &'static [Rule], max_disorder: SignedDuration, sink: Box<dyn Sink>) -> Stream {
        Stream {
            max_disorder: max_disorder.abs(),
            waiting: BinaryHeap::new(),
            windows: Windows::new(rules),
            newest: None,
            watermark: None,
            horizon: horizon(),
            sink,
        }
    }

    /// Takes a match; returns whether it is late: older than the watermark, so that it reaches
    /// its window out of order (it joins the open window of its rule and dedup string, if any).
    pub(crate) fn push(&mut self, m: Match, files: &[String]) -> bool {
        let late = m.time.zip(self.watermark).is_some_and(|(time, watermark)| time < watermark);
        if late || m.time.is_none() {
            let closed: Vec<Alert> = self.windows.push(m, files).into_iter().collect();
            self.emit(closed);
        } else {
            self.waiting.push(Reverse(Waiting(m)));
        }
        late
    }

    /// Notes that an event of `time` was read: matches up to the new watermark go to their
    /// windows, and windows that ended before it close. Returns false for a time more than a day
    /// past the wall clock, which is ignored.
    pub(crate) fn advance(&mut self, time: Timestamp, files: &[String]) -> bool {
        if time > self.horizon {
            self.horizon = horizon();
            if time > self.horizon {
                return false;
            }
        }
        if self.newest.is_some_and(|newest| newest >= time) {
            return true;
        }
        self.newest = Some(time);
        let Ok(watermark) = time.checked_sub(self.max_disorder) else { return true };
        if self.watermark.is_some_and(|w| w >= watermark) {
            return true;
        }
        self.watermark = Some(watermark);
        let mut alerts = Vec::new();
        while self.waiting.peek().is_some_and(|w| w.0.0.time.is_some_and(|t| t <= watermark)) {
            let Reverse(Waiting(m)) = self.waiting.pop().expect("peeked");
            alerts.extend(self.windows.push(m, files));
        }
        alerts.extend(self.windows.close_until(watermark, files));
        self.emit(alerts);
        true
    }

    /// Every waiting match to its window, then every window closed.
    pub(crate) fn finish(mut self, files: &[String]) {
        let mut alerts = Vec::new();
        while let Some(Reverse(Waiting(m))) = self.waiting.pop() {
            alerts.extend(self.windows.push(m, files));
        }
        alerts.extend(self.windows.close_all(files));
        self.emit(alerts);
    }

    fn emit(&mut self, mut alerts: Vec<Alert>) {
        if !alerts.is_empty() {
            sort_alerts(&mut alerts);
            self.sink.alerts(alerts);
        }
    }
}

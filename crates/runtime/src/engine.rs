//! The scan engine: lines in, matches recorded, alerts out.
//!
//! Event time comes from the log type's time field. A line whose time is absent or unparsable
//! takes the time of the last line before it in the same file that had one (arrival order); it
//! is counted in [`Stats::time_fallbacks`].

use std::collections::BTreeMap;

use jiff::Timestamp;

use crate::alert::{Alert, Match, build_alerts};
use crate::event::{Event, EventError};
use crate::render;
use crate::rule::{LogType, Rule, RuleSet};
use crate::signal::Signal;
use crate::stream::{Sink, Stream};
use crate::time;

/// Counters of a scan.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Stats {
    /// Matches (signals included) by rule id.
    pub by_rule: BTreeMap<&'static str, u64>,
    pub events: u64,
    pub matches: u64,
    /// Matches of rules with `CreateAlert: false`.
    pub signals: u64,
    pub time_fallbacks: u64,
    /// Events of no log type the rules read (when no log type was named).
    pub unrecognised: u64,
    /// Recognised events by log type.
    pub by_log_type: BTreeMap<&'static str, u64>,
    /// Events outside the time range set by [`Engine::set_time_range`], not run through rules.
    pub out_of_range: u64,
    /// Matches that reached a streaming engine later than its disorder allows (see
    /// [`Engine::stream`]).
    pub late: u64,
    /// Events of a streaming engine dated more than a day past the wall clock: they did not move
    /// the stream on.
    pub future: u64,
}

/// What a scan produced.
#[derive(Debug)]
pub struct Finished {
    /// The alerts, in vigil's output order; empty for a streaming engine, which wrote them.
    pub alerts: Vec<Alert>,
    /// Labelled signal events as JSON lines, in input order, when kept (see
    /// [`Engine::keep_signals`]); a streaming engine wrote them.
    pub signals: Vec<String>,
    pub stats: Stats,
}

/// What was wrong, but not fatal, with a line that was scanned.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct LineNotes {
    /// Read fields whose values could not be represented and were taken as absent
    /// (see [`Event::unrepresentable`]).
    pub unrepresentable: Vec<String>,
    /// Why the event's time was not usable, when it was not.
    pub unusable_time: Option<String>,
    /// The event has the signature of no log type the rules read; it was not scanned.
    pub unrecognised: bool,
}

/// A log type and the indices of the rules that run on its events.
#[derive(Debug)]
struct Route {
    log_type: &'static LogType,
    active: Vec<usize>,
}

/// Scans events against the enabled rules of their log type: one named log type, or each event's
/// own, recognised by its signature.
#[derive(Debug)]
pub struct Engine {
    rule_set: &'static RuleSet,
    /// In the rule set's (sorted) order; an event takes the first whose signature it has.
    routes: Vec<Route>,
    /// One log type was named: every event is of it, signature or not.
    forced: bool,
    files: Vec<String>,
    last_time: Vec<Option<Timestamp>>,
    matches: Vec<Match>,
    /// `Some` when signals are kept.
    signals: Option<Vec<Signal>>,
    /// `Some` when alerts are streamed rather than built at the end.
    stream: Option<Stream>,
    stats: Stats,
    time_range: (Option<Timestamp>, Option<Timestamp>),
}

/// The log type is not read by any compiled rule.
#[derive(Debug, thiserror::Error)]
#[error("no compiled rule reads log type `{name}`; log types: {known}")]
pub struct UnknownLogType {
    pub name: String,
    pub known: String,
}

impl Engine {
    /// An engine for events of `log_type`, or of every log type the rules read when `None`
    /// (each event recognised by its signature). Disabled rules run only with `include_disabled`.
    pub fn new(
        rule_set: &'static RuleSet,
        log_type: Option<&str>,
        include_disabled: bool,
    ) -> Result<Engine, UnknownLogType> {
        let log_types: Vec<&'static LogType> = match log_type {
            Some(name) => vec![rule_set.log_type(name).ok_or_else(|| UnknownLogType {
                name: name.to_string(),
                known: rule_set.log_types.iter().map(|t| t.name).collect::<Vec<_>>().join(", "),
            })?],
            None => rule_set.log_types.iter().collect(),
        };
        let routes = log_types
            .into_iter()
            .map(|log_type| Route {
                log_type,
                active: (0..rule_set.rules.len())
                    .filter(|&i| {
                        let rule = &rule_set.rules[i];
                        (rule.enabled || include_disabled) && rule.log_types.contains(&log_type.name)
                    })
                    .collect(),
            })
            .collect();
        Ok(Engine {
            rule_set,
            routes,
            forced: log_type.is_some(),
            files: Vec::new(),
            last_time: Vec::new(),
            matches: Vec::new(),
            signals: None,
            stream: None,
            stats: Stats::default(),
            time_range: (None, None),
        })
    }

    /// Registers an input by the name alerts will cite; returns its index for [`Engine::line`].
    pub fn add_file(&mut self, name: String) -> usize {
        self.files.push(name);
        self.last_time.push(None);
        self.files.len() - 1
    }

    /// The number of rules that run, on any log type.
    pub fn active_rules(&self) -> usize {
        let mut rules: Vec<usize> = self.routes.iter().flat_map(|r| r.active.iter().copied()).collect();
        rules.sort_unstable();
        rules.dedup();
        rules.len()
    }

    /// Keeps only the rules that `keep` accepts.
    pub fn retain_rules(&mut self, keep: impl Fn(&Rule) -> bool) {
        let rules = self.rule_set.rules;
        for route in &mut self.routes {
            route.active.retain(|&i| keep(&rules[i]));
        }
    }

    /// Runs rules only on events with `since <= time < until` (either bound optional); other
    /// events, and events with no usable time, are counted as out of range.
    pub fn set_time_range(&mut self, since: Option<Timestamp>, until: Option<Timestamp>) {
        self.time_range = (since, until);
    }

    /// Keeps the events that signal rules (`CreateAlert: false`) match, labelled, for
    /// [`Finished::signals`] or a stream's sink.
    pub fn keep_signals(&mut self) {
        self.signals.get_or_insert_with(Vec::new);
    }

    /// Streams alerts and signals to `sink` as the scan goes, for input whose event times are
    /// in order up to `max_disorder` (a match may be up to that much older than the newest event
    /// before it). Under that bound the alerts are exactly those of [`Engine::finish`] on the
    /// same input; a later match is counted in [`Stats::late`] and joins its open window. The
    /// engine keeps only open windows and the matches younger than the disorder, so it suits
    /// endless input; it scans one stream, so it is not merged with other engines.
    pub fn stream(&mut self, max_disorder: jiff::SignedDuration, sink: Box<dyn Sink>) {
        self.stream = Some(Stream::new(self.rule_set.rules, max_disorder, sink));
    }

    /// Parses one line of `file` and runs the rules on it.
    pub fn line(&mut self, file: usize, line: u64, text: &str) -> Result<LineNotes, EventError> {
        let event = Event::parse(&self.rule_set.schema, text)?;
        self.stats.events += 1;
        let mut notes =
            LineNotes { unrepresentable: event.unrepresentable().to_vec(), unusable_time: None, unrecognised: false };
        let route = if self.forced {
            Some(0)
        } else {
            self.routes.iter().position(|r| r.log_type.signature.iter().all(|key| event.get(key).is_some()))
        };
        let Some(route) = route else {
            self.stats.unrecognised += 1;
            notes.unrecognised = true;
            return Ok(notes);
        };
        let log_type = self.routes[route].log_type;
        *self.stats.by_log_type.entry(log_type.name).or_default() += 1;
        let time_value = event.get(&log_type.time);
        let own_time = time_value.and_then(time::parse);
        let time = if let Some(t) = own_time {
            self.last_time[file] = Some(t);
            Some(t)
        } else {
            self.stats.time_fallbacks += 1;
            let field = self.rule_set.schema.keys[log_type.time.slot];
            let what = time_value.map_or_else(|| "absent".to_string(), |v| format!("{}, not a time", v.to_json()));
            notes.unusable_time =
                Some(format!("`{field}` is {what}; the event takes the time of the line before it, if there is one"));
            self.last_time[file]
        };
        if self.time_range != (None, None) {
            let (since, until) = self.time_range;
            let inside = time.is_some_and(|t| since.is_none_or(|s| t >= s) && until.is_none_or(|u| t < u));
            if !inside {
                self.stats.out_of_range += 1;
                return Ok(notes);
            }
        }
        for position in 0..self.routes[route].active.len() {
            let index = self.routes[route].active[position];
            let rule = &self.rule_set.rules[index];
            if !(rule.matcher)(&event) {
                continue;
            }
            self.stats.matches += 1;
            *self.stats.by_rule.entry(rule.id).or_default() += 1;
            if !rule.create_alert {
                self.stats.signals += 1;
                if self.signals.is_some() {
                    let severity = render::severity(rule, &event);
                    let event = text.to_string();
                    self.signal(Signal { rule: index, log_type: log_type.name, severity, time, file, line, event });
                }
                continue;
            }
            let title = render::title(rule, &event);
            self.record(Match {
                rule: index,
                log_type: log_type.name,
                dedup: render::dedup(rule, &event, &title),
                title,
                severity: render::severity(rule, &event),
                time,
                file,
                line,
                output_fields: render::fields_json(rule.output_fields, &event),
                context: render::fields_json(rule.alert_context, &event),
                summary: rule
                    .summary_attributes
                    .iter()
                    .filter_map(|f| event.lookup(&f.path).map(|v| (f.name, v.to_text().into_owned())))
                    .collect(),
            });
        }
        if let (Some(stream), Some(time)) = (&mut self.stream, own_time) {
            if !stream.advance(time, &self.files) {
                self.stats.future += 1;
            }
        }
        Ok(notes)
    }

    fn record(&mut self, m: Match) {
        match &mut self.stream {
            Some(stream) => self.stats.late += u64::from(stream.push(m, &self.files)),
            None => self.matches.push(m),
        }
    }

    fn signal(&mut self, signal: Signal) {
        let Some(signals) = &mut self.signals else { return };
        match &mut self.stream {
            Some(stream) => stream.sink.signal(signal.to_json(self.rule_set.rules, &self.files)),
            None => signals.push(signal),
        }
    }

    /// Takes in what another engine over the same rules scanned: its files are added after
    /// this engine's, in their order.
    pub fn merge(&mut self, other: Engine) {
        let offset = self.files.len();
        self.files.extend(other.files);
        self.last_time.extend(other.last_time);
        self.matches.extend(other.matches.into_iter().map(|m| Match { file: m.file + offset, ..m }));
        if let (Some(signals), Some(other)) = (&mut self.signals, other.signals) {
            signals.extend(other.into_iter().map(|s| Signal { file: s.file + offset, ..s }));
        }
        self.add_stats(other.stats);
    }

    /// Takes in a later part of this engine's last file, scanned by `other` as its only file
    /// with lines counted from the part's start: lines move down by `lines_before`, and events
    /// with no time of their own before the part's first time take the time this file had.
    pub fn merge_part(&mut self, other: Engine, lines_before: u64) {
        let file = self.files.len() - 1;
        let carried = self.last_time[file];
        self.matches.extend(other.matches.into_iter().map(|m| Match {
            file,
            line: m.line + lines_before,
            time: m.time.or(carried),
            ..m
        }));
        if let (Some(signals), Some(other)) = (&mut self.signals, other.signals) {
            signals.extend(other.into_iter().map(|s| Signal {
                file,
                line: s.line + lines_before,
                time: s.time.or(carried),
                ..s
            }));
        }
        if let Some(last) = other.last_time[0] {
            self.last_time[file] = Some(last);
        }
        self.add_stats(other.stats);
    }

    fn add_stats(&mut self, other: Stats) {
        self.stats.events += other.events;
        self.stats.matches += other.matches;
        self.stats.signals += other.signals;
        self.stats.time_fallbacks += other.time_fallbacks;
        self.stats.out_of_range += other.out_of_range;
        self.stats.unrecognised += other.unrecognised;
        self.stats.late += other.late;
        self.stats.future += other.future;
        for (log_type, count) in other.by_log_type {
            *self.stats.by_log_type.entry(log_type).or_default() += count;
        }
        for (rule, count) in other.by_rule {
            *self.stats.by_rule.entry(rule).or_default() += count;
        }
    }

    /// The alerts and signals of everything scanned, in deterministic order; a streaming engine
    /// writes what remains to its sink.
    pub fn finish(self) -> Finished {
        let rules = self.rule_set.rules;
        let signals = self.signals.unwrap_or_default().iter().map(|s| s.to_json(rules, &self.files)).collect();
        let alerts = match self.stream {
            Some(stream) => {
                stream.finish(&self.files);
                Vec::new()
            }
            None => build_alerts(rules, &self.files, self.matches),
        };
        Finished { alerts, signals, stats: self.stats }
    }
}

#[cfg(test)]
mod tests;

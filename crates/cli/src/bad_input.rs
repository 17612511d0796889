//! Bad input is reported and counted, never fatal: the first problems are printed with their
//! `file:line`, the rest only counted, and the summary gives the totals by kind.

use std::collections::BTreeMap;
use std::fmt;

/// How many problems are printed one by one.
const SHOWN: u64 = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Problem {
    /// A line that is not one JSON object.
    MalformedJson,
    /// A line that is not UTF-8.
    NotUtf8,
    /// A line over the length limit.
    TooLong,
    /// A read field whose valid JSON value vigil cannot hold; the event is scanned without it.
    Unrepresentable,
    /// An event whose time is absent or not a time; it takes the previous line's time.
    UnusableTime,
    /// An input that could not be opened, or failed part-way (e.g. truncated gzip).
    Unreadable,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Problem::MalformedJson => "malformed",
            Problem::NotUtf8 => "not UTF-8",
            Problem::TooLong => "too long",
            Problem::Unrepresentable => "unrepresentable values",
            Problem::UnusableTime => "unusable times",
            Problem::Unreadable => "unreadable inputs",
        })
    }
}

/// Counts problems and prints the first ones to stderr.
#[derive(Debug, Default)]
pub struct BadInput {
    counts: BTreeMap<Problem, u64>,
    total: u64,
}

impl BadInput {
    pub fn report(&mut self, problem: Problem, location: &str, detail: &str) {
        *self.counts.entry(problem).or_default() += 1;
        self.total += 1;
        if self.total <= SHOWN {
            crate::stderr::say(format_args!("{location}: {detail}"));
        }
    }

    pub fn count(&self, problem: Problem) -> u64 {
        self.counts.get(&problem).copied().unwrap_or(0)
    }

    /// Problems beyond the ones printed.
    pub fn unshown(&self) -> u64 {
        self.total.saturating_sub(SHOWN)
    }
}

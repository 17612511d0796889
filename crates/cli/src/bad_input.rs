//! Bad input is reported and counted, never fatal: the first problems are printed with their
//! `file:line`, the rest only counted, and the summary gives the totals by kind.

use std::collections::BTreeMap;
use std::fmt;

/// How many problems are printed one by one, and with `--verbose`.
pub const SHOWN: usize = 20;
pub const SHOWN_VERBOSE: usize = 1000;

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
    /// An event of no log type the rules read; not scanned.
    Unrecognised,
    /// An input that could not be opened, or failed part-way (e.g. truncated gzip).
    Unreadable,
}

/// Problems of the input: all counted, the first ones kept with their location to be printed
/// in input order, whichever thread found them.
#[derive(Debug, Default)]
pub struct BadInput {
    counts: BTreeMap<Problem, u64>,
    total: u64,
    first: Vec<Kept>,
    /// Unreadable inputs, all of them: they set the exit code, so they are always printed.
    unreadable: Vec<Kept>,
}

/// A problem kept for printing; its line can still move (see [`BadInput::shift_lines`]).
#[derive(Debug)]
struct Kept {
    file: String,
    line: Option<u64>,
    column: Option<usize>,
    detail: String,
}

impl Kept {
    fn print(&self) {
        let detail = &self.detail;
        match self.line {
            Some(line) => {
                let at = Location { file: &self.file, line, column: self.column };
                crate::stderr::say(format_args!("{at}: {detail}"));
            }
            None => crate::stderr::say(format_args!("{}: {detail}", self.file)),
        }
    }
}

impl BadInput {
    /// A problem with a whole input.
    pub fn report(&mut self, problem: Problem, file: &str, detail: &dyn fmt::Display) {
        self.keep(problem, Kept { file: file.to_string(), line: None, column: None, detail: detail.to_string() });
    }

    /// A problem at a line of an input.
    pub fn report_at(&mut self, problem: Problem, at: Location, detail: &dyn fmt::Display) {
        let kept =
            Kept { file: at.file.to_string(), line: Some(at.line), column: at.column, detail: detail.to_string() };
        self.keep(problem, kept);
    }

    fn keep(&mut self, problem: Problem, kept: Kept) {
        *self.counts.entry(problem).or_default() += 1;
        self.total += 1;
        if problem == Problem::Unreadable {
            self.unreadable.push(kept);
        } else if self.first.len() < SHOWN_VERBOSE {
            self.first.push(kept);
        }
    }

    /// Every problem counted, of any kind.
    pub fn total(&self) -> u64 {
        self.total
    }

    pub fn count(&self, problem: Problem) -> u64 {
        self.counts.get(&problem).copied().unwrap_or(0)
    }

    /// Moves the kept problems' lines down by `lines`: they were found in a part of an input that
    /// starts after that many lines.
    pub fn shift_lines(&mut self, lines: u64) {
        for kept in &mut self.first {
            kept.line = kept.line.map(|line| line + lines);
        }
    }

    /// Adds the problems of an input (or part of one) read after the ones already here.
    pub fn append(&mut self, other: BadInput) {
        for (problem, count) in other.counts {
            *self.counts.entry(problem).or_default() += count;
        }
        self.total += other.total;
        self.unreadable.extend(other.unreadable);
        let room = SHOWN_VERBOSE.saturating_sub(self.first.len());
        self.first.extend(other.first.into_iter().take(room));
    }

    /// Prints every unreadable input and the first `shown` other problems, then how many more
    /// there were.
    pub fn print(&self, shown: usize) {
        self.print_unreadable();
        for kept in self.first.iter().take(shown) {
            kept.print();
        }
        let unshown = self.total - (self.unreadable.len() + self.first.len().min(shown)) as u64;
        if unshown > 0 {
            crate::stderr::say(format_args!(
                "... and {unshown} more input problems not shown (--verbose shows up to {SHOWN_VERBOSE})"
            ));
        }
    }

    /// Prints every unreadable input.
    pub fn print_unreadable(&self) {
        for kept in &self.unreadable {
            kept.print();
        }
    }
}

/// `file:line` or `file:line:column`, formatted only when a problem is reported.
#[derive(Debug, Clone, Copy)]
pub struct Location<'a> {
    pub file: &'a str,
    pub line: u64,
    pub column: Option<usize>,
}

impl fmt::Display for Location<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)?;
        if let Some(column) = self.column {
            write!(f, ":{column}")?;
        }
        Ok(())
    }
}

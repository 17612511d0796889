//! Alerts as an aligned table for a person at a terminal. Column widths are fixed before the
//! first alert, from the rules that run, so that rows can be written as alerts come.

use std::fmt::Write as _;
use std::io::{self, Write};

use crate::alert::Alert;
use crate::rule::Severity;

const HEADER: [&str; 5] = ["FIRST EVENT", "SEVERITY", "COUNT", "RULE", "TITLE"];
/// `2024-01-01T10:00:00Z`: the table shows whole seconds.
const TIME_WIDTH: usize = 20;
const SEVERITY_WIDTH: usize = 8;
const COUNT_WIDTH: usize = 5;

/// ANSI colour for a severity.
fn color(severity: Severity) -> &'static str {
    match severity {
        Severity::Info => "\x1b[2m",
        Severity::Low => "\x1b[36m",
        Severity::Medium => "\x1b[33m",
        Severity::High => "\x1b[31m",
        Severity::Critical => "\x1b[1;31m",
    }
}

/// Titles are never cut shorter than this.
const MIN_TITLE_WIDTH: usize = 20;

/// One row per alert: first event time, severity, count, rule, title.
#[derive(Debug, Clone)]
pub struct Table {
    widths: [usize; 4],
    /// Titles longer than this are cut, ending in `…`.
    title_width: Option<usize>,
    colored: bool,
}

impl Table {
    /// A table whose rule column fits `rule_ids`, and whose rows fit in `columns` (titles are
    /// cut to fit, down to a minimum) when given.
    pub fn new<'a>(rule_ids: impl IntoIterator<Item = &'a str>, columns: Option<usize>, colored: bool) -> Table {
        let rule_width = rule_ids.into_iter().map(|id| id.chars().count()).max().unwrap_or(0).max(HEADER[3].len());
        let widths = [TIME_WIDTH, SEVERITY_WIDTH, COUNT_WIDTH, rule_width];
        let before_title: usize = widths.iter().map(|w| w + 2).sum();
        let title_width = columns.map(|c| c.saturating_sub(before_title).max(MIN_TITLE_WIDTH));
        Table { widths, title_width, colored }
    }

    pub fn write_header(&self, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "{}", self.line(&HEADER.map(String::from)))
    }

    pub fn write_row(&self, out: &mut dyn Write, alert: &Alert) -> io::Result<()> {
        let time = alert.span.map_or_else(|| "-".to_string(), |(first, _)| format!("{first:.0}"));
        let row = self.line(&[
            time,
            format!("{:?}", alert.severity),
            alert.event_count.to_string(),
            alert.rule_id.to_string(),
            self.cut(&alert.title),
        ]);
        if self.colored { writeln!(out, "{}{row}\x1b[0m", color(alert.severity)) } else { writeln!(out, "{row}") }
    }

    fn cut(&self, title: &str) -> String {
        match self.title_width {
            Some(width) if title.chars().count() > width => {
                let mut cut: String = title.chars().take(width - 1).collect();
                cut.push('…');
                cut
            }
            _ => title.to_string(),
        }
    }

    fn line(&self, cells: &[String; 5]) -> String {
        let mut text = String::new();
        for (cell, width) in cells.iter().zip(self.widths) {
            let _ = write!(text, "{cell:<width$}  ");
        }
        text.push_str(&cells[4]);
        text
    }
}

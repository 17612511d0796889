//! Alerts as an aligned table for a person at a terminal. Column widths are fixed before the
//! first alert, from the rules that run, so that rows can be written as alerts come.

use std::fmt::Write as _;
use std::io::{self, Write};

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::alert::Alert;
use crate::rule::Severity;

const HEADER: [&str; 5] = ["FIRST EVENT", "SEVERITY", "COUNT", "RULE", "TITLE"];
/// `2024-01-01T10:00:00Z`: the table shows whole seconds.
const TIME_WIDTH: usize = 20;
const SEVERITY_WIDTH: usize = 8;
const COUNT_WIDTH: usize = 5;

/// Text as one line of the table: control characters (newlines, escape sequences an event could
/// smuggle into a title) are shown as `\u{..}` escapes, not sent to the terminal.
fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() {
            let _ = write!(out, "{}", c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

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
        let rule_width = rule_ids.into_iter().map(UnicodeWidthStr::width).max().unwrap_or(0).max(HEADER[3].len());
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
            self.cut(&printable(&alert.title)),
        ]);
        if self.colored { writeln!(out, "{}{row}\x1b[0m", color(alert.severity)) } else { writeln!(out, "{row}") }
    }

    /// The title cut to the title column's width on screen (wide characters count twice).
    fn cut(&self, title: &str) -> String {
        match self.title_width {
            Some(width) if title.width() > width => {
                let mut cut = String::new();
                let mut used = 0;
                for c in title.chars() {
                    let w = c.width().unwrap_or(0);
                    if used + w > width - 1 {
                        break;
                    }
                    used += w;
                    cut.push(c);
                }
                cut.push('…');
                cut
            }
            _ => title.to_string(),
        }
    }

    fn line(&self, cells: &[String; 5]) -> String {
        let mut text = String::new();
        for (cell, width) in cells.iter().zip(self.widths) {
            let pad = width.saturating_sub(cell.width());
            let _ = write!(text, "{cell}{:pad$}  ", "");
        }
        text.push_str(&cells[4]);
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alert::OrderedFields;

    fn alert(title: &str) -> Alert {
        Alert {
            alert_id: String::new(),
            rule_id: "T.Rule",
            rule_name: "Rule",
            title: title.to_string(),
            severity: Severity::High,
            dedup: String::new(),
            log_type: "Test.Log",
            first_event_time: None,
            last_event_time: None,
            span: None,
            event_count: 1,
            threshold: 1,
            dedup_period_minutes: 60,
            reports: std::collections::BTreeMap::new(),
            tags: &[],
            reference: None,
            runbook: None,
            output_fields: OrderedFields(Vec::new()),
            context: OrderedFields(Vec::new()),
            summary_attributes: std::collections::BTreeMap::new(),
            sources: Vec::new(),
        }
    }

    fn row(table: &Table, title: &str) -> String {
        let mut out = Vec::new();
        table.write_row(&mut out, &alert(title)).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn control_characters_in_titles_are_escaped_not_printed() {
        let table = Table::new(["T.Rule"], None, false);
        let line = row(&table, "evil\n2024-01-01T00:00:00Z  Critical\x1b[2J");
        assert_eq!(line.lines().count(), 1, "{line}");
        assert!(line.ends_with("evil\\u{a}2024-01-01T00:00:00Z  Critical\\u{1b}[2J\n"), "{line}");
    }

    #[test]
    fn wide_characters_count_twice_when_titles_are_cut() {
        let table = Table::new(["T.Rule"], Some(100), false);
        let line = row(&table, &"漢".repeat(60));
        // 47 columns before the title leave 53: 26 wide characters and the ellipsis.
        assert_eq!(line.trim_end().width(), 100, "{line}");
        assert_eq!(line.matches('漢').count(), 26, "{line}");
        assert!(line.trim_end().ends_with("漢…"), "{line}");
    }
}

//! Alerts as an aligned table for a person at a terminal.

use std::fmt::Write as _;
use std::io::{self, Write};

use crate::alert::Alert;
use crate::rule::Severity;

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

/// One row per alert: first event time, severity, count, rule, title.
pub fn write_table(out: &mut dyn Write, alerts: &[Alert], colored: bool) -> io::Result<()> {
    let rows: Vec<[String; 5]> = alerts
        .iter()
        .map(|a| {
            [
                a.first_event_time.clone().unwrap_or_else(|| "-".into()),
                format!("{:?}", a.severity),
                a.event_count.to_string(),
                a.rule_id.to_string(),
                a.title.clone(),
            ]
        })
        .collect();
    let header = ["FIRST EVENT", "SEVERITY", "COUNT", "RULE", "TITLE"].map(String::from);
    let mut widths = header.clone().map(|h| h.chars().count());
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: &[String; 5]| -> String {
        let mut text = String::new();
        for (i, cell) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                text.push_str(cell);
            } else {
                let _ = write!(text, "{cell:<width$}  ", width = widths[i]);
            }
        }
        text
    };
    writeln!(out, "{}", line(&header))?;
    for (alert, row) in alerts.iter().zip(&rows) {
        if colored {
            writeln!(out, "{}{}\x1b[0m", color(alert.severity), line(row))?;
        } else {
            writeln!(out, "{}", line(row))?;
        }
    }
    Ok(())
}

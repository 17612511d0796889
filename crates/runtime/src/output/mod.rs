//! Alert output formats: JSON lines (vigil's own schema), OCSF Detection Findings, and a table
//! for people at a terminal.

mod ocsf;
mod table;

use std::io::{self, Write};

use crate::alert::Alert;

pub use ocsf::detection_finding;
pub use table::write_table;

/// How alerts are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One alert per line in vigil's schema (`docs/alerts.md`).
    Jsonl,
    /// One OCSF Detection Finding (class 2004) per line.
    Ocsf,
    /// An aligned table; `color` adds severity colours.
    Table { color: bool },
}

/// Writes every alert in `format`.
pub fn write_alerts(out: &mut dyn Write, alerts: &[Alert], format: Format) -> io::Result<()> {
    match format {
        Format::Jsonl => {
            for alert in alerts {
                serde_json::to_writer(&mut *out, alert)?;
                out.write_all(b"\n")?;
            }
        }
        Format::Ocsf => {
            for alert in alerts {
                serde_json::to_writer(&mut *out, &detection_finding(alert))?;
                out.write_all(b"\n")?;
            }
        }
        Format::Table { color } => write_table(out, alerts, color)?,
    }
    Ok(())
}

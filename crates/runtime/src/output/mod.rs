//! Alert output formats: JSON lines (vigil's own schema), OCSF Detection Findings, and a table
//! for people at a terminal.

mod ocsf;
mod table;

use std::io::{self, Write};

use crate::alert::Alert;

pub use ocsf::detection_finding;
pub use table::Table;

/// How alerts are written.
#[derive(Debug, Clone)]
pub enum Format {
    /// One alert per line in vigil's schema (`docs/alerts.md`).
    Jsonl,
    /// One OCSF Detection Finding (class 2004) per line.
    Ocsf,
    /// An aligned table, with a header line first.
    Table(Table),
}

/// Writes alerts in a format, as they come: all at once or a few at a time.
#[derive(Debug)]
pub struct AlertWriter<W: Write> {
    out: W,
    format: Format,
    started: bool,
}

impl<W: Write> AlertWriter<W> {
    pub fn new(out: W, format: Format) -> AlertWriter<W> {
        AlertWriter { out, format, started: false }
    }

    /// Writes `alerts` (and the table's header, before the first).
    pub fn write(&mut self, alerts: &[Alert]) -> io::Result<()> {
        self.start()?;
        for alert in alerts {
            match &self.format {
                Format::Jsonl => serde_json::to_writer(&mut self.out, alert)?,
                Format::Ocsf => serde_json::to_writer(&mut self.out, &detection_finding(alert))?,
                Format::Table(table) => {
                    table.write_row(&mut self.out, alert)?;
                    continue;
                }
            }
            self.out.write_all(b"\n")?;
        }
        Ok(())
    }

    /// Writes the table's header if no alert came, and flushes.
    pub fn flush(&mut self) -> io::Result<()> {
        self.start()?;
        self.out.flush()
    }

    fn start(&mut self) -> io::Result<()> {
        if !self.started {
            self.started = true;
            if let Format::Table(table) = &self.format {
                table.write_header(&mut self.out)?;
            }
        }
        Ok(())
    }
}

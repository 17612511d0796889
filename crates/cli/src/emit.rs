//! Where a scan's alerts and signals go: `--output` (or stdout) and `--signals`, filtered by
//! `--severity-min`, counted for the summary. Shared with a streaming engine as its sink.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::sync::{Arc, Mutex, PoisonError};

use vigil_runtime::output::{AlertWriter, Format};
use vigil_runtime::{Alert, Severity, Sink};

type Target = BufWriter<Box<dyn Write + Send>>;

/// Where output goes.
pub enum Destination {
    Stdout,
    File(File),
}

fn target(destination: Destination) -> Target {
    match destination {
        Destination::File(file) => BufWriter::new(Box::new(file)),
        Destination::Stdout => BufWriter::new(Box::new(io::stdout())),
    }
}

/// Writes alerts and signals, keeping the first write error.
pub struct Emitter {
    alerts: AlertWriter<Target>,
    signals: Option<Target>,
    severity_min: Option<Severity>,
    /// Flush after every write, for a reader waiting on a stream.
    flush_each: bool,
    /// Alerts written, by severity.
    pub by_severity: BTreeMap<Severity, u64>,
    error: Option<io::Error>,
}

impl Emitter {
    /// Alerts to `output` in `format`; signals, if wanted, to `signals`.
    pub fn new(
        output: Destination,
        format: Format,
        signals: Option<Destination>,
        severity_min: Option<Severity>,
        flush_each: bool,
    ) -> Emitter {
        Emitter {
            alerts: AlertWriter::new(target(output), format),
            signals: signals.map(target),
            severity_min,
            flush_each,
            by_severity: BTreeMap::new(),
            error: None,
        }
    }

    pub fn alerts(&mut self, mut alerts: Vec<Alert>) {
        alerts.retain(|alert| self.severity_min.is_none_or(|min| alert.severity >= min));
        for alert in &alerts {
            *self.by_severity.entry(alert.severity).or_default() += 1;
        }
        let written =
            self.alerts.write(&alerts).and_then(|()| if self.flush_each { self.alerts.flush() } else { Ok(()) });
        self.keep(written);
    }

    pub fn signal(&mut self, json: &str) {
        let Some(out) = &mut self.signals else { return };
        let written = writeln!(out, "{json}").and_then(|()| if self.flush_each { out.flush() } else { Ok(()) });
        self.keep(written);
    }

    /// The number of alerts written.
    pub fn written(&self) -> u64 {
        self.by_severity.values().sum()
    }

    /// Flushes everything; the first error of any write.
    pub fn finish(&mut self) -> io::Result<()> {
        let flushed = self.alerts.flush();
        self.keep(flushed);
        if let Some(out) = &mut self.signals {
            let flushed = out.flush();
            self.keep(flushed);
        }
        self.error.take().map_or(Ok(()), Err)
    }

    /// Whether a reader closed its end (`| head`): nothing more can be written.
    fn reader_gone(&self) -> bool {
        self.error.as_ref().is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    }

    fn keep(&mut self, result: io::Result<()>) {
        if let Err(e) = result {
            self.error.get_or_insert(e);
        }
    }
}

/// An [`Emitter`] shared with a streaming engine.
#[derive(Clone)]
pub struct Shared(pub Arc<Mutex<Emitter>>);

impl Shared {
    pub fn lock(&self) -> std::sync::MutexGuard<'_, Emitter> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Shared {
    /// A stream whose reader is gone has nothing left to do: it ends quietly, as `vigil scan |
    /// head` does after a whole scan, instead of reading an endless input to no one.
    fn end_if_reader_gone(&self) {
        if self.lock().reader_gone() {
            std::process::exit(0);
        }
    }
}

impl Sink for Shared {
    fn alerts(&mut self, alerts: Vec<Alert>) {
        self.lock().alerts(alerts);
        self.end_if_reader_gone();
    }

    fn signal(&mut self, json: String) {
        self.lock().signal(&json);
        self.end_if_reader_gone();
    }
}

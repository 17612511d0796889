//! `vigil scan`: every input, line by line, through the engine; alerts to stdout as JSON lines.

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use vigil_runtime::Engine;
use vigil_runtime::output::{self, Format};

use crate::args::{OutputFormat, ScanArgs};
use crate::bad_input::{BadInput, Problem};
use crate::inputs::{self, Input};
use crate::lines::{self, Line};
use crate::stderr::say;
use crate::summary::Summary;

/// Lines longer than this are skipped and reported (no audit event comes near it).
const MAX_LINE_BYTES: usize = 16 << 20;

#[derive(Debug, Default)]
struct Totals {
    lines: u64,
    bytes: u64,
}

pub fn run(args: &ScanArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let mut engine = Engine::new(&vigil_rules::RULE_SET, &args.log_type, args.include_disabled)?;
    let mut bad = BadInput::default();
    let mut totals = Totals::default();
    let (inputs, listing_errors) = inputs::expand(&args.paths);
    for (name, error) in listing_errors {
        bad.report(Problem::Unreadable, &name, &format!("cannot read: {error}"));
    }
    for input in &inputs {
        scan_input(&mut engine, input, &mut bad, &mut totals);
    }
    let rules = engine.active_rules();
    let (alerts, stats) = engine.finish();
    if let Err(e) = write_alerts(&alerts, output_format(args.format)) {
        if e.kind() == io::ErrorKind::BrokenPipe {
            return Ok(ExitCode::SUCCESS);
        }
        return Err(e).context("writing alerts");
    }
    if bad.unshown() > 0 {
        say(format_args!("... and {} more input problems not shown", bad.unshown()));
    }
    let summary = Summary {
        inputs: inputs.len(),
        lines: totals.lines,
        events: stats.events,
        rules,
        matches: stats.matches,
        signals: stats.signals,
        alerts: alerts.len(),
        bad: &bad,
        seconds: started.elapsed().as_secs_f64(),
        bytes: totals.bytes,
    };
    say(format_args!("{summary}"));
    Ok(if bad.count(Problem::Unreadable) > 0 { ExitCode::from(2) } else { ExitCode::SUCCESS })
}

fn scan_input(engine: &mut Engine, input: &Input, bad: &mut BadInput, totals: &mut Totals) {
    let name = input.name();
    let mut reader = match input.open() {
        Ok(reader) => reader,
        Err(e) => return bad.report(Problem::Unreadable, &name, &format!("cannot open: {e}")),
    };
    let file = engine.add_file(name.clone());
    let mut buf = Vec::with_capacity(4096);
    let mut line_no: u64 = 0;
    loop {
        let line = match lines::read_line(reader.as_mut(), &mut buf, MAX_LINE_BYTES) {
            Ok(Line::End) => return,
            Ok(line) => line,
            Err(e) => {
                let detail = format!("read failed after line {line_no}; nothing after it is scanned: {e}");
                return bad.report(Problem::Unreadable, &name, &detail);
            }
        };
        line_no += 1;
        totals.lines += 1;
        let location = format!("{name}:{line_no}");
        match line {
            Line::TooLong(len) => {
                totals.bytes += len;
                bad.report(
                    Problem::TooLong,
                    &location,
                    &format!("line of {len} bytes is over the {MAX_LINE_BYTES}-byte limit"),
                );
            }
            Line::Complete => {
                totals.bytes += buf.len() as u64;
                scan_line(engine, file, line_no, &buf, &location, bad);
            }
            Line::End => unreachable!("handled above"),
        }
    }
}

fn scan_line(engine: &mut Engine, file: usize, line_no: u64, bytes: &[u8], location: &str, bad: &mut BadInput) {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return;
    }
    // A byte-order mark is not part of the first event.
    let bytes = if line_no == 1 { bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes) } else { bytes };
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let location = format!("{location}:{}", e.valid_up_to() + 1);
            return bad.report(Problem::NotUtf8, &location, "not UTF-8: an invalid byte sequence starts here");
        }
    };
    match engine.line(file, line_no, text) {
        Ok(notes) => {
            for note in notes.unrepresentable {
                bad.report(Problem::Unrepresentable, location, &format!("{note}; scanned as if absent"));
            }
            if let Some(note) = notes.unusable_time {
                bad.report(Problem::UnusableTime, location, &note);
            }
        }
        Err(e) => {
            let location = e.column().map_or_else(|| location.to_string(), |col| format!("{location}:{col}"));
            bad.report(Problem::MalformedJson, &location, &e.to_string());
        }
    }
}

fn output_format(format: OutputFormat) -> Format {
    match format {
        OutputFormat::Jsonl => Format::Jsonl,
        OutputFormat::Ocsf => Format::Ocsf,
        OutputFormat::Table => {
            let color = io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
            Format::Table { color }
        }
    }
}

fn write_alerts(alerts: &[vigil_runtime::Alert], format: Format) -> io::Result<()> {
    let mut out = io::BufWriter::new(io::stdout().lock());
    output::write_alerts(&mut out, alerts, format)?;
    out.flush()
}

//! `vigil scan`: every input, line by line, through the engine; alerts to stdout as JSON lines.

use std::io::{self, Write};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use vigil_runtime::Engine;

use crate::args::ScanArgs;
use crate::bad_input::{BadInput, Problem};
use crate::inputs::{self, Input};
use crate::lines::{self, Line};
use crate::stderr::say;

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
    let (alerts, stats) = engine.finish();
    if let Err(e) = write_alerts(&alerts) {
        if e.kind() == io::ErrorKind::BrokenPipe {
            return Ok(ExitCode::SUCCESS);
        }
        return Err(e).context("writing alerts");
    }
    let seconds = started.elapsed().as_secs_f64();
    let rate = |n: f64| if seconds > 0.0 { n / seconds } else { 0.0 };
    #[allow(clippy::cast_precision_loss)] // rates are approximate
    let (events_per_s, mb_per_s) = (rate(stats.events as f64), rate(totals.bytes as f64) / 1e6);
    if bad.unshown() > 0 {
        say(format_args!("... and {} more input problems not shown", bad.unshown()));
    }
    say(format_args!(
        "{} files, {} lines, {} events, {} malformed, {} not UTF-8, {} too long, {} unrepresentable values, {} unreadable inputs, {} matches, {} alerts, {} events without a usable time in {seconds:.2}s ({events_per_s:.0} events/s, {mb_per_s:.1} MB/s)",
        inputs.len(),
        totals.lines,
        stats.events,
        bad.count(Problem::MalformedJson),
        bad.count(Problem::NotUtf8),
        bad.count(Problem::TooLong),
        bad.count(Problem::Unrepresentable),
        bad.count(Problem::Unreadable),
        stats.matches,
        alerts.len(),
        stats.time_fallbacks,
    ));
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
        Err(e) => return bad.report(Problem::NotUtf8, location, &format!("not UTF-8: {e}")),
    };
    match engine.line(file, line_no, text) {
        Ok(unrepresentable) => {
            for note in unrepresentable {
                bad.report(Problem::Unrepresentable, location, &format!("{note}; scanned as if absent"));
            }
        }
        Err(e) => bad.report(Problem::MalformedJson, location, &e.to_string()),
    }
}

fn write_alerts(alerts: &[vigil_runtime::Alert]) -> io::Result<()> {
    let mut out = io::BufWriter::new(io::stdout().lock());
    for alert in alerts {
        serde_json::to_writer(&mut out, alert)?;
        out.write_all(b"\n")?;
    }
    out.flush()
}

//! `vigil scan`: every input through the engine, on several threads; alerts to stdout.

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Instant;

use anyhow::Context;
use vigil_runtime::Engine;
use vigil_runtime::output::{self, Format};

use crate::args::{OutputFormat, ScanArgs};
use crate::bad_input::{BadInput, Problem};
use crate::inputs::{self, Input};
use crate::scan_input::{self, InputScan};
use crate::stderr::say;
use crate::summary::Summary;

pub fn run(args: &ScanArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let new_engine = || Engine::new(&vigil_rules::RULE_SET, &args.log_type, args.include_disabled);
    let mut engine = new_engine()?;
    let mut bad = BadInput::default();
    let (inputs, listing_errors) = inputs::expand(&args.paths);
    for (name, error) in listing_errors {
        bad.report(Problem::Unreadable, &name, &format_args!("cannot read: {error}"));
    }
    let threads = args.threads.map_or_else(|| thread::available_parallelism().map_or(1, usize::from), usize::from);
    let new_engine = || new_engine().expect("the log type was checked above");
    let (mut lines, mut bytes) = (0, 0);
    // Results are merged in input order, so output does not depend on the thread count.
    for scan in scan_all(&inputs, threads, &new_engine) {
        engine.merge(scan.engine);
        bad.append(scan.bad);
        (lines, bytes) = (lines + scan.lines, bytes + scan.bytes);
    }
    let rules = engine.active_rules();
    let (alerts, stats) = engine.finish();
    if let Err(e) = write_alerts(&alerts, output_format(args.format)) {
        if e.kind() == io::ErrorKind::BrokenPipe {
            return Ok(ExitCode::SUCCESS);
        }
        return Err(e).context("writing alerts");
    }
    bad.print();
    let summary = Summary {
        inputs: inputs.len(),
        lines,
        events: stats.events,
        rules,
        matches: stats.matches,
        signals: stats.signals,
        alerts: alerts.len(),
        bad: &bad,
        seconds: started.elapsed().as_secs_f64(),
        bytes,
    };
    say(format_args!("{summary}"));
    Ok(if bad.count(Problem::Unreadable) > 0 { ExitCode::from(2) } else { ExitCode::SUCCESS })
}

/// Scans every input on up to `threads` threads, each taking the next input in turn; returns
/// the scans in input order.
fn scan_all(inputs: &[Input], threads: usize, new_engine: &(dyn Fn() -> Engine + Sync)) -> Vec<InputScan> {
    let next = AtomicUsize::new(0);
    let mut done: Vec<(usize, InputScan)> = thread::scope(|scope| {
        let workers: Vec<_> = (0..threads.clamp(1, inputs.len().max(1)))
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        let Some(input) = inputs.get(index) else { return done };
                        done.push((index, scan_input::scan(input, new_engine)));
                    }
                })
            })
            .collect();
        workers.into_iter().flat_map(|w| w.join().expect("a scan thread panicked")).collect()
    });
    done.sort_by_key(|(index, _)| *index);
    done.into_iter().map(|(_, scan)| scan).collect()
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

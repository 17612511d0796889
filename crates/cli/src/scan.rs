//! `vigil scan`: every input through the engine, on several threads; alerts to stdout.

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Instant;

use anyhow::Context;
use vigil_runtime::output::{self, Format};
use vigil_runtime::{Engine, Rule, Severity};

use crate::args::{OutputFormat, ScanArgs, SeverityArg};
use crate::bad_input::{BadInput, Problem, SHOWN, SHOWN_VERBOSE};
use crate::inputs::{self, Input};
use crate::plan::{self, Work};
use crate::progress::Progress;
use crate::scan_input::{self, InputScan};
use crate::stderr::say;
use crate::summary::Summary;

pub fn run(args: &ScanArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let new_engine = || -> anyhow::Result<Engine> {
        let mut engine = Engine::new(&vigil_rules::RULE_SET, args.log_type.as_deref(), args.include_disabled)?;
        engine.retain_rules(|rule| selected(rule, args));
        engine.set_time_range(args.since, args.until);
        Ok(engine)
    };
    let mut engine = new_engine()?;
    let unknown: Vec<&str> =
        args.rules.iter().filter(|id| vigil_rules::RULE_SET.rule(id).is_none()).map(String::as_str).collect();
    if !unknown.is_empty() {
        anyhow::bail!("no rule `{}`; `vigil list` shows the rules", unknown.join("`, `"));
    }
    if engine.active_rules() == 0 && !(args.rules.is_empty() && args.tags.is_empty()) {
        anyhow::bail!("no rule matches the --rule and --tag filters; `vigil list` shows the rules");
    }
    let mut bad = BadInput::default();
    let (inputs, listing_errors) = inputs::expand(&args.paths, args.hidden);
    for (name, error) in listing_errors {
        bad.report(Problem::Unreadable, &name, &format_args!("cannot read: {error}"));
    }
    if let (Some(since), Some(until)) = (args.since, args.until) {
        if since >= until {
            anyhow::bail!("--since {since} is not before --until {until}: no event could be in range");
        }
    }
    let output = open_output(args.output.as_deref(), &inputs)?;
    let threads = args.threads.map_or_else(|| thread::available_parallelism().map_or(1, usize::from), usize::from);
    let new_engine = || new_engine().expect("the same engine was made above");
    let (mut lines, mut bytes) = (0, 0);
    let progress = Progress::default();
    let work = plan::plan(&inputs, threads);
    let scans = thread::scope(|scope| {
        if !args.quiet && io::stderr().is_terminal() {
            scope.spawn(|| progress.show(total_size(&inputs)));
        }
        let scans = scan_all(&inputs, &work, threads, &new_engine, &progress);
        progress.finish();
        scans
    });
    // Results are merged in input order, parts of a file in file order, so output does not
    // depend on the thread count.
    let mut lines_in_file = 0;
    for (unit, mut scan) in work.iter().zip(scans) {
        match unit {
            Work::Part { part, .. } if *part > 0 => {
                engine.merge_part(scan.engine, lines_in_file);
                scan.bad.shift_lines(lines_in_file);
                lines_in_file += scan.lines;
            }
            _ => {
                engine.merge(scan.engine);
                lines_in_file = scan.lines;
            }
        }
        bad.append(scan.bad);
        (lines, bytes) = (lines + scan.lines, bytes + scan.bytes);
    }
    let rules = engine.active_rules();
    let (mut alerts, stats) = engine.finish();
    if let Some(min) = args.severity_min {
        alerts.retain(|alert| severity_rank(alert.severity) >= min as u8);
    }
    let to_stdout = args.output.as_deref().is_none_or(|p| p.as_os_str() == "-");
    if let Err(e) = write_alerts(&alerts, output_format(args.format, to_stdout), output) {
        if e.kind() == io::ErrorKind::BrokenPipe {
            return Ok(ExitCode::SUCCESS);
        }
        return Err(e).context("writing alerts");
    }
    if args.quiet {
        bad.print_unreadable();
    } else {
        bad.print(if args.verbose { SHOWN_VERBOSE } else { SHOWN });
    }
    let summary = Summary {
        inputs: inputs.len(),
        lines,
        events: stats.events,
        out_of_range: stats.out_of_range,
        rules,
        matches: stats.matches,
        signals: stats.signals,
        alerts: alerts.len(),
        bad: &bad,
        seconds: started.elapsed().as_secs_f64(),
        bytes,
    };
    if !args.quiet {
        say(format_args!("{summary}"));
        if stats.events > 0 {
            say(format_args!("{}", breakdown(&stats, &alerts)));
        }
    }
    let input_failed = bad.count(Problem::Unreadable) > 0 || (args.strict && bad.total() > 0);
    Ok(if input_failed {
        ExitCode::from(2)
    } else if args.fail_on_alert && !alerts.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `events by log type: T 40; matches by rule: A 3, B 1; alerts by severity: High 1, Medium 2`.
fn breakdown(stats: &vigil_runtime::Stats, alerts: &[vigil_runtime::Alert]) -> String {
    let or_none = |items: Vec<String>| if items.is_empty() { "none".to_string() } else { items.join(", ") };
    let by_type: Vec<String> = stats.by_log_type.iter().map(|(t, n)| format!("{t} {n}")).collect();
    let by_rule: Vec<String> = stats.by_rule.iter().map(|(rule, n)| format!("{rule} {n}")).collect();
    let mut by_severity: std::collections::BTreeMap<Severity, u64> = std::collections::BTreeMap::new();
    for alert in alerts {
        *by_severity.entry(alert.severity).or_default() += 1;
    }
    let by_severity: Vec<String> = by_severity.iter().rev().map(|(s, n)| format!("{s:?} {n}")).collect();
    format!(
        "events by log type: {}; matches by rule: {}; alerts by severity: {}",
        or_none(by_type),
        or_none(by_rule),
        or_none(by_severity)
    )
}

/// The size of all inputs, when all are files.
fn total_size(inputs: &[Input]) -> Option<u64> {
    inputs
        .iter()
        .map(|input| match input {
            Input::File(path) => std::fs::metadata(path).ok().map(|m| m.len()),
            Input::Stdin => None,
        })
        .sum()
}

/// Whether `--rule` and `--tag` let a rule run.
fn selected(rule: &Rule, args: &ScanArgs) -> bool {
    let by_id = args.rules.is_empty() || args.rules.iter().any(|id| id.eq_ignore_ascii_case(rule.id));
    let by_tag = args.tags.is_empty() || args.tags.iter().any(|t| rule.tags.iter().any(|r| r.eq_ignore_ascii_case(t)));
    by_id && by_tag
}

pub fn severity_rank(severity: Severity) -> u8 {
    match severity {
        Severity::Info => SeverityArg::Info as u8,
        Severity::Low => SeverityArg::Low as u8,
        Severity::Medium => SeverityArg::Medium as u8,
        Severity::High => SeverityArg::High as u8,
        Severity::Critical => SeverityArg::Critical as u8,
    }
}

/// Scans every input on up to `threads` threads, each taking the next input in turn; returns
/// the scans in input order.
fn scan_all(
    inputs: &[Input],
    work: &[Work],
    threads: usize,
    new_engine: &(dyn Fn() -> Engine + Sync),
    progress: &Progress,
) -> Vec<InputScan> {
    let next = AtomicUsize::new(0);
    let mut done: Vec<(usize, InputScan)> = thread::scope(|scope| {
        let workers: Vec<_> = (0..threads.clamp(1, work.len().max(1)))
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        let scan = match work.get(index) {
                            None => return done,
                            Some(Work::Whole(input)) => scan_input::scan(&inputs[*input], new_engine, progress),
                            Some(Work::Part { input, range, .. }) => {
                                let Input::File(path) = &inputs[*input] else { unreachable!("only files are split") };
                                scan_input::scan_part(path, range.clone(), new_engine, progress)
                            }
                        };
                        done.push((index, scan));
                    }
                })
            })
            .collect();
        workers.into_iter().flat_map(|w| w.join().expect("a scan thread panicked")).collect()
    });
    done.sort_by_key(|(index, _)| *index);
    done.into_iter().map(|(_, scan)| scan).collect()
}

fn output_format(format: OutputFormat, to_stdout: bool) -> Format {
    match format {
        OutputFormat::Jsonl => Format::Jsonl,
        OutputFormat::Ocsf => Format::Ocsf,
        OutputFormat::Table => {
            let color =
                to_stdout && io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
            Format::Table { color }
        }
    }
}

fn write_alerts(alerts: &[vigil_runtime::Alert], format: Format, file: Option<std::fs::File>) -> io::Result<()> {
    let target: Box<dyn Write> = match file {
        Some(file) => Box::new(file),
        None => Box::new(io::stdout().lock()),
    };
    let mut out = io::BufWriter::new(target);
    output::write_alerts(&mut out, alerts, format)?;
    out.flush()
}

/// The `--output` file, created before the scan so that a bad path fails at once; `-` is stdout.
fn open_output(path: Option<&std::path::Path>, inputs: &[Input]) -> anyhow::Result<Option<std::fs::File>> {
    let Some(path) = path.filter(|p| p.as_os_str() != "-") else { return Ok(None) };
    let same = |input: &Input| match input {
        Input::File(file) => std::fs::canonicalize(file).ok() == std::fs::canonicalize(path).ok(),
        Input::Stdin => false,
    };
    if path.exists() && inputs.iter().any(same) {
        anyhow::bail!("--output {} is one of the inputs; choose another file", path.display());
    }
    std::fs::File::create(path).map(Some).with_context(|| format!("creating --output {}", path.display()))
}

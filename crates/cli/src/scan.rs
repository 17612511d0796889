//! `vigil scan`: every input through the engine, on several threads; alerts to stdout.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, IsTerminal};
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Instant;

use anyhow::Context;
use vigil_runtime::output::{Format, Table};
use vigil_runtime::{Engine, Finished, Rule, Severity};

use crate::args::{OutputFormat, ScanArgs, SeverityArg};
use crate::bad_input::{BadInput, Problem, SHOWN, SHOWN_VERBOSE};
use crate::emit::{Destination, Emitter, Shared};
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
        if args.signals.is_some() {
            engine.keep_signals();
        }
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
    let (inputs, listing_errors) = inputs::expand(&args.paths, args.hidden);
    if let (Some(since), Some(until)) = (args.since, args.until) {
        if since >= until {
            anyhow::bail!("--since {since} is not before --until {until}: no event could be in range");
        }
    }
    let output = open_output(args.output.as_deref(), &inputs)?;
    let to_stdout = matches!(output, Destination::Stdout);
    if let (Some(alerts), Some(signals)) = (&args.output, &args.signals) {
        if alerts.as_os_str() != "-" && std::fs::canonicalize(alerts).ok() == std::fs::canonicalize(signals).ok() {
            anyhow::bail!("--signals {} is also --output; give them different files", signals.display());
        }
    }
    let signals = open_signals(args.signals.as_deref(), to_stdout, &inputs)?;
    let rule_ids = vigil_rules::RULE_SET.rules.iter().filter(|rule| selected(rule, args)).map(|rule| rule.id);
    let format = output_format(args.format, to_stdout, rule_ids);
    let severity_min = args.severity_min.map(SeverityArg::severity);
    let emitter = Emitter::new(output, format, signals, severity_min, args.max_disorder.is_some());
    let emitter = Shared(Arc::new(Mutex::new(emitter)));
    if let Some(max_disorder) = args.max_disorder {
        engine.stream(max_disorder, Box::new(emitter.clone()));
    }
    let new_engine = || new_engine().expect("the same engine was made above");
    let (totals, finished) = scan_inputs(args, &inputs, engine, &new_engine);
    let mut bad = BadInput::default();
    for (name, error) in listing_errors {
        bad.report(Problem::Unreadable, &name, &format_args!("cannot read: {error}"));
    }
    let Totals { bad: scanned_bad, lines, bytes, rules } = totals;
    bad.append(scanned_bad);
    let Finished { alerts, signals, stats } = finished;
    let mut emitter = emitter.lock();
    emitter.alerts(alerts);
    for signal in signals {
        emitter.signal(&signal);
    }
    if let Err(e) = emitter.finish() {
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
    let alerts = emitter.written();
    let summary = Summary {
        inputs: inputs.len(),
        lines,
        events: stats.events,
        out_of_range: stats.out_of_range,
        rules,
        matches: stats.matches,
        signals: stats.signals,
        late: stats.late,
        future: stats.future,
        alerts,
        bad: &bad,
        seconds: started.elapsed().as_secs_f64(),
        bytes,
    };
    if !args.quiet {
        say(format_args!("{summary}"));
        if stats.events > 0 {
            say(format_args!("{}", breakdown(&stats, &emitter.by_severity)));
        }
    }
    let input_failed = bad.count(Problem::Unreadable) > 0 || (args.strict && bad.total() > 0);
    Ok(if input_failed {
        ExitCode::from(2)
    } else if args.fail_on_alert && alerts > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `events by log type: T 40; matches by rule: A 3, B 1; alerts by severity: High 1, Medium 2`.
fn breakdown(stats: &vigil_runtime::Stats, by_severity: &BTreeMap<Severity, u64>) -> String {
    let or_none = |items: Vec<String>| if items.is_empty() { "none".to_string() } else { items.join(", ") };
    let by_type: Vec<String> = stats.by_log_type.iter().map(|(t, n)| format!("{t} {n}")).collect();
    let by_rule: Vec<String> = stats.by_rule.iter().map(|(rule, n)| format!("{rule} {n}")).collect();
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

/// Scans every input, with a progress bar on a terminal: as one stream with `--max-disorder`,
/// else on several threads.
fn scan_inputs(
    args: &ScanArgs,
    inputs: &[Input],
    engine: Engine,
    new_engine: &(dyn Fn() -> Engine + Sync),
) -> (Totals, Finished) {
    let progress = Progress::default();
    thread::scope(|scope| {
        if !args.quiet && io::stderr().is_terminal() {
            scope.spawn(|| progress.show(total_size(inputs)));
        }
        let scanned = if args.max_disorder.is_some() {
            stream_all(inputs, engine, &progress)
        } else {
            let threads =
                args.threads.map_or_else(|| thread::available_parallelism().map_or(1, usize::from), usize::from);
            // A part of a file cannot tell whether its first untimed lines are in --since/--until
            // before it knows the time carried from the part before: files are then read whole.
            let split_files = args.since.is_none() && args.until.is_none();
            let work = plan::plan(inputs, if split_files { threads } else { 1 });
            scan_and_merge(inputs, &work, engine, threads, new_engine, &progress)
        };
        progress.finish();
        scanned
    })
}

/// What was read, over all inputs.
struct Totals {
    bad: BadInput,
    lines: u64,
    bytes: u64,
    /// Rules that ran.
    rules: usize,
}

/// Scans the units of `work` on up to `threads` threads and merges the results into `engine` in
/// input order, parts of a file in file order, so that output does not depend on the thread
/// count.
fn scan_and_merge(
    inputs: &[Input],
    work: &[Work],
    mut engine: Engine,
    threads: usize,
    new_engine: &(dyn Fn() -> Engine + Sync),
    progress: &Progress,
) -> (Totals, Finished) {
    let scans = scan_all(inputs, work, threads, new_engine, progress);
    let mut totals = Totals { bad: BadInput::default(), lines: 0, bytes: 0, rules: engine.active_rules() };
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
        totals.add(scan.bad, scan.lines, scan.bytes);
    }
    (totals, engine.finish())
}

/// Scans the inputs one after another through one streaming engine.
fn stream_all(inputs: &[Input], mut engine: Engine, progress: &Progress) -> (Totals, Finished) {
    let mut totals = Totals { bad: BadInput::default(), lines: 0, bytes: 0, rules: engine.active_rules() };
    for input in inputs {
        let scan = scan_input::scan(input, engine, progress);
        engine = scan.engine;
        totals.add(scan.bad, scan.lines, scan.bytes);
    }
    (totals, engine.finish())
}

impl Totals {
    fn add(&mut self, bad: BadInput, lines: u64, bytes: u64) {
        self.bad.append(bad);
        self.lines += lines;
        self.bytes += bytes;
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
                            Some(Work::Whole(input)) => scan_input::scan(&inputs[*input], new_engine(), progress),
                            Some(Work::Part { input, range, .. }) => {
                                let Input::File(path) = &inputs[*input] else { unreachable!("only files are split") };
                                scan_input::scan_part(path, range.clone(), new_engine(), progress)
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

fn output_format<'a>(format: OutputFormat, to_stdout: bool, rule_ids: impl IntoIterator<Item = &'a str>) -> Format {
    match format {
        OutputFormat::Jsonl => Format::Jsonl,
        OutputFormat::Ocsf => Format::Ocsf,
        OutputFormat::Table => {
            let terminal = to_stdout && io::stdout().is_terminal();
            let color = terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
            // On stdout: the terminal's own width, else `COLUMNS` if set; a file gets whole titles.
            let columns = terminal
                .then(|| console::Term::stdout().size_checked().map(|(_, columns)| usize::from(columns)))
                .flatten()
                .or_else(|| std::env::var("COLUMNS").ok()?.parse().ok())
                .filter(|columns| to_stdout && *columns > 0);
            Format::Table(Table::new(rule_ids, columns, color))
        }
    }
}

/// The `--output` file, created before the scan so that a bad path fails at once.
fn open_output(path: Option<&Path>, inputs: &[Input]) -> anyhow::Result<Destination> {
    let Some(path) = path.filter(|p| p.as_os_str() != "-") else { return Ok(Destination::Stdout) };
    create_apart_from_inputs(path, inputs, "--output")
}

/// The `--signals` target; standard output only when alerts are not using it.
fn open_signals(path: Option<&Path>, alerts_to_stdout: bool, inputs: &[Input]) -> anyhow::Result<Option<Destination>> {
    let Some(path) = path else { return Ok(None) };
    if path.as_os_str() == "-" {
        if alerts_to_stdout {
            anyhow::bail!("--signals - and alerts would share standard output; give --output FILE or a --signals FILE");
        }
        return Ok(Some(Destination::Stdout));
    }
    create_apart_from_inputs(path, inputs, "--signals").map(Some)
}

fn create_apart_from_inputs(path: &Path, inputs: &[Input], option: &str) -> anyhow::Result<Destination> {
    let same = |input: &Input| match input {
        Input::File(file) => std::fs::canonicalize(file).ok() == std::fs::canonicalize(path).ok(),
        Input::Stdin => false,
    };
    if path.exists() && inputs.iter().any(same) {
        anyhow::bail!("{option} {} is one of the inputs; choose another file", path.display());
    }
    File::create(path).map(Destination::File).with_context(|| format!("creating {option} {}", path.display()))
}

//! Scanning one input: its lines through an engine of its own, its problems and totals kept
//! apart, so that inputs can be scanned on any thread and merged in input order.

use vigil_runtime::Engine;

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::ops::Range;
use std::path::Path;
use std::sync::LazyLock;

use crate::bad_input::{BadInput, Location, Problem};
use crate::documents;
use crate::inputs::Input;
use crate::lines::{self, Line};
use crate::progress::Progress;

/// Lines longer than this are skipped and reported (no audit event comes near it).
pub const MAX_LINE_BYTES: usize = 16 << 20;

/// What scanning one input produced.
#[derive(Debug)]
pub struct InputScan {
    /// The engine the input was scanned with, holding its matches.
    pub engine: Engine,
    pub bad: BadInput,
    pub lines: u64,
    pub bytes: u64,
}

/// What an unrecognised event lacks: the signatures of the log types the rules read.
static UNRECOGNISED: LazyLock<String> = LazyLock::new(|| {
    let signatures: Vec<String> = vigil_rules::RULE_SET
        .log_types
        .iter()
        .map(|t| {
            let keys: Vec<String> =
                t.signature.iter().map(|p| format!("`{}`", vigil_rules::RULE_SET.schema.keys[p.slot])).collect();
            format!("{} events have {}", t.name, keys.join(" and "))
        })
        .collect();
    format!(
        "the event is of no log type the rules read ({}); name its type with --log-type to scan it anyway",
        signatures.join("; ")
    )
});

/// How many lines pass between progress updates.
const PROGRESS_EVERY: u64 = 4096;

/// Scans `input` with `engine`, as its next file.
pub fn scan(input: &Input, engine: Engine, progress: &Progress) -> InputScan {
    let name = input.name();
    let mut scan = InputScan { engine, bad: BadInput::default(), lines: 0, bytes: 0 };
    let mut reader = match input.open(progress) {
        Ok(reader) => reader,
        Err(e) => {
            scan.bad.report(Problem::Unreadable, &name, &format_args!("cannot open: {e}"));
            return scan;
        }
    };
    let file = scan.engine.add_file(name.clone());
    if starts_a_document(reader.as_mut()) {
        scan_document(reader.as_mut(), &name, file, &mut scan);
    } else {
        scan_lines(reader.as_mut(), &name, file, &mut scan, progress);
    }
    scan
}

/// Scans the lines in `range` (whole lines) of a plain file, as a part of a larger scan; line
/// numbers count from the part's start (see [`Engine::merge_part`]).
pub fn scan_part(path: &Path, range: Range<u64>, engine: Engine, progress: &Progress) -> InputScan {
    let name = path.display().to_string();
    let mut scan = InputScan { engine, bad: BadInput::default(), lines: 0, bytes: 0 };
    let file = scan.engine.add_file(name.clone());
    let opened = File::open(path).and_then(|mut f| f.seek(SeekFrom::Start(range.start)).map(|_| f));
    match opened {
        Ok(f) => {
            let mut reader = BufReader::with_capacity(1 << 20, progress.counting(f.take(range.end - range.start)));
            scan_lines(&mut reader, &name, file, &mut scan, progress);
        }
        Err(e) => scan.bad.report(Problem::Unreadable, &name, &format_args!("cannot open: {e}")),
    }
    scan
}

fn scan_lines(reader: &mut dyn BufRead, name: &str, file: usize, scan: &mut InputScan, progress: &Progress) {
    let mut buf = Vec::with_capacity(4096);
    loop {
        if scan.lines.is_multiple_of(PROGRESS_EVERY) {
            progress.add_lines(PROGRESS_EVERY.min(scan.lines));
        }
        let line = match lines::read_line(reader, &mut buf, MAX_LINE_BYTES) {
            Ok(Line::End) => return,
            Ok(line) => line,
            Err(e) => {
                let detail = format_args!("read failed after line {}; nothing after it is scanned: {e}", scan.lines);
                scan.bad.report(Problem::Unreadable, name, &detail);
                return;
            }
        };
        scan.lines += 1;
        let at = Location { file: name, line: scan.lines, column: None };
        match line {
            Line::TooLong(len) => {
                scan.bytes += len;
                let detail = format_args!("line of {len} bytes is over the {MAX_LINE_BYTES}-byte limit");
                scan.bad.report_at(Problem::TooLong, at, &detail);
            }
            Line::Complete => {
                scan.bytes += buf.len() as u64;
                scan_line(&mut scan.engine, file, &buf, at, &mut scan.bad);
            }
            Line::End => unreachable!("handled above"),
        }
    }
}

/// Whether the input's first line opens a JSON document (see [`documents::is_document`]).
fn starts_a_document(reader: &mut dyn BufRead) -> bool {
    let head = reader.fill_buf().unwrap_or_default();
    let first = head.split(|b| *b == b'\n').next().unwrap_or_default();
    documents::is_document(&String::from_utf8_lossy(first))
}

/// Reads a whole JSON document and scans its events, each at the line it starts on.
fn scan_document(reader: &mut dyn BufRead, name: &str, file: usize, scan: &mut InputScan) {
    let mut text = String::new();
    if let Err(e) = reader.read_to_string(&mut text) {
        scan.bad.report(Problem::Unreadable, name, &format_args!("cannot read the JSON document: {e}"));
        return;
    }
    scan.bytes = text.len() as u64;
    scan.lines = memchr::memchr_iter(b'\n', text.as_bytes()).count() as u64 + u64::from(!text.ends_with('\n'));
    match documents::events(&text) {
        Ok(events) => {
            for (line, event) in events {
                let at = Location { file: name, line, column: None };
                run_event(&mut scan.engine, file, event, at, &mut scan.bad);
            }
        }
        Err(e) => {
            let at = Location { file: name, line: e.line() as u64, column: Some(e.column()) };
            scan.bad.report_at(
                Problem::MalformedJson,
                at,
                &format_args!("malformed JSON document, nothing in it is scanned: {e}"),
            );
        }
    }
}

fn scan_line(engine: &mut Engine, file: usize, bytes: &[u8], at: Location, bad: &mut BadInput) {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return;
    }
    // A byte-order mark is not part of the first event.
    let bytes = if at.line == 1 { bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes) } else { bytes };
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let at = Location { column: Some(e.valid_up_to() + 1), ..at };
            return bad.report_at(Problem::NotUtf8, at, &"not UTF-8: an invalid byte sequence starts here");
        }
    };
    // A CloudTrail-style `{"Records": [...]}` on one line holds many events.
    if let Some(records) = documents::records_line(text) {
        for record in records {
            run_event(engine, file, record.get(), at, bad);
        }
        return;
    }
    run_event(engine, file, text, at, bad);
}

fn run_event(engine: &mut Engine, file: usize, text: &str, at: Location, bad: &mut BadInput) {
    match engine.line(file, at.line, text) {
        Ok(notes) => {
            for note in notes.unrepresentable {
                bad.report_at(Problem::Unrepresentable, at, &format_args!("{note}; scanned as if absent"));
            }
            if let Some(note) = notes.unusable_time {
                bad.report_at(Problem::UnusableTime, at, &note);
            }
            if notes.unrecognised {
                bad.report_at(Problem::Unrecognised, at, &*UNRECOGNISED);
            }
        }
        Err(e) => bad.report_at(Problem::MalformedJson, Location { column: e.column(), ..at }, &e),
    }
}

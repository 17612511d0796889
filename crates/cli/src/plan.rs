//! Splitting the scan into units of work for the threads: whole inputs, and large plain files
//! cut at line boundaries so that one big file also keeps every core busy.

use std::fs::File;
use std::io::{BufRead, BufReader, Seek, SeekFrom};
use std::ops::Range;
use std::path::Path;

use crate::documents;
use crate::inputs::Input;

/// Files smaller than this are scanned whole.
const SPLIT_FROM: u64 = 64 << 20;
/// About how large a part is.
const PART_BYTES: u64 = 32 << 20;

/// A unit of scanning.
#[derive(Debug, Clone)]
pub enum Work {
    /// A whole input, by its index.
    Whole(usize),
    /// Part `part` (from 0) of a plain file: whole lines in `range`.
    Part { input: usize, part: usize, range: Range<u64> },
}

/// The units of work for `inputs`, in input order, parts in file order.
pub fn plan(inputs: &[Input], threads: usize) -> Vec<Work> {
    let mut work = Vec::new();
    for (index, input) in inputs.iter().enumerate() {
        let ranges = match input {
            Input::File(path) if threads > 1 => parts(path, threads).unwrap_or_default(),
            _ => Vec::new(),
        };
        if ranges.len() < 2 {
            work.push(Work::Whole(index));
        } else {
            work.extend(ranges.into_iter().enumerate().map(|(part, range)| Work::Part { input: index, part, range }));
        }
    }
    work
}

/// Line-aligned ranges covering a large plain file of JSON lines; none for anything else
/// (compressed files and JSON documents are read whole).
fn parts(path: &Path, threads: usize) -> std::io::Result<Vec<Range<u64>>> {
    let size = std::fs::metadata(path)?.len();
    if size < SPLIT_FROM {
        return Ok(Vec::new());
    }
    let mut file = BufReader::new(File::open(path)?);
    let head = file.fill_buf()?;
    let compressed = head.starts_with(&[0x1f, 0x8b]) || head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]);
    let first_line = head.split(|b| *b == b'\n').next().unwrap_or_default();
    if compressed || documents::is_document(&String::from_utf8_lossy(first_line)) {
        return Ok(Vec::new());
    }
    let count = (size / PART_BYTES).clamp(1, threads as u64 * 4);
    let mut starts = vec![0];
    for k in 1..count {
        let start = next_line_start(&mut file, size * k / count)?;
        if start < size && start > *starts.last().expect("starts with 0") {
            starts.push(start);
        }
    }
    let ends = starts.iter().skip(1).copied().chain([size]);
    Ok(starts.iter().copied().zip(ends).map(|(start, end)| start..end).collect())
}

/// The offset just after the first newline at or after `from - 1`: the start of the line that
/// `from` is in, or of the next one; the file's size when no newline follows. However long the
/// line, the search goes on (a part never starts inside a line) and keeps nothing of it.
fn next_line_start(file: &mut BufReader<File>, from: u64) -> std::io::Result<u64> {
    file.seek(SeekFrom::Start(from - 1))?;
    let mut offset = from - 1;
    loop {
        let buffer = file.fill_buf()?;
        if buffer.is_empty() {
            return Ok(offset);
        }
        if let Some(i) = memchr::memchr(b'\n', buffer) {
            return Ok(offset + i as u64 + 1);
        }
        let read = buffer.len();
        file.consume(read);
        offset += read as u64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_plain_files_are_cut_at_line_starts_and_small_ones_kept_whole() {
        let dir = std::env::temp_dir().join(format!("vigil-plan-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let line = format!("{{\"pad\": \"{}\"}}\n", "x".repeat(999));
        let big = dir.join("big.jsonl");
        let copies = usize::try_from(SPLIT_FROM).unwrap() / line.len() + 10;
        std::fs::write(&big, line.repeat(copies)).unwrap();
        std::fs::write(dir.join("small.jsonl"), &line).unwrap();
        let inputs = [Input::File(big.clone()), Input::File(dir.join("small.jsonl"))];
        let work = plan(&inputs, 2);
        let size = std::fs::metadata(&big).unwrap().len();
        std::fs::remove_dir_all(&dir).unwrap();
        let ranges: Vec<Range<u64>> = work
            .iter()
            .filter_map(|w| match w {
                Work::Part { input: 0, range, .. } => Some(range.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(ranges.len(), 2);
        assert_eq!((ranges[0].start, ranges[1].end, ranges[0].end), (0, size, ranges[1].start));
        assert_eq!(ranges[1].start % line.len() as u64, 0, "parts start at a line");
        assert!(matches!(work.last(), Some(Work::Whole(1))));
        assert_eq!(plan(&inputs[..1], 1).len(), 1, "one thread: no parts");
    }

    #[test]
    fn a_part_never_starts_inside_a_line_however_long() {
        let dir = std::env::temp_dir().join(format!("vigil-plan-long-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let short = format!("{{\"pad\": \"{}\"}}\n", "x".repeat(99));
        let mut text = short.repeat(10_000);
        text.push_str("{\"long\": \"");
        text.push_str(&"y".repeat(130 << 20));
        text.push_str("\"}\n");
        text.push_str(&short.repeat(50_000));
        let path = dir.join("long.jsonl");
        std::fs::write(&path, &text).unwrap();
        let work = plan(&[Input::File(path)], 2);
        std::fs::remove_dir_all(&dir).unwrap();
        let starts: Vec<u64> = work
            .iter()
            .filter_map(|w| match w {
                Work::Part { range, .. } => Some(range.start),
                Work::Whole(_) => None,
            })
            .collect();
        assert!(starts.len() >= 2, "{work:?}");
        for start in starts.into_iter().filter(|s| *s > 0) {
            assert_eq!(text.as_bytes()[usize::try_from(start).unwrap() - 1], b'\n', "part at {start}");
        }
    }
}

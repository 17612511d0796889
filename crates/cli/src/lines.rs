//! Reading lines with a bound on their length, so one huge line cannot exhaust memory: the rest
//! of an over-long line is skipped, and the line is reported.

use std::io::{self, BufRead};

/// What [`read_line`] found.
#[derive(Debug, PartialEq, Eq)]
pub enum Line {
    /// A line (without its `\n` or `\r\n`) is in the buffer.
    Complete,
    /// The line was longer than the limit; its bytes were skipped.
    TooLong(u64),
    End,
}

/// Reads one line into `buf` (cleared first), keeping at most `max` bytes.
pub fn read_line(reader: &mut dyn BufRead, buf: &mut Vec<u8>, max: usize) -> io::Result<Line> {
    buf.clear();
    let mut total: u64 = 0;
    let mut any = false;
    loop {
        let available = match reader.fill_buf() {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            break;
        }
        any = true;
        let (chunk, found_newline) = match memchr::memchr(b'\n', available) {
            Some(i) => (&available[..i], true),
            None => (available, false),
        };
        total += chunk.len() as u64;
        // Past the limit the line is only counted, never kept.
        if total <= max as u64 {
            buf.extend_from_slice(chunk);
        }
        let consumed = chunk.len() + usize::from(found_newline);
        reader.consume(consumed);
        if found_newline {
            break;
        }
    }
    if !any {
        return Ok(Line::End);
    }
    if total > max as u64 {
        buf.clear();
        return Ok(Line::TooLong(total));
    }
    if buf.last() == Some(&b'\r') {
        buf.pop();
    }
    Ok(Line::Complete)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &[u8], max: usize) -> Vec<(Line, Vec<u8>)> {
        let mut reader = io::BufReader::with_capacity(4, input);
        let mut buf = Vec::new();
        let mut out = Vec::new();
        loop {
            let line = read_line(&mut reader, &mut buf, max).unwrap();
            if line == Line::End {
                return out;
            }
            out.push((line, buf.clone()));
        }
    }

    #[test]
    fn splits_lines_across_buffer_boundaries() {
        let got = lines(b"first line\r\n\nsecond\nlast", 100);
        let texts: Vec<&[u8]> = got.iter().map(|(_, b)| b.as_slice()).collect();
        assert_eq!(texts, [&b"first line"[..], b"", b"second", b"last"]);
        assert!(got.iter().all(|(l, _)| *l == Line::Complete));
    }

    #[test]
    fn skips_over_long_lines_and_goes_on() {
        let got = lines(b"short\nthis line is too long\nok\n", 8);
        assert_eq!(got[0], (Line::Complete, b"short".to_vec()));
        assert_eq!(got[1].0, Line::TooLong(21));
        assert_eq!(got[2], (Line::Complete, b"ok".to_vec()));
    }
}

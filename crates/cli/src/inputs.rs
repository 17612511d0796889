//! Turning command-line paths into readable inputs: directories walked in sorted order (links
//! followed, hidden entries skipped), each file read once however it was named, gzip recognised
//! (and zstd) by its magic bytes whatever the file is called.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Cursor, Read};
use std::path::{Path, PathBuf};

use flate2::bufread::MultiGzDecoder;

use crate::progress::Progress;
use crate::zstd_frames::ZstdFrames;

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];

/// How an input is compressed, told by its first bytes.
enum Compression {
    None,
    Gzip,
    Zstd,
}

/// One input to read: a file, or standard input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Stdin,
    File(PathBuf),
}

impl Input {
    /// The name alerts and messages cite.
    pub fn name(&self) -> String {
        match self {
            Input::Stdin => "-".to_string(),
            Input::File(path) => path.display().to_string(),
        }
    }

    /// Opens the input, decompressing gzip and zstd; raw bytes read count as `progress`.
    pub fn open<'p>(&self, progress: &'p Progress) -> io::Result<Box<dyn BufRead + 'p>> {
        let mut raw: Box<dyn Read + 'p> = match self {
            Input::Stdin => Box::new(progress.counting(io::stdin())),
            Input::File(path) => Box::new(progress.counting(File::open(path)?)),
        };
        let magic = read_up_to(&mut raw, ZSTD_MAGIC.len())?;
        let compression = if magic.starts_with(&GZIP_MAGIC) {
            Compression::Gzip
        } else if magic == ZSTD_MAGIC {
            Compression::Zstd
        } else {
            Compression::None
        };
        let reader = BufReader::with_capacity(1 << 20, Cursor::new(magic).chain(raw));
        Ok(match compression {
            Compression::Gzip => Box::new(BufReader::with_capacity(1 << 20, MultiGzDecoder::new(reader))),
            Compression::Zstd => Box::new(BufReader::with_capacity(1 << 20, ZstdFrames::new(reader)?)),
            Compression::None => Box::new(reader),
        })
    }
}

/// Reads `n` bytes, or fewer at the end of the input, however the source splits its reads.
fn read_up_to(reader: &mut dyn Read, n: usize) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::with_capacity(n);
    reader.take(n as u64).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Expands the command-line paths into inputs, in a deterministic order whatever the order or
/// spelling of the paths: sorted by name, each file once (under its smallest spelling).
/// Paths that cannot be listed, and entries that are not regular files, are returned as errors.
pub fn expand(paths: &[PathBuf], hidden: bool) -> (Vec<Input>, Vec<(String, io::Error)>) {
    let mut found = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            found.push(Input::Stdin);
        } else if path.is_dir() {
            walk(path, hidden, &mut found, &mut errors);
        } else if !path.exists() && is_pattern(path) {
            expand_pattern(path, hidden, &mut found, &mut errors);
        } else {
            found.push(Input::File(path.clone()));
        }
    }
    let mut by_identity: BTreeMap<PathBuf, Input> = BTreeMap::new();
    for input in found {
        let identity = match &input {
            Input::Stdin => PathBuf::from("-"),
            Input::File(path) => std::fs::canonicalize(path).unwrap_or_else(|_| path.clone()),
        };
        let kept = by_identity.entry(identity).or_insert_with(|| input.clone());
        // Compare names, not paths: `a//b` and `a/b` are equal paths but different names.
        if input.name() < kept.name() {
            *kept = input;
        }
    }
    let mut inputs: Vec<Input> = by_identity.into_values().collect();
    inputs.sort_by_key(Input::name);
    errors.sort_by(|a, b| a.0.cmp(&b.0));
    (inputs, errors)
}

/// A path with `*`, `?` or `[`, which the shell did not expand (it was quoted, or the shell
/// does not expand patterns).
fn is_pattern(path: &Path) -> bool {
    path.to_string_lossy().contains(['*', '?', '['])
}

/// Expands a glob pattern (`logs/**/*.jsonl.gz`); a pattern matching nothing is an error, as a
/// missing file is. Directories it matches are walked.
fn expand_pattern(pattern: &Path, hidden: bool, inputs: &mut Vec<Input>, errors: &mut Vec<(String, io::Error)>) {
    let text = pattern.to_string_lossy();
    let options = glob::MatchOptions { require_literal_leading_dot: !hidden, ..glob::MatchOptions::new() };
    let paths = match glob::glob_with(&text, options) {
        Ok(paths) => paths,
        Err(e) => return errors.push((text.into_owned(), io::Error::new(io::ErrorKind::InvalidInput, e.to_string()))),
    };
    let before = inputs.len();
    for path in paths {
        match path {
            Ok(path) if path.is_dir() => walk(&path, hidden, inputs, errors),
            Ok(path) => inputs.push(Input::File(path)),
            Err(e) => errors.push((e.path().display().to_string(), e.into())),
        }
    }
    if inputs.len() == before {
        errors.push((text.into_owned(), io::Error::new(io::ErrorKind::NotFound, "the pattern matches no file")));
    }
}

fn walk(dir: &Path, hidden: bool, inputs: &mut Vec<Input>, errors: &mut Vec<(String, io::Error)>) {
    let walker = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(move |e| hidden || e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        match entry {
            Ok(entry) if entry.file_type().is_file() => inputs.push(Input::File(entry.into_path())),
            Ok(entry) if entry.file_type().is_dir() => {}
            Ok(entry) => errors.push((
                entry.path().display().to_string(),
                io::Error::other("not a regular file (a FIFO, socket or device); skipped"),
            )),
            Err(e) => {
                let name = e.path().map_or_else(|| dir.display().to_string(), |p| p.display().to_string());
                errors.push((name, e.into()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that hands out one byte per call, like a slow pipe.
    struct Trickle(Vec<u8>);

    impl Read for Trickle {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.0.is_empty() || buf.is_empty() {
                return Ok(0);
            }
            buf[0] = self.0.remove(0);
            Ok(1)
        }
    }

    #[test]
    fn magic_bytes_are_read_whole_from_a_trickling_source() {
        assert_eq!(read_up_to(&mut Trickle(vec![0x1f, 0x8b, 8]), 2).unwrap(), GZIP_MAGIC);
        assert_eq!(read_up_to(&mut Trickle(ZSTD_MAGIC.to_vec()), 4).unwrap(), ZSTD_MAGIC);
        assert_eq!(read_up_to(&mut Trickle(vec![b'{']), 2).unwrap(), b"{");
        assert_eq!(read_up_to(&mut Trickle(vec![]), 2).unwrap(), b"");
    }
}

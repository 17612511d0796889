//! Key paths: `program`, `identity.roles`, `argv[0]`, `records[*].name`, `"addr.remote"` (RULES.md section 2).

use std::fmt;

/// One hop of a key path.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Segment {
    /// An object key.
    Key(String),
    /// An array index, `[n]`.
    Index(usize),
    /// `[*]`: every element of an array; the path then yields the list of what follows it.
    Each,
}

/// A path into an event. It always starts with an object key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyPath {
    pub segments: Vec<Segment>,
}

/// A key path that does not parse, with the byte offset of the problem.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct PathError {
    pub offset: usize,
    pub message: String,
}

impl KeyPath {
    /// The first segment: the top-level key of the event this path reads.
    pub fn root(&self) -> &str {
        match &self.segments[0] {
            Segment::Key(key) => key,
            Segment::Index(_) | Segment::Each => unreachable!("a key path always starts with a key"),
        }
    }

    /// The last object key of the path, as used in `<UNKNOWN_KEY>` placeholders.
    pub fn last_key(&self) -> &str {
        self.segments
            .iter()
            .rev()
            .find_map(|s| match s {
                Segment::Key(k) => Some(k.as_str()),
                Segment::Index(_) | Segment::Each => None,
            })
            .unwrap_or_else(|| self.root())
    }

    /// Parses a whole string as a key path.
    pub fn parse(text: &str) -> Result<KeyPath, PathError> {
        let (path, end) = parse_prefix(text, 0)?;
        if end != text.len() {
            return Err(PathError { offset: end, message: format!("unexpected `{}` in key path", &text[end..]) });
        }
        Ok(path)
    }
}

/// Characters a key may use without quotes.
pub fn is_bare_key_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '@' | '$' | '/')
}

/// Parses the key path that starts at byte `start` of `text`, stopping at the first character
/// that cannot continue it. Returns the path and the byte offset just past it.
pub fn parse_prefix(text: &str, start: usize) -> Result<(KeyPath, usize), PathError> {
    let mut segments = Vec::new();
    let mut pos = start;
    let (key, next) = parse_key(text, pos)?;
    segments.push(Segment::Key(key));
    pos = next;
    loop {
        match text[pos..].chars().next() {
            Some('.') => {
                let (key, next) = parse_key(text, pos + 1)?;
                segments.push(Segment::Key(key));
                pos = next;
            }
            Some('[') => {
                let close = text[pos..]
                    .find(']')
                    .map(|i| pos + i)
                    .ok_or_else(|| PathError { offset: pos, message: "unclosed `[` in key path".into() })?;
                let inner = text[pos + 1..close].trim();
                if inner == "*" {
                    segments.push(Segment::Each);
                    pos = close + 1;
                    continue;
                }
                let index = inner.parse::<usize>().map_err(|_| PathError {
                    offset: pos + 1,
                    message: format!("`[{inner}]` is not an array index; write `[0]`, `[1]`, ..."),
                })?;
                segments.push(Segment::Index(index));
                pos = close + 1;
            }
            _ => return Ok((KeyPath { segments }, pos)),
        }
    }
}

/// A bare or double-quoted key at `start`.
fn parse_key(text: &str, start: usize) -> Result<(String, usize), PathError> {
    let rest = &text[start..];
    if rest.starts_with('"') {
        let end =
            quoted_end(rest).ok_or_else(|| PathError { offset: start, message: "unterminated quoted key".into() })?;
        let key: String = serde_json::from_str(&rest[..end])
            .map_err(|e| PathError { offset: start, message: format!("bad quoted key: {e}") })?;
        return Ok((key, start + end));
    }
    let len = rest.char_indices().find(|&(_, c)| !is_bare_key_char(c)).map_or(rest.len(), |(i, _)| i);
    if len == 0 {
        let found = rest.chars().next().map_or("end of input".to_string(), |c| format!("`{c}`"));
        return Err(PathError {
            offset: start,
            message: format!("expected a key, found {found} (quote keys with punctuation: \"addr.remote\")"),
        });
    }
    Ok((rest[..len].to_string(), start + len))
}

/// The byte length of the double-quoted string at the start of `text`, quotes included.
pub fn quoted_end(text: &str) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in text.char_indices().skip(1) {
        match (escaped, c) {
            (true, _) => escaped = false,
            (false, '\\') => escaped = true,
            (false, '"') => return Some(i + 1),
            _ => {}
        }
    }
    None
}

impl fmt::Display for KeyPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, segment) in self.segments.iter().enumerate() {
            match segment {
                Segment::Key(key) => {
                    if i > 0 {
                        f.write_str(".")?;
                    }
                    // A path that is just `not` would read as the keyword.
                    let keyword = self.segments.len() == 1 && key == "not";
                    if !key.is_empty() && key.chars().all(is_bare_key_char) && !keyword {
                        f.write_str(key)?;
                    } else {
                        write!(f, "{}", serde_json::Value::String(key.clone()))?;
                    }
                }
                Segment::Index(index) => write!(f, "[{index}]")?,
                Segment::Each => f.write_str("[*]")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(k: &str) -> Segment {
        Segment::Key(k.into())
    }

    #[test]
    fn parses_dotted_indexed_and_quoted_paths() {
        assert_eq!(KeyPath::parse("program").unwrap().segments, vec![key("program")]);
        assert_eq!(
            KeyPath::parse("identity.roles[1]").unwrap().segments,
            vec![key("identity"), key("roles"), Segment::Index(1)]
        );
        assert_eq!(KeyPath::parse(r#""addr.remote""#).unwrap().segments, vec![key("addr.remote")]);
        assert_eq!(
            KeyPath::parse(r#"server_labels."teleport.internal/resource-id""#).unwrap().segments,
            vec![key("server_labels"), key("teleport.internal/resource-id")]
        );
    }

    #[test]
    fn prints_back_what_it_parsed() {
        for text in ["program", "identity.roles[1]", r#""addr.remote""#, r#"a."b c"[0].d"#] {
            assert_eq!(KeyPath::parse(text).unwrap().to_string(), text);
        }
    }

    #[test]
    fn rejects_bad_paths_with_offsets() {
        assert_eq!(KeyPath::parse("a..b").unwrap_err().offset, 2);
        assert_eq!(KeyPath::parse("a[x]").unwrap_err().offset, 2);
        assert_eq!(KeyPath::parse("a[0").unwrap_err().offset, 1);
        assert!(KeyPath::parse("a b").unwrap_err().message.contains("unexpected"));
        assert_eq!(
            KeyPath::parse("records[*].name").unwrap().segments,
            vec![key("records"), Segment::Each, key("name")]
        );
    }
}

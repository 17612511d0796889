//! Where each node of a YAML document stands, so that errors found after deserialisation can
//! name `file:line:col`. `serde_yaml` gives no positions for values it parsed successfully.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle};

/// One step into a YAML document: a mapping key or a sequence index.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Step {
    Key(String),
    Index(usize),
}

/// A 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
}

#[derive(Debug, Clone)]
struct Node {
    key: Option<Pos>,
    value: Pos,
    layout: Layout,
}

/// How a scalar's characters sit in the source, for pointing inside it.
#[derive(Debug, Clone)]
enum Layout {
    /// One line, written as is.
    Plain,
    /// One line between quotes, with escapes (`\"`, `\u00e9`) or doubled quotes (`''`) that take
    /// more source characters than the characters they stand for. `raw` is the text inside.
    Quoted { double: bool, raw: Vec<char> },
    /// A block scalar (`|` or `>`): each content line's number, first content column and length.
    /// Every line break stands for one character of the value (a newline, or a space when folded).
    Block(Vec<(usize, usize, usize)>),
    /// Anything else (quoted scalars over several lines, collections): point at the start.
    Start,
}

impl Layout {
    /// Where content character `offset` of a node starting at `start` stands.
    fn position(&self, start: Pos, offset: usize) -> Pos {
        let mut remaining = offset;
        if let Layout::Block(lines) = self {
            for &(line, col, len) in lines {
                if remaining <= len {
                    return Pos { line, col: col + remaining };
                }
                remaining -= len + 1;
            }
            return start;
        }
        Pos { line: start.line, col: start.col + self.columns_to(offset) }
    }

    /// Source columns from the node's start to content character `offset`, on one line.
    fn columns_to(&self, offset: usize) -> usize {
        match self {
            Layout::Plain => offset,
            Layout::Start | Layout::Block(_) => 0,
            Layout::Quoted { double, raw } => {
                let mut r = 0;
                for _ in 0..offset {
                    r += match (double, raw.get(r), raw.get(r + 1)) {
                        (true, Some('\\'), Some('u')) => 6,
                        (true, Some('\\'), Some('x')) => 4,
                        (true, Some('\\'), Some('U')) => 10,
                        (true, Some('\\'), Some(_)) | (false, Some('\''), Some('\'')) => 2,
                        (_, Some(_), _) => 1,
                        (_, None, _) => break,
                    };
                }
                1 + r.min(raw.len())
            }
        }
    }
}

/// The content lines of a block scalar whose span is `from..to` (chars) and starts on `line`.
/// The span starts at the `|`/`>` indicator or at the first content line, depending on the
/// parser; either way the body is the whole lines after the indicator.
fn block_lines(chars: &[char], from: usize, to: usize, line: usize) -> Layout {
    let to = to.min(chars.len());
    let (body_start, first_line) = if matches!(chars.get(from), Some('|' | '>')) {
        ((from..to).find(|&i| chars[i] == '\n').map_or(to, |i| i + 1), line + 1)
    } else {
        ((0..from).rev().find(|&i| chars[i] == '\n').map_or(0, |i| i + 1), line)
    };
    let body: String = chars.get(body_start..to).map(|c| c.iter().collect()).unwrap_or_default();
    let lines = body
        .split('\n')
        .enumerate()
        .map(|(k, text)| {
            let text = text.trim_end_matches('\r');
            let indent = text.chars().take_while(|c| *c == ' ').count();
            (first_line + k, indent + 1, text.chars().count() - indent)
        })
        .collect();
    Layout::Block(lines)
}

/// Positions of every node of a YAML document, by path.
#[derive(Debug, Default)]
pub struct SourceMap {
    nodes: HashMap<Vec<Step>, Node>,
}

enum Frame {
    Mapping { pending_key: Option<(String, Pos)> },
    Sequence { next_index: usize },
}

impl SourceMap {
    /// Indexes `source`; a document that does not parse yields an empty map (`serde_yaml` reports
    /// the syntax error itself, with its position).
    pub fn new(source: &str) -> SourceMap {
        let chars: Vec<char> = source.chars().collect();
        let mut map = SourceMap::default();
        let mut stack: Vec<Frame> = Vec::new();
        let mut path: Vec<Step> = Vec::new();
        for event in Parser::new_from_str(source) {
            let Ok((event, span)) = event else { break };
            let start = Pos { line: span.start.line(), col: span.start.col() + 1 };
            let single_line = span.start.line() == span.end.line();
            match event {
                Event::Scalar(text, style, ..) => {
                    if let Some(Frame::Mapping { pending_key }) = stack.last_mut() {
                        if pending_key.is_none() {
                            *pending_key = Some((text.into_owned(), start));
                            continue;
                        }
                    }
                    let layout = match style {
                        ScalarStyle::Plain if single_line => Layout::Plain,
                        ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted if single_line => {
                            let inside = chars.get(span.start.index() + 1..span.end.index().saturating_sub(1));
                            Layout::Quoted {
                                double: matches!(style, ScalarStyle::DoubleQuoted),
                                raw: inside.map(<[char]>::to_vec).unwrap_or_default(),
                            }
                        }
                        ScalarStyle::Literal | ScalarStyle::Folded => {
                            block_lines(&chars, span.start.index(), span.end.index(), span.start.line())
                        }
                        _ => Layout::Start,
                    };
                    map.enter_value(&mut stack, &mut path, start, layout);
                    path.pop();
                }
                // An alias takes a value's place; without it, keys and values would shift.
                Event::Alias(_) => {
                    if let Some(Frame::Mapping { pending_key }) = stack.last_mut() {
                        if pending_key.is_none() {
                            *pending_key = Some(("*alias".into(), start));
                            continue;
                        }
                    }
                    map.enter_value(&mut stack, &mut path, start, Layout::Start);
                    path.pop();
                }
                Event::MappingStart(..) | Event::SequenceStart(..) => {
                    map.enter_value(&mut stack, &mut path, start, Layout::Start);
                    stack.push(if matches!(event, Event::MappingStart(..)) {
                        Frame::Mapping { pending_key: None }
                    } else {
                        Frame::Sequence { next_index: 0 }
                    });
                }
                Event::MappingEnd | Event::SequenceEnd => {
                    stack.pop();
                    path.pop();
                }
                _ => {}
            }
        }
        map
    }

    /// Records a value node under its parent's current key or index and pushes its step.
    fn enter_value(&mut self, stack: &mut [Frame], path: &mut Vec<Step>, value: Pos, layout: Layout) {
        let (step, key) = match stack.last_mut() {
            Some(Frame::Mapping { pending_key }) => match pending_key.take() {
                Some((key, pos)) => (Step::Key(key), Some(pos)),
                None => (Step::Key(String::new()), None),
            },
            Some(Frame::Sequence { next_index }) => {
                *next_index += 1;
                (Step::Index(*next_index - 1), None)
            }
            None => (Step::Key(String::new()), None),
        };
        path.push(step);
        // The document root is recorded under the empty path.
        let at: Vec<Step> = path.iter().skip(1).cloned().collect();
        self.nodes.insert(at, Node { key, value, layout });
    }

    /// Where the key of the node at `path` stands (for a sequence item: the item itself).
    pub fn key(&self, path: &[Step]) -> Option<Pos> {
        self.nodes.get(path).map(|n| n.key.unwrap_or(n.value))
    }

    /// Where the value at `path` starts.
    pub fn value(&self, path: &[Step]) -> Option<Pos> {
        self.nodes.get(path).map(|n| n.value)
    }

    /// Where character `offset` of the string value at `path` stands, when the scalar sits on one
    /// line; else where the value starts.
    pub fn inside(&self, path: &[Step], char_offset: usize) -> Option<Pos> {
        self.nodes.get(path).map(|n| n.layout.position(n.value, char_offset))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(k: &str) -> Step {
        Step::Key(k.into())
    }

    #[test]
    fn locates_keys_values_and_characters() {
        let source = "RuleID: x\nCondition:\n  - a eq 1\n  - \"b eq 2\"\nTests:\n  - Name: t\n    Log: {a: 1}\n";
        let map = SourceMap::new(source);
        assert_eq!(map.key(&[key("RuleID")]), Some(Pos { line: 1, col: 1 }));
        assert_eq!(map.value(&[key("RuleID")]), Some(Pos { line: 1, col: 9 }));
        assert_eq!(map.value(&[key("Condition"), Step::Index(0)]), Some(Pos { line: 3, col: 5 }));
        assert_eq!(map.inside(&[key("Condition"), Step::Index(1)], 2), Some(Pos { line: 4, col: 8 }));
        assert_eq!(map.key(&[key("Tests"), Step::Index(0), key("Log")]), Some(Pos { line: 7, col: 5 }));
        assert_eq!(map.value(&[key("Tests"), Step::Index(0), key("Log"), key("a")]), Some(Pos { line: 7, col: 14 }));
        assert_eq!(map.value(&[key("Missing")]), None);
    }

    #[test]
    fn columns_inside_quoted_scalars_count_escapes_in_the_source() {
        let source = "a: \"x \\\"q\\\" \\u00e9\\U0001F600 z\"\nb: 'it''s z'\n";
        let map = SourceMap::new(source);
        // The content of `a` is `x "q" é😀 z`; its `z` is character 9, source column 30.
        assert_eq!(map.inside(&[key("a")], 9), Some(Pos { line: 1, col: 30 }));
        assert_eq!(map.inside(&[key("b")], 5), Some(Pos { line: 2, col: 11 }));
    }

    #[test]
    fn block_scalars_map_offsets_to_their_lines() {
        let source = "c: >\n  a eq 1\n  and b eqq 2\nd: |\n    x\n    yy\n";
        let map = SourceMap::new(source);
        // `c` is "a eq 1 and b eqq 2\n"; `eqq` is character 13, on the second line.
        assert_eq!(map.inside(&[key("c")], 13), Some(Pos { line: 3, col: 9 }));
        assert_eq!(map.inside(&[key("c")], 2), Some(Pos { line: 2, col: 5 }));
        assert_eq!(map.inside(&[key("d")], 3), Some(Pos { line: 6, col: 6 }));
    }

    #[test]
    fn aliases_take_their_place_so_later_keys_keep_their_positions() {
        let map = SourceMap::new("base: &b {x: 1}\ncopy: *b\nafter: 3\n");
        assert_eq!(map.value(&[key("copy")]), Some(Pos { line: 2, col: 7 }));
        assert_eq!(map.value(&[key("after")]), Some(Pos { line: 3, col: 8 }));
    }
}

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

#[derive(Debug, Clone, Copy)]
struct Node {
    key: Option<Pos>,
    value: Pos,
    /// Characters between the node's start and its first content character, for scalars that
    /// sit on one line; `None` when content positions cannot be mapped column by column.
    content_shift: Option<usize>,
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
                    let content_shift = match style {
                        ScalarStyle::Plain if single_line => Some(0),
                        ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted if single_line => Some(1),
                        _ => None,
                    };
                    map.enter_value(&mut stack, &mut path, start, content_shift);
                    path.pop();
                }
                Event::MappingStart(..) | Event::SequenceStart(..) => {
                    map.enter_value(&mut stack, &mut path, start, None);
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
    fn enter_value(&mut self, stack: &mut [Frame], path: &mut Vec<Step>, value: Pos, content_shift: Option<usize>) {
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
        self.nodes.insert(at, Node { key, value, content_shift });
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
        self.nodes.get(path).map(|n| match n.content_shift {
            Some(shift) => Pos { line: n.value.line, col: n.value.col + shift + char_offset },
            None => n.value,
        })
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
}

//! The event view: one JSON line parsed once, keeping only the top-level keys the compiled rules
//! read (everything else is validated and skipped), with field lookup by precomputed paths.

use std::borrow::Cow;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;

use crate::value::{CowStr, Value};

/// The top-level keys a rule set reads, fixed when the rules are compiled. Each key has a slot.
#[derive(Debug)]
pub struct Schema {
    /// Slot names, in slot order.
    pub keys: &'static [&'static str],
    /// The slot of a key written exactly so.
    pub exact: fn(&str) -> Option<usize>,
    /// The slots whose key equals this lower-cased key, for Panther's case-insensitive fallback.
    pub folded: fn(&str) -> &'static [usize],
}

/// One hop of a compiled key path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seg {
    Key(&'static str),
    Index(usize),
    /// `[*]`: every element of an array.
    Each,
}

/// A compiled key path: a slot for its top-level key, then the hops below it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Path {
    pub slot: usize,
    pub rest: &'static [Seg],
}

/// An event, as far as the rules read it.
#[derive(Debug, Default)]
pub struct Event<'a> {
    exact: Vec<Option<Value<'a>>>,
    folded: Vec<Option<Value<'a>>>,
    unrepresentable: Vec<String>,
}

/// Why a line is not an event: bad JSON, or JSON that is not one object.
#[derive(Debug, thiserror::Error)]
#[error("{} {}", if .source.is_data() { "not an event object:" } else { "malformed JSON:" }, crate::json_error::bare(.source))]
pub struct EventError {
    #[from]
    source: serde_json::Error,
}

impl EventError {
    /// The 1-based column (in bytes) of the line where the problem is, when known.
    pub fn column(&self) -> Option<usize> {
        Some(self.source.column()).filter(|c| *c > 0)
    }
}

impl<'a> Event<'a> {
    /// Parses one JSON object. Keys the schema does not name are checked for syntax and skipped.
    pub fn parse(schema: &Schema, json: &'a str) -> Result<Event<'a>, EventError> {
        let mut event = Event {
            exact: vec![None; schema.keys.len()],
            folded: vec![None; schema.keys.len()],
            unrepresentable: Vec::new(),
        };
        let mut deserializer = serde_json::Deserializer::from_str(json);
        EventSeed { schema, event: &mut event }.deserialize(&mut deserializer)?;
        deserializer.end()?;
        Ok(event)
    }

    /// Read keys whose values are valid JSON that vigil cannot hold (a number beyond `f64`, a
    /// lone surrogate, nesting over 128 levels), as `key: reason`. They read as absent.
    pub fn unrepresentable(&self) -> &[String] {
        &self.unrepresentable
    }

    /// The top-level value in `slot`: the exact key, else a case-insensitive match.
    pub fn slot(&self, slot: usize) -> Option<&Value<'a>> {
        self.exact[slot].as_ref().or(self.folded[slot].as_ref())
    }

    /// The value at `path` (which has no `[*]`), or `None` when any hop is missing or of the
    /// wrong kind.
    pub fn get(&self, path: &Path) -> Option<&Value<'a>> {
        self.slot(path.slot)?.at(path.rest)
    }

    /// The value at any path: borrowed, or built for paths with `[*]`.
    pub fn lookup(&self, path: &Path) -> Option<Cow<'_, Value<'a>>> {
        if path.rest.contains(&Seg::Each) {
            self.project(path).map(Cow::Owned)
        } else {
            self.get(path).map(Cow::Borrowed)
        }
    }

    /// The list a path with `[*]` projects (see [`Value::project`]).
    pub fn project(&self, path: &Path) -> Option<Value<'a>> {
        self.slot(path.slot)?.project(path.rest)
    }
}

struct EventSeed<'s, 'e, 'a> {
    schema: &'s Schema,
    event: &'e mut Event<'a>,
}

impl<'de> DeserializeSeed<'de> for EventSeed<'_, '_, 'de> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for EventSeed<'_, '_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an event: a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(CowStr(key)) = map.next_key()? {
            let exact = (self.schema.exact)(&key);
            // Case variants of the key that other rules spell differently fall back to this one.
            // Most keys are already lower case: fold without allocating for them.
            let folded = if key.chars().any(char::is_uppercase) {
                (self.schema.folded)(&key.to_lowercase())
            } else {
                (self.schema.folded)(&key)
            };
            if exact.is_none() && folded.is_empty() {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            // Read values are first taken raw, so that a line is valid or malformed by the same
            // syntax check whichever keys the rules read.
            let raw: &'de RawValue = map.next_value()?;
            let value = match serde_json::from_str::<Value<'de>>(raw.get()) {
                Ok(value) => value,
                Err(e) => {
                    self.event.unrepresentable.push(format!("`{key}`: {}", crate::json_error::bare(&e)));
                    continue;
                }
            };
            for slot in folded.iter().filter(|slot| Some(**slot) != exact) {
                self.event.folded[*slot] = Some(value.clone());
            }
            if let Some(slot) = exact {
                self.event.exact[slot] = Some(value);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A schema over `user`, `User` (a second key folding to the same name) and `argv`.
    pub fn schema() -> Schema {
        Schema {
            keys: &["user", "User", "argv"],
            exact: |k| match k {
                "user" => Some(0),
                "User" => Some(1),
                "argv" => Some(2),
                _ => None,
            },
            folded: |k| match k {
                "user" => &[0, 1],
                "argv" => &[2],
                _ => &[],
            },
        }
    }

    #[test]
    fn keeps_only_schema_keys_with_case_insensitive_fallback() {
        let schema = schema();
        let event =
            Event::parse(&schema, r#"{"USER": "a", "other": {"deep": [1]}, "argv": ["-v"], "user": "b"}"#).unwrap();
        assert_eq!(event.slot(0).and_then(Value::as_str), Some("b"));
        assert_eq!(event.slot(1).and_then(Value::as_str), Some("b"), "the last case variant wins");
        let lower = Event::parse(&schema, r#"{"user": "lower only"}"#).unwrap();
        assert_eq!(lower.slot(1).and_then(Value::as_str), Some("lower only"), "`User` falls back to `user`");
        let both = Event::parse(&schema, r#"{"User": "exact", "user": "other"}"#).unwrap();
        assert_eq!(both.slot(1).and_then(Value::as_str), Some("exact"), "an exact key beats a case variant");
        let argv0 = Path { slot: 2, rest: &[Seg::Index(0)] };
        assert_eq!(event.get(&argv0).and_then(Value::as_str), Some("-v"));
        assert_eq!(event.get(&Path { slot: 2, rest: &[Seg::Index(1)] }), None);
        assert_eq!(event.get(&Path { slot: 2, rest: &[Seg::Key("x")] }), None);
    }

    #[test]
    fn read_values_vigil_cannot_hold_are_absent_and_noted_not_fatal() {
        let schema = schema();
        let deep = format!("{}1{}", "[".repeat(200), "]".repeat(200));
        let json = format!(r#"{{"user": 1e400, "argv": {deep}, "User": "\ud800", "other": 1e400}}"#);
        let event = Event::parse(&schema, &json).unwrap();
        assert_eq!((event.slot(0), event.slot(1), event.slot(2)), (None, None, None));
        assert_eq!(
            event.unrepresentable(),
            ["`user`: number out of range", "`argv`: recursion limit exceeded", "`User`: unexpected end of hex escape",]
        );
    }

    #[test]
    fn errors_give_the_column_apart_from_the_message() {
        let err = Event::parse(&schema(), r#"{"a": tru}"#).unwrap_err();
        assert_eq!((err.to_string().as_str(), err.column()), ("malformed JSON: expected ident", Some(10)));
        let err = Event::parse(&schema(), "[1]").unwrap_err();
        assert_eq!(err.to_string(), "not an event object: invalid type: sequence, expected an event: a JSON object");
    }

    #[test]
    fn rejects_what_is_not_one_json_object() {
        let schema = schema();
        for bad in ["", "[1]", "\"x\"", "{\"user\": }", "{\"a\": 1} {}", "{\"other\": [1,}", "{\"a\":1"] {
            assert!(Event::parse(&schema, bad).is_err(), "{bad}");
        }
        assert!(Event::parse(&schema, " {\"a\": 1}  ").is_ok());
    }
}

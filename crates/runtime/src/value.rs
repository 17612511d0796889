//! A JSON value borrowed from the input line where it can be: strings without escapes are not
//! copied. Equality follows RULES.md section 2: no type coercion, numbers compare by value.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

use crate::event::Seg;

/// A JSON number as it was written: integer or floating point.
#[derive(Debug, Clone, Copy)]
pub enum Number {
    Int(i64),
    UInt(u64),
    Float(f64),
}

impl Number {
    pub fn as_f64(self) -> f64 {
        #[allow(clippy::cast_precision_loss)] // comparing to a float is approximate by nature
        match self {
            Number::Int(i) => i as f64,
            Number::UInt(u) => u as f64,
            Number::Float(f) => f,
        }
    }

    fn as_i128(self) -> Option<i128> {
        match self {
            Number::Int(i) => Some(i128::from(i)),
            Number::UInt(u) => Some(i128::from(u)),
            Number::Float(_) => None,
        }
    }
}

impl Number {
    /// Orders two numbers by value, exactly, as Python does: an integer and a float with no
    /// fraction compare as integers, so `9007199254740993` is not `9007199254740992.0`.
    pub fn compare(self, other: Number) -> Option<std::cmp::Ordering> {
        match (self.exact_integer(), other.exact_integer()) {
            (Some(a), Some(b)) => Some(a.cmp(&b)),
            _ => self.as_f64().partial_cmp(&other.as_f64()),
        }
    }

    /// The number as an exact integer, when it is one (floats with no fraction included).
    fn exact_integer(self) -> Option<i128> {
        match self {
            Number::Float(f) if f.fract() == 0.0 && f.abs() < 1e38 => {
                #[allow(clippy::cast_possible_truncation)] // integral and within i128
                Some(f as i128)
            }
            other => other.as_i128(),
        }
    }
}

impl PartialEq for Number {
    /// By value: `1 == 1.0`; integers compare exactly, beyond `f64` precision too.
    fn eq(&self, other: &Number) -> bool {
        self.compare(*other) == Some(std::cmp::Ordering::Equal)
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Number::Int(i) => write!(f, "{i}"),
            Number::UInt(u) => write!(f, "{u}"),
            Number::Float(x) => {
                write!(f, "{}", serde_json::Number::from_f64(*x).map_or("null".into(), |n| n.to_string()))
            }
        }
    }
}

/// One JSON value of an event.
#[derive(Debug, Clone)]
pub enum Value<'a> {
    Null,
    Bool(bool),
    Number(Number),
    String(Cow<'a, str>),
    Array(Vec<Value<'a>>),
    /// Members in document order; duplicate keys are kept, and lookups take the last.
    Object(Vec<(Cow<'a, str>, Value<'a>)>),
}

impl<'a> Value<'a> {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The member `key`: the exact key if present, else a case-insensitive match (Panther's
    /// event object is case-insensitive at every level). The last of duplicates wins.
    pub fn member(&self, key: &str) -> Option<&Value<'a>> {
        let Value::Object(members) = self else { return None };
        members
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .or_else(|| members.iter().rev().find(|(k, _)| keys_match_folded(k, key)))
            .map(|(_, v)| v)
    }

    /// The value at `rest` below this one (no `[*]` in `rest`).
    pub fn at(&self, rest: &[Seg]) -> Option<&Value<'a>> {
        let mut value = self;
        for seg in rest {
            value = match *seg {
                Seg::Key(key) => value.member(key)?,
                Seg::Index(index) => value.element(index)?,
                Seg::Each => unreachable!("paths with [*] are projected, not looked up"),
            };
        }
        Some(value)
    }

    /// The list that `rest`, which holds `[*]`, projects from this value: for each element of the
    /// array at the `[*]`, the value at the rest of the path; elements where it is absent are
    /// left out, and nested projections are flattened into one list. `None` when the array
    /// itself is absent or not an array.
    pub fn project(&self, rest: &[Seg]) -> Option<Value<'a>> {
        let each = rest.iter().position(|s| *s == Seg::Each).expect("a projected path has [*]");
        let Value::Array(items) = self.at(&rest[..each])? else { return None };
        let after = &rest[each + 1..];
        let nested = after.contains(&Seg::Each);
        let mut out = Vec::new();
        for item in items {
            if nested {
                if let Some(Value::Array(found)) = item.project(after) {
                    out.extend(found);
                }
            } else if let Some(found) = item.at(after) {
                out.push(found.clone());
            }
        }
        Some(Value::Array(out))
    }

    /// Element `index` of an array.
    pub fn element(&self, index: usize) -> Option<&Value<'a>> {
        match self {
            Value::Array(items) => items.get(index),
            _ => None,
        }
    }

    /// Null-like (RULES.md section 2): `null`, `""`, `[]` or `{}`.
    pub fn is_null_like(&self) -> bool {
        match self {
            Value::Null => true,
            Value::String(s) => s.is_empty(),
            Value::Array(a) => a.is_empty(),
            Value::Object(o) => o.is_empty(),
            Value::Bool(_) | Value::Number(_) => false,
        }
    }

    /// The value as compact JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a Value always serialises")
    }

    /// Strings as they are, everything else as compact JSON: how values appear in titles.
    pub fn to_text(&self) -> Cow<'_, str> {
        match self {
            Value::String(s) => Cow::Borrowed(s),
            other => Cow::Owned(other.to_json()),
        }
    }
}

impl PartialEq for Value<'_> {
    /// JSON equality: numbers by value, lists in order, objects whatever their key order (a
    /// duplicated key counts with its last value).
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Value::Null, Value::Null) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Number(a), Value::Number(b)) => a == b,
            (Value::String(a), Value::String(b)) => a == b,
            (Value::Array(a), Value::Array(b)) => a == b,
            (Value::Object(a), Value::Object(b)) => {
                let last_wins =
                    |members: &'_ [(Cow<'_, str>, Value<'_>)]| -> std::collections::BTreeMap<String, usize> {
                        members.iter().enumerate().map(|(i, (k, _))| (k.to_string(), i)).collect()
                    };
                let (a_keys, b_keys) = (last_wins(a), last_wins(b));
                a_keys.len() == b_keys.len()
                    && a_keys.iter().all(|(k, &i)| b_keys.get(k).is_some_and(|&j| a[i].1 == b[j].1))
            }
            _ => false,
        }
    }
}

/// Case-insensitive key comparison by Unicode lower case, without allocating for ASCII keys.
pub fn keys_match_folded(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() { a.eq_ignore_ascii_case(b) } else { a.to_lowercase() == b.to_lowercase() }
}

impl Serialize for Value<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Null => serializer.serialize_unit(),
            Value::Bool(b) => serializer.serialize_bool(*b),
            Value::Number(Number::Int(i)) => serializer.serialize_i64(*i),
            Value::Number(Number::UInt(u)) => serializer.serialize_u64(*u),
            Value::Number(Number::Float(f)) => serializer.serialize_f64(*f),
            Value::String(s) => serializer.serialize_str(s),
            Value::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Value::Object(members) => {
                let mut map = serializer.serialize_map(Some(members.len()))?;
                for (k, v) in members {
                    map.serialize_entry(k.as_ref(), v)?;
                }
                map.end()
            }
        }
    }
}

/// A string that borrows from the input when serde lets it.
pub(crate) struct CowStr<'a>(pub Cow<'a, str>);

impl<'de> Deserialize<'de> for CowStr<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct StrVisitor;
        impl<'de> Visitor<'de> for StrVisitor {
            type Value = CowStr<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(CowStr(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(CowStr(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(CowStr(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(StrVisitor)
    }
}

impl<'de> Deserialize<'de> for Value<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Value::Null)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Value::Number(Number::Int(v)))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Value::Number(i64::try_from(v).map_or(Number::UInt(v), Number::Int)))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Value::Number(Number::Float(v)))
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Value::String(Cow::Borrowed(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Value::String(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Value::String(Cow::Owned(v)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut members = Vec::with_capacity(map.size_hint().unwrap_or(0));
        while let Some(CowStr(key)) = map.next_key()? {
            members.push((key, map.next_value()?));
        }
        Ok(Value::Object(members))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Value<'_> {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn numbers_compare_by_value_without_coercion() {
        assert_eq!(parse("1"), parse("1.0"));
        assert_eq!(parse("18446744073709551615"), parse("18446744073709551615"));
        assert_ne!(parse("9007199254740993"), parse("9007199254740992"));
        assert_ne!(parse("9007199254740993"), parse("9007199254740992.0"));
        assert_eq!(parse("9007199254740992"), parse("9007199254740992.0"));
        assert_eq!(parse(r#"{"x": 1, "y": [2]}"#), parse(r#"{"y": [2.0], "x": 1}"#));
        assert_ne!(parse(r#"{"x": 1}"#), parse(r#"{"x": 1, "y": 2}"#));
        assert_eq!(parse(r#"{"x": 1, "x": 2}"#), parse(r#"{"x": 2}"#));
        assert_ne!(parse("\"80\""), parse("80"));
        assert_ne!(parse("true"), parse("1"));
    }

    #[test]
    fn projections_collect_flatten_and_skip_absent() {
        let v =
            parse(r#"{"records": [{"name": "a"}, {"x": 1}, {"name": ["b"]}], "nested": [[{"k": 1}], [{"k": 2}, {}]]}"#);
        let names = v.project(&[Seg::Key("records"), Seg::Each, Seg::Key("name")]).unwrap();
        assert_eq!(names, parse(r#"["a", ["b"]]"#));
        let ks = v.project(&[Seg::Key("nested"), Seg::Each, Seg::Each, Seg::Key("k")]).unwrap();
        assert_eq!(ks, parse("[1, 2]"));
        assert_eq!(v.project(&[Seg::Key("missing"), Seg::Each]), None);
        assert_eq!(v.project(&[Seg::Key("records"), Seg::Index(0), Seg::Each]), None);
        assert_eq!(parse("[]").project(&[Seg::Each]), Some(parse("[]")));
    }

    #[test]
    fn numbers_order_by_value() {
        use std::cmp::Ordering::{Equal, Greater, Less};
        let n = |json| match parse(json) {
            Value::Number(n) => n,
            _ => unreachable!(),
        };
        assert_eq!(n("2").compare(n("1.5")), Some(Greater));
        assert_eq!(n("-1").compare(n("18446744073709551615")), Some(Less));
        assert_eq!(n("1.0").compare(n("1")), Some(Equal));
    }

    #[test]
    fn strings_without_escapes_are_borrowed() {
        assert!(matches!(parse(r#""plain""#), Value::String(Cow::Borrowed("plain"))));
        assert!(matches!(parse(r#""a\nb""#), Value::String(Cow::Owned(_))));
    }

    #[test]
    fn member_lookup_is_exact_first_then_case_insensitive_last_wins() {
        let v = parse(r#"{"User": 1, "user": 2, "ÉTÉ": 3, "k": 4, "k": 5}"#);
        assert_eq!(v.member("user"), Some(&parse("2")));
        assert_eq!(v.member("USER"), Some(&parse("2")));
        assert_eq!(v.member("été"), Some(&parse("3")));
        assert_eq!(v.member("k"), Some(&parse("5")));
        assert_eq!(v.member("missing"), None);
        assert_eq!(parse("[1]").member("a"), None);
    }

    #[test]
    fn null_like_and_text_forms() {
        for json in ["null", "\"\"", "[]", "{}"] {
            assert!(parse(json).is_null_like(), "{json}");
        }
        for json in ["0", "false", "\" \"", "[null]", "{\"a\":null}"] {
            assert!(!parse(json).is_null_like(), "{json}");
        }
        assert_eq!(parse(r#""x""#).to_text(), "x");
        assert_eq!(parse(r#"{"a": [1, 2.5]}"#).to_text(), r#"{"a":[1,2.5]}"#);
    }
}

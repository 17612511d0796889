//! Operator semantics (RULES.md section 3), called by generated matchers. Each takes the value at
//! a path (`None` when absent) and a literal fixed at compile time. Negated operators are written
//! by the generator as `!` of their positive form, which gives RULES.md's absent-path rules.

use crate::value::{Number, Value};

/// A literal operand, built by generated code as a constant.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Lit {
    Null,
    Bool(bool),
    Number(Number),
    Str(&'static str),
    List(&'static [Lit]),
}

/// `eq`: equal with no type coercion; lists and objects compare element by element.
pub fn eq(value: Option<&Value>, lit: &Lit) -> bool {
    value.is_some_and(|v| equals(v, lit))
}

fn equals(value: &Value, lit: &Lit) -> bool {
    match (value, lit) {
        (Value::Null, Lit::Null) => true,
        (Value::Bool(a), Lit::Bool(b)) => a == b,
        (Value::Number(a), Lit::Number(b)) => a == b,
        (Value::String(a), Lit::Str(b)) => a == b,
        (Value::Array(items), Lit::List(lits)) => {
            items.len() == lits.len() && items.iter().zip(lits.iter()).all(|(v, l)| equals(v, l))
        }
        _ => false,
    }
}

/// `in`: the value, or any element of a list value, is one of `list`.
pub fn is_in(value: Option<&Value>, list: &[Lit]) -> bool {
    any_scalar(value, |v| list.iter().any(|lit| equals(v, lit)))
}

/// `in` for a list of strings only, with the membership test compiled to a `match`.
pub fn is_in_strs(value: Option<&Value>, member: fn(&str) -> bool) -> bool {
    any_scalar(value, |v| v.as_str().is_some_and(member))
}

/// Applies `test` to a scalar value, or to each element of a list value.
fn any_scalar(value: Option<&Value>, test: impl Fn(&Value) -> bool) -> bool {
    match value {
        None => false,
        Some(Value::Array(items)) => items.iter().any(test),
        Some(v) => test(v),
    }
}

/// `contains`: a string holds the substring; a list has an element equal to the operand.
pub fn contains(value: Option<&Value>, lit: &Lit) -> bool {
    match (value, lit) {
        (Some(Value::String(s)), Lit::Str(needle)) => s.contains(needle),
        (Some(Value::Array(items)), lit) => items.iter().any(|item| equals(item, lit)),
        _ => false,
    }
}

/// `starts_with`: a string value starts with `prefix`; false for anything else.
pub fn starts_with(value: Option<&Value>, prefix: &str) -> bool {
    value.and_then(Value::as_str).is_some_and(|s| s.starts_with(prefix))
}

/// `ends_with`: a string value ends with `suffix`; false for anything else.
pub fn ends_with(value: Option<&Value>, suffix: &str) -> bool {
    value.and_then(Value::as_str).is_some_and(|s| s.ends_with(suffix))
}

/// `is_null`: absent, `null`, `""`, `[]` or `{}`.
pub fn is_null(value: Option<&Value>) -> bool {
    value.is_none_or(Value::is_null_like)
}

/// `exists`: the key is present, even with a null value.
pub fn exists(value: Option<&Value>) -> bool {
    value.is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(json: &str) -> Value<'_> {
        serde_json::from_str(json).unwrap()
    }

    const NMAP: Lit = Lit::Str("nmap");

    #[test]
    fn eq_has_no_coercion_and_compares_numbers_by_value() {
        assert!(eq(Some(&v("\"nmap\"")), &NMAP));
        assert!(!eq(Some(&v("\"NMAP\"")), &NMAP));
        assert!(!eq(None, &NMAP));
        assert!(eq(Some(&v("80.0")), &Lit::Number(Number::Int(80))));
        assert!(!eq(Some(&v("\"80\"")), &Lit::Number(Number::Int(80))));
        assert!(!eq(Some(&v("1")), &Lit::Bool(true)));
        assert!(eq(Some(&v("null")), &Lit::Null));
        assert!(eq(Some(&v("[\"a\", 1]")), &Lit::List(&[Lit::Str("a"), Lit::Number(Number::Int(1))])));
        assert!(!eq(Some(&v("[\"a\"]")), &Lit::List(&[Lit::Str("a"), Lit::Str("b")])));
    }

    #[test]
    fn in_tests_scalars_and_each_element_of_lists() {
        let list = [Lit::Str("arp"), NMAP, Lit::Number(Number::Int(1))];
        assert!(is_in(Some(&v("\"nmap\"")), &list));
        assert!(is_in(Some(&v("1.0")), &list));
        assert!(is_in(Some(&v("[\"x\", \"arp\"]")), &list));
        assert!(!is_in(Some(&v("[]")), &list));
        assert!(!is_in(Some(&v("\"ARP\"")), &list));
        assert!(!is_in(None, &list));
        let member: fn(&str) -> bool = |s| matches!(s, "arp" | "nmap");
        assert!(is_in_strs(Some(&v("\"arp\"")), member));
        assert!(is_in_strs(Some(&v("[1, \"nmap\"]")), member));
        assert!(!is_in_strs(Some(&v("1")), member));
        assert!(!is_in_strs(None, member));
    }

    #[test]
    fn contains_is_substring_for_strings_and_membership_for_lists() {
        assert!(contains(Some(&v("\"/usr/bin/nmap\"")), &NMAP));
        assert!(contains(Some(&v("[\"-v\", \"nmap\"]")), &NMAP));
        assert!(!contains(Some(&v("[\"nmap -v\"]")), &NMAP));
        assert!(contains(Some(&v("[1, 2]")), &Lit::Number(Number::Int(2))));
        assert!(!contains(Some(&v("{\"nmap\": 1}")), &NMAP));
        assert!(!contains(Some(&v("5")), &Lit::Number(Number::Int(5))));
        assert!(!contains(None, &NMAP));
    }

    #[test]
    fn prefixes_and_suffixes_only_apply_to_strings() {
        assert!(starts_with(Some(&v("\"/tmp/x\"")), "/tmp/"));
        assert!(!starts_with(Some(&v("[\"/tmp/x\"]")), "/tmp/"));
        assert!(ends_with(Some(&v("\"run.sh\"")), ".sh"));
        assert!(!ends_with(None, ".sh"));
    }

    #[test]
    fn null_likeness_and_existence() {
        assert!(is_null(None));
        for json in ["null", "\"\"", "[]", "{}"] {
            assert!(is_null(Some(&v(json))), "{json}");
            assert!(exists(Some(&v(json))), "{json}");
        }
        assert!(!is_null(Some(&v("0"))));
        assert!(!exists(None));
    }
}

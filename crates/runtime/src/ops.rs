//! Operator semantics (RULES.md section 3), called by generated matchers. Each takes the value at
//! a path (`None` when absent) and a literal fixed at compile time. Negated operators are written
//! by the generator as `!` of their positive form, which gives RULES.md's absent-path rules.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::net::IpAddr;

use jiff::{SignedDuration, Timestamp};
use regex::Regex;

use crate::time;
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

/// `starts_with`: a string value, or any string element of a list value, starts with `prefix`.
pub fn starts_with(value: Option<&Value>, prefix: &str) -> bool {
    any_scalar(value, |v| v.as_str().is_some_and(|s| s.starts_with(prefix)))
}

/// `ends_with`: a string value, or any string element of a list value, ends with `suffix`.
pub fn ends_with(value: Option<&Value>, suffix: &str) -> bool {
    any_scalar(value, |v| v.as_str().is_some_and(|s| s.ends_with(suffix)))
}

/// Lower-cases for the case-insensitive operators, as Python's `str.lower()` (which Panther's
/// `I*` conditions use) does; ASCII text is not copied.
fn lower(s: &str) -> Cow<'_, str> {
    if s.bytes().any(|b| b.is_ascii_uppercase() || b >= 0x80) { Cow::Owned(s.to_lowercase()) } else { Cow::Borrowed(s) }
}

/// `ieq`: a string equal to `lowered` (the operand, lower-cased at compile time) ignoring case.
pub fn ieq(value: Option<&Value>, lowered: &str) -> bool {
    value.and_then(Value::as_str).is_some_and(|s| lower(s) == lowered)
}

/// `icontains`: `contains` ignoring case: a substring of a string, or an equal element of a list.
pub fn icontains(value: Option<&Value>, lowered: &str) -> bool {
    match value {
        Some(Value::String(s)) => lower(s).contains(lowered),
        Some(Value::Array(items)) => items.iter().any(|item| ieq(Some(item), lowered)),
        _ => false,
    }
}

/// `istarts_with`: a string (or any string element of a list) starting with `lowered`, ignoring
/// case.
pub fn istarts_with(value: Option<&Value>, lowered: &str) -> bool {
    any_scalar(value, |v| v.as_str().is_some_and(|s| lower(s).starts_with(lowered)))
}

/// `iends_with`: a string (or any string element of a list) ending with `lowered`, ignoring case.
pub fn iends_with(value: Option<&Value>, lowered: &str) -> bool {
    any_scalar(value, |v| v.as_str().is_some_and(|s| lower(s).ends_with(lowered)))
}

/// `iin`: `in` ignoring case, with `member` testing the lower-cased string.
pub fn iin_strs(value: Option<&Value>, member: fn(&str) -> bool) -> bool {
    any_scalar(value, |v| v.as_str().is_some_and(|s| member(&lower(s))))
}

/// `iin` over a list of lower-cased strings, for callers without a compiled `match`.
pub fn iin_list(value: Option<&Value>, lowered: &[String]) -> bool {
    any_scalar(value, |v| v.as_str().is_some_and(|s| lowered.iter().any(|l| *l == lower(s))))
}

/// `matches`: the regular expression matches somewhere in a string value, or in any string
/// element of a list value (`argv matches "/dev/tcp/"`).
pub fn matches(value: Option<&Value>, regex: &Regex) -> bool {
    any_scalar(value, |v| v.as_str().is_some_and(|s| regex.is_match(s)))
}

/// `glob`: a string value, or any string element of a list value, matches the shell pattern,
/// compiled to an anchored regex.
pub fn glob(value: Option<&Value>, pattern: &Regex) -> bool {
    any_scalar(value, |v| v.as_str().is_some_and(|s| pattern.is_match(s)))
}

/// `gt`, `ge`, `lt`, `le`: a number compared with `operand`; false for anything else.
pub fn compare(value: Option<&Value>, operand: Number, accept: fn(Ordering) -> bool) -> bool {
    match value {
        Some(Value::Number(n)) => n.compare(operand).is_some_and(accept),
        _ => false,
    }
}

/// A network for `cidr`, built by generated code from a CIDR checked at compile time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cidr {
    V4 { network: u32, prefix: u8 },
    V6 { network: u128, prefix: u8 },
}

impl Cidr {
    pub fn contains(self, address: IpAddr) -> bool {
        match (self, address) {
            (Cidr::V4 { network, prefix }, IpAddr::V4(a)) => {
                prefix == 0 || (u32::from(a) ^ network) >> (32 - u32::from(prefix)) == 0
            }
            (Cidr::V6 { network, prefix }, IpAddr::V6(a)) => {
                prefix == 0 || (u128::from(a) ^ network) >> (128 - u32::from(prefix)) == 0
            }
            _ => false,
        }
    }
}

impl Cidr {
    /// Parses `10.0.0.0/8` from an event; host bits are ignored.
    pub fn parse(text: &str) -> Option<Cidr> {
        let (address, prefix) = text.split_once('/')?;
        let prefix: u8 = prefix.parse().ok()?;
        match address.parse::<IpAddr>().ok()? {
            IpAddr::V4(a) if prefix <= 32 => {
                let mask = u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0);
                Some(Cidr::V4 { network: u32::from(a) & mask, prefix })
            }
            IpAddr::V6(a) if prefix <= 128 => {
                let mask = u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0);
                Some(Cidr::V6 { network: u128::from(a) & mask, prefix })
            }
            _ => None,
        }
    }
}

/// `cidr_contains`: a CIDR string value that contains every one of `addresses`.
pub fn cidr_contains(value: Option<&Value>, addresses: &[IpAddr]) -> bool {
    value.and_then(Value::as_str).and_then(Cidr::parse).is_some_and(|c| addresses.iter().all(|a| c.contains(*a)))
}

/// `is_ip` and its kin: a string value that is an IP address passing `test`.
pub fn ip_is(value: Option<&Value>, test: fn(IpAddr) -> bool) -> bool {
    value.and_then(Value::as_str).and_then(|s| s.parse::<IpAddr>().ok()).is_some_and(test)
}

const fn v4(a: u8, b: u8, c: u8, d: u8, prefix: u8) -> Cidr {
    Cidr::V4 { network: u32::from_be_bytes([a, b, c, d]), prefix }
}

const fn v6(high: u16, next: u16, prefix: u8) -> Cidr {
    Cidr::V6 { network: ((high as u128) << 112) | ((next as u128) << 96), prefix }
}

/// Python's `ipaddress` private networks, which Panther's `IsIPAddressPrivate` uses.
const PRIVATE: &[Cidr] = &[
    v4(0, 0, 0, 0, 8),
    v4(10, 0, 0, 0, 8),
    v4(127, 0, 0, 0, 8),
    v4(169, 254, 0, 0, 16),
    v4(172, 16, 0, 0, 12),
    v4(192, 0, 0, 0, 29),
    v4(192, 0, 0, 170, 31),
    v4(192, 0, 2, 0, 24),
    v4(192, 168, 0, 0, 16),
    v4(198, 18, 0, 0, 15),
    v4(198, 51, 100, 0, 24),
    v4(203, 0, 113, 0, 24),
    v4(240, 0, 0, 0, 4),
    v4(255, 255, 255, 255, 32),
    Cidr::V6 { network: 1, prefix: 128 },
    Cidr::V6 { network: 0, prefix: 128 },
    v6(0x0100, 0, 64),
    v6(0x2001, 0, 23),
    v6(0x2001, 0x0db8, 32),
    v6(0x2001, 0x0010, 28),
    v6(0xfc00, 0, 7),
    v6(0xfe80, 0, 10),
];

/// Shared address space: neither private nor global in Python's `ipaddress`.
const SHARED: Cidr = v4(100, 64, 0, 0, 10);

/// Python's `is_private`. An IPv4-mapped IPv6 address (`::ffff:10.0.0.1`) is judged by its
/// IPv4 address, as current Python versions do.
pub fn is_private_ip(ip: IpAddr) -> bool {
    let ip = ip.to_canonical();
    PRIVATE.iter().any(|net| net.contains(ip))
}

/// Python's `is_global`: neither private nor shared address space.
pub fn is_public_ip(ip: IpAddr) -> bool {
    !is_private_ip(ip) && !SHARED.contains(ip.to_canonical())
}

/// `cidr`: an IP address string (or any element of a list value) inside any of `networks`.
pub fn in_cidr(value: Option<&Value>, networks: &[Cidr]) -> bool {
    any_scalar(value, |v| {
        v.as_str().and_then(|s| s.parse::<IpAddr>().ok()).is_some_and(|ip| networks.iter().any(|n| n.contains(ip)))
    })
}

/// `eq_field`: both values present and equal (numbers by value, no coercion).
pub fn eq_values(value: Option<&Value>, other: Option<&Value>) -> bool {
    matches!((value, other), (Some(a), Some(b)) if a == b)
}

/// `before` / `after` against another field's time plus an offset: both must be times.
pub fn time_vs_field(
    value: Option<&Value>,
    other: Option<&Value>,
    offset_seconds: i64,
    accept: fn(Ordering) -> bool,
) -> bool {
    let Some(other) = other.and_then(time::parse) else { return false };
    other.checked_add(SignedDuration::from_secs(offset_seconds)).is_ok_and(|t| time_vs(value, t, accept))
}

/// `before` / `after` against a fixed time.
pub fn time_vs_instant(value: Option<&Value>, seconds: i64, nanos: i32, accept: fn(Ordering) -> bool) -> bool {
    Timestamp::new(seconds, nanos).is_ok_and(|t| time_vs(value, t, accept))
}

fn time_vs(value: Option<&Value>, operand: Timestamp, accept: fn(Ordering) -> bool) -> bool {
    value.and_then(time::parse).is_some_and(|t| accept(t.cmp(&operand)))
}

/// Quantifiers over the elements of a list value. An absent or non-list value is no list: only
/// `None` holds for it (`All` holds for an empty list, not for a missing one).
pub fn each(value: Option<&Value>, quantifier: Quantifier, test: impl Fn(&Value) -> bool) -> bool {
    let Some(Value::Array(items)) = value else { return quantifier == Quantifier::None };
    match quantifier {
        Quantifier::Any => items.iter().any(test),
        Quantifier::All => items.iter().all(test),
        Quantifier::One => items.iter().filter(|item| test(item)).take(2).count() == 1,
        Quantifier::None => !items.iter().any(test),
    }
}

/// How many elements of a list an [`each`] body must hold for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantifier {
    Any,
    All,
    One,
    None,
}

/// `one_of(...)`: exactly one of the verdicts is true.
pub fn exactly_one(verdicts: &[bool]) -> bool {
    verdicts.iter().filter(|v| **v).count() == 1
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
    fn prefixes_and_suffixes_apply_to_strings_and_each_string_of_a_list() {
        assert!(starts_with(Some(&v("\"/tmp/x\"")), "/tmp/"));
        assert!(starts_with(Some(&v("[1, \"/tmp/x\"]")), "/tmp/"));
        assert!(!starts_with(Some(&v("[\"/var/x\", 5]")), "/tmp/"));
        assert!(!starts_with(Some(&v("{\"a\": \"/tmp/x\"}")), "/tmp/"));
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

    #[test]
    fn case_insensitive_forms_lower_case_both_sides() {
        assert!(ieq(Some(&v("\"NMap\"")), "nmap"));
        assert!(!ieq(Some(&v("[\"nmap\"]")), "nmap"));
        assert!(ieq(Some(&v("\"ÉTÉ\"")), "été"));
        assert!(icontains(Some(&v("\"/USR/bin/NC\"")), "bin/nc"));
        assert!(icontains(Some(&v("[\"X\", \"NC\"]")), "nc"));
        assert!(!icontains(Some(&v("[\"NC -l\"]")), "nc"));
        assert!(istarts_with(Some(&v("\"/TMP/x\"")), "/tmp/"));
        assert!(iends_with(Some(&v("\"RUN.SH\"")), ".sh"));
        let member: fn(&str) -> bool = |s| matches!(s, "nmap" | "arp");
        assert!(iin_strs(Some(&v("\"ARP\"")), member));
        assert!(iin_strs(Some(&v("[\"x\", \"Nmap\"]")), member));
        assert!(!iin_strs(None, member));
        let lowered = ["nmap".to_string(), "arp".to_string()];
        assert!(iin_list(Some(&v("[\"x\", \"ARP\"]")), &lowered));
        assert!(!iin_list(Some(&v("\"nmap2\"")), &lowered));
    }

    #[test]
    fn regexes_search_and_globs_match_whole_strings() {
        let re = Regex::new("n(c|cat)$").unwrap();
        assert!(matches(Some(&v("\"/bin/ncat\"")), &re));
        assert!(matches(Some(&v("[\"-e\", \"nc\"]")), &re));
        assert!(!matches(Some(&v("[\"netcat\", 1]")), &re));
        let pattern = Regex::new(r"(?s)^/tmp/.*\.sh$").unwrap();
        assert!(glob(Some(&v("\"/tmp/a/b.sh\"")), &pattern));
        assert!(!glob(Some(&v("\"/var/tmp/b.sh\"")), &pattern));
    }

    #[test]
    fn numeric_comparisons_need_numbers() {
        let gt = |v: Option<&Value>, n| compare(v, n, Ordering::is_gt);
        assert!(gt(Some(&v("2")), Number::Float(1.5)));
        assert!(!gt(Some(&v("\"2\"")), Number::Int(1)));
        assert!(!gt(None, Number::Int(1)));
        assert!(compare(Some(&v("1.0")), Number::Int(1), Ordering::is_ge));
        assert!(!compare(Some(&v("1.0")), Number::Int(1), Ordering::is_lt));
    }

    #[test]
    fn cidrs_hold_addresses_of_their_family() {
        let nets = [Cidr::V4 { network: 0x0a00_0000, prefix: 8 }, Cidr::V6 { network: 0xfd00 << 112, prefix: 8 }];
        assert!(in_cidr(Some(&v("\"10.1.2.3\"")), &nets));
        assert!(in_cidr(Some(&v("\"fd12::1\"")), &nets));
        assert!(in_cidr(Some(&v("[\"1.1.1.1\", \"10.0.0.1\"]")), &nets));
        assert!(!in_cidr(Some(&v("\"11.0.0.1\"")), &nets));
        assert!(!in_cidr(Some(&v("\"10.0.0.1:22\"")), &nets));
        assert!(!in_cidr(Some(&v("\"::ffff:10.0.0.1\"")), &nets));
        assert!(Cidr::V4 { network: 0, prefix: 0 }.contains("8.8.8.8".parse().unwrap()));
    }

    #[test]
    fn fields_and_times_compare_across_the_event() {
        assert!(eq_values(Some(&v("1")), Some(&v("1.0"))));
        assert!(!eq_values(None, None));
        let start = v("\"2024-01-01T00:00:00Z\"");
        let end = v("\"2024-01-01T12:00:01Z\"");
        assert!(time_vs_field(Some(&end), Some(&start), 12 * 3600, Ordering::is_gt));
        assert!(!time_vs_field(Some(&end), Some(&start), 12 * 3600 + 1, Ordering::is_gt));
        assert!(!time_vs_field(Some(&end), Some(&v("\"soon\"")), 0, Ordering::is_gt));
        assert!(time_vs_instant(Some(&start), 1_704_067_201, 0, Ordering::is_lt));
    }

    #[test]
    fn quantifiers_and_one_of() {
        let list = v("[1, 2, 3]");
        let big = |x: &Value| matches!(x, Value::Number(n) if n.as_f64() > 1.5);
        assert!(each(Some(&list), Quantifier::Any, big));
        assert!(!each(Some(&list), Quantifier::All, big));
        assert!(!each(Some(&list), Quantifier::One, big));
        assert!(!each(Some(&list), Quantifier::None, big));
        assert!(each(Some(&v("[]")), Quantifier::All, big));
        assert!(!each(None, Quantifier::All, big));
        assert!(!each(Some(&v("5")), Quantifier::All, big));
        assert!(each(None, Quantifier::None, big));
        assert!(!each(Some(&v("5")), Quantifier::Any, big));
        assert!(exactly_one(&[false, true, false]));
        assert!(!exactly_one(&[true, true]));
    }

    #[test]
    fn ip_kinds_follow_pythons_ipaddress() {
        let is = |json: &str, test: fn(IpAddr) -> bool| ip_is(Some(&v(json)), test);
        assert!(is("\"10.1.2.3\"", |ip| ip.is_ipv4()));
        assert!(is("\"fe80::1\"", |ip| ip.is_ipv6()));
        assert!(!is("\"10.1.2.3:22\"", |_| true));
        assert!(!is("[\"10.1.2.3\"]", |_| true));
        for private in ["\"10.0.0.1\"", "\"192.168.1.1\"", "\"127.0.0.1\"", "\"fd00::1\"", "\"::1\""] {
            assert!(is(private, is_private_ip) && !is(private, is_public_ip), "{private}");
        }
        for public in ["\"8.8.8.8\"", "\"2606:4700::1111\""] {
            assert!(is(public, is_public_ip) && !is(public, is_private_ip), "{public}");
        }
        assert!(!is("\"100.64.0.1\"", is_public_ip) && !is("\"100.64.0.1\"", is_private_ip));
        assert!(is("\"::ffff:8.8.8.8\"", is_public_ip) && is("\"::ffff:10.0.0.1\"", is_private_ip));
    }

    #[test]
    fn cidr_values_contain_every_address() {
        let ips: [IpAddr; 2] = ["10.1.0.1".parse().unwrap(), "10.200.0.1".parse().unwrap()];
        assert!(cidr_contains(Some(&v("\"10.0.0.0/8\"")), &ips));
        assert!(!cidr_contains(Some(&v("\"10.0.0.0/9\"")), &ips));
        assert!(cidr_contains(Some(&v("\"10.1.2.3/8\"")), &ips[..1]), "host bits in events are ignored");
        assert!(!cidr_contains(Some(&v("\"10.0.0.1\"")), &ips));
        assert!(!cidr_contains(None, &ips));
    }
}

//! Operand checks done when a rule is compiled, so that nothing can fail at run time: regular
//! expressions, shell patterns, CIDRs, times and durations.

use std::net::IpAddr;

use crate::ir::{Literal, Op, OperandKind};

/// A network in CIDR notation, checked: the address has no bits set past the prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    pub network: IpAddr,
    pub prefix: u8,
}

/// Checks a literal operand of `op` when the rule compiles; the message starts with the operator.
pub fn literal_operand(op: Op, literal: &Literal) -> Result<(), String> {
    let fail = |message: String| format!("`{}` {message}", op.name());
    let strings = |items: &[Literal]| items.iter().all(|i| matches!(i, Literal::String(_)));
    let kind = op.operand_kind();
    let each_string = |items: &[Literal], check: fn(&str) -> Result<(), String>| {
        items.iter().try_for_each(|item| match item {
            Literal::String(text) => check(text),
            _ => unreachable!("checked to be strings"),
        })
    };
    match (kind, literal) {
        (OperandKind::Any, _)
        | (OperandKind::String, Literal::String(_))
        | (OperandKind::Number, Literal::Number(_)) => Ok(()),
        (OperandKind::List, Literal::List(items)) if !items.iter().any(|i| matches!(i, Literal::List(_))) => Ok(()),
        (OperandKind::Strings, Literal::List(items)) if strings(items) => Ok(()),
        (OperandKind::Scalar, l) if !matches!(l, Literal::List(_)) => Ok(()),
        (OperandKind::Regex, Literal::String(pattern)) => regex(pattern).map_err(fail),
        (OperandKind::Glob, Literal::String(pattern)) => glob(pattern).map(drop).map_err(fail),
        (OperandKind::Time, Literal::String(text)) => time(text).map(drop).map_err(fail),
        (OperandKind::Cidrs, Literal::String(text)) => cidr(text).map(drop).map_err(fail),
        (OperandKind::Cidrs, Literal::List(items)) if !items.is_empty() && strings(items) => {
            each_string(items, |t| cidr(t).map(drop)).map_err(fail)
        }
        (OperandKind::Ips, Literal::String(text)) => ip(text).map(drop).map_err(fail),
        (OperandKind::Ips, Literal::List(items)) if !items.is_empty() && strings(items) => {
            each_string(items, |t| ip(t).map(drop)).map_err(fail)
        }
        _ => {
            let wanted = match kind {
                OperandKind::String | OperandKind::Regex | OperandKind::Glob => "a string, e.g. `\"/tmp/\"`",
                OperandKind::List => "a list of strings, numbers, booleans or null, e.g. `[\"nmap\", \"arp\"]`",
                OperandKind::Strings => "a list of strings, e.g. `[\"nmap\", \"arp\"]`",
                OperandKind::Number => "a number, e.g. `0` or `1.5`",
                OperandKind::Cidrs => "a CIDR or a list of CIDRs, e.g. `\"10.0.0.0/8\"`",
                OperandKind::Ips => "an IP address or a list of them, e.g. `\"10.1.2.3\"`",
                OperandKind::Time => "a key path with an optional offset (`time + 12h`) or an RFC 3339 time",
                _ => "a string, number, boolean or null",
            };
            Err(fail(format!("takes {wanted}, found `{literal}`")))
        }
    }
}

/// Parses an IP address.
pub fn ip(text: &str) -> Result<IpAddr, String> {
    text.parse().map_err(|_| format!("`{text}` is not an IP address"))
}

/// Checks a regular expression (Rust `regex` syntax).
pub fn regex(pattern: &str) -> Result<(), String> {
    regex::Regex::new(pattern).map(drop).map_err(|e| format!("bad regular expression: {e}"))
}

/// The regular expression a shell pattern stands for, with Python `fnmatch` semantics (what a
/// Panther Python rule would use): `*` any characters (newlines and `/` too), `?` one character,
/// `[abc]` and `[!abc]` sets; everything else, backslashes and braces included, is literal.
pub fn glob(pattern: &str) -> Result<String, String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut regex = String::from("(?s)^");
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '*' => regex.push_str(".*"),
            '?' => regex.push('.'),
            '[' => match class_end(&chars, i) {
                Some(end) => {
                    regex.push('[');
                    let mut j = i + 1;
                    if chars[j] == '!' {
                        regex.push('^');
                        j += 1;
                    }
                    for &c in &chars[j..end] {
                        if matches!(c, '\\' | '[' | ']' | '^' | '&' | '~') {
                            regex.push('\\');
                        }
                        regex.push(c);
                    }
                    regex.push(']');
                    i = end;
                }
                None => regex.push_str(r"\["),
            },
            c => regex.push_str(&regex::escape(&c.to_string())),
        }
        i += 1;
    }
    regex.push('$');
    regex::Regex::new(&regex).map(|_| regex).map_err(|e| format!("bad glob pattern: {e}"))
}

/// The index of the `]` closing the set opened at `open`; a `]` right after `[` or `[!` is a
/// member, as in `fnmatch`.
fn class_end(chars: &[char], open: usize) -> Option<usize> {
    let mut j = open + 1;
    if chars.get(j) == Some(&'!') {
        j += 1;
    }
    if chars.get(j) == Some(&']') {
        j += 1;
    }
    (j..chars.len()).find(|&k| chars[k] == ']')
}

/// Parses `10.0.0.0/8` or `fd00::/8`.
pub fn cidr(text: &str) -> Result<Cidr, String> {
    let (address, prefix) =
        text.split_once('/').ok_or_else(|| format!("`{text}` is not a CIDR: write `10.0.0.0/8`"))?;
    let network: IpAddr = address.parse().map_err(|_| format!("`{address}` is not an IP address"))?;
    let max = if network.is_ipv4() { 32 } else { 128 };
    let prefix: u8 = prefix
        .parse()
        .ok()
        .filter(|p| *p <= max)
        .ok_or_else(|| format!("`/{prefix}` is not a prefix length for this address (0 to {max})"))?;
    let bits = address_bits(network);
    let host_mask = if prefix == 0 { u128::MAX } else { (1u128 << (u32::from(max - prefix))) - 1 };
    if bits & host_mask != 0 {
        let clean = from_bits(network, bits & !host_mask);
        return Err(format!("`{text}` has host bits set; did you mean `{clean}/{prefix}`?"));
    }
    Ok(Cidr { network, prefix })
}

fn address_bits(address: IpAddr) -> u128 {
    match address {
        IpAddr::V4(v4) => u128::from(u32::from(v4)),
        IpAddr::V6(v6) => u128::from(v6),
    }
}

fn from_bits(like: IpAddr, bits: u128) -> IpAddr {
    match like {
        IpAddr::V4(_) => IpAddr::V4(u32::try_from(bits).expect("an IPv4 address has 32 bits").into()),
        IpAddr::V6(_) => IpAddr::V6(bits.into()),
    }
}

/// Parses a time literal, RFC 3339 with an offset (`2024-01-01T00:00:00Z`), into Unix seconds
/// and nanoseconds.
pub fn time(text: &str) -> Result<(i64, i32), String> {
    text.parse::<jiff::Timestamp>()
        .map(|t| (t.as_second(), t.subsec_nanosecond()))
        .map_err(|e| format!("`{text}` is not an RFC 3339 time such as `2024-01-01T00:00:00Z`: {e}"))
}

/// Parses a duration such as `12h`, `90m`, `1h30m` or `45s` into seconds.
pub fn duration(text: &str) -> Result<i64, String> {
    let parsed: jiff::SignedDuration =
        text.parse().map_err(|_| format!("`{text}` is not a duration: write e.g. `12h`, `90m`, `1h30m` or `45s`"))?;
    if parsed.subsec_nanos() != 0 || parsed.is_negative() {
        return Err(format!("`{text}` is not a whole, positive number of seconds; put the sign before it: `- 5m`"));
    }
    Ok(parsed.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidrs_are_checked_for_family_prefix_and_host_bits() {
        assert_eq!(cidr("10.0.0.0/8").unwrap().prefix, 8);
        assert_eq!(cidr("fd00::/8").unwrap().network, "fd00::".parse::<IpAddr>().unwrap());
        assert_eq!(cidr("0.0.0.0/0").unwrap().prefix, 0);
        assert_eq!(cidr("10.1.2.3/8").unwrap_err(), "`10.1.2.3/8` has host bits set; did you mean `10.0.0.0/8`?");
        assert!(cidr("10.0.0.0/33").unwrap_err().contains("0 to 32"));
        assert!(cidr("10.0.0.0").unwrap_err().contains("not a CIDR"));
        assert!(cidr("nope/8").unwrap_err().contains("not an IP address"));
    }

    #[test]
    fn patterns_times_and_durations_are_checked() {
        assert!(regex("^nc(at)?$").is_ok());
        assert!(regex("(unclosed").unwrap_err().starts_with("bad regular expression"));
        assert_eq!(glob("/tmp/*.sh").unwrap(), r"(?s)^/tmp/.*\.sh$");
        assert_eq!(glob("caf[!éè]?").unwrap(), r"(?s)^caf[^éè].$");
        assert_eq!(glob("[unclosed").unwrap(), r"(?s)^\[unclosed$");
        assert_eq!(glob(r"C:\Win{a,b}[]x]").unwrap(), r"(?s)^C:\\Win\{a,b\}[\]x]$");
        assert_eq!(time("2024-01-01T00:00:00.5Z"), Ok((1_704_067_200, 500_000_000)));
        assert!(time("2024-01-01").is_err());
        assert_eq!(duration("12h"), Ok(43_200));
        assert_eq!(duration("1h30m"), Ok(5_400));
        assert!(duration("1.5s").is_err());
        assert!(duration("12").is_err());
    }
}

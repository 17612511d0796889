//! Event times: RFC 3339, Panther's `2023-09-18 00:00:00[.fff]` (UTC), and epoch numbers.

use jiff::Timestamp;
use jiff::civil::DateTime;

use crate::value::{Number, Value};

/// Epoch values above this are milliseconds, below it seconds (1e11 s is the year 5138).
const MILLIS_THRESHOLD: f64 = 1e11;

/// The time a value names, if it names one.
pub fn parse(value: &Value) -> Option<Timestamp> {
    match value {
        Value::String(text) => parse_text(text),
        // Whole numbers exactly (a float would lose the last millisecond of 1704067200123).
        Value::Number(Number::Int(i)) => from_epoch_integer(i128::from(*i)),
        Value::Number(Number::UInt(u)) => from_epoch_integer(i128::from(*u)),
        Value::Number(n) => {
            let x = n.as_f64();
            let seconds = if x.abs() >= MILLIS_THRESHOLD { x / 1000.0 } else { x };
            Timestamp::from_duration(jiff::SignedDuration::try_from_secs_f64(seconds).ok()?).ok()
        }
        _ => None,
    }
}

fn from_epoch_integer(n: i128) -> Option<Timestamp> {
    #[allow(clippy::cast_precision_loss)] // only compared with the threshold
    let millis = (n as f64).abs() >= MILLIS_THRESHOLD;
    if millis {
        Timestamp::from_millisecond(i64::try_from(n).ok()?).ok()
    } else {
        Timestamp::from_second(i64::try_from(n).ok()?).ok()
    }
}

fn parse_text(text: &str) -> Option<Timestamp> {
    if let Ok(ts) = text.parse::<Timestamp>() {
        return Some(ts);
    }
    // Panther's normalised form has no offset and means UTC. A time zone annotation without an
    // offset (`...T00:00:00[Europe/Paris]`) is not that form: it is left unusable, not misread.
    if text.contains('[') {
        return None;
    }
    let civil: DateTime = text.parse().ok()?;
    jiff::tz::Offset::UTC.to_timestamp(civil).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(json: &str) -> Option<String> {
        parse(&serde_json::from_str(json).unwrap()).map(|t| t.to_string())
    }

    #[test]
    fn reads_rfc3339_panther_and_epoch_times() {
        assert_eq!(at(r#""2020-08-17T17:40:37.491Z""#).as_deref(), Some("2020-08-17T17:40:37.491Z"));
        assert_eq!(at(r#""2024-02-23T18:56:50.648137154+02:00""#).as_deref(), Some("2024-02-23T16:56:50.648137154Z"));
        assert_eq!(at(r#""2023-09-18 00:00:00""#).as_deref(), Some("2023-09-18T00:00:00Z"));
        assert_eq!(at(r#""2023-09-18 00:00:00.250""#).as_deref(), Some("2023-09-18T00:00:00.25Z"));
        assert_eq!(at("1600000000").as_deref(), Some("2020-09-13T12:26:40Z"));
        assert_eq!(at("1600000000500").as_deref(), Some("2020-09-13T12:26:40.5Z"));
        assert_eq!(at("1704067200123").as_deref(), Some("2024-01-01T00:00:00.123Z"));
        assert_eq!(at("1704067200001").as_deref(), Some("2024-01-01T00:00:00.001Z"));
        assert_eq!(at("1600000000.25").as_deref(), Some("2020-09-13T12:26:40.25Z"));
        for bad in [r#""yesterday""#, r#""""#, "null", "true", "[]", r#""2020-01-01T00:00:00[Europe/Paris]""#] {
            assert_eq!(at(bad), None, "{bad}");
        }
    }
}

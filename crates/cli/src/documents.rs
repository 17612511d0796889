//! Inputs that are one JSON document rather than JSON lines: an array of events (`[{...}, ...]`),
//! or a CloudTrail-style `{"Records": [...]}`, on one line or pretty-printed over many.

use serde::Deserialize;
use serde_json::value::RawValue;

/// `{"Records": [...]}`; other keys are ignored, as `CloudTrail` adds none that are events.
#[derive(Deserialize)]
struct Records<'a> {
    #[serde(rename = "Records", borrow)]
    records: Vec<&'a RawValue>,
}

/// The events of a `{"Records": [...]}` line, if it is one.
pub fn records_line(line: &str) -> Option<Vec<&RawValue>> {
    if !line.trim_start().starts_with("{\"Records\"") {
        return None;
    }
    serde_json::from_str::<Records>(line).ok().map(|r| r.records)
}

/// Whether an input whose first line is `first` is one document: an array, or an object spread
/// over several lines (its first line is just `{`).
pub fn is_document(first: &str) -> bool {
    let first = first.trim();
    first.starts_with('[') || first == "{"
}

/// The events of a whole document, each with the 1-based line it starts on: the elements of an
/// array or of `Records`, or the document itself when it is any other object.
pub fn events(document: &str) -> Result<Vec<(u64, &str)>, serde_json::Error> {
    let values: Vec<&RawValue> = if document.trim_start().starts_with('[') {
        serde_json::from_str(document)?
    } else {
        match serde_json::from_str::<Records>(document) {
            Ok(records) => records.records,
            Err(_) => vec![serde_json::from_str::<&RawValue>(document)?],
        }
    };
    let base = document.as_ptr() as usize;
    let (mut line, mut counted) = (1, 0);
    Ok(values
        .into_iter()
        .map(|value| {
            let start = value.get().as_ptr() as usize - base;
            line += memchr::memchr_iter(b'\n', &document.as_bytes()[counted..start]).count() as u64;
            counted = start;
            (line, value.get())
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrays_and_records_documents_yield_their_events_with_lines() {
        let array = "[\n  {\"a\": 1},\n  {\"a\": 2}, {\"a\": 3}\n]";
        assert_eq!(events(array).unwrap(), [(2, "{\"a\": 1}"), (3, "{\"a\": 2}"), (3, "{\"a\": 3}")]);
        let records = "{\n  \"Records\": [\n    {\"b\": 1},\n    {\"b\": 2}\n  ]\n}";
        assert_eq!(events(records).unwrap(), [(3, "{\"b\": 1}"), (4, "{\"b\": 2}")]);
        let single = "{\n  \"c\": 1\n}";
        assert_eq!(events(single).unwrap(), [(1, single)]);
        assert_eq!(events("[1, {").unwrap_err().line(), 1);
    }

    #[test]
    fn records_lines_and_document_starts_are_recognised() {
        assert_eq!(records_line(r#"{"Records": [{"x": 1}]}"#).unwrap().len(), 1);
        assert!(records_line(r#"{"event": "x"}"#).is_none());
        assert!(is_document("[") && is_document("  {  ") && is_document("[{\"a\":1}]"));
        assert!(!is_document("{\"a\": 1}"));
    }
}

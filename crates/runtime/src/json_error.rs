//! `serde_json` errors for one-line documents: the message without "at line 1 column 40".

/// The error's message with no position.
pub fn bare(error: &serde_json::Error) -> String {
    let message = error.to_string();
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    message.strip_suffix(&suffix).map_or_else(|| message.clone(), str::to_string)
}

//! `serde_json` errors for one-line documents: "at line 1 column 40" says less than "at column 40".

/// The error's message with no position, for errors inside one value rather than the line.
pub fn bare(error: &serde_json::Error) -> String {
    let message = error.to_string();
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    message.strip_suffix(&suffix).map_or_else(|| message.clone(), str::to_string)
}

/// The error's message, with its position as a column only.
pub fn without_position(error: &serde_json::Error) -> String {
    match error.column() {
        0 => bare(error),
        column => format!("{} at column {column}", bare(error)),
    }
}

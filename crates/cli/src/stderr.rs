//! Messages to stderr that never panic: a closed stderr (`2>&1 | head`) must not end a scan.

use std::fmt;
use std::io::Write;

/// Writes `vigil: <message>` and a newline to stderr, ignoring failures.
pub fn say(message: fmt::Arguments) {
    let _ = writeln!(std::io::stderr().lock(), "vigil: {message}");
}

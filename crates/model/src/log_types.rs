//! The log types vigil knows: their names and where each keeps its event time.

/// A log family whose events rules can be written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogType {
    /// Panther's name, as written in `LogTypes:`.
    pub name: &'static str,
    /// The top-level key holding the event time.
    pub time_field: &'static str,
    /// Top-level keys every event of this type has (in any case): how events are recognised
    /// when no log type is named.
    pub signature: &'static [&'static str],
}

/// Every supported log type, sorted by name.
pub const LOG_TYPES: &[LogType] =
    &[LogType { name: "Gravitational.TeleportAudit", time_field: "time", signature: &["event", "code"] }];

/// Looks a log type up by its exact name.
pub fn find(name: &str) -> Option<&'static LogType> {
    LOG_TYPES.iter().find(|t| t.name == name)
}

//! vigil's runtime: what generated rule code and the `vigil` CLI call. Events are parsed once
//! per line into an [`Event`] holding only the fields the compiled rules read; matchers are
//! native functions over it; matches become deduplicated [`Alert`]s.

pub mod alert;
pub mod engine;
pub mod event;
mod json_error;
pub mod ops;
pub mod output;
pub mod render;
pub mod rule;
pub mod signal;
mod stream;
pub mod testing;
pub mod time;
pub mod value;
pub mod windows;

pub use alert::Alert;
pub use engine::{Engine, Finished, LineNotes, Stats};
pub use event::{Event, Path, Schema, Seg};
pub use rule::{DynamicSeverity, Field, LogType, Part, Report, Rule, RuleSet, Severity, TestCase};
pub use stream::Sink;
pub use value::{Number, Value};

/// Re-exported for generated code, which compiles `matches` and `glob` patterns once per process.
pub use regex;

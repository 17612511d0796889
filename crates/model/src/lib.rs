//! The rule model of vigil: Panther-format rule files, read, validated and lowered into one
//! condition IR that code generation, analysis and documentation read.
//!
//! Nothing here generates code; this crate is plain data and checks, usable from the proc-macro,
//! the xtask and the CLI alike.

pub mod catalog;
pub mod condition;
pub mod conformance;
mod diagnostic;
pub mod ir;
mod load;
pub mod log_types;
pub mod mitre;
pub mod names;
pub mod path;
mod rule;
pub mod sdl;
mod source_map;
mod spec;
mod suggest;
pub mod template;

pub use diagnostic::Diagnostic;
pub use load::{RuleSet, load_rule, load_rule_files, load_rule_set, rule_files};
pub use rule::{Rule, Severity, TestCase};

//! The condition language (RULES.md section 3): `not (event eq "session.command" and argv is_null)`.

mod parser;

pub use parser::{SyntaxError, parse};

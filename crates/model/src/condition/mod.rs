//! The condition language (RULES.md section 3): `not (event eq "session.command" and argv is_null)`.

mod checks;
mod parser;

pub use checks::{Cidr, cidr, glob, ip, literal_operand, time};

pub use parser::{SyntaxError, parse};

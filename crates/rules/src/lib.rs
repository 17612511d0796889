//! The rule set bundled with vigil: every rule file under `rules/`, compiled to native code.
//! `cargo test -p vigil-rules` runs every rule's own test cases.

mod generated;

pub use generated::RULE_SET;

//! The rule set bundled with vigil: every rule file under `rules/`, compiled to native code.
//! `cargo test -p vigil-rules` runs every rule's own test cases, as
//! `rule_tests::<rule id in snake case>::<case name in snake case>`.

include!("generated.rs");

//! Makes cargo rebuild the rule set when a file under `rules/` is added, removed or changed, so
//! that a rule file missing from `src/generated.rs` is reported (by the `rule_set!` macro, which
//! then asks for `cargo xtask gen`) instead of being silently left out.

fn main() {
    println!("cargo::rerun-if-changed=../../rules");
}

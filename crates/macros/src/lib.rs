//! `rule_set!`: compiles rule YAML files into a native rule set. All work is in `vigil-codegen`.

use std::path::PathBuf;

/// `rule_set! { root = "../../rules", files = ["teleport/network_scanning.yml", ...] }`
///
/// `root` is relative to the calling crate's `Cargo.toml`; `files` is kept by `cargo xtask gen`.
/// Expands to `pub static RULE_SET`, the matchers, and one `#[test]` per rule test case.
#[proc_macro]
pub fn rule_set(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    vigil_codegen::expand(&manifest_dir, input.into()).into()
}

/// `conformance_suite! { root = "../../tests/conformance" }`: compiles the conformance tables
/// into matchers, `ENTRIES`, coverage counts and one `#[test]` per entry.
#[proc_macro]
pub fn conformance_suite(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    vigil_codegen::conformance::expand(&manifest_dir, input.into()).into()
}

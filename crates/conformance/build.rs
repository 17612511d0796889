//! Rebuilds the suite when a table under `tests/conformance/` is added, removed or changed.

fn main() {
    println!("cargo::rerun-if-changed=../../tests/conformance");
}

//! The rule catalog: per-rule analysis from the IR and the Markdown page built from it, shared by
//! `cargo xtask gen` (which writes `docs/rules/`) and the code generator (which compiles each page
//! into the binary for `vigil show --catalog`), so both always say the same.

mod analysis;
mod page;

pub use analysis::{Analysis, Indicator, Row, analyse, condition_lines};
pub use page::{MARKDOWN_HEADER, attack_pairs, cell, page, tactic_label, technique_label};

/// The family of a rule file: its directory under `rules/` (`teleport` for
/// `rules/teleport/network_scanning.yml`, or for `teleport/network_scanning.yml`).
pub fn family(file: &str) -> &str {
    let parts: Vec<&str> = file.split('/').collect();
    let at = parts.iter().position(|p| *p == "rules").map_or(0, |i| i + 1);
    if parts.len() > at + 1 { parts[at] } else { "other" }
}

#[cfg(test)]
mod tests;

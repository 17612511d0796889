//! Conformance tables: `(condition, events, expected)` entries that pin the semantics of every
//! operator and Simple Detection condition. The code generator compiles each entry's condition
//! (and its optional `detection:` twin) into native matchers, so the suite tests generated code.
//!
//! ```yaml
//! - condition: 'program eq "nmap"'
//!   detection: [{KeyPath: program, Condition: Equals, Value: nmap}]
//!   match: [{program: nmap}]
//!   no_match: [{}, {program: NMAP}, {program: [nmap]}]
//! ```

use std::path::Path;

use serde_yaml::Value;

use crate::diagnostic::Diagnostic;
use crate::ir::Expr;
use crate::source_map::{SourceMap, Step};
use crate::{condition, rule_files, sdl};

/// One entry of a conformance table.
#[derive(Debug, Clone)]
pub struct Entry {
    /// `tests/conformance/eq.yml:12`, for messages.
    pub at: String,
    pub condition_text: String,
    pub condition: Expr,
    /// The same logic as a Simple Detection, which must agree with `condition` on every event.
    pub detection: Option<Expr>,
    /// The Simple Detection condition names the twin uses.
    pub sdl_names: Vec<String>,
    /// Each event as JSON, and whether the condition matches it.
    pub cases: Vec<(String, bool)>,
}

const KEYS: &[&str] = &["condition", "detection", "match", "no_match"];

/// Loads every `.yml` table under `root`; files are named in messages as `<label>/<file>`.
pub fn load_tables(root: &Path, label: &str) -> Result<Vec<Entry>, Vec<Diagnostic>> {
    let files = rule_files(root).map_err(|e| {
        vec![Diagnostic { file: label.to_string(), line: 1, col: 1, message: format!("cannot list: {e}") }]
    })?;
    let mut entries = Vec::new();
    let mut diagnostics = Vec::new();
    for file in files {
        let shown = format!("{label}/{file}");
        let source = match std::fs::read_to_string(root.join(&file)) {
            Ok(source) => source,
            Err(e) => {
                diagnostics.push(Diagnostic { file: shown, line: 1, col: 1, message: format!("cannot read: {e}") });
                continue;
            }
        };
        load_table(&shown, &source, &mut entries, &mut diagnostics);
    }
    if diagnostics.is_empty() { Ok(entries) } else { Err(diagnostics) }
}

fn load_table(shown: &str, source: &str, entries: &mut Vec<Entry>, diagnostics: &mut Vec<Diagnostic>) {
    let map = SourceMap::new(source);
    let mut report = |at: &[Step], message: String| {
        let pos = map.value(at).unwrap_or(crate::source_map::Pos { line: 1, col: 1 });
        diagnostics.push(Diagnostic { file: shown.to_string(), line: pos.line, col: pos.col, message });
    };
    let items = match serde_yaml::from_str::<Value>(source) {
        Ok(Value::Sequence(items)) => items,
        Ok(_) => return report(&[], "a conformance table is a list of entries".into()),
        Err(e) => return report(&[], format!("not valid YAML: {e}")),
    };
    for (i, item) in items.iter().enumerate() {
        let at = [Step::Index(i)];
        let here = |k: &str| -> Vec<Step> { vec![Step::Index(i), Step::Key(k.to_string())] };
        if let Some(unknown) =
            item.as_mapping().into_iter().flat_map(|m| m.keys()).filter_map(Value::as_str).find(|k| !KEYS.contains(k))
        {
            report(&here(unknown), format!("unknown key `{unknown}`; an entry has {}", KEYS.join(", ")));
            continue;
        }
        let Some(text) = item.get("condition").and_then(Value::as_str) else {
            report(&at, "an entry needs `condition`".into());
            continue;
        };
        let condition = match condition::parse(text) {
            Ok(expr) => expr,
            Err(e) => {
                report(&here("condition"), format!("bad condition: {} (at byte {})", e.message, e.offset));
                continue;
            }
        };
        let (detection, sdl_names) = match item.get("detection") {
            None => (None, Vec::new()),
            Some(value) => match sdl::lower_list(value, &here("detection")) {
                Ok(expr) => (Some(expr), condition_names(value)),
                Err(errors) => {
                    for error in errors {
                        report(&error.at, error.message);
                    }
                    continue;
                }
            },
        };
        let mut cases = Vec::new();
        for (key, expected) in [("match", true), ("no_match", false)] {
            for (j, event) in item.get(key).and_then(Value::as_sequence).into_iter().flatten().enumerate() {
                match serde_json::to_string(event) {
                    Ok(json) if event.is_mapping() => cases.push((json, expected)),
                    _ => {
                        report(
                            &[Step::Index(i), Step::Key(key.into()), Step::Index(j)],
                            "an event is a mapping".into(),
                        );
                    }
                }
            }
        }
        if cases.is_empty() {
            report(&at, "an entry needs events under `match` or `no_match`".into());
            continue;
        }
        let line = map.value(&at).map_or(1, |p| p.line);
        entries.push(Entry {
            at: format!("{shown}:{line}"),
            condition_text: text.to_string(),
            condition,
            detection,
            sdl_names,
            cases,
        });
    }
}

/// Every `Condition:` name used in a Simple Detection, nested ones included.
fn condition_names(value: &Value) -> Vec<String> {
    let mut names = Vec::new();
    let mut stack = vec![value];
    while let Some(value) = stack.pop() {
        match value {
            Value::Sequence(items) => stack.extend(items),
            Value::Mapping(map) => {
                if let Some(name) = map.get("Condition").and_then(Value::as_str) {
                    names.push(name.to_string());
                }
                stack.extend(map.values());
            }
            _ => {}
        }
    }
    names
}

//! Reading rule files: YAML to a `RuleSpec`, then one small check per concern, collecting every
//! problem with its `file:line:col` rather than stopping at the first.

use std::collections::BTreeMap;
use std::path::Path;

use crate::diagnostic::Diagnostic;
use crate::rule::Rule;
use crate::source_map::{Pos, SourceMap, Step};

/// Every rule of a rule set, sorted by file.
#[derive(Debug, Clone)]
pub struct RuleSet {
    pub rules: Vec<Rule>,
    /// Each rule file's text, in the order of `rules` (the catalog shows it as the rule body).
    pub sources: Vec<String>,
}

/// The rule files under `root` (`.yml` and `.yaml`, hidden entries skipped), relative to it with
/// `/` separators, sorted.
pub fn rule_files(root: &Path) -> std::io::Result<Vec<String>> {
    let mut files = Vec::new();
    let walker = walkdir::WalkDir::new(root)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = entry.map_err(std::io::Error::other)?;
        let is_rule = entry.path().extension().is_some_and(|x| x == "yml" || x == "yaml");
        if entry.file_type().is_file() && is_rule {
            let relative = entry.path().strip_prefix(root).expect("walkdir yields paths under root");
            let parts: Vec<_> = relative.components().map(|c| c.as_os_str().to_string_lossy()).collect();
            files.push(parts.join("/"));
        }
    }
    files.sort();
    Ok(files)
}

/// Loads the listed rule files under `root`. Diagnostics and rules name files as
/// `<label>/<file>`, e.g. `rules/teleport/network_scanning.yml`.
pub fn load_rule_set(root: &Path, label: &str, files: &[String]) -> Result<RuleSet, Vec<Diagnostic>> {
    let paths: Vec<(String, std::path::PathBuf)> =
        files.iter().map(|file| (format!("{label}/{file}"), root.join(file))).collect();
    load_rule_files(&paths)
}

/// Loads rule files as one rule set (their `RuleID`s must differ): each is the name to show and
/// the path to read. Every problem of every file is reported, in file order.
pub fn load_rule_files(files: &[(String, std::path::PathBuf)]) -> Result<RuleSet, Vec<Diagnostic>> {
    let mut rules = Vec::new();
    let mut sources = Vec::new();
    let mut diagnostics = Vec::new();
    for (shown, path) in files {
        match std::fs::read_to_string(path) {
            Ok(source) => {
                let (rule, mut errors, id_pos) = check_rule(shown, &source);
                diagnostics.append(&mut errors);
                if let Some(rule) = rule {
                    rules.push((shown.clone(), rule, id_pos));
                    sources.push(source);
                }
            }
            Err(e) => {
                let message = format!("cannot read: {e}");
                diagnostics.push(Diagnostic { file: shown.clone(), line: 1, col: 1, message });
            }
        }
    }
    check_unique_ids(&rules, &mut diagnostics);
    if diagnostics.is_empty() {
        Ok(RuleSet { rules: rules.into_iter().map(|(_, r, _)| r).collect(), sources })
    } else {
        Err(diagnostics)
    }
}

fn check_unique_ids(rules: &[(String, Rule, Pos)], diagnostics: &mut Vec<Diagnostic>) {
    let mut first_by_id: BTreeMap<&str, &str> = BTreeMap::new();
    for (shown, rule, id_pos) in rules {
        if let Some(first) = first_by_id.insert(&rule.id, shown) {
            diagnostics.push(Diagnostic {
                file: shown.clone(),
                line: id_pos.line,
                col: id_pos.col,
                message: format!("RuleID `{}` is already used by {first}; every rule needs its own RuleID", rule.id),
            });
            first_by_id.insert(&rule.id, first);
        }
    }
}

/// Loads one rule from its YAML `source`; `shown` names the file in the rule and in diagnostics.
pub fn load_rule(shown: &str, source: &str) -> Result<Rule, Vec<Diagnostic>> {
    match check_rule(shown, source) {
        (Some(rule), errors, _) if errors.is_empty() => Ok(rule),
        (_, errors, _) => Err(errors),
    }
}

/// The rule as far as it could be read (`None` when the YAML does not parse), every problem
/// found in it, and where its `RuleID` stands.
fn check_rule(shown: &str, source: &str) -> (Option<Rule>, Vec<Diagnostic>, Pos) {
    // Editors on Windows may start a file with a byte-order mark; it is not part of the YAML.
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    let document: serde_yaml::Value = match serde_yaml::from_str(source) {
        Ok(document) => document,
        Err(e) => return (None, vec![yaml_diagnostic(shown, &e)], Pos { line: 1, col: 1 }),
    };
    let mut checker =
        Checker { file: shown, map: SourceMap::new(source), diagnostics: Vec::new(), mistyped: Vec::new() };
    let id_pos = checker.map.value(&[key("RuleID")]).unwrap_or(Pos { line: 1, col: 1 });
    let rule = checker.spec(document).map(|spec| checker.rule(spec));
    // Reported in the order of the file, whatever order the checks ran in.
    let mut diagnostics = checker.diagnostics;
    diagnostics.sort_by_key(|d| (d.line, d.col));
    (rule, diagnostics, id_pos)
}

/// A YAML syntax error as a diagnostic.
fn yaml_diagnostic(shown: &str, error: &serde_yaml::Error) -> Diagnostic {
    let (line, col) = error.location().map_or((1, 1), |l| (l.line(), l.column()));
    let mut message = error.to_string();
    if let Some(at) = message.find(&format!(" at line {line} column {col}")) {
        message.replace_range(at..at + format!(" at line {line} column {col}").len(), "");
    }
    Diagnostic { file: shown.to_string(), line, col, message: format!("not valid YAML: {message}") }
}

struct Checker<'a> {
    file: &'a str,
    map: SourceMap,
    diagnostics: Vec<Diagnostic>,
    /// Top-level keys that were present but reported as mistyped, so that they are not also
    /// reported as missing.
    mistyped: Vec<String>,
}

fn key(k: &str) -> Step {
    Step::Key(k.to_string())
}

impl Checker<'_> {
    fn report(&mut self, pos: Option<Pos>, message: String) {
        let pos = pos.unwrap_or(Pos { line: 1, col: 1 });
        self.diagnostics.push(Diagnostic { file: self.file.to_string(), line: pos.line, col: pos.col, message });
    }

    fn at_key(&mut self, path: &[Step], message: String) {
        let pos = self.map.key(path);
        self.report(pos, message);
    }

    fn at_value(&mut self, path: &[Step], message: String) {
        let pos = self.map.value(path);
        self.report(pos, message);
    }

    /// Reports a problem at byte `offset` of the string value at `path`.
    fn inside(&mut self, path: &[Step], text: &str, offset: usize, message: String) {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let chars = text[..offset].chars().count();
        let pos = self.map.inside(path, chars);
        self.report(pos, message);
    }
}

mod document;
mod rule_checks;
mod test_cases;

#[cfg(test)]
mod tests;

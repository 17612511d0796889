//! `docs/rules/`: one page per rule, the index by log type, severity and tactic, and the ATT&CK
//! coverage matrix in Markdown and as an ATT&CK Navigator layer.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::json;
use vigil_model::catalog::{self, MARKDOWN_HEADER, cell, tactic_label, technique_label};
use vigil_model::{Rule, Severity, mitre};

use crate::generate::Files;

/// A loaded rule with its file's text and catalog page.
pub struct Entry<'a> {
    pub rule: &'a Rule,
    pub page: String,
}

impl Entry<'_> {
    /// `teleport/Teleport.NetworkScanning`: where its page is, under `docs/rules/` (`.md`) and
    /// `docs/site/rules/` (`.html`).
    pub fn stem(&self) -> String {
        format!("{}/{}", catalog::family(&self.rule.file), self.rule.id)
    }
}

pub fn entries<'a>(rules: &'a [Rule], sources: &[String]) -> Vec<Entry<'a>> {
    rules
        .iter()
        .zip(sources)
        .map(|(rule, source)| Entry { rule, page: catalog::page(rule, &catalog::analyse(rule, rules), source) })
        .collect()
}

/// How many rules the bundled rule set has (what the site lists).
#[cfg(test)]
pub fn entries_count() -> usize {
    let rules = crate::generate::workspace_root().join("rules");
    vigil_model::rule_files(&rules).expect("rules/ lists").len()
}

pub fn files(entries: &[Entry], out: &mut Files) {
    for entry in entries {
        out.push((format!("docs/rules/{}.md", entry.stem()), entry.page.clone()));
    }
    out.push(("docs/rules/README.md".into(), index(entries)));
    out.push(("docs/rules/attack-matrix.md".into(), matrix(entries)));
    out.push(("docs/rules/attack-navigator.json".into(), navigator(entries)));
}

fn line(w: &mut String, text: &str) {
    let _ = writeln!(w, "{text}");
}

/// Techniques by tactic, each with the rules that cover it, in matrix order.
fn coverage<'a>(entries: &'a [Entry]) -> BTreeMap<usize, BTreeMap<&'a str, Vec<&'a str>>> {
    let mut by_tactic: BTreeMap<usize, BTreeMap<&str, Vec<&str>>> = BTreeMap::new();
    for entry in entries {
        for (tactic, technique) in catalog::attack_pairs(entry.rule) {
            let column = mitre::tactics().iter().position(|t| t.id == tactic).unwrap_or(usize::MAX);
            let rules = by_tactic.entry(column).or_default().entry(technique).or_default();
            if !rules.contains(&entry.rule.id.as_str()) {
                rules.push(&entry.rule.id);
            }
        }
    }
    by_tactic
}

fn counted<K: Ord>(items: impl Iterator<Item = K>) -> BTreeMap<K, usize> {
    let mut counts = BTreeMap::new();
    for item in items {
        *counts.entry(item).or_default() += 1;
    }
    counts
}

fn index(entries: &[Entry]) -> String {
    let mut w = String::new();
    let enabled = entries.iter().filter(|e| e.rule.enabled).count();
    line(&mut w, MARKDOWN_HEADER);
    line(&mut w, "\n# vigil rule catalog\n");
    line(
        &mut w,
        &format!(
            "{} rules ({enabled} enabled), generated from `rules/` by `cargo xtask gen`. Also as a searchable web page \
             ([`docs/site/index.html`](../site/index.html)), an [ATT&CK coverage matrix](attack-matrix.md) and an \
             [ATT&CK Navigator layer](attack-navigator.json). `vigil show RULE_ID --catalog` prints any page.\n",
            entries.len()
        ),
    );
    line(&mut w, "## By log type\n\n| Log type | Rules |\n|---|---|");
    for (log_type, n) in counted(entries.iter().flat_map(|e| e.rule.log_types.iter())) {
        line(&mut w, &format!("| {} | {n} |", cell(log_type)));
    }
    line(&mut w, "\n## By severity\n\n| Severity | Rules |\n|---|---|");
    let severities = counted(entries.iter().map(|e| e.rule.severity));
    for severity in Severity::ALL.iter().rev() {
        line(&mut w, &format!("| {} | {} |", severity.name(), severities.get(severity).copied().unwrap_or(0)));
    }
    line(&mut w, "\n## By tactic\n\n| Tactic | Rules |\n|---|---|");
    for tactic in mitre::tactics() {
        let n = entries.iter().filter(|e| catalog::attack_pairs(e.rule).iter().any(|(t, _)| *t == tactic.id)).count();
        line(&mut w, &format!("| {} | {n} |", cell(&tactic_label(tactic.id))));
    }
    line(&mut w, "\n## Rules\n\n| Rule | Name | Severity | Log types | ATT&CK |\n|---|---|---|---|---|");
    for entry in entries {
        let rule = entry.rule;
        let attack: Vec<String> = catalog::attack_pairs(rule).iter().map(|(t, tech)| format!("{t}:{tech}")).collect();
        let mut name = cell(rule.display_name.as_deref().unwrap_or(&rule.id));
        if !rule.create_alert {
            name.push_str(" (signal)");
        }
        if !rule.enabled {
            name.push_str(" (disabled)");
        }
        line(
            &mut w,
            &format!(
                "| [`{}`]({}.md) | {name} | {} | {} | {} |",
                rule.id,
                entry.stem(),
                rule.severity.name(),
                cell(&rule.log_types.join(", ")),
                attack.join(", ")
            ),
        );
    }
    w
}

fn matrix(entries: &[Entry]) -> String {
    let coverage = coverage(entries);
    let mut w = String::new();
    line(&mut w, MARKDOWN_HEADER);
    line(&mut w, "\n# ATT&CK coverage\n");
    line(
        &mut w,
        "Tactics as columns (in ATT&CK's order), each covered technique with the rules that map to it. \
         Names from `crates/model/data/mitre_attack.tsv`.\n",
    );
    let tactics = mitre::tactics();
    line(&mut w, &format!("| {} |", tactics.iter().map(|t| cell(&tactic_label(t.id))).collect::<Vec<_>>().join(" | ")));
    line(&mut w, &format!("|{}", "---|".repeat(tactics.len())));
    let depth = (0..tactics.len()).map(|c| coverage.get(&c).map_or(0, BTreeMap::len)).max().unwrap_or(0);
    for row in 0..depth {
        let cells: Vec<String> = (0..tactics.len())
            .map(|column| {
                coverage.get(&column).and_then(|techniques| techniques.iter().nth(row)).map_or_else(
                    String::new,
                    |(technique, rules)| {
                        let rules: Vec<String> = rules.iter().map(|r| format!("`{r}`")).collect();
                        format!("**{}**<br>{}", cell(&technique_label(technique)), rules.join("<br>"))
                    },
                )
            })
            .collect();
        line(&mut w, &format!("| {} |", cells.join(" | ")));
    }
    w
}

fn navigator(entries: &[Entry]) -> String {
    let coverage = coverage(entries);
    let mut techniques = Vec::new();
    let mut most = 1;
    for (column, by_technique) in &coverage {
        let Some(tactic) = mitre::tactics().get(*column) else { continue };
        for (technique, rules) in by_technique.iter().filter(|(t, _)| !t.is_empty()) {
            most = most.max(rules.len());
            techniques.push(json!({
                "techniqueID": technique,
                "tactic": tactic.shortname,
                "score": rules.len(),
                "comment": rules.join(", "),
                "enabled": true,
                "showSubtechniques": technique.contains('.'),
            }));
        }
    }
    let layer = json!({
        "name": "vigil rules",
        "versions": {"attack": "15", "navigator": "5.0.0", "layer": "4.5"},
        "domain": "enterprise-attack",
        "description": "Techniques covered by vigil's rules; the score is the number of rules. Generated by `cargo xtask gen`, do not edit.",
        "techniques": techniques,
        "gradient": {"colors": ["#ffe766", "#8ec843"], "minValue": 0, "maxValue": most},
        "legendItems": [],
        "sorting": 3,
        "hideDisabled": false,
    });
    let mut text = serde_json::to_string_pretty(&layer).expect("a layer serialises");
    text.push('\n');
    text
}

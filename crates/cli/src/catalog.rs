//! `vigil list` and `vigil show`: what the compiled rule set holds.

use std::io::{self, Write};

use vigil_runtime::Rule;

use crate::args::{ListArgs, ShowArgs};

/// Whether a rule passes `list`'s filters.
fn selected(rule: &Rule, args: &ListArgs) -> bool {
    let contains = |haystack: &[&str], needle: &Option<String>| {
        needle.as_ref().is_none_or(|n| haystack.iter().any(|h| h.eq_ignore_ascii_case(n)))
    };
    let attack = |wanted: &str| {
        rule.reports.iter().flat_map(|r| r.ids.iter()).any(|id| {
            let (tactic, technique) = id.split_once(':').unwrap_or((id, ""));
            let parent = technique.split('.').next().unwrap_or(technique);
            let pair = format!("{tactic}:{parent}");
            [*id, tactic, technique, parent, &pair].iter().any(|part| part.eq_ignore_ascii_case(wanted))
        })
    };
    contains(rule.log_types, &args.log_type)
        && contains(rule.tags, &args.tag)
        && args.mitre.as_deref().is_none_or(attack)
        && args.severity.is_none_or(|s| rule.severity == s.severity())
}

pub fn list(args: &ListArgs) -> anyhow::Result<()> {
    if let Some(name) = &args.log_type {
        if vigil_rules::RULE_SET.log_type(name).is_none() {
            let known: Vec<&str> = vigil_rules::RULE_SET.log_types.iter().map(|t| t.name).collect();
            anyhow::bail!("no rule reads log type `{name}`; log types: {}", known.join(", "));
        }
    }
    let mut out = io::stdout().lock();
    let rules: Vec<&Rule> = vigil_rules::RULE_SET.rules.iter().filter(|r| selected(r, args)).collect();
    if args.json {
        for rule in rules {
            let attack: Vec<&str> = rule.reports.iter().flat_map(|r| r.ids.iter().copied()).collect();
            let line = serde_json::json!({
                "rule_id": rule.id,
                "name": rule.display_name.unwrap_or(rule.id),
                "severity": format!("{:?}", rule.severity),
                "enabled": rule.enabled,
                "log_types": rule.log_types,
                "tags": rule.tags,
                "mitre_attack": attack,
                "file": rule.file,
            });
            writeln!(out, "{line}")?;
        }
        return Ok(());
    }
    let width = |cells: &mut dyn Iterator<Item = usize>, header: &str| cells.max().unwrap_or(0).max(header.len());
    let id_width = width(&mut rules.iter().map(|r| r.id.chars().count()), "RULE");
    let types_width = width(&mut rules.iter().map(|r| r.log_types.join(",").chars().count()), "LOG TYPES");
    writeln!(out, "{:<id_width$}  {:<8}  {:<7}  {:<types_width$}  NAME", "RULE", "SEVERITY", "ENABLED", "LOG TYPES")?;
    for rule in rules {
        writeln!(
            out,
            "{:<id_width$}  {:<8}  {:<7}  {:<types_width$}  {}",
            rule.id,
            format!("{:?}", rule.severity),
            if rule.enabled { "yes" } else { "no" },
            rule.log_types.join(","),
            rule.display_name.unwrap_or(rule.id)
        )?;
    }
    Ok(())
}

/// An `AlertTitle` template as the rule wrote it.
fn template(parts: &[vigil_runtime::Part]) -> String {
    parts
        .iter()
        .map(|part| match part {
            vigil_runtime::Part::Text(text) => text.replace('{', "{{").replace('}', "}}"),
            vigil_runtime::Part::Field { field, default: Some(default) } => format!("{{{}:-{default}}}", field.name),
            vigil_runtime::Part::Field { field, default: None } => format!("{{{}}}", field.name),
        })
        .collect()
}

pub fn show(args: &ShowArgs) -> anyhow::Result<()> {
    let set = &vigil_rules::RULE_SET;
    let Some(rule) = set.rules.iter().find(|r| r.id.eq_ignore_ascii_case(&args.rule_id)) else {
        let ids: Vec<&str> = set.rules.iter().map(|r| r.id).collect();
        anyhow::bail!("no rule `{}`; rules: {}", args.rule_id, ids.join(", "));
    };
    let mut out = io::stdout().lock();
    if args.catalog {
        out.write_all(rule.catalog.as_bytes())?;
        return Ok(());
    }
    writeln!(out, "{}  ({})", rule.display_name.unwrap_or(rule.id), rule.id)?;
    writeln!(out, "file:        {}", rule.file)?;
    writeln!(
        out,
        "severity:    {:?}{}",
        rule.severity,
        if rule.dynamic_severities.is_empty() { "" } else { " (dynamic)" }
    )?;
    writeln!(out, "enabled:     {}", rule.enabled)?;
    writeln!(out, "log types:   {}", rule.log_types.join(", "))?;
    writeln!(out, "dedup:       {} minutes, threshold {}", rule.dedup_period_minutes, rule.threshold)?;
    for report in rule.reports {
        writeln!(out, "{:<12} {}", format!("{}:", report.framework), report.ids.join(", "))?;
    }
    if let Some(parts) = rule.title {
        writeln!(out, "title:       {}", template(parts))?;
    }
    let names = |fields: &[vigil_runtime::Field]| fields.iter().map(|f| f.name).collect::<Vec<_>>().join(", ");
    if !rule.output_fields.is_empty() {
        writeln!(out, "output:      {}", names(rule.output_fields))?;
    }
    if let Some(reference) = rule.reference {
        writeln!(out, "reference:   {reference}")?;
    }
    if !rule.tags.is_empty() {
        writeln!(out, "tags:        {}", rule.tags.join(", "))?;
    }
    if let Some(description) = rule.description {
        writeln!(out, "\n{}", description.trim())?;
    }
    writeln!(out, "\nCondition:")?;
    for line in rule.condition.lines() {
        writeln!(out, "  {line}")?;
    }
    if let Some(runbook) = rule.runbook {
        writeln!(out, "\nRunbook:\n  {}", runbook.trim())?;
    }
    if !rule.tests.is_empty() {
        writeln!(out, "\nTests:")?;
        for case in rule.tests {
            writeln!(out, "  {} {}", if case.expected_result { "match   " } else { "no match" }, case.name)?;
        }
    }
    Ok(())
}

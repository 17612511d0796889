//! The meaning of a rule's keys, checked one concern at a time: logic, metadata, alert fields.

use std::collections::BTreeMap;

use super::{Checker, key};
use crate::condition;
use crate::ir::Expr;
use crate::log_types::{self, LOG_TYPES};
use crate::mitre;
use crate::path::KeyPath;
use crate::rule::{Rule, Severity};
use crate::sdl;
use crate::source_map::{Pos, Step};
use crate::spec::{OneOrMany, RuleSpec};
use crate::suggest::did_you_mean;
use crate::template::Template;

impl Checker<'_> {
    /// Checks the spec's meaning; keys that are missing were reported already and take neutral
    /// values here, so that the rest is still checked.
    pub(super) fn rule(&mut self, spec: RuleSpec) -> Rule {
        if let Some(analysis_type) = &spec.analysis_type {
            self.analysis_type(analysis_type);
        }
        if let Some(id) = &spec.rule_id {
            self.rule_id(id);
        }
        if let Some(log_types) = &spec.log_types {
            self.log_type_names(log_types);
        }
        self.reports(&spec.reports);
        self.unsupported(&spec);
        let condition = self.logic(&spec);
        let dynamic_severities = self.dynamic_severities(spec.dynamic_severities.as_ref());
        let title = spec.alert_title.as_deref().and_then(|t| self.title(t));
        let dedup_period_minutes = self.at_least_one("DedupPeriodMinutes", spec.dedup_period_minutes, 60);
        let threshold = self.at_least_one("Threshold", spec.threshold, 1);
        let summary_attributes = self.paths("SummaryAttributes", &spec.summary_attributes);
        let output_fields = self.paths("OutputFields", &spec.output_fields);
        let group_by_texts: Vec<String> = spec.group_by.iter().map(|g| g.key_path.clone()).collect();
        let group_by = self.group_by(&group_by_texts);
        let alert_context = self.alert_context(&spec.alert_context);
        let tests = self.tests(spec.tests);
        Rule {
            file: self.file.to_string(),
            id: spec.rule_id.unwrap_or_default(),
            display_name: spec.display_name,
            enabled: spec.enabled.unwrap_or_default(),
            log_types: spec.log_types.unwrap_or_default(),
            severity: spec.severity.unwrap_or(Severity::Info),
            description: spec.description,
            reference: spec.reference,
            runbook: spec.runbook,
            status: spec.status,
            created_by: spec.created_by,
            tags: spec.tags,
            reports: spec.reports.into_iter().collect(),
            dedup_period_minutes,
            threshold,
            create_alert: spec.create_alert.unwrap_or(true),
            summary_attributes,
            output_fields,
            group_by,
            alert_context,
            condition,
            dynamic_severities,
            title,
            tests,
        }
    }

    fn analysis_type(&mut self, analysis_type: &str) {
        if analysis_type != "rule" {
            self.at_value(
                &[key("AnalysisType")],
                format!("`AnalysisType: {analysis_type}` is not supported: vigil compiles detection rules; write `AnalysisType: rule`"),
            );
        }
    }

    fn rule_id(&mut self, id: &str) {
        if id.trim().is_empty() {
            self.at_value(&[key("RuleID")], "RuleID is empty; name the rule, e.g. `Teleport.NetworkScanning`".into());
        } else if let Some(c) = id.chars().find(|c| !(c.is_ascii_alphanumeric() || "._-".contains(*c))) {
            // RuleIDs name files (catalog pages) and URLs: no separators, spaces or markup.
            self.at_value(
                &[key("RuleID")],
                format!("RuleID `{id}` contains `{c}`; use letters, digits, `.`, `_` and `-`, e.g. `Teleport.NetworkScanning`"),
            );
        } else if id.starts_with('.') {
            self.at_value(&[key("RuleID")], format!("RuleID `{id}` starts with `.`; start it with a letter or digit"));
        }
    }

    fn log_type_names(&mut self, names: &[String]) {
        if names.is_empty() {
            self.at_value(
                &[key("LogTypes")],
                "LogTypes is empty; list the log types the rule reads, e.g. `[Gravitational.TeleportAudit]`".into(),
            );
        }
        let known: Vec<&str> = LOG_TYPES.iter().map(|t| t.name).collect();
        for (i, name) in names.iter().enumerate() {
            if log_types::find(name).is_none() {
                self.at_value(
                    &[key("LogTypes"), Step::Index(i)],
                    format!(
                        "unknown log type `{name}`{}; known log types: {}",
                        did_you_mean(name, known.iter().copied()),
                        known.join(", ")
                    ),
                );
            }
        }
    }

    fn reports(&mut self, reports: &BTreeMap<String, Vec<String>>) {
        let Some(ids) = reports.get("MITRE ATT&CK") else { return };
        for (i, id) in ids.iter().enumerate() {
            let at = [key("Reports"), key("MITRE ATT&CK"), Step::Index(i)];
            if !is_attack_id(id) {
                self.at_value(
                    &at,
                    format!("`{id}` is not a MITRE ATT&CK id; write `TACTIC:TECHNIQUE`, e.g. `TA0007:T1046` or `TA0002:T1059.004`"),
                );
            } else if let Some(tactic) = id.split(':').next().filter(|t| mitre::tactic(t).is_none()) {
                let tactics: Vec<String> = mitre::tactics().iter().map(|t| format!("{} {}", t.id, t.name)).collect();
                self.at_value(&at, format!("`{tactic}` is not an ATT&CK tactic; tactics: {}", tactics.join(", ")));
            }
        }
    }

    /// Keys of the format that this version of vigil does not compile yet: a clear error, never a
    /// silently ignored key.
    fn unsupported(&mut self, spec: &RuleSpec) {
        let present = [(
            "Filename",
            spec.filename.is_some(),
            "Python rules (`Filename:`) are not supported yet; write the logic as `Condition:` or `Detection:`",
        )];
        for (name, is_present, message) in present {
            if is_present {
                self.at_key(&[key(name)], message.to_string());
            }
        }
    }

    /// The rule's logic: `InlineFilters` (if any), then `Condition` or `Detection`, as one AND.
    fn logic(&mut self, spec: &RuleSpec) -> Expr {
        let given: Vec<&str> = [
            ("Condition", spec.condition.is_some()),
            ("Detection", spec.detection.is_some()),
            ("Filename", spec.filename.is_some()),
        ]
        .into_iter()
        .filter_map(|(name, present)| present.then_some(name))
        .collect();
        for extra in given.iter().skip(1) {
            self.at_key(
                &[key(extra)],
                format!(
                    "`{extra}` cannot be used with `{}`: a rule has one of `Condition`, `Detection` and `Filename`",
                    given[0]
                ),
            );
        }
        let mut items = Vec::new();
        if let Some(filters) = &spec.inline_filters {
            items.push(self.sdl(filters, "InlineFilters"));
        }
        items.push(match (&spec.condition, &spec.detection) {
            (Some(_), _) => self.condition(spec),
            (None, Some(detection)) => self.sdl(detection, "Detection"),
            (None, None) => {
                let mistyped = ["Condition", "Detection"].iter().any(|k| self.mistyped.iter().any(|m| m == k));
                if spec.filename.is_none() && !mistyped {
                    self.report(
                        Some(Pos { line: 1, col: 1 }),
                        "the rule has no `Condition:`; add one, e.g. `Condition: program eq \"nmap\"` (or Panther's `Detection:`)".into(),
                    );
                }
                Expr::And(Vec::new())
            }
        });
        // One flat AND at the top: the catalog lists its items one per line.
        let mut flat = Vec::new();
        for item in items {
            match item {
                Expr::And(mut conjuncts) => flat.append(&mut conjuncts),
                other => flat.push(other),
            }
        }
        if flat.len() == 1 { flat.remove(0) } else { Expr::And(flat) }
    }

    /// A Simple Detection list under the top-level key `name`.
    fn sdl(&mut self, value: &serde_yaml::Value, name: &str) -> Expr {
        self.sdl_at(value, &[key(name)])
    }

    fn sdl_at(&mut self, value: &serde_yaml::Value, at: &[Step]) -> Expr {
        sdl::lower_list(value, at).unwrap_or_else(|errors| {
            for error in errors {
                if error.on_key {
                    self.at_key(&error.at, error.message);
                } else {
                    self.at_value(&error.at, error.message);
                }
            }
            Expr::Const(false)
        })
    }

    /// `DynamicSeverities: [{ChangeTo: High, Conditions: [...]}]`, in order.
    fn dynamic_severities(&mut self, value: Option<&serde_yaml::Value>) -> Vec<(Severity, Expr)> {
        let Some(value) = value else { return Vec::new() };
        let Some(entries) = value.as_sequence() else {
            self.at_value(
                &[key("DynamicSeverities")],
                "`DynamicSeverities` is a list of `{ChangeTo, Conditions}`".into(),
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, entry) in entries.iter().enumerate() {
            let at = [key("DynamicSeverities"), Step::Index(i)];
            let here = |k: &str| -> Vec<Step> { at.iter().cloned().chain([key(k)]).collect() };
            let (Some(change_to), Some(conditions)) = (entry.get("ChangeTo"), entry.get("Conditions")) else {
                self.at_value(
                    &at,
                    "a dynamic severity needs `ChangeTo` (a severity) and `Conditions` (match expressions)".into(),
                );
                continue;
            };
            if let Some(extra) = entry
                .as_mapping()
                .into_iter()
                .flat_map(|m| m.keys())
                .filter_map(|k| k.as_str())
                .find(|k| !matches!(*k, "ChangeTo" | "Conditions"))
            {
                self.at_key(
                    &here(extra),
                    format!("unknown key `{extra}`; a dynamic severity has `ChangeTo` and `Conditions`"),
                );
            }
            let severity = change_to
                .as_str()
                .and_then(|name| Severity::ALL.iter().copied().find(|s| s.name().eq_ignore_ascii_case(name)));
            let Some(severity) = severity else {
                self.at_value(&here("ChangeTo"), "`ChangeTo` is one of Info, Low, Medium, High, Critical".into());
                continue;
            };
            let condition = self.sdl_at(conditions, &here("Conditions"));
            out.push((severity, condition));
        }
        out
    }

    fn condition(&mut self, spec: &RuleSpec) -> Expr {
        let texts: Vec<(Vec<Step>, &str)> = match &spec.condition {
            None => return Expr::And(Vec::new()),
            Some(OneOrMany::One(text)) => vec![(vec![key("Condition")], text.as_str())],
            Some(OneOrMany::Many(texts)) => {
                if texts.is_empty() {
                    self.at_value(
                        &[key("Condition")],
                        "`Condition` is an empty list; give at least one condition".into(),
                    );
                }
                texts.iter().enumerate().map(|(i, t)| (vec![key("Condition"), Step::Index(i)], t.as_str())).collect()
            }
        };
        let mut items = Vec::new();
        for (path, text) in texts {
            match condition::parse(text) {
                Ok(Expr::And(mut conjuncts)) => items.append(&mut conjuncts),
                Ok(expr) => items.push(expr),
                Err(e) => self.inside(&path, text, e.offset, format!("bad condition: {}", e.message)),
            }
        }
        if items.len() == 1 { items.remove(0) } else { Expr::And(items) }
    }

    fn title(&mut self, text: &str) -> Option<Template> {
        Template::parse(text)
            .map_err(|e| self.inside(&[key("AlertTitle")], text, e.offset, format!("bad AlertTitle: {}", e.message)))
            .ok()
    }

    fn at_least_one(&mut self, name: &str, value: Option<u32>, default: u32) -> u32 {
        match value {
            Some(0) => {
                self.at_value(&[key(name)], format!("`{name}` must be at least 1"));
                default
            }
            Some(n) => n,
            None => default,
        }
    }

    fn paths(&mut self, name: &str, texts: &[String]) -> Vec<KeyPath> {
        let located: Vec<(Vec<Step>, &str)> =
            texts.iter().enumerate().map(|(i, t)| (vec![key(name), Step::Index(i)], t.as_str())).collect();
        self.parse_paths(name, &located)
    }

    fn group_by(&mut self, texts: &[String]) -> Vec<KeyPath> {
        let located: Vec<(Vec<Step>, &str)> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| (vec![key("GroupBy"), Step::Index(i), key("KeyPath")], t.as_str()))
            .collect();
        self.parse_paths("GroupBy", &located)
    }

    fn alert_context(&mut self, entries: &[crate::spec::AlertContextSpec]) -> Vec<(String, KeyPath)> {
        let mut context: Vec<(String, KeyPath)> = Vec::new();
        for (i, entry) in entries.iter().enumerate() {
            if context.iter().any(|(name, _)| *name == entry.key_name) {
                self.at_value(
                    &[key("AlertContext"), Step::Index(i), key("KeyName")],
                    format!(
                        "`KeyName: {}` is already used in `AlertContext`; give each value its own name",
                        entry.key_name
                    ),
                );
                continue;
            }
            let at = vec![key("AlertContext"), Step::Index(i), key("KeyValue"), key("KeyPath")];
            let text = entry.key_value.key_path.as_str();
            match KeyPath::parse(text) {
                Ok(path) => context.push((entry.key_name.clone(), path)),
                Err(e) => self.inside(&at, text, e.offset, format!("bad key path in `AlertContext`: {}", e.message)),
            }
        }
        context
    }

    fn parse_paths(&mut self, name: &str, located: &[(Vec<Step>, &str)]) -> Vec<KeyPath> {
        let mut paths = Vec::new();
        for (at, text) in located {
            match KeyPath::parse(text) {
                Ok(path) => paths.push(path),
                Err(e) => self.inside(at, text, e.offset, format!("bad key path in `{name}`: {}", e.message)),
            }
        }
        paths
    }
}

/// `TA0007:T1046`, `TA0002:T1059.004`.
fn is_attack_id(id: &str) -> bool {
    let Some((tactic, technique)) = id.split_once(':') else { return false };
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let technique_ok = match technique.strip_prefix('T') {
        Some(t) => match t.split_once('.') {
            Some((main, sub)) => digits(main, 4) && digits(sub, 3),
            None => digits(t, 4),
        },
        None => false,
    };
    tactic.strip_prefix("TA").is_some_and(|t| digits(t, 4)) && technique_ok
}

#[cfg(test)]
mod tests {
    use super::is_attack_id;

    #[test]
    fn attack_ids_accept_techniques_and_sub_techniques() {
        assert!(is_attack_id("TA0007:T1046"));
        assert!(is_attack_id("TA0002:T1059.004"));
        for bad in ["T1046", "TA007:T1046", "TA0007:T104", "TA0007:T1059.04", "ta0007:t1046"] {
            assert!(!is_attack_id(bad), "{bad}");
        }
    }
}

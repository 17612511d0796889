//! Alert fields rendered from an event: title, dedup string, field values (RULES.md section 5).

use crate::event::Event;
use crate::rule::{Field, Part, Rule, Severity};

/// A field's value as text: strings as they are, other JSON compactly, the placeholder when absent.
pub fn field_text(event: &Event, field: &Field) -> String {
    event.lookup(&field.path).map_or_else(|| field.placeholder.to_string(), |v| v.to_text().into_owned())
}

/// Titles longer than this many characters are cut to it, as Panther does.
pub const MAX_TITLE_CHARS: usize = 1000;

/// The alert title: the `AlertTitle` template, else `DisplayName`, else `RuleID`; at most
/// [`MAX_TITLE_CHARS`] characters.
pub fn title(rule: &Rule, event: &Event) -> String {
    let mut title = untruncated_title(rule, event);
    if let Some((cut, _)) = title.char_indices().nth(MAX_TITLE_CHARS) {
        title.truncate(cut);
    }
    title
}

fn untruncated_title(rule: &Rule, event: &Event) -> String {
    let Some(parts) = rule.title else {
        return rule.display_name.unwrap_or(rule.id).to_string();
    };
    let mut title = String::new();
    for part in parts {
        match part {
            Part::Text(text) => title.push_str(text),
            Part::Field { field, default } => match (event.lookup(&field.path), default) {
                (Some(value), _) => title.push_str(&value.to_text()),
                (None, Some(default)) => title.push_str(default),
                (None, None) => title.push_str(field.placeholder),
            },
        }
    }
    title
}

/// Named field values as JSON, in order; absent values are `null`. For `OutputFields` and
/// `AlertContext`.
pub fn fields_json(fields: &[Field], event: &Event) -> Vec<(&'static str, serde_json::Value)> {
    fields
        .iter()
        .map(|f| {
            let value = event.lookup(&f.path).map_or(serde_json::Value::Null, |v| {
                serde_json::to_value(&*v).expect("a Value always converts to JSON")
            });
            (f.name, value)
        })
        .collect()
}

/// The severity: the first `DynamicSeverities` entry that holds, else the rule's `Severity`.
pub fn severity(rule: &Rule, event: &Event) -> Severity {
    rule.dynamic_severities.iter().find(|d| (d.matcher)(event)).map_or(rule.severity, |d| d.severity)
}

/// The dedup string: `GroupBy` values joined by `:`, else the title when the rule has an
/// `AlertTitle`, else Panther's `defaultDedupString:<RuleID>`.
pub fn dedup(rule: &Rule, event: &Event, title: &str) -> String {
    if !rule.group_by.is_empty() {
        let values: Vec<String> = rule.group_by.iter().map(|f| field_text(event, f)).collect();
        return values.join(":");
    }
    if rule.title.is_some() {
        return title.to_string();
    }
    format!("defaultDedupString:{}", rule.id)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::event::tests::schema;
    use crate::event::{Path, Seg};
    use crate::rule::Severity;

    const USER: Field = Field { name: "user", path: Path { slot: 0, rest: &[] }, placeholder: "<UNKNOWN_USER>" };
    const ARGV0: Field =
        Field { name: "argv[0]", path: Path { slot: 2, rest: &[Seg::Index(0)] }, placeholder: "<UNKNOWN_ARGV>" };

    pub(crate) fn rule(title: Option<&'static [Part]>, group_by: &'static [Field]) -> Rule {
        Rule {
            id: "T.Rule",
            file: "t.yml",
            display_name: None,
            enabled: true,
            log_types: &[],
            severity: Severity::Low,
            description: None,
            reference: None,
            runbook: None,
            tags: &[],
            reports: &[],
            dedup_period_minutes: 60,
            threshold: 1,
            create_alert: true,
            title,
            group_by,
            summary_attributes: &[],
            output_fields: &[],
            alert_context: &[],
            condition: "true",
            matcher: |_| true,
            dynamic_severities: &[],
            tests: &[],
            catalog: "",
        }
    }

    pub(crate) const TITLE: &[Part] = &[
        Part::Text("by "),
        Part::Field { field: USER, default: None },
        Part::Text(" / "),
        Part::Field { field: ARGV0, default: Some("no args") },
    ];

    fn render(json: &str, rule: &Rule) -> (String, String) {
        let schema = schema();
        let event = Event::parse(&schema, json).unwrap();
        let title = title(rule, &event);
        let dedup = dedup(rule, &event, &title);
        (title, dedup)
    }

    #[test]
    fn titles_render_values_placeholders_and_defaults() {
        let with_title = rule(Some(TITLE), &[]);
        assert_eq!(render(r#"{"user": "ann", "argv": ["-v"]}"#, &with_title).0, "by ann / -v");
        assert_eq!(render(r#"{"argv": []}"#, &with_title).0, "by <UNKNOWN_USER> / no args");
        assert_eq!(render(r#"{"user": null, "argv": [{"a": 1}]}"#, &with_title).0, r#"by null / {"a":1}"#);
        let plain = rule(None, &[]);
        assert_eq!(render("{}", &plain).0, "T.Rule");
        let long = format!(r#"{{"user": "{}"}}"#, "é".repeat(2000));
        let rendered = render(&long, &with_title).0;
        assert_eq!(rendered.chars().count(), MAX_TITLE_CHARS);
        assert!(rendered.starts_with("by éé"));
    }

    #[test]
    fn dedup_is_group_by_else_title_else_panthers_default() {
        assert_eq!(render(r#"{"user": "ann"}"#, &rule(Some(TITLE), &[USER, ARGV0])).1, "ann:<UNKNOWN_ARGV>");
        assert_eq!(render(r#"{"user": "ann"}"#, &rule(Some(TITLE), &[])).1, "by ann / no args");
        assert_eq!(render(r#"{"user": "ann"}"#, &rule(None, &[])).1, "defaultDedupString:T.Rule");
    }
}

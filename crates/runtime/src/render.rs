//! Alert fields rendered from an event: title, dedup string, field values (RULES.md section 5).

use std::borrow::Cow;

use crate::event::Event;
use crate::rule::{Field, Part, Rule};

/// A field's value as text: strings as they are, other JSON compactly, the placeholder when absent.
pub fn field_text<'e>(event: &'e Event, field: &Field) -> Cow<'e, str> {
    event.get(&field.path).map_or(Cow::Borrowed(field.placeholder), |v| v.to_text())
}

/// The alert title: the `AlertTitle` template, else `DisplayName`, else `RuleID`.
pub fn title(rule: &Rule, event: &Event) -> String {
    let Some(parts) = rule.title else {
        return rule.display_name.unwrap_or(rule.id).to_string();
    };
    let mut title = String::new();
    for part in parts {
        match part {
            Part::Text(text) => title.push_str(text),
            Part::Field { field, default } => match (event.get(&field.path), default) {
                (Some(value), _) => title.push_str(&value.to_text()),
                (None, Some(default)) => title.push_str(default),
                (None, None) => title.push_str(field.placeholder),
            },
        }
    }
    title
}

/// The dedup string: `GroupBy` values joined by `:`, else the title when the rule has an
/// `AlertTitle`, else Panther's `defaultDedupString:<RuleID>`.
pub fn dedup(rule: &Rule, event: &Event, title: &str) -> String {
    if !rule.group_by.is_empty() {
        let values: Vec<Cow<str>> = rule.group_by.iter().map(|f| field_text(event, f)).collect();
        return values.join(":");
    }
    if rule.title.is_some() {
        return title.to_string();
    }
    format!("defaultDedupString:{}", rule.id)
}

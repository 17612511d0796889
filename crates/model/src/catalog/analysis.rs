//! What a rule's condition looks for, from the IR alone (RULES.md section 7): the condition one
//! top-level AND item per line, the exclusions, the indicators with their corpus counts, and the
//! fields its alerts carry.

use crate::ir::{Expr, Literal, Operand, Predicate};
use crate::path::KeyPath;
use crate::rule::Rule;

/// One predicate as a table row.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Row {
    /// The path, with `[*]` for a quantified list: `argv`, `records[*].name`.
    pub field: String,
    /// The operator: `in`, `is_null`.
    pub kind: String,
    /// The operand's values, as text (a list is one value per element); none for unary operators.
    pub values: Vec<String>,
}

/// An indicator and how many other rules of the rule set test it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Indicator {
    pub row: Row,
    /// Other rules with an indicator of the same field and kind and a value in common (or, for
    /// unary operators, the same field and kind).
    pub corpus: usize,
}

/// The catalog analysis of one rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Analysis {
    /// The condition printed in the condition language, one top-level AND item per line.
    pub condition: Vec<String>,
    /// Predicates of top-level `not (...)` items, and top-level negated predicates (`login ne
    /// "root"` excludes `login eq "root"`), sorted.
    pub exclusions: Vec<Row>,
    /// Predicates outside any `not`, sorted.
    pub indicators: Vec<Indicator>,
    /// Title placeholders, alert context, group-by and output fields, in that order, once each.
    pub output_fields: Vec<String>,
}

/// Analyses `rule` against the whole rule set `all` (which may include `rule`).
pub fn analyse(rule: &Rule, all: &[Rule]) -> Analysis {
    let own = indicator_rows(&rule.condition);
    let indicators = own
        .into_iter()
        .map(|row| {
            let corpus = all
                .iter()
                .filter(|other| other.id != rule.id)
                .filter(|other| indicator_rows(&other.condition).iter().any(|theirs| overlaps(&row, theirs)))
                .count();
            Indicator { row, corpus }
        })
        .collect();
    Analysis {
        condition: condition_lines(&rule.condition),
        exclusions: exclusion_rows(&rule.condition),
        indicators,
        output_fields: output_fields(rule),
    }
}

/// The condition, one top-level AND item per line.
pub fn condition_lines(condition: &Expr) -> Vec<String> {
    match condition {
        Expr::And(items) if !items.is_empty() => items.iter().map(ToString::to_string).collect(),
        other => vec![other.to_string()],
    }
}

fn top_level(condition: &Expr) -> &[Expr] {
    match condition {
        Expr::And(items) => items,
        other => std::slice::from_ref(other),
    }
}

fn exclusion_rows(condition: &Expr) -> Vec<Row> {
    let mut rows = Vec::new();
    for item in top_level(condition) {
        match item {
            Expr::Not(inner) => collect(inner, "", true, &mut rows),
            Expr::Predicate(p) if p.op.positive().is_some() => {
                let positive = Predicate { op: p.op.positive().expect("checked"), ..p.clone() };
                rows.push(row("", &positive));
            }
            _ => {}
        }
    }
    rows.sort();
    rows.dedup();
    rows
}

fn indicator_rows(condition: &Expr) -> Vec<Row> {
    let mut rows = Vec::new();
    collect(condition, "", false, &mut rows);
    rows.sort();
    rows.dedup();
    rows
}

/// Rows of the predicates under `expr`. Unless `everything`, stops at `not` and skips negated
/// operators: what is left is what the rule positively looks for.
fn collect(expr: &Expr, prefix: &str, everything: bool, rows: &mut Vec<Row>) {
    match expr {
        Expr::And(items) | Expr::Or(items) | Expr::OneOf(items) => {
            for item in items {
                collect(item, prefix, everything, rows);
            }
        }
        Expr::Not(inner) => {
            if everything {
                collect(inner, prefix, everything, rows);
            }
        }
        Expr::Each { path, body, .. } => collect(body, &format!("{prefix}{path}[*]."), everything, rows),
        Expr::Const(_) => {}
        Expr::Predicate(p) => {
            if everything || p.op.positive().is_none() {
                rows.push(row(prefix, p));
            }
        }
    }
}

fn row(prefix: &str, p: &Predicate) -> Row {
    let values = match &p.operand {
        None => Vec::new(),
        Some(Operand::Literal(Literal::List(items))) => items.iter().map(literal_text).collect(),
        Some(Operand::Literal(literal)) => vec![literal_text(literal)],
        Some(field @ Operand::Field { .. }) => vec![field.to_string()],
    };
    Row { field: format!("{prefix}{}", p.path), kind: p.op.name().to_string(), values }
}

/// A literal as a table shows it: strings without quotes.
fn literal_text(literal: &Literal) -> String {
    match literal {
        Literal::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn overlaps(a: &Row, b: &Row) -> bool {
    a.field == b.field
        && a.kind == b.kind
        && (a.values.is_empty() && b.values.is_empty() || a.values.iter().any(|v| b.values.contains(v)))
}

fn output_fields(rule: &Rule) -> Vec<String> {
    let title = rule.title.iter().flat_map(crate::template::Template::paths);
    let context = rule.alert_context.iter().map(|(_, path)| path);
    let all = title.chain(context).chain(&rule.group_by).chain(&rule.output_fields);
    let mut fields: Vec<String> = Vec::new();
    for path in all.map(KeyPath::to_string) {
        if !fields.contains(&path) {
            fields.push(path);
        }
    }
    fields
}

//! `vigil explain RULE_ID EVENT`: how a rule judges one event, predicate by predicate, with the
//! value each predicate saw. The rule's condition text (printed from its IR when it was
//! compiled) is parsed again and walked, calling the same operator functions the compiled
//! matcher calls; the final verdict is the compiled matcher's own.

use std::cmp::Ordering;
use std::fmt::Write as _;
use std::io::Read;
use std::net::IpAddr;

use anyhow::{Context, bail};
use vigil_model::condition;
use vigil_model::ir::{Expr, Literal, Op, Operand, Predicate, Quantifier};
use vigil_model::path::{KeyPath, Segment};
use vigil_runtime::ops::{self, Cidr, Lit};
use vigil_runtime::{Event, Number, Value, render};

use crate::args::ExplainArgs;

pub fn run(args: &ExplainArgs) -> anyhow::Result<()> {
    let set = &vigil_rules::RULE_SET;
    let Some(rule) = set.rules.iter().find(|r| r.id.eq_ignore_ascii_case(&args.rule_id)) else {
        bail!("no rule `{}`; `vigil list` shows the rules", args.rule_id);
    };
    let json = read_event(&args.event)?;
    let event =
        Event::parse(&set.schema, json.trim()).map_err(|e| anyhow::anyhow!("the event given is not one: {e}"))?;
    let mut out = String::new();
    let _ = writeln!(out, "{} ({})", rule.display_name.unwrap_or(rule.id), rule.id);
    let mut explained = true;
    for line in rule.condition.lines() {
        let expr = condition::parse(line).map_err(|e| anyhow::anyhow!("cannot read back `{line}`: {e}"))?;
        explained &= explain(&expr, &Scope::Event(&event), 1, &mut out);
    }
    let matched = (rule.matcher)(&event);
    let _ = writeln!(out, "result: {}", if matched { "match" } else { "no match" });
    if matched {
        let title = render::title(rule, &event);
        let _ = writeln!(
            out,
            "title: {title}\ndedup: {}\nseverity: {:?}",
            render::dedup(rule, &event, &title),
            render::severity(rule, &event)
        );
        // One event is not always an alert: say what else it takes.
        if !rule.create_alert {
            let _ =
                writeln!(out, "(a signal rule, `CreateAlert: false`: matches are labelled and counted, never alerts)");
        } else if rule.threshold > 1 {
            let _ = writeln!(
                out,
                "(an alert needs {} matches with this dedup string within {} minutes)",
                rule.threshold, rule.dedup_period_minutes
            );
        }
    }
    if explained != matched {
        let _ = writeln!(out, "(the explanation disagrees with the compiled matcher: please report this)");
    }
    print!("{out}");
    Ok(())
}

/// The event: a JSON string, a file, or `-` for standard input.
fn read_event(given: &str) -> anyhow::Result<String> {
    if given == "-" {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text)?;
        return Ok(text);
    }
    if given.trim_start().starts_with(['{', '[']) {
        return Ok(given.to_string());
    }
    std::fs::read_to_string(given).with_context(|| format!("reading the event from {given}"))
}

/// What paths are resolved against: the event, or a list element inside a quantifier.
enum Scope<'s, 'e> {
    Event(&'s Event<'e>),
    Element(&'s Value<'e>),
}

impl Scope<'_, '_> {
    /// The value at `path`; a path with `[*]` yields the list it projects.
    fn get(&self, path: &KeyPath) -> Option<Value<'_>> {
        let (start, rest): (Option<&Value>, &[Segment]) = match self {
            Scope::Event(event) => {
                let Segment::Key(root) = &path.segments[0] else { return None };
                (slot(event, root), &path.segments[1..])
            }
            Scope::Element(value) => (Some(value), &path.segments[..]),
        };
        walk(start?, rest)
    }
}

/// A top-level value by the compiled schema: the exact key, else a case-insensitive match.
fn slot<'a>(event: &'a Event, key: &str) -> Option<&'a Value<'a>> {
    let schema = &vigil_rules::RULE_SET.schema;
    (schema.exact)(key)
        .map_or_else(|| (schema.folded)(&key.to_lowercase()).first().copied(), Some)
        .and_then(|s| event.slot(s))
}

fn walk<'a>(value: &Value<'a>, rest: &[Segment]) -> Option<Value<'a>> {
    let Some((first, rest)) = rest.split_first() else { return Some(value.clone()) };
    match first {
        Segment::Key(key) => walk(value.member(key)?, rest),
        Segment::Index(index) => walk(value.element(*index)?, rest),
        Segment::Each => {
            let Value::Array(items) = value else { return None };
            let mut out = Vec::new();
            for item in items {
                match walk(item, rest) {
                    Some(Value::Array(found)) if rest.contains(&Segment::Each) => out.extend(found),
                    Some(found) => out.push(found),
                    None => {}
                }
            }
            Some(Value::Array(out))
        }
    }
}

/// Writes the expression's verdict (and its parts') at `depth`, and returns it.
fn explain(expr: &Expr, scope: &Scope, depth: usize, out: &mut String) -> bool {
    let pad = "  ".repeat(depth);
    let line_for = |out: &mut String, verdict: bool, text: &str| {
        let _ = writeln!(out, "{pad}{} {text}", if verdict { "true " } else { "false" });
    };
    match expr {
        Expr::And(items) | Expr::Or(items) | Expr::OneOf(items) => {
            let mut inner = String::new();
            let verdicts: Vec<bool> = items.iter().map(|item| explain(item, scope, depth + 1, &mut inner)).collect();
            let (verdict, word) = match expr {
                Expr::And(_) => (verdicts.iter().all(|v| *v), "all of"),
                Expr::Or(_) => (verdicts.iter().any(|v| *v), "any of"),
                _ => (ops::exactly_one(&verdicts), "exactly one of"),
            };
            line_for(out, verdict, word);
            out.push_str(&inner);
            verdict
        }
        Expr::Not(inner_expr) => {
            let mut inner = String::new();
            let verdict = !explain(inner_expr, scope, depth + 1, &mut inner);
            line_for(out, verdict, "not");
            out.push_str(&inner);
            verdict
        }
        Expr::Each { quantifier, path, body } => {
            let list = scope.get(path);
            let quantifier_op = match quantifier {
                Quantifier::Any => ops::Quantifier::Any,
                Quantifier::All => ops::Quantifier::All,
                Quantifier::One => ops::Quantifier::One,
                Quantifier::None => ops::Quantifier::None,
            };
            let verdict = ops::each(list.as_ref(), quantifier_op, |element| {
                explain(body, &Scope::Element(element), depth + 1, &mut String::new())
            });
            line_for(out, verdict, &format!("{} {path} (...)   value: {}", quantifier.keyword(), shown(list.as_ref())));
            verdict
        }
        Expr::Const(value) => {
            line_for(out, *value, &value.to_string());
            *value
        }
        Expr::Predicate(p) => {
            let value = scope.get(&p.path);
            let verdict = predicate(p, value.as_ref(), scope);
            line_for(out, verdict, &format!("{p}   value: {}", shown(value.as_ref())));
            verdict
        }
    }
}

fn shown(value: Option<&Value>) -> String {
    value.map_or_else(|| "absent".to_string(), Value::to_json)
}

/// One predicate, through the runtime's operator functions.
fn predicate(p: &Predicate, v: Option<&Value>, scope: &Scope) -> bool {
    let op = p.op.positive().unwrap_or(p.op);
    let literal = match &p.operand {
        Some(Operand::Literal(l)) => Some(l),
        _ => None,
    };
    let text = || match literal {
        Some(Literal::String(s)) => s.clone(),
        _ => String::new(),
    };
    let strings = || match literal {
        Some(Literal::List(items)) => {
            items.iter().map(|i| if let Literal::String(s) = i { s.clone() } else { String::new() }).collect()
        }
        Some(Literal::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    };
    let other = || match &p.operand {
        Some(Operand::Field { path, offset }) => (scope.get(path), offset.seconds),
        _ => (None, 0),
    };
    let positive = match op {
        Op::Eq => ops::eq(v, &lit(literal.expect("eq has an operand"))),
        Op::In => match lit(literal.expect("in has an operand")) {
            Lit::List(items) => ops::is_in(v, items),
            _ => false,
        },
        Op::Contains => ops::contains(v, &lit(literal.expect("contains has an operand"))),
        Op::StartsWith => ops::starts_with(v, &text()),
        Op::EndsWith => ops::ends_with(v, &text()),
        Op::IEq => ops::ieq(v, &text().to_lowercase()),
        Op::IContains => ops::icontains(v, &text().to_lowercase()),
        Op::IStartsWith => ops::istarts_with(v, &text().to_lowercase()),
        Op::IEndsWith => ops::iends_with(v, &text().to_lowercase()),
        Op::IIn => ops::iin_list(v, &strings().iter().map(|s| s.to_lowercase()).collect::<Vec<_>>()),
        Op::Matches => regex::Regex::new(&text()).is_ok_and(|re| ops::matches(v, &re)),
        Op::Glob => {
            condition::glob(&text()).ok().and_then(|re| regex::Regex::new(&re).ok()).is_some_and(|re| ops::glob(v, &re))
        }
        Op::Gt | Op::Ge | Op::Lt | Op::Le => {
            let Some(Literal::Number(n)) = literal else { return false };
            let accept: fn(Ordering) -> bool = match op {
                Op::Gt => Ordering::is_gt,
                Op::Ge => Ordering::is_ge,
                Op::Lt => Ordering::is_lt,
                _ => Ordering::is_le,
            };
            ops::compare(v, number(n), accept)
        }
        Op::Cidr => ops::in_cidr(v, &strings().iter().filter_map(|c| cidr(c)).collect::<Vec<_>>()),
        Op::CidrContains => {
            ops::cidr_contains(v, &strings().iter().filter_map(|s| s.parse().ok()).collect::<Vec<IpAddr>>())
        }
        Op::IsIp => ops::ip_is(v, |_| true),
        Op::IsIpv4 => ops::ip_is(v, |ip| ip.is_ipv4()),
        Op::IsIpv6 => ops::ip_is(v, |ip| ip.is_ipv6()),
        Op::IsPublicIp => ops::ip_is(v, ops::is_public_ip),
        Op::IsPrivateIp => ops::ip_is(v, ops::is_private_ip),
        Op::IsNull => ops::is_null(v),
        Op::Exists => ops::exists(v),
        Op::EqField => ops::eq_values(v, other().0.as_ref()),
        Op::Before | Op::After => {
            let accept: fn(Ordering) -> bool = if op == Op::Before { Ordering::is_lt } else { Ordering::is_gt };
            match &p.operand {
                Some(Operand::Field { .. }) => {
                    let (field, seconds) = other();
                    ops::time_vs_field(v, field.as_ref(), seconds, accept)
                }
                _ => condition::time(&text()).is_ok_and(|(s, n)| ops::time_vs_instant(v, s, n, accept)),
            }
        }
        Op::Ne | Op::NotIn | Op::NotContains | Op::IsNotNull | Op::NotExists | Op::NeField => {
            unreachable!("negated operators are evaluated from their positive form")
        }
    };
    if p.op.positive().is_some() { !positive } else { positive }
}

fn number(n: &serde_json::Number) -> Number {
    n.as_i64()
        .map(Number::Int)
        .or_else(|| n.as_u64().map(Number::UInt))
        .unwrap_or_else(|| Number::Float(n.as_f64().unwrap_or(f64::NAN)))
}

fn cidr(text: &str) -> Option<Cidr> {
    Cidr::parse(text)
}

/// A literal as the runtime's constant form. The strings live as long as the process: explain
/// runs once and exits.
fn lit(literal: &Literal) -> Lit {
    match literal {
        Literal::Null => Lit::Null,
        Literal::Bool(b) => Lit::Bool(*b),
        Literal::Number(n) => Lit::Number(number(n)),
        Literal::String(s) => Lit::Str(Box::leak(s.clone().into_boxed_str())),
        Literal::List(items) => Lit::List(Box::leak(items.iter().map(lit).collect::<Vec<_>>().into_boxed_slice())),
    }
}

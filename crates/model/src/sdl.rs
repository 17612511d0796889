//! Panther Simple Detections (RULES.md section 4), as written in `Detection:`, `InlineFilters:`
//! and `DynamicSeverities[].Conditions`, lowered into the same IR as the condition language.
//! Every problem is reported with the YAML path of the key it is about.

use serde_yaml::{Mapping, Value};

use crate::condition;
use crate::ir::{Expr, Literal, Offset, Op, Operand, OperandKind, Predicate, Quantifier};
use crate::path::{KeyPath, Segment};
use crate::source_map::Step;
use crate::suggest::did_you_mean;

/// A problem in a Simple Detection: where (the YAML path, and whether the key itself is meant
/// rather than its value) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SdlError {
    pub at: Vec<Step>,
    pub on_key: bool,
    pub message: String,
}

/// How a Panther condition name lowers into the IR.
#[derive(Debug, Clone, Copy)]
enum Lowering {
    Op(Op),
    /// The negation of an operator: `IDoesNotEqual` is `not ieq`.
    NotOp(Op),
    /// Panther's `IsNull`: absent or `null` (not empty).
    AbsentOrNull,
    /// Panther's `IsNotNull`.
    PresentAndNotNull,
}

/// Every comparison condition, both spellings where Panther has two.
const CONDITIONS: &[(&str, Lowering)] = &[
    ("Equals", Lowering::Op(Op::Eq)),
    ("DoesNotEqual", Lowering::Op(Op::Ne)),
    ("IEquals", Lowering::Op(Op::IEq)),
    ("IDoesNotEqual", Lowering::NotOp(Op::IEq)),
    ("Contains", Lowering::Op(Op::Contains)),
    ("DoesNotContain", Lowering::Op(Op::NotContains)),
    ("IContains", Lowering::Op(Op::IContains)),
    ("IDoesNotContain", Lowering::NotOp(Op::IContains)),
    ("StartsWith", Lowering::Op(Op::StartsWith)),
    ("DoesNotStartWith", Lowering::NotOp(Op::StartsWith)),
    ("IStartsWith", Lowering::Op(Op::IStartsWith)),
    ("IDoesNotStartWith", Lowering::NotOp(Op::IStartsWith)),
    ("EndsWith", Lowering::Op(Op::EndsWith)),
    ("DoesNotEndWith", Lowering::NotOp(Op::EndsWith)),
    ("IEndsWith", Lowering::Op(Op::IEndsWith)),
    ("IDoesNotEndWith", Lowering::NotOp(Op::IEndsWith)),
    ("IsIn", Lowering::Op(Op::In)),
    ("IsNotIn", Lowering::Op(Op::NotIn)),
    ("IsGreaterThan", Lowering::Op(Op::Gt)),
    ("IsGreaterThanOrEquals", Lowering::Op(Op::Ge)),
    ("IsGreaterThanOrEqual", Lowering::Op(Op::Ge)),
    ("IsLessThan", Lowering::Op(Op::Lt)),
    ("IsLessThanOrEquals", Lowering::Op(Op::Le)),
    ("IsLessThanOrEqual", Lowering::Op(Op::Le)),
    ("Exists", Lowering::Op(Op::Exists)),
    ("DoesNotExist", Lowering::Op(Op::NotExists)),
    ("IsNull", Lowering::AbsentOrNull),
    ("IsNotNull", Lowering::PresentAndNotNull),
    ("IsNullOrEmpty", Lowering::Op(Op::IsNull)),
    ("IsNotNullOrEmpty", Lowering::Op(Op::IsNotNull)),
    ("IsIPAddress", Lowering::Op(Op::IsIp)),
    ("IsIPv4Address", Lowering::Op(Op::IsIpv4)),
    ("IsIPv6Address", Lowering::Op(Op::IsIpv6)),
    ("IsIPAddressPublic", Lowering::Op(Op::IsPublicIp)),
    ("IsIPAddressPrivate", Lowering::Op(Op::IsPrivateIp)),
    ("IsIPAddressInCIDR", Lowering::Op(Op::Cidr)),
    ("IsIPAddressNotInCIDR", Lowering::NotOp(Op::Cidr)),
    ("CIDRContainsIPAddresses", Lowering::Op(Op::CidrContains)),
    ("CIDRDoesNotContainIPAddresses", Lowering::NotOp(Op::CidrContains)),
    ("Has", Lowering::Op(Op::Contains)),
    ("DoesNotHave", Lowering::Op(Op::NotContains)),
];

const QUANTIFIERS: &[(&str, Quantifier)] = &[
    ("AnyElement", Quantifier::Any),
    ("AllElements", Quantifier::All),
    ("OnlyOneElement", Quantifier::One),
    ("NoElement", Quantifier::None),
];

const COMBINATORS: &[&str] = &["All", "Any", "OnlyOne", "None"];

const KEYS: &[&str] =
    &["KeyPath", "Key", "DeepKey", "Condition", "Value", "Values", "Expressions", "All", "Any", "OnlyOne", "None"];

/// Every condition name a Simple Detection may use.
pub fn condition_names() -> impl Iterator<Item = &'static str> {
    CONDITIONS
        .iter()
        .map(|(name, _)| *name)
        .chain(QUANTIFIERS.iter().map(|(name, _)| *name))
        .chain(["AlwaysTrue", "AlwaysFalse"])
}

/// Lowers a list of match expressions (their AND) found at `at`.
pub fn lower_list(value: &Value, at: &[Step]) -> Result<Expr, Vec<SdlError>> {
    let mut lowering = Lowerer { errors: Vec::new() };
    let expr = lowering.list(value, at);
    if lowering.errors.is_empty() { Ok(expr) } else { Err(lowering.errors) }
}

struct Lowerer {
    errors: Vec<SdlError>,
}

fn step(at: &[Step], next: Step) -> Vec<Step> {
    at.iter().cloned().chain([next]).collect()
}

fn key(at: &[Step], name: &str) -> Vec<Step> {
    step(at, Step::Key(name.to_string()))
}

impl Lowerer {
    fn fail(&mut self, at: Vec<Step>, on_key: bool, message: String) -> Expr {
        self.errors.push(SdlError { at, on_key, message });
        Expr::Const(false)
    }

    fn list(&mut self, value: &Value, at: &[Step]) -> Expr {
        let Value::Sequence(items) = value else {
            return self.fail(at.to_vec(), false, "expected a list of match expressions".into());
        };
        if items.is_empty() {
            return self.fail(
                at.to_vec(),
                false,
                "an empty list of match expressions matches everything; use `{Condition: AlwaysTrue}` to mean that"
                    .into(),
            );
        }
        let items: Vec<Expr> =
            items.iter().enumerate().map(|(i, item)| self.expression(item, &step(at, Step::Index(i)))).collect();
        if items.len() == 1 { items.into_iter().next().expect("one item") } else { Expr::And(items) }
    }

    fn expression(&mut self, value: &Value, at: &[Step]) -> Expr {
        let Value::Mapping(map) = value else {
            return self.fail(
                at.to_vec(),
                false,
                "a match expression is a mapping, e.g. `{KeyPath: program, Condition: Equals, Value: nmap}`".into(),
            );
        };
        for k in map.keys() {
            let name = k.as_str().unwrap_or_default();
            if !KEYS.contains(&name) {
                let hint = did_you_mean(name, KEYS.iter().copied());
                return self.fail(key(at, name), true, format!("unknown key `{name}` in a match expression{hint}"));
            }
        }
        if let Some(combinator) = COMBINATORS.iter().find(|c| map.contains_key(**c)) {
            return self.combinator(combinator, map, at);
        }
        let Some(condition) = map.get("Condition") else {
            return self.fail(
                at.to_vec(),
                false,
                "a match expression needs `Condition` (or `All`, `Any`, `OnlyOne`, `None`)".into(),
            );
        };
        let Some(name) = condition.as_str() else {
            return self.fail(key(at, "Condition"), false, "`Condition` is a condition name such as `Equals`".into());
        };
        if let Some(value) = match name {
            "AlwaysTrue" => Some(true),
            "AlwaysFalse" => Some(false),
            _ => None,
        } {
            self.only(map, at, &["Condition"], name);
            return Expr::Const(value);
        }
        if let Some((_, quantifier)) = QUANTIFIERS.iter().find(|(n, _)| *n == name) {
            self.only(map, at, &["KeyPath", "Key", "DeepKey", "Condition", "Expressions"], name);
            return self.comprehension(*quantifier, map, at);
        }
        let Some((_, lowering)) = CONDITIONS.iter().find(|(n, _)| *n == name) else {
            let hint = did_you_mean(name, condition_names());
            let message = if hint.is_empty() {
                format!("unknown condition `{name}`; conditions: {}", condition_names().collect::<Vec<_>>().join(", "))
            } else {
                format!("unknown condition `{name}`{hint}")
            };
            return self.fail(key(at, "Condition"), false, message);
        };
        if let Some(Value::Sequence(items)) = map.get("Values") {
            if !items.is_empty() && items.iter().all(Value::is_mapping) {
                self.only(map, at, &["Condition", "Values"], "a key-to-key comparison");
                return self.key_to_key(name, *lowering, items, at);
            }
        }
        self.only(map, at, &["KeyPath", "Key", "DeepKey", "Condition", "Value", "Values"], name);
        self.comparison(name, *lowering, map, at)
    }

    /// Reports the first key of `map` that `form` does not take: keys are never silently ignored.
    fn only(&mut self, map: &Mapping, at: &[Step], allowed: &[&str], form: &str) {
        if let Some(extra) = map.keys().filter_map(Value::as_str).find(|k| !allowed.contains(k)) {
            self.fail(
                key(at, extra),
                true,
                format!("`{extra}` does not apply to `{form}`; it takes {}", allowed.join(", ")),
            );
        }
    }

    fn combinator(&mut self, combinator: &str, map: &Mapping, at: &[Step]) -> Expr {
        if map.len() > 1 {
            return self.fail(at.to_vec(), false, format!("`{combinator}` stands alone in its match expression"));
        }
        let inner_at = key(at, combinator);
        let Some(Value::Sequence(items)) = map.get(combinator) else {
            return self.fail(inner_at, false, format!("`{combinator}` takes a list of match expressions"));
        };
        if items.is_empty() {
            return self.fail(inner_at, false, format!("`{combinator}` has no match expressions"));
        }
        let items: Vec<Expr> =
            items.iter().enumerate().map(|(i, item)| self.expression(item, &step(&inner_at, Step::Index(i)))).collect();
        match combinator {
            "All" => Expr::And(items),
            "Any" => Expr::Or(items),
            "OnlyOne" => Expr::OneOf(items),
            _ => Expr::Not(Box::new(Expr::Or(items))),
        }
    }

    fn comprehension(&mut self, quantifier: Quantifier, map: &Mapping, at: &[Step]) -> Expr {
        let Some(path) = self.path(map, at) else { return Expr::Const(false) };
        let Some(expressions) = map.get("Expressions") else {
            return self.fail(
                at.to_vec(),
                false,
                "a list condition needs `Expressions`, the match expressions each element is tested with".into(),
            );
        };
        let body = self.list(expressions, &key(at, "Expressions"));
        Expr::Each { quantifier, path, body: Box::new(body) }
    }

    fn key_to_key(&mut self, name: &str, lowering: Lowering, items: &[Value], at: &[Step]) -> Expr {
        let op = match lowering {
            Lowering::Op(Op::Eq) => Op::EqField,
            Lowering::Op(Op::Ne) => Op::NeField,
            _ => {
                return self.fail(
                    key(at, "Condition"),
                    false,
                    format!("`{name}` cannot compare two keys; key-to-key comparison takes `Equals` or `DoesNotEqual`"),
                );
            }
        };
        let values_at = key(at, "Values");
        if items.len() != 2 {
            return self.fail(
                values_at,
                false,
                "key-to-key comparison takes exactly two keys: `[{KeyPath: a}, {KeyPath: b}]`".into(),
            );
        }
        let mut paths = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let item_at = step(&values_at, Step::Index(i));
            let Value::Mapping(item) = item else { unreachable!("checked to be mappings") };
            self.only(item, &item_at, &["KeyPath", "Key", "DeepKey"], "a key in a key-to-key comparison");
            if let Some(path) = self.path(item, &item_at) {
                paths.push(path);
            }
        }
        let [path, other]: [KeyPath; 2] = match paths.try_into() {
            Ok(pair) => pair,
            Err(_) => return Expr::Const(false),
        };
        Expr::Predicate(Predicate {
            path,
            op,
            operand: Some(Operand::Field { path: other, offset: Offset::default() }),
        })
    }

    fn comparison(&mut self, name: &str, lowering: Lowering, map: &Mapping, at: &[Step]) -> Expr {
        let Some(path) = self.path(map, at) else { return Expr::Const(false) };
        let predicate = |op: Op, operand: Option<Literal>| {
            Expr::Predicate(Predicate { path: path.clone(), op, operand: operand.map(Operand::Literal) })
        };
        let op = match lowering {
            Lowering::Op(op) | Lowering::NotOp(op) => op,
            Lowering::AbsentOrNull | Lowering::PresentAndNotNull => {
                let absent_or_null =
                    Expr::Or(vec![predicate(Op::NotExists, None), predicate(Op::Eq, Some(Literal::Null))]);
                return if matches!(lowering, Lowering::AbsentOrNull) {
                    absent_or_null
                } else {
                    Expr::Not(Box::new(absent_or_null))
                };
            }
        };
        let operand = match op.operand_kind() {
            OperandKind::None => {
                if let Some(extra) = ["Value", "Values"].iter().find(|k| map.contains_key(**k)) {
                    return self.fail(key(at, extra), true, format!("`{name}` takes no `{extra}`"));
                }
                None
            }
            kind => match self.operand(name, kind, map, at) {
                Some(literal) => {
                    if let Err(message) = condition::literal_operand(op, &literal) {
                        let message =
                            message.strip_prefix(&format!("`{}` ", op.name())).unwrap_or(&message).to_string();
                        let which = if map.contains_key("Values") { "Values" } else { "Value" };
                        return self.fail(key(at, which), false, format!("`{name}` {message}"));
                    }
                    Some(literal)
                }
                None => return Expr::Const(false),
            },
        };
        let expr = predicate(op, operand);
        if matches!(lowering, Lowering::NotOp(_)) { Expr::Not(Box::new(expr)) } else { expr }
    }

    /// The operand from `Value` or `Values`: a list for list operators (a single `Value` counts
    /// as a list of one), a scalar otherwise.
    fn operand(&mut self, name: &str, kind: OperandKind, map: &Mapping, at: &[Step]) -> Option<Literal> {
        let takes_list = matches!(kind, OperandKind::List | OperandKind::Strings);
        let (which, value) = match (map.get("Value"), map.get("Values")) {
            (Some(_), Some(_)) => {
                self.fail(key(at, "Values"), true, format!("`{name}` takes `Value` or `Values`, not both"));
                return None;
            }
            (Some(value), None) => ("Value", value),
            (None, Some(values)) => ("Values", values),
            (None, None) => {
                let wanted = if takes_list { "Values" } else { "Value" };
                self.fail(at.to_vec(), false, format!("`{name}` needs `{wanted}`"));
                return None;
            }
        };
        let literal = match literal(value) {
            Ok(literal) => literal,
            Err(message) => {
                self.fail(key(at, which), false, message);
                return None;
            }
        };
        Some(match (takes_list, literal) {
            (true, Literal::List(items)) => Literal::List(items),
            (true, single) => Literal::List(vec![single]),
            (false, other) => other,
        })
    }

    /// The path named by `KeyPath`, `Key` or `DeepKey` (exactly one of them).
    fn path(&mut self, map: &Mapping, at: &[Step]) -> Option<KeyPath> {
        let given: Vec<&str> = ["KeyPath", "Key", "DeepKey"].into_iter().filter(|k| map.contains_key(*k)).collect();
        match given.as_slice() {
            [] => {
                self.fail(
                    at.to_vec(),
                    false,
                    "a match expression needs the key it tests: `KeyPath`, `Key` or `DeepKey`".into(),
                );
                None
            }
            [one] => {
                let value = &map[*one];
                let result = match *one {
                    "KeyPath" => value
                        .as_str()
                        .ok_or_else(|| "`KeyPath` is a string such as `identity.roles`".to_string())
                        .and_then(|text| KeyPath::parse(text).map_err(|e| format!("bad `KeyPath`: {e}"))),
                    "Key" => value
                        .as_str()
                        .map(|k| KeyPath { segments: vec![Segment::Key(k.to_string())] })
                        .ok_or_else(|| "`Key` is a top-level key name".to_string()),
                    _ => deep_key(value),
                };
                result.map_err(|message| self.fail(key(at, one), false, message)).ok()
            }
            [first, second, ..] => {
                self.fail(
                    key(at, second),
                    true,
                    format!("give one of `KeyPath`, `Key` and `DeepKey`, not `{first}` and `{second}`"),
                );
                None
            }
        }
    }
}

/// `DeepKey: [identity, roles, 0]`.
fn deep_key(value: &Value) -> Result<KeyPath, String> {
    let wrong =
        || "`DeepKey` is a list of keys and array indices, starting with a key: `[identity, roles, 0]`".to_string();
    let Value::Sequence(items) = value else { return Err(wrong()) };
    let segments: Vec<Segment> = items
        .iter()
        .map(|item| match item {
            Value::String(k) => Ok(Segment::Key(k.clone())),
            Value::Number(n) => n.as_u64().and_then(|i| usize::try_from(i).ok()).map(Segment::Index).ok_or_else(wrong),
            _ => Err(wrong()),
        })
        .collect::<Result<_, _>>()?;
    match segments.first() {
        Some(Segment::Key(_)) => Ok(KeyPath { segments }),
        _ => Err(wrong()),
    }
}

/// A YAML value as a literal operand.
fn literal(value: &Value) -> Result<Literal, String> {
    Ok(match value {
        Value::Null => Literal::Null,
        Value::Bool(b) => Literal::Bool(*b),
        Value::Number(n) => {
            let number = if let Some(i) = n.as_i64() {
                serde_json::Number::from(i)
            } else if let Some(u) = n.as_u64() {
                serde_json::Number::from(u)
            } else {
                n.as_f64()
                    .and_then(serde_json::Number::from_f64)
                    .ok_or_else(|| format!("`{n}` is not a finite number"))?
            };
            Literal::Number(number)
        }
        Value::String(s) => Literal::String(s.clone()),
        Value::Sequence(items) => Literal::List(items.iter().map(literal).collect::<Result<_, _>>()?),
        Value::Mapping(_) | Value::Tagged(_) => {
            return Err("a value is a string, number, boolean, null or a list of them".into());
        }
    })
}

#[cfg(test)]
mod tests;

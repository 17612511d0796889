//! The one condition IR. Every way of writing a condition lowers into [`Expr`]; code generation,
//! analysis and documentation read only this.

use std::fmt;

use crate::path::KeyPath;

/// A boolean expression over one event.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// All items hold (an empty list holds).
    And(Vec<Expr>),
    /// At least one item holds.
    Or(Vec<Expr>),
    Not(Box<Expr>),
    Predicate(Predicate),
}

/// `path op operand`, or `path op` for unary operators.
#[derive(Debug, Clone, PartialEq)]
pub struct Predicate {
    pub path: KeyPath,
    pub op: Op,
    /// `None` exactly when `op` is unary.
    pub operand: Option<Literal>,
}

/// A literal operand.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    String(String),
    List(Vec<Literal>),
}

/// What an operator expects on its right-hand side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperandKind {
    /// No operand: `argv is_null`.
    None,
    /// Any scalar or list literal.
    Any,
    /// A string: `path starts_with "/tmp"`.
    String,
    /// A list of scalars: `program in ["nmap", "arp"]`.
    List,
    /// A scalar: `argv contains "-v"`.
    Scalar,
}

macro_rules! ops {
    ($($variant:ident $name:literal $kind:ident $doc:literal,)*) => {
        /// A predicate operator of the condition language (RULES.md section 3).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Op {
            $(#[doc = $doc] $variant,)*
        }

        impl Op {
            /// Every operator, in the order of RULES.md.
            pub const ALL: &[Op] = &[$(Op::$variant,)*];

            /// The operator as written in the condition language.
            pub fn name(self) -> &'static str {
                match self { $(Op::$variant => $name,)* }
            }

            /// What the operator takes on its right-hand side.
            pub fn operand_kind(self) -> OperandKind {
                match self { $(Op::$variant => OperandKind::$kind,)* }
            }
        }
    };
}

ops! {
    Eq "eq" Any "Equal, with no type coercion; numbers compare by value.",
    Ne "ne" Any "Not `eq`; true when the path is absent.",
    In "in" List "The value, or any element of a list value, is one of the list.",
    NotIn "not_in" List "Not `in`.",
    Contains "contains" Scalar "A string contains the substring; a list has an equal element.",
    NotContains "not_contains" Scalar "Not `contains`.",
    StartsWith "starts_with" String "A string starts with the operand.",
    EndsWith "ends_with" String "A string ends with the operand.",
    IsNull "is_null" None "Absent, null, \"\", [] or {}.",
    IsNotNull "is_not_null" None "Not `is_null`.",
    Exists "exists" None "The key is present, even if null.",
    NotExists "not_exists" None "The key is absent.",
}

impl Op {
    /// Looks an operator up by its condition-language name.
    pub fn from_name(name: &str) -> Option<Op> {
        Op::ALL.iter().copied().find(|op| op.name() == name)
    }
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Null => f.write_str("null"),
            Literal::Bool(b) => write!(f, "{b}"),
            Literal::Number(n) => write!(f, "{n}"),
            Literal::String(s) => write!(f, "{}", serde_json::Value::String(s.clone())),
            Literal::List(items) => {
                f.write_str("[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_str("]")
            }
        }
    }
}

impl fmt::Display for Predicate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.path, self.op.name())?;
        if let Some(operand) = &self.operand {
            write!(f, " {operand}")?;
        }
        Ok(())
    }
}

/// Binding strength, loosest first, for printing with the fewest parentheses.
fn precedence(expr: &Expr) -> u8 {
    match expr {
        Expr::Or(_) => 0,
        Expr::And(_) => 1,
        Expr::Not(_) => 2,
        Expr::Predicate(_) => 3,
    }
}

fn write_operand(f: &mut fmt::Formatter<'_>, expr: &Expr, min: u8) -> fmt::Result {
    if precedence(expr) < min { write!(f, "({expr})") } else { write!(f, "{expr}") }
}

impl fmt::Display for Expr {
    /// Prints the expression in the condition language; it parses back to the same IR.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::And(items) | Expr::Or(items) => {
                let (word, min) = if matches!(self, Expr::And(_)) { (" and ", 2) } else { (" or ", 1) };
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(word)?;
                    }
                    write_operand(f, item, min)?;
                }
                Ok(())
            }
            Expr::Not(inner) => {
                f.write_str("not ")?;
                write_operand(f, inner, 2)
            }
            Expr::Predicate(p) => write!(f, "{p}"),
        }
    }
}

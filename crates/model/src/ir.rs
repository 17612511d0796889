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
    /// Exactly one item holds (Panther's `OnlyOne`).
    OneOf(Vec<Expr>),
    /// A quantifier over the elements of the list at `path`. The body's paths are relative to an
    /// element. Absent or non-list values have no elements.
    Each {
        quantifier: Quantifier,
        path: KeyPath,
        body: Box<Expr>,
    },
    /// `true` or `false` (Panther's `AlwaysTrue` / `AlwaysFalse`).
    Const(bool),
    Predicate(Predicate),
}

impl Expr {
    /// The key paths read from the value the expression is evaluated on, in first-use order,
    /// without repeats: predicate paths, field operands and quantified lists, but not the paths
    /// inside quantifier bodies, which are relative to list elements.
    pub fn paths(&self) -> Vec<&KeyPath> {
        let mut out = Vec::new();
        self.collect_paths(&mut out);
        out
    }

    fn collect_paths<'e>(&'e self, out: &mut Vec<&'e KeyPath>) {
        let mut add = |path: &'e KeyPath| {
            if !out.contains(&path) {
                out.push(path);
            }
        };
        match self {
            Expr::And(items) | Expr::Or(items) | Expr::OneOf(items) => {
                for item in items {
                    item.collect_paths(out);
                }
            }
            Expr::Not(inner) => inner.collect_paths(out),
            Expr::Each { path, .. } => add(path),
            Expr::Const(_) => {}
            Expr::Predicate(p) => {
                add(&p.path);
                if let Some(Operand::Field { path, .. }) = &p.operand {
                    add(path);
                }
            }
        }
    }
}

/// How many elements of a list must satisfy an [`Expr::Each`] body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantifier {
    /// At least one (`any`; Panther's `AnyElement`).
    Any,
    /// Every one, so true for an empty list (`all`; `AllElements`).
    All,
    /// Exactly one (`one`; `OnlyOneElement`).
    One,
    /// None (`none`; `NoElement`).
    None,
}

impl Quantifier {
    pub const ALL: &[Quantifier] = &[Quantifier::Any, Quantifier::All, Quantifier::One, Quantifier::None];

    /// The keyword in the condition language.
    pub fn keyword(self) -> &'static str {
        match self {
            Quantifier::Any => "any",
            Quantifier::All => "all",
            Quantifier::One => "one",
            Quantifier::None => "none",
        }
    }
}

/// `path op operand`, or `path op` for unary operators.
#[derive(Debug, Clone, PartialEq)]
pub struct Predicate {
    pub path: KeyPath,
    pub op: Op,
    /// `None` exactly when `op` is unary.
    pub operand: Option<Operand>,
}

/// The right-hand side of a predicate.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    Literal(Literal),
    /// Another value of the same event: `user eq_field login`, `identity.expires after time + 12h`.
    Field {
        path: KeyPath,
        offset: Offset,
    },
}

/// A signed duration added to a time operand, kept as written (`+ 12h`) for printing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Offset {
    pub seconds: i64,
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
    /// Any literal: `event eq "session.command"`.
    Any,
    /// A string: `path starts_with "/tmp"`.
    String,
    /// A list of scalars: `program in ["nmap", "arp"]`.
    List,
    /// A list of strings: `program iin ["NMAP", "arp"]`.
    Strings,
    /// A scalar: `argv contains "-v"`.
    Scalar,
    /// A number: `return_code gt 0`.
    Number,
    /// A regular expression, as a string: `program matches "^nc(at)?$"`.
    Regex,
    /// A shell pattern, as a string: `path glob "/tmp/*.sh"`.
    Glob,
    /// A CIDR or a list of them: `src_addr cidr ["10.0.0.0/8", "fd00::/8"]`.
    Cidrs,
    /// An IP address or a list of them: `allowed cidr_contains "10.1.2.3"`.
    Ips,
    /// Another key path: `user eq_field login`.
    Field,
    /// A time: a key path with an optional offset (`time + 12h`) or an RFC 3339 string.
    Time,
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
    IEq "ieq" String "`eq` on strings, ignoring case.",
    IContains "icontains" String "`contains` ignoring case.",
    IStartsWith "istarts_with" String "`starts_with` ignoring case.",
    IEndsWith "iends_with" String "`ends_with` ignoring case.",
    IIn "iin" Strings "`in` on strings, ignoring case.",
    Matches "matches" Regex "A string has a match of the regular expression anywhere.",
    Glob "glob" Glob "A whole string matches the shell pattern.",
    Gt "gt" Number "A number greater than the operand.",
    Ge "ge" Number "A number greater than or equal to the operand.",
    Lt "lt" Number "A number less than the operand.",
    Le "le" Number "A number less than or equal to the operand.",
    Cidr "cidr" Cidrs "An IP address inside the CIDR, or any of the CIDRs.",
    CidrContains "cidr_contains" Ips "A CIDR that contains every one of the addresses.",
    IsIp "is_ip" None "An IPv4 or IPv6 address.",
    IsIpv4 "is_ipv4" None "An IPv4 address.",
    IsIpv6 "is_ipv6" None "An IPv6 address.",
    IsPublicIp "is_public_ip" None "A globally routable IP address (Python's `is_global`).",
    IsPrivateIp "is_private_ip" None "A private-use IP address (Python's `is_private`).",
    IsNull "is_null" None "Absent, null, \"\", [] or {}.",
    IsNotNull "is_not_null" None "Not `is_null`.",
    Exists "exists" None "The key is present, even if null.",
    NotExists "not_exists" None "The key is absent.",
    EqField "eq_field" Field "Equal to the value at another path.",
    NeField "ne_field" Field "Not `eq_field`.",
    Before "before" Time "A time strictly before the operand time.",
    After "after" Time "A time strictly after the operand time.",
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

impl Op {
    /// Whether the operator is the negation of another (`ne` of `eq`, ...), which it is
    /// generated as; RULES.md's "true on an absent path" list is exactly these.
    pub fn positive(self) -> Option<Op> {
        match self {
            Op::Ne => Some(Op::Eq),
            Op::NotIn => Some(Op::In),
            Op::NotContains => Some(Op::Contains),
            Op::IsNotNull => Some(Op::IsNull),
            Op::NotExists => Some(Op::Exists),
            Op::NeField => Some(Op::EqField),
            _ => None,
        }
    }
}

impl fmt::Display for Offset {
    /// `+ 12h`, `- 90m`, `+ 1h30m5s`, `+ 48h` (no days: the parser takes hours, minutes and
    /// seconds); nothing for zero.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.seconds == 0 {
            return Ok(());
        }
        write!(f, " {} ", if self.seconds < 0 { '-' } else { '+' })?;
        let mut rest = self.seconds.unsigned_abs();
        for (unit, size) in [("h", 3_600), ("m", 60), ("s", 1)] {
            if rest >= size {
                write!(f, "{}{unit}", rest / size)?;
                rest %= size;
            }
        }
        Ok(())
    }
}

impl fmt::Display for Operand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Operand::Literal(literal) => write!(f, "{literal}"),
            Operand::Field { path, offset } => write!(f, "{path}{offset}"),
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
        Expr::OneOf(_) | Expr::Each { .. } | Expr::Const(_) | Expr::Predicate(_) => 3,
    }
}

fn write_operand(f: &mut fmt::Formatter<'_>, expr: &Expr, min: u8) -> fmt::Result {
    if precedence(expr) < min { write!(f, "({expr})") } else { write!(f, "{expr}") }
}

impl fmt::Display for Expr {
    /// Prints the expression in the condition language; it parses back to the same IR.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::And(items) if items.is_empty() => f.write_str("true"),
            Expr::Or(items) if items.is_empty() => f.write_str("false"),
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
            Expr::OneOf(items) => {
                f.write_str("one_of(")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_str(")")
            }
            Expr::Each { quantifier, path, body } => write!(f, "{} {path} ({body})", quantifier.keyword()),
            Expr::Const(value) => write!(f, "{value}"),
            Expr::Predicate(p) => write!(f, "{p}"),
        }
    }
}

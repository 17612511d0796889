//! A recursive-descent parser from condition-language text to the IR.
//!
//! Grammar, loosest first: `or` < `and` < `not` < parentheses and predicates.
//! A predicate is `path op operand` or `path unary-op`.

use super::checks;
use crate::ir::{Expr, Literal, Offset, Op, Operand, OperandKind, Predicate, Quantifier};
use crate::path::{self, KeyPath};
use crate::suggest::did_you_mean;

/// A condition that does not parse: what is wrong and the byte offset where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SyntaxError {
    pub offset: usize,
    pub message: String,
}

/// Parses one condition string into the IR.
pub fn parse(text: &str) -> Result<Expr, SyntaxError> {
    let mut parser = Parser { text, pos: 0, depth: 0 };
    let expr = parser.or()?;
    parser.skip_space();
    if parser.pos < text.len() {
        return Err(parser.error(format!("expected `and`, `or` or the end of the condition, found {}", parser.found())));
    }
    Ok(expr)
}

/// Comparison symbols of other languages, longest first, for hints.
const SYMBOLS: &[(&str, Op)] =
    &[(">=", Op::Ge), ("<=", Op::Le), ("==", Op::Eq), ("!=", Op::Ne), (">", Op::Gt), ("<", Op::Lt), ("=", Op::Eq)];

/// How other languages (Sigma modifiers, SQL, Python, Panther's names) spell operators, for hints.
const FOREIGN_SPELLINGS: &[(&str, Op)] = &[
    ("equals", Op::Eq),
    ("not_equals", Op::Ne),
    ("re", Op::Matches),
    ("regex", Op::Matches),
    ("like", Op::Glob),
    ("isin", Op::In),
    ("has", Op::Contains),
];

/// How deeply `not`, parentheses and quantifiers may nest: enough for any real rule, and far
/// from what would overflow the compiler's stack.
const MAX_DEPTH: usize = 100;

struct Parser<'t> {
    text: &'t str,
    pos: usize,
    depth: usize,
}

impl<'t> Parser<'t> {
    fn rest(&self) -> &'t str {
        &self.text[self.pos..]
    }

    fn error(&self, message: String) -> SyntaxError {
        SyntaxError { offset: self.pos, message }
    }

    fn skip_space(&mut self) {
        let trimmed = self.rest().trim_start();
        self.pos = self.text.len() - trimmed.len();
    }

    /// The word (or single punctuation character) at the cursor, for messages.
    fn word_ahead(&self) -> &str {
        let rest = self.rest();
        let len = rest.char_indices().find(|&(_, c)| !path::is_bare_key_char(c)).map_or(rest.len(), |(i, _)| i);
        if len > 0 { &rest[..len] } else { rest.chars().next().map_or("", |c| &rest[..c.len_utf8()]) }
    }

    /// What stands at the cursor, quoted, for "found ..." in messages.
    fn found(&self) -> String {
        match self.word_ahead() {
            "" => "the end of the condition".to_string(),
            word => format!("`{word}`"),
        }
    }

    /// Consumes `keyword` if it stands at the cursor as a whole word.
    fn keyword(&mut self, keyword: &str) -> bool {
        self.skip_space();
        let rest = self.rest();
        let whole_word = rest.starts_with(keyword)
            && !rest[keyword.len()..].starts_with(path::is_bare_key_char)
            && !rest[keyword.len()..].starts_with(['.', '[']);
        if whole_word {
            self.pos += keyword.len();
        }
        whole_word
    }

    fn punct(&mut self, c: char) -> bool {
        self.skip_space();
        if self.rest().starts_with(c) {
            self.pos += c.len_utf8();
            true
        } else {
            false
        }
    }

    fn or(&mut self) -> Result<Expr, SyntaxError> {
        let mut items = vec![self.and()?];
        while self.keyword("or") {
            items.push(self.and()?);
        }
        Ok(if items.len() == 1 { items.remove(0) } else { Expr::Or(items) })
    }

    fn and(&mut self) -> Result<Expr, SyntaxError> {
        let mut items = vec![self.unary()?];
        while self.keyword("and") {
            items.push(self.unary()?);
        }
        Ok(if items.len() == 1 { items.remove(0) } else { Expr::And(items) })
    }

    fn unary(&mut self) -> Result<Expr, SyntaxError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error(format!("the condition nests deeper than {MAX_DEPTH} levels; split it")));
        }
        let expr = self.unary_inner();
        self.depth -= 1;
        expr
    }

    fn unary_inner(&mut self) -> Result<Expr, SyntaxError> {
        if self.keyword("not") {
            return Ok(Expr::Not(Box::new(self.unary()?)));
        }
        if self.punct('(') {
            let inner = self.or()?;
            self.close()?;
            return Ok(inner);
        }
        if let Some(expr) = self.constant() {
            return Ok(expr);
        }
        let start = self.pos;
        if self.keyword("one_of") {
            if self.punct('(') {
                let mut items = vec![self.or()?];
                while self.punct(',') {
                    items.push(self.or()?);
                }
                self.close()?;
                return Ok(Expr::OneOf(items));
            }
            self.pos = start;
        }
        if let Some(expr) = self.quantified()? {
            return Ok(expr);
        }
        self.predicate()
    }

    fn close(&mut self) -> Result<(), SyntaxError> {
        if self.punct(')') { Ok(()) } else { Err(self.error(format!("expected `)`, found {}", self.found()))) }
    }

    /// `true` or `false` standing alone (not a key named so, as in `true eq 1`).
    fn constant(&mut self) -> Option<Expr> {
        let start = self.pos;
        for (word, value) in [("true", true), ("false", false)] {
            if self.keyword(word) {
                self.skip_space();
                let rest = self.rest();
                let ends = rest.is_empty() || rest.starts_with([')', ',']);
                let before_connective = {
                    let mut probe = Parser { text: self.text, pos: self.pos, depth: 0 };
                    probe.keyword("and") || probe.keyword("or")
                };
                if ends || before_connective {
                    return Some(Expr::Const(value));
                }
                self.pos = start;
            }
        }
        None
    }

    /// `any path (body)`, `all ...`, `one ...`, `none ...`; `None` (and nothing consumed) when the
    /// keyword is really a key, as in `any eq 1`.
    fn quantified(&mut self) -> Result<Option<Expr>, SyntaxError> {
        let start = self.pos;
        for &quantifier in Quantifier::ALL {
            if !self.keyword(quantifier.keyword()) {
                continue;
            }
            self.skip_space();
            if let Ok((path, end)) = path::parse_prefix(self.text, self.pos) {
                self.pos = end;
                if self.punct('(') {
                    let body = self.or()?;
                    self.close()?;
                    return Ok(Some(Expr::Each { quantifier, path, body: Box::new(body) }));
                }
            }
            self.pos = start;
        }
        Ok(None)
    }

    fn predicate(&mut self) -> Result<Expr, SyntaxError> {
        self.skip_space();
        if self.pos == self.text.len() {
            return Err(
                self.error("expected a predicate such as `program eq \"nmap\"`, found the end of the condition".into())
            );
        }
        let (path, end) = path::parse_prefix(self.text, self.pos)
            .map_err(|e| SyntaxError { offset: e.offset, message: e.message })?;
        self.pos = end;
        let op = self.operator(&path)?;
        let operand = match op.operand_kind() {
            OperandKind::None => None,
            kind => Some(self.operand(op, kind)?),
        };
        Ok(Expr::Predicate(Predicate { path, op, operand }))
    }

    fn operator(&mut self, path: &KeyPath) -> Result<Op, SyntaxError> {
        self.skip_space();
        let word = self.word_ahead();
        if let Some(op) = Op::from_name(word) {
            self.pos += word.len();
            return Ok(op);
        }
        let names = Op::ALL.iter().map(|op| op.name());
        let rest = self.rest();
        let symbol = SYMBOLS.iter().find(|(symbol, _)| rest.starts_with(symbol));
        let word = symbol.map_or(word, |(symbol, _)| symbol);
        let found = if self.pos == self.text.len() { "nothing".to_string() } else { format!("`{word}`") };
        if let Some(keyword) = ["not", "and", "or"].iter().find(|k| path.to_string().eq_ignore_ascii_case(k)) {
            return Err(
                self.error(format!("expected an operator after `{path}`; keywords are lower case: write `{keyword}`"))
            );
        }
        let alias = SYMBOLS.iter().chain(FOREIGN_SPELLINGS).find(|(foreign, _)| foreign.eq_ignore_ascii_case(word));
        let hint = match (alias, did_you_mean(word, names.clone())) {
            (Some((_, op)), _) => format!(" (write `{}`)", op.name()),
            (None, hint) if hint.is_empty() => format!("; operators: {}", names.collect::<Vec<_>>().join(", ")),
            (None, hint) => hint,
        };
        Err(self.error(format!("expected an operator after `{path}`, found {found}{hint}")))
    }

    fn operand(&mut self, op: Op, kind: OperandKind) -> Result<Operand, SyntaxError> {
        self.skip_space();
        let start = self.pos;
        if kind == OperandKind::Field || (kind == OperandKind::Time && !self.rest().starts_with('"')) {
            return self.field_operand(op);
        }
        let literal = self.literal()?;
        checks::literal_operand(op, &literal).map_err(|message| SyntaxError { offset: start, message })?;
        Ok(Operand::Literal(literal))
    }

    /// A key path operand, with `+ duration` or `- duration` for time operators.
    fn field_operand(&mut self, op: Op) -> Result<Operand, SyntaxError> {
        if self.pos == self.text.len() {
            return Err(self.error(format!("`{}` takes a key path, e.g. `login`, found nothing", op.name())));
        }
        let (path, end) = path::parse_prefix(self.text, self.pos)
            .map_err(|e| SyntaxError { offset: e.offset, message: e.message })?;
        self.pos = end;
        let mut offset = Offset::default();
        if op.operand_kind() == OperandKind::Time {
            let sign = if self.punct('+') {
                1
            } else if self.punct('-') {
                -1
            } else {
                0
            };
            if sign != 0 {
                self.skip_space();
                let token = self.word_ahead();
                let seconds = checks::duration(token).map_err(|message| self.error(message))?;
                self.pos += token.len();
                offset = Offset { seconds: sign * seconds };
            }
        }
        Ok(Operand::Field { path, offset })
    }

    fn literal(&mut self) -> Result<Literal, SyntaxError> {
        self.skip_space();
        let rest = self.rest();
        if rest.starts_with('"') {
            let end = path::quoted_end(rest).ok_or_else(|| self.error("unterminated string".into()))?;
            let value: String = serde_json::from_str(&rest[..end]).map_err(|e| {
                // Point at the problem inside the string, not at "line 1 column N" of it.
                let mut offset = (self.pos + e.column().saturating_sub(1)).min(self.text.len());
                while !self.text.is_char_boundary(offset) {
                    offset -= 1;
                }
                let message = e.to_string();
                let message = message.split(" at line ").next().unwrap_or_default();
                SyntaxError { offset, message: format!("bad string literal: {message}") }
            })?;
            self.pos += end;
            return Ok(Literal::String(value));
        }
        if self.punct('[') {
            let mut items = Vec::new();
            if self.punct(']') {
                return Ok(Literal::List(items));
            }
            loop {
                items.push(self.literal()?);
                if self.punct(']') {
                    return Ok(Literal::List(items));
                }
                if !self.punct(',') {
                    return Err(self.error(format!("expected `,` or `]` in list, found {}", self.found())));
                }
            }
        }
        for (word, literal) in [("true", Literal::Bool(true)), ("false", Literal::Bool(false)), ("null", Literal::Null)]
        {
            if self.keyword(word) {
                return Ok(literal);
            }
        }
        let len = rest
            .char_indices()
            .find(|&(_, c)| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '+' | '.')))
            .map_or(rest.len(), |(i, _)| i);
        match serde_json::from_str(&rest[..len]) {
            Ok(serde_json::Value::Number(n)) => {
                self.pos += len;
                return Ok(Literal::Number(n));
            }
            Err(e) if e.to_string().starts_with("number out of range") => {
                return Err(self.error(format!("`{}` is a number beyond what vigil can hold (an `f64`)", &rest[..len])));
            }
            _ => {}
        }
        Err(self.error(format!(
            "expected a literal (\"string\", number, true, false, null or [list]), found {}",
            self.found()
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pred(path: &str, op: Op, operand: Option<Literal>) -> Expr {
        Expr::Predicate(Predicate { path: KeyPath::parse(path).unwrap(), op, operand: operand.map(Operand::Literal) })
    }

    fn s(v: &str) -> Literal {
        Literal::String(v.into())
    }

    #[test]
    fn parses_the_seed_condition() {
        let expr = parse(r#"not (event eq "session.command" and argv is_null)"#).unwrap();
        assert_eq!(
            expr,
            Expr::Not(Box::new(Expr::And(vec![
                pred("event", Op::Eq, Some(s("session.command"))),
                pred("argv", Op::IsNull, None),
            ])))
        );
        let expr = parse(r#"program in ["arp", "arp-scan", "fping", "nmap"]"#).unwrap();
        assert_eq!(
            expr,
            pred("program", Op::In, Some(Literal::List(vec![s("arp"), s("arp-scan"), s("fping"), s("nmap")])))
        );
    }

    #[test]
    fn or_binds_looser_than_and_and_not_binds_tightest() {
        let expr = parse("a exists or not b exists and c exists").unwrap();
        assert_eq!(
            expr,
            Expr::Or(vec![
                pred("a", Op::Exists, None),
                Expr::And(vec![Expr::Not(Box::new(pred("b", Op::Exists, None))), pred("c", Op::Exists, None)]),
            ])
        );
    }

    #[test]
    fn parses_every_literal_kind() {
        let expr = parse(r#"x eq [null, true, false, -1.5e3, 7, "a\"b\u00e9"]"#).unwrap();
        let Expr::Predicate(p) = expr else { panic!() };
        assert_eq!(p.operand.unwrap().to_string(), r#"[null, true, false, -1500.0, 7, "a\"bé"]"#);
    }

    #[test]
    fn keys_that_look_like_keywords_are_paths() {
        assert_eq!(parse("notes exists").unwrap(), pred("notes", Op::Exists, None));
        assert_eq!(parse("order.x exists").unwrap(), pred("order.x", Op::Exists, None));
    }

    #[test]
    fn parses_constants_one_of_and_quantifiers_but_keeps_such_keys_usable() {
        assert_eq!(parse("true").unwrap(), Expr::Const(true));
        assert_eq!(parse("(false or true)").unwrap(), Expr::Or(vec![Expr::Const(false), Expr::Const(true)]));
        assert_eq!(parse("true eq 1").unwrap(), pred("true", Op::Eq, Some(Literal::Number(1.into()))));
        assert_eq!(
            parse("one_of(a exists, b exists)").unwrap(),
            Expr::OneOf(vec![pred("a", Op::Exists, None), pred("b", Op::Exists, None)])
        );
        assert_eq!(
            parse(r#"any records (name eq "x" and not ok exists)"#).unwrap(),
            Expr::Each {
                quantifier: Quantifier::Any,
                path: KeyPath::parse("records").unwrap(),
                body: Box::new(Expr::And(vec![
                    pred("name", Op::Eq, Some(s("x"))),
                    Expr::Not(Box::new(pred("ok", Op::Exists, None))),
                ])),
            }
        );
        assert_eq!(parse("any exists").unwrap(), pred("any", Op::Exists, None));
        assert_eq!(parse("none eq 1").unwrap(), pred("none", Op::Eq, Some(Literal::Number(1.into()))));
        assert_eq!(parse("one_of exists").unwrap(), pred("one_of", Op::Exists, None));
    }

    #[test]
    fn operands_are_checked_when_the_rule_compiles() {
        let cases: &[(&str, &str)] = &[
            (r#"x matches "(unclosed""#, "`matches` bad regular expression"),
            (r#"x cidr "10.1.0.0/8""#, "`cidr` `10.1.0.0/8` has host bits set; did you mean `10.0.0.0/8`?"),
            ("x cidr []", "`cidr` takes a CIDR or a list of CIDRs"),
            (r#"x gt "5""#, "`gt` takes a number"),
            (r#"x iin ["a", 1]"#, "`iin` takes a list of strings"),
            (r#"x after "yesterday""#, "`after` `yesterday` is not an RFC 3339 time"),
            ("x after time + 12", "`12` is not a duration"),
            ("x eq_field", "`eq_field` takes a key path"),
        ];
        for (text, message) in cases {
            let err = parse(text).unwrap_err();
            assert!(err.message.starts_with(message), "{text}: {}", err.message);
        }
    }

    #[test]
    fn prints_back_to_the_same_ir() {
        for text in [
            r#"program matches "^nc(at)?$" and path glob "/tmp/*.sh" and return_code ge -1.5"#,
            r#"src_addr cidr ["10.0.0.0/8", "fd00::/8"] or user eq_field login"#,
            "identity.expires after time + 12h and time before \"2030-01-01T00:00:00Z\" and t after s - 1h30m",
            r#"one_of(a exists, b ieq "x") and all records[*].tags (name iin ["A", "b"]) or true"#,
            r#""not" eq 1 and not.x eq 2 and t after s + 48h"#,
            r#"not (event eq "session.command" and argv is_null)"#,
            r#"a eq 1 or b ne "x" and not (c in [1, 2] or d contains "z")"#,
            r#""addr.remote" starts_with "10." and e[0] ends_with ".sh""#,
        ] {
            let expr = parse(text).unwrap();
            assert_eq!(parse(&expr.to_string()).unwrap(), expr, "{text}");
            assert_eq!(expr.to_string(), text);
        }
    }

    #[test]
    fn errors_say_what_is_wrong_and_where() {
        let deep = format!("{}a exists{}", "(".repeat(150), ")".repeat(150));
        let cases: &[(&str, usize, &str)] = &[
            (r#"program eqq "nmap""#, 8, "did you mean `eq`?"),
            (r#"program equals "nmap""#, 8, "found `equals` (write `eq`)"),
            (r#"program == "nmap""#, 8, "found `==` (write `eq`)"),
            ("code >= 1", 5, "found `>=` (write `ge`)"),
            ("code <= 1", 5, "found `<=` (write `le`)"),
            ("NOT a exists", 4, "keywords are lower case: write `not`"),
            ("x eq 1e400", 5, "`1e400` is a number beyond what vigil can hold"),
            (&deep, 100, "nests deeper than 100 levels"),
            (r#"program re "^nc""#, 8, "found `re` (write `matches`)"),
            (r#"program in "nmap""#, 11, "`in` takes a list"),
            (r#"(event eq "x""#, 13, "expected `)`, found the end of the condition"),
            (r#"x eq "a\qb""#, 8, "bad string literal: invalid escape"),
            (r#"event eq "x" nmap"#, 13, "expected `and`, `or`"),
            (r#"event eq "x"#, 9, "unterminated string"),
            ("event eq", 8, "expected a literal"),
            ("event", 5, "expected an operator after `event`, found nothing"),
            ("", 0, "expected a predicate"),
            ("x starts_with 3", 14, "`starts_with` takes a string"),
            ("x in [[1]]", 5, "`in` takes a list of strings"),
            ("a. eq 1", 2, "expected a key"),
        ];
        for (text, offset, message) in cases {
            let err = parse(text).unwrap_err();
            assert!(err.message.contains(message), "{text}: {}", err.message);
            assert_eq!(err.offset, *offset, "{text}: {}", err.message);
        }
    }
}

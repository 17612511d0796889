//! A recursive-descent parser from condition-language text to the IR.
//!
//! Grammar, loosest first: `or` < `and` < `not` < parentheses and predicates.
//! A predicate is `path op operand` or `path unary-op`.

use crate::ir::{Expr, Literal, Op, OperandKind, Predicate};
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
    let mut parser = Parser { text, pos: 0 };
    let expr = parser.or()?;
    parser.skip_space();
    if parser.pos < text.len() {
        return Err(
            parser.error(format!("expected `and`, `or` or the end of the condition, found `{}`", parser.word_ahead()))
        );
    }
    Ok(expr)
}

struct Parser<'t> {
    text: &'t str,
    pos: usize,
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
        if len > 0 { &rest[..len] } else { rest.chars().next().map_or("end of condition", |c| &rest[..c.len_utf8()]) }
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
        if self.keyword("not") {
            return Ok(Expr::Not(Box::new(self.unary()?)));
        }
        if self.punct('(') {
            let inner = self.or()?;
            if !self.punct(')') {
                return Err(self.error(format!("expected `)`, found `{}`", self.word_ahead())));
            }
            return Ok(inner);
        }
        self.predicate()
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
        let found = if self.pos == self.text.len() { "nothing".to_string() } else { format!("`{word}`") };
        Err(self.error(format!(
            "expected an operator after `{path}`, found {found}{}; operators: {}",
            did_you_mean(word, names.clone()),
            names.collect::<Vec<_>>().join(", ")
        )))
    }

    fn operand(&mut self, op: Op, kind: OperandKind) -> Result<Literal, SyntaxError> {
        self.skip_space();
        let start = self.pos;
        let literal = self.literal()?;
        let fits = match (kind, &literal) {
            (OperandKind::Any, _) | (OperandKind::String, Literal::String(_)) => true,
            (OperandKind::List, Literal::List(items)) => !items.iter().any(|i| matches!(i, Literal::List(_))),
            (OperandKind::Scalar, l) => !matches!(l, Literal::List(_)),
            _ => false,
        };
        if fits {
            return Ok(literal);
        }
        let wanted = match kind {
            OperandKind::String => "a string, e.g. `\"/tmp/\"`",
            OperandKind::List => "a list of strings, numbers, booleans or null, e.g. `[\"nmap\", \"arp\"]`",
            _ => "a string, number, boolean or null",
        };
        Err(SyntaxError { offset: start, message: format!("`{}` takes {wanted}, found `{literal}`", op.name()) })
    }

    fn literal(&mut self) -> Result<Literal, SyntaxError> {
        self.skip_space();
        let rest = self.rest();
        if rest.starts_with('"') {
            let end = path::quoted_end(rest).ok_or_else(|| self.error("unterminated string".into()))?;
            let value: String =
                serde_json::from_str(&rest[..end]).map_err(|e| self.error(format!("bad string literal: {e}")))?;
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
                    return Err(self.error(format!("expected `,` or `]` in list, found `{}`", self.word_ahead())));
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
        if let Ok(serde_json::Value::Number(n)) = serde_json::from_str(&rest[..len]) {
            self.pos += len;
            return Ok(Literal::Number(n));
        }
        Err(self.error(format!(
            "expected a literal (\"string\", number, true, false, null or [list]), found `{}`",
            self.word_ahead()
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pred(path: &str, op: Op, operand: Option<Literal>) -> Expr {
        Expr::Predicate(Predicate { path: KeyPath::parse(path).unwrap(), op, operand })
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
    fn prints_back_to_the_same_ir() {
        for text in [
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
        let cases: &[(&str, usize, &str)] = &[
            (r#"program eqq "nmap""#, 8, "did you mean `eq`?"),
            (r#"program in "nmap""#, 11, "`in` takes a list"),
            (r#"(event eq "x""#, 13, "expected `)`"),
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

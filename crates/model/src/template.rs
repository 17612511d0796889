//! `AlertTitle` templates: `User [{user}] ran [{program:-unknown}]` (RULES.md section 5).

use crate::path::{self, KeyPath};

/// One piece of a template.
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    Text(String),
    /// `{path}` or `{path:-default}`.
    Field {
        path: KeyPath,
        default: Option<String>,
    },
}

/// A parsed template.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    pub parts: Vec<Part>,
}

/// A template that does not parse, with the byte offset of the problem.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct TemplateError {
    pub offset: usize,
    pub message: String,
}

impl Template {
    /// Parses a template. `{{` and `}}` stand for literal braces.
    pub fn parse(text: &str) -> Result<Template, TemplateError> {
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut pos = 0;
        while pos < text.len() {
            let rest = &text[pos..];
            if rest.starts_with("{{") || rest.starts_with("}}") {
                literal.push_str(&rest[..1]);
                pos += 2;
            } else if rest.starts_with('}') {
                return Err(TemplateError {
                    offset: pos,
                    message: "unmatched `}` (write `}}` for a literal brace)".into(),
                });
            } else if rest.starts_with('{') {
                if !literal.is_empty() {
                    parts.push(Part::Text(std::mem::take(&mut literal)));
                }
                let (part, end) = parse_field(text, pos)?;
                parts.push(part);
                pos = end;
            } else {
                let c = rest.chars().next().expect("pos < len");
                literal.push(c);
                pos += c.len_utf8();
            }
        }
        if !literal.is_empty() {
            parts.push(Part::Text(literal));
        }
        Ok(Template { parts })
    }

    /// The key paths the template reads.
    pub fn paths(&self) -> impl Iterator<Item = &KeyPath> {
        self.parts.iter().filter_map(|p| match p {
            Part::Field { path, .. } => Some(path),
            Part::Text(_) => None,
        })
    }
}

/// `{path}` or `{path:-default}` starting at the `{` at byte `open`.
fn parse_field(text: &str, open: usize) -> Result<(Part, usize), TemplateError> {
    let path_start = open + 1;
    let (path, after) =
        path::parse_prefix(text, path_start).map_err(|e| TemplateError { offset: e.offset, message: e.message })?;
    let rest = &text[after..];
    if let Some(default_text) = rest.strip_prefix(":-") {
        let close = default_text
            .find('}')
            .ok_or_else(|| TemplateError { offset: open, message: "unclosed `{` in template".into() })?;
        let default = default_text[..close].to_string();
        return Ok((Part::Field { path, default: Some(default) }, after + 2 + close + 1));
    }
    if rest.starts_with('}') {
        return Ok((Part::Field { path, default: None }, after + 1));
    }
    Err(TemplateError { offset: after, message: "expected `}` or `:-default` after the key path in `{...}`".into() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(path: &str, default: Option<&str>) -> Part {
        Part::Field { path: KeyPath::parse(path).unwrap(), default: default.map(Into::into) }
    }

    #[test]
    fn parses_fields_defaults_and_escaped_braces() {
        let t = Template::parse(r#"User [{user}] via {"addr.remote":-?} {{literal}}"#).unwrap();
        assert_eq!(
            t.parts,
            vec![
                Part::Text("User [".into()),
                field("user", None),
                Part::Text("] via ".into()),
                field("\"addr.remote\"", Some("?")),
                Part::Text(" {literal}".into()),
            ]
        );
    }

    #[test]
    fn reports_bad_templates_with_offsets() {
        assert_eq!(Template::parse("a {user").unwrap_err().offset, 7);
        assert_eq!(Template::parse("a } b").unwrap_err().offset, 2);
        assert_eq!(Template::parse("a {} b").unwrap_err().offset, 3);
        assert_eq!(Template::parse("{user:-x").unwrap_err().offset, 0);
    }
}

//! `vigil validate`: checks rule files with the loader the build uses, without compiling them.

use std::path::PathBuf;
use std::process::ExitCode;

use vigil_model::Diagnostic;

use crate::args::ValidateArgs;
use crate::stderr::say;

pub fn run(args: &ValidateArgs) -> ExitCode {
    let mut rules = 0;
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    for path in &args.paths {
        match check(path) {
            Ok(count) => rules += count,
            Err(mut found) => diagnostics.append(&mut found),
        }
    }
    for diagnostic in &diagnostics {
        say(format_args!("{diagnostic}"));
    }
    if diagnostics.is_empty() {
        println!("{rules} {} valid", if rules == 1 { "rule" } else { "rules" });
        ExitCode::SUCCESS
    } else {
        let n = diagnostics.len();
        say(format_args!("{n} {}", if n == 1 { "problem" } else { "problems" }));
        ExitCode::from(2)
    }
}

/// A directory is a rule set (its rule ids unique); a file is one rule.
fn check(path: &PathBuf) -> Result<usize, Vec<Diagnostic>> {
    let shown = path.display().to_string();
    let unreadable = |e: std::io::Error| {
        vec![Diagnostic { file: shown.clone(), line: 1, col: 1, message: format!("cannot read: {e}") }]
    };
    if path.is_dir() {
        let files = vigil_model::rule_files(path).map_err(unreadable)?;
        let set = vigil_model::load_rule_set(path, shown.trim_end_matches('/'), &files)?;
        Ok(set.rules.len())
    } else {
        let source = std::fs::read_to_string(path).map_err(unreadable)?;
        vigil_model::load_rule(&shown, &source).map(|_| 1)
    }
}

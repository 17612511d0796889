//! `vigil validate`: checks rule files with the loader the build uses, without compiling them.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use vigil_model::Diagnostic;

use crate::args::ValidateArgs;
use crate::stderr::say;

pub fn run(args: &ValidateArgs) -> ExitCode {
    let mut files = Vec::new();
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    for path in &args.paths {
        match rule_files(path) {
            Ok(found) => files.extend(found),
            Err(diagnostic) => diagnostics.push(diagnostic),
        }
    }
    // Every file given is one rule set: RuleIDs must differ across them all.
    let rules = match vigil_model::load_rule_files(&files) {
        Ok(set) => set.rules.len(),
        Err(mut found) => {
            diagnostics.append(&mut found);
            0
        }
    };
    if diagnostics.is_empty() && files.is_empty() {
        let given: Vec<String> = args.paths.iter().map(|p| p.display().to_string()).collect();
        diagnostics.push(Diagnostic {
            file: given.join(", "),
            line: 1,
            col: 1,
            message: "no rule files (.yml, .yaml) here".into(),
        });
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

/// The rule files a path names, with the names to show: a file itself, or every rule file under
/// a directory.
fn rule_files(path: &Path) -> Result<Vec<(String, PathBuf)>, Diagnostic> {
    let shown = path.display().to_string();
    if !path.is_dir() {
        return Ok(vec![(shown, path.to_path_buf())]);
    }
    let files = vigil_model::rule_files(path).map_err(|e| Diagnostic {
        file: shown.clone(),
        line: 1,
        col: 1,
        message: format!("cannot read: {e}"),
    })?;
    let base = shown.trim_end_matches('/');
    Ok(files.into_iter().map(|file| (format!("{base}/{file}"), path.join(&file))).collect())
}

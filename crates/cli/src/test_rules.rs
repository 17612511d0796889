//! `vigil test`: the compiled rules' own test cases, run from the binary, as `cargo test` runs
//! them, for people who have the binary but not the source.

use std::io::{self, Write};
use std::process::ExitCode;

use vigil_model::names::snake_case;
use vigil_runtime::testing;

use crate::args::TestArgs;

pub fn run(args: &TestArgs) -> ExitCode {
    let set = &vigil_rules::RULE_SET;
    let filter = args.filter.as_deref().map(str::to_lowercase);
    let mut out = io::stdout().lock();
    let (mut passed, mut failed) = (0u64, 0u64);
    let matches = |id: &str, f: &str| id.to_lowercase().contains(f) || snake_case(id).contains(f);
    let rules: Vec<_> = set.rules.iter().filter(|r| filter.as_deref().is_none_or(|f| matches(r.id, f))).collect();
    if rules.is_empty() {
        crate::stderr::say(format_args!(
            "error: no rule id contains `{}`; `vigil list` shows the rules",
            args.filter.as_deref().unwrap_or_default()
        ));
        return ExitCode::from(2);
    }
    for rule in rules {
        for case in rule.tests {
            // A closed stdout ends the listing, not the count.
            let _ = match testing::check(set, rule, case) {
                Ok(()) => {
                    passed += 1;
                    writeln!(out, "ok      {} / {}", rule.id, case.name)
                }
                Err(message) => {
                    failed += 1;
                    writeln!(out, "FAILED  {} / {}: {message}", rule.id, case.name)
                }
            };
        }
    }
    let _ = writeln!(out, "{passed} passed, {failed} failed");
    if failed > 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}

//! `cargo xtask gen [--check]`: regenerates every file that depends on the rule files.

mod generate;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "cargo xtask")]
struct Args {
    #[command(subcommand)]
    task: Task,
}

#[derive(Debug, Subcommand)]
enum Task {
    /// Regenerate the files that depend on `rules/` (the compiled rule list).
    Gen {
        /// Change nothing; fail if any generated file is stale.
        #[arg(long)]
        check: bool,
    },
}

fn main() -> ExitCode {
    let Args { task: Task::Gen { check } } = Args::parse();
    let mode = if check { generate::Mode::Check } else { generate::Mode::Write };
    match generate::run(&generate::workspace_root(), mode) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

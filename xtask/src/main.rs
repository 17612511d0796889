//! `cargo xtask gen [--check]`: regenerates every file that depends on the rule files.
//! `cargo xtask gen-logs`: writes realistic Teleport audit logs with injected attacks.

mod catalog;
mod gen_logs;
mod generate;
mod site;

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
    /// Regenerate the files that depend on `rules/`: the compiled rule list, the catalog
    /// (`docs/rules/`) and its web pages (`docs/site/`).
    Gen {
        /// Change nothing; fail if any generated file is stale.
        #[arg(long)]
        check: bool,
    },
    /// Write realistic Teleport audit logs (JSON lines) with injected attacks, and print the
    /// alerts vigil's bundled rules must find in them.
    GenLogs(gen_logs::Args),
}

fn main() -> ExitCode {
    let result = match Args::parse().task {
        Task::Gen { check } => {
            let mode = if check { generate::Mode::Check } else { generate::Mode::Write };
            generate::run(&generate::workspace_root(), mode)
        }
        Task::GenLogs(args) => gen_logs::run(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

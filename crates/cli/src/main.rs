//! `vigil`: run the compiled detection rules over logs.
//!
//! Exit codes: 0 success; 1 alerts with `--fail-on-alert`, or a failed rule test (`vigil test`);
//! 2 usage errors, inputs that could not be opened or read to the end, bad input with `--strict`,
//! or invalid rules (`vigil validate`).

mod args;
mod bad_input;
mod catalog;
mod documents;
mod emit;
mod explain;
mod inputs;
mod lines;
mod plan;
mod progress;
mod scan;
mod scan_input;
mod stderr;
mod summary;
mod test_rules;
mod validate;
mod zstd_frames;

use std::process::ExitCode;

use clap::{CommandFactory, Parser};

/// The manual page of vigil, or of one of its subcommands.
fn man(subcommand: Option<&str>) -> anyhow::Result<ExitCode> {
    let vigil = args::Args::command();
    let command = match subcommand {
        None => vigil,
        Some(name) => {
            let Some(sub) = vigil.find_subcommand(name).cloned() else {
                anyhow::bail!("no subcommand `{name}`; `vigil --help` lists them");
            };
            // clap keeps names for the whole run ('static); this runs once, then exits.
            sub.name(format!("vigil-{name}").leak() as &str)
        }
    };
    clap_mangen::Man::new(command).render(&mut std::io::stdout()).map(|()| ExitCode::SUCCESS).or_else(quiet_broken_pipe)
}

/// A closed stdout (`vigil list | head`) ends the listing quietly.
fn quiet_broken_pipe(error: std::io::Error) -> anyhow::Result<ExitCode> {
    if error.kind() == std::io::ErrorKind::BrokenPipe { Ok(ExitCode::SUCCESS) } else { Err(error.into()) }
}

fn main() -> ExitCode {
    let args = args::Args::parse();
    let result = match args.command {
        args::Command::Scan(scan) => scan::run(&scan),
        args::Command::Test(test) => Ok(test_rules::run(&test)),
        args::Command::List(list) => catalog::list(&list).map(|()| ExitCode::SUCCESS),
        args::Command::Show(show) => catalog::show(&show).map(|()| ExitCode::SUCCESS),
        args::Command::Validate(validate) => Ok(validate::run(&validate)),
        args::Command::Explain(explain) => explain::run(&explain).map(|()| ExitCode::SUCCESS),
        args::Command::Completions { shell } => {
            // Generated into memory: clap_complete panics on a failed write.
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut args::Args::command(), "vigil", &mut script);
            std::io::Write::write_all(&mut std::io::stdout(), &script).map(|()| ExitCode::SUCCESS).map_err(Into::into)
        }
        args::Command::Man { subcommand } => man(subcommand.as_deref()),
    };
    // A closed stdout (`vigil show X | head`) ends any command quietly.
    let result = result.or_else(|e| match e.downcast_ref::<std::io::Error>() {
        Some(io) if io.kind() == std::io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        _ => Err(e),
    });
    match result {
        Ok(code) => code,
        Err(error) => {
            stderr::say(format_args!("error: {error:#}"));
            ExitCode::from(2)
        }
    }
}

//! `cargo xtask gen-logs`: realistic Teleport audit logs with injected attacks (see
//! `vigil-loggen`), to stdout or a file, and what vigil must find in them on stderr.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;

use anyhow::Context;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// How many events (lines) to write.
    #[arg(long, default_value_t = 100_000)]
    events: u64,
    /// The random seed: the same seed gives the same bytes.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// The chance that an event starts an attack (each attack is 1 to 10 events).
    #[arg(long, default_value_t = 0.001)]
    attack_rate: f64,
    /// The first event's time (RFC 3339).
    #[arg(long, default_value = "2024-03-04T08:00:00Z")]
    start: jiff::Timestamp,
    /// Write to FILE instead of stdout.
    #[arg(long, short)]
    output: Option<PathBuf>,
}

pub fn run(args: &Args) -> anyhow::Result<()> {
    anyhow::ensure!((0.0..=1.0).contains(&args.attack_rate), "--attack-rate must be between 0 and 1");
    let config =
        vigil_loggen::Config { events: args.events, seed: args.seed, attack_rate: args.attack_rate, start: args.start };
    let target: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(File::create(path).with_context(|| format!("creating {}", path.display()))?),
        None => Box::new(io::stdout().lock()),
    };
    let mut out = BufWriter::with_capacity(1 << 20, target);
    let manifest = vigil_loggen::generate(&config, &mut out).context("writing events")?;
    out.flush().context("writing events")?;
    let list = |counts: &std::collections::BTreeMap<&str, u64>| {
        counts.iter().map(|(rule, n)| format!("{rule} {n}")).collect::<Vec<_>>().join(", ")
    };
    eprintln!(
        "{} events, {} attacks. Alerts vigil must report ({} in all): {}. Signals: {}.",
        manifest.events,
        manifest.attacks,
        manifest.alerts.values().sum::<u64>(),
        list(&manifest.alerts),
        list(&manifest.signals)
    );
    Ok(())
}

//! Engine throughput over two corpora of about 100 MB each, parsed and matched line by line on
//! one thread, with every bundled rule: the real Teleport samples repeated, and a generated
//! Teleport log (`vigil-loggen`: interleaved sessions, 0.1% attacks). Prints events/s and MB/s.
//!
//! `cargo bench -p vigil-cli --bench engine`

use std::time::Instant;

use vigil_runtime::Engine;

const TARGET_BYTES: usize = 100 << 20;

fn main() {
    let samples = include_str!("../../../data/teleport/samples.jsonl");
    let lines: Vec<&str> = samples.lines().collect();
    let mut repeated = Vec::new();
    let mut bytes = 0;
    while bytes < TARGET_BYTES {
        for line in &lines {
            bytes += line.len() + 1;
            repeated.push(*line);
        }
    }
    measure("samples", &repeated);

    let config = vigil_loggen::Config { events: 280_000, seed: 1, ..vigil_loggen::Config::default() };
    let mut generated = Vec::new();
    vigil_loggen::generate(&config, &mut generated).expect("writing to memory");
    let generated = String::from_utf8(generated).expect("generated logs are UTF-8");
    measure("generated", &generated.lines().collect::<Vec<_>>());
}

fn measure(name: &str, corpus: &[&str]) {
    let bytes: usize = corpus.iter().map(|line| line.len() + 1).sum();
    let mut engine = Engine::new(&vigil_rules::RULE_SET, Some("Gravitational.TeleportAudit"), false).expect("log type");
    let file = engine.add_file(name.to_string());
    let started = Instant::now();
    for (i, line) in corpus.iter().enumerate() {
        engine.line(file, i as u64 + 1, line).expect("corpus lines are valid events");
    }
    let vigil_runtime::Finished { alerts, stats, .. } = engine.finish();
    let seconds = started.elapsed().as_secs_f64();
    #[allow(clippy::cast_precision_loss)]
    let (events, megabytes) = (stats.events as f64, bytes as f64 / 1e6);
    println!(
        "{name}: {} events, {megabytes:.0} MB, {} rules, {} matches, {} alerts in {seconds:.2}s: {:.0} events/s, {:.0} MB/s",
        stats.events,
        vigil_rules::RULE_SET.rules.len(),
        stats.matches,
        alerts.len(),
        events / seconds,
        megabytes / seconds
    );
}

//! Engine throughput: the bundled real Teleport samples, repeated to about 100 MB with shifted
//! times, parsed and matched line by line. Prints events/s and MB/s.
//!
//! `cargo bench -p vigil-cli --bench engine`

use std::time::Instant;

use vigil_runtime::Engine;

const TARGET_BYTES: usize = 100 << 20;

fn main() {
    let samples = include_str!("../../../data/teleport/samples.jsonl");
    let lines: Vec<&str> = samples.lines().collect();
    let mut corpus = Vec::new();
    let mut bytes = 0;
    while bytes < TARGET_BYTES {
        for line in &lines {
            bytes += line.len() + 1;
            corpus.push(*line);
        }
    }
    let mut engine = Engine::new(&vigil_rules::RULE_SET, Some("Gravitational.TeleportAudit"), false).expect("log type");
    let file = engine.add_file("bench".to_string());
    let started = Instant::now();
    for (i, line) in corpus.iter().enumerate() {
        engine.line(file, i as u64 + 1, line).expect("samples are valid events");
    }
    let vigil_runtime::Finished { alerts, stats, .. } = engine.finish();
    let seconds = started.elapsed().as_secs_f64();
    #[allow(clippy::cast_precision_loss)]
    let (events, megabytes) = (stats.events as f64, bytes as f64 / 1e6);
    println!(
        "engine: {} events, {megabytes:.0} MB, {} matches, {} alerts in {seconds:.2}s: {:.0} events/s, {:.0} MB/s",
        stats.events,
        stats.matches,
        alerts.len(),
        events / seconds,
        megabytes / seconds
    );
}

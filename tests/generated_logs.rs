//! End to end over generated Teleport logs: `vigil scan` finds exactly the injected attacks,
//! one alert each, and exactly the expected signals, and nothing in the ordinary activity.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;
use vigil_loggen::{Config, Manifest, generate};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("vigil-gen-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Counts of the JSON lines in `text` by the string at `key`.
fn count_by(text: &str, key: &str) -> BTreeMap<String, u64> {
    let mut counts = BTreeMap::new();
    for line in text.lines() {
        let record: Value = serde_json::from_str(line).unwrap();
        *counts.entry(record[key].as_str().unwrap().to_string()).or_default() += 1;
    }
    counts
}

fn owned(counts: &BTreeMap<&'static str, u64>) -> BTreeMap<String, u64> {
    counts.iter().map(|(k, v)| ((*k).to_string(), *v)).collect()
}

/// Generates a log into `dir`, returning its path and manifest.
fn generated(config: &Config, dir: &std::path::Path) -> (PathBuf, Manifest) {
    let log = dir.join("audit.jsonl");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&log).unwrap());
    let manifest = generate(config, &mut file).unwrap();
    drop(file);
    (log, manifest)
}

/// Generates a log, scans it, and returns the manifest with the alerts
/// and signals by rule.
fn scan_generated(config: &Config, name: &str) -> (Manifest, BTreeMap<String, u64>, BTreeMap<String, u64>) {
    let dir = scratch(name);
    let (log, manifest) = generated(config, &dir);
    let signals = dir.join("signals.jsonl");
    let output = Command::new(env!("CARGO_BIN_EXE_vigil"))
        .args(["scan", "--signals", signals.to_str().unwrap(), log.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("Problems: 0 malformed, 0 not UTF-8, 0 too long, 0 unrepresentable values, 0 unusable times, 0 unrecognised events, 0 unreadable inputs."), "{stderr}");
    let alerts = count_by(&String::from_utf8(output.stdout).unwrap(), "rule_id");
    let signals = count_by(&std::fs::read_to_string(signals).unwrap(), "rule_id");
    let _ = std::fs::remove_dir_all(dir);
    (manifest, alerts, signals)
}

#[test]
fn a_scan_finds_exactly_the_injected_attacks_and_signals() {
    let config = Config { events: 40_000, seed: 7, attack_rate: 0.02, ..Config::default() };
    let (manifest, alerts, signals) = scan_generated(&config, "exact");
    assert_eq!(alerts, owned(&manifest.alerts));
    assert_eq!(signals, owned(&manifest.signals));
    // Pinned, so that a change to the generator or the rules that shifts them is seen.
    assert_eq!((manifest.events, manifest.attacks), (40_000, PINNED_ATTACKS));
    assert_eq!(manifest.signals.get("Teleport.PrivilegedCommand"), Some(&PINNED_SIGNALS));
    assert_eq!(manifest.alerts.len(), vigil_loggen::attacked_rules().count(), "every attack kind is injected");
}

#[test]
fn ordinary_activity_raises_no_alert() {
    let config = Config { events: 40_000, seed: 11, attack_rate: 0.0, ..Config::default() };
    let (manifest, alerts, signals) = scan_generated(&config, "quiet");
    assert_eq!(manifest.attacks, 0);
    assert_eq!(alerts, BTreeMap::new());
    assert_eq!(signals, owned(&manifest.signals));
}

#[test]
fn every_bundled_alerting_rule_has_an_injected_attack() {
    let attacked: Vec<&str> = vigil_loggen::attacked_rules().collect();
    let missing: Vec<&str> = vigil_rules::RULE_SET
        .rules
        .iter()
        .filter(|rule| rule.enabled && rule.create_alert && !attacked.contains(&rule.id))
        .map(|rule| rule.id)
        .collect();
    assert!(
        missing.is_empty(),
        "bundled rules without an injected attack: {missing:?}; add one to crates/loggen/src/attacks.rs \
         (a behaviour only that rule catches, by an actor of its own), so that the end-to-end tests cover it"
    );
    for rule in attacked {
        assert!(vigil_rules::RULE_SET.rule(rule).is_some(), "{rule} is not a bundled rule");
    }
}

#[test]
fn a_stream_over_time_ordered_logs_writes_the_alerts_of_a_whole_scan() {
    let dir = scratch("stream");
    let (log, manifest) = generated(&Config { events: 20_000, seed: 5, attack_rate: 0.02, ..Config::default() }, &dir);
    let scan = |extra: &[&str]| {
        let output = Command::new(env!("CARGO_BIN_EXE_vigil")).arg("scan").args(extra).arg(&log).output().unwrap();
        assert!(output.status.success());
        (String::from_utf8(output.stdout).unwrap(), String::from_utf8(output.stderr).unwrap())
    };
    let (whole, _) = scan(&[]);
    let (streamed, summary) = scan(&["--max-disorder", "0s"]);
    let _ = std::fs::remove_dir_all(dir);
    // The same alerts, byte for byte; a stream writes them in the order their windows close.
    let sorted = |text: &str| {
        let mut lines: Vec<&str> = text.lines().collect();
        lines.sort_unstable();
        lines.join("\n")
    };
    assert_eq!(sorted(&streamed), sorted(&whole));
    assert_eq!(whole.lines().count() as u64, manifest.alerts.values().sum::<u64>());
    assert!(!summary.contains("later than --max-disorder"), "{summary}");
}

#[test]
fn the_same_seed_gives_the_same_bytes() {
    let config = Config { events: 5_000, seed: 3, attack_rate: 0.01, ..Config::default() };
    let (mut a, mut b) = (Vec::new(), Vec::new());
    assert_eq!(generate(&config, &mut a).unwrap(), generate(&config, &mut b).unwrap());
    assert_eq!(a, b);
    let mut other = Vec::new();
    generate(&Config { seed: 4, ..config }, &mut other).unwrap();
    assert_ne!(a, other);
}

/// Attacks and `sudo` signals in the 40,000 events of seed 7 at rate 0.02.
const PINNED_ATTACKS: u64 = 800;
const PINNED_SIGNALS: u64 = 1430;

#[test]
fn generating_at_the_end_of_time_stops_the_clock_instead_of_failing() {
    let start = "9999-12-30T21:59:00Z".parse().unwrap(); // jiff's last minute
    let mut out = Vec::new();
    let manifest = generate(&Config { events: 2_000, seed: 1, attack_rate: 0.01, start }, &mut out).unwrap();
    assert_eq!(manifest.events, 2_000);
    assert_eq!(String::from_utf8(out).unwrap().lines().count(), 2_000);
}

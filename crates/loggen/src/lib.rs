//! Teleport audit logs for testing vigil at scale: interleaved sessions of many users on many
//! servers with the event mix of a real cluster (mostly `session.command`, `session.disk` and
//! `session.network`), and attacks injected at a known rate. Each injected attack is one
//! behaviour that exactly one bundled rule catches, as one alert: it has an actor of its own, so
//! that no two attacks share a dedup string. The same configuration always gives the same bytes.

mod attacks;
mod background;
mod world;

use std::collections::BTreeMap;
use std::io::{self, Write};

use jiff::Timestamp;

use crate::world::World;

/// What to generate.
#[derive(Debug, Clone)]
pub struct Config {
    /// Lines to write.
    pub events: u64,
    pub seed: u64,
    /// The chance that an event slot starts an attack instead of ordinary activity.
    pub attack_rate: f64,
    /// The first event's time.
    pub start: Timestamp,
}

impl Default for Config {
    fn default() -> Config {
        Config { events: 100_000, seed: 1, attack_rate: 0.001, start: "2024-03-04T08:00:00Z".parse().expect("valid") }
    }
}

/// What was generated: the alerts and signals vigil's bundled rules must report on it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Manifest {
    pub events: u64,
    /// Attacks injected.
    pub attacks: u64,
    /// Alerts expected, by rule id.
    pub alerts: BTreeMap<&'static str, u64>,
    /// Signal events expected (matches of `CreateAlert: false` rules), by rule id.
    pub signals: BTreeMap<&'static str, u64>,
}

/// The rules the injected attacks are made for, in a fixed order.
pub fn attacked_rules() -> impl Iterator<Item = &'static str> {
    attacks::rules()
}

/// Writes `config.events` JSON lines to `out`.
pub fn generate(config: &Config, out: &mut dyn Write) -> io::Result<Manifest> {
    let mut world = World::new(config.seed, config.start);
    let mut manifest = Manifest::default();
    let mut lines = Vec::new();
    while manifest.events < config.events {
        lines.clear();
        let left = config.events - manifest.events;
        let attack = if world.rng.f64() < config.attack_rate { attacks::pick(&mut world, left) } else { None };
        if let Some((rule, events)) = attack {
            *manifest.alerts.entry(rule).or_default() += 1;
            manifest.attacks += 1;
            lines.extend(events);
        } else {
            let event = background::next(&mut world);
            if let Some(rule) = background::signal_of(&event) {
                *manifest.signals.entry(rule).or_default() += 1;
            }
            lines.push(event);
        }
        for event in &lines {
            serde_json::to_writer(&mut *out, event)?;
            out.write_all(b"\n")?;
        }
        manifest.events += lines.len() as u64;
    }
    Ok(manifest)
}

//! The generated cluster: its people, servers, open sessions and clock.

use jiff::{SignedDuration, Timestamp};
use serde_json::{Map, Value, json};

pub const CLUSTER: &str = "teleport.example.com";
/// The company's e-mail domain: its people sign in through SSO.
pub const COMPANY_DOMAIN: &str = "example.com";

const FIRST_NAMES: [&str; 12] =
    ["alice", "bob", "carol", "dan", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallik", "noor"];
const LAST_NAMES: [&str; 6] = ["smith", "jones", "garcia", "chen", "okafor", "novak"];
pub const LOGINS: [&str; 4] = ["ubuntu", "ec2-user", "deploy", "admin"];

/// A node sessions run on.
#[derive(Debug, Clone)]
pub struct Server {
    pub id: String,
    pub hostname: String,
    pub addr: String,
}

/// An open SSH session and what is left of it.
#[derive(Debug)]
pub struct Session {
    pub user: String,
    pub login: &'static str,
    pub server: usize,
    pub sid: String,
    /// The next event index in the session.
    pub ei: u64,
    pub pid: u64,
    /// Body events (commands, disk, network) still to come before it ends.
    pub remaining: u32,
    /// Closing events still to write, in order.
    pub closing: Vec<&'static str>,
    pub last_program: &'static str,
}

#[derive(Debug)]
pub struct World {
    pub rng: fastrand::Rng,
    clock: Timestamp,
    pub users: Vec<String>,
    pub servers: Vec<Server>,
    pub sessions: Vec<Session>,
    /// Numbers attackers' names apart.
    pub next_actor: u64,
    /// Recent failed logins by user, kept few so that ordinary activity never looks like an attack.
    pub failures: std::collections::HashMap<String, Vec<Timestamp>>,
}

impl World {
    pub fn new(seed: u64, start: Timestamp) -> World {
        let mut rng = fastrand::Rng::with_seed(seed);
        let users = FIRST_NAMES
            .iter()
            .flat_map(|first| LAST_NAMES.iter().map(move |last| format!("{first}.{last}@{COMPANY_DOMAIN}")))
            .collect();
        let servers = (0..25)
            .map(|_| {
                let (a, b) = (rng.u8(1..=30), rng.u8(1..=250));
                Server {
                    id: uuid(&mut rng),
                    hostname: format!("ip-10-0-{a}-{b}.ec2.internal"),
                    addr: format!("10.0.{a}.{b}"),
                }
            })
            .collect();
        World {
            rng,
            clock: start,
            users,
            servers,
            sessions: Vec::new(),
            next_actor: 0,
            failures: std::collections::HashMap::new(),
        }
    }

    /// Moves the clock on by up to 0.3 s (a busy cluster) and returns the new time; at the end
    /// of representable time it stops there.
    pub fn tick(&mut self) -> Timestamp {
        let step = SignedDuration::from_millis(self.rng.i64(1..300));
        self.clock = self.clock.checked_add(step).unwrap_or(Timestamp::MAX);
        self.clock
    }

    pub fn uuid(&mut self) -> String {
        uuid(&mut self.rng)
    }

    /// An attacker's name of its own: `{prefix}{n}{suffix}`.
    pub fn actor(&mut self, prefix: &str, suffix: &str) -> String {
        self.next_actor += 1;
        format!("{prefix}{}{suffix}", self.next_actor)
    }

    /// A client address on the internet.
    pub fn remote_addr(&mut self) -> String {
        format!(
            "{}.{}.{}.{}:{}",
            self.rng.u8(20..=220),
            self.rng.u8(0..=255),
            self.rng.u8(0..=255),
            self.rng.u8(1..=254),
            self.rng.u16(30_000..60_000)
        )
    }

    /// An event's common fields, at the next tick: `ei`, `event`, `uid`, `code`, `time`,
    /// `cluster_name`.
    pub fn envelope(&mut self, event: &str, code: &str, ei: u64) -> Map<String, Value> {
        let time = self.tick();
        let mut fields = Map::new();
        fields.insert("ei".into(), json!(ei));
        fields.insert("event".into(), json!(event));
        fields.insert("uid".into(), json!(self.uuid()));
        fields.insert("code".into(), json!(code));
        fields.insert("time".into(), json!(format!("{time:.3}")));
        fields.insert("cluster_name".into(), json!(CLUSTER));
        fields
    }
}

fn uuid(rng: &mut fastrand::Rng) -> String {
    let (a, b) = (rng.u64(..), rng.u64(..));
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        0x8000 | ((b >> 48) & 0x3fff),
        b & 0xffff_ffff_ffff
    )
}

/// Adds the fields of the object `pairs` to `fields`.
pub fn extend(fields: &mut Map<String, Value>, pairs: Value) {
    if let Value::Object(more) = pairs {
        fields.extend(more);
    }
}

/// `fields` and the fields of the object `pairs`, as one event.
pub fn with(mut fields: Map<String, Value>, pairs: Value) -> Value {
    extend(&mut fields, pairs);
    Value::Object(fields)
}

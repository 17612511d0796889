//! Ordinary activity: SSO logins, short-lived certificates, and SSH sessions full of everyday
//! commands, file reads and connections. None of it may raise an alert; some of it comes close
//! (`crontab -l`, `cat /etc/sudoers`, `systemctl status auditd`) so that rules are shown to
//! hold back. `sudo` commands are signals of `Teleport.PrivilegedCommand`.

use jiff::SignedDuration;
use serde_json::{Value, json};

use crate::world::{LOGINS, Session, World, extend, with};

/// Sessions open at once, on average.
const OPEN_SESSIONS: usize = 24;

/// Everyday commands: program and arguments.
const COMMANDS: &[(&str, &[&str])] = &[
    ("ls", &["-la"]),
    ("cat", &["/var/log/app/app.log"]),
    ("grep", &["-i", "error", "/var/log/syslog"]),
    ("ps", &["aux"]),
    ("df", &["-h"]),
    ("top", &["-b", "-n", "1"]),
    ("git", &["pull", "--ff-only"]),
    ("vim", &["config.yaml"]),
    ("docker", &["ps"]),
    ("kubectl", &["get", "pods", "-n", "payments"]),
    ("systemctl", &["status", "nginx"]),
    ("journalctl", &["-u", "nginx", "--since", "1 hour ago"]),
    ("tail", &["-n", "200", "/var/log/nginx/access.log"]),
    ("python3", &["manage.py", "migrate"]),
    ("curl", &["-s", "http://localhost:8080/health"]),
    ("curl", &["-O", "https://releases.example.com/app-2.4.1.tar.gz"]),
    ("tar", &["xzf", "app-2.4.1.tar.gz"]),
    ("echo", &[]),
    ("id", &[]),
    ("uptime", &[]),
    ("free", &["-m"]),
    ("less", &["/var/log/app/app.log"]),
    ("crontab", &["-l"]),
    ("cat", &["/etc/sudoers"]),
    ("systemctl", &["status", "auditd"]),
    ("getent", &["passwd", "deploy"]),
    ("rm", &["-f", "/tmp/build.log"]),
    ("sudo", &["systemctl", "restart", "nginx"]),
    ("sudo", &["apt-get", "install", "-y", "htop"]),
];

const DISK_PATHS: &[&str] = &[
    "/etc/ld.so.cache",
    "/usr/lib/x86_64-linux-gnu/libc.so.6",
    "/etc/nsswitch.conf",
    "/var/log/app/app.log",
    "/etc/nginx/nginx.conf",
    "/proc/meminfo",
];

/// Destinations: address and port.
const DESTINATIONS: &[(&str, u16)] =
    &[("10.0.12.40", 5432), ("10.0.7.13", 6379), ("10.0.3.8", 443), ("140.82.112.4", 443), ("151.101.1.69", 443)];

const QUERIES: &[&str] = &[
    "SELECT id, status FROM orders WHERE created_at > now() - interval '1 hour'",
    "SELECT count(*) FROM customers",
    "UPDATE orders SET status = 'shipped' WHERE id = 48213",
    "DELETE FROM sessions WHERE expires_at < now()",
];

/// The next ordinary event.
pub fn next(world: &mut World) -> Value {
    if world.sessions.len() < OPEN_SESSIONS / 2 || world.rng.f64() < 0.02 {
        return start_session(world);
    }
    if world.rng.f64() < 0.92 {
        let index = world.rng.usize(..world.sessions.len());
        return session_step(world, index);
    }
    match world.rng.u8(0..10) {
        0..=3 => sso_login(world),
        4 => admin_login(world),
        5 => failed_login(world),
        6 => certificate(world),
        7 => ssh_exec(world),
        _ => db_query(world),
    }
}

/// The signal rule an ordinary event is a signal of, if any.
pub fn signal_of(event: &Value) -> Option<&'static str> {
    (event["event"] == "session.command" && event["program"] == "sudo").then_some("Teleport.PrivilegedCommand")
}

fn start_session(world: &mut World) -> Value {
    let user = world.users[world.rng.usize(..world.users.len())].clone();
    let server = world.rng.usize(..world.servers.len());
    let login = LOGINS[world.rng.usize(..LOGINS.len())];
    let session = Session {
        user,
        login,
        server,
        sid: world.uuid(),
        ei: 0,
        pid: world.rng.u64(2_000..40_000),
        remaining: world.rng.u32(5..120),
        closing: Vec::new(),
        last_program: "bash",
    };
    let remote = world.remote_addr();
    let fields = world.envelope("session.start", "T2000I", 0);
    let host = &world.servers[server];
    let event = with(
        fields,
        json!({"user": session.user, "login": login, "sid": session.sid, "server_id": host.id,
               "server_hostname": host.hostname, "addr.remote": remote, "addr.local": format!("{}:3022", host.addr),
               "proto": "ssh", "namespace": "default", "session_recording": "node", "size": "80:25"}),
    );
    world.sessions.push(Session { ei: 1, ..session });
    event
}

fn session_step(world: &mut World, index: usize) -> Value {
    let session = &mut world.sessions[index];
    if session.remaining == 0 {
        if session.closing.is_empty() {
            session.closing = vec!["session.upload", "session.end", "session.data", "session.leave"];
        }
        let kind = session.closing.pop().expect("just filled");
        let ids = Ids {
            user: session.user.clone(),
            login: session.login,
            sid: session.sid.clone(),
            server: session.server,
            ei: session.ei,
        };
        if session.closing.is_empty() {
            world.sessions.swap_remove(index);
        }
        return closing_event(world, &ids, kind);
    }
    session.remaining -= 1;
    session.ei += 1;
    session.pid += u64::from(world.rng.u8(1..9));
    let (ei, pid, last_program) = (session.ei, session.pid, session.last_program);
    let ids =
        Ids { user: session.user.clone(), login: session.login, sid: session.sid.clone(), server: session.server, ei };
    let host = world.servers[ids.server].clone();
    let (event, code) = match world.rng.u8(0..100) {
        0..65 => ("session.command", "T4000I"),
        65..85 => ("session.disk", "T4001I"),
        _ => ("session.network", "T4002I"),
    };
    let mut fields = world.envelope(event, code, ei);
    extend(
        &mut fields,
        json!({"user": ids.user, "login": ids.login, "sid": ids.sid, "server_id": host.id,
               "namespace": "default", "pid": pid, "cgroup_id": 4_294_967_000_u64 + pid}),
    );
    let specific = match event {
        "session.command" => {
            let (program, argv) = COMMANDS[world.rng.usize(..COMMANDS.len())];
            world.sessions[index].last_program = program;
            json!({"program": program, "path": format!("/usr/bin/{program}"), "argv": argv,
                   "ppid": pid - 1, "return_code": 0})
        }
        "session.disk" => {
            let path = DISK_PATHS[world.rng.usize(..DISK_PATHS.len())];
            json!({"program": last_program, "path": path, "flags": 524_288, "return_code": 0})
        }
        _ => {
            let (dst, port) = DESTINATIONS[world.rng.usize(..DESTINATIONS.len())];
            json!({"program": last_program, "src_addr": host.addr, "dst_addr": dst, "dst_port": port,
                   "version": 4, "action": 0})
        }
    };
    with(fields, specific)
}

/// Who and where a session is.
struct Ids {
    user: String,
    login: &'static str,
    sid: String,
    server: usize,
    ei: u64,
}

fn closing_event(world: &mut World, session: &Ids, kind: &'static str) -> Value {
    let host = world.servers[session.server].clone();
    let (code, ei) = match kind {
        "session.leave" => ("T2003I", session.ei + 1),
        "session.data" => ("T2006I", 2_147_483_646),
        "session.end" => ("T2004I", session.ei + 2),
        _ => ("T2005I", 2_147_483_647),
    };
    let fields = world.envelope(kind, code, ei);
    if kind == "session.upload" {
        let url = format!("file:///var/lib/teleport/log/records/multi/{}", session.sid);
        return with(fields, json!({"sid": session.sid, "url": url}));
    }
    with(
        fields,
        json!({"user": session.user, "login": session.login, "sid": session.sid, "server_id": host.id,
               "server_hostname": host.hostname, "namespace": "default"}),
    )
}

fn sso_login(world: &mut World) -> Value {
    let user = world.users[world.rng.usize(..world.users.len())].clone();
    let method = if world.rng.bool() { "saml" } else { "oidc" };
    let remote = world.remote_addr();
    let fields = world.envelope("user.login", "T1001I", 0);
    with(
        fields,
        json!({"user": user, "method": method, "success": true, "addr.remote": remote,
               "attributes": {"groups": ["employees", "engineering"]}, "user_agent": "Mozilla/5.0"}),
    )
}

/// The local administrator signing in with a second factor.
fn admin_login(world: &mut World) -> Value {
    let remote = world.remote_addr();
    let device = world.uuid();
    let fields = world.envelope("user.login", "T1000I", 0);
    with(
        fields,
        json!({"user": "teleport-admin", "method": "local", "success": true, "addr.remote": remote,
               "mfa_device": {"mfa_device_name": "yubikey", "mfa_device_uuid": device, "mfa_device_type": "WebAuthn"},
               "user_agent": "tsh/15.1.0"}),
    )
}

/// A mistyped password: at most two per person an hour, far from any brute-force threshold.
fn failed_login(world: &mut World) -> Value {
    let user = world.users[world.rng.usize(..world.users.len())].clone();
    let now = world.tick();
    let recent = world.failures.entry(user.clone()).or_default();
    recent.retain(|t| now.duration_since(*t) < SignedDuration::from_hours(1));
    if recent.len() >= 2 {
        return sso_login(world);
    }
    recent.push(now);
    let remote = world.remote_addr();
    let fields = world.envelope("user.login", "T1000W", 0);
    with(
        fields,
        json!({"user": user, "method": "local", "success": false, "addr.remote": remote,
               "error": "invalid username, password or second factor", "user_agent": "tsh/15.1.0"}),
    )
}

/// A user certificate for an 8-hour working day.
fn certificate(world: &mut World) -> Value {
    let user = world.users[world.rng.usize(..world.users.len())].clone();
    let fields = world.envelope("cert.create", "TC000I", 0);
    let issued: jiff::Timestamp = fields["time"].as_str().and_then(|t| t.parse().ok()).expect("envelope time");
    let expires = issued.checked_add(SignedDuration::from_hours(8)).unwrap_or(jiff::Timestamp::MAX);
    with(
        fields,
        json!({"cert_type": "user", "identity": {"user": user, "roles": ["access", "editor"],
               "logins": LOGINS, "expires": format!("{expires:.3}"), "route_to_cluster": "teleport.example.com"}}),
    )
}

/// A one-off command over SSH (`tsh ssh host uptime`), not into a pod.
fn ssh_exec(world: &mut World) -> Value {
    let user = world.users[world.rng.usize(..world.users.len())].clone();
    let host = world.servers[world.rng.usize(..world.servers.len())].clone();
    let remote = world.remote_addr();
    let fields = world.envelope("exec", "T3002I", 0);
    with(
        fields,
        json!({"user": user, "login": "ubuntu", "proto": "ssh", "command": "uptime", "exitCode": "0",
               "server_id": host.id, "addr.local": format!("{}:3022", host.addr), "addr.remote": remote,
               "namespace": "default"}),
    )
}

fn db_query(world: &mut World) -> Value {
    let user = world.users[world.rng.usize(..world.users.len())].clone();
    let query = QUERIES[world.rng.usize(..QUERIES.len())];
    let sid = world.uuid();
    let fields = world.envelope("db.session.query", "TDB02I", 0);
    with(
        fields,
        json!({"user": user, "sid": sid, "db_service": "orders-postgres", "db_protocol": "postgres",
               "db_uri": "orders.cluster-abc.us-east-1.rds.amazonaws.com:5432", "db_name": "orders",
               "db_user": "app_readwrite", "db_query": query, "success": true}),
    )
}

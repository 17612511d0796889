//! End-to-end tests of `vigil scan` over real Teleport samples and over bad input.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use flate2::Compression;
use flate2::write::GzEncoder;
use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn vigil(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_vigil"))
        .args(args)
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("vigil runs");
    let mut pipe = child.stdin.take().expect("stdin is piped");
    // vigil may exit before reading its input (a usage error); that is not this helper's to judge.
    let _ = pipe.write_all(stdin.unwrap_or_default());
    drop(pipe);
    child.wait_with_output().expect("vigil finishes")
}

/// The alerts of the seed rule: these tests pin its behaviour end to end, and stay true when
/// the rule set grows rules that alert on the same samples.
fn alerts(output: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("alert is JSON"))
        .filter(|alert| alert["rule_id"] == "Teleport.NetworkScanning")
        .collect()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The fields that identify an alert, for exact comparison.
fn key_fields(alert: &Value) -> (String, String, String, String, String, u64, Vec<String>) {
    let s = |k: &str| alert[k].as_str().unwrap_or("null").to_string();
    let sources = alert["sources"].as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_string()).collect();
    (
        s("rule_id"),
        s("title"),
        s("dedup"),
        s("first_event_time"),
        s("last_event_time"),
        alert["event_count"].as_u64().unwrap(),
        sources,
    )
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("vigil-e2e-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn bundled_samples_give_exactly_the_network_scan_alerts() {
    let output = vigil(&["scan", "data/teleport/samples.jsonl"], None);
    assert!(output.status.success(), "{}", stderr(&output));
    let alerts = alerts(&output);
    let title = "User [panther] has issued a network scan with [nmap]";
    let expected = [("2020-08-17T21:13:47.117Z", 32), ("2020-08-18T17:37:35.883Z", 33)].map(|(time, line)| {
        (
            "Teleport.NetworkScanning".to_string(),
            title.to_string(),
            title.to_string(),
            time.to_string(),
            time.to_string(),
            1,
            vec![format!("data/teleport/samples.jsonl:{line}")],
        )
    });
    assert_eq!(alerts.iter().map(key_fields).collect::<Vec<_>>(), expected);
    let first = &alerts[0];
    assert_eq!(first["severity"], "Medium");
    assert_eq!(first["output_fields"], serde_json::json!({"user": "panther", "program": "nmap", "cluster_name": null}));
    assert_eq!(first["reports"], serde_json::json!({"MITRE ATT&CK": ["TA0007:T1046"]}));
    assert_eq!(first["summary_attributes"]["path"], serde_json::json!({"/bin/nmap": 1}));
    let err = stderr(&output);
    assert!(err.contains("1 input (21.1 kB), 41 lines, 41 events, "), "{err}");
    assert!(err.contains("Problems: 0 malformed, 0 not UTF-8, 0 too long, 0 unrepresentable values, 1 unusable time, 0 unrecognised events, 0 unreadable inputs."), "{err}");
    assert!(err.contains("vigil: data/teleport/samples.jsonl:34: `time` is \"2023-09-20T23:00:000.000000Z\", not a time; the event takes the time of the line before it"), "{err}");
}

/// Every alert of every bundled rule over a sample file: rule id, severity and source line.
fn pack_alerts(path: &str) -> Vec<(String, String, u64)> {
    let output = vigil(&["scan", path], None);
    assert!(output.status.success(), "{}", stderr(&output));
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| {
            let alert: Value = serde_json::from_str(l).unwrap();
            let sources = alert["sources"].as_array().unwrap();
            assert_eq!(sources.len(), 1, "{alert}");
            let line = sources[0].as_str().unwrap().rsplit(':').next().unwrap().parse().unwrap();
            (alert["rule_id"].as_str().unwrap().to_string(), alert["severity"].as_str().unwrap().to_string(), line)
        })
        .collect()
}

/// The pack's alerts over the shared samples (lines 1-41 are bundled; 42-50 are Teleport's
/// documentation examples), in output order: first event time, then rule id.
const SHARED_SAMPLE_ALERTS: [(&str, &str, u64); 20] = [
    ("Teleport.SessionJoined", "Low", 45),
    ("Teleport.PortForwarding", "Medium", 43),
    ("Teleport.SuspiciousNetworkTool", "Medium", 41),
    ("Teleport.UserAccountModification", "Medium", 25),
    ("Teleport.CrontabEdit", "Medium", 39),
    ("Teleport.NetworkScanning", "Medium", 32),
    ("Teleport.CrontabEdit", "Medium", 38),
    ("Teleport.NetworkScanning", "Medium", 33),
    ("Teleport.RoleChanged", "Medium", 34),
    ("Teleport.KubernetesExec", "Medium", 42),
    ("Teleport.X11Forwarding", "Low", 50),
    ("Teleport.LongLivedCertificate", "Medium", 30),
    ("Teleport.CompanyDomainLoginWithoutSSO", "Medium", 24),
    ("Teleport.LocalLoginWithoutMFA", "High", 24),
    ("Teleport.SSOLoginFromNonCompanyDomain", "Medium", 37),
    ("Teleport.RootLogin", "High", 35),
    ("Teleport.SSOConnectorChanged", "High", 36),
    ("Teleport.LocalLoginWithoutMFA", "High", 27),
    ("Teleport.LockCreated", "Info", 28),
    ("Teleport.RoleChanged", "Medium", 16),
];

fn owned(alerts: &[(&str, &str, u64)]) -> Vec<(String, String, u64)> {
    alerts.iter().map(|(rule, severity, line)| ((*rule).to_string(), (*severity).to_string(), *line)).collect()
}

#[test]
fn the_rule_pack_gives_a_pinned_alert_set_on_the_bundled_samples() {
    let bundled: Vec<(&str, &str, u64)> = SHARED_SAMPLE_ALERTS.into_iter().filter(|(_, _, line)| *line <= 41).collect();
    assert_eq!(pack_alerts("data/teleport/samples.jsonl"), owned(&bundled));
}

#[test]
fn the_rule_pack_gives_a_pinned_alert_set_on_the_shared_samples() {
    let shared = root().join("../shared/data/teleport/samples.jsonl");
    if !shared.exists() {
        eprintln!("skipped: {} is not beside this checkout", shared.display());
        return;
    }
    assert_eq!(pack_alerts(shared.to_str().unwrap()), owned(&SHARED_SAMPLE_ALERTS));
    let output = vigil(&["scan", shared.to_str().unwrap()], None);
    assert!(stderr(&output).contains("50 lines, 50 events, "), "{}", stderr(&output));
}

fn nmap_event(time: &str, user: &str) -> String {
    format!(
        r#"{{"event":"session.command","code":"T4000I","time":"{time}","user":"{user}","program":"nmap","argv":["-sS","10.0.0.0/24"],"cluster_name":"prod"}}"#
    )
}

#[test]
fn matches_within_the_dedup_period_are_one_alert() {
    let lines = [
        nmap_event("2024-01-01T10:00:00Z", "alice"),
        nmap_event("2024-01-01T10:59:59Z", "alice"),
        nmap_event("2024-01-01T10:30:00Z", "bob"),
        nmap_event("2024-01-01T11:00:00Z", "alice"),
    ]
    .join("\n");
    let output = vigil(&["scan", "-"], Some(lines.as_bytes()));
    assert!(output.status.success(), "{}", stderr(&output));
    let got: Vec<(String, String, u64, Vec<String>)> = alerts(&output)
        .iter()
        .map(|a| {
            let (_, title, _, first, _, count, sources) = key_fields(a);
            (title, first, count, sources)
        })
        .collect();
    let alice = "User [alice] has issued a network scan with [nmap]".to_string();
    let bob = "User [bob] has issued a network scan with [nmap]".to_string();
    assert_eq!(
        got,
        [
            (alice.clone(), "2024-01-01T10:00:00.000Z".into(), 2, vec!["-:1".to_string(), "-:2".to_string()]),
            (bob, "2024-01-01T10:30:00.000Z".into(), 1, vec!["-:3".to_string()]),
            (alice, "2024-01-01T11:00:00.000Z".into(), 1, vec!["-:4".to_string()]),
        ]
    );
    assert_eq!(alerts(&output)[0]["output_fields"]["cluster_name"], "prod");
}

#[test]
fn bad_lines_are_reported_with_file_and_line_and_the_run_goes_on() {
    let dir = scratch("bad");
    let mut body = Vec::new();
    body.extend_from_slice(b"{\"event\": \"session.command\", \"program\": \n");
    body.extend_from_slice(b"\xff\xfe not utf-8\n");
    body.extend_from_slice(b"[1, 2]\n");
    body.extend_from_slice(b"\n");
    body.extend_from_slice(nmap_event("2024-01-01T10:00:00Z", "carol").as_bytes());
    body.extend_from_slice(b"\n");
    std::fs::write(dir.join("bad.jsonl"), &body).unwrap();
    let path = dir.join("bad.jsonl");
    let output = vigil(&["scan", path.to_str().unwrap()], None);
    let err = stderr(&output);
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(output.status.success(), "{err}");
    let shown = path.display();
    assert!(err.contains(&format!("vigil: {shown}:1:40: malformed JSON: EOF while parsing a value")), "{err}");
    assert!(err.contains(&format!("vigil: {shown}:2:1: not UTF-8: an invalid byte sequence starts here")), "{err}");
    assert!(
        err.contains(&format!(
            "vigil: {shown}:3: not an event object: invalid type: sequence, expected an event: a JSON object"
        )),
        "{err}"
    );
    assert!(err.contains("5 lines, 1 event, "), "{err}");
    assert_eq!(alerts(&output).len(), 1);
}

#[test]
fn gzip_and_directories_are_read_in_sorted_order_and_truncation_is_reported() {
    let dir = scratch("gz");
    let gz = |text: &str| {
        let mut encoder = flate2_encoder();
        encoder.write_all(text.as_bytes()).unwrap();
        encoder.finish().unwrap()
    };
    std::fs::write(dir.join("b.log"), gz(&(nmap_event("2024-01-02T00:00:00Z", "bob") + "\n"))).unwrap();
    std::fs::write(dir.join("a.jsonl"), nmap_event("2024-01-01T00:00:00Z", "amy") + "\n").unwrap();
    std::fs::write(dir.join(".hidden.jsonl"), nmap_event("2024-01-01T00:00:00Z", "eve") + "\n").unwrap();
    let whole = gz(&(nmap_event("2024-01-03T00:00:00Z", "cat") + "\n" + &"x".repeat(5000)));
    std::fs::write(dir.join("c.gz"), &whole[..whole.len() - 10]).unwrap();
    let output = vigil(&["scan", dir.to_str().unwrap()], None);
    let err = stderr(&output);
    let users: Vec<String> =
        alerts(&output).iter().map(|a| a["output_fields"]["user"].as_str().unwrap().to_string()).collect();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(users, ["amy", "bob", "cat"], "{err}");
    assert_eq!(output.status.code(), Some(2), "a truncated input is an input error: {err}");
    assert!(err.contains("c.gz: read failed after line 1; nothing after it is scanned"), "{err}");
    assert!(err.contains(" lines, 3 events") && err.contains("3 inputs ("), "{err}");
}

fn flate2_encoder() -> GzEncoder<Vec<u8>> {
    GzEncoder::new(Vec::new(), Compression::default())
}

#[test]
fn a_missing_file_is_reported_and_the_other_inputs_still_scanned() {
    let output = vigil(&["scan", "no/such/file.jsonl", "data/teleport/samples.jsonl"], None);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(err.contains("vigil: no/such/file.jsonl: cannot open: No such file or directory"), "{err}");
    assert_eq!(alerts(&output).len(), 2);
}

#[test]
fn an_event_without_a_usable_time_takes_the_previous_time_of_its_file() {
    let untimed = nmap_event("not a time", "alice");
    let lines = [
        untimed.clone(),
        nmap_event("2024-01-01T10:00:00Z", "alice"),
        untimed.clone(),
        nmap_event("2024-01-01T12:00:00Z", "alice"),
        untimed,
    ]
    .join("\n");
    let output = vigil(&["scan", "-"], Some(lines.as_bytes()));
    let got: Vec<(String, u64, Vec<String>)> = alerts(&output)
        .iter()
        .map(|a| {
            let (_, _, _, first, _, count, sources) = key_fields(a);
            (first, count, sources)
        })
        .collect();
    let sources = |lines: &[u32]| lines.iter().map(|l| format!("-:{l}")).collect::<Vec<_>>();
    assert_eq!(
        got,
        [
            ("null".to_string(), 1, sources(&[1])),
            ("2024-01-01T10:00:00.000Z".to_string(), 2, sources(&[2, 3])),
            ("2024-01-01T12:00:00.000Z".to_string(), 2, sources(&[4, 5])),
        ],
        "{}",
        stderr(&output)
    );
    assert!(stderr(&output).contains("3 unusable times"), "{}", stderr(&output));
}

#[test]
fn a_closed_stderr_does_not_stop_the_scan() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_vigil"))
        .args(["scan", "data/teleport/samples.jsonl", "no/such/file"])
        .current_dir(root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stderr.take());
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(2), "the missing file still counts");
    assert_eq!(alerts(&output).len(), 2);
}

#[test]
fn each_file_is_read_once_however_it_is_named_and_in_any_order() {
    let spellings = ["data/teleport/samples.jsonl", "./data/teleport/samples.jsonl", "data//teleport/samples.jsonl"];
    let forward = vigil(&[&["scan"][..], &spellings].concat(), None);
    let mut reversed_spellings = spellings;
    reversed_spellings.reverse();
    let reversed = vigil(&[&["scan"][..], &reversed_spellings].concat(), None);
    assert!(stderr(&forward).contains("1 input (21.1 kB), 41 lines"), "{}", stderr(&forward));
    assert_eq!(forward.stdout, reversed.stdout);
    assert_eq!(alerts(&forward)[0]["sources"], serde_json::json!(["./data/teleport/samples.jsonl:32"]));
}

#[test]
fn links_in_directories_are_followed_and_odd_entries_reported() {
    let dir = scratch("links");
    std::fs::write(dir.join("real.jsonl"), nmap_event("2024-01-01T00:00:00Z", "amy") + "\n").unwrap();
    std::os::unix::fs::symlink(root().join("data/teleport/samples.jsonl"), dir.join("linked.jsonl")).unwrap();
    std::os::unix::fs::symlink(dir.join("nowhere"), dir.join("broken.jsonl")).unwrap();
    let output = vigil(&["scan", dir.to_str().unwrap()], None);
    let err = stderr(&output);
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(err.contains("broken.jsonl: cannot read: "), "{err}");
    assert!(err.contains("2 inputs (") && err.contains("), 42 lines"), "{err}");
    assert_eq!(alerts(&output).len(), 3);
}

#[test]
fn a_value_vigil_cannot_hold_is_reported_and_the_event_still_scanned() {
    let lines = [
        "\u{feff}{}",
        r#"{"event":"session.network","code":"T4002I","program":"nmap","user":"a","cluster_name":1e400,"time":"2024-01-01T00:00:00Z","other":1e400}"#,
    ];
    let output = vigil(&["scan", "-"], Some(lines.join("\n").as_bytes()));
    let err = stderr(&output);
    assert!(err.contains("vigil: -:2: `cluster_name`: number out of range; scanned as if absent"), "{err}");
    assert!(
        err.contains("2 events, ") && err.contains("0 malformed, 0 not UTF-8, 0 too long, 1 unrepresentable value, "),
        "{err}"
    );
    assert_eq!(alerts(&output)[0]["output_fields"]["cluster_name"], Value::Null);
}

#[test]
fn alerts_are_ordered_by_event_time_not_by_its_spelling() {
    let lines = [
        r#"{"event":"session.network","code":"T4002I","program":"nmap","user":"late","time":"2020-01-01T10:00:00.5Z"}"#,
        r#"{"event":"session.network","code":"T4002I","program":"nmap","user":"early","time":"2020-01-01T12:00:00+02:00"}"#,
    ];
    let output = vigil(&["scan", "-"], Some(lines.join("\n").as_bytes()));
    let users: Vec<String> =
        alerts(&output).iter().map(|a| a["output_fields"]["user"].as_str().unwrap().to_string()).collect();
    assert_eq!(users, ["early", "late"]);
}

#[test]
fn ocsf_output_is_one_detection_finding_per_alert() {
    let output = vigil(&["scan", "--format", "ocsf", "data/teleport/samples.jsonl"], None);
    let findings: Vec<Value> =
        String::from_utf8_lossy(&output.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let seed: Vec<&Value> =
        findings.iter().filter(|f| f["finding_info"]["analytic"]["uid"] == "Teleport.NetworkScanning").collect();
    assert_eq!(seed.len(), 2);
    let f = seed[0];
    assert_eq!(
        (f["class_uid"].as_u64(), f["category_uid"].as_u64(), f["type_uid"].as_u64()),
        (Some(2004), Some(2), Some(200_401))
    );
    assert_eq!(
        (f["activity_id"].as_u64(), f["severity_id"].as_u64(), f["count"].as_u64()),
        (Some(1), Some(3), Some(1))
    );
    assert_eq!(
        (f["time"].as_i64(), f["start_time"].as_i64(), f["end_time"].as_i64()),
        (Some(1_597_698_827_117), Some(1_597_698_827_117), Some(1_597_698_827_117))
    );
    assert_eq!(f["finding_info"]["title"], "User [panther] has issued a network scan with [nmap]");
    assert_eq!(f["finding_info"]["attacks"][0]["technique"]["uid"], "T1046");
    assert_eq!(f["finding_info"]["attacks"][0]["tactic"]["uid"], "TA0007");
    assert_eq!(f["metadata"]["product"]["name"], "vigil");
    assert_eq!(f["metadata"]["version"], "1.3.0");
}

#[test]
fn every_required_ocsf_detection_finding_field_is_present_with_its_type() {
    let output = vigil(&["scan", "--format", "ocsf", "data/teleport/samples.jsonl"], None);
    let findings: Vec<Value> =
        String::from_utf8_lossy(&output.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert!(!findings.is_empty());
    // OCSF 1.3.0 Detection Finding (2004): required attributes, and those of its required objects.
    let integer = |v: &Value| v.is_i64() || v.is_u64();
    let (int, text) = (true, false);
    let required = [
        ("/activity_id", int),
        ("/category_uid", int),
        ("/class_uid", int),
        ("/type_uid", int),
        ("/severity_id", int),
        ("/time", int),
        ("/count", int),
        ("/finding_info/uid", text),
        ("/finding_info/title", text),
        ("/finding_info/analytic/type_id", int),
        ("/finding_info/analytic/uid", text),
        ("/finding_info/analytic/name", text),
        ("/metadata/product/name", text),
        ("/metadata/version", text),
    ];
    for finding in &findings {
        for (path, is_integer) in required {
            let value = finding.pointer(path).unwrap_or(&Value::Null);
            let typed = if is_integer { integer(value) } else { value.is_string() };
            assert!(typed, "{path} is {value} in {finding}");
        }
        for path in ["/start_time", "/end_time"] {
            assert!(integer(&finding[&path[1..]]), "{path} in {finding}");
        }
        let type_uid = finding["type_uid"].as_u64().unwrap();
        assert_eq!(type_uid, finding["class_uid"].as_u64().unwrap() * 100 + finding["activity_id"].as_u64().unwrap());
    }
}

#[test]
fn an_untimed_alert_still_has_an_ocsf_time() {
    let line = r#"{"event":"session.command","code":"T4000I","user":"u","program":"nmap","argv":["-sS"]}"#;
    let output = vigil(&["scan", "--format", "ocsf", "-"], Some(line.as_bytes()));
    let finding: Value = serde_json::from_str(String::from_utf8_lossy(&output.stdout).lines().next().unwrap()).unwrap();
    assert_eq!((finding["time"].as_i64(), finding["start_time"].as_i64()), (Some(0), None));
}

#[test]
fn a_stream_writes_an_alert_while_its_input_is_still_open() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_vigil"))
        .args(["scan", "--max-disorder", "5m", "-"])
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("vigil runs");
    let mut input = child.stdin.take().unwrap();
    // The scan's window (60 minutes) ends at 11:00; an event at 11:10 puts the watermark past it.
    let later = r#"{"event":"session.start","code":"T2000I","user":"alice","time":"2024-01-01T11:10:00Z"}"#;
    writeln!(input, "{}\n{later}", nmap_event("2024-01-01T10:00:00Z", "alice")).unwrap();
    input.flush().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (sender, first_line) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut line);
        let _ = sender.send(line);
    });
    let Ok(first) = first_line.recv_timeout(std::time::Duration::from_secs(60)) else {
        let _ = child.kill();
        panic!("no alert within 60 s while the input stayed open");
    };
    let alert: Value = serde_json::from_str(&first).unwrap();
    assert_eq!(alert["title"], "User [alice] has issued a network scan with [nmap]");
    drop(input);
    assert!(child.wait().unwrap().success());
}

#[test]
fn a_stream_ends_quietly_when_its_reader_goes_away() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_vigil"))
        .args(["scan", "-q", "--max-disorder", "0s", "-"])
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("vigil runs");
    drop(child.stdout.take());
    let mut input = child.stdin.take().unwrap();
    // An endless input: alerts keep coming until vigil notices that no one reads them.
    let writer = std::thread::spawn(move || {
        for minute in 0..100_000u32 {
            let time = format!("2024-01-{:02}T{:02}:{:02}:00Z", 1 + minute / 1440 % 28, minute / 60 % 24, minute % 60);
            if writeln!(input, "{}", nmap_event(&time, &format!("u{minute}"))).is_err() {
                return true;
            }
        }
        false
    });
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
    assert!(writer.join().unwrap(), "vigil read the whole input instead of ending");
}

#[test]
fn signals_and_alerts_cannot_share_a_file() {
    let dir = scratch("same-output");
    let file = dir.join("out.jsonl");
    let path = file.to_str().unwrap();
    let output = vigil(&["scan", "-o", path, "--signals", path, "data/teleport/samples.jsonl"], None);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("is also --output; give them different files"), "{}", stderr(&output));
}

#[test]
fn a_late_match_in_a_stream_is_counted_in_the_summary() {
    let lines = [
        nmap_event("2024-01-01T10:00:00Z", "alice"),
        nmap_event("2024-01-01T12:00:00Z", "bob"),
        nmap_event("2024-01-01T09:00:00Z", "carol"),
    ]
    .join("\n");
    let output = vigil(&["scan", "--max-disorder", "10m", "-"], Some(lines.as_bytes()));
    assert_eq!(alerts(&output).len(), 3);
    assert!(
        stderr(&output).contains("3 matches (1 later than --max-disorder allows), 0 signals, 3 alerts"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn signals_on_stdout_need_alerts_elsewhere_and_a_bad_duration_is_named() {
    let output = vigil(&["scan", "--signals", "-", "data/teleport/samples.jsonl"], None);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("--signals - and alerts would share standard output"), "{}", stderr(&output));
    let output = vigil(&["scan", "--max-disorder", "soon", "-"], Some(b""));
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("`soon` is not a duration such as `30s`, `5m`, `1h` or `1d`"),
        "{}",
        stderr(&output)
    );
    assert!(vigil(&["scan", "--max-disorder", "1d", "-"], Some(b"")).status.success(), "days are 24 hours");
}

#[test]
fn the_table_is_aligned_and_plain_when_not_on_a_terminal() {
    let lines = [nmap_event("2024-01-01T10:00:00Z", "alice"), nmap_event("2024-01-01T11:30:00Z", "bob")].join("\n");
    // The rule column fits the rules that run.
    let output =
        vigil(&["scan", "--rule", "Teleport.NetworkScanning", "--format", "table", "-"], Some(lines.as_bytes()));
    let table = String::from_utf8_lossy(&output.stdout);
    let seed: Vec<&str> =
        table.lines().filter(|l| l.starts_with("FIRST") || l.contains("Teleport.NetworkScanning")).collect();
    assert_eq!(
        seed,
        [
            "FIRST EVENT           SEVERITY  COUNT  RULE                      TITLE",
            "2024-01-01T10:00:00Z  Medium    1      Teleport.NetworkScanning  User [alice] has issued a network scan with [nmap]",
            "2024-01-01T11:30:00Z  Medium    1      Teleport.NetworkScanning  User [bob] has issued a network scan with [nmap]",
        ]
    );
    assert!(!table.contains('\x1b'), "no colour codes when stdout is not a terminal");
}

#[test]
fn the_table_fits_in_100_columns_when_asked() {
    let lines = [nmap_event("2024-01-01T10:00:00Z", &"a".repeat(200)), nmap_event("2024-01-01T11:30:00Z", "bob")];
    let mut child = Command::new(env!("CARGO_BIN_EXE_vigil"))
        .args(["scan", "--rule", "Teleport.NetworkScanning", "--format", "table", "-"])
        .env("COLUMNS", "100")
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(lines.join("\n").as_bytes()).unwrap();
    let table = String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap();
    assert_eq!(table.lines().count(), 3, "{table}");
    for line in table.lines() {
        assert!(line.chars().count() <= 100, "{line}");
    }
    let long = table.lines().nth(1).unwrap();
    assert!(long.ends_with(&format!("User [{}…", "a".repeat(28))) && long.chars().count() == 100, "{long}");
    assert!(table.lines().nth(2).unwrap().ends_with("User [bob] has issued a network sc…"), "{table}");
}

#[test]
fn vigil_test_runs_every_compiled_rule_test_and_closes_with_the_counts() {
    let output = vigil(&["test", "networkscanning"], None);
    assert!(output.status.success(), "{}", stderr(&output));
    let snake = vigil(&["test", "network_scanning"], None);
    assert_eq!(snake.stdout, output.stdout, "the filter cargo test takes works too");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        stdout.lines().collect::<Vec<_>>(),
        [
            "ok      Teleport.NetworkScanning / Echo command",
            "ok      Teleport.NetworkScanning / Nmap with no args",
            "ok      Teleport.NetworkScanning / Nmap with args",
            "ok      Teleport.NetworkScanning / Nmap running from crontab",
            "4 passed, 0 failed",
        ]
    );
}

#[test]
fn vigil_show_prints_the_seed_condition_as_the_seed_catalog_does() {
    let output = vigil(&["show", "teleport.networkscanning"], None);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("Condition:\n  not (event eq \"session.command\" and argv is_null)\n  program in [\"arp\", \"arp-scan\", \"fping\", \"nmap\"]\n"),
        "{text}"
    );
    assert!(text.contains("MITRE ATT&CK: TA0007:T1046"), "{text}");
    assert!(text.contains("title:       User [{user}] has issued a network scan with [{program}]\n"), "{text}");
    assert!(text.contains("output:      user, program, cluster_name\n"), "{text}");
    assert!(text.contains("  match    Nmap with args"), "{text}");
    let missing = vigil(&["show", "No.Such.Rule"], None);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("no rule `No.Such.Rule`; rules: "), "{}", stderr(&missing));
}

#[test]
fn vigil_list_filters_by_log_type_severity_tag_and_mitre() {
    let ids = |args: &[&str]| -> Vec<String> {
        let output = vigil(&[&["list", "--json"][..], args].concat(), None);
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .map(|l| serde_json::from_str::<Value>(l).unwrap()["rule_id"].as_str().unwrap().to_string())
            .collect()
    };
    let seed = "Teleport.NetworkScanning".to_string();
    assert!(ids(&["--log-type", "gravitational.teleportaudit"]).contains(&seed));
    assert!(ids(&["--mitre", "T1046"]).contains(&seed));
    assert!(ids(&["--mitre", "TA0007", "--severity", "medium", "--tag", "SSH"]).contains(&seed));
    assert!(!ids(&["--severity", "Critical"]).contains(&seed));
    assert!(ids(&["--log-type", "AWS.CloudTrail"]).is_empty());
}

/// The summary without its timing, which differs from run to run.
fn summary_without_timing(output: &Output) -> String {
    let err = stderr(output);
    err.rsplit_once(". ").map_or(err.clone(), |(before, _)| before.to_string())
}

#[test]
fn output_is_byte_identical_whatever_the_thread_count_and_input_order() {
    let dir = scratch("threads");
    let mut names = Vec::new();
    for file in 0..6 {
        let lines: Vec<String> = (0..40)
            .map(|i| {
                // Times run backwards within a file and interleave across files.
                let minute = (40 - i) * 7 + file * 3;
                let user = ["amy", "bob", "cat"][(i + file) % 3];
                nmap_event(&format!("2024-01-01T{:02}:{:02}:00Z", minute / 60, minute % 60), user)
            })
            .chain(["{broken".to_string()])
            .collect();
        let name = dir.join(format!("part{file}.jsonl"));
        std::fs::write(&name, lines.join("\n")).unwrap();
        names.push(name.to_str().unwrap().to_string());
    }
    let forward: Vec<&str> = names.iter().map(String::as_str).collect();
    let mut backward = forward.clone();
    backward.reverse();
    let run = |threads: &str, inputs: &[&str]| vigil(&[&["scan", "--threads", threads][..], inputs].concat(), None);
    let one = run("1", &forward);
    let others = [run("2", &forward), run("4", &backward), run("3", &backward)];
    std::fs::remove_dir_all(&dir).ok();
    assert!(alerts(&one).len() > 3, "{}", stderr(&one));
    for other in others {
        assert!(one.stdout == other.stdout, "stdout differs:\n{}", String::from_utf8_lossy(&other.stdout));
        assert_eq!(summary_without_timing(&one), summary_without_timing(&other));
    }
    assert!(stderr(&one).contains("part0.jsonl:41:2: malformed JSON"), "{}", stderr(&one));
}

#[test]
fn vigil_validate_checks_rule_files_without_compiling_them() {
    let ok = vigil(&["validate", "rules"], None);
    assert!(ok.status.success(), "{}", stderr(&ok));
    assert!(String::from_utf8_lossy(&ok.stdout).ends_with(" valid\n"));
    let bad = vigil(
        &["validate", "tests/compile_errors/unknown_operator/rule.yml", "tests/compile_errors/duplicate_rule_id"],
        None,
    );
    assert_eq!(bad.status.code(), Some(2));
    assert_eq!(
        stderr(&bad),
        "vigil: tests/compile_errors/unknown_operator/rule.yml:6:20: bad condition: expected an operator after `program`, found `equals` (write `eq`)\n\
         vigil: tests/compile_errors/duplicate_rule_id/a.yml:2:9: RuleID `Broken.Rule` is already used by tests/compile_errors/unknown_operator/rule.yml; every rule needs its own RuleID\n\
         vigil: tests/compile_errors/duplicate_rule_id/b.yml:2:9: RuleID `Broken.Rule` is already used by tests/compile_errors/unknown_operator/rule.yml; every rule needs its own RuleID\n\
         vigil: 3 problems\n"
    );
    // All files given are one rule set: a copy of a bundled rule clashes with it.
    let dir = scratch("validate");
    std::fs::copy(root().join("rules/teleport/network_scanning.yml"), dir.join("mine.yml")).unwrap();
    std::fs::create_dir(dir.join("empty")).unwrap();
    let clash = vigil(&["validate", dir.join("mine.yml").to_str().unwrap(), "rules/teleport"], None);
    let empty = vigil(&["validate", dir.join("empty").to_str().unwrap()], None);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(clash.status.code(), Some(2));
    assert!(
        stderr(&clash)
            .contains("rules/teleport/network_scanning.yml:2:9: RuleID `Teleport.NetworkScanning` is already used by "),
        "{}",
        stderr(&clash)
    );
    assert_eq!(empty.status.code(), Some(2));
    assert!(stderr(&empty).contains("no rule files (.yml, .yaml) here"), "{}", stderr(&empty));
}

#[test]
fn scan_filters_exit_codes_and_output_file() {
    let lines =
        [nmap_event("2024-01-01T10:00:00Z", "amy"), nmap_event("2024-01-02T10:00:00Z", "bob"), "{not json".to_string()]
            .join("\n");
    let scan = |args: &[&str]| vigil(&[&["scan"][..], args, &["-"]].concat(), Some(lines.as_bytes()));
    let plain = scan(&[]);
    assert_eq!((plain.status.code(), alerts(&plain).len()), (Some(0), 2));
    assert_eq!(scan(&["--fail-on-alert"]).status.code(), Some(1));
    assert_eq!(scan(&["--strict"]).status.code(), Some(2), "a malformed line fails a strict run");
    assert_eq!(alerts(&scan(&["--severity-min", "high"])).len(), 0);
    assert_eq!(
        alerts(&scan(&["--severity-min", "medium", "--tag", "ssh", "--rule", "teleport.networkscanning"])).len(),
        2
    );
    let since = scan(&["--since", "2024-01-02T00:00:00Z"]);
    let users: Vec<_> = alerts(&since).iter().map(|a| a["output_fields"]["user"].clone()).collect();
    assert_eq!(users, ["bob"]);
    assert!(stderr(&since).contains("2 events (1 outside --since/--until)"), "{}", stderr(&since));
    assert_eq!(alerts(&scan(&["--until", "2024-01-02T00:00:00Z"])).len(), 1);
    let unknown = scan(&["--rule", "No.Such"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("no rule `No.Such`; `vigil list` shows the rules"), "{}", stderr(&unknown));
    let no_tag = scan(&["--tag", "no-such-tag"]);
    assert!(stderr(&no_tag).contains("no rule matches the --rule and --tag filters"), "{}", stderr(&no_tag));
    assert_eq!(alerts(&scan(&["--severity-min", "Medium", "--rule", "TELEPORT.NETWORKSCANNING"])).len(), 2);
    let nowhere = scan(&["--output", "/no/such/dir/alerts.jsonl"]);
    assert_eq!(nowhere.status.code(), Some(2));
    assert!(stderr(&nowhere).contains("creating --output /no/such/dir/alerts.jsonl"), "{}", stderr(&nowhere));
    assert_eq!(alerts(&scan(&["--output", "-"])).len(), 2, "`-` is standard output");
    let backwards = scan(&["--since", "2024-01-02T00:00:00Z", "--until", "2024-01-01T00:00:00Z"]);
    assert_eq!(backwards.status.code(), Some(2));
    assert!(stderr(&backwards).contains("is not before --until"), "{}", stderr(&backwards));
    let dir = scratch("output");
    let file = dir.join("alerts.jsonl");
    let written = scan(&["--output", file.to_str().unwrap()]);
    let contents = std::fs::read_to_string(&file).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(written.stdout.is_empty());
    assert_eq!(contents.lines().filter(|l| l.contains("Teleport.NetworkScanning")).count(), 2);
}

#[test]
fn zstd_json_arrays_and_records_documents_are_read_whatever_their_names() {
    let dir = scratch("forms");
    let event = |user: &str, day: u32| nmap_event(&format!("2024-01-{day:02}T10:00:00Z"), user);
    let zstd = ruzstd::encoding::compress_to_vec(
        (event("zoe", 1) + "\n").as_bytes(),
        ruzstd::encoding::CompressionLevel::Fastest,
    );
    let mut two_frames = zstd.clone();
    two_frames.extend(ruzstd::encoding::compress_to_vec(
        (event("zed", 2) + "\n").as_bytes(),
        ruzstd::encoding::CompressionLevel::Fastest,
    ));
    std::fs::write(dir.join("a.log"), &two_frames).unwrap();
    std::fs::write(dir.join("b.json"), format!("[\n  {},\n  {}\n]\n", event("ann", 3), event("ben", 4))).unwrap();
    std::fs::write(dir.join("c.json"), format!("{{\"Records\": [{}, {}]}}\n", event("cy", 5), event("di", 6))).unwrap();
    std::fs::write(
        dir.join("d.json"),
        format!("{{\n  \"Records\": [\n    {},\n    {{\"broken\": \n  ]\n}}\n", event("ed", 7)),
    )
    .unwrap();
    let output = vigil(&["scan", dir.to_str().unwrap()], None);
    let err = stderr(&output);
    std::fs::remove_dir_all(&dir).unwrap();
    let users: Vec<String> =
        alerts(&output).iter().map(|a| a["output_fields"]["user"].as_str().unwrap().to_string()).collect();
    assert_eq!(users, ["zoe", "zed", "ann", "ben", "cy", "di"], "{err}");
    let sources: Vec<String> = alerts(&output).iter().map(|a| a["sources"][0].as_str().unwrap().to_string()).collect();
    assert!(sources[2].ends_with("b.json:2") && sources[3].ends_with("b.json:3"), "{sources:?}");
    assert!(sources[4].ends_with("c.json:1") && sources[5].ends_with("c.json:1"), "{sources:?}");
    assert!(err.contains("d.json:5:3: malformed JSON document, nothing in it is scanned"), "{err}");
}

#[test]
fn glob_patterns_and_hidden_files() {
    let dir = scratch("glob");
    std::fs::create_dir_all(dir.join("x/y")).unwrap();
    std::fs::write(dir.join("x/a.jsonl"), nmap_event("2024-01-01T00:00:00Z", "amy") + "\n").unwrap();
    std::fs::write(dir.join("x/y/b.jsonl"), nmap_event("2024-01-02T00:00:00Z", "bob") + "\n").unwrap();
    std::fs::write(dir.join("x/y/c.txt"), nmap_event("2024-01-03T00:00:00Z", "cat") + "\n").unwrap();
    std::fs::write(dir.join("x/.h.jsonl"), nmap_event("2024-01-04T00:00:00Z", "hid") + "\n").unwrap();
    let users = |args: &[&str]| -> Vec<String> {
        let output = vigil(&[&["scan"][..], args].concat(), None);
        alerts(&output).iter().map(|a| a["output_fields"]["user"].as_str().unwrap().to_string()).collect()
    };
    let pattern = format!("{}/x/**/*.jsonl", dir.display());
    let dir_text = format!("{}/x", dir.display());
    let got = (users(&[&pattern]), users(&["--hidden", &dir_text]), users(&[&format!("{}/nothing*", dir.display())]));
    let none = vigil(&["scan", &format!("{}/nothing*", dir.display())], None);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(got.0, ["amy", "bob"]);
    assert_eq!(got.1, ["amy", "bob", "cat", "hid"]);
    assert!(got.2.is_empty());
    assert_eq!(none.status.code(), Some(2));
    assert!(stderr(&none).contains("nothing*: cannot read: the pattern matches no file"), "{}", stderr(&none));
}

#[test]
fn vigil_explain_shows_each_predicate_with_its_value_and_the_result() {
    let event = r#"{"event":"session.command","argv":[],"program":"nmap","user":"x"}"#;
    let output = vigil(&["explain", "teleport.networkscanning", event], None);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "Teleport Network Scan Initiated (Teleport.NetworkScanning)\n\
         \x20 false not\n\
         \x20   true  all of\n\
         \x20     true  event eq \"session.command\"   value: \"session.command\"\n\
         \x20     true  argv is_null   value: []\n\
         \x20 true  program in [\"arp\", \"arp-scan\", \"fping\", \"nmap\"]   value: \"nmap\"\n\
         result: no match\n"
    );
    let from_stdin = vigil(
        &["explain", "Teleport.NetworkScanning", "-"],
        Some(nmap_event("2024-01-01T00:00:00Z", "amy").as_bytes()),
    );
    let text = String::from_utf8_lossy(&from_stdin.stdout);
    assert!(text.contains("result: match\ntitle: User [amy] has issued a network scan with [nmap]\n"), "{text}");
    let threshold = vigil(
        &["explain", "Teleport.AuthErrors", r#"{"event":"auth","code":"T3007W","success":false,"user":"u"}"#],
        None,
    );
    assert!(
        String::from_utf8_lossy(&threshold.stdout)
            .contains("(an alert needs 10 matches with this dedup string within 10 minutes)"),
        "{}",
        String::from_utf8_lossy(&threshold.stdout)
    );
    let signal = vigil(
        &["explain", "Teleport.PrivilegedCommand", r#"{"event":"session.command","program":"sudo","argv":[]}"#],
        None,
    );
    assert!(
        String::from_utf8_lossy(&signal.stdout).contains("(a signal rule"),
        "{}",
        String::from_utf8_lossy(&signal.stdout)
    );
    let bad = vigil(&["explain", "Teleport.NetworkScanning", "{not json"], None);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn a_corpus_of_bad_input_is_counted_kind_by_kind_and_the_good_events_still_alert() {
    let dir = scratch("corpus");
    let good = |user: &str| nmap_event("2024-01-01T10:00:00Z", user);
    let mut lines: Vec<Vec<u8>> = vec![
        b"{\"event\": ".to_vec(),           // 1 malformed: truncated object
        b"{\"a\": 1} trailing".to_vec(),    // 2 malformed: trailing characters
        b"[1, 2]".to_vec(),                 // 3 malformed: an array, not an object
        b"\"just a string\"".to_vec(),      // 4 malformed: a string
        b"{\"a\": \"tab\there\"}".to_vec(), // 5 malformed: raw control character
        b"\x00\x00".to_vec(),               // 6 malformed: NUL bytes
        b"\xff\xfe{}".to_vec(),             // 7 not UTF-8
        br#"{"event":"session.network","code":"T4002I","program":"nmap","user":"big","time":"2024-01-01T10:00:00Z","cluster_name":1e999}"#.to_vec(), // 8 unrepresentable
        br#"{"event":"session.network","code":"T4002I","program":"nmap","user":"late","time":"soon","argv":["-v"]}"#.to_vec(), // 9 unusable time
        Vec::new(),                                                                  // 10 blank: ignored
        good("ok").into_bytes(),                                                     // 11 fine
    ];
    lines.push(vec![b'x'; (16 << 20) + 1]); // 12 too long
    std::fs::write(dir.join("mixed.jsonl"), lines.join(&b'\n')).unwrap();
    let mut gz = flate2_encoder();
    gz.write_all((good("gz") + "\n" + &"y".repeat(4000)).as_bytes()).unwrap();
    let gz = gz.finish().unwrap();
    std::fs::write(dir.join("truncated.gz"), &gz[..gz.len() - 8]).unwrap();
    std::os::unix::fs::symlink(dir.join("absent"), dir.join("dangling.jsonl")).unwrap();
    let output = vigil(&["scan", "--verbose", dir.to_str().unwrap()], None);
    let err = stderr(&output);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(
        err.contains("Problems: 6 malformed, 1 not UTF-8, 1 too long, 1 unrepresentable value, 1 unusable time, 0 unrecognised events, 2 unreadable inputs."),
        "{err}"
    );
    for expected in [
        "mixed.jsonl:1:10: malformed JSON: EOF while parsing a value",
        "mixed.jsonl:2:10: malformed JSON: trailing characters",
        "mixed.jsonl:3: not an event object: invalid type: sequence",
        "mixed.jsonl:5:10: malformed JSON: control character (\\u0000-\\u001F) found while parsing a string",
        "mixed.jsonl:7:1: not UTF-8: an invalid byte sequence starts here",
        "mixed.jsonl:8: `cluster_name`: number out of range; scanned as if absent",
        "mixed.jsonl:9: `time` is \"soon\", not a time; the event takes the time of the line before it",
        "mixed.jsonl:12: line of 16777217 bytes is over the 16777216-byte limit",
        "truncated.gz: read failed after line 1; nothing after it is scanned",
        "dangling.jsonl: cannot read: ",
    ] {
        assert!(err.contains(expected), "missing {expected:?} in:\n{err}");
    }
    let users: Vec<String> =
        alerts(&output).iter().map(|a| a["output_fields"]["user"].as_str().unwrap().to_string()).collect();
    assert_eq!(users, ["big", "gz", "late", "ok"]);
}

#[test]
fn quiet_prints_only_alerts_and_a_closed_stdout_ends_quietly() {
    let quiet = vigil(&["scan", "--quiet", "-"], Some(b"{broken\n"));
    assert_eq!((quiet.status.code(), stderr(&quiet)), (Some(0), String::new()));
    let many: String = (0..4000).map(|i| nmap_event("2024-01-01T10:00:00Z", &format!("user{i}")) + "\n").collect();
    let mut child = Command::new(env!("CARGO_BIN_EXE_vigil"))
        .args(["scan", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(many.as_bytes()).unwrap();
    drop(stdin);
    let mut first = [0u8; 16];
    std::io::Read::read_exact(child.stdout.as_mut().unwrap(), &mut first).unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(!stderr(&output).contains("error"), "{}", stderr(&output));
}

#[test]
fn events_of_no_known_log_type_are_counted_unless_a_log_type_is_named() {
    let lines = [r#"{"program": "nmap", "user": "amy", "argv": ["-v"]}"#, &nmap_event("2024-01-01T00:00:00Z", "bob")]
        .join("\n");
    let auto = vigil(&["scan", "-"], Some(lines.as_bytes()));
    let err = stderr(&auto);
    assert!(err.contains("vigil: -:1: the event is of no log type the rules read (Gravitational.TeleportAudit events have `event` and `code`)"), "{err}");
    assert!(err.contains("1 unrecognised event, "), "{err}");
    assert!(err.contains("events by log type: Gravitational.TeleportAudit 1;"), "{err}");
    let users = |output: &Output| -> Vec<String> {
        alerts(output).iter().map(|a| a["output_fields"]["user"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(users(&auto), ["bob"]);
    let forced = vigil(&["scan", "--log-type", "Gravitational.TeleportAudit", "-"], Some(lines.as_bytes()));
    assert_eq!(users(&forced), ["amy", "bob"]);
    let unknown = vigil(&["scan", "--log-type", "AWS.CloudTrail", "-"], Some(lines.as_bytes()));
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("no compiled rule reads log type `AWS.CloudTrail`"), "{}", stderr(&unknown));
}

#[test]
fn completions_and_the_manual_page_come_from_the_command_line_definition() {
    let bash = vigil(&["completions", "bash"], None);
    let script = String::from_utf8_lossy(&bash.stdout);
    assert!(bash.status.success() && script.contains("_vigil()") && script.contains("--fail-on-alert"), "{script}");
    let zsh = vigil(&["completions", "zsh"], None);
    assert!(String::from_utf8_lossy(&zsh.stdout).starts_with("#compdef vigil"));
    let man = vigil(&["man"], None);
    let page = String::from_utf8_lossy(&man.stdout);
    assert!(page.contains(".TH vigil 1") && page.contains("explain"), "{page}");
}

#[test]
fn a_large_file_split_across_threads_gives_the_same_output_as_one_thread() {
    let dir = scratch("split");
    let path = dir.join("big.jsonl");
    let mut body = String::new();
    let mut i = 0u32;
    // About 80 MiB: over the size at which a plain file is split into parts.
    while body.len() < 80 << 20 {
        let minute = i / 50 % 1440;
        // Lines 100,000 to 140,000 (around the middle, where the file is cut) have no time.
        let time = if i.is_multiple_of(997) || (100_000..140_000).contains(&i) {
            "not a time".to_string()
        } else {
            format!("2024-01-01T{:02}:{:02}:00Z", minute / 60, minute % 60)
        };
        let program = if i.is_multiple_of(10) { "nmap" } else { "ls" };
        let line = format!(
            r#"{{"event":"session.network","code":"T4002I","time":"{time}","user":"u{}","program":"{program}","pad":"{}"}}"#,
            i % 7,
            "p".repeat(300)
        );
        body.push_str(&line);
        body.push('\n');
        if i.is_multiple_of(4999) {
            body.push_str("{broken\n");
        }
        i += 1;
    }
    std::fs::write(&path, &body).unwrap();
    let file = path.to_str().unwrap();
    let one = vigil(&["scan", "--threads", "1", "--verbose", file], None);
    let four = vigil(&["scan", "--threads", "4", "--verbose", file], None);
    // Untimed lines take the time before them, also across the cut, also with --since.
    let since = |threads| vigil(&["scan", "--threads", threads, "--since", "2024-01-01T00:00:00Z", file], None);
    let (one_since, four_since) = (since("1"), since("4"));
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(String::from_utf8_lossy(&four_since.stdout), String::from_utf8_lossy(&one_since.stdout));
    assert_eq!(summary_without_timing(&one_since), summary_without_timing(&four_since));
    // Only line 1, untimed with nothing before it, is out of range.
    assert!(stderr(&four_since).contains("events (1 outside --since/--until)"), "{}", stderr(&four_since));
    assert!(alerts(&one).len() > 10, "{}", stderr(&one));
    assert!(one.stdout == four.stdout, "alerts differ between 1 and 4 threads");
    let problems = |output: &Output| {
        stderr(output).lines().filter(|l| l.contains("big.jsonl:")).map(String::from).collect::<Vec<_>>()
    };
    assert_eq!(problems(&one), problems(&four));
    assert_eq!(summary_without_timing(&one), summary_without_timing(&four));
}

#[test]
fn unreadable_inputs_are_always_shown_and_typos_in_names_are_errors() {
    let bad_lines = "{broken\n".repeat(30);
    let many = vigil(&["scan", "-", "zzz/missing.jsonl"], Some(bad_lines.as_bytes()));
    let err = stderr(&many);
    assert!(err.contains("zzz/missing.jsonl: cannot open"), "{err}");
    assert!(err.contains("... and 10 more input problems not shown (--verbose shows up to 1000)"), "{err}");
    let quiet = vigil(&["scan", "--quiet", "zzz/missing.jsonl"], None);
    assert_eq!(quiet.status.code(), Some(2));
    assert!(stderr(&quiet).contains("zzz/missing.jsonl: cannot open"), "{}", stderr(&quiet));
    assert_eq!(vigil(&["test", "nope"], None).status.code(), Some(2));
    assert_eq!(vigil(&["list", "--log-type", "Nope"], None).status.code(), Some(2));
    assert_eq!(vigil(&["list", "--severity", "bogus"], None).status.code(), Some(2));
    let mitre = |id: &str| {
        String::from_utf8_lossy(&vigil(&["list", "--json", "--mitre", id], None).stdout)
            .contains("Teleport.NetworkScanning")
    };
    assert!(mitre("TA0007:T1046") && mitre("t1046") && mitre("TA0007") && !mitre("T1047"));
    // A technique, alone or with its tactic, finds its sub-techniques (BruteForceLogin maps T1110.001).
    let brute = |id: &str| {
        String::from_utf8_lossy(&vigil(&["list", "--json", "--mitre", id], None).stdout)
            .contains("Teleport.BruteForceLogin")
    };
    assert!(brute("TA0006:T1110") && brute("T1110") && brute("TA0006:T1110.001") && !brute("TA0001:T1110"));
    let page = vigil(&["man", "scan"], None);
    assert!(
        String::from_utf8_lossy(&page.stdout).contains("fail\\-on\\-alert"),
        "{}",
        String::from_utf8_lossy(&page.stdout)
    );
}

#[test]
fn the_alert_examples_in_the_docs_are_real_output() {
    let docs = std::fs::read_to_string(root().join("docs/alerts.md")).unwrap();
    let blocks: Vec<&str> = docs.split("```").skip(1).step_by(2).collect();
    let block = |lang: &str, n: usize| blocks.iter().filter_map(|b| b.strip_prefix(lang)).nth(n).unwrap().trim_start();
    let scan = |format: &str| {
        let args = ["scan", "--rule", "Teleport.NetworkScanning", "--format", format, "data/teleport/samples.jsonl"];
        String::from_utf8(vigil(&args, None).stdout).unwrap()
    };
    let first = |out: String| serde_json::from_str::<Value>(out.lines().next().unwrap()).unwrap();
    assert_eq!(serde_json::from_str::<Value>(block("json", 0)).unwrap(), first(scan("jsonl")));
    assert_eq!(serde_json::from_str::<Value>(block("json", 1)).unwrap(), first(scan("ocsf")));
    assert_eq!(block("text", 0), scan("table"));
}

#[test]
fn vigil_list_shows_every_teleport_rule_in_aligned_columns() {
    let output = vigil(&["list", "--log-type", "Gravitational.TeleportAudit"], None);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len() - 1, vigil_rules::RULE_SET.rules.len());
    let column = lines[0].find("SEVERITY").unwrap();
    for line in &lines[1..] {
        let severity = &line[column..].split_whitespace().next().unwrap();
        assert!(["Info", "Low", "Medium", "High", "Critical"].contains(severity), "{line}");
        assert!(line[..column].ends_with("  "), "{line}");
    }
    assert!(text.contains("Teleport.SSOLoginFromNonCompanyDomain  Medium"), "{text}");
}

//! Alerts as OCSF Detection Findings (`class_uid` 2004, OCSF 1.3.0), the form security data lakes
//! and SIEMs ingest.

use serde_json::{Value, json};

use crate::alert::Alert;
use crate::rule::Severity;

/// OCSF's schema version this mapping follows.
const OCSF_VERSION: &str = "1.3.0";
const CLASS_UID: u32 = 2004;
/// `Create`: a finding raised for the first time.
const ACTIVITY_ID: u32 = 1;

fn severity_id(severity: Severity) -> u8 {
    match severity {
        Severity::Info => 1,
        Severity::Low => 2,
        Severity::Medium => 3,
        Severity::High => 4,
        Severity::Critical => 5,
    }
}

/// The alert as one Detection Finding. Times are epoch milliseconds; `time` is the first event's,
/// or 0 when no event of the window had a time (OCSF requires `time`; 0 keeps output
/// deterministic, where the scan's own time would not).
pub fn detection_finding(alert: &Alert) -> Value {
    let millis = |t: jiff::Timestamp| t.as_millisecond();
    let (start, end) = alert.span.map_or((None, None), |(s, e)| (Some(millis(s)), Some(millis(e))));
    let attacks: Vec<Value> = alert
        .reports
        .get("MITRE ATT&CK")
        .into_iter()
        .flat_map(|ids| ids.iter())
        .filter_map(|id| id.split_once(':'))
        .map(
            |(tactic, technique)| json!({"tactic": {"uid": tactic}, "technique": {"uid": technique}, "version": "v15"}),
        )
        .collect();
    json!({
        "activity_id": ACTIVITY_ID,
        "activity_name": "Create",
        "category_uid": 2,
        "category_name": "Findings",
        "class_uid": CLASS_UID,
        "class_name": "Detection Finding",
        "type_uid": CLASS_UID * 100 + ACTIVITY_ID,
        "severity_id": severity_id(alert.severity),
        "severity": format!("{:?}", alert.severity),
        "status_id": 1,
        "status": "New",
        "time": start.unwrap_or(0),
        "start_time": start,
        "end_time": end,
        "count": alert.event_count,
        "message": alert.title,
        "finding_info": {
            "uid": alert.alert_id,
            "title": alert.title,
            "desc": alert.rule_name,
            "analytic": {"uid": alert.rule_id, "name": alert.rule_name, "type_id": 1, "type": "Rule"},
            "attacks": attacks,
            "types": alert.tags,
            "src_url": alert.reference,
        },
        "metadata": {
            "product": {"name": "vigil", "vendor_name": "vigil", "version": env!("CARGO_PKG_VERSION")},
            "version": OCSF_VERSION,
            "log_name": alert.log_type,
        },
        "remediation": {"desc": alert.runbook},
        "unmapped": {"dedup": alert.dedup, "sources": alert.sources, "context": alert.context},
    })
}

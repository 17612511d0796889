use super::*;
use crate::ir::{Expr, Op};
use crate::path::KeyPath;
use crate::rule::Severity;

const MINIMAL: &str =
    "AnalysisType: rule\nRuleID: Test.Rule\nEnabled: true\nLogTypes: [Gravitational.TeleportAudit]\nSeverity: Low\n";

fn errors(source: &str) -> Vec<String> {
    load_rule("rules/t.yml", source).unwrap_err().iter().map(ToString::to_string).collect()
}

fn seed_path() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rules")
}

#[test]
fn loads_the_seed_rule_with_every_key() {
    let root = seed_path();
    let set = load_rule_set(&root, "rules", &["teleport/network_scanning.yml".to_string()]).unwrap();
    let rule = &set.rules[0];
    assert_eq!(rule.id, "Teleport.NetworkScanning");
    assert_eq!(rule.display_name.as_deref(), Some("Teleport Network Scan Initiated"));
    assert_eq!(rule.severity, Severity::Medium);
    assert_eq!(rule.dedup_period_minutes, 60);
    assert_eq!(rule.threshold, 1);
    assert_eq!(rule.reports, vec![("MITRE ATT&CK".to_string(), vec!["TA0007:T1046".to_string()])]);
    assert_eq!(rule.summary_attributes.len(), 9);
    assert_eq!(
        rule.condition.to_string(),
        r#"not (event eq "session.command" and argv is_null) and program in ["arp", "arp-scan", "fping", "nmap"]"#
    );
    let names: Vec<_> = rule.tests.iter().map(|t| (t.name.as_str(), t.expected_result)).collect();
    assert_eq!(
        names,
        [
            ("Echo command", false),
            ("Nmap with no args", false),
            ("Nmap with args", true),
            ("Nmap running from crontab", true)
        ]
    );
    assert!(rule.tests[2].log_json.contains(r#""argv":["-v","-iR","100000","-Pn","-p","80"]"#));
}

#[test]
fn condition_syntax_errors_point_into_the_string() {
    let source = format!("{MINIMAL}Condition:\n  - event eq \"x\"\n  - program eqq \"nmap\"\n");
    assert_eq!(
        errors(&source),
        ["rules/t.yml:8:13: bad condition: expected an operator after `program`, found `eqq` (did you mean `eq`?)"]
    );
    let quoted = format!("{MINIMAL}Condition: 'a in \"x\"'\n");
    assert_eq!(
        errors(&quoted),
        [
            "rules/t.yml:6:18: bad condition: `in` takes a list of strings, numbers, booleans or null, e.g. `[\"nmap\", \"arp\"]`, found `\"x\"`"
        ]
    );
}

#[test]
fn unknown_keys_suggest_the_nearest_key() {
    let source = format!("{MINIMAL}Condtion: a exists\n");
    assert_eq!(
        errors(&source),
        [
            "rules/t.yml:1:1: the rule has no `Condition:`; add one, e.g. `Condition: program eq \"nmap\"` (or Panther's `Detection:`)",
            "rules/t.yml:6:1: unknown key `Condtion` (did you mean `Condition`?)",
        ]
    );
}

#[test]
fn wrong_types_and_values_are_reported_by_serde_with_positions() {
    let bad_severity = MINIMAL.replace("Severity: Low", "Severity: Severe");
    let err = &errors(&format!("{bad_severity}Condition: a exists\n"))[0];
    assert_eq!(
        err,
        "rules/t.yml:5:11: `Severity`: unknown value `Severe`, expected one of `Info`, `Low`, `Medium`, `High`, `Critical`"
    );
    let missing = MINIMAL.replace("Enabled: true\n", "");
    assert_eq!(
        errors(&missing),
        [
            "rules/t.yml:1:1: the rule has no `Enabled`, which is required; add e.g. `Enabled: true`",
            "rules/t.yml:1:1: the rule has no `Condition:`; add one, e.g. `Condition: program eq \"nmap\"` (or Panther's `Detection:`)"
        ]
    );
}

#[test]
fn every_problem_is_reported_not_only_the_first() {
    let source = "AnalysisType: policy\nRuleID: 'a<b'\nEnabled: true\nLogTypes: [Teleport]\nSeverity: Low\nReports: {MITRE ATT&CK: [T1046]}\nThreshold: 0\nCondition: a exists\nAlertTitle: 'x {y'\n";
    let errs = errors(source);
    let expected = [
        "rules/t.yml:1:15: `AnalysisType: policy` is not supported",
        "rules/t.yml:2:9: RuleID `a<b` contains `<`",
        "rules/t.yml:4:12: unknown log type `Teleport`",
        "rules/t.yml:6:26: `T1046` is not a MITRE ATT&CK id",
        "rules/t.yml:7:12: `Threshold` must be at least 1",
        "rules/t.yml:9:18: bad AlertTitle: expected `}`",
    ];
    assert_eq!(errs.len(), expected.len(), "{errs:#?}");
    for (err, want) in errs.iter().zip(expected) {
        assert!(err.starts_with(want), "{err} does not start with {want}");
    }
}

#[test]
fn unsupported_keys_are_errors_not_silently_ignored() {
    let source = format!("{MINIMAL}Filename: rule.py\n");
    assert_eq!(
        errors(&source),
        [
            "rules/t.yml:6:1: Python rules (`Filename:`) are not supported yet; write the logic as `Condition:` or `Detection:`"
        ]
    );
    assert!(errors(MINIMAL)[0].contains("the rule has no `Condition:`"));
}

#[test]
fn detection_inline_filters_and_dynamic_severities_lower_into_one_condition() {
    let source = format!(
        "{MINIMAL}InlineFilters:\n  - {{KeyPath: event, Condition: Equals, Value: session.command}}\nDetection:\n  - {{KeyPath: program, Condition: IsIn, Values: [nmap]}}\n  - {{KeyPath: argv, Condition: IsNotNullOrEmpty}}\nDynamicSeverities:\n  - ChangeTo: high\n    Conditions: [{{KeyPath: login, Condition: Equals, Value: root}}]\n"
    );
    let rule = load_rule("rules/t.yml", &source).unwrap();
    assert_eq!(
        rule.condition.to_string(),
        r#"event eq "session.command" and program in ["nmap"] and argv is_not_null"#
    );
    assert_eq!(rule.dynamic_severities.len(), 1);
    assert_eq!(rule.dynamic_severities[0].0, Severity::High);
    assert_eq!(rule.dynamic_severities[0].1.to_string(), r#"login eq "root""#);
}

#[test]
fn simple_detection_mistakes_point_at_their_yaml() {
    let source = format!(
        "{MINIMAL}Condition: a exists\nDetection:\n  - KeyPath: a\n    Condition: Equal\n    Value: 1\nDynamicSeverities:\n  - ChangeTo: Severe\n    Conditions: [{{Condition: AlwaysTrue}}]\n"
    );
    assert_eq!(
        errors(&source),
        [
            "rules/t.yml:7:1: `Detection` cannot be used with `Condition`: a rule has one of `Condition`, `Detection` and `Filename`",
            "rules/t.yml:12:15: `ChangeTo` is one of Info, Low, Medium, High, Critical",
        ]
    );
    let detection = format!("{MINIMAL}Detection:\n  - KeyPath: a\n    Condition: Equal\n    Value: 1\n");
    assert_eq!(errors(&detection), ["rules/t.yml:8:16: unknown condition `Equal` (did you mean `Equals`?)"]);
}

#[test]
fn test_logs_may_be_json_strings_with_trailing_commas() {
    let source = format!(
        "{MINIMAL}Condition: a exists\nTests:\n  - Name: t\n    ExpectedResult: true\n    Log: '{{\"a\": [1, 2,], \"b\": \"x\",}}'\n"
    );
    let rule = load_rule("rules/t.yml", &source).unwrap();
    assert_eq!(rule.tests[0].log_json, r#"{"a":[1,2],"b":"x"}"#);
    let Expr::Predicate(p) = &rule.condition else { panic!() };
    assert_eq!(p.op, Op::Exists);
}

#[test]
fn duplicate_rule_ids_and_test_names_are_errors() {
    let dir = std::env::temp_dir().join(format!("vigil-dup-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("x")).unwrap();
    let body = format!(
        "{MINIMAL}Condition: a exists\nTests:\n  - {{Name: t, ExpectedResult: true, Log: {{a: 1}}}}\n  - {{Name: t, ExpectedResult: false, Log: {{b: 1}}}}\n"
    );
    std::fs::write(dir.join("x/a.yml"), &body).unwrap();
    std::fs::write(dir.join("x/b.yml"), MINIMAL.to_string() + "Condition: a exists\n").unwrap();
    let files = rule_files(&dir).unwrap();
    assert_eq!(files, ["x/a.yml", "x/b.yml"]);
    let label = dir.file_name().unwrap().to_string_lossy().into_owned();
    let errs: Vec<String> = load_rule_set(&dir, &label, &files).unwrap_err().iter().map(ToString::to_string).collect();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(
        errs,
        [
            format!("{label}/x/a.yml:9:12: test `t` is already defined (test 1); give each test its own Name"),
            format!(
                "{label}/x/b.yml:2:9: RuleID `Test.Rule` is already used by {label}/x/a.yml; every rule needs its own RuleID"
            ),
        ]
    );
}

#[test]
fn yaml_1_2_scalars_yes_and_no_are_strings_not_booleans() {
    let source = MINIMAL.replace("Enabled: true", "Enabled: yes") + "Condition: a exists\n";
    let err = &errors(&source)[0];
    assert_eq!(
        err,
        "rules/t.yml:3:10: `Enabled`: string \"yes\", expected a boolean (rules are YAML 1.2, where only `true` and `false` are booleans)"
    );
    let upper = MINIMAL.replace("Enabled: true", "Enabled: TRUE") + "Condition: a exists\n";
    assert!(load_rule("rules/t.yml", &upper).unwrap().enabled);
}

#[test]
fn every_key_problem_in_a_file_is_reported_at_once_with_its_position() {
    let source = "AnalysisType: rule\nRuleID: T.X\nEnabled: true\nLogTypes: [Gravitational.TeleportAudit]\nSeverity: Hgh\nCondition: 'program eqq 1'\nAlertTitel: x\nThreshold: -1\nTests:\n  - Name: a\n    ExpectedResult: yes\n    Log: {a: 1}\n  - Name: b\n    Log: {a: 1}\n    ExpectedTitle: t\n    Expected: 1\n";
    assert_eq!(
        errors(source),
        [
            "rules/t.yml:5:11: `Severity`: unknown value `Hgh`, expected one of `Info`, `Low`, `Medium`, `High`, `Critical`",
            "rules/t.yml:6:21: bad condition: expected an operator after `program`, found `eqq` (did you mean `eq`?)",
            "rules/t.yml:7:1: unknown key `AlertTitel` (did you mean `AlertTitle`?)",
            "rules/t.yml:8:12: `Threshold`: integer `-1`, expected a whole number from 1 up",
            "rules/t.yml:11:21: `ExpectedResult`: string \"yes\", expected a boolean (rules are YAML 1.2, where only `true` and `false` are booleans)",
            "rules/t.yml:13:5: the test has no `ExpectedResult`, which is required; add e.g. `ExpectedResult: true`",
            "rules/t.yml:16:5: unknown key `Expected`; the keys of a test are: Name, ExpectedResult, Log, ExpectedTitle, ExpectedDedup, ExpectedSeverity, ExpectedAlertContext, Mocks",
        ]
    );
}

#[test]
fn pinned_outputs_on_a_non_match_are_errors() {
    let source = format!(
        "{MINIMAL}Condition: a exists\nTests:\n  - Name: t\n    ExpectedResult: false\n    ExpectedTitle: x\n    Log: {{b: 1}}\n"
    );
    assert_eq!(
        errors(&source),
        [
            "rules/t.yml:10:5: `ExpectedTitle` only applies to a test with `ExpectedResult: true`; a non-match has no alert"
        ]
    );
}

#[test]
fn alert_context_and_its_expectation_are_read() {
    let source = format!(
        "{MINIMAL}Condition: a exists\nAlertContext:\n  - {{KeyName: who, KeyValue: {{KeyPath: identity.user}}}}\nTests:\n  - Name: t\n    ExpectedResult: true\n    ExpectedAlertContext: {{who: bob}}\n    Log: {{a: 1, identity: {{user: bob}}}}\n"
    );
    let rule = load_rule("rules/t.yml", &source).unwrap();
    assert_eq!(rule.alert_context, vec![("who".to_string(), KeyPath::parse("identity.user").unwrap())]);
    assert_eq!(rule.tests[0].expected_alert_context.as_deref(), Some(r#"{"who":"bob"}"#));
    let bad = source.replace("KeyPath: identity.user", "KeyPath: 'identity.'");
    assert_eq!(
        errors(&bad),
        [
            "rules/t.yml:8:50: bad key path in `AlertContext`: expected a key, found end of input (quote keys with punctuation: \"addr.remote\")"
        ]
    );
}

#[test]
fn mistyped_logic_and_shapes_get_plain_messages_once() {
    let source = format!(
        "{MINIMAL}Condition: 5\nGroupBy: [user]\nAlertContext:\n  - {{KeyName: a, KeyValue: {{KeyPath: x}}}}\n  - {{KeyName: a, KeyValue: {{KeyPath: y}}}}\n"
    );
    assert_eq!(
        errors(&source),
        [
            "rules/t.yml:6:12: `Condition`: expected a string, or a list of strings",
            "rules/t.yml:7:10: `GroupBy`: string \"user\", expected `{KeyPath: ...}`",
            "rules/t.yml:10:15: `KeyName: a` is already used in `AlertContext`; give each value its own name",
        ]
    );
}

#[test]
fn byte_order_marks_and_multibyte_offsets_are_handled() {
    let with_bom = format!("\u{feff}{MINIMAL}Condition: a exists\n");
    assert!(load_rule("rules/t.yml", &with_bom).is_ok());
    let broken_escape = format!("{MINIMAL}Condition: 'x eq \"\\u00é0\"'\n");
    assert_eq!(errors(&broken_escape).len(), 1, "a clear error, not a panic");
}

#[test]
fn test_logs_as_json_strings_take_what_json_dumps_writes() {
    let source = format!(
        "{MINIMAL}Condition: a exists\nTests:\n  - Name: t\n    ExpectedResult: true\n    Log: '{{\"a\": \"\\ud83d\\ude00\", \"b\": 1, \"b\": 2}}'\n  - Name: u\n    ExpectedResult: true\n    Log: {{a: .nan}}\n"
    );
    assert_eq!(
        errors(&source),
        ["rules/t.yml:13:10: `Log` has a number JSON cannot hold (`.nan`, `.inf`, or beyond `f64`)"]
    );
    let fine = source.split("  - Name: u").next().unwrap().to_string();
    let rule = load_rule("rules/t.yml", &fine).unwrap();
    assert_eq!(rule.tests[0].log_json, r#"{"a":"😀","b":2}"#);
}

#[test]
fn errors_inside_block_conditions_point_at_their_line() {
    let source = format!("{MINIMAL}Condition: >\n  event eq \"x\"\n  and program eqq \"nmap\"\n");
    assert_eq!(
        errors(&source),
        ["rules/t.yml:8:15: bad condition: expected an operator after `program`, found `eqq` (did you mean `eq`?)"]
    );
}

#[test]
fn rule_ids_name_files_so_separators_and_leading_dots_are_errors() {
    for (id, expected) in [
        ("'../../tmp/x'", "RuleID `../../tmp/x` contains `/`; use letters, digits, `.`, `_` and `-`"),
        ("'Odd Rule'", "RuleID `Odd Rule` contains ` `"),
        ("'.hidden'", "RuleID `.hidden` starts with `.`"),
    ] {
        let errs = errors(&format!(
            "AnalysisType: rule\nRuleID: {id}\nEnabled: true\nLogTypes: [Gravitational.TeleportAudit]\nSeverity: Low\nCondition: a exists\n"
        ));
        assert!(errs.iter().any(|e| e.contains(expected)), "{id}: {errs:?}");
    }
}

#[test]
fn an_unknown_attack_tactic_is_an_error_that_lists_the_tactics() {
    let errs =
        errors(&format!("{MINIMAL}Reports: {{MITRE ATT&CK: [TA9999:T1046, TA0007:T1046]}}\nCondition: a exists\n"));
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(
        errs[0].starts_with("rules/t.yml:6:26: `TA9999` is not an ATT&CK tactic; tactics: TA0043 Reconnaissance, "),
        "{errs:?}"
    );
}

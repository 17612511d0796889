//! The seed's "Detection logic" section, reproduced from the IR, and corpus counts on a rule set
//! built for them.

use super::*;
use crate::{Rule, load_rule};

const SEED: &str = include_str!("../../../../rules/teleport/network_scanning.yml");

fn rule(id: &str, condition: &str) -> Rule {
    let source = format!(
        "AnalysisType: rule\nRuleID: {id}\nEnabled: true\nLogTypes: [Gravitational.TeleportAudit]\nSeverity: Low\nCondition:\n{condition}\n"
    );
    load_rule(&format!("rules/t/{id}.yml"), &source).unwrap_or_else(|e| panic!("{e:?}"))
}

fn row(field: &str, kind: &str, values: &[&str]) -> Row {
    Row { field: field.into(), kind: kind.into(), values: values.iter().map(|v| (*v).to_string()).collect() }
}

#[test]
fn the_seed_rule_analyses_as_the_seed_page_shows() {
    let seed = load_rule("rules/teleport/network_scanning.yml", SEED).unwrap();
    let analysis = analyse(&seed, std::slice::from_ref(&seed));
    assert_eq!(
        analysis.condition,
        [r#"not (event eq "session.command" and argv is_null)"#, r#"program in ["arp", "arp-scan", "fping", "nmap"]"#]
    );
    assert_eq!(analysis.exclusions, [row("argv", "is_null", &[]), row("event", "eq", &["session.command"])]);
    assert_eq!(
        analysis.indicators,
        [Indicator { row: row("program", "in", &["arp", "arp-scan", "fping", "nmap"]), corpus: 0 }]
    );
    assert_eq!(analysis.output_fields, ["user", "program", "cluster_name"]);
}

#[test]
fn the_seed_page_has_the_seed_sections() {
    let seed = load_rule("rules/teleport/network_scanning.yml", SEED).unwrap();
    let page = page(&seed, &analyse(&seed, std::slice::from_ref(&seed)), SEED);
    let sections: Vec<&str> = page.lines().filter(|l| l.starts_with('#')).collect();
    assert_eq!(
        sections,
        [
            "# Teleport Network Scan Initiated",
            "## MITRE ATT&CK coverage",
            "## Rule body",
            "## Detection logic",
            "### Condition",
            "### Exclusions",
            "### Indicators",
            "### Output fields",
            "## Tests",
            "## Runbook",
            "## Reference",
        ]
    );
    assert!(page.starts_with(MARKDOWN_HEADER));
    for expected in [
        "| Discovery (TA0007) | T1046 Network Service Discovery |",
        "| `argv` | `is_null` |  |",
        "| `event` | `eq` | `session.command` |",
        "| `program` | `in` | `arp`, `arp-scan`, `fping`, `nmap` |  |",
        "| `cluster_name` |",
        "| Nmap running from crontab | match |",
        "| Echo command | no match |",
    ] {
        assert!(page.contains(expected), "{expected}\n{page}");
    }
}

#[test]
fn corpus_counts_other_rules_testing_the_same_field_kind_and_a_common_value() {
    let set = [
        rule("A", r#"  - program in ["nmap", "masscan"]"#),
        rule("B", r#"  - program in ["nmap"]"#),
        rule("C", r#"  - program in ["zmap"]"#),
        rule("D", r#"  - program eq "nmap""#),
        rule("E", r#"  - any argv (x eq 1) or program in ["masscan", "nmap"]"#),
        rule("F", "  - not (program in [\"nmap\"])\n  - argv is_not_null"),
    ];
    let corpus = |i: usize| -> Vec<(String, usize)> {
        analyse(&set[i], &set).indicators.into_iter().map(|ind| (ind.row.field, ind.corpus)).collect()
    };
    // A: B and E share `nmap` or `masscan` under `in`; C has another value; D another kind;
    // F's is under `not`.
    assert_eq!(corpus(0), [("program".to_string(), 2)]);
    assert_eq!(corpus(2), [("program".to_string(), 0)]);
    assert_eq!(corpus(4), [("argv[*].x".to_string(), 0), ("program".to_string(), 2)]);
    let f = analyse(&set[5], &set);
    assert!(f.indicators.is_empty());
    assert_eq!(f.exclusions, [row("argv", "is_null", &[]), row("program", "in", &["nmap"])]);
}

#[test]
fn a_rule_file_s_family_is_its_directory_under_rules() {
    assert_eq!(family("rules/teleport/network_scanning.yml"), "teleport");
    assert_eq!(family("teleport/x.yml"), "teleport");
    assert_eq!(family("x.yml"), "other");
}

#[test]
fn backticks_pipes_and_odd_references_cannot_break_a_page() {
    let source = "AnalysisType: rule\nRuleID: T.Odd\nEnabled: true\nLogTypes: [Gravitational.TeleportAudit]\n\
                  Severity: Low\nReference: \"javascript:alert(1)\"\nRunbook: |\n  ```\n  </pre>\n  ```\n\
                  Condition:\n  - 'program matches \"a|b\\\\.c\"'\n";
    let rule = load_rule("rules/t/odd.yml", source).unwrap();
    let page = page(&rule, &analyse(&rule, std::slice::from_ref(&rule)), source);
    // The rule body's fence is longer than the runbook's, so the runbook cannot close it.
    assert!(page.contains("````yaml\nAnalysisType: rule"), "{page}");
    assert!(page.contains("\\\\.c\"'\n````\n"), "{page}");
    // A pipe in a value is escaped for the table; the backslash stays as written.
    assert!(page.contains(r"| `program` | `matches` | `a\|b\.c` |"), "{page}");
    assert!(page.contains("## Reference\n\n`javascript:alert(1)`"), "{page}");
}

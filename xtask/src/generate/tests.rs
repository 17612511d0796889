//! Freshness: the checked-in generated files match the rules, and `--check` catches every way
//! they can fall behind (a new rule, an edited rule, a file no longer generated).

use super::*;

/// A scratch workspace with one valid rule; removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let root = std::env::temp_dir().join(format!("vigil-xtask-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("rules/teleport")).unwrap();
        std::fs::create_dir_all(root.join("crates/rules/src")).unwrap();
        let scratch = Scratch(root);
        scratch.rule("a", "A first rule.");
        scratch
    }

    fn rule(&self, name: &str, description: &str) {
        let source = format!(
            "AnalysisType: rule\nRuleID: T.{name}\nEnabled: true\nLogTypes: [Gravitational.TeleportAudit]\n\
             Severity: Low\nDescription: {description}\nReports:\n  MITRE ATT&CK: [\"TA0007:T1046\"]\n\
             Condition:\n  - program in [\"nmap\"]\n"
        );
        std::fs::write(self.0.join(format!("rules/teleport/{name}.yml")), source).unwrap();
    }

    fn check_error(&self) -> String {
        run(&self.0, Mode::Check).unwrap_err().to_string()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn generated_files_are_fresh() {
    if let Err(e) = run(&workspace_root(), Mode::Check) {
        panic!("{e:#}");
    }
}

#[test]
fn check_fails_on_an_unlisted_rule_and_names_the_command() {
    let scratch = Scratch::new("unlisted");
    run(&scratch.0, Mode::Write).unwrap();
    run(&scratch.0, Mode::Check).unwrap();
    scratch.rule("b", "Another.");
    let error = scratch.check_error();
    assert!(error.starts_with("generated files are stale: crates/rules/src/generated.rs, "), "{error}");
    assert!(error.ends_with("; run `cargo xtask gen`"), "{error}");
    let listed = std::fs::read_to_string(scratch.0.join("crates/rules/src/generated.rs")).unwrap();
    assert!(listed.starts_with(HEADER));
    assert!(listed.contains("\"teleport/a.yml\",") && !listed.contains("b.yml"));
}

#[test]
fn check_fails_after_a_rule_edit_without_regeneration() {
    let scratch = Scratch::new("edit");
    run(&scratch.0, Mode::Write).unwrap();
    scratch.rule("a", "An edited description.");
    assert_eq!(
        scratch.check_error(),
        "generated files are stale: docs/rules/teleport/T.a.md, docs/site/index.html, \
         docs/site/rules/teleport/T.a.html; run `cargo xtask gen`"
    );
    run(&scratch.0, Mode::Write).unwrap();
    run(&scratch.0, Mode::Check).unwrap();
    let page = std::fs::read_to_string(scratch.0.join("docs/rules/teleport/T.a.md")).unwrap();
    assert!(page.contains("An edited description."));
}

#[test]
fn a_removed_rule_s_pages_are_orphans_that_gen_removes() {
    let scratch = Scratch::new("orphan");
    scratch.rule("b", "Second.");
    run(&scratch.0, Mode::Write).unwrap();
    std::fs::remove_file(scratch.0.join("rules/teleport/b.yml")).unwrap();
    let error = scratch.check_error();
    assert!(error.contains("docs/rules/teleport/T.b.md (no longer generated)"), "{error}");
    assert!(error.contains("docs/site/rules/teleport/T.b.html (no longer generated)"), "{error}");
    run(&scratch.0, Mode::Write).unwrap();
    assert!(!scratch.0.join("docs/rules/teleport/T.b.md").exists());
    run(&scratch.0, Mode::Check).unwrap();
}

#[test]
fn every_bundled_rule_s_attack_ids_are_in_the_table() {
    let rules_dir = workspace_root().join("rules");
    let listed = vigil_model::rule_files(&rules_dir).unwrap();
    let set = vigil_model::load_rule_set(&rules_dir, "rules", &listed).unwrap();
    for rule in &set.rules {
        for (tactic, technique) in vigil_model::catalog::attack_pairs(rule) {
            assert!(vigil_model::mitre::tactic(tactic).is_some(), "{}: unknown tactic {tactic}", rule.id);
            assert!(
                vigil_model::mitre::technique(technique).is_some(),
                "{}: {technique} is not in crates/model/data/mitre_attack.tsv",
                rule.id
            );
        }
    }
}

use std::path::PathBuf;

use quote::quote;

use super::expand;

/// A scratch crate directory with a `rules/` beside it, as in the workspace.
struct Scratch {
    dir: PathBuf,
}

impl Scratch {
    fn new(name: &str, rules: &[(&str, &str)]) -> Scratch {
        let dir = std::env::temp_dir().join(format!("vigil-codegen-{name}-{}", std::process::id()));
        for (file, body) in rules {
            let path = dir.join("rules").join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, body).unwrap();
        }
        std::fs::create_dir_all(dir.join("crate")).unwrap();
        Scratch { dir }
    }

    fn expand(&self, files: &[&str]) -> String {
        expand(&self.dir.join("crate"), quote!(root = "../rules", files = [#(#files),*])).to_string()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

const RULE: &str = "AnalysisType: rule\nRuleID: T.One\nEnabled: true\nLogTypes: [Gravitational.TeleportAudit]\nSeverity: Low\nCondition: 'program in [\"nmap\", \"arp\"] and not argv is_null'\nAlertTitle: '{user} ran {program}'\nTests:\n  - {Name: Nmap run, ExpectedResult: true, Log: {program: nmap, argv: [-v]}}\n";

#[test]
fn generates_rule_set_matchers_and_named_tests() {
    let scratch = Scratch::new("ok", &[("t/one.yml", RULE)]);
    let code = scratch.expand(&["t/one.yml"]);
    syn::parse_file(&code).expect("generated code parses as Rust");
    assert!(code.contains("pub static RULE_SET"), "{code}");
    assert!(code.contains("pub fn t_one (event : & :: vigil_runtime :: Event) -> bool"), "{code}");
    assert!(code.contains(r#"matches ! (s , "nmap" | "arp")"#), "{code}");
    assert!(code.contains("mod t_one { # [test] fn nmap_run ()"), "{code}");
    assert!(code.contains(r#"keys : & ["argv" , "program" , "time" , "user"]"#), "{code}");
    assert!(
        code.contains(r#"include_bytes ! (concat ! (env ! ("CARGO_MANIFEST_DIR") , "/../rules/t/one.yml"))"#),
        "{code}"
    );
}

#[test]
fn a_broken_condition_is_a_compile_error_with_file_line_col() {
    let broken = RULE.replace("program in", "program inn");
    let scratch = Scratch::new("broken", &[("t/one.yml", &broken)]);
    let code = scratch.expand(&["t/one.yml"]);
    assert!(code.contains("compile_error ! (\"rules/t/one.yml:6:21: bad condition: expected an operator after `program`, found `inn` (did you mean `in`?)"), "{code}");
    assert!(code.contains("pub static RULE_SET"), "a skeleton keeps other errors away: {code}");
}

#[test]
fn a_stale_file_list_names_cargo_xtask_gen() {
    let scratch = Scratch::new("stale", &[("t/one.yml", RULE), ("t/two.yml", &RULE.replace("T.One", "T.Two"))]);
    let code = scratch.expand(&["t/one.yml", "t/gone.yml"]);
    assert!(
        code.contains(
            "rules/t/gone.yml:1:1: listed but missing; the compiled rule list is stale: run `cargo xtask gen`"
        ),
        "{code}"
    );
    assert!(
        code.contains("rules/t/two.yml:1:1: not compiled; the compiled rule list is stale: run `cargo xtask gen`"),
        "{code}"
    );
}

#[test]
fn output_is_deterministic() {
    let scratch = Scratch::new("det", &[("t/one.yml", RULE), ("t/two.yml", &RULE.replace("T.One", "T.Two"))]);
    assert_eq!(scratch.expand(&["t/one.yml", "t/two.yml"]), scratch.expand(&["t/one.yml", "t/two.yml"]));
}

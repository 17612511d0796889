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
    assert!(code.contains(r#"keys : & ["argv" , "code" , "event" , "program" , "time" , "user"]"#), "{code}");
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
fn generated_names_never_collide() {
    let base = "AnalysisType: rule\nEnabled: true\nLogTypes: [Gravitational.TeleportAudit]\nSeverity: Low\nCondition: a exists\n";
    let with_severity = format!(
        "RuleID: X\n{base}DynamicSeverities:\n  - {{ChangeTo: High, Conditions: [{{Condition: AlwaysTrue}}]}}\n"
    );
    let clash = format!("RuleID: X_Severity_0\n{base}Tests:\n  - {{Name: gen, ExpectedResult: true, Log: {{a: 1}}}}\n");
    let scratch = Scratch::new("names", &[("t/a.yml", &with_severity), ("t/b.yml", &clash)]);
    let code = scratch.expand(&["t/a.yml", "t/b.yml"]);
    let file = syn::parse_file(&code).expect("generated code parses");
    let matchers = file.items.iter().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == "matchers" => m.content.as_ref(),
        _ => None,
    });
    let names: Vec<String> = matchers
        .unwrap()
        .1
        .iter()
        .filter_map(|item| match item {
            syn::Item::Fn(f) => Some(f.sig.ident.to_string()),
            _ => None,
        })
        .collect();
    assert_eq!(names, ["x", "x_severity_0_2", "x_severity_0"]);
    assert!(code.contains("fn gen_ ()"), "{code}");
}

#[test]
fn output_is_deterministic() {
    let scratch = Scratch::new("det", &[("t/one.yml", RULE), ("t/two.yml", &RULE.replace("T.One", "T.Two"))]);
    assert_eq!(scratch.expand(&["t/one.yml", "t/two.yml"]), scratch.expand(&["t/one.yml", "t/two.yml"]));
}

/// The messages of the `compile_error!`s in generated code.
fn compile_errors(code: &proc_macro2::TokenStream) -> Vec<String> {
    let file = syn::parse2::<syn::File>(code.clone()).expect("generated code parses as Rust");
    file.items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Macro(m) if m.mac.path.segments.last().is_some_and(|s| s.ident == "compile_error") => {
                Some(m.mac.parse_body::<syn::LitStr>().expect("compile_error! takes a string").value())
            }
            _ => None,
        })
        .collect()
}

/// The compile-error suite (trybuild's idea without a cargo build per case): each directory of
/// `tests/compile_errors/` holds broken rule files and `expected.txt`, the exact errors the
/// build must report. `VIGIL_BLESS=1 cargo test -p vigil-codegen` rewrites the expectations.
#[test]
fn broken_rules_give_the_expected_compile_errors() {
    let manifest_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let suite = manifest_dir.join("../../tests/compile_errors");
    let mut cases: Vec<_> =
        std::fs::read_dir(&suite).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
    cases.sort();
    assert!(cases.len() >= 12, "{} cases", cases.len());
    let mut failures = Vec::new();
    for case in cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let files = vigil_model::rule_files(&case).unwrap();
        let root = format!("../../tests/compile_errors/{name}");
        let code = expand(manifest_dir, quote!(root = #root, files = [#(#files),*]));
        let actual = compile_errors(&code).join("\n") + "\n";
        let expected_path = case.join("expected.txt");
        if std::env::var_os("VIGIL_BLESS").is_some() {
            std::fs::write(&expected_path, &actual).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if actual != expected {
            failures.push(format!("{name}:\n  expected: {expected}  actual:   {actual}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

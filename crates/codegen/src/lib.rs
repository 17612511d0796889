//! vigil's code generator: a rule directory in, Rust tokens out. The proc-macro crate is a thin
//! shim over [`expand`]; everything here is a normal library, tested as plain Rust.
//!
//! Output of one expansion:
//! - `pub static RULE_SET: vigil_runtime::RuleSet`: the slot schema, log types and rules;
//! - `mod matchers`: one native `fn(&Event) -> bool` per rule and per dynamic severity;
//! - `mod rule_tests` (under `cfg(test)`): one `#[test]` per rule test case, named
//!   `rule_tests::<rule id in snake case>::<case name in snake case>`;
//! - one `include_bytes!` per rule file, so that editing a rule rebuilds the crate.

pub mod conformance;
mod input;
mod matcher;
mod names;
mod rule_data;
mod schema;

use std::path::Path;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;
use vigil_model::{Diagnostic, RuleSet, catalog, log_types, rule_files};

use crate::input::RuleSetInput;
use crate::names::UniqueNames;
use crate::schema::Slots;

/// Expands the macro input (`root = "..", files = [..]`) for a crate at `manifest_dir`.
pub fn expand(manifest_dir: &Path, input: TokenStream) -> TokenStream {
    let input: RuleSetInput = match syn::parse2(input) {
        Ok(input) => input,
        Err(e) => return e.to_compile_error(),
    };
    let root_text = input.root.value();
    let root = manifest_dir.join(&root_text);
    let listed: Vec<String> = input.files.iter().map(syn::LitStr::value).collect();
    let (present, mut diagnostics) = check_listing(&root, &listed);
    let tracking = track_files(&root_text, &present);
    if !diagnostics.is_empty() {
        return errors(&diagnostics, &tracking);
    }
    let label = root.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    match vigil_model::load_rule_set(&root, &label, &listed) {
        Ok(set) => {
            let code = generate(&set);
            quote!(#tracking #code)
        }
        Err(found) => {
            diagnostics.extend(found);
            errors(&diagnostics, &tracking)
        }
    }
}

/// The listed files that exist, and a diagnostic for every file that is listed but missing or
/// present but not listed: the list is kept by `cargo xtask gen`.
fn check_listing(root: &Path, listed: &[String]) -> (Vec<String>, Vec<Diagnostic>) {
    let label = root.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let on_disk = match rule_files(root) {
        Ok(files) => files,
        Err(e) => {
            let message = format!("cannot read the rules directory {}: {e}", root.display());
            return (Vec::new(), vec![Diagnostic { file: label, line: 1, col: 1, message }]);
        }
    };
    let stale = |file: &String, what: &str| Diagnostic {
        file: format!("{label}/{file}"),
        line: 1,
        col: 1,
        message: format!("{what}; the compiled rule list is stale: run `cargo xtask gen`"),
    };
    let mut diagnostics: Vec<Diagnostic> =
        listed.iter().filter(|f| !on_disk.contains(f)).map(|f| stale(f, "listed but missing")).collect();
    diagnostics.extend(on_disk.iter().filter(|f| !listed.contains(f)).map(|f| stale(f, "not compiled")));
    let present = listed.iter().filter(|f| on_disk.contains(f)).cloned().collect();
    (present, diagnostics)
}

fn track_files(root: &str, files: &[String]) -> TokenStream {
    let includes = files.iter().map(|file| {
        let relative = format!("/{root}/{file}");
        quote!(
            const _: &[u8] = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), #relative));
        )
    });
    quote!(#(#includes)*)
}

/// One `compile_error!` per problem, and an empty rule set so that nothing else fails with it.
fn errors(diagnostics: &[Diagnostic], tracking: &TokenStream) -> TokenStream {
    let errors = diagnostics.iter().map(|d| {
        let message = d.to_string();
        quote!(::core::compile_error!(#message);)
    });
    quote! {
        #tracking
        #(#errors)*
        pub static RULE_SET: ::vigil_runtime::RuleSet = ::vigil_runtime::RuleSet {
            schema: ::vigil_runtime::Schema { keys: &[], exact: |_| ::core::option::Option::None, folded: |_| &[] },
            log_types: &[],
            rules: &[],
        };
    }
}

fn generate(set: &RuleSet) -> TokenStream {
    let used_log_types: Vec<&log_types::LogType> = log_types::LOG_TYPES
        .iter()
        .filter(|t| set.rules.iter().any(|r| r.log_types.iter().any(|name| name == t.name)))
        .collect();
    let read: Vec<&str> = set.rules.iter().flat_map(|r| r.read_paths()).map(vigil_model::path::KeyPath::root).collect();
    let log_type_keys =
        used_log_types.iter().flat_map(|t| std::iter::once(t.time_field).chain(t.signature.iter().copied()));
    let slots = Slots::new(read.into_iter().chain(log_type_keys));
    let schema = slots.schema();
    let top_level = |key: &str| {
        let segments = vec![vigil_model::path::Segment::Key(key.to_string())];
        slots.path(&vigil_model::path::KeyPath { segments })
    };
    let log_types = used_log_types.iter().map(|t| {
        let name = t.name;
        let time = top_level(t.time_field);
        let signature = t.signature.iter().map(|key| top_level(key));
        quote!(::vigil_runtime::LogType { name: #name, time: #time, signature: &[#(#signature),*] })
    });
    let mut names = UniqueNames::default();
    let idents: Vec<Ident> = set.rules.iter().map(|r| Ident::new(&names.name(&r.id), Span::call_site())).collect();
    // Dynamic severity matchers are named after their rule, from the same pool, after every
    // rule has its name: a rule called `X Severity 0` cannot collide with them.
    let severity_idents: Vec<Vec<Ident>> = set
        .rules
        .iter()
        .zip(&idents)
        .map(|(r, ident)| {
            (0..r.dynamic_severities.len())
                .map(|i| Ident::new(&names.name(&format!("{ident} severity {i}")), Span::call_site()))
                .collect()
        })
        .collect();
    let matchers = set.rules.iter().zip(idents.iter().zip(&severity_idents)).map(|(r, (ident, severity_idents))| {
        let main = matcher::matcher_fn(ident, &r.condition, &slots);
        let severities = r
            .dynamic_severities
            .iter()
            .zip(severity_idents)
            .map(|((_, condition), name)| matcher::matcher_fn(name, condition, &slots));
        quote!(#main #(#severities)*)
    });
    let rules = set.rules.iter().zip(&set.sources).zip(idents.iter().zip(&severity_idents)).map(
        |((r, source), (ident, severities))| {
            let page = catalog::page(r, &catalog::analyse(r, &set.rules), source);
            rule_data::rule(r, ident, severities, &slots, &page)
        },
    );
    let tests = test_module(set, &idents);
    quote! {
        /// Every rule compiled from the rules directory.
        pub static RULE_SET: ::vigil_runtime::RuleSet = ::vigil_runtime::RuleSet {
            schema: #schema,
            log_types: &[#(#log_types),*],
            rules: &[#(#rules),*],
        };

        /// Native matchers, one per rule and per dynamic severity.
        mod matchers {
            #(#matchers)*
        }

        #tests
    }
}

fn test_module(set: &RuleSet, idents: &[Ident]) -> TokenStream {
    let modules = set.rules.iter().enumerate().zip(idents).map(|((rule_index, rule), ident)| {
        let mut case_names = UniqueNames::default();
        let cases = rule.tests.iter().enumerate().map(|(case_index, case)| {
            let name = Ident::new(&case_names.name(&case.name), Span::call_site());
            quote!(#[test] fn #name() { super::check(#rule_index, #case_index) })
        });
        quote!(mod #ident { #(#cases)* })
    });
    quote! {
        #[cfg(test)]
        mod rule_tests {
            fn check(rule: usize, case: usize) {
                let set = &super::RULE_SET;
                let rule = &set.rules[rule];
                if let ::core::result::Result::Err(message) = ::vigil_runtime::testing::check(set, rule, &rule.tests[case]) {
                    panic!("{message}");
                }
            }
            #(#modules)*
        }
    }
}

#[cfg(test)]
mod tests;

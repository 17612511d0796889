//! The conformance suite compiled to native code: one matcher per entry (and per Simple
//! Detection twin), the entries as data, a `#[test]` per entry, and coverage counts.

use std::collections::BTreeMap;
use std::path::Path;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;
use vigil_model::conformance::{Entry, load_tables};
use vigil_model::ir::{Expr, Op};
use vigil_model::{rule_files, sdl};

use crate::input::RootInput;
use crate::matcher::matcher_fn;
use crate::names::UniqueNames;
use crate::schema::Slots;

/// Expands `conformance_suite! { root = ".." }` for a crate at `manifest_dir`.
pub fn expand(manifest_dir: &Path, input: TokenStream) -> TokenStream {
    let root = match syn::parse2::<RootInput>(input) {
        Ok(input) => input.root.value(),
        Err(e) => return e.to_compile_error(),
    };
    let dir = manifest_dir.join(&root);
    // `../../tests/conformance` is shown as `tests/conformance`, as seen from the workspace.
    let label = root.trim_start_matches("../");
    let tracking = rule_files(&dir).unwrap_or_default().into_iter().map(|file| {
        let relative = format!("/{root}/{file}");
        quote!(
            const _: &[u8] = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), #relative));
        )
    });
    let entries = match load_tables(&dir, label) {
        Ok(entries) => entries,
        Err(diagnostics) => {
            let errors = diagnostics.iter().map(|d| {
                let message = d.to_string();
                quote!(::core::compile_error!(#message);)
            });
            return quote!(#(#tracking)* #(#errors)*);
        }
    };
    let code = generate(&entries);
    quote!(#(#tracking)* #code)
}

fn generate(entries: &[Entry]) -> TokenStream {
    let paths =
        entries.iter().flat_map(|e| e.condition.paths().into_iter().chain(e.detection.iter().flat_map(Expr::paths)));
    let slots = Slots::new(paths.map(vigil_model::path::KeyPath::root));
    let schema = slots.schema();
    let mut names = UniqueNames::default();
    let mut matchers = Vec::new();
    let mut data = Vec::new();
    let mut tests = Vec::new();
    let mut per_file: BTreeMap<&str, usize> = BTreeMap::new();
    for (index, entry) in entries.iter().enumerate() {
        // Named by file and position in it: adding an entry renames nothing in other files.
        let stem = entry.at.rsplit('/').next().unwrap_or_default().split('.').next().unwrap_or_default();
        let position = per_file.entry(stem).or_default();
        *position += 1;
        let name = Ident::new(&names.name(&format!("{stem} {position}")), Span::call_site());
        matchers.push(matcher_fn(&name, &entry.condition, &slots));
        let detection = if let Some(expr) = &entry.detection {
            let twin = Ident::new(&format!("{name}_detection"), Span::call_site());
            matchers.push(matcher_fn(&twin, expr, &slots));
            quote!(::core::option::Option::Some(matchers::#twin))
        } else {
            quote!(::core::option::Option::None)
        };
        let (at, condition) = (&entry.at, &entry.condition_text);
        let cases = entry.cases.iter().map(|(json, expected)| quote!((#json, #expected)));
        data.push(quote! {
            ::vigil_runtime::testing::ConformanceEntry {
                at: #at, condition: #condition, matcher: matchers::#name, detection: #detection, cases: &[#(#cases),*],
            }
        });
        tests.push(quote! {
            #[test]
            fn #name() {
                if let ::core::result::Result::Err(message) = ::vigil_runtime::testing::check_conformance(&SCHEMA, &ENTRIES[#index]) {
                    panic!("{message}");
                }
            }
        });
    }
    let (operators, conditions) = coverage(entries);
    let operators = operators.iter().map(|(name, n)| quote!((#name, #n)));
    let conditions = conditions.iter().map(|(name, n)| quote!((#name, #n)));
    quote! {
        /// The slot schema of every path the suite reads.
        pub static SCHEMA: ::vigil_runtime::Schema = #schema;

        /// Every entry of every table, in file order.
        pub static ENTRIES: &[::vigil_runtime::testing::ConformanceEntry] = &[#(#data),*];

        /// For each condition-language operator, how many cases exercise it.
        pub static OPERATOR_COVERAGE: &[(&str, usize)] = &[#(#operators),*];

        /// For each Simple Detection condition name, how many cases exercise it.
        pub static DETECTION_COVERAGE: &[(&str, usize)] = &[#(#conditions),*];

        mod matchers {
            #(#matchers)*
        }

        #[cfg(test)]
        mod entries {
            use super::{ENTRIES, SCHEMA};
            #(#tests)*
        }
    }
}

/// A name and how many cases use it.
type Counts = Vec<(&'static str, usize)>;

/// Cases per operator and per Simple Detection condition name, every name listed (zero when
/// unused) so that a test can insist on all of them.
fn coverage(entries: &[Entry]) -> (Counts, Counts) {
    let mut operators: BTreeMap<&'static str, usize> = Op::ALL.iter().map(|op| (op.name(), 0)).collect();
    let mut conditions: BTreeMap<&'static str, usize> = sdl::condition_names().map(|n| (n, 0)).collect();
    for entry in entries {
        let mut ops = Vec::new();
        collect_ops(&entry.condition, &mut ops);
        ops.sort_unstable();
        ops.dedup();
        for op in ops {
            *operators.entry(op.name()).or_default() += entry.cases.len();
        }
        let mut names = entry.sdl_names.clone();
        names.sort();
        names.dedup();
        for name in names {
            if let Some(count) = conditions.iter_mut().find(|(known, _)| **known == name).map(|(_, n)| n) {
                *count += entry.cases.len();
            }
        }
    }
    (operators.into_iter().collect(), conditions.into_iter().collect())
}

fn collect_ops(expr: &Expr, out: &mut Vec<Op>) {
    match expr {
        Expr::And(items) | Expr::Or(items) | Expr::OneOf(items) => {
            for item in items {
                collect_ops(item, out);
            }
        }
        Expr::Not(inner) => collect_ops(inner, out),
        Expr::Each { body, .. } => collect_ops(body, out),
        Expr::Const(_) => {}
        Expr::Predicate(p) => out.push(p.op),
    }
}

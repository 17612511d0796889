//! A validated rule as a `::vigil_runtime::Rule` constant expression.

use proc_macro2::{Ident, TokenStream};
use quote::quote;
use vigil_model::path::KeyPath;
use vigil_model::template::{Part, Template};
use vigil_model::{Rule, Severity, TestCase};

use crate::schema::Slots;

/// `severity_matchers` name the matchers of the rule's `DynamicSeverities`, in order; `catalog` is
/// its catalog page.
pub fn rule(rule: &Rule, matcher: &Ident, severity_matchers: &[Ident], slots: &Slots, catalog: &str) -> TokenStream {
    let Rule { id, file, enabled, severity, dedup_period_minutes, threshold, create_alert, tags, log_types, .. } = rule;
    let display_name = option_str(rule.display_name.as_deref());
    let description = option_str(rule.description.as_deref());
    let reference = option_str(rule.reference.as_deref());
    let runbook = option_str(rule.runbook.as_deref());
    let severity = severity_tokens(*severity);
    let reports = rule
        .reports
        .iter()
        .map(|(framework, ids)| quote!(::vigil_runtime::Report { framework: #framework, ids: &[#(#ids),*] }));
    let title = if let Some(template) = &rule.title {
        let parts = title_parts(template, slots);
        quote!(::core::option::Option::Some(&[#(#parts),*]))
    } else {
        quote!(::core::option::Option::None)
    };
    let fields = |paths: &[KeyPath]| {
        let fields = paths.iter().map(|p| field(p, slots));
        quote!(&[#(#fields),*])
    };
    let group_by = fields(&rule.group_by);
    let summary_attributes = fields(&rule.summary_attributes);
    let output_fields = fields(&rule.output_fields);
    let alert_context = rule.alert_context.iter().map(|(name, path)| named_field(name, path, slots));
    let tests = rule.tests.iter().map(test_case);
    let condition = vigil_model::catalog::condition_lines(&rule.condition).join("\n");
    let dynamic_severities = rule.dynamic_severities.iter().zip(severity_matchers).map(|((severity, _), matcher)| {
        let severity = severity_tokens(*severity);
        quote!(::vigil_runtime::DynamicSeverity { severity: #severity, matcher: matchers::#matcher })
    });
    quote! {
        ::vigil_runtime::Rule {
            id: #id,
            file: #file,
            display_name: #display_name,
            enabled: #enabled,
            log_types: &[#(#log_types),*],
            severity: #severity,
            description: #description,
            reference: #reference,
            runbook: #runbook,
            tags: &[#(#tags),*],
            reports: &[#(#reports),*],
            dedup_period_minutes: #dedup_period_minutes,
            threshold: #threshold,
            create_alert: #create_alert,
            title: #title,
            group_by: #group_by,
            summary_attributes: #summary_attributes,
            output_fields: #output_fields,
            alert_context: &[#(#alert_context),*],
            condition: #condition,
            matcher: matchers::#matcher,
            dynamic_severities: &[#(#dynamic_severities),*],
            tests: &[#(#tests),*],
            catalog: #catalog,
        }
    }
}

fn option_str(value: Option<&str>) -> TokenStream {
    if let Some(s) = value { quote!(::core::option::Option::Some(#s)) } else { quote!(::core::option::Option::None) }
}

fn severity_tokens(severity: Severity) -> TokenStream {
    let name = Ident::new(severity.name(), proc_macro2::Span::call_site());
    quote!(::vigil_runtime::Severity::#name)
}

fn field(path: &KeyPath, slots: &Slots) -> TokenStream {
    named_field(&path.to_string(), path, slots)
}

fn named_field(name: &str, path: &KeyPath, slots: &Slots) -> TokenStream {
    let placeholder = format!("<UNKNOWN_{}>", path.last_key().to_uppercase());
    let path = slots.path(path);
    quote!(::vigil_runtime::Field { name: #name, path: #path, placeholder: #placeholder })
}

fn title_parts(template: &Template, slots: &Slots) -> Vec<TokenStream> {
    template
        .parts
        .iter()
        .map(|part| match part {
            Part::Text(text) => quote!(::vigil_runtime::Part::Text(#text)),
            Part::Field { path, default } => {
                let field = field(path, slots);
                let default = option_str(default.as_deref());
                quote!(::vigil_runtime::Part::Field { field: #field, default: #default })
            }
        })
        .collect()
}

fn test_case(case: &TestCase) -> TokenStream {
    let TestCase { name, line, expected_result, log_json, .. } = case;
    let expected_title = option_str(case.expected_title.as_deref());
    let expected_dedup = option_str(case.expected_dedup.as_deref());
    let expected_alert_context = option_str(case.expected_alert_context.as_deref());
    let expected_severity = if let Some(s) = case.expected_severity {
        let s = severity_tokens(s);
        quote!(::core::option::Option::Some(#s))
    } else {
        quote!(::core::option::Option::None)
    };
    quote! {
        ::vigil_runtime::TestCase {
            name: #name,
            line: #line,
            expected_result: #expected_result,
            log: #log_json,
            expected_title: #expected_title,
            expected_dedup: #expected_dedup,
            expected_severity: #expected_severity,
            expected_alert_context: #expected_alert_context,
        }
    }
}

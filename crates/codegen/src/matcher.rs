//! The condition IR to a native matcher: each distinct path is resolved once at the top, then the
//! expression is plain Rust over those values.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;
use vigil_model::ir::{Expr, Literal, Op, Predicate};
use vigil_model::path::KeyPath;

use crate::schema::Slots;

/// `fn #name(event: &Event) -> bool { .. }` for one rule's condition.
pub fn matcher_fn(name: &Ident, condition: &Expr, slots: &Slots) -> TokenStream {
    let mut paths: Vec<&KeyPath> = Vec::new();
    collect_paths(condition, &mut paths);
    let bindings = paths.iter().enumerate().map(|(i, path)| {
        let var = value_var(i);
        let path = slots.path(path);
        quote!(let #var = event.get(&#path);)
    });
    let body = expr(condition, &paths);
    quote! {
        pub fn #name(event: &::vigil_runtime::Event) -> bool {
            #(#bindings)*
            #body
        }
    }
}

fn value_var(index: usize) -> Ident {
    Ident::new(&format!("v{index}"), Span::call_site())
}

fn collect_paths<'e>(expr: &'e Expr, out: &mut Vec<&'e KeyPath>) {
    match expr {
        Expr::And(items) | Expr::Or(items) => items.iter().for_each(|e| collect_paths(e, out)),
        Expr::Not(inner) => collect_paths(inner, out),
        Expr::Predicate(p) => {
            if !out.contains(&&p.path) {
                out.push(&p.path);
            }
        }
    }
}

fn expr(e: &Expr, paths: &[&KeyPath]) -> TokenStream {
    match e {
        Expr::And(items) if items.is_empty() => quote!(true),
        Expr::Or(items) if items.is_empty() => quote!(false),
        Expr::And(items) => {
            let items = items.iter().map(|i| expr(i, paths));
            quote!((#(#items)&&*))
        }
        Expr::Or(items) => {
            let items = items.iter().map(|i| expr(i, paths));
            quote!((#(#items)||*))
        }
        Expr::Not(inner) => {
            let inner = expr(inner, paths);
            quote!(!#inner)
        }
        Expr::Predicate(p) => predicate(p, paths),
    }
}

fn predicate(p: &Predicate, paths: &[&KeyPath]) -> TokenStream {
    let index = paths.iter().position(|path| *path == &p.path).expect("every predicate path was collected");
    let v = value_var(index);
    let operand = p.operand.as_ref();
    let ops = quote!(::vigil_runtime::ops);
    let positive = match p.op {
        Op::Eq | Op::Ne => {
            let lit = literal(operand.expect("eq takes an operand"));
            quote!(#ops::eq(#v, &#lit))
        }
        Op::In | Op::NotIn => membership(&v, operand.expect("in takes an operand")),
        Op::Contains | Op::NotContains => {
            let lit = literal(operand.expect("contains takes an operand"));
            quote!(#ops::contains(#v, &#lit))
        }
        Op::StartsWith | Op::EndsWith => {
            let Some(Literal::String(text)) = operand else { unreachable!("the parser checks operand kinds") };
            if p.op == Op::StartsWith {
                quote!(#ops::starts_with(#v, #text))
            } else {
                quote!(#ops::ends_with(#v, #text))
            }
        }
        Op::IsNull | Op::IsNotNull => quote!(#ops::is_null(#v)),
        Op::Exists | Op::NotExists => quote!(#ops::exists(#v)),
    };
    if matches!(p.op, Op::Ne | Op::NotIn | Op::NotContains | Op::IsNotNull | Op::NotExists) {
        quote!((!#positive))
    } else {
        positive
    }
}

/// `in`: a `match` over the strings when the list holds only strings, else a scan of literals.
fn membership(v: &Ident, operand: &Literal) -> TokenStream {
    let Literal::List(items) = operand else { unreachable!("the parser checks operand kinds") };
    let strings: Option<Vec<&str>> = items
        .iter()
        .map(|item| match item {
            Literal::String(s) => Some(s.as_str()),
            _ => None,
        })
        .collect();
    match strings {
        Some(strings) if strings.is_empty() => quote!(false),
        Some(strings) => quote!(::vigil_runtime::ops::is_in_strs(#v, |s| matches!(s, #(#strings)|*))),
        None => {
            let items = items.iter().map(literal);
            quote!(::vigil_runtime::ops::is_in(#v, &[#(#items),*]))
        }
    }
}

/// A literal as a `::vigil_runtime::ops::Lit` constant expression.
pub fn literal(lit: &Literal) -> TokenStream {
    let lit_ty = quote!(::vigil_runtime::ops::Lit);
    match lit {
        Literal::Null => quote!(#lit_ty::Null),
        Literal::Bool(b) => quote!(#lit_ty::Bool(#b)),
        Literal::Number(n) => {
            let number = quote!(::vigil_runtime::Number);
            let value = if let Some(i) = n.as_i64() {
                quote!(#number::Int(#i))
            } else if let Some(u) = n.as_u64() {
                quote!(#number::UInt(#u))
            } else {
                let f = n.as_f64().expect("a JSON number is an i64, u64 or f64");
                quote!(#number::Float(#f))
            };
            quote!(#lit_ty::Number(#value))
        }
        Literal::String(s) => quote!(#lit_ty::Str(#s)),
        Literal::List(items) => {
            let items = items.iter().map(literal);
            quote!(#lit_ty::List(&[#(#items),*]))
        }
    }
}

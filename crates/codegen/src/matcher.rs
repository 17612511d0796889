//! The condition IR to a native matcher. Each distinct path of a scope (the event, or one list
//! element inside a quantifier) is resolved once at the top of that scope; the expression is then
//! plain Rust over those values. Patterns are compiled once per process, CIDRs and times parsed
//! at compile time, string sets turned into `match`es.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;
use vigil_model::condition;
use vigil_model::ir::{Expr, Literal, Op, Operand, Predicate, Quantifier};
use vigil_model::path::{KeyPath, Segment};

use crate::schema::{Slots, segments};

/// `fn #name(event: &Event) -> bool { .. }` for one rule's condition.
pub fn matcher_fn(name: &Ident, condition: &Expr, slots: &Slots) -> TokenStream {
    let body = Scope { root: Root::Event(slots), paths: condition.paths() }.block(condition);
    quote! {
        pub fn #name(event: &::vigil_runtime::Event) -> bool {
            #body
        }
    }
}

/// What the paths of a scope are resolved against.
enum Root<'s> {
    Event(&'s Slots),
    /// The list element a quantifier body runs on, bound as `element`.
    Element,
}

struct Scope<'s, 'e> {
    root: Root<'s>,
    paths: Vec<&'e KeyPath>,
}

fn value_var(index: usize) -> Ident {
    Ident::new(&format!("v{index}"), Span::call_site())
}

fn projected_var(index: usize) -> Ident {
    Ident::new(&format!("p{index}"), Span::call_site())
}

impl Scope<'_, '_> {
    /// Bindings for every path of the scope, then the expression.
    fn block(&self, expr: &Expr) -> TokenStream {
        let bindings = self.paths.iter().enumerate().map(|(i, path)| {
            let var = value_var(i);
            let projects = path.segments.contains(&Segment::Each);
            let lookup = match &self.root {
                Root::Event(slots) => {
                    let path = slots.path(path);
                    if projects { quote!(event.project(&#path)) } else { quote!(event.get(&#path)) }
                }
                Root::Element => {
                    let segs = segments(&path.segments);
                    if projects { quote!(element.project(&[#(#segs),*])) } else { quote!(element.at(&[#(#segs),*])) }
                }
            };
            if projects {
                let owned = projected_var(i);
                quote!(let #owned = #lookup; let #var = #owned.as_ref();)
            } else {
                quote!(let #var = #lookup;)
            }
        });
        let body = self.expr(expr);
        quote!(#(#bindings)* #body)
    }

    fn var(&self, path: &KeyPath) -> Ident {
        value_var(self.paths.iter().position(|p| *p == path).expect("every path of the scope was collected"))
    }

    fn expr(&self, e: &Expr) -> TokenStream {
        match e {
            Expr::And(items) if items.is_empty() => quote!(true),
            Expr::Or(items) if items.is_empty() => quote!(false),
            Expr::And(items) => {
                let items = items.iter().map(|i| self.expr(i));
                quote!((#(#items)&&*))
            }
            Expr::Or(items) => {
                let items = items.iter().map(|i| self.expr(i));
                quote!((#(#items)||*))
            }
            Expr::Not(inner) => {
                let inner = self.expr(inner);
                quote!(!#inner)
            }
            Expr::OneOf(items) => {
                let items = items.iter().map(|i| self.expr(i));
                quote!(::vigil_runtime::ops::exactly_one(&[#(#items),*]))
            }
            Expr::Each { quantifier, path, body } => {
                let list = self.var(path);
                let quantifier = Ident::new(
                    match quantifier {
                        Quantifier::Any => "Any",
                        Quantifier::All => "All",
                        Quantifier::One => "One",
                        Quantifier::None => "None",
                    },
                    Span::call_site(),
                );
                let inner = Scope { root: Root::Element, paths: body.paths() }.block(body);
                quote! {
                    ::vigil_runtime::ops::each(#list, ::vigil_runtime::ops::Quantifier::#quantifier, |element: &::vigil_runtime::Value| { #inner })
                }
            }
            Expr::Const(value) => quote!(#value),
            Expr::Predicate(p) => self.predicate(p),
        }
    }

    fn predicate(&self, p: &Predicate) -> TokenStream {
        let v = self.var(&p.path);
        let op = p.op.positive().unwrap_or(p.op);
        let positive = self.positive(op, &v, p.operand.as_ref());
        if p.op.positive().is_some() { quote!((!#positive)) } else { positive }
    }

    /// The test of a positive operator (negated ones are generated as `!` of these).
    fn positive(&self, op: Op, v: &Ident, operand: Option<&Operand>) -> TokenStream {
        let ops = quote!(::vigil_runtime::ops);
        let literal = || match operand {
            Some(Operand::Literal(l)) => l,
            _ => unreachable!("the parser gives `{}` a literal", op.name()),
        };
        let text = || match literal() {
            Literal::String(s) => s.as_str(),
            _ => unreachable!("the parser gives `{}` a string", op.name()),
        };
        let ordering = |name: &str| {
            let name = Ident::new(name, Span::call_site());
            quote!(::core::cmp::Ordering::#name)
        };
        match op {
            Op::Eq => {
                let lit = lit_tokens(literal());
                quote!(#ops::eq(#v, &#lit))
            }
            Op::In => membership(v, literal()),
            Op::Contains => {
                let lit = lit_tokens(literal());
                quote!(#ops::contains(#v, &#lit))
            }
            Op::StartsWith => {
                let text = text();
                quote!(#ops::starts_with(#v, #text))
            }
            Op::EndsWith => {
                let text = text();
                quote!(#ops::ends_with(#v, #text))
            }
            Op::IEq | Op::IContains | Op::IStartsWith | Op::IEndsWith => {
                let function = Ident::new(op.name(), Span::call_site());
                let lowered = text().to_lowercase();
                quote!(#ops::#function(#v, #lowered))
            }
            Op::IIn => {
                let Literal::List(items) = literal() else { unreachable!("the parser gives `iin` a list") };
                let lowered: Vec<String> = items.iter().map(|i| literal_text(i).to_lowercase()).collect();
                if lowered.is_empty() {
                    quote!(false)
                } else {
                    quote!(#ops::iin_strs(#v, |s| matches!(s, #(#lowered)|*)))
                }
            }
            Op::Matches | Op::Glob => pattern_test(op, v, text()),
            Op::Gt | Op::Ge | Op::Lt | Op::Le => {
                let Literal::Number(n) = literal() else { unreachable!("the parser gives `{}` a number", op.name()) };
                let number = number_tokens(n);
                let accept = ordering(match op {
                    Op::Gt => "is_gt",
                    Op::Ge => "is_ge",
                    Op::Lt => "is_lt",
                    _ => "is_le",
                });
                quote!(#ops::compare(#v, #number, #accept))
            }
            Op::Cidr | Op::CidrContains | Op::IsIp | Op::IsIpv4 | Op::IsIpv6 | Op::IsPublicIp | Op::IsPrivateIp => {
                network_test(op, v, operand)
            }
            Op::IsNull => quote!(#ops::is_null(#v)),
            Op::Exists => quote!(#ops::exists(#v)),
            Op::EqField => {
                let Some(Operand::Field { path, .. }) = operand else {
                    unreachable!("the parser gives eq_field a path")
                };
                let w = self.var(path);
                quote!(#ops::eq_values(#v, #w))
            }
            Op::Before | Op::After => {
                let accept = ordering(if op == Op::Before { "is_lt" } else { "is_gt" });
                if let Some(Operand::Field { path, offset }) = operand {
                    let w = self.var(path);
                    let seconds = offset.seconds;
                    quote!(#ops::time_vs_field(#v, #w, #seconds, #accept))
                } else {
                    let (seconds, nanos) =
                        condition::time(text()).expect("the time was checked when the rule compiled");
                    quote!(#ops::time_vs_instant(#v, #seconds, #nanos, #accept))
                }
            }
            Op::Ne | Op::NotIn | Op::NotContains | Op::IsNotNull | Op::NotExists | Op::NeField => {
                unreachable!("negated operators are generated from their positive form")
            }
        }
    }
}

/// `matches` and `glob`: the pattern compiled once per process, on first use.
fn pattern_test(op: Op, v: &Ident, pattern: &str) -> TokenStream {
    let regex_type = quote!(::vigil_runtime::regex::Regex);
    let (pattern, test) = if op == Op::Matches {
        (pattern.to_string(), quote!(matches))
    } else {
        (condition::glob(pattern).expect("the pattern was checked when the rule compiled"), quote!(glob))
    };
    quote!({
        static PATTERN: ::std::sync::LazyLock<#regex_type> = ::std::sync::LazyLock::new(|| {
            #regex_type::new(#pattern).expect("the pattern was checked when the rule compiled")
        });
        ::vigil_runtime::ops::#test(#v, &PATTERN)
    })
}

fn literal_text(literal: &Literal) -> &str {
    match literal {
        Literal::String(s) => s,
        _ => unreachable!("the parser checks that these lists hold strings"),
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
            let items = items.iter().map(lit_tokens);
            quote!(::vigil_runtime::ops::is_in(#v, &[#(#items),*]))
        }
    }
}

fn number_tokens(n: &serde_json::Number) -> TokenStream {
    let number = quote!(::vigil_runtime::Number);
    if let Some(i) = n.as_i64() {
        quote!(#number::Int(#i))
    } else if let Some(u) = n.as_u64() {
        quote!(#number::UInt(#u))
    } else {
        let f = n.as_f64().expect("a JSON number is an i64, u64 or f64");
        quote!(#number::Float(#f))
    }
}

fn cidr_tokens(text: &str) -> TokenStream {
    let cidr = condition::cidr(text).expect("the CIDR was checked when the rule compiled");
    let prefix = cidr.prefix;
    match cidr.network {
        std::net::IpAddr::V4(v4) => {
            let network = u32::from(v4);
            quote!(::vigil_runtime::ops::Cidr::V4 { network: #network, prefix: #prefix })
        }
        std::net::IpAddr::V6(v6) => {
            let network = u128::from(v6);
            quote!(::vigil_runtime::ops::Cidr::V6 { network: #network, prefix: #prefix })
        }
    }
}

/// The address operators: CIDR membership and the kinds of IP address.
fn network_test(op: Op, v: &Ident, operand: Option<&Operand>) -> TokenStream {
    let ops = quote!(::vigil_runtime::ops);
    let texts: Vec<&str> = match operand {
        Some(Operand::Literal(Literal::List(items))) => items.iter().map(literal_text).collect(),
        Some(Operand::Literal(single)) => vec![literal_text(single)],
        _ => Vec::new(),
    };
    match op {
        Op::Cidr => {
            let networks = texts.iter().map(|t| cidr_tokens(t));
            quote!(#ops::in_cidr(#v, &[#(#networks),*]))
        }
        Op::CidrContains => {
            let addresses = texts.iter().map(|t| ip_tokens(t));
            quote!(#ops::cidr_contains(#v, &[#(#addresses),*]))
        }
        _ => {
            let kind = match op {
                Op::IsIp => quote!(|_| true),
                Op::IsIpv4 => quote!(|ip| ip.is_ipv4()),
                Op::IsIpv6 => quote!(|ip| ip.is_ipv6()),
                Op::IsPublicIp => quote!(#ops::is_public_ip),
                _ => quote!(#ops::is_private_ip),
            };
            quote!(#ops::ip_is(#v, #kind))
        }
    }
}

fn ip_tokens(text: &str) -> TokenStream {
    match condition::ip(text).expect("the address was checked when the rule compiled") {
        std::net::IpAddr::V4(v4) => {
            let bits = u32::from(v4);
            quote!(::std::net::IpAddr::V4(::std::net::Ipv4Addr::from_bits(#bits)))
        }
        std::net::IpAddr::V6(v6) => {
            let bits = u128::from(v6);
            quote!(::std::net::IpAddr::V6(::std::net::Ipv6Addr::from_bits(#bits)))
        }
    }
}

/// A literal as a `::vigil_runtime::ops::Lit` constant expression.
pub fn lit_tokens(lit: &Literal) -> TokenStream {
    let lit_ty = quote!(::vigil_runtime::ops::Lit);
    match lit {
        Literal::Null => quote!(#lit_ty::Null),
        Literal::Bool(b) => quote!(#lit_ty::Bool(#b)),
        Literal::Number(n) => {
            let value = number_tokens(n);
            quote!(#lit_ty::Number(#value))
        }
        Literal::String(s) => quote!(#lit_ty::Str(#s)),
        Literal::List(items) => {
            let items = items.iter().map(lit_tokens);
            quote!(#lit_ty::List(&[#(#items),*]))
        }
    }
}

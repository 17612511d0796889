//! The slot table: every top-level key the rule set reads gets a slot, resolved at compile time.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;
use vigil_model::path::{KeyPath, Segment};

/// Top-level keys and their slots, in sorted key order.
#[derive(Debug, Default)]
pub struct Slots {
    slots: BTreeMap<String, usize>,
}

impl Slots {
    /// Slots for `keys`, numbered in sorted order so that output does not depend on rule order.
    pub fn new<'k>(keys: impl IntoIterator<Item = &'k str>) -> Slots {
        let mut sorted: Vec<&str> = keys.into_iter().collect();
        sorted.sort_unstable();
        sorted.dedup();
        Slots { slots: sorted.into_iter().enumerate().map(|(i, k)| (k.to_string(), i)).collect() }
    }

    /// `::vigil_runtime::Path { .. }` for a key path.
    pub fn path(&self, path: &KeyPath) -> TokenStream {
        let slot = self.slots[path.root()];
        let rest = segments(&path.segments[1..]);
        quote!(::vigil_runtime::Path { slot: #slot, rest: &[#(#rest),*] })
    }

    /// `::vigil_runtime::Schema { .. }` with its two lookup functions as `match`es.
    pub fn schema(&self) -> TokenStream {
        let keys = self.slots.keys();
        let exact_arms = self.slots.iter().map(|(key, slot)| quote!(#key => ::core::option::Option::Some(#slot)));
        let mut folded: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (key, slot) in &self.slots {
            folded.entry(key.to_lowercase()).or_default().push(*slot);
        }
        let folded_arms = folded.iter().map(|(key, slots)| quote!(#key => &[#(#slots),*]));
        quote! {
            ::vigil_runtime::Schema {
                keys: &[#(#keys),*],
                exact: |key| match key { #(#exact_arms,)* _ => ::core::option::Option::None },
                folded: |key| match key { #(#folded_arms,)* _ => &[] },
            }
        }
    }
}

/// `::vigil_runtime::Seg` constants for path segments.
pub fn segments(segments: &[Segment]) -> Vec<TokenStream> {
    segments
        .iter()
        .map(|seg| match seg {
            Segment::Key(key) => quote!(::vigil_runtime::Seg::Key(#key)),
            Segment::Index(index) => quote!(::vigil_runtime::Seg::Index(#index)),
            Segment::Each => quote!(::vigil_runtime::Seg::Each),
        })
        .collect()
}

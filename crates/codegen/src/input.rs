//! The macro's arguments: `root = "../../rules", files = ["teleport/network_scanning.yml", ..]`.

use syn::parse::{Parse, ParseStream};
use syn::{LitStr, Token, bracketed};

/// Where the rules are (relative to the calling crate's manifest) and which files to compile.
#[allow(missing_debug_implementations)] // syn's literals implement Debug only with its extra-traits feature
pub struct RuleSetInput {
    pub root: LitStr,
    pub files: Vec<LitStr>,
}

impl Parse for RuleSetInput {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        expect_key(input, "root")?;
        let root: LitStr = input.parse()?;
        input.parse::<Token![,]>()?;
        expect_key(input, "files")?;
        let content;
        bracketed!(content in input);
        let files = content.parse_terminated(|p: ParseStream| p.parse::<LitStr>(), Token![,])?;
        if input.peek(Token![,]) {
            input.parse::<Token![,]>()?;
        }
        Ok(RuleSetInput { root, files: files.into_iter().collect() })
    }
}

fn expect_key(input: ParseStream, key: &str) -> syn::Result<()> {
    let ident: syn::Ident = input.parse()?;
    if ident != key {
        return Err(syn::Error::new(ident.span(), format!("expected `{key} = ...`")));
    }
    input.parse::<Token![=]>()?;
    Ok(())
}

/// `root = "../../tests/conformance"`.
#[allow(missing_debug_implementations)] // as above
pub struct RootInput {
    pub root: LitStr,
}

impl Parse for RootInput {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        expect_key(input, "root")?;
        let root: LitStr = input.parse()?;
        if input.peek(Token![,]) {
            input.parse::<Token![,]>()?;
        }
        Ok(RootInput { root })
    }
}

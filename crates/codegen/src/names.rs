//! Rust identifiers for rules and test cases, stable and readable: `Teleport.NetworkScanning`
//! becomes `teleport_network_scanning`, "Nmap with args" becomes `nmap_with_args`.

use std::collections::BTreeSet;

/// A `snake_case` identifier from arbitrary text (see [`vigil_model::names::snake_case`]), made
/// a valid Rust identifier.
pub fn snake_case(text: &str) -> String {
    let trimmed = vigil_model::names::snake_case(text);
    match trimmed.chars().next() {
        None => "unnamed".to_string(),
        Some(first) if first.is_ascii_digit() => format!("n{trimmed}"),
        // syn does not know every reserved word of edition 2024 (`gen`).
        Some(_) if syn::parse_str::<syn::Ident>(&trimmed).is_err() || trimmed == "gen" => format!("{trimmed}_"),
        Some(_) => trimmed,
    }
}

/// Hands out identifiers, suffixing `_2`, `_3`, ... on collisions.
#[derive(Debug, Default)]
pub struct UniqueNames {
    taken: BTreeSet<String>,
}

impl UniqueNames {
    pub fn name(&mut self, text: &str) -> String {
        let base = snake_case(text);
        let mut name = base.clone();
        let mut n = 2;
        while !self.taken.insert(name.clone()) {
            name = format!("{base}_{n}");
            n += 1;
        }
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn makes_readable_identifiers() {
        assert_eq!(snake_case("Teleport.NetworkScanning"), "teleport_network_scanning");
        assert_eq!(snake_case("Nmap with args"), "nmap_with_args");
        assert_eq!(snake_case("AWS.S3.Bucket-Deleted!"), "aws_s3_bucket_deleted");
        assert_eq!(snake_case("12 hours"), "n12_hours");
        assert_eq!(snake_case("match"), "match_");
        assert_eq!(snake_case("gen"), "gen_");
        assert_eq!(snake_case("!!!"), "unnamed");
    }

    #[test]
    fn suffixes_collisions() {
        let mut names = UniqueNames::default();
        assert_eq!(names.name("a b"), "a_b");
        assert_eq!(names.name("a-b"), "a_b_2");
        assert_eq!(names.name("A B"), "a_b_3");
    }
}

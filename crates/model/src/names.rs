//! How rules and test cases are named in `cargo test`: `Teleport.NetworkScanning` is
//! `teleport_network_scanning`, "Nmap with args" is `nmap_with_args`.

/// Text in `snake_case`: camel case split, anything else than ASCII letters and digits made one
/// `_`, none at either end (possibly empty).
pub fn snake_case(text: &str) -> String {
    let mut out = String::new();
    let mut previous: Option<char> = None;
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            let boundary =
                c.is_ascii_uppercase() && previous.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit());
            if boundary && !out.ends_with('_') {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
        previous = Some(c);
    }
    out.trim_end_matches('_').to_string()
}

#[cfg(test)]
mod tests {
    use super::snake_case;

    #[test]
    fn rule_ids_and_case_names_in_snake_case() {
        assert_eq!(snake_case("Teleport.NetworkScanning"), "teleport_network_scanning");
        assert_eq!(snake_case("Teleport.SSOConnectorChanged"), "teleport_ssoconnector_changed");
        assert_eq!(snake_case("Nmap with args!"), "nmap_with_args");
        assert_eq!(snake_case("élan"), "lan");
    }
}

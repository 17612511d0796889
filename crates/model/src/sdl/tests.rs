use super::*;

fn lower(yaml: &str) -> Result<String, Vec<String>> {
    let value: Value = serde_yaml::from_str(yaml).unwrap();
    lower_list(&value, &[Step::Key("Detection".into())]).map(|e| e.to_string()).map_err(|errors| {
        errors
            .into_iter()
            .map(|e| format!("{:?}{}: {}", e.at, if e.on_key { " (key)" } else { "" }, e.message))
            .collect()
    })
}

#[test]
fn comparisons_lower_to_condition_language_operators() {
    let cases = [
        ("[{KeyPath: program, Condition: Equals, Value: nmap}]", r#"program eq "nmap""#),
        ("[{Key: addr.remote, Condition: StartsWith, Value: '10.'}]", r#""addr.remote" starts_with "10.""#),
        ("[{DeepKey: [identity, roles, 0], Condition: IEquals, Value: Admin}]", r#"identity.roles[0] ieq "Admin""#),
        ("[{KeyPath: user, Condition: IDoesNotEqual, Value: root}]", r#"not user ieq "root""#),
        ("[{KeyPath: program, Condition: IsIn, Values: [nmap, arp]}]", r#"program in ["nmap", "arp"]"#),
        ("[{KeyPath: program, Condition: IsNotIn, Value: nmap}]", r#"program not_in ["nmap"]"#),
        ("[{KeyPath: code, Condition: IsGreaterThanOrEqual, Value: 3}]", "code ge 3"),
        ("[{KeyPath: code, Condition: IsLessThanOrEquals, Value: 2.5}]", "code le 2.5"),
        ("[{KeyPath: argv, Condition: IsNullOrEmpty}]", "argv is_null"),
        ("[{KeyPath: argv, Condition: IsNull}]", "argv not_exists or argv eq null"),
        ("[{KeyPath: argv, Condition: IsNotNull}]", "not (argv not_exists or argv eq null)"),
        ("[{KeyPath: ip, Condition: IsIPAddressInCIDR, Values: [10.0.0.0/8]}]", r#"ip cidr ["10.0.0.0/8"]"#),
        (
            "[{KeyPath: net, Condition: CIDRDoesNotContainIPAddresses, Value: 10.1.2.3}]",
            r#"not net cidr_contains "10.1.2.3""#,
        ),
        ("[{KeyPath: ip, Condition: IsIPAddressPrivate}]", "ip is_private_ip"),
        ("[{KeyPath: argv, Condition: Has, Value: -v}]", r#"argv contains "-v""#),
        ("[{KeyPath: a, Condition: Exists}, {KeyPath: b, Condition: DoesNotExist}]", "a exists and b not_exists"),
    ];
    for (yaml, expected) in cases {
        assert_eq!(lower(yaml).as_deref(), Ok(expected), "{yaml}");
    }
}

#[test]
fn combinators_comprehensions_constants_and_key_to_key() {
    let cases = [
        ("[{Any: [{Key: a, Condition: Exists}, {Key: b, Condition: Exists}]}]", "a exists or b exists"),
        ("[{All: [{Key: a, Condition: Exists}, {Key: b, Condition: Exists}]}]", "a exists and b exists"),
        ("[{OnlyOne: [{Key: a, Condition: Exists}, {Key: b, Condition: Exists}]}]", "one_of(a exists, b exists)"),
        ("[{None: [{Key: a, Condition: Exists}, {Key: b, Condition: Exists}]}]", "not (a exists or b exists)"),
        (
            "[{KeyPath: records, Condition: AnyElement, Expressions: [{KeyPath: name, Condition: Equals, Value: x}]}]",
            r#"any records (name eq "x")"#,
        ),
        ("[{KeyPath: r, Condition: NoElement, Expressions: [{Key: ok, Condition: Exists}]}]", "none r (ok exists)"),
        ("[{Condition: AlwaysTrue}, {Condition: AlwaysFalse}]", "true and false"),
        ("[{Condition: Equals, Values: [{KeyPath: user}, {KeyPath: login}]}]", "user eq_field login"),
        (
            "[{Condition: DoesNotEqual, Values: [{Key: user}, {DeepKey: [identity, user]}]}]",
            "user ne_field identity.user",
        ),
    ];
    for (yaml, expected) in cases {
        assert_eq!(lower(yaml).as_deref(), Ok(expected), "{yaml}");
    }
}

#[test]
fn mistakes_are_reported_at_their_key() {
    let cases = [
        (
            "[{KeyPath: a, Condition: Equal, Value: 1}]",
            r#"[Key("Detection"), Index(0), Key("Condition")]: unknown condition `Equal` (did you mean `Equals`?)"#,
        ),
        (
            "[{KeyPath: a, Condition: Equals, Valeu: 1}]",
            r#"[Key("Detection"), Index(0), Key("Valeu")] (key): unknown key `Valeu` in a match expression (did you mean `Value`?)"#,
        ),
        ("[{KeyPath: a, Condition: Equals}]", r#"[Key("Detection"), Index(0)]: `Equals` needs `Value`"#),
        (
            "[{KeyPath: a, Condition: StartsWith, Value: 3}]",
            r#"[Key("Detection"), Index(0), Key("Value")]: `StartsWith` takes a string, e.g. `"/tmp/"`, found `3`"#,
        ),
        (
            "[{Condition: Exists}]",
            r#"[Key("Detection"), Index(0)]: a match expression needs the key it tests: `KeyPath`, `Key` or `DeepKey`"#,
        ),
        (
            "[{KeyPath: a, Key: a, Condition: Exists}]",
            r#"[Key("Detection"), Index(0), Key("Key")] (key): give one of `KeyPath`, `Key` and `DeepKey`, not `KeyPath` and `Key`"#,
        ),
        (
            "[{KeyPath: a, Condition: Exists, Value: 1}]",
            r#"[Key("Detection"), Index(0), Key("Value")] (key): `Exists` takes no `Value`"#,
        ),
        (
            "[{Condition: IsIn, Values: [{KeyPath: a}, {KeyPath: b}]}]",
            r#"[Key("Detection"), Index(0), Key("Condition")]: `IsIn` cannot compare two keys; key-to-key comparison takes `Equals` or `DoesNotEqual`"#,
        ),
        (
            "[{KeyPath: ip, Condition: IsIPAddressInCIDR, Value: 10.1.0.0/8}]",
            r#"[Key("Detection"), Index(0), Key("Value")]: `IsIPAddressInCIDR` `10.1.0.0/8` has host bits set; did you mean `10.0.0.0/8`?"#,
        ),
        (
            "[{KeyPath: 'a[', Condition: Exists}]",
            r#"[Key("Detection"), Index(0), Key("KeyPath")]: bad `KeyPath`: unclosed `[` in key path"#,
        ),
        (
            "[{KeyPath: r, Condition: AnyElement}]",
            r#"[Key("Detection"), Index(0)]: a list condition needs `Expressions`, the match expressions each element is tested with"#,
        ),
        (
            "[]",
            r#"[Key("Detection")]: an empty list of match expressions matches everything; use `{Condition: AlwaysTrue}` to mean that"#,
        ),
        ("[{OnlyOne: []}]", r#"[Key("Detection"), Index(0), Key("OnlyOne")]: `OnlyOne` has no match expressions"#),
        (
            "[{Condition: AlwaysTrue, Value: 1}]",
            r#"[Key("Detection"), Index(0), Key("Value")] (key): `Value` does not apply to `AlwaysTrue`; it takes Condition"#,
        ),
        (
            "[{KeyPath: a, Condition: Equals, Value: 1, Expressions: []}]",
            r#"[Key("Detection"), Index(0), Key("Expressions")] (key): `Expressions` does not apply to `Equals`; it takes KeyPath, Key, DeepKey, Condition, Value, Values"#,
        ),
    ];
    for (yaml, expected) in cases {
        assert_eq!(lower(yaml), Err(vec![expected.to_string()]), "{yaml}");
    }
}

#[test]
fn every_condition_name_is_known() {
    let names: Vec<&str> = condition_names().collect();
    assert_eq!(names.len(), CONDITIONS.len() + QUANTIFIERS.len() + 2);
    for name in
        ["IsIPAddress", "IsIPv4Address", "IsIPv6Address", "IsIPAddressPublic", "CIDRContainsIPAddresses", "IsLessThan"]
    {
        assert!(names.contains(&name), "{name}");
    }
}

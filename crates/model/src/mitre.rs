//! MITRE ATT&CK names, from the table in `data/mitre_attack.tsv` (its source and date are in its
//! header), for catalog pages and ATT&CK Navigator layers.

use std::sync::LazyLock;

/// An ATT&CK tactic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tactic {
    /// `TA0007`.
    pub id: &'static str,
    /// `Discovery`.
    pub name: &'static str,
    /// `discovery`, as ATT&CK Navigator names tactics.
    pub shortname: &'static str,
}

struct Table {
    /// In the order of the ATT&CK matrix.
    tactics: Vec<Tactic>,
    /// Id and name.
    techniques: Vec<(&'static str, &'static str)>,
}

static TABLE: LazyLock<Table> = LazyLock::new(|| {
    let mut table = Table { tactics: Vec::new(), techniques: Vec::new() };
    for line in include_str!("../data/mitre_attack.tsv").lines().filter(|l| !l.starts_with('#') && !l.is_empty()) {
        let columns: Vec<&'static str> = line.split('\t').collect();
        match columns.as_slice() {
            ["tactic", id, name, shortname] => table.tactics.push(Tactic { id, name, shortname }),
            ["technique", id, name] => table.techniques.push((id, name)),
            _ => panic!("malformed line in data/mitre_attack.tsv: {line:?}"),
        }
    }
    table
});

/// Every tactic, in the order of the ATT&CK matrix.
pub fn tactics() -> &'static [Tactic] {
    &TABLE.tactics
}

pub fn tactic(id: &str) -> Option<&'static Tactic> {
    TABLE.tactics.iter().find(|t| t.id == id)
}

/// A technique's name (`Remote Services: SSH` for `T1021.004`).
pub fn technique(id: &str) -> Option<&'static str> {
    TABLE.techniques.iter().find(|(t, _)| *t == id).map(|(_, name)| *name)
}

/// The `(tactic, technique)` pairs of a rule's `MITRE ATT&CK` report ids (`TA0007:T1046`); an id
/// without a technique has an empty one.
pub fn pairs(ids: &[String]) -> Vec<(&str, &str)> {
    ids.iter().map(|id| id.split_once(':').unwrap_or((id.as_str(), ""))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_names_tactics_and_techniques() {
        assert_eq!(tactics().len(), 14);
        assert_eq!(tactic("TA0007").map(|t| (t.name, t.shortname)), Some(("Discovery", "discovery")));
        assert_eq!(technique("T1046"), Some("Network Service Discovery"));
        assert_eq!(technique("T1021.004"), Some("Remote Services: SSH"));
        assert_eq!(technique("T0000"), None);
        assert_eq!(pairs(&["TA0007:T1046".into(), "TA0001".into()]), [("TA0007", "T1046"), ("TA0001", "")]);
    }
}

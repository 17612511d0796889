//! The generated site in a real browser: headless Chromium (Debian's `chromium`, which `.ci/run`
//! installs) loads the checked-in pages and runs their script; the test reads the DOM it ends with.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::generate::workspace_root;

/// Chromium, if installed. Without it the tests fail under CI (which must install it) and are
/// skipped, saying so, elsewhere.
fn chromium() -> Option<PathBuf> {
    let found = ["chromium", "chromium-browser", "google-chrome"].iter().find_map(|name| {
        std::env::var_os("PATH")?.to_str()?.split(':').map(|dir| Path::new(dir).join(name)).find(|p| p.is_file())
    });
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install Chromium (Debian package `chromium`) for the site tests"
        );
        eprintln!("skipped: no chromium on PATH (install Debian's `chromium` to run the site tests)");
    }
    found
}

/// The DOM of `page` (under `docs/site/`, with an optional `?query`) after its scripts ran.
fn dom(browser: &Path, page: &str) -> String {
    let profile = std::env::temp_dir().join(format!("vigil-chromium-{}-{}", std::process::id(), page.len()));
    let url = format!("file://{}/docs/site/{page}", workspace_root().display());
    let output = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--virtual-time-budget=5000",
            &format!("--user-data-dir={}", profile.display()),
            "--dump-dom",
            &url,
        ])
        .output()
        .expect("chromium runs");
    let _ = std::fs::remove_dir_all(profile);
    assert!(output.status.success(), "chromium failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).expect("the DOM is UTF-8")
}

/// The text of the DOM with tags removed and whitespace collapsed.
fn text(dom: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in dom.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn the_seed_rule_page_shows_its_exclusions_and_indicators() {
    let Some(browser) = chromium() else { return };
    let page = text(&dom(&browser, "rules/teleport/Teleport.NetworkScanning.html"));
    let section = |from: &str, to: &str| {
        let start = page.find(from).unwrap_or_else(|| panic!("no {from} in {page}"));
        let end = page[start..].find(to).map_or(page.len(), |i| start + i);
        page[start..end].to_string()
    };
    assert_eq!(
        section("Exclusions", "Indicators"),
        "Exclusions Top-level NOT(...) conjuncts: predicates this rule actively suppresses. \
         Field Kind Excluded values argv is_null event eq session.command "
    );
    let indicators = section("Indicators", "Output fields");
    assert!(indicators.ends_with("Field Kind Values Corpus program in arp , arp-scan , fping , nmap "), "{indicators}");
    assert_eq!(
        section("Output fields", "Tests"),
        "Output fields Fields the alert carries: title placeholders, alert context, group-by and output fields. Field user program cluster_name "
    );
}

#[test]
fn the_index_filters_rules_by_text_severity_and_tactic() {
    let Some(browser) = chromium() else { return };
    let rows = |query: &str| -> (Vec<String>, String) {
        let dom = dom(&browser, &format!("index.html{query}"));
        let visible = dom
            .split("<tr ")
            .skip(1)
            .filter(|row| row.contains("data-text") && !row.split('>').next().unwrap_or("").contains("hidden"))
            .filter_map(|row| row.split("<code>").nth(1)?.split("</code>").next().map(str::to_string))
            .collect();
        let count = dom
            .split("id=\"count\"")
            .nth(1)
            .and_then(|r| r.split('>').nth(1)?.split('<').next())
            .unwrap_or("")
            .to_string();
        (visible, count)
    };
    let total = crate::catalog::entries_count();
    let (all, count) = rows("");
    assert_eq!((all.len(), count), (total, format!("{total} of {total} rules")));
    let (nmap, count) = rows("?q=nmap");
    assert_eq!((nmap, count), (vec!["Teleport.NetworkScanning".to_string()], format!("1 of {total} rules")));
    let (discovery, _) = rows("?tactic=ta0007&severity=medium");
    assert!(discovery.contains(&"Teleport.NetworkScanning".to_string()), "{discovery:?}");
    let (by_id, _) = rows("?q=TA0007:T1046&severity=Medium&tactic=TA0007");
    assert_eq!(by_id, ["Teleport.NetworkScanning"], "ATT&CK ids as rules write them, and any case in the URL");
    let (none, count) = rows("?q=nmap&severity=critical");
    assert_eq!((none.len(), count), (0, format!("0 of {total} rules")));
}

#[test]
fn a_rule_s_text_is_shown_not_run() {
    let markdown = "# <img src=x onerror=alert(1)>\n\n<script>alert(2)</script>\n\n[x](javascript:alert(3)) \
                    [y](JavaScript:alert(4)) [ok](https://goteleport.com/docs/) [rel](../index.html)\n";
    let html = super::page_html(markdown);
    assert!(!html.contains("<script") && !html.contains("<img"), "{html}");
    assert!(html.contains("&lt;script&gt;alert(2)&lt;/script&gt;"), "{html}");
    assert!(!html.to_lowercase().contains("javascript:"), "{html}");
    assert!(html.contains(r#"<a href="https://goteleport.com/docs/">ok</a>"#), "{html}");
    assert!(html.contains(r#"<a href="../index.html">rel</a>"#), "{html}");
}

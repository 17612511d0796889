//! Command-line arguments; the doc comments are the help text.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// Detection-as-code: Panther-format rules compiled to native code, run over JSON-lines logs.
#[derive(Debug, Parser)]
#[command(name = "vigil", version)]
pub struct Args {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan logs and print deduplicated alerts as JSON lines on stdout, with a summary on stderr.
    Scan(ScanArgs),
    /// Run every compiled rule's own test cases: a line per case, then `N passed, N failed`.
    Test(TestArgs),
    /// List the compiled rules, optionally filtered.
    List(ListArgs),
    /// Show one rule: metadata, its condition in the condition language, and its tests.
    Show(ShowArgs),
    /// Check rule files without compiling them: every problem with `file:line:col`.
    Validate(ValidateArgs),
    /// How a rule judges one event: each predicate with the value it saw, and the result.
    Explain(ExplainArgs),
    /// Print a shell completion script: `vigil completions bash > /etc/bash_completion.d/vigil`.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff): `vigil man | man -l -`, or a subcommand's: `vigil man scan`.
    Man {
        /// A subcommand, for its own page.
        subcommand: Option<String>,
    },
}

#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// The rule's id (any case).
    pub rule_id: String,
    /// The event: a JSON object, a file holding one, or `-` for standard input.
    pub event: String,
}

#[derive(Debug, clap::Args)]
pub struct ValidateArgs {
    /// Rule files, or directories of them (checked as one rule set: rule ids must be unique).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Only rules for this log type.
    #[arg(long)]
    pub log_type: Option<String>,
    /// Only rules of this severity.
    #[arg(long, value_enum, ignore_case = true)]
    pub severity: Option<SeverityArg>,
    /// Only rules with this tag.
    #[arg(long)]
    pub tag: Option<String>,
    /// Only rules mapped to this MITRE ATT&CK id: a tactic (`TA0007`), a technique (`T1046`, which
    /// also finds its sub-techniques) or both (`TA0007:T1046`).
    #[arg(long)]
    pub mitre: Option<String>,
    /// One JSON object per rule instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// The rule's id, e.g. `Teleport.NetworkScanning` (any case).
    pub rule_id: String,

    /// Print the rule's catalog page (Markdown: ATT&CK table, rule body, condition, exclusions,
    /// indicators, output fields, tests), as `cargo xtask gen` writes it to `docs/rules/`.
    #[arg(long)]
    pub catalog: bool,
}

#[derive(Debug, clap::Args)]
pub struct TestArgs {
    /// Only rules whose rule id contains this text (ignoring case).
    #[arg(value_name = "FILTER")]
    pub filter: Option<String>,
}

#[derive(Debug, clap::Args)]
#[allow(clippy::struct_excessive_bools)] // each is a command-line flag
pub struct ScanArgs {
    /// Files, directories (read recursively, in sorted order) or glob patterns (`'logs/**/*.gz'`)
    /// of JSON lines, JSON arrays or `{"Records": [...]}` documents, plain, gzip or zstd; `-`
    /// reads standard input.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// The log type of every event (e.g. `Gravitational.TeleportAudit`). Without it, each
    /// event's log type is recognised by its keys, and events of none are counted as
    /// unrecognised.
    #[arg(long, value_name = "NAME")]
    pub log_type: Option<String>,

    /// Also read hidden files and directories (names starting with `.`) found in directories.
    #[arg(long)]
    pub hidden: bool,

    /// Also run rules with `Enabled: false`.
    #[arg(long)]
    pub include_disabled: bool,

    /// How many inputs to scan at once (default: one per core). Output is the same whatever
    /// the number.
    #[arg(long, value_name = "N")]
    pub threads: Option<std::num::NonZeroUsize>,

    /// Stream: write each alert as soon as its window can no longer change, keeping only open
    /// windows in memory, for input whose event times are in order up to DURATION (`30s`,
    /// `5m`, `1h`). Inputs are read one after another, in the order given, as one stream.
    /// Alerts are those of a whole scan while the input keeps to DURATION; later matches are
    /// counted in the summary.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, conflicts_with = "threads")]
    pub max_disorder: Option<jiff::SignedDuration>,

    /// Write the events that signal rules (`CreateAlert: false`) match, labelled with the rule,
    /// to FILE as JSON lines (`-`: standard output, when alerts go to --output).
    #[arg(long, value_name = "FILE")]
    pub signals: Option<PathBuf>,

    /// How alerts are written: JSON lines in vigil's schema, OCSF Detection Findings as JSON
    /// lines, or a table (coloured on a terminal unless `NO_COLOR` is set).
    #[arg(long, value_enum, default_value_t = OutputFormat::Jsonl)]
    pub format: OutputFormat,

    /// Write alerts to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Run only this rule (its id, any case); repeat for several.
    #[arg(long = "rule", value_name = "RULE_ID")]
    pub rules: Vec<String>,

    /// Run only rules with this tag (any case); repeat for several (any of them).
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,

    /// Report only alerts of at least this severity.
    #[arg(long, value_enum, ignore_case = true, value_name = "SEVERITY")]
    pub severity_min: Option<SeverityArg>,

    /// Only events at or after this time (RFC 3339, e.g. 2024-01-01T00:00:00Z).
    #[arg(long, value_name = "TIME")]
    pub since: Option<jiff::Timestamp>,

    /// Only events before this time (RFC 3339).
    #[arg(long, value_name = "TIME")]
    pub until: Option<jiff::Timestamp>,

    /// Print nothing on stderr but errors (unreadable inputs, fatal errors): no other input
    /// problems, no summary, no progress bar.
    #[arg(long, short, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Print up to 1,000 input problems instead of 20.
    #[arg(long, short)]
    pub verbose: bool,

    /// Exit with code 1 when there is at least one alert.
    #[arg(long)]
    pub fail_on_alert: bool,

    /// Exit with code 2 on any problem with the input (malformed, not UTF-8, too long, ...),
    /// not only on unreadable inputs.
    #[arg(long)]
    pub strict: bool,
}

/// Severities as command-line values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum)]
pub enum SeverityArg {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl SeverityArg {
    pub fn severity(self) -> vigil_runtime::Severity {
        use vigil_runtime::Severity;
        match self {
            SeverityArg::Info => Severity::Info,
            SeverityArg::Low => Severity::Low,
            SeverityArg::Medium => Severity::Medium,
            SeverityArg::High => Severity::High,
            SeverityArg::Critical => Severity::Critical,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    Jsonl,
    Ocsf,
    Table,
}

/// A duration such as `90s`, `5m`, `1h 30m`, `2d` (days of 24 hours) or ISO 8601's `PT5M`;
/// never negative.
fn parse_duration(text: &str) -> Result<jiff::SignedDuration, String> {
    let bad = || format!("`{text}` is not a duration such as `30s`, `5m`, `1h` or `1d`");
    let span: jiff::Span = text.parse().map_err(|_| bad())?;
    let duration = span.to_duration(jiff::SpanRelativeTo::days_are_24_hours()).map_err(|_| bad())?;
    if duration.is_negative() {
        return Err(format!("`{text}` is negative"));
    }
    Ok(duration)
}

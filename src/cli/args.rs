//! The command line's shape. Scripts depend on these names: keep them.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::domain::{DriveState, JobState, JobType, Rule, Timestamp};

#[derive(Debug, Parser)]
#[command(
    name = "ieops",
    version,
    about = "Operations console for the datacenter side of an Import/Export disk-shipping service",
    long_about = "Operations console for the datacenter side of an Import/Export disk-shipping service.\n\n\
                  With no command, opens the console (ratatui) on the database; with a command, runs it and exits.",
    after_help = "Exit codes: 0 done; 2 bad usage or input; 3 refused by the rules; \
                  4 stale read or database busy; 5 refused because read-only; 1 anything else. \
                  A failure is one line on stderr; under --json, one JSON object \
                  {\"error\": {\"code\", \"kind\", \"message\"}}."
)]
pub struct Cli {
    /// Open the console on a fresh demo database in a temporary file
    #[arg(long, conflicts_with = "db")]
    pub demo: bool,
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Args)]
pub struct Global {
    /// Database file [default: $IEOPS_DB, else the settings file's database, else ~/.local/share/ieops/ieops.db]
    #[arg(long, global = true, value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Who is acting, recorded in the audit log [default: the settings file's operator, $USER, $LOGNAME, then the OS account name; `demo` for --demo when none is found]
    #[arg(long, global = true, value_name = "NAME")]
    pub operator: Option<String>,
    /// Act as if it were this time (RFC 3339), for drills and tests
    #[arg(long, global = true, value_name = "RFC3339")]
    pub now: Option<String>,
    /// Open the database read-only; every write is refused (exit 5)
    #[arg(long, global = true)]
    pub read_only: bool,
    /// Print JSON (REST field names) instead of tables
    #[arg(long, global = true)]
    pub json: bool,
    /// The console leaves the mouse to the terminal (no clicking rows or tabs,
    /// no wheel; the terminal's own text selection works as usual)
    #[arg(long, global = true)]
    pub no_mouse: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create or migrate the database
    Init,
    /// Fill an empty database with realistic demo data
    Demo {
        /// How many jobs to generate
        #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
        jobs: u32,
    },
    /// List jobs
    Jobs {
        #[arg(long, value_parser = parse_job_state, value_name = "STATE")]
        state: Option<JobState>,
        /// Only overdue jobs: a clock a person must act on has passed (C2 or C4 of a missing package, J7, E4's C6)
        #[arg(long)]
        overdue: bool,
        /// Only jobs with an item in the attention queue
        #[arg(long)]
        attention: bool,
        /// List archived jobs (S2) instead of active ones
        #[arg(long)]
        archived: bool,
    },
    /// List drives of active jobs
    Drives {
        #[arg(long, value_parser = parse_drive_state, value_name = "STATE")]
        state: Option<DriveState>,
        #[arg(long, value_name = "NAME")]
        job: Option<String>,
    },
    /// The triage queue: every exception and passed or nearly passed clock, most urgent first
    Attention,
    /// Arrivals held because their job is not Shipping or does not exist (E1)
    Arrivals {
        /// Include released, returned and destroyed ones
        #[arg(long)]
        all: bool,
    },
    /// Every field of a job, its drives, clocks, attention items and last events
    Show {
        #[arg(value_name = "JOB")]
        job: String,
    },
    /// The audit events of a job and its drives (or of arrival:ID)
    History {
        #[arg(value_name = "JOB")]
        job: String,
    },
    /// The actions valid now on a job, a drive or an arrival, with the rule that allows each
    Actions {
        #[arg(value_name = "JOB[/DRIVE]|arrival:ID")]
        target: String,
    },
    /// Create jobs
    Job {
        #[command(subcommand)]
        command: JobCommand,
    },
    /// Apply an action to a job, a drive or an arrival
    Act {
        #[arg(value_name = "JOB[/DRIVE]|arrival:ID")]
        target: String,
        #[arg(value_name = "ACTION", value_parser = ActionName, hide_possible_values = true)]
        action: String,
        /// Action parameter or job field (REST path), repeatable
        #[arg(long = "set", value_name = "KEY=VALUE", value_parser = parse_key_value)]
        sets: Vec<(String, String)>,
        /// A note for the audit log
        #[arg(long, value_name = "TEXT")]
        note: Option<String>,
    },
    /// Record a package that arrived (D2/D4, extra drives D9/E5, held drives E1)
    Arrival {
        #[arg(long, value_name = "C")]
        carrier: String,
        #[arg(long, value_name = "T")]
        tracking: String,
        #[arg(long = "drive", value_name = "ID", required = true)]
        drives: Vec<String>,
        /// The job the package names [default: the job listing these drives]
        #[arg(long, value_name = "NAME")]
        job: Option<String>,
        /// The job --job names is not on record: hold the package for it (E1)
        /// instead of refusing the name
        #[arg(long, requires = "job")]
        hold: bool,
        #[arg(long, value_name = "TEXT")]
        note: Option<String>,
    },
    /// Import jobs from the service's JSON: a Get Job answer, a List Jobs answer or an array of them
    Import {
        /// A JSON file, or - for standard input
        #[arg(value_name = "FILE|-")]
        file: String,
        /// The file is List BitLocker Keys' answer for this job: attach the keys to its drives
        #[arg(long, value_name = "JOB")]
        bitlocker_keys: Option<String>,
        /// Read at most this many bytes (an endless input stops here)
        #[arg(long, value_name = "N", default_value_t = crate::interop::DEFAULT_IMPORT_LIMIT)]
        max_bytes: u64,
    },
    /// Write jobs as the service's JSON: one JobResponse, or a list response with --list
    Export {
        #[arg(value_name = "JOB")]
        jobs: Vec<String>,
        /// Write a List Jobs response {"value": [...]}; with no JOB, of every active job
        #[arg(long)]
        list: bool,
        /// Also write the drives' BitLocker keys (secrets; left out otherwise)
        #[arg(long)]
        include_secrets: bool,
        /// Write to FILE, whole or not at all (a temporary file beside it,
        /// synced, then renamed over it), instead of standard output
        #[arg(long, value_name = "FILE")]
        output: Option<std::path::PathBuf>,
    },
    /// Apply the clocks that expire by themselves (C1, C3, C7) as operator `system`
    Sweep {
        /// Show what would change without writing
        #[arg(long)]
        dry_run: bool,
    },
    /// The audit log, newest first: who did what, when, under which rule
    Audit {
        /// Only events recorded under this rule (e.g. J4)
        #[arg(long, value_parser = parse_rule, value_name = "RULE")]
        rule: Option<Rule>,
        /// Only events recorded by this operator (exact name)
        #[arg(long, value_name = "NAME")]
        who: Option<String>,
        /// Only events at or after this time (RFC 3339, or a date: 2026-11-22)
        #[arg(long, value_parser = parse_time, value_name = "RFC3339")]
        since: Option<Timestamp>,
        /// Only events before this time (RFC 3339), or up to the end of a date (2026-11-22)
        #[arg(long, value_parser = parse_until, value_name = "RFC3339")]
        until: Option<Timestamp>,
        /// Only events whose note or detail contains TEXT (ASCII letters in any case)
        #[arg(long, value_name = "TEXT")]
        grep: Option<String>,
        /// At most this many events
        #[arg(long, value_name = "N", default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
        limit: u32,
    },
    /// Print a completion script for a shell (source it, or put it where the shell loads completions)
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff): `ieops man > ieops.1`
    Man,
    /// Print the settings in force and where each came from (a flag, the
    /// environment, the settings file ~/.config/ieops/config.toml or
    /// $IEOPS_CONFIG, or the default)
    Config,
}

#[derive(Debug, Subcommand)]
pub enum JobCommand {
    /// Create a job in Creating (J1)
    Create {
        #[arg(value_name = "NAME")]
        name: String,
        #[arg(long = "type", value_enum)]
        job_type: TypeArg,
        /// A drive of an import job, repeatable (1 to 10)
        #[arg(long = "drive", value_name = "ID")]
        drives: Vec<String>,
        /// A job field by REST path, repeatable
        #[arg(long = "set", value_name = "KEY=VALUE", value_parser = parse_key_value)]
        sets: Vec<(String, String)>,
        #[arg(long, value_name = "TEXT")]
        note: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum TypeArg {
    Import,
    Export,
}

impl From<TypeArg> for JobType {
    fn from(t: TypeArg) -> JobType {
        match t {
            TypeArg::Import => JobType::Import,
            TypeArg::Export => JobType::Export,
        }
    }
}

impl Command {
    /// Whether the command writes; the dispatcher refuses these when read-only.
    pub fn writes(&self) -> bool {
        match self {
            Command::Init
            | Command::Demo { .. }
            | Command::Job { .. }
            | Command::Act { .. }
            | Command::Arrival { .. }
            | Command::Import { .. } => true,
            Command::Sweep { dry_run } => !dry_run,
            Command::Jobs { .. }
            | Command::Drives { .. }
            | Command::Attention
            | Command::Arrivals { .. }
            | Command::Show { .. }
            | Command::History { .. }
            | Command::Actions { .. }
            | Command::Export { .. }
            | Command::Audit { .. }
            | Command::Completions { .. }
            | Command::Man
            | Command::Config => false,
        }
    }

    /// Whether the command needs an operator name (it records events).
    pub fn records_events(&self) -> bool {
        self.writes() && !matches!(self, Command::Init | Command::Sweep { .. })
    }
}

/// An action's name: any text is taken here (a mistyped one gets the
/// did-you-mean that names its target kind later), but the names offered to
/// shell completion are the domain's actions.
#[derive(Debug, Clone, Copy)]
struct ActionName;

impl clap::builder::TypedValueParser for ActionName {
    type Value = String;

    fn parse_ref(
        &self,
        _cmd: &clap::Command,
        _arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        Ok(value.to_string_lossy().into_owned())
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        let names =
            crate::domain::ActionKind::ALL.iter().map(|kind| clap::builder::PossibleValue::new(kind.name()));
        Some(Box::new(names))
    }
}

fn parse_job_state(s: &str) -> Result<JobState, String> {
    s.parse()
}

fn parse_drive_state(s: &str) -> Result<DriveState, String> {
    s.parse()
}

fn parse_rule(s: &str) -> Result<Rule, String> {
    s.parse::<Rule>().map_err(|e| format!("{e}: rule IDs are J1, D2, E1, C2, S7, … (assets/rules.md)"))
}

/// `--until`: a bare date takes in the whole day, as the console's `until:` does.
fn parse_until(s: &str) -> Result<Timestamp, String> {
    let at = parse_time(s)?;
    let bare_date = chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").is_ok();
    Ok(if bare_date { at.checked_add_signed(chrono::Duration::days(1)).unwrap_or(at) } else { at })
}

fn parse_time(s: &str) -> Result<Timestamp, String> {
    crate::domain::field::parse_date(s).ok_or_else(|| {
        "not a time: use RFC 3339, e.g. 2026-11-22T14:30:00Z, or a date, 2026-11-22".to_string()
    })
}

/// `KEY=VALUE`; the value may contain `=`.
pub fn parse_key_value(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((key, value)) if !key.trim().is_empty() => Ok((key.trim().to_string(), value.to_string())),
        _ => Err(format!("'{}' is not KEY=VALUE, e.g. returnAddress.city=Dublin", s.escape_default())),
    }
}

//! The command line: parses arguments, opens the store, calls the domain and
//! prints. It holds no rules of its own.

mod args;
mod error;
mod help;
mod interop;
mod reads;
mod render;
mod settings;
mod table;
mod target;
mod writes;

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use clap::FromArgMatches;

pub use args::{Cli, Command};
pub use error::{CliError, Exit};

use crate::domain::Timestamp;
use crate::domain::field::parse_date;
use crate::ops;
use crate::store::{Access, AuditFilter, Store};
use crate::text::visible;
use error::bad;

/// What every command works with, resolved once from the global options.
pub struct Session {
    pub store: Store,
    pub operator: String,
    pub now: Timestamp,
    pub json: bool,
}

/// Runs the command line and returns its documented exit code.
pub fn run() -> ExitCode {
    let parsed = help::command().try_get_matches().and_then(|m| Cli::from_arg_matches(&m));
    // Scripts that asked for JSON get their errors in JSON too; when the
    // arguments did not parse, a literal --json among them is the ask.
    let json = match &parsed {
        Ok(cli) => cli.global.json,
        Err(_) => std::env::args_os().take_while(|a| a != "--").any(|a| a == "--json"),
    };
    let done = match parsed {
        Ok(cli) => dispatch(cli),
        Err(e) if !e.use_stderr() => {
            checked(e.print()); // --help, --version
            Ok(())
        }
        Err(e) => Err(usage(&e)),
    };
    match done.and_then(|()| output_written()) {
        Ok(()) => Exit::Done.into(),
        Err(failure) => {
            fail(&failure, json);
            failure.exit().into()
        }
    }
}

/// A clap error as one line, keeping its did-you-mean ("tip: a similar
/// subcommand exists: 'jobs'"); the usage is a --help away.
fn usage(e: &clap::Error) -> CliError {
    let rendered = e.render().to_string();
    let mut lines = rendered.lines().map(str::trim);
    let first = lines.next().unwrap_or_default().trim_start_matches("error: ");
    let tips: String = lines.filter(|l| l.starts_with("tip:")).map(|l| format!("; {l}")).collect();
    bad(format!("{first}{tips} (see ieops --help)"))
}

/// Reports a failure on stderr: one line, every message through the one
/// escaping function (a refusal may quote a name an import brought in, or
/// what the operator typed); under --json one object whose message serde
/// escapes instead.
fn fail(failure: &CliError, json: bool) {
    let message = failure.to_string();
    let line = match json {
        true => {
            let exit = failure.exit();
            let mut error = serde_json::json!({"code": exit as u8, "kind": exit.kind(), "message": message});
            // A refusal names its rule, for scripts that branch on it.
            if let CliError::Refused(refusal) = failure {
                error["rule"] = refusal.rule.id().into();
            }
            let object = serde_json::json!({ "error": error });
            crate::text::json_safe(&object.to_string()).into_owned()
        }
        false => format!("ieops: {}", visible(&message)),
    };
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// The first failed write to standard output, if any (a closed pipe, `| head`,
/// is not one: the reader has what it wanted).
static OUTPUT_FAILED: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// Records what a write to standard output returned.
fn checked(written: std::io::Result<()>) {
    if let Err(e) = written {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            let _ = OUTPUT_FAILED.set(e.to_string());
        }
    }
}

/// Exit 1 when standard output lost anything: a full disk behind `> file` is
/// data lost, never a success.
fn output_written() -> Result<(), CliError> {
    checked(std::io::stdout().lock().flush());
    match OUTPUT_FAILED.get() {
        Some(e) => Err(CliError::Output(format!(
            "cannot write to standard output: {e}; what it printed is incomplete (the command's own work is done)"
        ))),
        None => Ok(()),
    }
}

/// The one place that decides whether a command may write.
fn dispatch(cli: Cli) -> Result<(), CliError> {
    let g = cli.global;
    let config = match cli.command {
        // Made from the command line alone: no settings are needed.
        Some(Command::Completions { .. } | Command::Man) => crate::config::Config::default(),
        _ => crate::config::load().map_err(bad)?,
    };
    let Some(command) = cli.command else {
        return console(&g, &config, cli.demo);
    };
    if cli.demo {
        return Err(bad(
            "--demo opens the console: give no command with it (for demo data in a file, use `ieops demo`)",
        ));
    }
    // Made from the command line alone: no database is opened.
    match command {
        Command::Completions { shell } => return help::completions(shell),
        Command::Man => return help::man(),
        Command::Config => {
            let effective = settings::effective(&g, &config)?;
            let session_json = g.json;
            let mut stdout = std::io::stdout().lock();
            let text = match session_json {
                true => {
                    crate::text::json_safe(&serde_json::to_string(&effective).unwrap_or_default())
                        .into_owned()
                        + "\n"
                }
                false => settings::text(&effective),
            };
            checked(stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()));
            return Ok(());
        }
        _ => {}
    }
    if g.read_only && command.writes() {
        return Err(CliError::Store(crate::store::StoreError::ReadOnly));
    }
    let now = match &g.now {
        Some(text) => parse_date(text).ok_or_else(|| {
            bad(format!(
                "--now '{}' is not a time: use RFC 3339, e.g. 2026-11-22T14:30:00Z",
                text.escape_default()
            ))
        })?,
        // The store keeps whole seconds; decide on what will be stored.
        None => chrono::SubsecRound::trunc_subsecs(chrono::Utc::now(), 0),
    };
    let anonymous = if command.records_events() { None } else { Some("unknown") };
    let operator = settings::operator(&g, &config.settings, anonymous)?.value;
    let database = settings::database(&g, &config.settings)?;
    let explicit = settings::named(&database);
    let path = database.value;
    let creates = matches!(command, Command::Init | Command::Demo { .. });
    if !creates && !path.exists() {
        return Err(bad(format!(
            "no database at {}: create it with `ieops init` or fill it with `ieops demo`",
            path.display()
        )));
    }
    if !explicit && creates {
        ensure_default_dir(&path)?;
    }
    // A command that only reads opens the file read-only: it works on a file the
    // user may not write, and cannot change it by accident.
    let access = if g.read_only || !command.writes() { Access::ReadOnly } else { Access::ReadWrite };
    let store = Store::open(&path, access)?;
    let mut session = Session { store, operator, now, json: g.json };
    match command {
        Command::Init => writes::init(&mut session),
        Command::Demo { jobs } => writes::demo(&mut session, jobs as usize),
        Command::Jobs { state, overdue, attention, archived } => {
            reads::jobs(&session, state, overdue, attention, archived)
        }
        Command::Drives { state, job } => reads::drives(&session, state, job),
        Command::Attention => reads::attention(&session),
        Command::Arrivals { all } => reads::arrivals(&session, all),
        Command::Show { job } => reads::show(&session, &job),
        Command::History { job } => reads::history(&session, &job),
        Command::Actions { target } => reads::actions(&session, &target),
        Command::Job { command: args::JobCommand::Create { name, job_type, drives, sets, note } } => {
            writes::create(&mut session, &name, job_type.into(), &drives, &sets, note.as_deref())
        }
        Command::Act { target, action, sets, note } => {
            writes::act(&mut session, &target, &action, &sets, note.as_deref())
        }
        Command::Arrival { carrier, tracking, drives, job, hold, note } => {
            let dock = ops::Dock {
                carrier: &carrier,
                tracking: &tracking,
                drive_ids: &drives,
                job_name: job.as_deref(),
                hold_unknown: hold,
            };
            writes::arrival(&mut session, dock, note.as_deref())
        }
        Command::Sweep { dry_run } => writes::sweep(&mut session, dry_run),
        Command::Import { file, bitlocker_keys: None, max_bytes } => {
            interop::import(&mut session, &file, max_bytes)
        }
        Command::Import { file, bitlocker_keys: Some(job), max_bytes } => {
            interop::import_keys(&mut session, &job, &file, max_bytes)
        }
        Command::Export { jobs, list, include_secrets, output } => {
            interop::export(&session, &jobs, list, include_secrets, output.as_deref())
        }
        Command::Audit { rule, who, since, until, grep, limit } => {
            let filter = AuditFilter { rule, operator: who, since, until, text: grep, limit: limit as usize };
            reads::audit(&session, &filter)
        }
        Command::Completions { .. } | Command::Man | Command::Config => Ok(()), // answered above
    }
}

/// `--now` if given.
fn given_now(g: &args::Global) -> Result<Option<Timestamp>, CliError> {
    g.now
        .as_deref()
        .map(|text| {
            parse_date(text).ok_or_else(|| {
                bad(format!(
                    "--now '{}' is not a time: use RFC 3339, e.g. 2026-11-22T14:30:00Z",
                    text.escape_default()
                ))
            })
        })
        .transpose()
}

/// The store keeps whole seconds; decide on what will be stored.
fn wall_clock() -> Timestamp {
    chrono::SubsecRound::trunc_subsecs(chrono::Utc::now(), 0)
}

/// No command: the console, on the database or on fresh demo data.
fn console(g: &args::Global, config: &crate::config::Config, demo: bool) -> Result<(), CliError> {
    use std::io::IsTerminal;
    // Before anything is opened or written: without one the terminal cannot
    // be set up (cron, `ssh` without -t, a pipe).
    if !(std::io::stdin().is_terminal() && std::io::stdout().is_terminal()) {
        return Err(bad(
            "the console needs a terminal (standard input and output are not one): run it in a terminal, or give a command",
        ));
    }
    let start = given_now(g)?;
    // The demo's database is thrown away when the console closes: nobody
    // real needs naming there, so the README's first command works anywhere.
    let anonymous = match (demo, g.read_only) {
        (true, _) => Some("demo"),
        (false, true) => Some("unknown"),
        (false, false) => None,
    };
    let operator = settings::operator(g, &config.settings, anonymous)?.value;
    // The settings are checked before anything is opened or written.
    let options = crate::console::Options::new(operator, start, g.no_mouse, &config.settings)
        .map_err(|e| bad(config.about(e)))?;
    // A private directory of its own (0700, a name nobody can predict or plant
    // a link at), removed with everything in it when the console closes or the
    // fill fails.
    let demo_dir = match demo {
        true => Some(
            tempfile::Builder::new()
                .prefix("ieops-demo-")
                .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700))
                .tempdir()
                .map_err(|e| {
                    CliError::Internal(format!("cannot make a private directory for the demo: {e}"))
                })?,
        ),
        false => None,
    };
    let store = match &demo_dir {
        Some(dir) => {
            let path = dir.path().join("demo.db");
            let mut store = Store::open(&path, Access::ReadWrite)?;
            writes::fill_demo(&mut store, 60, start.unwrap_or_else(wall_clock))?;
            if g.read_only { Store::open(&path, Access::ReadOnly)? } else { store }
        }
        None => {
            let database = settings::database(g, &config.settings)?;
            let explicit = settings::named(&database);
            let path = database.value;
            if !path.exists() && (explicit || g.read_only) {
                return Err(bad(format!(
                    "no database at {}: create it with `ieops init` or fill it with `ieops demo`",
                    path.display()
                )));
            }
            if !explicit {
                ensure_default_dir(&path)?;
            }
            Store::open(&path, if g.read_only { Access::ReadOnly } else { Access::ReadWrite })?
        }
    };
    let result = crate::console::run(store, options);
    drop(demo_dir); // the demo's files go
    result.map_err(|e| CliError::Internal(format!("the terminal failed: {e}")))
}

/// The default data directory, private (0700, whatever the umask): the
/// database holds customers' addresses and BitLocker keys.
fn ensure_default_dir(path: &Path) -> Result<(), CliError> {
    use std::os::unix::fs::DirBuilderExt;
    if let Some(dir) = path.parent() {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|e| bad(format!("cannot create {}: {e}", visible(&dir.display().to_string()))))?;
    }
    Ok(())
}

/// Prints JSON or text; a closed pipe (`| head`) is not an error.
pub(crate) fn emit<J: serde::Serialize>(
    session: &Session,
    json: impl FnOnce() -> J,
    text: impl FnOnce() -> String,
) {
    if !session.json {
        return print(text().as_bytes());
    }
    let mut stdout = std::io::stdout().lock();
    let written = {
        // One compact document a command, one line: what scripts and jq read best.
        let value = json();
        let compact = serde_json::to_string(&value).unwrap_or_default();
        let written = stdout
            .write_all(crate::text::json_safe(&compact).as_bytes())
            .and_then(|()| stdout.write_all(b"\n"));
        // The process ends next: handing a large tree back to the allocator piece by piece buys nothing.
        std::mem::forget(value);
        written
    };
    checked(written.and_then(|()| stdout.flush()));
}

/// Writes to standard output, recording a failure for the exit code.
pub(crate) fn print(bytes: &[u8]) {
    let mut stdout = std::io::stdout().lock();
    checked(stdout.write_all(bytes).and_then(|()| stdout.flush()));
}

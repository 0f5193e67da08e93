//! The command line: parses arguments, opens the store, calls the domain and
//! prints. It holds no rules of its own.

mod args;
mod error;
mod help;
mod interop;
mod reads;
mod render;
mod table;
mod target;
mod writes;

use std::io::Write;
use std::path::{Path, PathBuf};
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
            let object = serde_json::json!({
                "error": {"code": exit as u8, "kind": exit.kind(), "message": message}
            });
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
    let Some(command) = cli.command else {
        return console(&g, cli.demo);
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
    let operator =
        operator(g.operator.as_deref(), if command.records_events() { None } else { Some("unknown") })?;
    let (path, explicit) = database_path(g.db.as_deref())?;
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
        Command::Completions { .. } | Command::Man => Ok(()), // answered above
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
fn console(g: &args::Global, demo: bool) -> Result<(), CliError> {
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
    let operator = operator(g.operator.as_deref(), anonymous)?;
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
            let (path, explicit) = database_path(g.db.as_deref())?;
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
    let options =
        crate::console::Options::new(operator, start, g.no_mouse, &crate::config::Settings::default())
            .map_err(bad)?;
    let result = crate::console::run(store, options);
    drop(demo_dir); // the demo's files go
    result.map_err(|e| CliError::Internal(format!("the terminal failed: {e}")))
}

/// `--operator`, else $USER, else $LOGNAME, else the OS account the process
/// runs as (a container or cron sets neither variable); if none is found,
/// `anonymous`, or an error where a name is required (commands that record events).
fn operator(given: Option<&str>, anonymous: Option<&str>) -> Result<String, CliError> {
    let name = given
        .map(str::to_string)
        .or_else(|| {
            ["USER", "LOGNAME"]
                .into_iter()
                .find_map(|var| std::env::var(var).ok().filter(|v| !v.trim().is_empty()))
        })
        .or_else(|| whoami::username().ok())
        .unwrap_or_default();
    let name = name.trim().to_string();
    if name.is_empty() {
        return anonymous.map(str::to_string).ok_or_else(|| {
            bad("no operator name: pass --operator NAME (or set USER); this account has no name to fall back on")
        });
    }
    // Control, bidi and zero-width characters would reorder or hide what
    // the audit log says about who did it.
    if name.chars().count() > 64 || name.chars().any(crate::text::is_hazard) {
        return Err(bad(format!(
            "the operator name (--operator, else USER, LOGNAME or the account's name) must be 1 to 64 printable characters (no control or direction marks): pass --operator NAME{}",
            if given.is_some() { "" } else { " or fix the variable" }
        )));
    }
    Ok(name)
}

/// `--db`, else $IEOPS_DB, else the XDG data directory. The flag says whether
/// the user named the path (we never create directories they named).
fn database_path(given: Option<&Path>) -> Result<(PathBuf, bool), CliError> {
    if let Some(p) = given {
        return Ok((p.to_path_buf(), true));
    }
    if let Some(p) = std::env::var_os("IEOPS_DB").filter(|p| !p.is_empty()) {
        return Ok((PathBuf::from(p), true));
    }
    let data = std::env::var_os("XDG_DATA_HOME")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .ok_or_else(|| bad("cannot find a data directory: pass --db PATH or set IEOPS_DB"))?;
    Ok((data.join("ieops").join("ieops.db"), false))
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

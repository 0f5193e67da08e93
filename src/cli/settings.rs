//! What each setting is and where it came from: a flag, an environment
//! variable, the settings file (`crate::config`), the account, or the
//! built-in default — in that order of precedence. Commands use the values;
//! `ieops config` shows them with their sources.

use std::path::PathBuf;

use serde::Serialize;

use super::args::Global;
use super::error::{CliError, bad};
use crate::config::{Config, Settings};

/// A value and where it came from ("--db", "$USER", "settings file", …).
#[derive(Debug, Clone, Serialize)]
pub struct Sourced<T> {
    pub value: T,
    pub source: &'static str,
}

fn from<T>(value: T, source: &'static str) -> Sourced<T> {
    Sourced { value, source }
}

/// `--db`, else $IEOPS_DB, else the settings file, else the XDG data
/// directory. Only the last is created when missing: a path the user named
/// is never made for them.
pub fn database(g: &Global, settings: &Settings) -> Result<Sourced<PathBuf>, CliError> {
    if let Some(p) = &g.db {
        return Ok(from(p.clone(), "--db"));
    }
    if let Some(p) = std::env::var_os("IEOPS_DB").filter(|p| !p.is_empty()) {
        return Ok(from(PathBuf::from(p), "$IEOPS_DB"));
    }
    if let Some(p) = &settings.database {
        return Ok(from(p.clone(), "settings file"));
    }
    crate::config::default_database()
        .map(|p| from(p, "default (the XDG data directory)"))
        .ok_or_else(|| bad("cannot find a data directory: pass --db PATH or set IEOPS_DB"))
}

/// Was the database named by the user (rather than the default)?
pub fn named(database: &Sourced<PathBuf>) -> bool {
    !database.source.starts_with("default")
}

/// `--operator`, else the settings file, else $USER, else $LOGNAME, else
/// the OS account the process runs as (a container or cron sets neither
/// variable); if none is found, `anonymous`, or an error where a name is
/// required (commands that record events).
pub fn operator(
    g: &Global,
    settings: &Settings,
    anonymous: Option<&str>,
) -> Result<Sourced<String>, CliError> {
    let env =
        |var: &'static str| std::env::var(var).ok().filter(|v| !v.trim().is_empty()).map(|v| from(v, var));
    let found = g
        .operator
        .clone()
        .map(|v| from(v, "--operator"))
        .or_else(|| settings.operator.clone().map(|v| from(v, "settings file")))
        .or_else(|| env("USER").map(|v| from(v.value, "$USER")))
        .or_else(|| env("LOGNAME").map(|v| from(v.value, "$LOGNAME")))
        .or_else(|| whoami::username().ok().map(|v| from(v, "the account's name")));
    let Some(found) = found.filter(|f| !f.value.trim().is_empty()) else {
        return anonymous.map(|a| from(a.to_string(), "anonymous")).ok_or_else(|| {
            bad("no operator name: pass --operator NAME (or set USER); this account has no name to fall back on")
        });
    };
    let name = found.value.trim().to_string();
    // Control, bidi and zero-width characters would reorder or hide what
    // the audit log says about who did it.
    if name.chars().count() > 64 || name.chars().any(crate::text::is_hazard) {
        return Err(bad(format!(
            "the operator name (from {}) must be 1 to 64 printable characters (no control or direction marks): {}",
            found.source,
            if found.source == "--operator" {
                "pass another --operator NAME"
            } else {
                "fix it, or pass --operator NAME"
            }
        )));
    }
    Ok(from(name, found.source))
}

/// Everything in force, for `ieops config`.
#[derive(Debug, Serialize)]
pub struct Effective {
    pub settings_file: Option<PathBuf>,
    pub database: Sourced<PathBuf>,
    pub operator: Sourced<String>,
    pub theme: Sourced<String>,
    pub refresh_ms: Sourced<u64>,
    pub mouse: Sourced<bool>,
    pub bell: Sourced<bool>,
    pub cycle_seconds: Sourced<u64>,
    /// Remapped keys: command name → key (the others are as `?` shows them).
    pub keys: Sourced<Vec<(String, String)>>,
    /// Colours per state, columns per view and saved filters, as the file has them.
    pub colors: Sourced<Vec<(String, String)>>,
    pub columns: Sourced<Vec<(String, Vec<String>)>>,
    pub filters: Sourced<Vec<(String, String)>>,
}

pub fn effective(g: &Global, config: &Config) -> Result<Effective, CliError> {
    let s = &config.settings;
    let file = |set: bool, default: &'static str| if set { "settings file" } else { default };
    // The console would refuse what is wrong in the file: say so here too.
    crate::console::Options::new(String::new(), None, g.no_mouse, s).map_err(|e| bad(config.about(e)))?;
    Ok(Effective {
        settings_file: config.file.clone(),
        database: database(g, s)?,
        operator: operator(g, s, Some("unknown"))?,
        theme: from(s.theme.clone().unwrap_or_else(|| "dark".into()), file(s.theme.is_some(), "default")),
        refresh_ms: from(
            s.refresh_ms.unwrap_or(crate::console::worker::POLL_MS),
            file(s.refresh_ms.is_some(), "default"),
        ),
        mouse: match (g.no_mouse, s.mouse) {
            (true, _) => from(false, "--no-mouse"),
            (false, Some(on)) => from(on, "settings file"),
            (false, None) => from(true, "default"),
        },
        bell: from(s.bell.unwrap_or(false), file(s.bell.is_some(), "default")),
        cycle_seconds: from(s.cycle_seconds.unwrap_or(0), file(s.cycle_seconds.is_some(), "default (off)")),
        keys: from(
            s.keys.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            file(!s.keys.is_empty(), "default (see ? in the console)"),
        ),
        colors: from(
            s.colors.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            file(!s.colors.is_empty(), "the theme's"),
        ),
        columns: from(
            s.columns.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            file(!s.columns.is_empty(), "each view's own"),
        ),
        filters: from(
            s.filters.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            file(!s.filters.is_empty(), "none saved"),
        ),
    })
}

/// `ieops config` as text: a line per setting, its value and its source.
pub fn text(e: &Effective) -> String {
    let shown = |p: &std::path::Path| crate::text::visible(&p.display().to_string()).into_owned();
    let file = match &e.settings_file {
        Some(path) => shown(path),
        None => format!(
            "none (would be read from {})",
            crate::config::path().map_or("nowhere: no home directory".into(), |p| shown(&p))
        ),
    };
    let pairs = |pairs: &[(String, String)], none: &str| match pairs.is_empty() {
        true => none.to_string(),
        false => pairs.iter().map(|(k, v)| format!("{k} = {v}")).collect::<Vec<_>>().join(", "),
    };
    let keys = pairs(&e.keys.value, "as built in");
    let colors = pairs(&e.colors.value, "as the theme has them");
    let filters = pairs(&e.filters.value, "-");
    let columns: Vec<(String, String)> =
        e.columns.value.iter().map(|(v, c)| (v.clone(), c.join(" "))).collect();
    let columns = pairs(&columns, "as each view ranks them");
    let rows = [
        ("database", shown(&e.database.value), e.database.source),
        ("operator", crate::text::visible(&e.operator.value).into_owned(), e.operator.source),
        ("theme", e.theme.value.clone(), e.theme.source),
        ("refresh-ms", e.refresh_ms.value.to_string(), e.refresh_ms.source),
        ("mouse", e.mouse.value.to_string(), e.mouse.source),
        ("bell", e.bell.value.to_string(), e.bell.source),
        ("cycle-seconds", e.cycle_seconds.value.to_string(), e.cycle_seconds.source),
        ("keys", crate::text::visible(&keys).into_owned(), e.keys.source),
        ("colors", crate::text::visible(&colors).into_owned(), e.colors.source),
        ("columns", crate::text::visible(&columns).into_owned(), e.columns.source),
        ("filters", crate::text::visible(&filters).into_owned(), e.filters.source),
    ];
    let mut out = format!("settings file  {file}\n");
    for (name, value, source) in rows {
        out.push_str(&format!("{name:<14} {value}  ({source})\n"));
    }
    out
}

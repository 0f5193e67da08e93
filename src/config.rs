//! The settings file: `config.toml` in the XDG config directory
//! (`~/.config/ieops/`, found by the `directories` crate), or the file
//! `$IEOPS_CONFIG` names. Every setting is optional; a flag or an
//! environment variable given for the same thing wins over the file, the
//! file over the built-in default. `ieops config` shows what is in force and
//! where each value came from.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// What the file may say. Unknown keys are refused (a typo would otherwise
/// be silently ignored).
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Settings {
    /// The database when neither `--db` nor `$IEOPS_DB` is given.
    pub database: Option<PathBuf>,
    /// Who is acting when `--operator` is not given (before $USER).
    pub operator: Option<String>,
    /// `dark` (the default), `light` or `high-contrast`.
    pub theme: Option<String>,
    /// How often the console looks for other processes' commits, 100–5000 ms.
    pub refresh_ms: Option<u64>,
    /// Whether the console takes the mouse (`--no-mouse` turns it off).
    pub mouse: Option<bool>,
    /// Wall screens (`--read-only`): ring the terminal bell when a new item
    /// enters the Attention view.
    pub bell: Option<bool>,
    /// Wall screens: show the next view every N seconds (0: never).
    pub cycle_seconds: Option<u64>,
    /// Keys by command name, e.g. `receive = "Ctrl-r"`.
    #[serde(default)]
    pub keys: BTreeMap<String, String>,
    /// Columns per view, most needed first, e.g. `drives = ["drive", "state", "job"]`.
    #[serde(default)]
    pub columns: BTreeMap<String, Vec<String>>,
    /// Colours per state, e.g. `Shipping = "light-blue"` (over the theme's).
    #[serde(default)]
    pub colors: BTreeMap<String, String>,
    /// Saved filters by name, applied with `:filter NAME`, e.g.
    /// `late = "state:shipping overdue"`.
    #[serde(default)]
    pub filters: BTreeMap<String, String>,
}

/// The settings and the file they came from, if one was read.
#[derive(Debug, Clone, Default)]
pub struct Config {
    pub file: Option<PathBuf>,
    pub settings: Settings,
}

impl Config {
    /// What the file says wrong, named after the file.
    pub fn about(&self, problem: String) -> String {
        match &self.file {
            Some(path) => format!("settings file {}: {problem}", shown(path)),
            None => problem,
        }
    }
}

/// Where the settings file is: `$IEOPS_CONFIG`, else the XDG config directory.
pub fn path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("IEOPS_CONFIG").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    directories::ProjectDirs::from("", "", "ieops").map(|dirs| dirs.config_dir().join("config.toml"))
}

/// Where the database is by default: the XDG data directory.
pub fn default_database() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "ieops").map(|dirs| dirs.data_dir().join("ieops.db"))
}

/// Reads the settings file. No file is no settings — at the default place
/// that includes a config directory this account may not enter (a process
/// run as another user under someone's HOME). A file that is there but
/// cannot be read or parsed is an error naming it (with the line, for TOML).
pub fn load() -> Result<Config, String> {
    let Some(path) = path() else { return Ok(Config::default()) };
    let explicit = std::env::var_os("IEOPS_CONFIG").is_some_and(|p| !p.is_empty());
    match std::fs::read_to_string(&path) {
        Ok(text) => parse(&path, &text).map(|settings| Config { file: Some(path), settings }),
        Err(e) if !explicit && e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
        // Not even its directory can be looked at: nothing of ours is there.
        Err(_) if !explicit && std::fs::symlink_metadata(&path).is_err() => Ok(Config::default()),
        Err(e) => Err(format!("cannot read the settings file {}: {e}", shown(&path))),
    }
}

/// The settings a file's text holds.
pub fn parse(path: &Path, text: &str) -> Result<Settings, String> {
    let settings: Settings = toml::from_str(text).map_err(|e| {
        let line = e.span().map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1);
        let at = line.map(|l| format!(" line {l}:")).unwrap_or_default();
        format!("settings file {}:{at} {}", shown(path), e.message())
    })?;
    if let Some(ms) = settings.refresh_ms.filter(|ms| !(100..=5000).contains(ms)) {
        return Err(format!("settings file {}: refresh-ms is 100 to 5000, not {ms}", shown(path)));
    }
    if let Some(s) = settings.cycle_seconds.filter(|s| *s > 86_400) {
        return Err(format!("settings file {}: cycle-seconds is 0 (off) to 86400, not {s}", shown(path)));
    }
    Ok(settings)
}

fn shown(path: &Path) -> String {
    crate::text::visible(&path.display().to_string()).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_setting_parses_and_unknown_keys_and_bad_values_are_refused_with_their_line() {
        let path = Path::new("config.toml");
        let text = "database = \"/srv/ieops.db\"\noperator = \"amara\"\ntheme = \"light\"\nrefresh-ms = 500\n\
                    mouse = false\nbell = true\ncycle-seconds = 20\n[keys]\nreceive = \"Ctrl-r\"\n\
                    [columns]\ndrives = [\"drive\", \"state\"]\n";
        let s = parse(path, text).expect("a valid file");
        assert_eq!(s.database.as_deref(), Some(Path::new("/srv/ieops.db")));
        assert_eq!(
            (s.refresh_ms, s.mouse, s.bell, s.cycle_seconds),
            (Some(500), Some(false), Some(true), Some(20))
        );
        assert_eq!(s.keys.get("receive").map(String::as_str), Some("Ctrl-r"));
        assert_eq!(s.columns["drives"], ["drive", "state"]);

        let typo = parse(path, "theme = \"dark\"\nrefresh_ms = 300\n").unwrap_err();
        assert!(typo.contains("unknown field `refresh_ms`, expected one of"), "{typo}");
        let bad = parse(path, "refresh-ms = 10\n").unwrap_err();
        assert_eq!(bad, "settings file config.toml: refresh-ms is 100 to 5000, not 10");
        let wrong = parse(path, "theme = \"dark\"\n\nmouse = \"yes\"\n").unwrap_err();
        assert!(wrong.starts_with("settings file config.toml: line 3:"), "{wrong}");
    }
}

//! Drives the real `ieops` binary against a temporary database.
#![allow(dead_code)] // each test binary uses a different part of this

use std::path::PathBuf;
use std::process::Output;

use assert_cmd::Command;
use tempfile::TempDir;

/// The fixed "now" of the CLI tests.
pub const NOW: &str = "2026-11-22T12:00:00Z";

/// A full set of `--set` pairs that lets a job ship (J4).
pub const SHIPPABLE: &[&str] = &[
    "--set",
    "deliveryPackage.carrierName=UPS",
    "--set",
    "deliveryPackage.trackingNumber=1Z999AA10123456784",
    "--set",
    "returnAddress.recipientName=Ada Lovelace",
    "--set",
    "returnAddress.streetAddress1=12 Marylebone Road",
    "--set",
    "returnAddress.city=London",
    "--set",
    "returnAddress.postalCode=NW1 5LR",
    "--set",
    "returnAddress.countryOrRegion=GB",
    "--set",
    "returnAddress.phone=+44 20 7946 0958",
];

pub struct Db {
    _dir: TempDir,
    pub path: PathBuf,
}

impl Db {
    /// An empty, initialised database.
    pub fn new() -> Db {
        let db = Db::uninitialised();
        db.ok(&["init"]);
        db
    }

    /// A path in a fresh directory where no database exists yet.
    pub fn uninitialised() -> Db {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("ieops.db");
        Db { _dir: dir, path }
    }

    pub fn cmd_at(&self, now: &str) -> Command {
        let mut cmd = Command::cargo_bin("ieops").expect("binary built");
        // The developer's own settings file is not the tests' business.
        cmd.env_remove("IEOPS_DB")
            .env_remove("IEOPS_CONFIG")
            .env("XDG_CONFIG_HOME", self.path.with_extension("config"));
        cmd.args(["--db"]).arg(&self.path).args(["--operator", "tester", "--now", now]);
        cmd
    }

    pub fn run_at(&self, now: &str, args: &[&str]) -> Output {
        self.cmd_at(now).args(args).output().expect("ieops runs")
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.run_at(NOW, args)
    }

    /// Runs and asserts success; returns stdout.
    pub fn ok_at(&self, now: &str, args: &[&str]) -> String {
        let out = self.run_at(now, args);
        assert!(
            out.status.success(),
            "ieops {args:?} failed ({:?}): {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn ok(&self, args: &[&str]) -> String {
        self.ok_at(NOW, args)
    }

    /// Runs, asserts the exit code and a one-line stderr; returns stderr.
    pub fn fails_at(&self, now: &str, code: i32, args: &[&str]) -> String {
        let out = self.run_at(now, args);
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(code), "ieops {args:?}: stderr {stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "one line expected, got: {stderr}");
        stderr
    }

    pub fn fails(&self, code: i32, args: &[&str]) -> String {
        self.fails_at(NOW, code, args)
    }

    /// The database file's bytes, to prove a refused command wrote nothing.
    pub fn bytes(&self) -> Vec<u8> {
        let wal = self.path.with_extension("db-wal");
        let mut bytes = std::fs::read(&self.path).expect("database file");
        if let Ok(w) = std::fs::read(wal) {
            bytes.extend(w);
        }
        bytes
    }

    /// `ieops show JOB --json` parsed.
    pub fn job(&self, name: &str) -> serde_json::Value {
        let out = self.ok(&["--json", "show", name]);
        serde_json::from_str(&out).expect("show --json is JSON")
    }

    pub fn state(&self, name: &str) -> String {
        self.job(name)["state"].as_str().unwrap_or_default().to_string()
    }

    /// Creates an import job with drives and ships it at `at`.
    pub fn shipping_import(&self, name: &str, drives: &[&str], at: &str) {
        let mut args = vec!["job", "create", name, "--type", "import"];
        for d in drives {
            args.extend(["--drive", d]);
        }
        self.ok_at(at, &args);
        let mut ship = vec!["act", name, "ship"];
        ship.extend(SHIPPABLE);
        self.ok_at(at, &ship);
    }
}

/// How to run ieops as a user without rights to the test's files: through
/// `setpriv` as `nobody` when we are root (root ignores file modes), as
/// ourselves otherwise. The binary is copied where any user may run it: the
/// build directory may sit under a home directory others cannot enter.
pub fn unprivileged_command() -> Vec<std::ffi::OsString> {
    use std::os::unix::fs::PermissionsExt;
    static COPY: std::sync::OnceLock<(TempDir, PathBuf)> = std::sync::OnceLock::new();
    let (_, binary) = COPY.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).expect("chmod dir");
        let path = dir.path().join("ieops");
        std::fs::copy(assert_cmd::cargo::cargo_bin("ieops"), &path).expect("copy the binary");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod binary");
        (dir, path)
    });
    let mut argv: Vec<std::ffi::OsString> = Vec::new();
    if is_root() {
        // util-linux's setpriv is on every machine of this project's kind.
        argv.extend(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"].map(Into::into));
    }
    argv.push(binary.clone().into_os_string());
    argv
}

pub fn is_root() -> bool {
    std::fs::metadata("/proc/self").map(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0).unwrap_or(false)
}

//! Read-only really is read-only: on a `chmod 444` database in a directory the
//! user cannot write, reads work, every write command exits 5 with a clear
//! message, and the file stays byte-for-byte the same.
//!
//! Root ignores file modes, so when the tests run as root the commands run as
//! `nobody` (through `setpriv`), the way an operator without rights would.

mod support;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};

use support::{Db, NOW};

/// Runs ieops as an unprivileged user when we are root.
fn run_unprivileged(db: &Path, args: &[&str]) -> Output {
    let argv = support::unprivileged_command();
    let mut cmd = Command::new(&argv[0]);
    cmd.args(&argv[1..])
        .env("HOME", "/nonexistent")
        .arg("--db")
        .arg(db)
        .args(["--operator", "watcher", "--now", NOW])
        .args(args);
    cmd.output().expect("ieops runs")
}

#[test]
fn a_write_protected_database_in_a_locked_directory_is_readable_and_never_written() {
    let db = Db::new();
    db.shipping_import("watched-job", &["D1", "D2"], NOW);
    let dir = db.path.parent().expect("dir").to_path_buf();
    std::fs::set_permissions(&db.path, std::fs::Permissions::from_mode(0o444)).expect("chmod file");
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o555)).expect("chmod dir");
    let before = std::fs::read(&db.path).expect("read");
    let listing_before: Vec<_> =
        std::fs::read_dir(&dir).expect("ls").flatten().map(|e| e.file_name()).collect();

    for args in [
        &["--read-only", "jobs"][..],
        &["--read-only", "show", "watched-job"],
        &["--read-only", "history", "watched-job"],
    ] {
        let out = run_unprivileged(&db.path, args);
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
    let shown = run_unprivileged(&db.path, &["--read-only", "show", "watched-job"]);
    assert!(String::from_utf8_lossy(&shown.stdout).contains("Shipping"));

    let writes: &[&[&str]] = &[
        &["--read-only", "act", "watched-job/D1", "receive"],
        &["--read-only", "act", "watched-job", "cancel"],
        &["--read-only", "job", "create", "another", "--type", "export"],
        &["--read-only", "arrival", "--carrier", "UPS", "--tracking", "1Z", "--drive", "D1"],
        &["--read-only", "sweep"],
        &["--read-only", "init"],
    ];
    for args in writes {
        let out = run_unprivileged(&db.path, args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(5), "{args:?}: {err}");
        assert!(err.contains("read-only"), "{err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    }
    // Without --read-only the user simply has no right to write: a clear error, nothing written.
    let out = run_unprivileged(&db.path, &["act", "watched-job/D1", "receive"]);
    assert_ne!(out.status.code(), Some(0), "wrote to a write-protected database");
    assert_eq!(String::from_utf8_lossy(&out.stderr).trim_end().lines().count(), 1);

    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).expect("restore dir");
    assert_eq!(std::fs::read(&db.path).expect("read"), before, "the database file changed");
    let listing_after: Vec<_> =
        std::fs::read_dir(&dir).expect("ls").flatten().map(|e| e.file_name()).collect();
    assert_eq!(listing_after, listing_before, "files appeared beside the database");
}

/// Issue 14: a supervisor's read (`--read-only`, a directory she may not
/// write) while operators write as another user always reads one whole
/// version: beside a writer through its -shm, or a private copy of the file
/// between writers, waiting for a writer between its commit and its close.
#[test]
fn reads_in_a_locked_directory_beside_other_users_writes_always_succeed() {
    if !support::is_root() {
        return; // the writers must be another user than the reader
    }
    let db = Db::new();
    // A file of some size: each writer's session and each copy take a while.
    db.ok(&["demo", "--jobs", "2000"]);
    db.shipping_import("watched-job", &["D1"], NOW);
    let dir = db.path.parent().expect("dir").to_path_buf();
    std::fs::set_permissions(&db.path, std::fs::Permissions::from_mode(0o644)).expect("chmod file");
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o555)).expect("chmod dir");
    let path = db.path.clone();
    let writer = std::thread::spawn(move || {
        for i in 0..60 {
            let out = assert_cmd::Command::cargo_bin("ieops")
                .expect("binary")
                .arg("--db")
                .arg(&path)
                .args(["--operator", "writer", "--now", NOW, "job", "create", &format!("job-{i}")])
                .args(["--type", "import", "--drive", &format!("W{i}")])
                .output()
                .expect("runs");
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        }
    });
    let mut reads = 0;
    while !writer.is_finished() {
        let out = run_unprivileged(&db.path, &["--read-only", "show", "watched-job"]);
        assert!(out.status.success(), "read {reads}: {}", String::from_utf8_lossy(&out.stderr));
        reads += 1;
    }
    writer.join().expect("writer");
    let out = run_unprivileged(&db.path, &["--read-only", "show", "job-59"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).expect("restore dir");
    assert!(reads > 0);
}

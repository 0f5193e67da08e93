//! Power cuts: `kill -9` in the middle of a large `demo --jobs` leaves a
//! database that opens, passes SQLite's integrity check, and holds all of
//! that work or none of it (one transaction, synchronous=FULL).

use std::process::Command;
use std::time::Duration;

use ieops::store::{Access, JobFilter, Store};

const JOBS: usize = 3_000;

fn total_jobs(store: &Store) -> usize {
    let active = store.jobs(&JobFilter::default()).expect("active jobs").len();
    let archived = store.jobs(&JobFilter { archived: true, ..JobFilter::default() }).expect("archived").len();
    active + archived
}

/// Waits until the write transaction is under way: a rollback journal exists
/// (the demo's bulk load) or the WAL holds megabytes of uncommitted pages, and
/// a moment more so rows are being written. Returns false if the process ended first.
fn wait_for_writing(
    child: &mut std::process::Child,
    path: &std::path::Path,
    wal_bytes: u64,
    settle: u64,
) -> bool {
    let wal = path.with_extension("db-wal");
    let journal = path.with_extension("db-journal");
    for _ in 0..20_000 {
        if journal.exists() || std::fs::metadata(&wal).is_ok_and(|m| m.len() > wal_bytes) {
            std::thread::sleep(Duration::from_millis(settle));
            return child.try_wait().ok().flatten().is_none();
        }
        if child.try_wait().ok().flatten().is_some() {
            return false;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    false
}

#[test]
fn kill_9_in_the_middle_of_the_demo_transaction_leaves_nothing() {
    let binary = assert_cmd::cargo::cargo_bin("ieops");
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("crash.db");
    let mut child = Command::new(&binary)
        .arg("--db")
        .arg(&path)
        .args(["--operator", "crash", "--now", "2026-11-22T12:00:00Z", "demo", "--jobs", "20000"])
        .spawn()
        .expect("spawn");
    let writing = wait_for_writing(&mut child, &path, 2_000_000, 300);
    let _ = child.kill();
    let _ = child.wait();
    assert!(writing, "the demo never reached its write transaction");
    let store = Store::open(&path, Access::ReadWrite).expect("the database opens after the crash");
    let conn = rusqlite::Connection::open(&path).expect("open");
    let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).expect("check");
    assert_eq!(check, "ok");
    assert_eq!(total_jobs(&store), 0, "uncommitted jobs survived the crash");
    assert_eq!(store.event_count().expect("events"), 0);
    // And the file is usable: the demo can now run to the end.
    drop(store);
    let out = Command::new(&binary)
        .arg("--db")
        .arg(&path)
        .args(["--operator", "crash", "--now", "2026-11-22T12:00:00Z", "demo", "--jobs", "50"])
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn kill_9_during_demo_keeps_all_or_nothing() {
    let binary = assert_cmd::cargo::cargo_bin("ieops");
    let mut outcomes = Vec::new();
    for delay_ms in [50u64, 150, 300, 600, 1_000, 2_000] {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("crash.db");
        let mut child = Command::new(&binary)
            .arg("--db")
            .arg(&path)
            .args(["--operator", "crash", "--now", "2026-11-22T12:00:00Z", "demo", "--jobs"])
            .arg(JOBS.to_string())
            .spawn()
            .expect("spawn");
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL: no destructor, no rollback, like a power cut
        let status = child.wait().expect("wait");
        if !path.exists() {
            outcomes.push((delay_ms, "not created yet"));
            continue;
        }
        let store = Store::open(&path, Access::ReadWrite).expect("the database opens after the crash");
        let conn = rusqlite::Connection::open(&path).expect("open");
        let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).expect("check");
        assert_eq!(check, "ok", "after kill at {delay_ms} ms");
        let jobs = total_jobs(&store);
        let events = store.event_count().expect("events");
        if status.success() {
            assert_eq!(jobs, JOBS);
            outcomes.push((delay_ms, "finished"));
        } else if jobs == 0 {
            assert_eq!(events, 0, "events without their jobs");
            outcomes.push((delay_ms, "none"));
        } else {
            assert_eq!(jobs, JOBS, "a partial demo after kill at {delay_ms} ms");
            outcomes.push((delay_ms, "all"));
        }
    }
    eprintln!("{outcomes:?}");
}

#[test]
fn kill_9_in_the_middle_of_a_large_import_leaves_nothing() {
    let binary = assert_cmd::cargo::cargo_bin("ieops");
    let dir = tempfile::tempdir().expect("temp dir");
    // A large file in the service's own shape: the export of a big demo.
    let source = dir.path().join("source.db");
    let run = |db: &std::path::Path, args: &[&str]| {
        Command::new(&binary)
            .arg("--db")
            .arg(db)
            .args(["--operator", "crash", "--now", "2026-11-22T12:00:00Z"])
            .args(args)
            .output()
            .expect("runs")
    };
    assert!(run(&source, &["demo", "--jobs", "20000"]).status.success());
    let exported = run(&source, &["export", "--list"]);
    assert!(exported.status.success());
    let file = dir.path().join("jobs.json");
    std::fs::write(&file, &exported.stdout).expect("write the file");

    let path = dir.path().join("target.db");
    assert!(run(&path, &["init"]).status.success());
    let before = std::fs::read(&path).expect("read");
    let mut child = Command::new(&binary)
        .arg("--db")
        .arg(&path)
        .args(["--operator", "crash", "--now", "2026-11-22T12:00:00Z", "import"])
        .arg(&file)
        .spawn()
        .expect("spawn");
    // The file is parsed first; the WAL grows once rows are written.
    let writing = wait_for_writing(&mut child, &path, 100_000, 0);
    let _ = child.kill();
    let _ = child.wait();
    assert!(writing, "the import never reached its write transaction");
    let store = Store::open(&path, Access::ReadWrite).expect("the database opens after the crash");
    let conn = rusqlite::Connection::open(&path).expect("open");
    let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).expect("check");
    assert_eq!(check, "ok");
    assert_eq!(total_jobs(&store), 0, "part of the import survived the crash");
    assert_eq!(store.event_count().expect("events"), 0);
    drop((store, conn));
    // Nothing of it is left behind: the file holds what it held before.
    let after = std::fs::read(&path).expect("read");
    assert_eq!(after.len(), before.len(), "the database grew with uncommitted work");
}

//! Several operators on one database: conflicting actions from four processes
//! at once either apply completely or are refused (rules: exit 3; stale read or
//! busy: exit 4). Nothing is lost: the audit log holds exactly the events of the
//! applied changes, the job's version counts them, and SQLite's integrity check
//! passes. A writer that holds the lock makes a command wait, then fail clearly.

mod support;

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use support::{Db, NOW};

const PROCESSES: usize = 4;
const ACTIONS_EACH: usize = 120;
const DRIVES: usize = 8;

/// One operator's action, chosen so that operators collide on the same items.
fn action(process: usize, step: usize) -> Vec<String> {
    let drive = format!("shared-job/D{}", (process + step) % DRIVES);
    let args: Vec<String> = match (process + step) % 5 {
        0 => vec![
            "act".into(),
            "shared-job".into(),
            "update".into(),
            "--set".into(),
            format!("returnAddress.city=City-{process}-{step}"),
        ],
        1 => {
            vec!["act".into(), drive, "fault".into(), "--set".into(), format!("reason=checked by {process}")]
        }
        2 => vec!["act".into(), drive, "resolve".into(), "--set".into(), "state=Specified".into()],
        3 => vec![
            "act".into(),
            "shared-job".into(),
            "update".into(),
            "--set".into(),
            format!("returnAddress.phone=+1 555 {process}{step:04}"),
        ],
        _ => vec!["act".into(), drive, "fault".into(), "--set".into(), "reason=second look".into()],
    };
    args
}

#[test]
fn four_operators_conflict_and_nothing_is_lost() {
    let db = Db::new();
    let drives: Vec<String> = (0..DRIVES).map(|i| format!("D{i}")).collect();
    let refs: Vec<&str> = drives.iter().map(String::as_str).collect();
    db.shipping_import("shared-job", &refs, NOW);
    let events_before = history_len(&db);
    let version_before = db.job("shared-job")["version"].as_i64().unwrap_or(-1);

    let applied_events = AtomicU64::new(0);
    let applied_changes = AtomicU64::new(0);
    let refused = AtomicU64::new(0);
    let stale_or_busy = AtomicU64::new(0);
    std::thread::scope(|scope| {
        for process in 0..PROCESSES {
            let db = &db;
            let (applied_events, applied_changes, refused, stale_or_busy) =
                (&applied_events, &applied_changes, &refused, &stale_or_busy);
            scope.spawn(move || {
                for step in 0..ACTIONS_EACH {
                    let args = action(process, step);
                    let mut full: Vec<&str> = vec!["--json"];
                    full.extend(args.iter().map(String::as_str));
                    let out =
                        db.cmd_at(NOW).args(&full).timeout(Duration::from_secs(60)).output().expect("runs");
                    match out.status.code() {
                        Some(0) => {
                            let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
                            let n = json["events"].as_array().map_or(0, Vec::len) as u64;
                            assert!(n > 0, "an applied change without events");
                            applied_events.fetch_add(n, Ordering::SeqCst);
                            applied_changes.fetch_add(1, Ordering::SeqCst);
                        }
                        Some(3) => {
                            refused.fetch_add(1, Ordering::SeqCst);
                        }
                        Some(4) => {
                            let err = String::from_utf8_lossy(&out.stderr);
                            assert!(err.contains("nothing was written"), "{err}");
                            stale_or_busy.fetch_add(1, Ordering::SeqCst);
                        }
                        other => {
                            panic!("{args:?} exited {other:?}: {}", String::from_utf8_lossy(&out.stderr))
                        }
                    }
                }
            });
        }
    });
    let applied = applied_changes.load(Ordering::SeqCst);
    assert_eq!(
        applied + refused.load(Ordering::SeqCst) + stale_or_busy.load(Ordering::SeqCst),
        (PROCESSES * ACTIONS_EACH) as u64
    );
    eprintln!(
        "applied {applied}, refused {}, stale or busy {}",
        refused.load(Ordering::SeqCst),
        stale_or_busy.load(Ordering::SeqCst)
    );
    assert!(applied > 0, "nothing applied at all");
    // Every applied change is in the audit log, once; nothing else is.
    assert_eq!(history_len(&db), events_before + applied_events.load(Ordering::SeqCst));
    // No lost update: the version moved once per applied change (S7).
    let version_after = db.job("shared-job")["version"].as_i64().unwrap_or(-1);
    assert_eq!(version_after - version_before, applied as i64);
    let conn = rusqlite::Connection::open(&db.path).expect("open");
    let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).expect("check");
    assert_eq!(check, "ok");
}

fn history_len(db: &Db) -> u64 {
    let json: serde_json::Value =
        serde_json::from_str(&db.ok(&["--json", "history", "shared-job"])).expect("json");
    json.as_array().map_or(0, Vec::len) as u64
}

#[test]
fn a_locked_database_makes_a_command_wait_then_fail_clearly() {
    let db = Db::new();
    db.shipping_import("locked-job", &["D1"], NOW);
    let before = db.bytes();
    let holder = rusqlite::Connection::open(&db.path).expect("open");
    holder.execute_batch("BEGIN IMMEDIATE").expect("take the write lock");
    let started = Instant::now();
    let out = db
        .cmd_at(NOW)
        .args(["act", "locked-job/D1", "receive"])
        .timeout(Duration::from_secs(60))
        .output()
        .expect("runs");
    let waited = started.elapsed();
    holder.execute_batch("ROLLBACK").expect("release");
    assert_eq!(out.status.code(), Some(4), "{}", String::from_utf8_lossy(&out.stderr));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("locked by another writer"), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1);
    // It waited for the busy timeout rather than failing at once, and did not hang.
    assert!(waited >= Duration::from_secs(4), "gave up after {waited:?}");
    drop(holder);
    assert_eq!(db.bytes(), before);
}

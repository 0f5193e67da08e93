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

/// Issue 13: two operators receive different drives of one job at the same
/// moment, 500 times over, each on their own connection (as two processes
/// have): every receipt is applied, none is refused as stale, because each
/// is decided on what its write transaction reads. The same drive received by
/// both goes through exactly once; the other is refused by its rule (D2).
#[test]
fn receipts_of_different_drives_of_one_job_never_conflict() {
    use ieops::domain::{Ctx, DriveAction, JobAction, JobType};
    use ieops::ops::{self, Ask, OpError};
    use ieops::store::{Access, Store};

    const ROUNDS: usize = 500;
    let db = Db::new();
    let now = chrono::DateTime::parse_from_rfc3339(NOW).expect("time").to_utc();
    let ctx = Ctx { operator: "setup", now, note: None };
    let mut store = Store::open(&db.path, Access::ReadWrite).expect("open");
    let fields: Vec<_> = support::SHIPPABLE
        .chunks(2)
        .filter_map(|pair| {
            let (key, value) = pair[1].split_once('=')?;
            ieops::domain::field::Field::parse(key)?.validate(value).ok()
        })
        .collect();
    for round in 0..ROUNDS {
        let (a, b) = (format!("A{round}"), format!("B{round}"));
        let name = format!("dock-{round}");
        ops::create(&mut store, &name, JobType::Import, &[a, b], &[], &ctx).expect("create");
        let ship = Ask::Job { job: name, action: JobAction::Ship(fields.clone()) };
        ops::act(&mut store, &[ship], &ctx, None).expect("ship");
    }
    drop(store);

    let receive = |drive: &str, round: usize| Ask::Drive {
        job: format!("dock-{round}"),
        drive_id: format!("{drive}{round}"),
        action: DriveAction::Receive,
    };
    let barrier = std::sync::Barrier::new(2);
    let outcomes: Vec<Vec<Result<usize, String>>> = std::thread::scope(|scope| {
        let workers: Vec<_> = ["A", "B"]
            .into_iter()
            .map(|drive| {
                let (barrier, path) = (&barrier, &db.path);
                scope.spawn(move || {
                    let mut store = Store::open(path, Access::ReadWrite).expect("open");
                    let ctx = Ctx { operator: drive, now, note: None };
                    (0..ROUNDS)
                        .map(|round| {
                            barrier.wait();
                            ops::act(&mut store, &[receive(drive, round)], &ctx, None)
                                .map(|d| d.steps().len())
                                .map_err(|e| e.to_string())
                        })
                        .collect()
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().expect("worker")).collect()
    });
    for results in &outcomes {
        let failed: Vec<&String> = results.iter().filter_map(|r| r.as_ref().err()).collect();
        assert!(failed.is_empty(), "{} of {ROUNDS} refused, e.g. {:?}", failed.len(), failed.first());
    }
    // Every job took both drives: J8 fired once per job, on whichever came second.
    let store = Store::open(&db.path, Access::ReadOnly).expect("open");
    for round in [0, ROUNDS / 2, ROUNDS - 1] {
        let job = store.job(&format!("dock-{round}")).expect("read").expect("job");
        assert_eq!(job.state, ieops::domain::JobState::Received, "dock-{round}");
    }
    let consequences: usize = outcomes.iter().flatten().map(|r| r.as_ref().map_or(0, |n| n - 1)).sum();
    assert_eq!(consequences, ROUNDS, "one J8 per job");

    // The same drive by both: exactly one receipt, the other refused by D2.
    let mut store = Store::open(&db.path, Access::ReadWrite).expect("open");
    let ctx = Ctx { operator: "setup", now, note: None };
    ops::create(&mut store, "same-drive", JobType::Import, &["S1".into(), "S2".into()], &[], &ctx)
        .expect("create");
    let ship = Ask::Job { job: "same-drive".into(), action: JobAction::Ship(fields.clone()) };
    ops::act(&mut store, &[ship], &ctx, None).expect("ship");
    drop(store);
    let same = Ask::Drive { job: "same-drive".into(), drive_id: "S1".into(), action: DriveAction::Receive };
    let results: Vec<Result<ops::Decided, OpError>> = std::thread::scope(|scope| {
        let workers: Vec<_> = ["ana", "jonas"]
            .into_iter()
            .map(|who| {
                let (barrier, path, same) = (&barrier, &db.path, &same);
                scope.spawn(move || {
                    let mut store = Store::open(path, Access::ReadWrite).expect("open");
                    barrier.wait();
                    ops::act(
                        &mut store,
                        std::slice::from_ref(same),
                        &Ctx { operator: who, now, note: None },
                        None,
                    )
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().expect("worker")).collect()
    });
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1, "{results:?}");
    let refusal = results.iter().find_map(|r| r.as_ref().err()).map(ToString::to_string).unwrap_or_default();
    assert!(refusal.contains("already Received") && refusal.contains("D2"), "{refusal}");
}

/// Issue 14: a writer in rollback-journal mode — `ieops demo`'s bulk load, or
/// another `init` of a new file — makes a command wait for it, not exit 4 at
/// once: turning such a file to WAL escalates a read lock, which SQLite
/// refuses without calling the busy handler.
#[test]
fn a_write_beside_a_rollback_journal_writer_waits_for_it() {
    let hold = Duration::from_millis(1500);
    for (setup, args) in [(true, &["sweep"][..]), (false, &["init"][..])] {
        let db = if setup { Db::new() } else { Db::uninitialised() };
        let holder = rusqlite::Connection::open(&db.path).expect("open");
        holder.query_row("PRAGMA journal_mode = DELETE", [], |_| Ok(())).expect("rollback journal");
        holder.execute_batch("BEGIN IMMEDIATE").expect("take the write lock");
        let release = std::thread::spawn(move || {
            std::thread::sleep(hold);
            holder.execute_batch("COMMIT").expect("release");
        });
        let started = Instant::now();
        let out = db.cmd_at(NOW).args(args).timeout(Duration::from_secs(60)).output().expect("runs");
        let waited = started.elapsed();
        release.join().expect("holder");
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(waited >= hold, "{args:?} finished after {waited:?}, before the lock was released");
    }
}

//! `ieops sweep` over the 100,000-job database (target: under 2 s), the
//! release binary end to end. The demo data is already swept at its own
//! time, so the sweep runs 30 days later (`--now 2026-12-22T12:00:00Z`),
//! when C1, C3 and C7 have real work: a dry run on the shared database, and
//! a real sweep on a fresh copy each sample (the copy is made untimed).
//! In-process benchmarks split the time as `ieops sweep` spends it: reading
//! the candidates, deciding, writing (`Store::write`), and the
//! checkpoint when the store is dropped.
//!
//! `cargo bench --bench sweep`

mod support;

use std::path::Path;
use std::process::{Command, Output, Stdio};

use divan::Bencher;

use ieops::domain::sweep::sweep_job;
use ieops::store::{Access, JobFilter, Store};

/// 30 days after the demo's time.
const LATER: &str = "2026-12-22T12:00:00Z";

fn later() -> ieops::domain::Timestamp {
    support::now() + chrono::Duration::days(30)
}

fn sweep(db: &Path, now: &str, dry_run: bool) -> Output {
    let mut cmd = Command::new(support::ieops());
    cmd.arg("--db").arg(db).args(["--operator", "bench", "--now", now, "sweep"]);
    if dry_run {
        cmd.arg("--dry-run");
    }
    let output = cmd.env_remove("IEOPS_DB").stdin(Stdio::null()).output().expect("run ieops sweep");
    assert!(output.status.success(), "ieops sweep failed: {}", String::from_utf8_lossy(&output.stderr));
    output
}

fn first_line(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).lines().next().unwrap_or_default().to_string()
}

fn main() {
    eprintln!("machine: {}", support::machine());
    let db = support::database();
    println!("at the demo's time ({}): {}", support::NOW, first_line(&sweep(&db, support::NOW, true)));
    println!("30 days later ({LATER}), dry run: {}", first_line(&sweep(&db, LATER, true)));
    {
        let store = Store::open(&db, Access::ReadOnly).expect("open read-only");
        let candidates = store.sweep_candidates(later()).expect("candidates").len();
        let active = store.jobs(&JobFilter::default()).expect("jobs").len();
        println!("sweep candidates 30 days later: {candidates} of {active} active jobs");
    }
    let (_dir, copy) = support::copy_of_database();
    println!("30 days later ({LATER}), real: {}", first_line(&sweep(&copy, LATER, false)));
    println!("the same copy swept again: {}", first_line(&sweep(&copy, LATER, false)));
    divan::main();
}

/// `ieops sweep --dry-run` at +30 days: reads and decides, writes nothing.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn sweep_dry_run(bencher: Bencher) {
    let db = support::database();
    bencher.bench_local(|| sweep(&db, LATER, true));
}

/// `ieops sweep` at +30 days on a fresh copy: reads, decides and commits
/// every change with its audit events in one transaction. Ten samples: the
/// closest target to its limit on a machine whose speed drifts (BENCHMARKS.md).
#[divan::bench(sample_count = 10, sample_size = 1)]
fn sweep_real(bencher: Bencher) {
    bencher.with_inputs(support::copy_of_database).bench_local_values(|(dir, copy)| {
        sweep(&copy, LATER, false);
        dir
    });
}

/// In process: the read the sweep starts with, the jobs whose C1, C3 or C7
/// may have passed (`Store::sweep_candidates`), with their drives.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn read_candidates(bencher: Bencher) {
    let db = support::database();
    let store = Store::open(&db, Access::ReadOnly).expect("open read-only");
    bencher.bench_local(|| store.sweep_candidates(later()).expect("candidates"));
}

/// In process, for comparison: every active job with its drives (`Store::jobs`,
/// what the sweep read before `sweep_candidates`).
#[divan::bench(sample_count = 5, sample_size = 1)]
fn read_active_jobs(bencher: Bencher) {
    let db = support::database();
    let store = Store::open(&db, Access::ReadOnly).expect("open read-only");
    bencher.bench_local(|| store.jobs(&JobFilter::default()).expect("jobs"));
}

/// In process: deciding (`sweep_job`) for every candidate, already in memory.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn decide_candidates(bencher: Bencher) {
    let db = support::database();
    let store = Store::open(&db, Access::ReadOnly).expect("open read-only");
    let now = later();
    let jobs = store.sweep_candidates(now).expect("candidates");
    bencher.bench_local(|| jobs.iter().filter_map(|j| sweep_job(j, now)).count());
}

/// A fresh copy opened as `ieops sweep` opens it, with every change decided
/// (untimed): the write alone is timed, in one transaction as the CLI does.
fn decided_on_copy() -> (tempfile::TempDir, Store, Vec<(ieops::domain::Job, ieops::domain::Change)>) {
    let (dir, copy) = support::copy_of_database();
    let store = Store::open(&copy, Access::ReadWrite).expect("open the copy");
    let now = later();
    let decided = store
        .sweep_candidates(now)
        .expect("candidates")
        .into_iter()
        .filter_map(|job| sweep_job(&job, now).map(|change| (job, change)))
        .collect();
    (dir, store, decided)
}

/// What `ieops sweep` writes: each change over the job it was decided on.
fn write_decided(store: &mut Store, decided: &[(ieops::domain::Job, ieops::domain::Change)]) {
    store
        .write(|w| decided.iter().try_for_each(|(before, change)| w.apply_over(before, change)))
        .expect("sweep commits");
}

/// In process: writing the sweep's changes (13,188 jobs at +30 days) in one
/// transaction with `Store::write` and `Writer::apply_over`, as the CLI does; the checkpoint when
/// the store is dropped is not included (see `checkpoint_after_write`).
#[divan::bench(sample_count = 3, sample_size = 1)]
fn write_changes(bencher: Bencher) {
    bencher.with_inputs(decided_on_copy).bench_local_values(|(dir, mut store, changes)| {
        write_decided(&mut store, &changes);
        (dir, store)
    });
}

/// In process: the PASSIVE checkpoint `ieops sweep` takes when its store is
/// dropped, after the write above (untimed): the sweep's WAL copied into the file.
#[divan::bench(sample_count = 3, sample_size = 1)]
fn checkpoint_after_write(bencher: Bencher) {
    bencher
        .with_inputs(|| {
            let (dir, mut store, changes) = decided_on_copy();
            write_decided(&mut store, &changes);
            let wal =
                std::fs::metadata(format!("{}-wal", store.path().display())).map(|m| m.len()).unwrap_or(0);
            eprintln!("WAL after the sweep's write: {:.1} MiB", wal as f64 / 1024.0 / 1024.0);
            (dir, store)
        })
        .bench_local_values(|(dir, store)| {
            store.checkpoint().expect("checkpoint");
            (dir, store)
        });
}

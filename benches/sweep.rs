//! `ieops sweep` over the 100,000-job database (target: under 2 s), the
//! release binary end to end. The demo data is already swept at its own
//! time, so the sweep runs 30 days later (`--now 2026-12-22T12:00:00Z`),
//! when C1, C3 and C7 have real work: a dry run on the shared database, and
//! a real sweep on a fresh copy each sample (the copy is made untimed).
//! In-process benchmarks split the time as `ieops sweep` spends it: its
//! transaction (candidates read a chunk at a time, decided, written), with
//! the read and the decisions alone beside it, and the checkpoint when the
//! store is dropped.
//!
//! `cargo bench --bench sweep`

mod support;

use std::path::Path;
use std::process::{Command, Output, Stdio};

use divan::Bencher;

use ieops::domain::sweep::sweep_job;
use ieops::store::{Access, JobFilter, SWEEP_CHUNK, Store};

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

/// In process: reading the sweep's candidates alone, all at once: the jobs
/// whose C1, C3 or C7 may have passed (`Store::sweep_candidates`), with
/// their drives.
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

/// A fresh copy opened as `ieops sweep` opens it (untimed).
fn opened_copy() -> (tempfile::TempDir, Store) {
    let (dir, copy) = support::copy_of_database();
    (dir, Store::open(&copy, Access::ReadWrite).expect("open the copy"))
}

/// What `ieops sweep` does in its transaction: candidates a chunk at a time,
/// each decided and written over the job it was decided on.
fn sweep_in_process(store: &mut Store) -> usize {
    let now = later();
    let mut changed = 0;
    store
        .write(|w| {
            w.for_each_sweep_chunk(now, SWEEP_CHUNK, |w, jobs| {
                for job in &jobs {
                    if let Some(change) = sweep_job(job, now) {
                        w.apply_over(job, &change)?;
                        changed += 1;
                    }
                }
                Ok(())
            })
        })
        .expect("sweep commits");
    changed
}

/// In process: the sweep's transaction (13,188 jobs changed at +30 days):
/// reading the candidates, deciding and writing, as the CLI does; the
/// checkpoint when the store is dropped is not included (see
/// `checkpoint_after_write`).
#[divan::bench(sample_count = 3, sample_size = 1)]
fn read_decide_write(bencher: Bencher) {
    bencher.with_inputs(opened_copy).bench_local_values(|(dir, mut store)| {
        sweep_in_process(&mut store);
        (dir, store)
    });
}

/// In process: the PASSIVE checkpoint `ieops sweep` takes when its store is
/// dropped, after the write above (untimed): the sweep's WAL copied into the file.
#[divan::bench(sample_count = 3, sample_size = 1)]
fn checkpoint_after_write(bencher: Bencher) {
    bencher
        .with_inputs(|| {
            let (dir, mut store) = opened_copy();
            sweep_in_process(&mut store);
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

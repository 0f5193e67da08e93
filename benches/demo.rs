//! `ieops demo --jobs 100000` (target: under 15 s), the release binary end to
//! end into a new file, then where the time goes: the same load in process
//! with timers on the storing thread (the generator runs on another).
//!
//! `cargo bench --bench demo`

mod support;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use divan::Bencher;

use ieops::demo::{Record, ScriptError, generate_alongside, generate_each};
use ieops::store::{Access, Store, StoreError};

fn main() {
    eprintln!("machine: {}", support::machine());
    divan::main();
    breakdown();
}

/// The release binary: `ieops --db NEW --now 2026-11-22T12:00:00Z demo --jobs 100000`.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn demo_100k_jobs(bencher: Bencher) {
    bencher
        .with_inputs(|| {
            tempfile::Builder::new().prefix("demo-run-").tempdir_in(support::scratch_dir()).expect("dir")
        })
        .bench_local_values(|dir| {
            let status = Command::new(support::ieops())
                .arg("--db")
                .arg(dir.path().join("ieops.db"))
                .args(["--operator", "bench", "--now", support::NOW, "demo", "--jobs"])
                .arg(support::JOBS.to_string())
                .env_remove("IEOPS_DB")
                .stdout(Stdio::null())
                .status()
                .expect("run ieops demo");
            assert!(status.success(), "ieops demo failed: {status}");
            dir
        });
}

/// The generator alone: every job and arrival made and dropped, nothing stored.
#[divan::bench(sample_count = 3, sample_size = 1)]
fn generate_only(bencher: Bencher) {
    bencher.bench_local(|| {
        let mut records = 0usize;
        generate_each(support::JOBS, support::now(), support::DEMO_SEED, |record| {
            divan::black_box(&record);
            records += 1;
            Ok::<(), ScriptError>(())
        })
        .expect("the demo scripts are accepted");
        records
    });
}

enum Failure {
    Store(StoreError),
    Script(ScriptError),
}

impl From<ScriptError> for Failure {
    fn from(e: ScriptError) -> Self {
        Failure::Script(e)
    }
}

/// What `ieops demo` does (`fill_demo` in src/cli/writes.rs: the generator on
/// its own thread, streamed into `Store::bulk_load`), with timers on the
/// storing thread: the row inserts, the time spent waiting for the generator,
/// and the rest (secondary indexes built at the end, the commit).
fn breakdown() {
    let dir =
        tempfile::Builder::new().prefix("demo-breakdown-").tempdir_in(support::scratch_dir()).expect("dir");
    let path = dir.path().join("ieops.db");
    let started = Instant::now();
    let mut store = Store::open(&path, Access::ReadWrite).expect("create the database");
    let opened = started.elapsed();
    let mut inserting = Duration::ZERO;
    let mut inside = Duration::ZERO;
    let loaded = Instant::now();
    store
        .bulk_load(|w| {
            let begun = Instant::now();
            let result = generate_alongside(support::JOBS, support::now(), support::DEMO_SEED, |record| {
                let t = Instant::now();
                let stored = match record {
                    Record::Job(job, events) => w.insert_job(job, events).map(drop),
                    Record::Arrival(arrival, events) => w.insert_arrival(arrival, events).map(drop),
                };
                inserting += t.elapsed();
                stored.map_err(Failure::Store)
            });
            inside = begun.elapsed();
            match result {
                Ok(()) => Ok(()),
                Err(Failure::Store(e)) => Err(e),
                Err(Failure::Script(e)) => Err(StoreError::Sqlite(e.to_string())),
            }
        })
        .expect("the demo loads");
    let load = loaded.elapsed();
    let total = started.elapsed();
    let s = |d: Duration| format!("{:>6.2} s", d.as_secs_f64());
    println!();
    println!("where the time of a 100,000-job demo goes (in process, one run):");
    println!("  create and migrate the file        {}", s(opened));
    println!("  waiting for the generator          {}", s(inside.saturating_sub(inserting)));
    println!("  row inserts (jobs, drives, audit)  {}", s(inserting));
    println!("  indexes built at the end + commit  {}", s(load.saturating_sub(inside)));
    println!("  total                              {}", s(total));
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    println!("  file size                          {:.0} MiB", size as f64 / 1024.0 / 1024.0);
}

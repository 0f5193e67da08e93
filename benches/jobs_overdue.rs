//! `ieops jobs --state shipping --overdue --json` against the plain `sqlite3`
//! shell running the same query on the same file (target: ieops within 2×
//! sqlite3), measured side by side in one run. Both are whole processes with
//! their output read through a pipe.
//!
//! The SQL is the store's own (`src/store/read.rs`, `jobs` with the state and
//! overdue filters): the jobs, then the drives of those jobs in one query,
//! here with every column (`j.*`, `d.*`) and printed as JSON (`-json`).
//!
//! `sqlite3` is not a dependency of ieops: install it for the comparison
//! (`apt-get install -y sqlite3`); without it the comparison is skipped.
//!
//! `cargo bench --bench jobs_overdue`

mod support;

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use divan::Bencher;
use serde_json::Value;

thread_local! {
    static SAMPLES: RefCell<BTreeMap<&'static str, Vec<Duration>>> = const { RefCell::new(BTreeMap::new()) };
}

/// The store's filter (`job_filter` in src/store/read.rs) for `--state shipping --overdue` at NOW.
fn filter_sql() -> String {
    format!(
        "j.archived_at IS NULL AND j.state = 'Shipping' AND j.unknown_state IS NULL \
         AND j.state = 'Shipping' AND j.unknown_state IS NULL AND j.unknown_job_type IS NULL \
         AND j.wait_until <= '{}'",
        support::NOW
    )
}

fn sqlite3_sql() -> String {
    let filter = filter_sql();
    format!(
        "SELECT j.* FROM jobs j WHERE {filter} ORDER BY j.name, j.id;\n\
         SELECT d.job_id, d.* FROM drives d JOIN jobs j ON j.id = d.job_id WHERE {filter} \
         ORDER BY d.job_id, d.rowid;"
    )
}

fn sqlite3_available() -> bool {
    Command::new("sqlite3").arg("-version").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok()
}

fn run_ieops(db: &Path) -> Output {
    let output = Command::new(support::ieops())
        .arg("--db")
        .arg(db)
        .args(["--now", support::NOW, "--json", "jobs", "--state", "shipping", "--overdue"])
        .env_remove("IEOPS_DB")
        .stdin(Stdio::null())
        .output()
        .expect("run ieops");
    assert!(output.status.success(), "ieops jobs failed: {}", String::from_utf8_lossy(&output.stderr));
    output
}

fn run_sqlite3(db: &Path, sql: &str) -> Output {
    let output = Command::new("sqlite3")
        .args(["-readonly", "-json"])
        .arg(db)
        .arg(sql)
        .stdin(Stdio::null())
        .output()
        .expect("run sqlite3");
    assert!(output.status.success(), "sqlite3 failed: {}", String::from_utf8_lossy(&output.stderr));
    output
}

fn main() {
    eprintln!("machine: {}", support::machine());
    let db = support::database();
    // The same rows, counted from each program's output.
    let jobs: Value = serde_json::from_slice(&run_ieops(&db).stdout).expect("ieops prints JSON");
    let jobs = jobs.as_array().expect("a JSON array of jobs");
    let drives: usize = jobs.iter().map(|j| j["driveList"].as_array().map_or(0, Vec::len)).sum();
    println!("ieops jobs --state shipping --overdue --json: {} jobs, {drives} drives", jobs.len());
    if sqlite3_available() {
        let version = Command::new("sqlite3").arg("-version").output().expect("sqlite3 -version").stdout;
        let out = run_sqlite3(&db, &sqlite3_sql()).stdout;
        let arrays: Vec<Value> = serde_json::Deserializer::from_slice(&out)
            .into_iter::<Value>()
            .map(|v| v.expect("JSON"))
            .collect();
        let count = |i: usize| arrays.get(i).and_then(Value::as_array).map_or(0, Vec::len);
        println!(
            "sqlite3 {}: {} job rows, {} drive rows",
            String::from_utf8_lossy(&version).split_whitespace().next().unwrap_or("?"),
            count(0),
            count(1)
        );
        println!("sqlite3 SQL:\n{}", sqlite3_sql());
    } else {
        println!("sqlite3 not found: the comparison is skipped (apt-get install -y sqlite3)");
    }
    divan::main();
    report();
    if sqlite3_available() {
        interleaved(&db);
    }
}

/// The fairest comparison on a shared machine: the two programs alternately,
/// so any background load falls on both alike.
fn interleaved(db: &Path) {
    const PAIRS: usize = 40;
    let sql = sqlite3_sql();
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for _ in 0..PAIRS {
        let started = Instant::now();
        run_ieops(db);
        ours.push(started.elapsed());
        let started = Instant::now();
        run_sqlite3(db, &sql);
        theirs.push(started.elapsed());
    }
    let (_, ours_p50, _, _) = support::summary(&ours);
    let (_, theirs_p50, _, _) = support::summary(&theirs);
    let ours_min = ours.iter().min().copied().unwrap_or_default();
    let theirs_min = theirs.iter().min().copied().unwrap_or_default();
    println!();
    println!("interleaved, {PAIRS} pairs (ieops, then sqlite3, then ieops …):");
    println!("  ieops    p50 {:>11}  min {:>11}", support::ms(ours_p50), support::ms(ours_min));
    println!("  sqlite3  p50 {:>11}  min {:>11}", support::ms(theirs_p50), support::ms(theirs_min));
    println!(
        "  ieops / sqlite3: {:.2}× by medians, {:.2}× by minimums (target: at most 2×)",
        ours_p50.as_secs_f64() / theirs_p50.as_secs_f64(),
        ours_min.as_secs_f64() / theirs_min.as_secs_f64()
    );
}

fn timed(kind: &'static str, f: impl FnOnce() -> Output) -> Output {
    let started = Instant::now();
    let output = f();
    let took = started.elapsed();
    SAMPLES.with(|s| s.borrow_mut().entry(kind).or_default().push(took));
    output
}

/// The release binary, end to end (process start, open read-only, query, JSON out).
#[divan::bench(sample_count = 40, sample_size = 1)]
fn ieops_json(bencher: Bencher) {
    let db = support::database();
    bencher.bench_local(|| timed("ieops --json jobs --state shipping --overdue", || run_ieops(&db)));
}

/// The `sqlite3` shell running the store's query on the same file, JSON out.
#[divan::bench(sample_count = 40, sample_size = 1)]
fn sqlite3_json(bencher: Bencher) {
    if !sqlite3_available() {
        eprintln!("sqlite3 not found: skipped (apt-get install -y sqlite3)");
        return;
    }
    let db = support::database();
    let sql = sqlite3_sql();
    bencher.bench_local(|| timed("sqlite3 -json (the same query)", || run_sqlite3(&db, &sql)));
}

/// Breakdown: the same command printing the table instead of JSON (the same read).
#[divan::bench(sample_count = 40, sample_size = 1)]
fn ieops_table_instead_of_json(bencher: Bencher) {
    let db = support::database();
    bencher.bench_local(|| {
        let output = Command::new(support::ieops())
            .arg("--db")
            .arg(&db)
            .args(["--now", support::NOW, "jobs", "--state", "shipping", "--overdue"])
            .env_remove("IEOPS_DB")
            .stdin(Stdio::null())
            .output()
            .expect("run ieops");
        assert!(output.status.success());
        output
    });
}

/// Baselines: starting each program and doing nothing.
#[divan::bench(sample_count = 40, sample_size = 1)]
fn ieops_start_only(bencher: Bencher) {
    bencher
        .bench_local(|| Command::new(support::ieops()).arg("--version").output().expect("ieops --version"));
}

#[divan::bench(sample_count = 40, sample_size = 1)]
fn sqlite3_start_only(bencher: Bencher) {
    if !sqlite3_available() {
        return;
    }
    bencher.bench_local(|| Command::new("sqlite3").arg("-version").output().expect("sqlite3 -version"));
}

/// In process: the store's read alone (`Store::jobs`, both queries and the rows mapped to jobs).
#[divan::bench(sample_count = 40, sample_size = 1)]
fn store_jobs_in_process(bencher: Bencher) {
    use ieops::domain::JobState;
    use ieops::store::{Access, JobFilter, Store};
    let db = support::database();
    let store = Store::open(&db, Access::ReadOnly).expect("open read-only");
    let filter =
        JobFilter { state: Some(JobState::Shipping), overdue_at: Some(support::now()), archived: false };
    bencher.bench_local(|| store.jobs(&filter).expect("jobs"));
}

fn report() {
    println!();
    println!("side by side, same run (p50 / mean / min of every sample):");
    let mut medians = Vec::new();
    SAMPLES.with(|s| {
        for (kind, samples) in s.borrow().iter() {
            let (n, p50, _, _) = support::summary(samples);
            let mean = samples.iter().sum::<Duration>() / n.max(1) as u32;
            let min = samples.iter().min().copied().unwrap_or_default();
            println!(
                "  {kind:<48} n={n:<4} p50 {:>11}  mean {:>11}  min {:>11}",
                support::ms(p50),
                support::ms(mean),
                support::ms(min)
            );
            medians.push(p50);
        }
    });
    if let [ieops, sqlite3] = medians[..] {
        println!(
            "  ieops / sqlite3 (medians): {:.2}× (target: at most 2×)",
            ieops.as_secs_f64() / sqlite3.as_secs_f64()
        );
    }
}

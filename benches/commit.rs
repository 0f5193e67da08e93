//! One action committed on the 100,000-job database (target: p99 under
//! 5 ms): a change decided by the domain (`decide`), written with its audit
//! events in one IMMEDIATE transaction by `Store::write(|w| w.apply(&change))`
//! — what the console's worker does on a confirmed action — on a connection
//! opened as the console opens it (WAL, `synchronous = FULL`). Works on a
//! copy of the database. Each sample is one commit; every sample is also
//! recorded here and p50/p99/max printed after divan's table.
//!
//! `cargo bench --bench commit`

mod support;

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use divan::Bencher;

use ieops::domain::{Action, Change, Ctx, DriveAction, DriveState, JobState, Request, TargetKind, decide};
use ieops::store::{Access, JobFilter, Store};

struct Bench {
    _dir: tempfile::TempDir,
    path: PathBuf,
    store: Store,
    /// (job, drive) pairs still Specified in Shipping jobs, in name order.
    to_receive: Vec<(String, String)>,
    /// Creating jobs, for `update`.
    creating: Vec<String>,
    next: usize,
}

thread_local! {
    static BENCH: RefCell<Option<Bench>> = const { RefCell::new(None) };
    static SAMPLES: RefCell<BTreeMap<&'static str, Vec<Duration>>> = const { RefCell::new(BTreeMap::new()) };
}

fn main() {
    eprintln!("machine: {}", support::machine());
    with_bench(|b| {
        let journal: String = rusqlite::Connection::open(&b.path)
            .and_then(|c| c.query_row("PRAGMA journal_mode", [], |r| r.get(0)))
            .expect("journal mode");
        eprintln!(
            "copy of the benchmark database at {}: journal_mode={journal}, synchronous=FULL \
             (set on every read-write connection, src/store/open.rs); \
             {} Specified drives of Shipping jobs, {} Creating jobs",
            b.path.display(),
            b.to_receive.len(),
            b.creating.len()
        );
    });
    divan::main();
    println!();
    println!("one action committed, every sample (p99 by nearest rank):");
    println!("{:<44} {:>6} {:>11} {:>11} {:>11}", "action", "n", "p50", "p99", "max");
    SAMPLES.with(|s| {
        for (kind, samples) in s.borrow().iter() {
            let (n, p50, p99, max) = support::summary(samples);
            println!(
                "{kind:<44} {n:>6} {:>11} {:>11} {:>11}",
                support::ms(p50),
                support::ms(p99),
                support::ms(max)
            );
            let slow: Vec<String> = samples
                .iter()
                .enumerate()
                .filter(|(_, d)| **d > Duration::from_millis(2))
                .map(|(i, d)| format!("#{i} {:.1}", d.as_secs_f64() * 1e3))
                .collect();
            println!("    samples over 2 ms (sample #, ms): {}", slow.join(", "));
        }
    });
    with_bench(|b| {
        let events: i64 = b.store.event_count().map(|n| n as i64).unwrap_or(-1);
        println!("audit events in the copy after the run: {events}");
        // Off the commit path now (no automatic checkpoint inside a commit): the
        // WAL the commits left, and one PASSIVE checkpoint of it, as the console
        // takes when idle and a command when its store is dropped.
        let wal = std::fs::metadata(format!("{}-wal", b.path.display())).map(|m| m.len()).unwrap_or(0);
        let started = Instant::now();
        b.store.checkpoint().expect("checkpoint");
        println!(
            "WAL after the commits: {:.1} MiB; one PASSIVE checkpoint of it (not a commit): {}",
            wal as f64 / 1024.0 / 1024.0,
            support::ms(started.elapsed())
        );
    });
}

impl Bench {
    fn open() -> Bench {
        let (dir, path) = support::copy_of_database();
        let store = Store::open(&path, Access::ReadWrite).expect("open the copy as the console does");
        let shipping = store.jobs(&JobFilter { state: Some(JobState::Shipping), ..JobFilter::default() });
        let to_receive = shipping
            .expect("Shipping jobs")
            .iter()
            .flat_map(|j| {
                j.drives
                    .iter()
                    .filter(|d| d.state == DriveState::Specified)
                    .map(|d| (j.name.clone(), d.drive_id.clone()))
                    .collect::<Vec<_>>()
            })
            .collect();
        let creating = store
            .jobs(&JobFilter { state: Some(JobState::Creating), ..JobFilter::default() })
            .expect("Creating jobs")
            .into_iter()
            .map(|j| j.name)
            .collect();
        Bench { _dir: dir, path, store, to_receive, creating, next: 0 }
    }

    fn ctx(&self) -> Ctx<'static> {
        Ctx { operator: "bench", now: support::now(), note: Some("benchmark") }
    }

    /// D2: receive the next Specified drive of a Shipping job (the last one of
    /// a job also moves the job to Received, J8).
    fn next_receive(&mut self) -> Change {
        loop {
            let (name, drive_id) = self.to_receive[self.next % self.to_receive.len()].clone();
            self.next += 1;
            let job = self.store.job(&name).expect("read").expect("the job exists");
            let request = Request::Drive { drive_id, action: DriveAction::Receive };
            if let Ok(change) = decide(&job, &request, &self.ctx()) {
                return change;
            }
        }
    }

    /// J3: update a field of a Creating job.
    fn next_update(&mut self) -> Change {
        let name = self.creating[self.next % self.creating.len()].clone();
        self.next += 1;
        let job = self.store.job(&name).expect("read").expect("the job exists");
        let sets = [("customerNote".to_string(), format!("benchmark note {}", self.next))];
        let Ok(Action::Job(action)) = Action::parse(TargetKind::Job, "update", &sets) else {
            panic!("update parses")
        };
        decide(&job, &Request::Job(action), &self.ctx()).expect("update is allowed in Creating")
    }
}

fn with_bench<R>(f: impl FnOnce(&mut Bench) -> R) -> R {
    BENCH.with(|cell| f(cell.borrow_mut().get_or_insert_with(Bench::open)))
}

fn commit(kind: &'static str, change: Change) {
    with_bench(|b| {
        let started = Instant::now();
        b.store.write(|w| w.apply(&change)).expect("the change commits");
        let took = started.elapsed();
        SAMPLES.with(|s| s.borrow_mut().entry(kind).or_default().push(took));
    });
}

/// `receive` of one drive (D2; J8 when it is the job's last): the dock's everyday action.
#[divan::bench(sample_count = 500, sample_size = 1)]
fn receive_drive(bencher: Bencher) {
    bencher
        .with_inputs(|| with_bench(Bench::next_receive))
        .bench_local_values(|change| commit("receive a drive (D2, J8)", change));
}

/// `update` of a job field (J3).
#[divan::bench(sample_count = 500, sample_size = 1)]
fn update_job(bencher: Bencher) {
    bencher
        .with_inputs(|| with_bench(Bench::next_update))
        .bench_local_values(|change| commit("update a job field (J3)", change));
}

//! Console start to first full frame on the 100,000-job database (target:
//! under 200 ms), and the time until the Jobs/Drives and Archive views are
//! filled by the worker's scans that follow it.
//!
//! `cargo bench --bench first_frame`

mod support;

use divan::Bencher;

use support::Console;

fn main() {
    eprintln!("machine: {}", support::machine());
    let db = support::database();
    let console = support::loaded_console(&db);
    let m = &console.model;
    eprintln!(
        "loaded: {} active jobs, {} drives of active jobs, {} archived jobs, {} attention items, {} full jobs held",
        m.data.jobs.len(),
        m.data.drives.len(),
        m.data.archive.len(),
        m.attention.len(),
        m.data.full.len()
    );
    drop(console);
    divan::main();
    first_frame_breakdown(&db);
}

/// Where the time of the first frame goes: each part of `first_frame`
/// (open, the parts of `worker::overview`, `update`, the frame) timed on its
/// own, each run on a freshly opened store as the console's; medians of 15.
fn first_frame_breakdown(db: &std::path::Path) {
    use std::time::{Duration, Instant};

    use ieops::console::data::{Overview, RECENT_EVENTS};
    use ieops::console::model::Model;
    use ieops::console::msg::Msg;
    use ieops::console::update::update;
    use ieops::store::{Access, Store};
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    const RUNS: usize = 15;
    let names = [
        "open the store (read-write)",
        "counts (pulse strip)",
        "attention_candidates (full jobs)",
        "arrivals",
        "recent_events (2,000)",
        "last_event_id",
        "update(Overview)",
        "one frame (TestBackend 160×45)",
    ];
    let mut took: Vec<Vec<Duration>> = vec![Vec::new(); names.len()];
    for _ in 0..RUNS {
        let mut lap = Instant::now();
        let mut mark = |i: usize| {
            took[i].push(lap.elapsed());
            lap = Instant::now();
        };
        let store = Store::open(db, Access::ReadWrite).expect("open");
        store.trim_cache().expect("the worker's page cache");
        mark(0);
        let counts = store.counts().expect("counts");
        mark(1);
        let candidates = store.attention_candidates(support::now()).expect("candidates");
        mark(2);
        let arrivals = store.arrivals(false).expect("arrivals");
        mark(3);
        let events = store.recent_events(RECENT_EVENTS).expect("events");
        mark(4);
        let last_event_id = store.last_event_id().expect("last event");
        mark(5);
        let overview = Overview { counts, candidates, arrivals, events, last_event_id };
        let mut model = Model::new(support::config(db), support::now());
        let _ = update(&mut model, Msg::Overview(Box::new(overview)));
        mark(6);
        let mut terminal = Terminal::new(TestBackend::new(support::COLS, support::ROWS)).expect("terminal");
        terminal.draw(|frame| ieops::console::view::view(&model, frame)).expect("frame");
        mark(7);
    }
    println!();
    println!("first frame by part (each on a freshly opened store), median of {RUNS}:");
    let mut total = Duration::ZERO;
    for (name, samples) in names.iter().zip(&took) {
        let (_, p50, _, max) = support::summary(samples);
        total += p50;
        println!("  {name:<36} {:>11}  (max {:>11})", support::ms(p50), support::ms(max));
    }
    println!("  {:<36} {:>11}", "sum of the medians", support::ms(total));
}

/// Open the store, the first read (`worker::overview`), `update(Overview)`,
/// one frame (TestBackend 160×45). Everything is dropped after the timing.
#[divan::bench(sample_count = 30, sample_size = 1)]
fn start_to_first_full_frame(bencher: Bencher) {
    let db = support::database();
    bencher.bench_local(|| support::first_frame(&db));
}

/// The first read alone (what the worker sends before anything else).
#[divan::bench(sample_count = 30, sample_size = 1)]
fn overview_read(bencher: Bencher) {
    let db = support::database();
    let store = ieops::store::Store::open(&db, ieops::store::Access::ReadWrite).expect("open");
    store.trim_cache().expect("the worker's page cache");
    bencher.bench_local(|| ieops::console::worker::overview(&store, support::now()).expect("first read"));
}

/// After the first frame: the worker's streaming scan of every active job
/// (`worker::tables`), `update(Rows)` (sorting and filtering every view) and
/// the next frame: when the Jobs and Drives views are filled.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn jobs_and_drives_filled(bencher: Bencher) {
    let db = support::database();
    bencher.with_inputs(|| support::first_frame(&db)).bench_local_values(|mut console: Console| {
        support::fill_tables(&mut console);
        console
    });
}

/// Then the archive scan (`worker::archive`), `update(Archive)` and a frame:
/// when the Archive view is filled.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn archive_filled(bencher: Bencher) {
    let db = support::database();
    bencher
        .with_inputs(|| {
            let mut console = support::first_frame(&db);
            support::fill_tables(&mut console);
            console
        })
        .bench_local_values(|mut console: Console| {
            support::fill_archive(&mut console);
            console
        });
}

/// The worker's scan alone, without `update` (page cache trimmed, as the worker's).
#[divan::bench(sample_count = 5, sample_size = 1)]
fn tables_scan_only(bencher: Bencher) {
    let db = support::database();
    let store = ieops::store::Store::open(&db, ieops::store::Access::ReadWrite).expect("open");
    store.trim_cache().expect("trim the page cache");
    bencher.bench_local(|| ieops::console::worker::tables(&store, support::now()));
}

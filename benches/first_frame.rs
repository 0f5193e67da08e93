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

/// The worker's scan alone, without `update`.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn tables_scan_only(bencher: Bencher) {
    let db = support::database();
    let store = ieops::store::Store::open(&db, ieops::store::Access::ReadWrite).expect("open");
    bencher.bench_local(|| ieops::console::worker::tables(&store, support::now()));
}

//! Any keystroke to its frame on the fully loaded 100,000-job console
//! (target: p99 under 16 ms). Each sample is one key through the runtime's
//! path — `key_message`, `update`, one `view` render (TestBackend 160×45) —
//! timed by divan and also recorded here, so the p50/p99/max of every kind
//! of keystroke are printed after divan's table. The database reads a key
//! asks for (the selected job, its history) are the worker's, off the UI
//! thread: they run between samples, untimed, and the detail pane's are
//! reported on their own ("detail filled").
//!
//! `cargo bench --bench keystrokes`

mod support;

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent};
use divan::Bencher;

use ieops::console::data::Changed;
use ieops::console::filter::Filter;
use ieops::console::model::View;
use ieops::console::msg::Msg;
use ieops::console::rows;
use ieops::console::update::update;
use ieops::domain::Job;
use ieops::domain::sweep::sweep_job;
use support::{Console, ch, key};

const VIEWS: &[&str] = &["Attention", "Jobs", "Drives", "Audit", "Archive"];
const FILTER: &str = "state:shipping overdue";

thread_local! {
    /// The loaded console, shared by every benchmark (divan runs them on the main thread).
    static CONSOLE: RefCell<Option<Console>> = const { RefCell::new(None) };
    /// Every timed keystroke, by kind.
    static SAMPLES: RefCell<BTreeMap<String, Vec<Duration>>> = const { RefCell::new(BTreeMap::new()) };
    /// The filter text a timed character completes, for the per-character report.
    static LAST_TYPED: RefCell<Option<String>> = const { RefCell::new(None) };
    static BY_TEXT: RefCell<BTreeMap<String, Vec<Duration>>> = const { RefCell::new(BTreeMap::new()) };
    /// Position in a benchmark's cycle of keys.
    static STEP: RefCell<usize> = const { RefCell::new(0) };
}

fn main() {
    eprintln!("machine: {}", support::machine());
    with_console(|c| {
        let m = &c.model;
        eprintln!(
            "loaded console: {} active jobs, {} drives, {} archived, {} attention items, {} audit events held",
            m.data.jobs.len(),
            m.data.drives.len(),
            m.data.archive.len(),
            m.attention.len(),
            m.data.events.len()
        );
    });
    divan::main();
    report();
    filter_every_view_breakdown();
    live_refresh_a_sweep();
}

fn with_console<R>(f: impl FnOnce(&mut Console) -> R) -> R {
    CONSOLE.with(|cell| {
        let mut slot = cell.borrow_mut();
        let console = slot.get_or_insert_with(|| {
            let db = support::database();
            let started = Instant::now();
            let console = support::loaded_console(&db);
            eprintln!("console loaded in {:.2} s", started.elapsed().as_secs_f64());
            console
        });
        f(console)
    })
}

fn record(kind: String, took: Duration) {
    if let Some(typed) = LAST_TYPED.with(|t| t.borrow_mut().take()) {
        BY_TEXT.with(|s| s.borrow_mut().entry(typed).or_default().push(took));
    }
    SAMPLES.with(|s| s.borrow_mut().entry(kind).or_default().push(took));
}

/// Presses keys as one timed keystroke (the frame is drawn after each key).
fn timed(console: &mut Console, kind: String, keys: &[KeyEvent]) {
    let started = Instant::now();
    for k in keys {
        support::press(console, *k);
    }
    record(kind, started.elapsed());
}

/// Untimed: the worker's reads for the last key, then keys to set up the next sample.
fn untimed(console: &mut Console, keys: &[KeyEvent]) {
    support::settle(console);
    for k in keys {
        support::press(console, *k);
        support::settle(console);
    }
}

fn step() -> usize {
    STEP.with(|s| {
        let mut s = s.borrow_mut();
        *s += 1;
        *s - 1
    })
}

fn view_named(name: &str) -> View {
    *View::ALL.iter().find(|v| v.title() == name).expect("a view name")
}

fn digit(view: View) -> KeyEvent {
    ch(char::from(b'1' + view.index() as u8))
}

/// A clean start in `view`: no input line, no filter, no detail, cursor at the top.
fn start_in(view: View) {
    STEP.with(|s| *s.borrow_mut() = 0);
    with_console(|c| {
        support::settle(c);
        if c.model.input.is_some() {
            untimed(c, &[key(KeyCode::Esc)]);
        }
        if c.model.detail {
            untimed(c, &[ch('d')]);
        }
        if !c.model.filter.is_empty() {
            untimed(c, &[key(KeyCode::Esc)]);
        }
        untimed(c, &[digit(view), ch('g')]);
        assert_eq!(c.model.view, view);
    });
}

/// A benchmark whose samples are single keys; `next` gives each sample's
/// untimed set-up keys, its timed keys and its kind.
fn keys(bencher: Bencher, mut next: impl FnMut(&Console, usize) -> (Vec<KeyEvent>, Vec<KeyEvent>, String)) {
    bencher
        .with_inputs(|| {
            with_console(|c| {
                let (setup, keys, kind) = next(c, step());
                untimed(c, &setup);
                (keys, kind)
            })
        })
        .bench_local_values(|(keys, kind): (Vec<KeyEvent>, String)| {
            with_console(|c| timed(c, kind, &keys));
        });
}

/// `j`: one row down.
#[divan::bench(args = VIEWS, sample_count = 200, sample_size = 1)]
fn move_down_j(bencher: Bencher, view: &str) {
    let view = view_named(view);
    start_in(view);
    keys(bencher, |_, _| (vec![], vec![ch('j')], format!("j (down) · {}", view.title())));
}

/// `k`: one row up, from 300 rows down.
#[divan::bench(args = VIEWS, sample_count = 200, sample_size = 1)]
fn move_up_k(bencher: Bencher, view: &str) {
    let view = view_named(view);
    start_in(view);
    with_console(|c| untimed(c, &[key(KeyCode::PageDown); 30]));
    keys(bencher, |_, _| (vec![], vec![ch('k')], format!("k (up) · {}", view.title())));
}

/// PgDn: one page down.
#[divan::bench(args = VIEWS, sample_count = 200, sample_size = 1)]
fn page_down(bencher: Bencher, view: &str) {
    let view = view_named(view);
    start_in(view);
    keys(bencher, |_, _| (vec![], vec![key(KeyCode::PageDown)], format!("PgDn · {}", view.title())));
}

/// `1`–`5`: switch to the view, from the one before it.
#[divan::bench(args = VIEWS, sample_count = 100, sample_size = 1)]
fn switch_view(bencher: Bencher, view: &str) {
    let view = view_named(view);
    start_in(view);
    let from = View::ALL[(view.index() + View::ALL.len() - 1) % View::ALL.len()];
    keys(bencher, move |_, _| {
        (vec![digit(from)], vec![digit(view)], format!("{} (switch to {})", view.index() + 1, view.title()))
    });
}

/// Typing `/state:shipping overdue`, Enter, then Esc (clears the filter),
/// one key a sample, over and over. Live filtering: every character filters
/// the view again; Enter applies the filter to every view, Esc lifts it.
#[divan::bench(args = ["Jobs", "Drives"], sample_count = 240, sample_size = 1)]
fn filter_typing(bencher: Bencher, view: &str) {
    let view = view_named(view);
    start_in(view);
    let mut cycle: Vec<(KeyEvent, String)> = vec![(ch('/'), "'/' opens the filter".into())];
    cycle.extend(FILTER.chars().map(|c| (ch(c), "a filter character".into())));
    let typed: Vec<String> = (0..=FILTER.len()).map(|n| FILTER[..n].to_string()).collect();
    cycle.push((key(KeyCode::Enter), "Enter (filter every view)".into()));
    cycle.push((key(KeyCode::Esc), "Esc (lift the filter)".into()));
    keys(bencher, move |_, i| {
        let position = i % cycle.len();
        let (k, what) = &cycle[position];
        if (1..=FILTER.len()).contains(&position) {
            // Also by the text typed so far, to find the costly characters.
            LAST_TYPED
                .with(|t| *t.borrow_mut() = Some(format!("{} · \"/{}\"", view.title(), typed[position])));
        }
        (vec![], vec![*k], format!("filter · {} · {what}", view.title()))
    });
}

/// `s`: sort by the next column (cycling through all), and `S`: reverse.
#[divan::bench(args = ["Jobs", "Drives"], sample_count = 60, sample_size = 1)]
fn sort(bencher: Bencher, view: &str) {
    let view = view_named(view);
    start_in(view);
    keys(bencher, move |c, i| {
        let columns = rows::sort_columns(view);
        if i % 2 == 0 {
            let next = columns[(c.model.sort().column + 1) % columns.len()];
            (vec![], vec![ch('s')], format!("s (sort) · {} · by {next}", view.title()))
        } else {
            (vec![], vec![ch('S')], format!("S (reverse) · {}", view.title()))
        }
    });
}

/// `d`: open the detail pane on a row (a new row each time), then close it.
/// The job and its history are read by the worker after the key's frame:
/// that read and the frame it makes are recorded as "detail filled".
#[divan::bench(args = ["Attention", "Jobs", "Drives"], sample_count = 100, sample_size = 1)]
fn detail(bencher: Bencher, view: &str) {
    let view = view_named(view);
    start_in(view);
    bencher
        .with_inputs(|| {
            with_console(|c| {
                if c.model.detail {
                    // Opened by the last sample: the worker reads the job and its history.
                    let started = Instant::now();
                    support::settle(c);
                    record(
                        format!("detail filled (worker read + frame) · {}", view.title()),
                        started.elapsed(),
                    );
                    format!("d (close detail) · {}", view.title())
                } else {
                    untimed(c, &[ch('j')]);
                    format!("d (open detail) · {}", view.title())
                }
            })
        })
        .bench_local_values(|kind: String| with_console(|c| timed(c, kind, &[ch('d')])));
}

/// Not a key: the one-second tick (countdowns, the attention queue again)
/// on the UI thread, with no filter and with a filter submitted.
#[divan::bench(args = ["no filter", "filter"], sample_count = 20, sample_size = 1)]
fn tick(bencher: Bencher, filter: &str) {
    with_filter(filter);
    bencher.bench_local(|| {
        with_console(|c| {
            let started = Instant::now();
            let now = c.model.now + chrono::Duration::seconds(1);
            let effects = update(&mut c.model, Msg::Tick(now));
            c.pending.extend(effects);
            support::draw(c);
            record(format!("tick (every second; not a key) · {filter}"), started.elapsed());
        })
    });
}

/// Not a key: live refresh on the UI thread when another operator changed
/// one job (`update(Changed)` with that job read again, and the frame).
#[divan::bench(args = ["no filter", "filter"], sample_count = 20, sample_size = 1)]
fn live_refresh_one_job(bencher: Bencher, filter: &str) {
    with_filter(filter);
    bencher
        .with_inputs(|| {
            with_console(|c| {
                support::settle(c);
                let rows = &c.model.data.jobs;
                let name = rows[(step() * 7919) % rows.len()].name.clone();
                let job = c.store.job(&name).expect("read").expect("the job exists");
                Changed {
                    counts: c.store.counts().expect("counts"),
                    jobs: vec![job],
                    arrivals: None,
                    events: Vec::new(),
                    last_event_id: c.model.data.last_event_id,
                }
            })
        })
        .bench_local_values(|changed: Changed| {
            with_console(|c| {
                let started = Instant::now();
                let effects = update(&mut c.model, Msg::Changed(Box::new(changed)));
                c.pending.extend(effects);
                support::draw(c);
                record(format!("live refresh, one job changed (not a key) · {filter}"), started.elapsed());
            })
        });
}

/// Jobs view, with `/state:shipping overdue` submitted or with no filter.
fn with_filter(filter: &str) {
    start_in(View::Jobs);
    if filter != "no filter" {
        with_console(|c| {
            let mut keys = vec![ch('/')];
            keys.extend(FILTER.chars().map(ch));
            keys.push(key(KeyCode::Enter));
            untimed(c, &keys);
        });
    }
}

/// Where the time of Enter in the filter goes: each view filtered on its own.
fn filter_every_view_breakdown() {
    with_console(|c| {
        let filter = Filter::parse(FILTER).expect("the filter parses");
        c.model.filter = filter;
        println!();
        println!("Enter (filter every view) by view, `rows::ensure_filtered` with {FILTER:?}:");
        for view in View::ALL {
            // A filter the new one does not narrow: every row is looked at again.
            c.model.filtered_with[view.index()] = Filter::parse("~unrelated~").expect("parses");
            let started = Instant::now();
            rows::ensure_filtered(&mut c.model, view);
            let took = started.elapsed();
            println!(
                "  {:<10} {:>11}  ({} of {} rows pass)",
                view.title(),
                support::ms(took),
                rows::count(&c.model, view),
                c.model.order[view.index()].len()
            );
        }
        c.model.filter = Filter::default();
        rows::refilter_all(&mut c.model);
    });
}

fn report() {
    println!();
    println!("keystroke to frame, every sample (p99 by nearest rank):");
    println!("{:<62} {:>6} {:>11} {:>11} {:>11}", "kind", "n", "p50", "p99", "max");
    let mut all: Vec<Duration> = Vec::new();
    let mut worst: Vec<(Duration, String)> = Vec::new();
    SAMPLES.with(|s| {
        for (kind, samples) in s.borrow().iter() {
            let (n, p50, p99, max) = support::summary(samples);
            println!(
                "{kind:<62} {n:>6} {:>11} {:>11} {:>11}",
                support::ms(p50),
                support::ms(p99),
                support::ms(max)
            );
            let is_key = !kind.contains("not a key") && !kind.starts_with("detail filled");
            if is_key {
                all.extend_from_slice(samples);
                worst.push((max, kind.clone()));
            }
        }
    });
    let (n, p50, p99, max) = support::summary(&all);
    println!(
        "{:<62} {n:>6} {:>11} {:>11} {:>11}",
        "ALL KEYSTROKES",
        support::ms(p50),
        support::ms(p99),
        support::ms(max)
    );
    worst.sort_by_key(|w| std::cmp::Reverse(w.0));
    for (max, kind) in worst.iter().take(5) {
        println!("slowest: {} — {kind}", support::ms(*max));
    }
    println!();
    println!("the costliest filter characters (max over the cycles), by the text they complete:");
    let mut chars: Vec<(Duration, Duration, String)> = BY_TEXT.with(|s| {
        s.borrow()
            .iter()
            .map(|(text, samples)| {
                let (_, p50, _, max) = support::summary(samples);
                (max, p50, text.clone())
            })
            .collect()
    });
    chars.sort_by_key(|c| std::cmp::Reverse(c.0));
    for (max, p50, text) in chars.iter().take(8) {
        println!("  {text:<44} p50 {:>11}  max {:>11}", support::ms(*p50), support::ms(*max));
    }
}

/// Not a key: an open console taking in a sweep run elsewhere, the 30-day
/// backlog (13,188 jobs changed at once), then the jobs as they were (untimed),
/// five times; `update(Changed)` and the frame.
fn live_refresh_a_sweep() {
    with_console(|c| {
        support::settle(c);
        let later = support::now() + chrono::Duration::days(30);
        let (as_they_were, swept): (Vec<Job>, Vec<Job>) = c
            .store
            .sweep_candidates(later)
            .expect("candidates")
            .into_iter()
            .filter_map(|job| sweep_job(&job, later).map(|change| (job, change.job)))
            .unzip();
        let counts = c.store.counts().expect("counts");
        let changed = |jobs: &[Job], c: &Console| Changed {
            counts: counts.clone(),
            jobs: jobs.to_vec(),
            arrivals: None,
            events: Vec::new(),
            last_event_id: c.model.data.last_event_id,
        };
        let mut took = Vec::new();
        for _ in 0..5 {
            let msg = Msg::Changed(Box::new(changed(&swept, c)));
            let started = Instant::now();
            let effects = update(&mut c.model, msg);
            support::draw(c);
            took.push(started.elapsed());
            c.pending.extend(effects);
            let msg = Msg::Changed(Box::new(changed(&as_they_were, c)));
            let effects = update(&mut c.model, msg);
            c.pending.extend(effects);
            support::settle(c);
        }
        let (n, p50, _, max) = support::summary(&took);
        println!();
        println!(
            "live refresh, a sweep of {} jobs seen by an open console (not a key): n={n} p50 {} max {}",
            swept.len(),
            support::ms(p50),
            support::ms(max)
        );
    });
}

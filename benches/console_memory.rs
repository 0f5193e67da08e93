//! Memory of the console on the 100,000-job database (target: under 150 MB
//! resident), measured two ways, each once (a figure, not a distribution):
//!
//! 1. The real console: the release `ieops` in a pseudo-terminal (160×45),
//!    its screen parsed by a terminal emulator. Once the Archive tab shows
//!    its count (everything loaded), the resident set of the process is read
//!    from /proc/PID/status: VmRSS (now) and VmHWM (the peak so far). Then
//!    the operator's usual keys (Drives view, a filter, a sort) and again.
//!    The same run gives the real start-up times seen on the terminal: the
//!    first output (terminal set up), the first full frame, the Jobs/Drives
//!    views filled, the Archive filled.
//! 2. In process: this (fresh) bench process loads the model exactly as the
//!    console does and reads its own /proc/self/status, before and after.
//!
//! `cargo bench --bench console_memory`

mod support;

use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

/// How many times the real console is started.
const RUNS: usize = 10;

/// One start of the real console: when each stage showed on the terminal, and its memory.
struct Run {
    /// The first bytes the console wrote (the terminal set up, before any data).
    output: Option<Duration>,
    first: Option<Duration>,
    tables: Option<Duration>,
    archive: Option<Duration>,
    loaded: Option<(u64, u64)>,
    used: Option<(u64, u64)>,
}

fn summarize(runs: &[Run]) {
    let stage = |name: &str, get: &dyn Fn(&Run) -> Option<Duration>| {
        let samples: Vec<Duration> = runs.iter().filter_map(get).collect();
        let (n, p50, _, max) = support::summary(&samples);
        let min = samples.iter().min().copied().unwrap_or_default();
        println!(
            "  {name:<38} n={n}  median {:>11}  min {:>11}  max {:>11}",
            support::ms(p50),
            support::ms(min),
            support::ms(max)
        );
    };
    println!();
    println!(
        "real console, {} starts (release binary in a 160×45 pty), from spawning the process:",
        runs.len()
    );
    stage("first output on the terminal", &|r| r.output);
    stage("first full frame on the terminal", &|r| r.first);
    stage("Jobs and Drives views filled", &|r| r.tables);
    stage("Archive view filled (all loaded)", &|r| r.archive);
    let mem = |name: &str, get: &dyn Fn(&Run) -> Option<(u64, u64)>| {
        let rss = runs.iter().filter_map(get).map(|m| m.0).max().unwrap_or(0);
        let hwm = runs.iter().filter_map(get).map(|m| m.1).max().unwrap_or(0);
        println!(
            "  {name:<38} VmRSS {:>11}   VmHWM (peak) {:>11}   (largest of the starts)",
            support::mib(rss),
            support::mib(hwm)
        );
    };
    mem("loaded, 1 s later", &|r| r.loaded);
    mem("after Drives, a filter, a sort, detail", &|r| r.used);
}

/// Giving up on a console that never shows its data (not a timing target).
const PATIENCE: Duration = Duration::from_secs(120);

fn main() {
    eprintln!("machine: {}", support::machine());
    let db = support::database();
    // Warm starts: the file read through once, as a database in use is (and
    // not, say, still being written back after its generation).
    support::read_through(&db);
    let runs: Vec<Run> = (1..=RUNS).map(|i| real_console(&db, i)).collect();
    summarize(&runs);
    cold_start(&db);
    in_process(&db);
}

/// One start with nothing of the database (or the binary) in the OS page
/// cache, as after a reboot: dropping the cache needs root, so it is skipped
/// without.
fn cold_start(db: &Path) {
    let _ = std::process::Command::new("sync").status();
    if std::fs::write("/proc/sys/vm/drop_caches", "3").is_err() {
        println!("cold start: skipped (dropping the page cache needs root)");
        return;
    }
    println!();
    println!("cold start (the OS page cache dropped first):");
    real_console(db, 0);
}

/// The count a tab shows, e.g. `5 Archive (61083)` → 61083.
fn tab_count(screen: &str, tab: &str) -> Option<u64> {
    let at = screen.find(tab)? + tab.len();
    let rest = screen[at..].strip_prefix(" (")?;
    rest[..rest.find(')')?].parse().ok()
}

fn real_console(db: &Path, run: usize) -> Run {
    let size = PtySize { rows: support::ROWS, cols: support::COLS, pixel_width: 0, pixel_height: 0 };
    let pair = native_pty_system().openpty(size).expect("open a pty");
    let mut cmd = CommandBuilder::new(support::ieops());
    cmd.arg("--db");
    cmd.arg(db);
    cmd.args(["--operator", "bench", "--now", support::NOW]);
    cmd.env("TERM", "xterm-256color");
    cmd.env_remove("IEOPS_DB");
    cmd.env_remove("NO_COLOR");
    let started = Instant::now();
    let mut child = pair.slave.spawn_command(cmd).expect("spawn ieops in the pty");
    drop(pair.slave);
    let pid = child.process_id().expect("the console's pid");
    let mut reader = pair.master.try_clone_reader().expect("pty reader");
    let mut writer = pair.master.take_writer().expect("pty writer");
    let parser = Arc::new(Mutex::new(vt100::Parser::new(support::ROWS, support::COLS, 0)));
    let shared = Arc::clone(&parser);
    let first_output = Arc::new(OnceLock::new());
    let first_output_seen = Arc::clone(&first_output);
    let reading = std::thread::spawn(move || {
        let mut buf = [0u8; 64 * 1024];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            first_output_seen.get_or_init(|| started.elapsed());
            shared.lock().unwrap_or_else(|e| e.into_inner()).process(&buf[..n]);
        }
    });
    let screen = || parser.lock().unwrap_or_else(|e| e.into_inner()).screen().contents();
    let wait_for = |what: &str, done: &dyn Fn(&str) -> bool| -> Option<Duration> {
        while started.elapsed() < PATIENCE {
            if done(&screen()) {
                return Some(started.elapsed());
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        println!("the console did not show {what} within {PATIENCE:?}; the screen:\n{}", screen());
        None
    };
    // The first full frame: the pulse strip's counts and the attention queue.
    let first = wait_for("its first full frame", &|s| {
        s.contains("│ Creating") && tab_count(s, "1 Attention").is_some_and(|n| n > 0)
    });
    let tables = wait_for("the Jobs and Drives views filled", &|s| {
        tab_count(s, "2 Jobs").is_some_and(|n| n > 0) && tab_count(s, "3 Drives").is_some_and(|n| n > 0)
    });
    let archive = wait_for("the Archive view filled", &|s| tab_count(s, "5 Archive").is_some_and(|n| n > 0));
    let show =
        |d: Option<Duration>| d.map_or("—".to_string(), |d| format!("{:.0} ms", d.as_secs_f64() * 1e3));
    let output = first_output.get().copied();
    println!(
        "start {run}: first output {}, first full frame {}, Jobs/Drives filled {}, Archive filled {}",
        show(output),
        show(first),
        show(tables),
        show(archive)
    );
    let final_screen = screen();
    println!(
        "  tabs: Attention {:?}, Jobs {:?}, Drives {:?}, Audit {:?}, Archive {:?}",
        tab_count(&final_screen, "1 Attention"),
        tab_count(&final_screen, "2 Jobs"),
        tab_count(&final_screen, "3 Drives"),
        tab_count(&final_screen, "4 Audit"),
        tab_count(&final_screen, "5 Archive")
    );
    std::thread::sleep(Duration::from_secs(1));
    let loaded = report_memory("  loaded, 1 s later", pid);
    // The operator's usual keys: Drives view, a filter, a sort, the detail pane.
    for keys in ["3", "/state:shipping overdue", "\r", "s", "d", "2", "j", "d", "\x1b"] {
        writer.write_all(keys.as_bytes()).expect("type into the pty");
        writer.flush().expect("flush");
        std::thread::sleep(Duration::from_millis(300));
    }
    std::thread::sleep(Duration::from_secs(1));
    let used = report_memory("  after Drives, a filter, a sort, detail", pid);
    writer.write_all(b"q").expect("quit");
    writer.flush().expect("flush");
    let _ = child.wait();
    drop(writer);
    drop(pair.master);
    let _ = reading.join();
    Run { output, first, tables, archive, loaded, used }
}

fn report_memory(when: &str, pid: u32) -> Option<(u64, u64)> {
    let memory = support::memory_kib(Some(pid));
    match memory {
        Some((rss, hwm)) => {
            println!("{when:<44} VmRSS {:>11}   VmHWM (peak) {:>11}", support::mib(rss), support::mib(hwm))
        }
        None => println!("{when:<44} /proc/{pid}/status not readable"),
    }
    memory
}

fn in_process(db: &Path) {
    let before = support::memory_kib(None);
    let console = support::loaded_console(db);
    std::thread::sleep(Duration::from_millis(200));
    let after = support::memory_kib(None);
    println!();
    println!("in process (this bench process; the model loaded as the console loads it, one frame drawn):");
    if let (Some((rss0, _)), Some((rss, hwm))) = (before, after) {
        println!("  before loading                        VmRSS {:>11}", support::mib(rss0));
        println!(
            "  after loading everything              VmRSS {:>11}   VmHWM (peak) {:>11}",
            support::mib(rss),
            support::mib(hwm)
        );
    }
    let m = &console.model;
    println!(
        "  holding {} job rows, {} drive rows, {} archived rows, {} full jobs, {} audit events",
        m.data.jobs.len(),
        m.data.drives.len(),
        m.data.archive.len(),
        m.data.full.len(),
        m.data.events.len()
    );
    // SQLite's own heap (page cache, statements) inside that: the worker's connection after the scans.
    // SAFETY: plain reads of SQLite's global memory statistics.
    let (used, peak) =
        unsafe { (rusqlite::ffi::sqlite3_memory_used(), rusqlite::ffi::sqlite3_memory_highwater(0)) };
    println!(
        "  of which SQLite's heap (page cache, statements): {} now, {} at most",
        support::mib(u64::try_from(used).unwrap_or(0) / 1024),
        support::mib(u64::try_from(peak).unwrap_or(0) / 1024)
    );
    drop(console);
}

//! Shared by the benchmarks: the 100,000-job database, the console loaded the
//! way its runtime loads it, and percentiles. Each bench target uses a
//! different part of it.
#![allow(dead_code)]

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant, UNIX_EPOCH};

use chrono::{TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use ieops::console::model::{Config, Model};
use ieops::console::msg::Msg;
use ieops::console::theme::Theme;
use ieops::console::update::{Effect, update};
use ieops::console::{key_message, view, worker};
use ieops::domain::Timestamp;
use ieops::store::{Access, Store};

/// The size of the benchmark database: `ieops demo --jobs 100000`.
pub const JOBS: usize = 100_000;
/// The drill time the database is generated at and the console runs at.
pub const NOW: &str = "2026-11-22T12:00:00Z";
/// The seed `ieops demo` uses.
pub const DEMO_SEED: u64 = 2026;
/// The terminal the in-process benchmarks draw on (TestBackend).
pub const COLS: u16 = 160;
pub const ROWS: u16 = 45;

pub fn now() -> Timestamp {
    Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap()
}

/// The release binary `cargo bench` built (the bench profile inherits release).
pub fn ieops() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_ieops"))
}

/// Where benchmark data lives: under `target/tmp`, never in the repository.
pub fn scratch_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("ieops-bench");
    std::fs::create_dir_all(&dir).expect("create the benchmark scratch directory");
    dir
}

/// The 100,000-job database, made by the release binary exactly as an
/// operator would (`ieops demo --jobs 100000 --now 2026-11-22T12:00:00Z`).
///
/// Made by the first benchmark of a run that needs it, then shared: the file
/// name carries a fingerprint of the `ieops` binary, so a rebuilt binary
/// makes a new one and the old one is deleted. The demo is deterministic (fixed
/// seed and time), so the same binary always makes the same file.
/// `IEOPS_BENCH_REGENERATE=1` makes it anew regardless. Benchmarks that write
/// work on a copy ([`copy_of_database`]); the others open it as the console
/// does (read-write, WAL) or read-only, and change nothing in it.
pub fn database() -> PathBuf {
    static DB: OnceLock<PathBuf> = OnceLock::new();
    DB.get_or_init(|| {
        let dir = scratch_dir();
        let path = dir.join(format!("demo-{JOBS}-{}.db", binary_fingerprint()));
        let forced = std::env::var_os("IEOPS_BENCH_REGENERATE").is_some_and(|v| v != "0");
        if path.exists() && !forced {
            eprintln!("benchmark database: {} (reused: same ieops binary)", path.display());
            return path;
        }
        for entry in std::fs::read_dir(&dir).expect("list the scratch directory").flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with("demo-") && (name.contains(".db") || name.ends_with(".partial")) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
        let partial = dir.join(format!("demo-{JOBS}.partial"));
        eprintln!("benchmark database: generating {} with the release binary …", path.display());
        let started = Instant::now();
        let status = Command::new(ieops())
            .arg("--db")
            .arg(&partial)
            .args(["--operator", "bench", "--now", NOW, "demo", "--jobs", &JOBS.to_string()])
            .env_remove("IEOPS_DB")
            .stdout(std::process::Stdio::null())
            .status()
            .expect("run ieops demo");
        assert!(status.success(), "ieops demo failed: {status}");
        std::fs::rename(&partial, &path).expect("move the finished database into place");
        eprintln!("benchmark database: generated in {:.1} s", started.elapsed().as_secs_f64());
        path
    })
    .clone()
}

/// Reads a file through once, so its pages are in the OS page cache.
pub fn read_through(path: &Path) {
    let mut file = std::fs::File::open(path).expect("open the benchmark database");
    std::io::copy(&mut file, &mut std::io::sink()).expect("read the benchmark database");
}

/// Size and modification time of the `ieops` binary.
fn binary_fingerprint() -> String {
    let meta = std::fs::metadata(ieops()).expect("the ieops binary exists");
    let mut hasher = DefaultHasher::new();
    meta.len().hash(&mut hasher);
    if let Ok(modified) = meta.modified() {
        modified.duration_since(UNIX_EPOCH).unwrap_or_default().as_nanos().hash(&mut hasher);
    }
    format!("{:016x}", hasher.finish())
}

/// A private copy of the benchmark database for benchmarks that write; it
/// is deleted with the returned directory.
pub fn copy_of_database() -> (tempfile::TempDir, PathBuf) {
    let source = database();
    let dir = tempfile::Builder::new().prefix("copy-").tempdir_in(scratch_dir()).expect("temp dir");
    let path = dir.path().join("ieops.db");
    std::fs::copy(&source, &path).expect("copy the benchmark database");
    // On disk before any benchmark runs: otherwise the first fsync of the
    // copy (say, a WAL checkpoint) would also write out the whole fresh copy.
    std::fs::File::open(&path).and_then(|f| f.sync_all()).expect("sync the copy");
    (dir, path)
}

// ------------------------------------------------------------------ console

/// The console as its runtime holds it: the model, the worker's store and
/// the terminal (ratatui's TestBackend instead of a tty: the same widgets
/// and buffer diff, without the escape sequences written to a terminal).
pub struct Console {
    pub store: Store,
    pub model: Model,
    pub terminal: Terminal<TestBackend>,
    /// Effects the last keystroke asked for, run (as the worker would) before the next one.
    pub pending: Vec<Effect>,
}

pub fn config(db: &Path) -> Config {
    Config {
        db_path: db.display().to_string(),
        operator: "bench".to_string(),
        read_only: false,
        simulated: true,
        theme: Theme { color: true, ..Theme::with(Default::default()) },
        keys: Default::default(),
        bell: false,
        cycle_seconds: None,
        columns: Default::default(),
        filters: Vec::new(),
    }
}

/// Start to first full frame, as the console does it: open the store, the
/// worker's first read (`overview`), `update(Overview)`, one frame.
pub fn first_frame(db: &Path) -> Console {
    let store = Store::open(db, Access::ReadWrite).expect("open the benchmark database");
    store.trim_cache().expect("the worker's page cache");
    let mut model = Model::new(config(db), now());
    let overview = worker::overview(&store, now()).expect("first read");
    let pending = update(&mut model, Msg::Overview(Box::new(overview)));
    let terminal = Terminal::new(TestBackend::new(COLS, ROWS)).expect("test terminal");
    let mut console = Console { store, model, terminal, pending };
    draw(&mut console);
    console
}

/// What the worker does after the first frame: the tables of active jobs and
/// drives (`tables`), then the archive; each followed by a frame. Like the
/// worker, the page cache is trimmed before the scans (`Store::trim_cache`).
pub fn fill_tables(console: &mut Console) {
    console.store.trim_cache().expect("trim the page cache");
    let rows = worker::tables(&console.store, now());
    let effects = update(&mut console.model, rows);
    console.pending.extend(effects);
    draw(console);
}

pub fn fill_archive(console: &mut Console) {
    let archive = worker::archive(&console.store);
    let effects = update(&mut console.model, archive);
    console.pending.extend(effects);
    draw(console);
}

/// The console with everything loaded, as an operator has it a few seconds after start.
pub fn loaded_console(db: &Path) -> Console {
    let mut console = first_frame(db);
    fill_tables(&mut console);
    fill_archive(&mut console);
    // The worker trims again after the scans.
    console.store.trim_cache().expect("trim the page cache");
    settle(&mut console);
    console
}

pub fn draw(console: &mut Console) {
    let Console { model, terminal, .. } = console;
    terminal.draw(|frame| view::view(model, frame)).expect("a frame is drawn");
}

/// Runs the pending effects as the worker would, feeding each result back to
/// `update`, until nothing more is asked; then draws the frame they make.
pub fn settle(console: &mut Console) {
    let mut pending = std::mem::take(&mut console.pending);
    let any = !pending.is_empty();
    while !pending.is_empty() {
        let mut next = Vec::new();
        for effect in pending {
            let msg = match effect {
                Effect::Reload => {
                    let mut since = console.model.data.last_event_id;
                    worker::changes(&console.store, &mut since)
                }
                Effect::LoadJob(id) => match console.store.jobs_by_ids(&[id]).expect("job is read").pop() {
                    Some(job) => Msg::JobLoaded(Box::new(job)),
                    None => continue,
                },
                Effect::LoadHistory(job_id) => {
                    Msg::History { job_id, events: console.store.history(job_id).expect("history is read") }
                }
                Effect::Preview { title, asks, note } => {
                    worker::preview(&console.store, title, asks, note, "bench", console.model.now)
                }
                Effect::PreviewArrival(package) => {
                    worker::preview_arrival(&console.store, package, "bench", console.model.now)
                }
                Effect::Write(plan) => {
                    Msg::Written(worker::write(&mut console.store, plan, "bench", console.model.now))
                }
                Effect::Import(path) => Msg::Imported(worker::import(
                    &mut console.store,
                    &path,
                    "bench",
                    console.model.now,
                    &|| false,
                )),
                Effect::CancelImport | Effect::Copy(_) => continue,
                Effect::Export { path, header, rows } => {
                    Msg::Exported(worker::export(&path, &header, &rows, console.store.path()))
                }
            };
            next.extend(update(&mut console.model, msg));
        }
        pending = next;
    }
    if any {
        draw(console);
    }
}

/// One key as the runtime handles it: keymap, `update`, then the frame.
/// The effects it asks for are left pending (the worker runs them, off the UI thread).
pub fn press(console: &mut Console, key: KeyEvent) {
    if let Some(msg) = key_message(&console.model, key) {
        let effects = update(&mut console.model, msg);
        console.pending.extend(effects);
    }
    draw(console);
}

pub fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

pub fn ch(c: char) -> KeyEvent {
    key(KeyCode::Char(c))
}

// ------------------------------------------------------------------ numbers

/// Nearest-rank percentile of sorted samples.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// `n`, p50, p99, max of some samples.
pub fn summary(samples: &[Duration]) -> (usize, Duration, Duration, Duration) {
    let mut sorted = samples.to_vec();
    sorted.sort_unstable();
    let max = sorted.last().copied().unwrap_or_default();
    (sorted.len(), percentile(&sorted, 50.0), percentile(&sorted, 99.0), max)
}

pub fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1e3)
}

/// (VmRSS, VmHWM) in KiB of a process (`None`: this one), from /proc.
pub fn memory_kib(pid: Option<u32>) -> Option<(u64, u64)> {
    let path = match pid {
        Some(pid) => format!("/proc/{pid}/status"),
        None => "/proc/self/status".to_string(),
    };
    let status = std::fs::read_to_string(path).ok()?;
    let field = |name: &str| -> Option<u64> {
        let line = status.lines().find(|l| l.starts_with(name))?;
        line[name.len()..].trim().trim_end_matches("kB").trim().parse().ok()
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}

pub fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

/// What this machine is, for the report.
pub fn machine() -> String {
    let cpus = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split(':').nth(1))
        .map(str::trim)
        .unwrap_or("unknown CPU")
        .to_string();
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let total = meminfo
        .lines()
        .find(|l| l.starts_with("MemTotal:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse::<u64>().ok())
        .map(|kib| format!("{:.1} GiB", kib as f64 / 1024.0 / 1024.0))
        .unwrap_or_else(|| "unknown".into());
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load: Vec<&str> = load.split_whitespace().take(3).collect();
    let source = Command::new("git")
        .args(["describe", "--always", "--dirty"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| "unknown".into());
    format!("{cpus} CPUs ({model}), {total} RAM; load average now {}; source {source}", load.join(" "))
}

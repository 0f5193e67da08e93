//! End-to-end tests of the terminal console: the real `ieops` binary in a
//! pseudo-terminal, its output parsed by a terminal emulator (vt100), keys
//! typed as a person would. Waits poll the parsed screen; no assertion
//! depends on how long anything takes.

mod support;

use std::io::{Read, Write};
use std::panic::AssertUnwindSafe;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, ExitStatus, MasterPty, PtySize, native_pty_system};

use support::{Db, NOW};

/// The longest any one wait may take before the test fails with the screen.
const WAIT: Duration = Duration::from_secs(10);
const ROWS: u16 = 45;
const COLS: u16 = 160;
/// The operator the console runs as; the CLI setup runs as `tester`.
const OPERATOR: &str = "console-op";

const ENTER: &str = "\r";
const ESC: &str = "\x1b";
const TAB: &str = "\t";
const BACK_TAB: &str = "\x1b[Z";
const CTRL_C: &str = "\x03";
const CTRL_B: &str = "\x02";
const CTRL_F: &str = "\x06";
const UP: &str = "\x1b[A";
const DOWN: &str = "\x1b[B";
const HOME: &str = "\x1b[H";
const END: &str = "\x1b[F";
const PAGE_UP: &str = "\x1b[5~";
const PAGE_DOWN: &str = "\x1b[6~";

const LEAVE_ALT_SCREEN: &[u8] = b"\x1b[?1049l";
const ENTER_ALT_SCREEN: &[u8] = b"\x1b[?1049h";
const SHOW_CURSOR: &[u8] = b"\x1b[?25h";

// ------------------------------------------------------------------ harness

/// What the reader thread fills in.
struct Output {
    parser: vt100::Parser,
    /// Every byte the console wrote, for escape sequences the screen does not keep.
    raw: Vec<u8>,
    /// The pty reported end of file: the console and everything it started are gone.
    eof: bool,
    /// The emulator panicked on the output (its panic is printed above the
    /// test's): the screen is no longer kept, but reading goes on.
    emulator_failed: bool,
}

/// `ieops` running in a pseudo-terminal. Dropping it kills the process.
struct Console {
    master: Box<dyn MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    output: Arc<Mutex<Output>>,
    _reader: JoinHandle<()>,
    status: Option<ExitStatus>,
}

impl Console {
    /// Opens the console on `db` at the fixed drill time, 160×45.
    fn open(db: &Path, extra: &[&str]) -> Console {
        Console::open_with_env(db, extra, &[])
    }

    /// [`Console::open`] with more environment variables.
    fn open_with_env(db: &Path, extra: &[&str], env: &[(&str, &str)]) -> Console {
        Console::open_argv(vec![assert_cmd::cargo::cargo_bin("ieops").into()], db, extra, env)
    }

    /// [`Console::open_with_env`] with `argv` starting ieops (through `setpriv`, say).
    fn open_argv(argv: Vec<std::ffi::OsString>, db: &Path, extra: &[&str], env: &[(&str, &str)]) -> Console {
        let size = PtySize { rows: ROWS, cols: COLS, pixel_width: 0, pixel_height: 0 };
        let pair = native_pty_system().openpty(size).expect("open a pty");
        let mut cmd = CommandBuilder::from_argv(argv);
        if !extra.contains(&"--demo") {
            cmd.arg("--db"); // --demo makes its own
            cmd.arg(db);
        }
        cmd.args(["--operator", OPERATOR, "--now", NOW]);
        cmd.args(extra);
        cmd.env("TERM", "xterm-256color");
        cmd.env("NO_COLOR", "1");
        cmd.env_remove("IEOPS_DB");
        // A panic report must fit on the screen that a failing test dumps.
        cmd.env("RUST_BACKTRACE", "0");
        cmd.env("RUST_LIB_BACKTRACE", "0");
        for (key, value) in env {
            cmd.env(key, value);
        }
        if let Some(dir) = db.parent() {
            cmd.cwd(dir);
        }
        let child = pair.slave.spawn_command(cmd).expect("spawn ieops in the pty");
        // Only the child holds the slave now, so the reader sees EOF when it exits.
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("pty reader");
        let writer = pair.master.take_writer().expect("pty writer");
        let output = Arc::new(Mutex::new(Output {
            parser: vt100::Parser::new(ROWS, COLS, 0),
            raw: Vec::new(),
            eof: false,
            emulator_failed: false,
        }));
        let shared = Arc::clone(&output);
        let reader = std::thread::spawn(move || {
            let mut buf = [0u8; 16 * 1024];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => {
                        let mut out = shared.lock().unwrap_or_else(|e| e.into_inner());
                        let out = &mut *out;
                        if !out.emulator_failed {
                            let parser = &mut out.parser;
                            let bytes = &buf[..n];
                            out.emulator_failed =
                                std::panic::catch_unwind(AssertUnwindSafe(|| parser.process(bytes))).is_err();
                        }
                        out.raw.extend_from_slice(&buf[..n]);
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(_) => break, // EIO: the slave side is closed
                }
            }
            shared.lock().unwrap_or_else(|e| e.into_inner()).eof = true;
        });
        Console { master: pair.master, writer, child, output, _reader: reader, status: None }
    }

    fn output(&self) -> MutexGuard<'_, Output> {
        self.output.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The screen as text, one line per row.
    fn screen(&self) -> String {
        self.output().parser.screen().contents()
    }

    /// Every byte the console has written so far.
    fn raw(&self) -> Vec<u8> {
        self.output().raw.clone()
    }

    /// Types `keys` (raw bytes: "\r" is Enter, "\x1b" Esc). An Esc must be
    /// sent on its own and its effect waited for, or the terminal reads it as
    /// Alt plus the next key.
    fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).expect("write to the pty");
        self.writer.flush().expect("flush the pty");
    }

    /// Types Esc and waits until `gone` has left the screen.
    fn escape_until_gone(&mut self, gone: &str) {
        self.send(ESC);
        self.wait_gone(gone);
    }

    /// Polls the parsed screen until `done` holds; fails with the screen after [`WAIT`].
    fn wait_until(&mut self, what: &str, done: impl Fn(&vt100::Screen) -> bool) {
        let deadline = Instant::now() + WAIT;
        loop {
            let (ok, eof, emulator_failed) = {
                let out = self.output();
                (!out.emulator_failed && done(out.parser.screen()), out.eof, out.emulator_failed)
            };
            if ok {
                return;
            }
            assert!(
                !emulator_failed,
                "the vt100 emulator panicked on the console's output while waiting for {what}"
            );
            if eof || Instant::now() > deadline {
                let status = self.child.try_wait().ok().flatten();
                let why = if eof { "the console exited" } else { "timed out" };
                panic!(
                    "{why} waiting for {what} (exit status {status:?})\n--- screen ---\n{}\n--------------",
                    self.screen()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn wait_for(&mut self, text: &str) {
        self.wait_until(&format!("{text:?} on screen"), |s| s.contents().contains(text));
    }

    fn wait_gone(&mut self, text: &str) {
        self.wait_until(&format!("{text:?} to leave the screen"), |s| !s.contents().contains(text));
    }

    /// The first screen row that contains `text`.
    fn row_with(&self, text: &str) -> Option<String> {
        let out = self.output();
        let (_, cols) = out.parser.screen().size();
        out.parser.screen().rows(0, cols).find(|row| row.contains(text))
    }

    /// Resizes the terminal, as a window manager would (SIGWINCH). The
    /// emulator keeps at least 2×2: vt100 0.16 overflows when a line wraps on
    /// a one-row screen. A console drawing for 1×1 only uses the top-left cell.
    fn resize(&mut self, rows: u16, cols: u16) {
        self.output().parser.screen_mut().set_size(rows.max(2), cols.max(2));
        self.master.resize(PtySize { rows, cols, pixel_width: 0, pixel_height: 0 }).expect("resize the pty");
    }

    /// Whether the process is still running.
    fn alive(&mut self) -> bool {
        self.status.is_none() && self.child.try_wait().expect("try_wait").is_none()
    }

    /// The terminal's local mode flags (ICANON, ECHO, ISIG…), as their names.
    fn local_flags(&self) -> Vec<String> {
        let termios = self.master.get_termios().expect("termios of the pty");
        format!("{:?}", termios.local_flags)
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(String::from)
            .collect()
    }

    /// Waits for the process to exit and for its last output to be read.
    fn wait_exit(&mut self) -> ExitStatus {
        let deadline = Instant::now() + WAIT;
        while self.status.is_none() {
            self.status = self.child.try_wait().expect("try_wait");
            if self.status.is_none() {
                assert!(
                    Instant::now() < deadline,
                    "the console did not exit within {WAIT:?}\n--- screen ---\n{}",
                    self.screen()
                );
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        while !self.output().eof {
            assert!(Instant::now() < deadline, "the pty never reported end of file after exit");
            std::thread::sleep(Duration::from_millis(20));
        }
        self.status.clone().expect("exited")
    }
}

impl Drop for Console {
    fn drop(&mut self) {
        if self.status.is_none() && matches!(self.child.try_wait(), Ok(None)) {
            // SIGHUP, then SIGKILL if it lingers; a failing test never hangs.
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

// ------------------------------------------------------------------ helpers

/// Asserts a clean exit that gave the terminal back: code 0, the output
/// ending with leaving the alternate screen (and showing the cursor).
fn assert_restored(console: &mut Console) {
    let status = console.wait_exit();
    assert!(status.success(), "exit status {status:?}\n--- screen ---\n{}", console.screen());
    let raw = console.raw();
    let left = assert_terminal_given_back(console);
    let tail = String::from_utf8_lossy(&raw[left + LEAVE_ALT_SCREEN.len()..]).replace("\x1b[?25h", "");
    assert!(tail.is_empty(), "after leaving the alternate screen the console wrote more: {tail:?}");
}

/// After the process is gone: the alternate screen left after it was last
/// entered, the cursor shown, cooked mode (ICANON, ECHO, ISIG) back. Returns
/// where in the output the alternate screen was left.
fn assert_terminal_given_back(console: &mut Console) -> usize {
    let raw = console.raw();
    let entered = rfind(&raw, ENTER_ALT_SCREEN).expect("the console entered the alternate screen");
    let left = rfind(&raw, LEAVE_ALT_SCREEN).expect("the console left the alternate screen");
    assert!(left > entered, "the last alternate-screen switch was into it, not out");
    assert!(
        rfind(&raw, SHOW_CURSOR).is_some_and(|at| at > entered),
        "the cursor was not shown again after the console ran"
    );
    {
        let out = console.output();
        assert!(!out.parser.screen().alternate_screen(), "still on the alternate screen");
        assert!(!out.parser.screen().hide_cursor(), "the cursor is still hidden");
        let mouse = out.parser.screen().mouse_protocol_mode();
        assert_eq!(mouse, vt100::MouseProtocolMode::None, "the terminal still reports the mouse");
    }
    let flags = console.local_flags();
    for flag in ["ICANON", "ECHO", "ISIG"] {
        assert!(flags.iter().any(|f| f == flag), "raw mode not left: {flag} is off in {flags:?}");
    }
    left
}

fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// How the status line starts when read-only mode refuses something.
const READ_ONLY_REFUSAL: &str = "read-only monitoring:";
/// The help dialog's top-left corner and title.
const HELP_OPEN: &str = "┌ Help";
/// How many bordered boxes are on screen: the table is one, the detail pane
/// another, wherever the layout puts it.
fn boxes(screen: &vt100::Screen) -> usize {
    screen.contents().matches('┌').count()
}

/// The first word of each line inside the dialog whose title starts with
/// `title`, if that dialog is on screen.
fn dialog_items(screen: &vt100::Screen, title: &str) -> Option<Vec<String>> {
    let (rows, cols) = screen.size();
    let corner = |r: u16, c: u16, s: &str| screen.cell(r, c).is_some_and(|cell| cell.contents() == s);
    let (top, left) = (0..rows).flat_map(|r| (0..cols).map(move |c| (r, c))).find(|&(r, c)| {
        corner(r, c, "┌") && screen.contents_between(r, c + 1, r, cols).trim_start().starts_with(title)
    })?;
    let right = (left + 1..cols).find(|&c| corner(top, c, "┐"))?;
    let items = (top + 1..rows)
        .take_while(|&r| corner(r, left, "│"))
        .filter_map(|r| {
            screen.contents_between(r, left + 1, r, right).split_whitespace().next().map(String::from)
        })
        .collect();
    Some(items)
}

/// Whether a screen row that mentions `key` has `word` as one of its words
/// (so `Received` does not match `NeverReceived`).
fn row_shows(screen: &vt100::Screen, key: &str, word: &str) -> bool {
    screen.contents().lines().any(|l| l.contains(key) && l.split_whitespace().any(|w| w == word))
}

// -------------------------------------------------------------------- tests

#[test]
fn a_drive_received_with_the_keyboard_is_persisted_and_shown_after_reopening() {
    let db = Db::new();
    db.shipping_import("acme-import-7", &["WD-1001", "WD-1002"], NOW);
    db.ok(&["job", "create", "other-creating", "--type", "import", "--drive", "OT-0001"]);

    let mut console = Console::open(&db.path, &[]);
    console.wait_for("READ-WRITE");
    console.send("3");
    console.wait_for(" Drives · 3 rows");
    console.send("/acme-import-7");
    console.send(ENTER);
    console.wait_for("filter: acme-import-7");
    console.wait_for(" Drives · 2 rows");
    console.send("g");
    console.send(ENTER);
    // Exactly the actions valid on a Specified drive of a Shipping job whose
    // package has not come yet (no never-received before it does, D3), receive first.
    console.wait_until("a menu of exactly receive, fault", |s| {
        dialog_items(s, "Actions on acme-import-7/WD-1001").is_some_and(|items| items == ["receive", "fault"])
    });
    console.send(ENTER); // the first entry, receive
    console.wait_for("receive acme-import-7/WD-1001: 1 change?");
    console.wait_for("acme-import-7/WD-1001: Specified → Received (D2)");
    console.send("y");
    console.wait_for("done: ");
    console.wait_until("WD-1001 shown as Received", |s| row_shows(s, "WD-1001", "Received"));
    console.send("q");
    assert_restored(&mut console);

    let job = db.job("acme-import-7");
    let drives = job["driveList"].as_array().expect("driveList");
    let state = |id: &str| drives.iter().find(|d| d["driveId"] == id).map(|d| d["state"].clone());
    assert_eq!(state("WD-1001"), Some("Received".into()), "{job:#}");
    assert_eq!(state("WD-1002"), Some("Specified".into()), "only the selected drive changed");
    let events = job["events"].as_array().expect("events");
    assert!(
        events.iter().any(|e| e["action"] == "receive"
            && e["driveId"] == "WD-1001"
            && e["operator"] == OPERATOR
            && e["rule"] == "D2"
            && e["toState"] == "Received"),
        "no receive event by {OPERATOR} in {events:#?}"
    );

    let mut console = Console::open(&db.path, &[]);
    console.wait_for("READ-WRITE");
    console.send("3");
    console.wait_until("WD-1001 shown as Received after reopening", |s| row_shows(s, "WD-1001", "Received"));
    console.wait_until("WD-1002 still Specified", |s| row_shows(s, "WD-1002", "Specified"));
    console.send("q");
    assert_restored(&mut console);
}

#[test]
fn a_change_committed_by_another_process_appears_without_a_key() {
    let db = Db::new();
    let mut console = Console::open(&db.path, &[]);
    console.wait_for("No jobs yet.");
    console.send("2");
    console.wait_for("2 Jobs (0)");

    db.ok(&["job", "create", "late-arrival-job", "--type", "import", "--drive", "LA-0001"]);
    console.wait_for("late-arrival-job");
    console.wait_for(" Jobs · 1 rows");
    let row = console.row_with("late-arrival-job").expect("row");
    assert!(!row.contains("cancelled"), "{row}");

    db.ok(&["act", "late-arrival-job", "cancel"]);
    console.wait_until("the job flagged cancelled", |s| row_shows(s, "late-arrival-job", "cancelled"));
    console.send("q");
    assert_restored(&mut console);
}

/// Issue 15: the console takes the mouse — a click (SGR report, as xterm
/// sends it) on a tab shows that view — and gives it back on quit; with
/// `--no-mouse` it never asks for it.
#[test]
fn a_click_on_a_tab_shows_its_view_and_no_mouse_leaves_the_mouse_alone() {
    let db = Db::new();
    db.ok(&["job", "create", "clicked-job", "--type", "import", "--drive", "CL-0001"]);
    let mut console = Console::open(&db.path, &[]);
    console.wait_for("2 Jobs (1)");
    let mode = console.output().parser.screen().mouse_protocol_mode();
    assert_ne!(mode, vt100::MouseProtocolMode::None, "the console asked for mouse reports");
    let (row, col) = {
        let out = console.output();
        let screen = out.parser.screen();
        (0..ROWS)
            .find_map(|y| screen.contents_between(y, 0, y, COLS).find("2 Jobs").map(|x| (y, x as u16)))
            .expect("the Jobs tab")
    };
    console.send(&format!("\x1b[<0;{};{}M\x1b[<0;{};{}m", col + 3, row + 1, col + 3, row + 1));
    console.wait_for(" Jobs · 1 rows");
    console.send("q");
    assert_restored(&mut console);

    let mut console = Console::open(&db.path, &["--no-mouse"]);
    console.wait_for("2 Jobs (1)");
    let mode = console.output().parser.screen().mouse_protocol_mode();
    assert_eq!(mode, vt100::MouseProtocolMode::None, "--no-mouse: no mouse reports asked for");
    assert!(!console.raw().windows(8).any(|w| w == b"\x1b[?1000h"), "no capture sequence was sent");
    console.send("q");
    assert_restored(&mut console);
}

/// Issue 15: `y` puts the selected job's name on the clipboard through the
/// terminal (OSC 52, base64 inside the sequence).
#[test]
fn y_copies_through_osc_52() {
    use base64::Engine;
    let db = Db::new();
    db.ok(&["job", "create", "copied-job", "--type", "import", "--drive", "CP-0001"]);
    let mut console = Console::open(&db.path, &[]);
    console.wait_for("2 Jobs (1)");
    console.send("2");
    console.wait_for(" Jobs · 1 rows");
    console.send("y");
    console.wait_for("copied copied-job");
    let osc = format!("\x1b]52;c;{}\x07", base64::engine::general_purpose::STANDARD.encode("copied-job"));
    assert!(rfind(&console.raw(), osc.as_bytes()).is_some(), "no OSC 52 with the job's name");
    console.send("q");
    assert_restored(&mut console);
}

/// Issue 14: a supervisor's wall screen (`--read-only`, a user who cannot
/// write the directory, no `-shm` yet) while operators write as another
/// user: each change is on screen within 2 s, a job shows one state in the
/// table and the detail pane, and a large import is read whole.
#[test]
fn a_read_only_wall_screen_in_a_locked_directory_follows_other_users_writes() {
    if !support::is_root() {
        return; // the writers must be another user than the console's
    }
    use std::os::unix::fs::PermissionsExt;
    let (db, dir, mut console) = wall_screen_in_a_locked_directory(&["WD-1", "WD-2"]);
    let within = |console: &mut Console, what: &str, done: &dyn Fn(&vt100::Screen) -> bool| {
        let deadline = Instant::now() + Duration::from_secs(2);
        while !done(console.output().parser.screen()) {
            assert!(Instant::now() < deadline, "{what} not on screen within 2 s\n{}", console.screen());
            std::thread::sleep(Duration::from_millis(20));
        }
    };

    db.ok(&["job", "create", "second-wall-job", "--type", "import", "--drive", "WD-3"]);
    within(&mut console, "a job created by another user", &|s| s.contents().contains("second-wall-job"));
    // wall-job (second by name) in the detail pane beside the table.
    console.send(DOWN);
    console.send("d");
    console.wait_for("wall-job ─");

    db.ok(&["act", "wall-job/WD-1", "receive"]);
    db.ok(&["act", "wall-job/WD-2", "receive"]);
    // wall-job's state as its table row and the detail pane's state line show it.
    let shown = |s: &vt100::Screen| {
        let (mut table, mut detail) = (String::new(), String::new());
        for line in s.contents().lines() {
            let mut panes = line.split("││");
            if let Some(row) = panes.next().filter(|t| t.starts_with("│wall-job ")) {
                // The first word that is a job state (the TYPE column shows at some widths).
                let state =
                    row.split_whitespace().skip(1).find(|w| w.parse::<ieops::domain::JobState>().is_ok());
                table = state.unwrap_or_default().to_string();
            }
            if let Some(state) = panes.next().filter(|d| d.starts_with("state ")) {
                detail = state.split_whitespace().nth(1).unwrap_or_default().to_string();
            }
        }
        (table, detail)
    };
    // Every frame on the way shows one state in both places.
    let seen = std::cell::RefCell::new(Vec::new());
    within(&mut console, "the job Received in the table and the detail pane", &|s| {
        let (table, detail) = shown(s);
        let done = table == "Received" && detail == "Received";
        seen.borrow_mut().push((table, detail));
        done
    });
    let mixed: Vec<_> = seen.into_inner().into_iter().filter(|(t, d)| t != d).collect();
    assert!(mixed.is_empty(), "a job in two states (table, detail): {mixed:?}");

    // A large import: one transaction of many pages, checkpointed into the file.
    let jobs: Vec<serde_json::Value> = (0..300)
        .map(|i| {
            serde_json::json!({"name": format!("bulk-{i:03}"), "properties": {"state": "Creating", "jobType": "Import"}})
        })
        .collect();
    let file = tempfile::NamedTempFile::new().expect("temp file");
    std::fs::write(file.path(), serde_json::to_string(&jobs).expect("json")).expect("write import");
    db.ok(&["import", file.path().to_str().expect("utf-8 path")]);
    within(&mut console, "303 jobs", &|s| s.contents().contains(" Jobs · 302 rows"));
    let screen = console.screen();
    assert!(!screen.contains("malformed"), "{screen}");
    console.send("q");
    assert_restored(&mut console);
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).expect("restore dir");
}

/// Issue 14: when the wall screen cannot read a change (a writer's -shm it
/// may not open, a directory it may not write), it says so on screen with
/// how to fix the permissions, and follows again once they are fixed.
#[test]
fn a_read_only_wall_screen_that_cannot_read_a_change_says_why() {
    if !support::is_root() {
        return; // the writers must be another user than the console's
    }
    use std::os::unix::fs::PermissionsExt;
    let (db, dir, mut console) = wall_screen_in_a_locked_directory(&["WD-1"]);

    // A writer stays open, its -shm readable by its owner only.
    let writer = rusqlite::Connection::open(&db.path).expect("open");
    writer.query_row("SELECT count(*) FROM jobs", [], |_| Ok(())).expect("read");
    let shm = dir.join("ieops.db-shm");
    std::fs::set_permissions(&shm, std::fs::Permissions::from_mode(0o600)).expect("chmod -shm");
    db.ok(&["job", "create", "unseen-job", "--type", "import", "--drive", "WD-2"]);
    console.wait_for("cannot read the database: let readers write to the directory of");
    assert!(!console.screen().contains("unseen-job"));

    std::fs::set_permissions(&shm, std::fs::Permissions::from_mode(0o644)).expect("chmod -shm");
    console.wait_for("unseen-job");
    // Beside the writers now: the last of them to close leaves the -shm to
    // the reader, and later writers are seen through it.
    drop(writer);
    db.ok(&["job", "create", "later-job", "--type", "import", "--drive", "WD-3"]);
    console.wait_for("later-job");
    console.send("q");
    assert_restored(&mut console);
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).expect("restore dir");
}

#[test]
fn read_only_every_action_key_leaves_the_database_file_unchanged() {
    let db = Db::uninitialised();
    db.ok(&["demo"]);
    let side = |suffix: &str| Path::new(&format!("{}{suffix}", db.path.display())).exists();
    let before = std::fs::read(&db.path).expect("database file");
    let (wal_before, shm_before) = (side("-wal"), side("-shm"));

    let mut c = Console::open(&db.path, &["--read-only"]);
    c.wait_for("READ-ONLY");
    c.wait_until("the demo data loaded", |s| {
        let text = s.contents();
        text.contains("2 Jobs (") && !text.contains("2 Jobs (0)")
    });
    for (key, title) in [("1", "Attention"), ("2", "Jobs"), ("3", "Drives"), ("4", "Audit"), ("5", "Archive")]
    {
        c.send(key);
        c.wait_for(&format!(" {title} · "));
        for nav in [
            "j", "j", "k", "G", "g", DOWN, DOWN, UP, END, HOME, PAGE_DOWN, PAGE_UP, CTRL_F, CTRL_B, "s", "S",
            "d", "d", "j",
        ] {
            c.send(nav);
        }
        // Each action key is refused on its own, and the refusal cleared with Esc.
        for action in [ENTER, "a", "r", "b"] {
            c.send(action);
            c.wait_for(READ_ONLY_REFUSAL);
            c.escape_until_gone(READ_ONLY_REFUSAL);
        }
        c.send(" ");
        if title == "Drives" {
            c.wait_for("marked: 1");
            for action in ["r", "b", ENTER] {
                c.send(action);
                c.wait_for(READ_ONLY_REFUSAL);
                c.escape_until_gone(READ_ONLY_REFUSAL);
            }
            c.send("u");
            c.wait_gone("marked: ");
        } else {
            c.wait_for("marks are for drives");
            c.escape_until_gone("marks are for drives");
        }
        c.send(":sweep");
        c.send(ENTER);
        c.wait_for(READ_ONLY_REFUSAL);
        c.escape_until_gone(READ_ONLY_REFUSAL);
        // A filter typed and abandoned, then one applied and cleared.
        c.send("/zzz-nothing");
        c.wait_for("filter: zzz-nothing");
        c.escape_until_gone("filter: zzz-nothing");
        c.send("/state:shipping");
        c.send(ENTER);
        c.wait_for("filter: state:shipping");
        c.send(ENTER); // actions on a filtered row: still refused
        c.wait_for(READ_ONLY_REFUSAL);
        // Esc clears the filter first, then the status line.
        c.escape_until_gone("filter: state:shipping");
        c.escape_until_gone(READ_ONLY_REFUSAL);
        // The help, with action keys pressed inside it.
        c.send("?");
        c.wait_for("read-only: action keys are disabled");
        for inside in ["j", "k", ENTER, "a", "r", "b", " ", "y"] {
            c.send(inside);
        }
        c.escape_until_gone(HELP_OPEN);
        // The detail pane, closed with Esc.
        c.send("d");
        c.wait_until("the detail pane", |s| boxes(s) == 2);
        c.send(ESC);
        c.wait_until("the detail pane to close", |s| boxes(s) == 1);
    }
    c.send(TAB);
    c.wait_for(" Attention · ");
    for _ in 0..4 {
        c.send(TAB);
    }
    c.wait_for(" Archive · ");
    c.send(BACK_TAB);
    c.wait_for(" Audit · ");
    c.send("y"); // no confirmation is open: nothing to confirm
    c.send("q");
    assert_restored(&mut c);

    let after = std::fs::read(&db.path).expect("database file");
    assert!(before == after, "the read-only console changed the database file");
    let wal = format!("{}-wal", db.path.display());
    let wal_len = std::fs::metadata(&wal).map_or(0, |m| m.len());
    assert_eq!(wal_len, 0, "the read-only console wrote to {wal}");
    eprintln!(
        "side files: before -wal {wal_before} -shm {shm_before}; after -wal {} -shm {}",
        side("-wal"),
        side("-shm")
    );
}

#[test]
fn ctrl_c_quits_from_a_text_input_and_restores_the_terminal() {
    let db = Db::new();
    let mut console = Console::open(&db.path, &[]);
    console.wait_for("READ-WRITE");
    let raw_flags = console.local_flags();
    assert!(
        !raw_flags.iter().any(|f| f == "ICANON" || f == "ISIG"),
        "the console runs in raw mode: {raw_flags:?}"
    );
    // Ctrl-C works in every context, even while typing a filter.
    console.send("/abc");
    console.wait_for("filter: abc");
    console.send(CTRL_C);
    assert_restored(&mut console);
}

#[test]
fn a_panic_restores_the_terminal_before_the_report_is_printed() {
    let db = Db::new();
    db.ok(&["job", "create", "panic-job", "--type", "import", "--drive", "PN-0001"]);
    let mut console = Console::open_with_env(&db.path, &[], &[("IEOPS_TEST_PANIC_AFTER_DRAW", "1")]);
    let status = console.wait_exit();
    assert!(!status.success(), "a panic is a failure: {status:?}");
    let left = assert_terminal_given_back(&mut console);
    let raw = console.raw();
    let report = String::from_utf8_lossy(&raw[left..]).into_owned();
    assert!(report.contains("panicking on purpose"), "the report comes after the restore: {report:?}");
    console.wait_for("panicking on purpose"); // and is readable on the normal screen
}

#[test]
fn resizing_to_one_cell_and_back_does_not_panic() {
    let db = Db::new();
    db.shipping_import("resize-job", &["RS-0001"], NOW);
    let mut console = Console::open(&db.path, &[]);
    console.wait_for("READ-WRITE");
    console.send("2");
    console.wait_for("resize-job");
    // The smallest usable size, with the detail pane and a dialog open.
    console.send("d");
    console.send("?");
    console.wait_for(HELP_OPEN);
    console.resize(15, 60);
    // At 60 columns the help dialog takes the full width: it starts in column 0.
    console
        .wait_until("the help redrawn at 60×15", |s| s.contents().lines().any(|l| l.starts_with(HELP_OPEN)));
    console.resize(1, 1);
    console.wait_until("a redraw at 1×1", |s| s.cell(0, 0).is_some_and(|c| c.contents() == "t"));
    assert!(console.alive(), "the console died at 1×1");
    console.resize(ROWS, COLS);
    console.wait_for("READ-WRITE");
    console.wait_for(HELP_OPEN);
    console.resize(10, 50);
    console.wait_for("terminal too small: 50×10, ieops needs 60×15");
    console.resize(ROWS, COLS);
    console.wait_for("READ-WRITE");
    console.wait_gone("terminal too small");
    console.escape_until_gone(HELP_OPEN);
    console.wait_for("resize-job");
    assert!(console.alive(), "the console died while resizing");
    console.send("q");
    assert_restored(&mut console);
}

/// Brings a receive of `acme-import-7/WD-1001` to its confirmation, then has
/// another process fault the drive, and waits until the
/// console's table shows that change behind the still-open confirmation.
fn confirmation_made_stale() -> (Db, Console) {
    let db = Db::new();
    db.shipping_import("acme-import-7", &["WD-1001", "WD-1002"], NOW);
    let mut console = Console::open(&db.path, &[]);
    console.wait_for("READ-WRITE");
    console.send("3");
    console.wait_for(" Drives · 2 rows");
    console.send(ENTER);
    console.wait_for("Actions on acme-import-7/WD-1001");
    console.send(ENTER);
    console.wait_for("receive acme-import-7/WD-1001: 1 change?");
    db.ok(&["act", "acme-import-7/WD-1001", "fault", "--set", "reason=label torn"]);
    console.wait_until("WD-1001 shown as Faulted behind the confirmation", |s| {
        row_shows(s, "WD-1001", "Faulted")
    });
    console.wait_for("receive acme-import-7/WD-1001: 1 change?");
    console.send("y");
    console.wait_for("Changed by someone else (S7)");
    (db, console)
}

#[test]
fn s7_confirming_a_change_someone_else_made_stale_writes_nothing() {
    let (db, mut console) = confirmation_made_stale();
    console.wait_for("nothing was written");
    console.send(ENTER);
    console.wait_gone("Changed by someone else (S7)");
    console.send("q");
    assert_restored(&mut console);

    let job = db.job("acme-import-7");
    let events = job["events"].as_array().expect("events");
    assert!(
        events.iter().all(|e| e["operator"] != OPERATOR),
        "the console wrote despite the stale read: {events:#?}"
    );
    let drive = job["driveList"].as_array().and_then(|d| d.iter().find(|d| d["driveId"] == "WD-1001"));
    assert_eq!(drive.map(|d| d["state"].clone()), Some("Faulted".into()));
}

#[test]
fn s7_after_a_refused_write_the_status_line_does_not_claim_to_be_writing() {
    let (_db, mut console) = confirmation_made_stale();
    console.send(ENTER);
    console.wait_gone("Changed by someone else (S7)");
    console.wait_until("a status line that does not say writing…", |s| {
        s.contents().lines().last().is_some_and(|footer| !footer.contains("writing"))
    });
    console.send("q");
    assert_restored(&mut console);
}

#[test]
fn the_update_form_shows_every_field_name_in_full() {
    let db = Db::new();
    db.ok(&["job", "create", "form-job", "--type", "import", "--drive", "F-0001"]);
    let mut console = Console::open(&db.path, &[]);
    console.wait_for("READ-WRITE");
    console.send("2");
    console.wait_for("form-job");
    console.send(ENTER);
    console.wait_for("Actions on form-job");
    console.send(ENTER); // update, the first action on a Creating job
    for name in ["deliveryPackage.trackingNumber", "returnShipping.carrierAccountNumber"] {
        console.wait_until(&format!("{name} in full in the update form"), |s| {
            let text = s.contents();
            text.contains(" update form-job ") && text.contains(name)
        });
    }
    console.send(CTRL_C);
    assert_restored(&mut console);
}

/// Issue 6: customer text full of terminal controls reaches the console's
/// tables, detail pane and audit view, and the raw bytes the console writes
/// never carry one of those sequences: they are shown escaped.
#[test]
fn hostile_customer_text_never_reaches_the_terminal_raw() {
    use ieops::domain::create::create_job;
    use ieops::domain::{Ctx, Drive, DriveState, JobType};
    use ieops::store::{Access, Store};

    const NAME: &str = "evil\u{1b}]0;PWNED\u{7}job";
    const NOTE: &str = "\u{1b}[2J\u{1b}[31mREDTEXT\u{1b}]52;c;cm0gLXJmIC8=\u{7}";
    const CITY: &str = "Zurich\u{202e}gpj.exe\u{200b}";
    const DRIVE: &str = "D\u{9b}31mC1DRIVE";
    let db = Db::new();
    {
        let now = chrono::DateTime::parse_from_rfc3339(NOW).expect("now").to_utc();
        let ctx = Ctx { operator: "import", now, note: Some("\u{1b}[5mBLINKNOTE") };
        let mut change =
            create_job("placeholder", JobType::Import, &["D1".into()], &[], &ctx).expect("create");
        change.job.name = NAME.into();
        change.job.customer_note = Some(NOTE.into());
        change.job.return_address.city = Some(CITY.into());
        change.job.drives.push(Drive::new(DRIVE, DriveState::Specified, now));
        let mut store = Store::open(&db.path, Access::ReadWrite).expect("open");
        store.write(|w| w.insert_job(&change.job, &change.events)).expect("insert");
    }
    let mut console = Console::open(&db.path, &[]);
    console.wait_for("2 Jobs (1)");
    let steps = [
        ("2", "evil\\x1b]0;PWNED\\x07job"),
        ("d", "REDTEXT"),
        ("d3", "C1DRIVE"),
        ("4", "import evil\\x1b]0;PWNED"),
    ];
    for (keys, shown) in steps {
        console.send(keys);
        console.wait_for(shown);
    }
    console.send("q");
    assert_restored(&mut console);
    let raw = console.raw();
    for payload in [
        &b"\x1b]0;PWNED"[..],
        b"\x1b[31mREDTEXT",
        b"\x1b]52;c;",
        b"\x1b[5mBLINKNOTE",
        "\u{202e}".as_bytes(),
        "\u{200b}".as_bytes(),
        "\u{9b}".as_bytes(),
        b"\x07",
    ] {
        assert!(rfind(&raw, payload).is_none(), "the console wrote {payload:?} raw to the terminal");
    }
}

/// Types `text` as a USB barcode scanner does, a character every 5 ms, then Enter.
fn scan(console: &mut Console, text: &str) {
    for c in text.chars() {
        console.send(&c.to_string());
        std::thread::sleep(Duration::from_millis(5));
    }
    console.send(ENTER);
}

/// Two jobs shipped at NOW: acme (WD-1…3; WD-2 already came in a first
/// package and WD-3 was missing from it, so it is NeverReceived) and other
/// (OT-1), each with its own delivery package.
fn dock_fixture(db: &Db) {
    db.shipping_import("acme", &["WD-1", "WD-2", "WD-3"], NOW);
    db.ok(&["job", "create", "other", "--type", "import", "--drive", "OT-1"]);
    let mut ship: Vec<&str> = vec!["act", "other", "ship"];
    ship.extend(support::SHIPPABLE.iter().map(|s| {
        if s.starts_with("deliveryPackage.trackingNumber") {
            "deliveryPackage.trackingNumber=FX-77"
        } else {
            s
        }
    }));
    db.ok(&ship);
    db.ok(&["arrival", "--carrier", "UPS", "--tracking", "1Z-FIRST", "--drive", "WD-2", "--job", "acme"]);
    db.ok(&["act", "acme/WD-3", "never-received"]);
}

/// Issue 13: a whole package through receiving mode, typed as a scanner
/// types: a listed drive, a late one, another job's, an extra and a typo
/// taken back before the commit. The database afterwards holds what the
/// same package recorded with `ieops arrival` holds.
#[test]
fn a_package_received_at_the_dock_is_what_ieops_arrival_records() {
    let dock = Db::new();
    dock_fixture(&dock);
    let mut console = Console::open(&dock.path, &[]);
    console.wait_for("READ-WRITE");
    console.send("R");
    console.wait_for("Receiving — 0 scanned");
    scan(&mut console, "UPS");
    scan(&mut console, "1Z999AA10123456784");
    console.wait_until("acme proposed for the tracking number", |s| {
        s.contents().lines().any(|l| l.contains(" job      acme"))
    });
    console.send(ENTER); // the proposed job is the package's
    scan(&mut console, "dock 3, seal intact"); // the note, for the audit log
    for serial in ["WD-1", "WD-3", "OT-1", "X-9", "QQQ-TYPO"] {
        scan(&mut console, serial);
    }
    console.wait_for("Receiving — 5 scanned");
    console.wait_for("listed → Received (D2)");
    console.wait_for("late → Received (D4)");
    console.wait_for("listed by other → goes to that job (S8)");
    console.wait_for("listed by no job → extra of acme (D9)");
    console.send("\x04"); // Ctrl-D: the typo goes
    console.wait_for("Receiving — 4 scanned");
    console.wait_gone("QQQ-TYPO");
    console.send(ENTER); // an empty serial: review the package
    console.wait_for("record 4 drives from UPS 1Z999AA10123456784: 6 changes?");
    console.wait_for("then other becomes Received (J8)");
    console.wait_for("warning: job other expects UPS FX-77");
    console.send("y");
    console.wait_for("done: package 1Z999AA10123456784 recorded — 6 audit events recorded");
    console.send("q");
    assert_restored(&mut console);

    let cli = Db::new();
    dock_fixture(&cli);
    cli.ok(&[
        "arrival",
        "--carrier",
        "UPS",
        "--tracking",
        "1Z999AA10123456784",
        "--job",
        "acme",
        "--drive",
        "WD-1",
        "--drive",
        "WD-3",
        "--drive",
        "OT-1",
        "--drive",
        "X-9",
        "--note",
        "dock 3, seal intact",
    ]);
    for job in ["acme", "other"] {
        assert_eq!(recorded(&dock, job), recorded(&cli, job), "{job}");
    }
}

/// What a database holds of a job: each drive (id, state, extra) and each
/// audit event (action, drive, from, to, rule, detail, note), without who and when.
type Recorded = (Vec<(String, String, bool)>, Vec<Vec<serde_json::Value>>);

fn recorded(db: &Db, job: &str) -> Recorded {
    let shown = db.job(job);
    let drives = shown["driveList"]
        .as_array()
        .expect("drives")
        .iter()
        .map(|d| (d["driveId"].to_string(), d["state"].to_string(), d["extra"].as_bool().unwrap_or(false)))
        .collect();
    let history: serde_json::Value = serde_json::from_str(&db.ok(&["--json", "history", job])).expect("json");
    let events = history
        .as_array()
        .expect("events")
        .iter()
        .map(|e| {
            ["action", "driveId", "fromState", "toState", "rule", "detail", "note"]
                .map(|k| e[k].clone())
                .to_vec()
        })
        .collect();
    (drives, events)
}

/// Issue 13: a second filter used to leave the detail pane "reading…" and
/// Enter answering "still reading": the job a new filter selects is read.
#[test]
fn a_second_filter_reads_the_job_it_selects() {
    let db = Db::new();
    db.shipping_import("evil-corp-archive", &["EV-1"], NOW);
    db.shipping_import("woodgrove-seismic-7", &["WG-1"], NOW);
    let mut console = Console::open(&db.path, &[]);
    console.wait_for("READ-WRITE");
    console.send("2");
    console.wait_for(" Jobs · 2 rows");
    console.send("d");
    console.send("/evil");
    console.send(ENTER);
    console.wait_for("filter: evil");
    console.send("/");
    console.send("\x7f\x7f\x7f\x7f"); // the line starts with the filter in force
    console.send("woodgrove-seismic");
    console.send(ENTER);
    console.wait_for("filter: woodgrove-seismic");
    console.wait_until("the detail pane shows the job, not reading…", |s| {
        let text = s.contents();
        !text.contains("reading…") && text.contains("woodgrove-seismic-7")
    });
    console.send(ENTER);
    console.wait_for("Actions on woodgrove-seismic-7");
    assert!(!console.screen().contains("still reading"), "{}", console.screen());
}

/// Issue 14: `--demo` keeps its database in a private directory of its own
/// (0700, an unpredictable name: nothing planted beforehand can be opened and
/// filled), and removes it when the console closes. Links planted in TMPDIR
/// at the names a demo file could have, pointing at a real database, leave
/// that database byte for byte as it was.
#[test]
fn the_demo_database_lives_in_a_private_directory_removed_on_quit() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().expect("temp dir");
    let db = Db::new();
    db.ok(&["demo", "--jobs", "5"]);
    let real = std::fs::read(&db.path).expect("the real database");
    let planted = ["demo.db", "ieops-demo.db", "ieops-demo-1.db", "ieops-demo-"];
    for name in planted {
        std::os::unix::fs::symlink(&db.path, tmp.path().join(name)).expect("plant a link");
    }
    let tmpdir = tmp.path().to_str().expect("utf-8").to_string();
    let mut console = Console::open_with_env(&db.path, &["--demo"], &[("TMPDIR", &tmpdir)]);
    console.wait_for("READ-WRITE");
    let entries: Vec<_> = std::fs::read_dir(tmp.path())
        .expect("read")
        .map(|e| e.expect("entry").path())
        .filter(|p| !planted.iter().any(|name| p.ends_with(name)))
        .collect();
    assert_eq!(entries.len(), 1, "{entries:?}");
    let dir = &entries[0];
    assert!(
        dir.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("ieops-demo-")),
        "{dir:?}"
    );
    let mode = std::fs::metadata(dir).expect("meta").permissions().mode() & 0o777;
    assert_eq!(mode, 0o700, "a private directory");
    assert!(dir.join("demo.db").is_file());
    console.send("q");
    assert_restored(&mut console);
    let mut left: Vec<_> =
        std::fs::read_dir(tmp.path()).expect("read").map(|e| e.expect("entry").file_name()).collect();
    left.sort();
    let mut links: Vec<_> = planted.iter().map(std::ffi::OsString::from).collect();
    links.sort();
    assert_eq!(left, links, "the demo left only the planted links");
    assert!(std::fs::read(&db.path).expect("the real database") == real, "the real database was touched");
}

/// Issue 14: a `--demo` whose fill fails (its temporary directory on a full
/// file system) says so in one line and leaves nothing behind there.
#[test]
fn a_demo_whose_fill_fails_leaves_no_files() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=256k", "tmpfs"])
        .arg(tmp.path())
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        eprintln!("cannot mount a small tmpfs here (not root): the failed demo fill is left to CI");
        return;
    }
    let db = Db::new();
    let tmpdir = tmp.path().to_str().expect("utf-8").to_string();
    let mut console = Console::open_with_env(&db.path, &["--demo"], &[("TMPDIR", &tmpdir)]);
    let status = console.wait_exit();
    let left: Vec<_> =
        std::fs::read_dir(tmp.path()).expect("read").map(|e| e.expect("entry").file_name()).collect();
    let _ = std::process::Command::new("umount").arg(tmp.path()).status();
    assert_eq!(status.exit_code(), 1, "{}", console.screen());
    assert!(console.screen().contains("database or disk is full"), "{}", console.screen());
    assert!(left.is_empty(), "the failed demo left {left:?}");
}

/// Issue 14: SIGTERM, SIGHUP, SIGINT and SIGQUIT end the console as `q` does:
/// the alternate screen left, the cursor shown, cooked mode back, and a
/// `--demo` console's files removed.
#[test]
fn stop_signals_restore_the_terminal_and_remove_the_demo_files() {
    for signal in ["TERM", "HUP", "INT", "QUIT"] {
        let tmp = tempfile::tempdir().expect("temp dir");
        let db = Db::new();
        let tmpdir = tmp.path().to_str().expect("utf-8").to_string();
        let mut console = Console::open_with_env(&db.path, &["--demo"], &[("TMPDIR", &tmpdir)]);
        console.wait_for("READ-WRITE");
        let pid = console.child.process_id().expect("the console's pid");
        let sent =
            std::process::Command::new("kill").args([&format!("-{signal}"), &pid.to_string()]).status();
        assert!(sent.is_ok_and(|s| s.success()), "kill -{signal}");
        assert_restored(&mut console);
        let left: Vec<_> = std::fs::read_dir(tmp.path()).expect("read").collect();
        assert!(left.is_empty(), "SIG{signal}: the demo left {left:?}");
    }
}

/// A job "wall-job" with `drives`, in a directory the console's user (nobody)
/// may not write, and a read-only console as that user on its Jobs view.
fn wall_screen_in_a_locked_directory(drives: &[&str]) -> (Db, std::path::PathBuf, Console) {
    use std::os::unix::fs::PermissionsExt;
    let db = Db::new();
    db.shipping_import("wall-job", drives, NOW);
    let dir = db.path.parent().expect("dir").to_path_buf();
    std::fs::set_permissions(&db.path, std::fs::Permissions::from_mode(0o644)).expect("chmod file");
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o555)).expect("chmod dir");
    let mut console = Console::open_argv(support::unprivileged_command(), &db.path, &["--read-only"], &[]);
    console.send("2");
    console.wait_for("wall-job");
    (db, dir, console)
}

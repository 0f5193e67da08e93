//! Drives the console the way its runtime does: keys go through
//! `console::key_message`, messages through `update`, and the effects are run
//! against a real `Store` with the worker's own functions.
#![allow(dead_code)] // each test binary uses a different part of this

use chrono::{TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use ieops::console::data::JobRow;
use ieops::console::model::{Config, Model, Popup, View};
use ieops::console::msg::Msg;
use ieops::console::rows::{self, RowRef};
use ieops::console::theme::Theme;
use ieops::console::update::{Effect, update};
use ieops::console::{key_message, view, worker};
use ieops::domain::attention::Subject;
use ieops::domain::{DriveState, Job, JobState, Timestamp};
use ieops::store::Store;

/// The fixed path shown in the header: the in-memory store has none worth showing.
pub const DB_PATH: &str = "/var/lib/ieops/ieops.db";
pub const OPERATOR: &str = "amara";
/// The demo's seed, as `ieops demo` uses it.
pub const SEED: u64 = 2026;
pub const JOBS: usize = 60;

/// 2026-11-22T12:00:00Z: the console's fixed "now".
pub fn now() -> Timestamp {
    Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap()
}

pub fn config(read_only: bool) -> Config {
    Config {
        db_path: DB_PATH.to_string(),
        operator: OPERATOR.to_string(),
        read_only,
        simulated: false,
        theme: Theme { color: false, ..Theme::with(Default::default()) },
        keys: Default::default(),
        bell: false,
        cycle_seconds: None,
        columns: Default::default(),
        filters: Vec::new(),
    }
}

/// Writes the demo data into `store` the way `ieops demo` does (`fill_demo`).
pub fn fill_demo(store: &mut Store) {
    let data = ieops::demo::generate(JOBS, now(), SEED).expect("the demo script is accepted by the rules");
    store
        .write(|w| {
            for (job, events) in &data.jobs {
                w.insert_job(job, events)?;
            }
            for (arrival, events) in &data.arrivals {
                w.insert_arrival(arrival, events)?;
            }
            Ok(())
        })
        .expect("demo data is written");
}

pub fn demo_store() -> Store {
    let mut store = Store::open_in_memory().expect("in-memory store");
    fill_demo(&mut store);
    store
}

/// A console on `store`, after the first load the runtime asks for at start.
pub fn console(store: &mut Store, read_only: bool) -> Model {
    let mut model = Model::new(config(read_only), now());
    // What the worker sends at start: the first read, then the tables, then the archive.
    let overview = worker::overview(store, now()).expect("first read");
    let mut effects = update(&mut model, Msg::Overview(Box::new(overview)));
    effects.extend(update(&mut model, worker::tables(store, now())));
    effects.extend(update(&mut model, worker::archive(store)));
    run(&mut model, store, effects);
    assert!(model.loaded, "the first load reached the model");
    model
}

/// Runs effects as the worker would, feeding each result back to `update`,
/// until nothing more is asked. Writes are performed.
pub fn run(model: &mut Model, store: &mut Store, effects: Vec<Effect>) {
    let mut pending = effects;
    while !pending.is_empty() {
        let mut next = Vec::new();
        for effect in pending {
            let msg = match effect {
                Effect::Reload => {
                    let mut since = model.data.last_event_id;
                    worker::changes(store, &mut since)
                }
                Effect::LoadJob(id) => match store.jobs_by_ids(&[id]).expect("job is read").pop() {
                    Some(job) => Msg::JobLoaded(Box::new(job)),
                    None => continue,
                },
                Effect::LoadHistory(job_id) => {
                    Msg::History { job_id, events: store.history(job_id).expect("history is read") }
                }
                Effect::Preview { title, asks, note } => {
                    worker::preview(store, title, asks, note, OPERATOR, now())
                }
                Effect::PreviewArrival(package) => worker::preview_arrival(store, package, OPERATOR, now()),
                Effect::Write(plan) => Msg::Written(worker::write(store, plan, OPERATOR, now())),
                Effect::Import(path) => {
                    Msg::Imported(worker::import(store, &path, "amara", now(), &|| false))
                }
                // Runs synchronously here: an import is over before an Esc could come.
                Effect::CancelImport => continue,
                Effect::Export { path, header, rows } => {
                    Msg::Exported(worker::export(&path, &header, &rows, store.path()))
                }
                Effect::Copy(_) => continue, // the terminal's: tests look at the effect
            };
            next.extend(update(model, msg));
        }
        pending = next;
    }
}

pub fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

pub fn ch(c: char) -> KeyEvent {
    key(KeyCode::Char(c))
}

pub fn ctrl(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
}

/// One key, as the runtime handles it: keymap, then `update`. Returns the effects.
pub fn press(model: &mut Model, key: KeyEvent) -> Vec<Effect> {
    match key_message(model, key) {
        Some(msg) => update(model, msg),
        None => Vec::new(),
    }
}

/// Several keys; the effects of all of them, in order.
pub fn press_all(model: &mut Model, keys: &[KeyEvent]) -> Vec<Effect> {
    keys.iter().flat_map(|k| press(model, *k)).collect()
}

/// Types text character by character.
pub fn type_text(model: &mut Model, text: &str) -> Vec<Effect> {
    text.chars().flat_map(|c| press(model, ch(c))).collect()
}

/// Presses a key and runs what it asks for against the store.
pub fn press_and_run(model: &mut Model, store: &mut Store, k: KeyEvent) {
    let effects = press(model, k);
    run(model, store, effects);
}

/// Moves the cursor of the current view to the row whose subject is `subject`,
/// with `j` presses from the top (`g`), as an operator would.
pub fn select(model: &mut Model, store: &mut Store, subject: &Subject) {
    press_and_run(model, store, ch('g'));
    let index = rows::rows(model, model.view)
        .iter()
        .position(|r| r.subject().as_ref() == Some(subject))
        .unwrap_or_else(|| panic!("{subject} is not a row of the {} view", model.view.title()));
    for _ in 0..index {
        press_and_run(model, store, ch('j'));
    }
    assert_eq!(model.cursor(), index, "the cursor reached {subject}");
}

/// Switches to a view with its number key.
pub fn show(model: &mut Model, store: &mut Store, view: View) {
    let digit = char::from(b'1' + view.index() as u8);
    press_and_run(model, store, ch(digit));
    assert_eq!(model.view, view);
}

/// The subjects of a view's rows, in order.
pub fn subjects(model: &Model, view: View) -> Vec<String> {
    rows::rows(model, view).iter().filter_map(RowRef::subject).map(|s| s.to_string()).collect()
}

/// The jobs in a view's rows, in order.
pub fn job_rows(model: &Model, view: View) -> Vec<&JobRow> {
    rows::rows(model, view)
        .into_iter()
        .filter_map(|r| match r {
            RowRef::Job(j) => Some(j),
            _ => None,
        })
        .collect()
}

/// A Shipping import with one Specified drive left: receiving it fires J8.
pub const LAST_SPECIFIED: (&str, &str) = ("wingtiptoys-migration-2026-11-15", "WD-WMC4N45UTLNI");
/// A Shipping import with exactly two drives, both Specified, next to each other in the Drives view.
pub const TWO_SPECIFIED: (&str, [&str; 2]) =
    ("fourthcoffee-genomics-2026-11-07", ["S4EVNF0MTV529H", "WD-WMC4NUGUJAH6"]);
/// A Creating import with no delivery package and no return address yet.
pub const CREATING: &str = "margiestravel-seismic-2026-11-20";

/// The stored job `name`, checked to be in `state` with exactly `specified_drives` Specified.
pub fn demo_job(store: &Store, name: &str, state: JobState, specified_drives: &[&str]) -> Job {
    let job =
        store.job(name).ok().flatten().unwrap_or_else(|| panic!("the demo (seed {SEED}) has job {name}"));
    assert_eq!(job.state, state, "{name} is {state} in the demo");
    assert_eq!(specified(&job), specified_drives, "the Specified drives of {name}");
    job
}

pub fn drive_subject(job: &str, drive_id: &str) -> Subject {
    Subject::Drive { job: job.to_string(), drive_id: drive_id.to_string() }
}

/// The Specified drives of a job, in its order.
pub fn specified(job: &Job) -> Vec<String> {
    job.drives.iter().filter(|d| d.state == DriveState::Specified).map(|d| d.drive_id.clone()).collect()
}

pub fn terminal(model: &Model, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    terminal.draw(|frame| view::view(model, frame)).expect("a frame is drawn");
    terminal
}

/// The screen as text, one line a row.
pub fn screen(model: &Model, width: u16, height: u16) -> String {
    let terminal = terminal(model, width, height);
    let buffer = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..buffer.area.height {
        let mut skip = 0;
        for x in 0..buffer.area.width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let symbol = buffer[(x, y)].symbol();
            out.push_str(symbol);
            skip = unicode_width::UnicodeWidthStr::width(symbol).saturating_sub(1);
        }
        out.push('\n');
    }
    out
}

/// The popup's kind, for messages.
pub fn popup_name(model: &Model) -> &'static str {
    match &model.popup {
        None => "none",
        Some(Popup::Menu { .. }) => "menu",
        Some(Popup::Form(_)) => "form",
        Some(Popup::Confirm { .. }) => "confirm",
        Some(Popup::Help { .. }) => "help",
        Some(Popup::Rules { .. }) => "rules",
        Some(Popup::Message { .. }) => "message",
        Some(Popup::Dock(_)) => "dock",
    }
}

/// What another operator, "bruno", does to the job from a second connection.
#[derive(Debug, Clone, Copy)]
pub enum Bruno {
    /// Receives the very drive amara is about to receive: a true conflict.
    ReceivesTheDrive,
    /// Updates the job's return address: nothing amara's receipt depends on.
    UpdatesTheAddress,
}

/// Bruno acts on drive `drive` of job `name` in the database at `path`, as
/// `ieops act …` would.
pub fn bruno(path: &std::path::Path, name: &str, drive: &str, what: Bruno) {
    use ieops::domain::{Action, Ctx, TargetKind};
    use ieops::ops::Ask;
    let mut other = Store::open(path, ieops::store::Access::ReadWrite).expect("a second connection");
    let ask = match what {
        Bruno::ReceivesTheDrive => {
            let Ok(Action::Drive(action)) = Action::parse(TargetKind::Drive, "receive", &[]) else {
                panic!("receive parses")
            };
            Ask::Drive { job: name.into(), drive_id: drive.into(), action }
        }
        Bruno::UpdatesTheAddress => {
            let sets = [("returnAddress.phone".to_string(), "+61 3 5550 0000".to_string())];
            let Ok(Action::Job(action)) = Action::parse(TargetKind::Job, "update", &sets) else {
                panic!("update parses")
            };
            Ask::Job { job: name.into(), action }
        }
    };
    let ctx = Ctx { operator: "bruno", now: now(), note: None };
    ieops::ops::act(&mut other, &[ask], &ctx, None).expect("bruno's write commits");
}

/// Chooses `action` in the menu Enter opens on the selection; returns the effects.
pub fn choose(model: &mut Model, action: &str) -> Vec<Effect> {
    let mut effects = press(model, key(KeyCode::Enter));
    let Some(Popup::Menu { actions, .. }) = &model.popup else {
        panic!("Enter opens the action menu, not {}", popup_name(model))
    };
    let index = actions
        .iter()
        .position(|a| a.kind.name() == action)
        .unwrap_or_else(|| panic!("{action} is not offered: {actions:?}"));
    for _ in 0..index {
        effects.extend(press(model, ch('j')));
    }
    effects.extend(press(model, key(KeyCode::Enter)));
    effects
}

/// A console on a demo file where amara has confirmed receiving the last
/// Specified drive of a job, and bruno has then acted on that job from
/// another connection.
pub struct StaleReceive {
    pub dir: tempfile::TempDir,
    pub store: Store,
    pub model: Model,
    pub plan: ieops::console::model::Plan,
}

pub fn stale_receive(what: Bruno) -> StaleReceive {
    let (name, drive) = LAST_SPECIFIED;
    confirmed_receive(name, drive, drive, what)
}

/// Amara confirms receiving `job/drive`; then bruno acts on `job/bruno_drive`.
pub fn confirmed_receive(job: &str, drive: &str, bruno_drive: &str, what: Bruno) -> StaleReceive {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("ieops.db");
    let mut store = Store::open(&path, ieops::store::Access::ReadWrite).expect("store");
    fill_demo(&mut store);
    let mut model = console(&mut store, false);
    show(&mut model, &mut store, View::Drives);
    select(&mut model, &mut store, &drive_subject(job, drive));
    choose(&mut model, "receive");
    let effects = press(&mut model, ch('y'));
    let [Effect::Write(plan)] = effects.as_slice() else { panic!("y writes: {effects:?}") };
    let plan = plan.clone();
    bruno(&path, job, bruno_drive, what);
    StaleReceive { dir, store, model, plan }
}

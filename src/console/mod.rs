//! The operator console: a keyboard-driven ratatui dashboard in the Elm
//! shape — a [`model::Model`], [`msg::Msg`]s, [`update::update`] and a pure
//! [`view::view`]. Keys become messages only in [`keymap`]; the database is
//! read and written by [`worker`] off the render path.

mod by_name;
pub mod data;
pub mod dock;
pub mod filter;
pub mod keymap;
pub mod model;
pub mod msg;
pub mod navigate;
pub mod rows;
pub mod search;
pub mod theme;
pub mod update;
pub mod view;
pub mod worker;

use std::time::Instant;

use chrono::SubsecRound;
use crossterm::event::{Event, EventStream, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use futures::StreamExt;

use crate::domain::Timestamp;
use crate::store::Store;
use keymap::Context;
use model::{Config, Model, Popup};
use msg::Msg;

/// How the console was started.
pub struct Options {
    pub operator: String,
    /// `--now`: run at a simulated time that advances from here.
    pub start: Option<Timestamp>,
    /// Capture the mouse: click rows, tabs and menu items, scroll with the wheel.
    pub mouse: bool,
    pub theme: theme::Theme,
    pub keys: keymap::Keymap,
    /// How often other processes' commits are looked for.
    pub refresh: std::time::Duration,
    pub bell: bool,
    pub cycle_seconds: Option<u64>,
    pub columns: [Option<Vec<usize>>; 5],
    pub filters: Vec<(String, String)>,
}

impl Options {
    /// The console's options from the settings file, checked: what it says
    /// wrong is said in one line. `--no-mouse` wins over `mouse = true`.
    pub fn new(
        operator: String,
        start: Option<Timestamp>,
        no_mouse: bool,
        settings: &crate::config::Settings,
    ) -> Result<Options, String> {
        Ok(Options {
            operator,
            start,
            mouse: !no_mouse && settings.mouse.unwrap_or(true),
            theme: theme::Theme::with(
                settings.theme.as_deref().map(theme::Palette::parse).transpose()?.unwrap_or_default(),
            )
            .with_colors(&settings.colors)?,
            keys: keymap::Keymap::with_remaps(&settings.keys)?,
            refresh: std::time::Duration::from_millis(settings.refresh_ms.unwrap_or(worker::POLL_MS)),
            bell: settings.bell.unwrap_or(false),
            cycle_seconds: settings.cycle_seconds.filter(|s| *s > 0),
            columns: view::tables::column_orders(&settings.columns)?,
            filters: settings
                .filters
                .iter()
                .map(|(name, text)| match filter::Filter::parse(text) {
                    Ok(_) => Ok((name.clone(), text.clone())),
                    Err(e) => Err(format!("[filters] {name}: {e}")),
                })
                .collect::<Result<_, String>>()?,
        })
    }
}

/// Runs the console until the operator quits. The terminal is restored on
/// quit, on error, on panic (ratatui's hook), and on SIGTERM, SIGHUP, SIGINT
/// and SIGQUIT: each ends the loop like `q`, so a write in flight finishes on
/// the worker first and the caller's clean-up (the demo's files) runs.
pub fn run(store: Store, options: Options) -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_time().enable_io().build()?;
    runtime.block_on(main_loop(store, options))
}

/// SIGTERM, SIGHUP, SIGINT and SIGQUIT, caught from the moment this exists
/// (their default would end the process with the terminal still raw).
struct StopSignals([tokio::signal::unix::Signal; 4]);

impl StopSignals {
    fn catch() -> std::io::Result<StopSignals> {
        use tokio::signal::unix::{SignalKind, signal};
        Ok(StopSignals([
            signal(SignalKind::terminate())?,
            signal(SignalKind::hangup())?,
            signal(SignalKind::interrupt())?,
            signal(SignalKind::quit())?,
        ]))
    }

    /// Resolves when one of them arrives.
    async fn recv(&mut self) {
        let [term, hup, int, quit] = &mut self.0;
        tokio::select! {
            _ = term.recv() => {}
            _ = hup.recv() => {}
            _ = int.recv() => {}
            _ = quit.recv() => {}
        }
    }
}

async fn main_loop(store: Store, options: Options) -> std::io::Result<()> {
    let clock = Clock { start: options.start, started: Instant::now() };
    let config = Config {
        db_path: store.path().display().to_string(),
        operator: options.operator,
        read_only: store.is_read_only(),
        simulated: options.start.is_some(),
        theme: options.theme,
        keys: options.keys,
        bell: options.bell,
        cycle_seconds: options.cycle_seconds,
        columns: options.columns,
        filters: options.filters,
    };
    let mut model = Model::new(config, clock.now());
    let (msg_tx, mut msg_rx) = tokio::sync::mpsc::unbounded_channel();
    let worker_clock = Clock { start: clock.start, started: clock.started };
    let operator = model.config.operator.clone();
    let worker = worker::spawn(store, msg_tx, operator, move || worker_clock.now(), options.refresh);

    // Caught before the terminal changes: a signal that comes early still
    // finds the loop that restores it.
    let mut stop = StopSignals::catch()?;
    let mut terminal = ratatui::init();
    let mouse = options.mouse && capture_mouse().is_ok();
    if let Ok(size) = terminal.size() {
        update::update(&mut model, Msg::Resize(size.width, size.height));
    }
    let mut keys = EventStream::new();
    let mut ticker = tokio::time::interval(std::time::Duration::from_secs(1));
    let mut dirty = true;
    // Hidden switch for the terminal-safety tests: panic once a frame is on screen.
    let panic_for_tests = std::env::var_os("IEOPS_TEST_PANIC_AFTER_DRAW").is_some();
    let result = loop {
        if dirty {
            if let Err(e) = terminal.draw(|frame| view::view(&model, frame)) {
                break Err(e);
            }
            dirty = false;
            if panic_for_tests && model.loaded {
                panic!("IEOPS_TEST_PANIC_AFTER_DRAW is set: panicking on purpose");
            }
        }
        let msg = tokio::select! {
            event = keys.next() => match event {
                Some(Ok(Event::Key(key))) if key.kind != KeyEventKind::Release => {
                    // Over a slow link, Esc and the next key arrive together as Alt+key:
                    // back out first, then take the key, so neither is lost.
                    if key.modifiers.contains(KeyModifiers::ALT) {
                        let esc = KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE);
                        if let Some(msg) = key_message(&model, esc) {
                            for effect in update::update(&mut model, msg) {
                                perform(&worker, effect);
                            }
                            dirty = true;
                        }
                    }
                    let plain = KeyEvent::new(key.code, key.modifiers - KeyModifiers::ALT);
                    key_message(&model, plain)
                }
                Some(Ok(Event::Resize(width, height))) => Some(Msg::Resize(width, height)),
                Some(Ok(Event::Mouse(event))) if mouse => Some(Msg::Mouse(event)),
                Some(Ok(_)) => None,
                Some(Err(e)) => break Err(e),
                None => break Ok(()),
            },
            Some(msg) = msg_rx.recv() => Some(msg),
            _ = ticker.tick() => Some(Msg::Tick(clock.now())),
            () = stop.recv() => break Ok(()),
        };
        if let Some(msg) = msg {
            let bells = model.bells;
            for effect in update::update(&mut model, msg) {
                perform(&worker, effect);
            }
            if model.bells > bells {
                ring();
            }
            dirty = true;
        }
        if model.quit {
            break Ok(());
        }
    };
    if mouse {
        release_mouse();
    }
    ratatui::restore();
    worker.stop();
    result
}

/// Turns mouse reporting on, and makes sure a panic turns it off again
/// (ratatui's own hook restores the rest of the terminal).
fn capture_mouse() -> std::io::Result<()> {
    crossterm::execute!(std::io::stdout(), crossterm::event::EnableMouseCapture)?;
    let restore = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        release_mouse();
        restore(info);
    }));
    Ok(())
}

/// Runs an effect: the terminal's own here, the database's on the worker.
fn perform(worker: &worker::Worker, effect: update::Effect) {
    match effect {
        update::Effect::Copy(text) => copy(&text),
        effect => worker.run(effect),
    }
}

/// OSC 52: the terminal puts the text on the system clipboard. The text is
/// base64 inside the sequence: nothing in it reaches the terminal raw.
fn copy(text: &str) {
    use base64::Engine;
    use std::io::Write;
    let encoded = base64::engine::general_purpose::STANDARD.encode(text);
    let mut out = std::io::stdout();
    let _ = write!(out, "\x1b]52;c;{encoded}\x07").and_then(|()| out.flush());
}

/// The terminal's bell (BEL): a wall screen's sound for a new item.
fn ring() {
    use std::io::Write;
    let mut out = std::io::stdout();
    let _ = out.write_all(b"\x07").and_then(|()| out.flush());
}

fn release_mouse() {
    let _ = crossterm::execute!(std::io::stdout(), crossterm::event::DisableMouseCapture);
}

/// Where the keyboard focus is.
pub fn context(model: &Model) -> Context {
    match &model.popup {
        Some(Popup::Menu { .. }) => Context::Menu,
        Some(Popup::Form(_)) => Context::Form,
        Some(Popup::Confirm { .. }) => Context::Confirm,
        Some(Popup::Help { .. } | Popup::Rules { .. }) => Context::Help,
        Some(Popup::Message { .. }) => Context::Message,
        Some(Popup::Dock(_)) => Context::Dock,
        None if model.input.is_some() => Context::Input,
        None => Context::Table,
    }
}

/// A key becomes a command through the keymap, or text for the focused input.
pub fn key_message(model: &Model, key: KeyEvent) -> Option<Msg> {
    let context = context(model);
    match model.config.keys.command_for(context, &key) {
        Some(command) => Some(Msg::Command(command)),
        None if matches!(context, Context::Input | Context::Form | Context::Dock) => Some(Msg::Edit(key)),
        None => None,
    }
}

/// The wall clock, or a simulated one that advances from `--now`.
#[derive(Clone, Copy)]
struct Clock {
    start: Option<Timestamp>,
    started: Instant,
}

impl Clock {
    fn now(&self) -> Timestamp {
        let now = match self.start {
            Some(start) => start + chrono::Duration::from_std(self.started.elapsed()).unwrap_or_default(),
            None => chrono::Utc::now(),
        };
        now.trunc_subsecs(0)
    }
}

//! `update`: a message in, the model changed and the effects to run out.
//! Pure: no I/O, no clock. A confirmation shows what an action would do,
//! decided on the snapshot the operator is looking at (or, when its job is
//! not held here, on the store by the worker); the write decides again inside
//! its transaction and writes only if nothing changed since (S7).

use ratatui_textarea::TextArea;

use crate::domain::arrival::valid_arrival_actions;
use crate::domain::attention::Subject;
use crate::domain::field::Field;
use crate::domain::{Action, ActionKind, Ctx, DriveAction, Event, TargetKind, valid_actions};
use crate::ops::{Ask, Decided, preview_on};
use crate::present::count;

use super::data::Changed;
use super::dock::{DockForm, FIELDS, Package, SERIAL};
use super::filter::Filter;
use super::model::{Form, FormField, FormPurpose, Input, InputKind, Model, Plan, Popup, View};
use super::msg::{Command, Confirmation, Msg, WriteFailure};
use super::rows::{self, sort_columns};

/// What `update` asks the runtime to do.
#[derive(Debug, Clone)]
pub enum Effect {
    /// Read what changed since the last read.
    Reload,
    /// Read one job in full (the operator selected it).
    LoadJob(i64),
    /// Import the service's JSON from a file (issue 4), like `ieops import`.
    Import(String),
    /// Give up the running import (Esc): its read is abandoned, and a write
    /// not yet begun is not begun.
    CancelImport,
    LoadHistory(i64),
    /// Decide what the asks would do on the store, for a confirmation titled
    /// `title` (their jobs are not held here).
    Preview {
        title: String,
        asks: Vec<Ask>,
        note: Option<String>,
    },
    /// Decide where a package's drives go on the store, for its confirmation.
    PreviewArrival(Package),
    Write(Plan),
    /// Write the view to a file (`:export PATH`): CSV, or JSON for `.json`.
    Export {
        path: String,
        header: Vec<String>,
        rows: Vec<Vec<String>>,
    },
    /// Put text on the clipboard: the terminal's OSC 52, written by the runtime.
    Copy(String),
}

/// Lines a page of the help moves.
const PAGE: usize = 10;
/// How long a status line stays (an error's twice as long).
const FLASH_SECONDS: i64 = 6;

pub fn update(model: &mut Model, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Command(command) => dispatch(model, command),
        Msg::Edit(key) => {
            edit(model, key);
            Vec::new()
        }
        Msg::Mouse(event) => mouse(model, event),
        Msg::Resize(width, height) => {
            model.size = (width, height);
            Vec::new()
        }
        Msg::Tick(now) => {
            model.now = now;
            expire_flash(model, now);
            if model.attention_until.is_some_and(|until| now >= until) {
                refresh_attention(model);
            }
            cycle_views(model, now)
        }
        Msg::Overview(overview) => {
            model.data.set_overview(*overview);
            model.loaded = true;
            data_changed(model)
        }
        Msg::Rows { jobs, drives, attention } => {
            model.data.set_rows(jobs, drives, attention);
            data_changed(model)
        }
        Msg::Archive(rows) => {
            model.data.set_archive(rows);
            data_changed(model)
        }
        Msg::Changed(changed) => changed_elsewhere(model, *changed),
        Msg::JobLoaded(job) => {
            model.data.keep(*job, model.now);
            Vec::new()
        }
        Msg::History { job_id, events } => {
            model.history = Some((job_id, events));
            Vec::new()
        }
        Msg::Exported(result) => {
            model.flash = Some(match result {
                Ok(done) => (done, false),
                Err(why) => (why, true),
            });
            Vec::new()
        }
        Msg::Imported(result) => {
            model.importing = None;
            update(model, Msg::Written(result))
        }
        Msg::Written(Ok(summary)) => {
            model.flash = Some((summary, false));
            model.marked.clear();
            vec![Effect::Reload]
        }
        Msg::Written(Err(WriteFailure { replan: Some(again), message, .. })) => {
            model.flash = Some((message, true));
            let title = format!(
                "Changed since you looked (S7): now {}. Confirm?",
                count(again.lines.len(), "change")
            );
            model.popup = Some(Popup::Confirm { title, lines: again.lines, plan: again.plan });
            vec![Effect::Reload]
        }
        Msg::Written(Err(WriteFailure { message, stale, replan: None })) => {
            let title = if stale { "Changed by someone else (S7)" } else { "Not written" };
            model.flash = None;
            model.popup = Some(Popup::Message { title: title.into(), text: message, error: true });
            vec![Effect::Reload]
        }
        Msg::Previewed { title, result } => {
            model.flash = None;
            model.popup = Some(match result {
                Ok(Confirmation { lines, plan }) => Popup::Confirm { title, lines, plan },
                Err(text) => Popup::Message { title: "Refused".into(), text, error: true },
            });
            Vec::new()
        }
        Msg::LoadFailed(message) => {
            model.flash = Some((format!("cannot read the database: {message}"), true));
            Vec::new()
        }
    }
}

/// A click selects what it is on (a tab, a row, a menu item); a click on the
/// selected row or item opens or chooses it, as Enter does. The wheel moves
/// the selection, or scrolls the detail pane under it. Whatever it asks goes
/// through the dispatcher, like a key.
fn mouse(model: &mut Model, event: crossterm::event::MouseEvent) -> Vec<Effect> {
    use super::view::Hit;
    use crossterm::event::{MouseButton, MouseEventKind};
    let hit = super::view::hit(model, event.column, event.row);
    match (event.kind, hit) {
        (MouseEventKind::Down(MouseButton::Left), Hit::Tab(view)) if model.input.is_none() => {
            dispatch(model, Command::ShowView(view))
        }
        (MouseEventKind::Down(MouseButton::Left), Hit::Row(at)) if model.input.is_none() => {
            if at == model.cursor() {
                return dispatch(model, Command::OpenActions);
            }
            model.cursor[model.view.index()] = at;
            selection_effects(model)
        }
        (MouseEventKind::Down(MouseButton::Left), Hit::MenuItem(item)) => {
            if let Some(Popup::Menu { selected, .. }) = &mut model.popup {
                if *selected != item {
                    *selected = item;
                    return Vec::new();
                }
            }
            dispatch(model, Command::Select)
        }
        (MouseEventKind::ScrollDown | MouseEventKind::ScrollUp, hit)
            if model.popup.is_none() && model.input.is_none() =>
        {
            let down = event.kind == MouseEventKind::ScrollDown;
            let command = match (hit, down) {
                (Hit::Detail, true) => Command::DetailDown,
                (Hit::Detail, false) => Command::DetailUp,
                (_, true) => Command::Down,
                (_, false) => Command::Up,
            };
            dispatch(model, command)
        }
        _ => Vec::new(),
    }
}

/// The one place where read-only mode refuses a write.
fn dispatch(model: &mut Model, command: Command) -> Vec<Effect> {
    if model.cycled_at.is_some() {
        model.cycled_at = Some(model.now); // someone is using the screen: the cycle waits
    }
    let (w, h) = model.size;
    if (w < super::view::MIN_WIDTH || h < super::view::MIN_HEIGHT) && command != Command::Quit {
        return Vec::new(); // nothing can be seen to act on
    }
    if model.config.read_only && command.writes() && model.popup.is_none() && model.input.is_none() {
        model.flash = Some(("read-only monitoring: actions are disabled".into(), true));
        return Vec::new();
    }
    if command == Command::Quit {
        model.quit = true;
        return Vec::new();
    }
    if model.popup.is_some() {
        return popup_command(model, command);
    }
    if model.input.is_some() {
        return input_command(model, command);
    }
    table_command(model, command)
}

fn table_command(model: &mut Model, command: Command) -> Vec<Effect> {
    let count = rows::count(model, model.view);
    let i = model.view.index();
    match command {
        Command::ShowView(view) => return show_view(model, view),
        Command::NextView => return show_view(model, View::ALL[(i + 1) % View::ALL.len()]),
        Command::PrevView => return show_view(model, View::ALL[(i + View::ALL.len() - 1) % View::ALL.len()]),
        Command::Up => model.cursor[i] = model.cursor[i].saturating_sub(1),
        Command::Down => model.cursor[i] = (model.cursor[i] + 1).min(count.saturating_sub(1)),
        // A screenful: the rows the table shows now, less one kept for context.
        Command::PageUp => {
            model.cursor[i] =
                model.cursor[i].saturating_sub(super::view::table_rows(model).saturating_sub(1).max(1))
        }
        Command::PageDown => {
            let page = super::view::table_rows(model).saturating_sub(1).max(1);
            model.cursor[i] = (model.cursor[i] + page).min(count.saturating_sub(1));
        }
        Command::Top => model.cursor[i] = 0,
        Command::Bottom => model.cursor[i] = count.saturating_sub(1),
        Command::ToggleDetail => {
            model.detail = !model.detail;
            return selection_effects(model);
        }
        Command::DetailDown | Command::DetailUp => {
            let Some(subject) = selected_subject(model).filter(|_| model.detail) else { return Vec::new() };
            let at = model.detail_scroll.take().filter(|(s, _)| *s == subject).map_or(0, |(_, at)| at);
            let at = match command {
                Command::DetailDown => at.saturating_add(3).min(super::view::detail_scroll_limit(model)),
                _ => at.saturating_sub(3),
            };
            model.detail_scroll = Some((subject, at));
            return Vec::new();
        }
        Command::OpenActions => open_menu(model),
        Command::ToggleMark => toggle_mark(model),
        Command::ClearMarks => model.marked.clear(),
        Command::MarkAll => mark_all(model),
        Command::MarkDown | Command::MarkUp => {
            if let Some(Subject::Drive { job, drive_id }) =
                selected_subject(model).filter(|_| model.view == View::Drives)
            {
                model.marked.insert((job, drive_id));
            }
            let at = &mut model.cursor[i];
            *at = if command == Command::MarkDown {
                (*at + 1).min(count.saturating_sub(1))
            } else {
                at.saturating_sub(1)
            };
            if let Some(Subject::Drive { job, drive_id }) =
                selected_subject(model).filter(|_| model.view == View::Drives)
            {
                model.marked.insert((job, drive_id));
            }
        }
        Command::CopyId | Command::CopyTracking => return copy(model, command),
        Command::Export => {
            let Some(path) = model.export_path.take() else { return Vec::new() };
            let loaded = match model.view {
                View::Jobs | View::Drives => model.data.rows_loaded,
                View::Archive => model.data.archive_loaded,
                View::Attention | View::Audit => model.loaded,
            };
            if !loaded {
                model.flash =
                    Some(("the view is still being read: export it once it is filled".into(), true));
                return Vec::new();
            }
            let (header, rows) = super::view::tables::export(model);
            model.flash =
                Some((format!("exporting {} to {path}…", crate::present::count(rows.len(), "row")), false));
            return vec![Effect::Export { path, header, rows }];
        }
        Command::GoTo => match super::navigate::related(model) {
            Some(subject) => {
                if let Err(why) = super::navigate::go_to(model, &subject) {
                    model.flash = Some((why, true));
                }
            }
            None => model.flash = Some(("this row is about nothing another view lists".into(), true)),
        },
        Command::HistoryBack | Command::HistoryForward | Command::Complete => {}
        Command::BulkReceive => return bulk_with(model, BulkKind::Receive, &[]),
        Command::BulkShipBack => bulk_ship_back_form(model),
        Command::Receive => model.popup = Some(Popup::Dock(Box::default())),
        Command::RemoveScan => {}
        Command::StartFilter => start_input(model, InputKind::Filter),
        Command::StartCommand => start_input(model, InputKind::Command),
        Command::ToggleHelp => model.popup = Some(Popup::Help { scroll: 0 }),
        Command::ShowRules => {
            let rules = rows::row(model, model.view, model.cursor()).map(|r| r.rules()).unwrap_or_default();
            if rules.is_empty() {
                model.flash = Some(("this row cites no rule".into(), true));
            } else {
                model.popup = Some(Popup::Rules { rules, scroll: 0 });
            }
            return Vec::new(); // the selection is where it was
        }
        Command::SortNext => {
            let columns = sort_columns(model.view).len();
            model.sort[i].column = (model.sort[i].column + 1) % columns;
            model.sort[i].descending = false;
            rows::refresh(model, &[model.view]);
        }
        Command::SortReverse => {
            model.sort[i].descending = !model.sort[i].descending;
            rows::reverse(model, model.view);
        }
        Command::Back => {
            if let Some(path) = &model.importing {
                model.flash = Some((format!("cancelling the import of {path}…"), false));
                return vec![Effect::CancelImport];
            } else if model.detail {
                model.detail = false;
            } else if !model.filter.is_empty() {
                set_filter(model, Filter::default());
                rows::refilter_all(model);
            } else {
                model.flash = None;
            }
        }
        Command::Sweep => plan_sweep(model),
        Command::Import => {
            if let Some(path) = model.import_path.take() {
                if let Some(running) = &model.importing {
                    model.flash =
                        Some((format!("{running} is still being imported: wait, or Esc to cancel it"), true));
                    return Vec::new();
                }
                model.flash = Some((format!("importing {path}… (Esc cancels)"), false));
                model.importing = Some(path.clone());
                return vec![Effect::Import(path)];
            }
        }
        Command::Select | Command::Confirm | Command::NextField | Command::PrevField | Command::Quit => {}
    }
    // Moving, marking (Space steps down), sorting and clearing the filter all
    // change which row is selected: its job is read if it is not held yet.
    selection_effects(model)
}

fn show_view(model: &mut Model, view: View) -> Vec<Effect> {
    model.view = view;
    rows::ensure_filtered(model, view);
    selection_effects(model)
}

/// What the new selection needs read: the job in full (for its actions and
/// detail), and its history when the detail pane shows it.
fn selection_effects(model: &Model) -> Vec<Effect> {
    let Some(Subject::Job(name) | Subject::Drive { job: name, .. }) = selected_subject(model) else {
        return Vec::new();
    };
    let Some(id) = model.data.id_of(&name) else { return Vec::new() };
    let mut effects = Vec::new();
    if !model.data.full.contains_key(&id) {
        effects.push(Effect::LoadJob(id));
    }
    if model.detail && model.history.as_ref().is_none_or(|(h, _)| *h != id) {
        effects.push(Effect::LoadHistory(id));
    }
    effects
}

pub fn selected_subject(model: &Model) -> Option<Subject> {
    rows::row(model, model.view, model.cursor()).and_then(|r| r.subject())
}

// ------------------------------------------------------------------ loading

/// The data was read again: every view is sorted and filtered anew.
fn data_changed(model: &mut Model) -> Vec<Effect> {
    compute_attention(model);
    rows::refresh(model, &View::ALL);
    let data = &model.data;
    if data.rows_loaded {
        model.marked.retain(|(job, drive)| data.drive_row(job, drive).is_some());
    }
    selection_effects(model)
}

fn changed_elsewhere(model: &mut Model, changed: Changed) -> Vec<Effect> {
    let touched: Vec<i64> = changed.jobs.iter().filter_map(|j| j.id).collect();
    model.data.apply_changed(changed, model.now);
    if model.history.as_ref().is_some_and(|(id, _)| touched.contains(id)) {
        model.history = None;
    }
    data_changed(model)
}

/// The queue moves with the clock: overdue items appear as deadlines pass.
fn refresh_attention(model: &mut Model) {
    compute_attention(model);
    rows::refresh(model, &[View::Attention]);
}

fn compute_attention(model: &mut Model) {
    let before = std::mem::take(&mut model.attention);
    model.attention = model.data.attention(model.now);
    model.attention_until = model.data.attention_changes_at(model.now);
    // The bell (settings: `bell`): an item that was not in the queue before,
    // once the whole tables are read (the first reads only fill it).
    if model.config.bell && model.bell_armed {
        let known: std::collections::BTreeSet<(&Subject, crate::domain::Rule)> =
            before.iter().map(|i| (&i.subject, i.rule)).collect();
        let mut new = model.attention.iter().filter(|i| !known.contains(&(&i.subject, i.rule)));
        if let Some(first) = new.next() {
            let more = match new.count() {
                0 => String::new(),
                n => format!(" (and {n} more)"),
            };
            let text = format!("new in Attention: {} {} — {}{more}", first.rule, first.subject, first.what);
            model.flash = Some((text, true));
            model.bells += 1;
        }
    }
    model.bell_armed = model.data.rows_loaded;
}

/// Wall screens (`cycle-seconds`, read-only only): the next view when the
/// time is up, unless a dialog or a line is open; a key starts the wait again.
fn cycle_views(model: &mut Model, now: crate::domain::Timestamp) -> Vec<Effect> {
    let Some(seconds) = model.config.cycle_seconds.filter(|_| model.config.read_only) else {
        return Vec::new();
    };
    let waited = model.cycled_at.is_some_and(|at| now - at >= chrono::Duration::seconds(seconds as i64));
    if model.cycled_at.is_none() || model.popup.is_some() || model.input.is_some() {
        model.cycled_at = Some(now);
    } else if waited {
        model.cycled_at = Some(now);
        let next = View::ALL[(model.view.index() + 1) % View::ALL.len()];
        return show_view(model, next);
    }
    Vec::new()
}

/// A status line goes after a few seconds, timed from the first tick that
/// sees it; one about a running import stays while it runs.
fn expire_flash(model: &mut Model, now: crate::domain::Timestamp) {
    match (&model.flash, &model.flash_seen) {
        (None, _) => model.flash_seen = None,
        _ if model.importing.is_some() => model.flash_seen = None,
        (Some(flash), Some((seen, since))) if flash == seen => {
            let keep = if flash.1 { 2 * FLASH_SECONDS } else { FLASH_SECONDS };
            if now - *since >= chrono::Duration::seconds(keep) {
                model.flash = None;
                model.flash_seen = None;
            }
        }
        (Some(flash), _) => model.flash_seen = Some((flash.clone(), now)),
    }
}

fn set_filter(model: &mut Model, filter: Filter) {
    if model.filter != filter {
        model.filter = filter;
        rows::refilter(model);
    }
}

// -------------------------------------------------------------------- input

fn start_input(model: &mut Model, kind: InputKind) {
    let mut text = TextArea::default();
    if kind == InputKind::Filter {
        text.insert_str(&model.filter.text);
    }
    model.input = Some(Input { kind, text, recalled: None, previous: model.filter.clone() });
}

fn edit(model: &mut Model, key: crossterm::event::KeyEvent) {
    if let Some(input) = &mut model.input {
        input.text.input(key);
        if input.kind == InputKind::Filter {
            // Live filtering: each keystroke narrows the table; a term that does not
            // parse yet (say `state:shi`) leaves the last good filter in place.
            let text = input.text.lines().join(" ");
            if let Ok(filter) = Filter::parse(&text) {
                set_filter(model, filter);
            }
        }
    } else if let Some(Popup::Form(form)) = &mut model.popup {
        if let Some(field) = form.fields.get_mut(form.focus) {
            field.input.input(key);
            form.error = None;
        }
    } else if let Some(Popup::Dock(dock)) = &mut model.popup {
        dock.error = None;
        if dock.focus == SERIAL {
            dock.serial.input(key);
            return;
        }
        let proposed = dock.job_name();
        dock.fields[dock.focus].input(key);
        match FIELDS[dock.focus] {
            "tracking" => dock.propose_job(&model.data, proposed.as_deref()),
            "job" => {}
            _ => return,
        }
        if dock.job_name() != proposed {
            dock.reclassify(&model.data);
        }
    }
}

/// Up and Down on the filter or command line: the lines entered before.
fn recall(model: &mut Model, mut input: Input, command: Command) {
    let history = match input.kind {
        InputKind::Filter => &model.filter_history,
        InputKind::Command => &model.command_history,
    };
    let back = match (command, input.recalled) {
        (Command::HistoryBack, None) => Some(0),
        (Command::HistoryBack, Some(n)) => Some((n + 1).min(history.len().saturating_sub(1))),
        (_, Some(0) | None) => None,
        (_, Some(n)) => Some(n - 1),
    };
    let line = match back.and_then(|n| history.len().checked_sub(n + 1).map(|at| history[at].clone())) {
        Some(line) => {
            input.recalled = back;
            line
        }
        None => {
            input.recalled = None;
            String::new()
        }
    };
    input.text = TextArea::from([line]);
    input.text.move_cursor(ratatui_textarea::CursorMove::End);
    let filter = (input.kind == InputKind::Filter).then(|| input.text.lines().join(" "));
    model.input = Some(input);
    if let Some(Ok(filter)) = filter.map(|text| Filter::parse(&text)) {
        set_filter(model, filter);
    }
}

/// Keeps a line entered for Up to bring back (once, if entered twice in a row).
fn remember(history: &mut Vec<String>, line: &str) {
    const KEPT: usize = 100;
    if !line.is_empty() && history.last().map(String::as_str) != Some(line) {
        history.push(line.to_string());
        if history.len() > KEPT {
            history.remove(0);
        }
    }
}

fn input_command(model: &mut Model, command: Command) -> Vec<Effect> {
    let Some(mut input) = model.input.take() else { return Vec::new() };
    let text = input.text.lines().join(" ");
    match command {
        Command::HistoryBack | Command::HistoryForward => {
            recall(model, input, command);
            return Vec::new();
        }
        Command::Complete => {
            if input.kind == InputKind::Command {
                if let Some(done) = super::navigate::complete(&model.data, &model.config.filters, &text) {
                    input.text = TextArea::from([done]);
                    input.text.move_cursor(ratatui_textarea::CursorMove::End);
                }
            }
            model.input = Some(input);
            return Vec::new();
        }
        Command::Select => match input.kind {
            InputKind::Filter => remember(&mut model.filter_history, text.trim()),
            InputKind::Command => remember(&mut model.command_history, text.trim()),
        },
        _ => {}
    }
    match (command, input.kind) {
        (Command::Back, InputKind::Filter) => {
            set_filter(model, Filter::default());
            rows::refilter_all(model);
        }
        (Command::Select, InputKind::Filter) => {
            match Filter::parse(&text) {
                Ok(filter) => {
                    if filter.audit_only() && model.view != View::Audit {
                        model.flash =
                            Some(("who:, since: and until: search the Audit view (4)".into(), false));
                    } else if let Some(state) =
                        filter.job_only_states().next().filter(|_| model.view == View::Drives)
                    {
                        let word = state.to_string().to_lowercase();
                        let hint = format!(
                            "'{word}' is not a drive state: jobstate:{word} lists the drives of {state} jobs"
                        );
                        model.flash = Some((hint, true));
                    }
                    set_filter(model, filter);
                }
                Err(e) => {
                    model.flash = Some((format!("filter: {e}; kept the previous filter"), true));
                    set_filter(model, input.previous);
                }
            }
            rows::refilter_all(model);
        }
        (Command::Select, InputKind::Command) => return run_command(model, text.trim()),
        (Command::Back, InputKind::Command) => return Vec::new(),
        _ => {
            model.input = Some(input); // other commands do not apply while typing
            return Vec::new();
        }
    }
    // A new filter selects another row: its job is read (no "still reading" later).
    selection_effects(model)
}

fn run_command(model: &mut Model, text: &str) -> Vec<Effect> {
    let view = match text.trim_start_matches(':') {
        "attention" | "a" => View::Attention,
        "jobs" | "j" => View::Jobs,
        "drives" | "d" => View::Drives,
        "audit" => View::Audit,
        "archive" => View::Archive,
        // Nothing is ever left unsaved: every write is committed when confirmed.
        "q" | "quit" | "q!" | "quit!" | "qa" | "qa!" => {
            model.quit = true;
            return Vec::new();
        }
        // Through the dispatcher, like a key: read-only refuses it there.
        "sweep" => return dispatch(model, Command::Sweep),
        "filter" | "filters" | "f" => {
            let text = match model.config.filters.as_slice() {
                [] => "no saved filters: add them to the settings file's [filters] (see `ieops config`)"
                    .to_string(),
                saved => {
                    saved.iter().map(|(name, text)| format!("{name}: {text}")).collect::<Vec<_>>().join("\n")
                }
            };
            model.popup =
                Some(Popup::Message { title: "Saved filters (:filter NAME)".into(), text, error: false });
            return Vec::new();
        }
        other if other.starts_with("filter ") || other.starts_with("f ") => {
            let name = other.split_once(' ').map_or("", |(_, n)| n.trim());
            let saved = model.config.filters.iter().find(|(n, _)| n == name).map(|(_, t)| t.clone());
            match saved.map(|text| Filter::parse(&text)) {
                Some(Ok(filter)) => {
                    remember(&mut model.filter_history, &filter.text.clone());
                    set_filter(model, filter);
                    rows::refilter_all(model);
                }
                _ => {
                    let names: Vec<&str> = model.config.filters.iter().map(|(n, _)| n.as_str()).collect();
                    let known = if names.is_empty() { "none is saved".to_string() } else { names.join(", ") };
                    model.flash = Some((format!("no saved filter is called '{name}' ({known})"), true));
                }
            }
            return selection_effects(model);
        }
        // Through the dispatcher, like :import: read-only refuses it there.
        other if other.starts_with("export ") => {
            model.export_path = Some(other["export ".len()..].trim().to_string());
            let effects = dispatch(model, Command::Export);
            model.export_path = None;
            return effects;
        }
        other if other.starts_with("job ") || other.starts_with("drive ") => {
            let (what, typed) = other.split_once(' ').unwrap_or_default();
            let found = match what {
                "job" => super::navigate::find_job(&model.data, typed.trim()).map(Subject::Job),
                _ => super::navigate::find_drive(&model.data, typed.trim())
                    .map(|(job, drive_id)| Subject::Drive { job, drive_id }),
            };
            if let Err(why) = found.and_then(|subject| super::navigate::go_to(model, &subject)) {
                model.flash = Some((why, true));
            }
            return selection_effects(model);
        }
        "receive" | "arrival" => return dispatch(model, Command::Receive),
        other if other.starts_with("import ") => {
            model.import_path = Some(other["import ".len()..].trim().to_string());
            let effects = dispatch(model, Command::Import);
            model.import_path = None;
            return effects;
        }
        "help" => {
            model.popup = Some(Popup::Help { scroll: 0 });
            return Vec::new();
        }
        other => {
            model.flash = Some((
                format!(
                    "unknown command ':{other}': try :attention :jobs :drives :audit :archive :job NAME :drive ID :filter NAME :export PATH :receive :sweep :import PATH :q (Tab completes)"
                ),
                true,
            ));
            return Vec::new();
        }
    };
    show_view(model, view)
}

// ------------------------------------------------------------------- popups

fn popup_command(model: &mut Model, command: Command) -> Vec<Effect> {
    let Some(popup) = model.popup.take() else { return Vec::new() };
    match (popup, command) {
        (_, Command::Back) => {}
        (Popup::Help { scroll }, Command::Down | Command::PageDown) => {
            let step = if command == Command::Down { 1 } else { PAGE };
            let last = model.config.keys.help_line_count(model.view).saturating_sub(1);
            model.popup = Some(Popup::Help { scroll: (scroll + step).min(last) });
        }
        (Popup::Help { scroll }, Command::Up | Command::PageUp) => {
            let step = if command == Command::Up { 1 } else { PAGE };
            model.popup = Some(Popup::Help { scroll: scroll.saturating_sub(step) });
        }
        (Popup::Help { .. }, Command::ToggleHelp) => {}
        (Popup::Rules { rules, scroll }, Command::Down | Command::PageDown) => {
            let step = if command == Command::Down { 1 } else { PAGE };
            let last = super::view::rules::scroll_limit(model, &rules);
            model.popup = Some(Popup::Rules { scroll: (scroll + step).min(last), rules });
        }
        (Popup::Rules { rules, scroll }, Command::Up | Command::PageUp) => {
            let step = if command == Command::Up { 1 } else { PAGE };
            model.popup = Some(Popup::Rules { rules, scroll: scroll.saturating_sub(step) });
        }
        (Popup::Rules { .. }, Command::ToggleHelp) => model.popup = Some(Popup::Help { scroll: 0 }),
        (Popup::Menu { subject, actions, selected }, Command::Up) => {
            model.popup = Some(Popup::Menu { subject, actions, selected: selected.saturating_sub(1) })
        }
        (Popup::Menu { subject, actions, selected }, Command::Down) => {
            let selected = (selected + 1).min(actions.len().saturating_sub(1));
            model.popup = Some(Popup::Menu { subject, actions, selected })
        }
        (Popup::Menu { subject, actions, selected }, Command::Select) => {
            if let Some(allowed) = actions.get(selected) {
                return choose_action(model, subject, allowed.kind);
            }
        }
        (Popup::Form(mut form), Command::NextField) => {
            form.focus = (form.focus + 1) % form.fields.len().max(1);
            model.popup = Some(Popup::Form(form));
        }
        (Popup::Form(mut form), Command::PrevField) => {
            let n = form.fields.len().max(1);
            form.focus = (form.focus + n - 1) % n;
            model.popup = Some(Popup::Form(form));
        }
        (Popup::Form(form), Command::Select) => return submit_form(model, *form),
        (Popup::Dock(dock), command) => return dock_command(model, *dock, command),
        (Popup::Confirm { plan, .. }, Command::Confirm) => {
            model.flash = Some(("writing…".into(), false));
            return vec![Effect::Write(plan)];
        }
        (popup, _) => model.popup = Some(popup),
    }
    Vec::new()
}

fn open_menu(model: &mut Model) {
    let Some(subject) = selected_subject(model) else {
        model.flash = Some(("nothing selected".into(), true));
        return;
    };
    if let Subject::Job(name) | Subject::Drive { job: name, .. } = &subject {
        if model.job(name).is_none() {
            // Read when it was selected; a moment more.
            model.flash = Some((format!("still reading {name}: press Enter again"), false));
            return;
        }
    }
    let actions = match &subject {
        Subject::Job(name) => model.job(name).map(|j| valid_actions(j, None, model.now)),
        Subject::Drive { job, drive_id } => {
            model.job(job).map(|j| valid_actions(j, Some(drive_id), model.now))
        }
        Subject::Arrival(id) => model.arrival(*id).map(|a| valid_arrival_actions(a, model.now)),
    }
    .unwrap_or_default();
    if actions.is_empty() {
        model.flash = Some((format!("no action is valid now on {subject}"), true));
        return;
    }
    model.popup = Some(Popup::Menu { subject, actions, selected: 0 });
}

/// An action with parameters opens a form; one without goes to confirmation.
fn choose_action(model: &mut Model, subject: Subject, kind: ActionKind) -> Vec<Effect> {
    let mut fields: Vec<FormField> =
        kind.params().iter().map(|p| field(p.key, p.hint.to_string(), p.required, "")).collect();
    if kind == ActionKind::Resolve {
        if let Some(f) = fields.first_mut() {
            f.hint = resolve_hint(model, &subject);
        }
    }
    let job = match &subject {
        Subject::Job(name) | Subject::Drive { job: name, .. } => model.job(name),
        Subject::Arrival(_) => None,
    };
    for f in Field::ALL.iter().filter(|f| kind.field_groups().contains(&f.group())) {
        let current = job.map(|j| field_value(j, *f)).unwrap_or_default();
        fields.push(field(f.path(), String::new(), false, &current));
    }
    if fields.is_empty() {
        return plan_and_confirm(model, &subject, kind, &[], None);
    }
    fields.push(field("note", "for the audit log".into(), false, ""));
    let initial = fields.iter().map(|f| f.input.lines().join("")).collect();
    let purpose = FormPurpose::Action { subject, kind };
    model.popup = Some(Popup::Form(Box::new(Form { purpose, fields, initial, focus: 0, error: None })));
    Vec::new()
}

/// A form field holding `value` — customer text, so with its control
/// characters made visible (an edit keeps them visible; an untouched field
/// is not submitted) — its cursor at the end, where typing adds.
fn field(key: &'static str, hint: String, required: bool, value: &str) -> FormField {
    let mut input = TextArea::default();
    input.insert_str(crate::text::visible(value));
    FormField { key, hint, required, input }
}

/// S5: name the states a fault can resolve to now (their conditions hold).
fn resolve_hint(model: &Model, subject: &Subject) -> String {
    use crate::domain::decide::resolve_targets;
    let states: Vec<String> = match subject {
        Subject::Job(name) => model.job(name).map(|j| resolve_targets(j, None, model.now)),
        Subject::Drive { job, drive_id } => {
            model.job(job).map(|j| resolve_targets(j, Some(drive_id), model.now))
        }
        Subject::Arrival(_) => None,
    }
    .unwrap_or_default();
    if states.is_empty() {
        return "no state's conditions hold yet (S5): fix what blocks it first".to_string();
    }
    format!("resume in {} (S5)", states.join(" or "))
}

/// The current value of a job field, for prefilling a form.
fn field_value(job: &crate::domain::Job, field: Field) -> String {
    let mut probe = serde_json::to_value(job).unwrap_or_default();
    for part in field.path().split('.') {
        probe = probe.get(part).cloned().unwrap_or_default();
    }
    match probe {
        serde_json::Value::String(s) => s,
        serde_json::Value::Number(n) => n.to_string(),
        _ => String::new(),
    }
}

fn submit_form(model: &mut Model, mut form: Form) -> Vec<Effect> {
    let mut sets = Vec::new();
    let mut note = None;
    for (field, initial) in form.fields.iter().zip(&form.initial) {
        let value = field.input.lines().join("");
        if field.key == "note" {
            note = Some(value.trim().to_string()).filter(|v| !v.is_empty());
        } else if field.required
            || (!value.trim().is_empty() && value != *initial)
            || (value.is_empty() && !initial.is_empty())
        {
            sets.push((field.key.to_string(), value));
        }
    }
    let (subject, kind) = match &form.purpose {
        FormPurpose::Action { subject, kind } => (subject.clone(), *kind),
        FormPurpose::BulkShipBack => return bulk_with(model, BulkKind::ShipBack, &sets),
    };
    match plan(model, &subject, kind, &sets, note.as_deref()) {
        Ok(Planned::Confirm(confirm)) => model.popup = Some(confirm),
        Ok(Planned::Preview(effect)) => return vec![effect],
        // The form stays open with everything typed, the reason beside it.
        Err(PlanError::BadInput(message) | PlanError::Refused(message)) => {
            form.error = Some(message);
            model.popup = Some(Popup::Form(Box::new(form)));
        }
    }
    Vec::new()
}

fn plan_and_confirm(
    model: &mut Model,
    subject: &Subject,
    kind: ActionKind,
    sets: &[(String, String)],
    note: Option<&str>,
) -> Vec<Effect> {
    match plan(model, subject, kind, sets, note) {
        Ok(Planned::Confirm(confirm)) => model.popup = Some(confirm),
        Ok(Planned::Preview(effect)) => return vec![effect],
        Err(PlanError::BadInput(text) | PlanError::Refused(text)) => {
            model.popup = Some(Popup::Message { title: "Refused".into(), text, error: true })
        }
    }
    Vec::new()
}

enum PlanError {
    /// The form's values do not parse: the form stays open.
    BadInput(String),
    /// The rules said no: nothing changes.
    Refused(String),
}

/// The action as asked, by name, and what it would do, for a confirmation.
fn plan(
    model: &Model,
    subject: &Subject,
    kind: ActionKind,
    sets: &[(String, String)],
    note: Option<&str>,
) -> Result<Planned, PlanError> {
    let target = match subject {
        Subject::Job(_) => TargetKind::Job,
        Subject::Drive { .. } => TargetKind::Drive,
        Subject::Arrival(_) => TargetKind::Arrival,
    };
    let action = Action::parse(target, kind.name(), sets).map_err(PlanError::BadInput)?;
    let ask = match (subject, action) {
        (Subject::Arrival(id), Action::Arrival(action)) => Ask::Arrival { id: *id, action },
        (Subject::Job(job), Action::Job(action)) => Ask::Job { job: job.clone(), action },
        (Subject::Drive { job, drive_id }, Action::Drive(action)) => {
            Ask::Drive { job: job.clone(), drive_id: drive_id.clone(), action }
        }
        _ => return Err(PlanError::BadInput(format!("'{}' does not apply to {subject}", kind.name()))),
    };
    confirm(model, format!("{} {subject}", kind.name()), vec![ask], note.map(str::to_string))
}

/// What a confirmation needs: shown at once when every job asked about is
/// held here, or decided on the store by the worker first.
enum Planned {
    Confirm(Popup),
    Preview(Effect),
}

/// Decides the asks on the snapshot held here for the confirmation titled
/// `what`; when a job is not held, the worker decides on the store instead.
fn confirm(model: &Model, what: String, asks: Vec<Ask>, note: Option<String>) -> Result<Planned, PlanError> {
    let ctx = Ctx { operator: &model.config.operator, now: model.now, note: note.as_deref() };
    match preview_on(&asks, &ctx, |name| model.job(name).cloned(), |id| model.arrival(id).cloned()) {
        Some(Ok(decided)) => Ok(Planned::Confirm(confirmation_popup(&what, asks, note, &decided))),
        Some(Err(refusal)) => Err(PlanError::Refused(refusal.to_string())),
        None => Ok(Planned::Preview(Effect::Preview { title: what, asks, note })),
    }
}

/// The confirmation of a decision: its title counts the changes, not the targets.
fn confirmation_popup(what: &str, asks: Vec<Ask>, note: Option<String>, decided: &Decided) -> Popup {
    let Confirmation { lines, plan } = confirmation(asks, note, decided);
    Popup::Confirm { title: confirmation_title(what, &lines), lines, plan }
}

/// "receive acme/WD-1: 2 changes?"
pub fn confirmation_title(what: &str, lines: &[String]) -> String {
    format!("{what}: {}?", count(lines.len(), "change"))
}

pub fn confirmation(asks: Vec<Ask>, note: Option<String>, decided: &Decided) -> Confirmation {
    let lines = decided.events().into_iter().map(|(subject, e)| event_line(&subject, e)).collect();
    Confirmation { lines, plan: Plan::Act { asks, note, steps: decided.steps() } }
}

/// "job/drive: Specified → Received (D2)", and consequences spelled out;
/// `subject` is what the event is about (`Decided::events`).
pub fn event_line(subject: &str, e: &Event) -> String {
    let what = if e.action == "consequence" {
        format!("then {subject} becomes {} ({})", e.to_state, e.rule)
    } else {
        format!("{subject}: {} → {} ({})", e.from_state, e.to_state, e.rule)
    };
    match &e.detail {
        Some(d) if !d.is_empty() => format!("{what} — {d}"),
        _ => what,
    }
}

// --------------------------------------------------------------------- bulk

/// `y`: the selected row's id (JOB, JOB/DRIVE, arrival:ID); `Y`: its
/// tracking number. Only text without control characters is copied: the
/// clipboard is pasted into other terminals.
fn copy(model: &mut Model, command: Command) -> Vec<Effect> {
    let Some(subject) = selected_subject(model) else { return Vec::new() };
    let text = match (command, &subject) {
        (Command::CopyId, subject) => Some(subject.to_string()),
        (_, Subject::Arrival(id)) => model.arrival(*id).map(|a| a.tracking_number.clone()),
        (_, Subject::Job(job) | Subject::Drive { job, .. }) => match model.job(job) {
            Some(job) => job.delivery_package.tracking_number.clone(),
            None => {
                model.flash = Some(("reading the job: press Y again".into(), false));
                return selection_effects(model);
            }
        },
    };
    match text.filter(|t| !t.is_empty()) {
        Some(text) if text.chars().any(crate::text::is_hazard) => {
            model.flash = Some(("it holds control characters: not copied".into(), true));
            Vec::new()
        }
        Some(text) => {
            model.flash = Some((format!("copied {text}"), false));
            vec![Effect::Copy(text)]
        }
        None => {
            model.flash = Some(("no tracking number to copy".into(), true));
            Vec::new()
        }
    }
}

/// `*`: every drive the Drives view shows is marked; if all already were, unmarked.
fn mark_all(model: &mut Model) {
    if model.view != View::Drives {
        model.flash = Some(("marks are for drives: switch to the Drives view (3)".into(), true));
        return;
    }
    let shown: Vec<(String, String)> = rows::rows(model, View::Drives)
        .iter()
        .filter_map(|r| match r {
            rows::RowRef::Drive(d) => Some((d.job_name.to_string(), d.drive_id.clone())),
            _ => None,
        })
        .collect();
    if shown.iter().all(|key| model.marked.contains(key)) {
        for key in &shown {
            model.marked.remove(key);
        }
    } else {
        model.marked.extend(shown);
    }
}

fn toggle_mark(model: &mut Model) {
    match selected_subject(model) {
        Some(Subject::Drive { job, drive_id }) if model.view == View::Drives => {
            let key = (job, drive_id);
            if !model.marked.remove(&key) {
                model.marked.insert(key);
            }
            let i = model.view.index();
            let count = rows::count(model, model.view);
            model.cursor[i] = (model.cursor[i] + 1).min(count.saturating_sub(1));
        }
        _ => model.flash = Some(("marks are for drives: switch to the Drives view (3)".into(), true)),
    }
}

#[derive(Clone, Copy)]
enum BulkKind {
    Receive,
    ShipBack,
}

/// The marked drives, or the selected one when none is marked.
fn bulk_targets(model: &Model) -> Vec<(String, String)> {
    if !model.marked.is_empty() {
        return model.marked.iter().cloned().collect();
    }
    match selected_subject(model) {
        Some(Subject::Drive { job, drive_id }) => vec![(job, drive_id)],
        _ => Vec::new(),
    }
}

fn bulk_ship_back_form(model: &mut Model) {
    if bulk_targets(model).is_empty() {
        model.flash = Some(("mark drives with Space in the Drives view first".into(), true));
        return;
    }
    let fields = vec![
        field("returnPackage.carrierName", "carrier of the return package".into(), true, ""),
        field("returnPackage.trackingNumber", "its tracking number".into(), true, ""),
    ];
    let initial = vec![String::new(); fields.len()];
    model.popup = Some(Popup::Form(Box::new(Form {
        purpose: FormPurpose::BulkShipBack,
        fields,
        initial,
        focus: 0,
        error: None,
    })));
}

/// One action per drive, the drives of one job folded into one change, and
/// one confirmation: all of it commits or none (S6). Drives whose job is not
/// held here are decided on the store, never skipped.
fn bulk_with(model: &mut Model, kind: BulkKind, sets: &[(String, String)]) -> Vec<Effect> {
    let targets = bulk_targets(model);
    if targets.is_empty() {
        model.flash = Some(("mark drives with Space in the Drives view first".into(), true));
        return Vec::new();
    }
    let action = match kind {
        BulkKind::Receive => DriveAction::Receive,
        BulkKind::ShipBack => match Action::parse(TargetKind::Drive, "ship-back", sets) {
            Ok(Action::Drive(a)) => a,
            Ok(_) => return Vec::new(),
            Err(e) => {
                model.popup = Some(Popup::Message { title: "Refused".into(), text: e, error: true });
                return Vec::new();
            }
        },
    };
    let asks: Vec<Ask> = targets
        .iter()
        .map(|(job, drive_id)| Ask::Drive {
            job: job.clone(),
            drive_id: drive_id.clone(),
            action: action.clone(),
        })
        .collect();
    let verb = match kind {
        BulkKind::Receive => "receive",
        BulkKind::ShipBack => "ship back",
    };
    let jobs: std::collections::BTreeSet<&String> = targets.iter().map(|(job, _)| job).collect();
    let what = format!("{verb} {} of {}", count(targets.len(), "drive"), count(jobs.len(), "job"));
    match confirm(model, what, asks, None) {
        Ok(Planned::Confirm(popup)) => model.popup = Some(popup),
        Ok(Planned::Preview(effect)) => return vec![effect],
        Err(PlanError::BadInput(text) | PlanError::Refused(text)) => {
            let text = format!("{text}; nothing was changed");
            model.popup = Some(Popup::Message { title: "Refused".into(), text, error: true });
        }
    }
    Vec::new()
}

/// The sweep's confirmation shows what the jobs held here would change; the
/// write decides on the store, inside its transaction, and says what it did.
fn plan_sweep(model: &mut Model) {
    // Every job whose clock has passed is held in full (see `data::needs_attention`).
    let changes: Vec<crate::domain::Change> =
        model.data.full.values().filter_map(|j| crate::domain::sweep::sweep_job(j, model.now)).collect();
    if changes.is_empty() {
        model.flash = Some(("the sweep has nothing to do: no C1, C3 or C7 has passed".into(), false));
        return;
    }
    let lines: Vec<String> = changes.iter().flat_map(|c| sweep_lines(&c.job.name, &c.events)).collect();
    let title = format!(
        "sweep {} as operator system: {}?",
        count(changes.len(), "job"),
        count(lines.len(), "change")
    );
    model.popup = Some(Popup::Confirm { title, lines, plan: Plan::Sweep });
}

fn sweep_lines(job: &str, events: &[Event]) -> Vec<String> {
    events
        .iter()
        .map(|e| match &e.drive_id {
            Some(d) => event_line(&format!("{job}/{d}"), e),
            None => event_line(job, e),
        })
        .collect()
}

// ----------------------------------------------------------- receiving mode

/// Keys of the dock form: fields, scans, review.
fn dock_command(model: &mut Model, mut dock: DockForm, command: Command) -> Vec<Effect> {
    let fields = SERIAL + 1;
    match command {
        Command::Back => return Vec::new(), // closed: nothing was recorded
        Command::NextField => dock.focus = (dock.focus + 1) % fields,
        Command::PrevField => dock.focus = (dock.focus + fields - 1) % fields,
        Command::RemoveScan => {
            dock.scans.pop();
            dock.reclassify(&model.data);
        }
        Command::Select if dock.focus < SERIAL => dock.focus += 1,
        Command::Select if !dock.serial.lines().join("").trim().is_empty() => dock.scan(&model.data),
        Command::Select => return review_package(model, dock),
        _ => {}
    }
    model.popup = Some(Popup::Dock(Box::new(dock)));
    Vec::new()
}

/// An empty Enter in the serial field: the package is decided on the store
/// and shown for confirmation, or the form says what is missing.
fn review_package(model: &mut Model, mut dock: DockForm) -> Vec<Effect> {
    let missing: Vec<&str> =
        ["carrier", "tracking"].into_iter().filter(|f| dock.text(field_index(f)).is_empty()).collect();
    dock.error = if !missing.is_empty() {
        Some(format!("the package needs its {} (E1)", missing.join(" and ")))
    } else if dock.scans.is_empty() {
        Some("scan at least one serial".into())
    } else {
        dock.scans
            .iter()
            .find(|s| s.fate.refused())
            .map(|scan| format!("{}: {}", scan.drive_id, scan.fate.describe()))
    };
    let effects = if dock.error.is_some() {
        Vec::new()
    } else {
        model.flash = Some(("deciding where the package goes…".into(), false));
        vec![Effect::PreviewArrival(dock.package())]
    };
    // The form stays until the confirmation replaces it: a refusal leaves every scan.
    model.popup = Some(Popup::Dock(Box::new(dock)));
    effects
}

fn field_index(name: &str) -> usize {
    FIELDS.iter().position(|f| *f == name).unwrap_or(SERIAL)
}

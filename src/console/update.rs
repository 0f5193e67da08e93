//! `update`: a message in, the model changed and the effects to run out.
//! Pure: no I/O, no clock. Every change is decided by the domain on the
//! snapshot the operator is looking at, so a stale one is refused by the store (S7).

use ratatui_textarea::TextArea;

use crate::domain::arrival::{decide_arrival, valid_arrival_actions};
use crate::domain::attention::Subject;
use crate::domain::field::Field;
use crate::domain::{
    Action, ActionKind, Change, Ctx, DriveAction, Event, Request, TargetKind, decide, valid_actions,
};

use super::data::Changed;
use super::filter::Filter;
use super::model::{Form, FormField, FormPurpose, Input, InputKind, Model, Plan, Popup, View};
use super::msg::{Command, Msg, WriteFailure};
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
    LoadHistory(i64),
    Write(Plan),
}

/// Rows a page moves.
const PAGE: usize = 10;

pub fn update(model: &mut Model, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Command(command) => dispatch(model, command),
        Msg::Edit(key) => {
            edit(model, key);
            Vec::new()
        }
        Msg::Resize(width, height) => {
            model.size = (width, height);
            Vec::new()
        }
        Msg::Tick(now) => {
            model.now = now;
            if model.attention_until.is_some_and(|until| now >= until) {
                refresh_attention(model);
            }
            Vec::new()
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
        Msg::Written(Ok(summary)) => {
            model.flash = Some((summary, false));
            model.marked.clear();
            vec![Effect::Reload]
        }
        Msg::Written(Err(WriteFailure { message, stale })) => {
            let title = if stale { "Changed by someone else (S7)" } else { "Not written" };
            model.flash = None;
            model.popup = Some(Popup::Message { title: title.into(), text: message, error: true });
            vec![Effect::Reload]
        }
        Msg::LoadFailed(message) => {
            model.flash = Some((format!("cannot read the database: {message}"), true));
            Vec::new()
        }
    }
}

/// The one place where read-only mode refuses a write.
fn dispatch(model: &mut Model, command: Command) -> Vec<Effect> {
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
        Command::PageUp => model.cursor[i] = model.cursor[i].saturating_sub(PAGE),
        Command::PageDown => model.cursor[i] = (model.cursor[i] + PAGE).min(count.saturating_sub(1)),
        Command::Top => model.cursor[i] = 0,
        Command::Bottom => model.cursor[i] = count.saturating_sub(1),
        Command::ToggleDetail => {
            model.detail = !model.detail;
            return selection_effects(model);
        }
        Command::OpenActions => open_menu(model),
        Command::ToggleMark => toggle_mark(model),
        Command::ClearMarks => model.marked.clear(),
        Command::BulkReceive => bulk_with(model, BulkKind::Receive, &[]),
        Command::BulkShipBack => bulk_ship_back_form(model),
        Command::StartFilter => start_input(model, InputKind::Filter),
        Command::StartCommand => start_input(model, InputKind::Command),
        Command::ToggleHelp => model.popup = Some(Popup::Help { scroll: 0 }),
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
            if model.detail {
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
                model.flash = Some((format!("importing {path}…"), false));
                return vec![Effect::Import(path)];
            }
        }
        Command::Select | Command::Confirm | Command::NextField | Command::PrevField | Command::Quit => {}
    }
    if matches!(
        command,
        Command::Up | Command::Down | Command::PageUp | Command::PageDown | Command::Top | Command::Bottom
    ) {
        return selection_effects(model);
    }
    Vec::new()
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
    model.attention = model.data.attention(model.now);
    model.attention_until = model.data.attention_changes_at(model.now);
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
    model.input = Some(Input { kind, text, previous: model.filter.clone() });
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
    }
}

fn input_command(model: &mut Model, command: Command) -> Vec<Effect> {
    let Some(input) = model.input.take() else { return Vec::new() };
    let text = input.text.lines().join(" ");
    match (command, input.kind) {
        (Command::Back, InputKind::Filter) => {
            set_filter(model, Filter::default());
            rows::refilter_all(model);
        }
        (Command::Select, InputKind::Filter) => {
            match Filter::parse(&text) {
                Ok(filter) => set_filter(model, filter),
                Err(e) => {
                    model.flash = Some((format!("filter: {e}; kept the previous filter"), true));
                    set_filter(model, input.previous);
                }
            }
            rows::refilter_all(model);
        }
        (Command::Select, InputKind::Command) => return run_command(model, text.trim()),
        (Command::Back, InputKind::Command) => {}
        _ => model.input = Some(input), // other commands do not apply while typing
    }
    Vec::new()
}

fn run_command(model: &mut Model, text: &str) -> Vec<Effect> {
    let view = match text.trim_start_matches(':') {
        "attention" | "a" => View::Attention,
        "jobs" | "j" => View::Jobs,
        "drives" | "d" => View::Drives,
        "audit" => View::Audit,
        "archive" => View::Archive,
        "q" | "quit" => {
            model.quit = true;
            return Vec::new();
        }
        // Through the dispatcher, like a key: read-only refuses it there.
        "sweep" => return dispatch(model, Command::Sweep),
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
                    "unknown command ':{other}': try :attention :jobs :drives :audit :archive :sweep :import PATH :q"
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
            let last = super::keymap::help_line_count().saturating_sub(1);
            model.popup = Some(Popup::Help { scroll: (scroll + step).min(last) });
        }
        (Popup::Help { scroll }, Command::Up | Command::PageUp) => {
            let step = if command == Command::Up { 1 } else { PAGE };
            model.popup = Some(Popup::Help { scroll: scroll.saturating_sub(step) });
        }
        (Popup::Help { .. }, Command::ToggleHelp) => {}
        (Popup::Menu { subject, actions, selected }, Command::Up) => {
            model.popup = Some(Popup::Menu { subject, actions, selected: selected.saturating_sub(1) })
        }
        (Popup::Menu { subject, actions, selected }, Command::Down) => {
            let selected = (selected + 1).min(actions.len().saturating_sub(1));
            model.popup = Some(Popup::Menu { subject, actions, selected })
        }
        (Popup::Menu { subject, actions, selected }, Command::Select) => {
            if let Some(allowed) = actions.get(selected) {
                choose_action(model, subject, allowed.kind);
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
        (Popup::Form(form), Command::Select) => submit_form(model, *form),
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
fn choose_action(model: &mut Model, subject: Subject, kind: ActionKind) {
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
        plan_and_confirm(model, &subject, kind, &[], None);
        return;
    }
    fields.push(field("note", "for the audit log".into(), false, ""));
    let initial = fields.iter().map(|f| f.input.lines().join("")).collect();
    let purpose = FormPurpose::Action { subject, kind };
    model.popup = Some(Popup::Form(Box::new(Form { purpose, fields, initial, focus: 0, error: None })));
}

fn field(key: &'static str, hint: String, required: bool, value: &str) -> FormField {
    let mut input = TextArea::default();
    input.insert_str(value);
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

fn submit_form(model: &mut Model, mut form: Form) {
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
        Ok(confirm) => model.popup = Some(confirm),
        Err(PlanError::BadInput(message)) => {
            form.error = Some(message);
            model.popup = Some(Popup::Form(Box::new(form)));
        }
        Err(PlanError::Refused(message)) => {
            model.popup = Some(Popup::Message { title: "Refused".into(), text: message, error: true })
        }
    }
}

fn plan_and_confirm(
    model: &mut Model,
    subject: &Subject,
    kind: ActionKind,
    sets: &[(String, String)],
    note: Option<&str>,
) {
    model.popup = Some(match plan(model, subject, kind, sets, note) {
        Ok(confirm) => confirm,
        Err(PlanError::BadInput(text) | PlanError::Refused(text)) => {
            Popup::Message { title: "Refused".into(), text, error: true }
        }
    });
}

enum PlanError {
    /// The form's values do not parse: the form stays open.
    BadInput(String),
    /// The rules said no: nothing changes.
    Refused(String),
}

/// Decides the action on the model's snapshot and builds the confirmation.
fn plan(
    model: &Model,
    subject: &Subject,
    kind: ActionKind,
    sets: &[(String, String)],
    note: Option<&str>,
) -> Result<Popup, PlanError> {
    let target = match subject {
        Subject::Job(_) => TargetKind::Job,
        Subject::Drive { .. } => TargetKind::Drive,
        Subject::Arrival(_) => TargetKind::Arrival,
    };
    let action = Action::parse(target, kind.name(), sets).map_err(PlanError::BadInput)?;
    let ctx = Ctx { operator: &model.config.operator, now: model.now, note };
    let refused = |r: crate::domain::Refusal| PlanError::Refused(r.to_string());
    let gone =
        || PlanError::Refused(format!("{subject} is no longer in the view; it may have been archived"));
    let title = format!("{} {subject}?", kind.name());
    match (subject, action) {
        (Subject::Arrival(id), Action::Arrival(a)) => {
            let arrival = model.arrival(*id).ok_or_else(gone)?;
            let (next, event) = decide_arrival(arrival, &a, &ctx).map_err(refused)?;
            let lines = event_lines(&subject.to_string(), std::slice::from_ref(&event));
            Ok(Popup::Confirm { title, lines, plan: Plan::Arrival(Box::new((next, event))) })
        }
        (Subject::Job(name), Action::Job(a)) => {
            let job = model.job(name).ok_or_else(gone)?;
            let change = decide(job, &Request::Job(a), &ctx).map_err(refused)?;
            Ok(confirm_changes(title, vec![change]))
        }
        (Subject::Drive { job, drive_id }, Action::Drive(a)) => {
            let job = model.job(job).ok_or_else(gone)?;
            let change = decide(job, &Request::Drive { drive_id: drive_id.clone(), action: a }, &ctx)
                .map_err(refused)?;
            Ok(confirm_changes(title, vec![change]))
        }
        _ => Err(PlanError::BadInput(format!("'{}' does not apply to {subject}", kind.name()))),
    }
}

fn confirm_changes(title: String, changes: Vec<Change>) -> Popup {
    let lines = changes.iter().flat_map(|c| event_lines(&c.job.name, &c.events)).collect();
    Popup::Confirm { title, lines, plan: Plan::Jobs(changes) }
}

/// "job/drive: Specified → Received (D2)", and consequences spelled out.
pub fn event_lines(subject: &str, events: &[Event]) -> Vec<String> {
    events
        .iter()
        .map(|e| {
            let who = match &e.drive_id {
                Some(d) => format!("{subject}/{d}"),
                None => subject.to_string(),
            };
            let what = if e.action == "consequence" {
                format!("then {who} becomes {} ({})", e.to_state, e.rule)
            } else {
                format!("{who}: {} → {} ({})", e.from_state, e.to_state, e.rule)
            };
            match &e.detail {
                Some(d) if !d.is_empty() => format!("{what} — {d}"),
                _ => what,
            }
        })
        .collect()
}

// --------------------------------------------------------------------- bulk

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

/// Decides one action per drive, folding the drives of one job into one
/// change, and asks for one confirmation: all of it commits or none (S6).
fn bulk_with(model: &mut Model, kind: BulkKind, sets: &[(String, String)]) {
    let targets = bulk_targets(model);
    if targets.is_empty() {
        model.flash = Some(("mark drives with Space in the Drives view first".into(), true));
        return;
    }
    let ctx = Ctx { operator: &model.config.operator, now: model.now, note: None };
    let mut changes: Vec<Change> = Vec::new();
    for (job_name, drive_id) in &targets {
        let action = match kind {
            BulkKind::Receive => DriveAction::Receive,
            BulkKind::ShipBack => match Action::parse(TargetKind::Drive, "ship-back", sets) {
                Ok(Action::Drive(a)) => a,
                Ok(_) => continue,
                Err(e) => {
                    model.popup = Some(Popup::Message { title: "Refused".into(), text: e, error: true });
                    return;
                }
            },
        };
        let position = changes.iter().position(|c| &c.job.name == job_name);
        let current = match position {
            Some(p) => changes[p].job.clone(),
            None => match model.job(job_name) {
                Some(j) => j.clone(),
                None => continue,
            },
        };
        match decide(&current, &Request::Drive { drive_id: drive_id.clone(), action }, &ctx) {
            Ok(change) => match position {
                Some(p) => {
                    changes[p].events.extend(change.events);
                    changes[p].job = change.job;
                }
                None => changes.push(change),
            },
            Err(refusal) => {
                let text = format!("{job_name}/{drive_id}: {refusal}; nothing was changed");
                model.popup = Some(Popup::Message { title: "Refused".into(), text, error: true });
                return;
            }
        }
    }
    let verb = match kind {
        BulkKind::Receive => "receive",
        BulkKind::ShipBack => "ship back",
    };
    let title = format!("{verb} {} drives in one transaction?", targets.len());
    model.popup = Some(confirm_changes(title, changes));
}

fn plan_sweep(model: &mut Model) {
    // Every job whose clock has passed is held in full (see `data::needs_attention`).
    let changes: Vec<Change> =
        model.data.full.values().filter_map(|j| crate::domain::sweep::sweep_job(j, model.now)).collect();
    if changes.is_empty() {
        model.flash = Some(("the sweep has nothing to do: no C1, C3 or C7 has passed".into(), false));
        return;
    }
    let title = format!("sweep {} jobs as operator system?", changes.len());
    model.popup = Some(confirm_changes(title, changes));
}

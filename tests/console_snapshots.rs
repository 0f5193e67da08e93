//! What the console draws, as insta snapshots of a `TestBackend`: every view,
//! the detail pane, each dialog, the help, the empty and too-small screens and
//! read-only mode. The demo data is fixed (seed, 60 jobs, now =
//! 2026-11-22T12:00:00Z) and colour is off, so each frame is deterministic.
//! The model is driven by keys through `console::key_message` and `update`,
//! as the runtime drives it; effects are run with the worker's functions.

mod console_support;

use crossterm::event::KeyCode;
use insta::assert_snapshot;

use console_support::*;
use ieops::console::model::{Model, Popup, View};
use ieops::console::msg::Msg;
use ieops::console::update::{Effect, update};
use ieops::console::worker;
use ieops::domain::JobState;
use ieops::domain::attention::Subject;
use ieops::store::Store;

const W: u16 = 160;
const H: u16 = 45;

fn demo() -> (Store, Model) {
    let mut store = demo_store();
    let model = console(&mut store, false);
    (store, model)
}

/// Opens the action menu on the selected row and chooses `action` in it with
/// `j` and Enter, as an operator would.
// -------------------------------------------------------------------- views

#[test]
fn attention_view() {
    let (_store, model) = demo();
    assert_eq!(model.view, View::Attention, "the console opens on the Attention view");
    assert_snapshot!("attention_view", terminal(&model, W, H).backend());
}

#[test]
fn jobs_view() {
    let (mut store, mut model) = demo();
    show(&mut model, &mut store, View::Jobs);
    assert_snapshot!("jobs_view", terminal(&model, W, H).backend());
}

#[test]
fn drives_view() {
    let (mut store, mut model) = demo();
    show(&mut model, &mut store, View::Drives);
    assert_snapshot!("drives_view", terminal(&model, W, H).backend());
}

#[test]
fn audit_view() {
    let (mut store, mut model) = demo();
    show(&mut model, &mut store, View::Audit);
    assert_snapshot!("audit_view", terminal(&model, W, H).backend());
}

#[test]
fn archive_view() {
    let (mut store, mut model) = demo();
    show(&mut model, &mut store, View::Archive);
    assert_snapshot!("archive_view", terminal(&model, W, H).backend());
}

#[test]
fn jobs_view_while_typing_a_filter() {
    let (mut store, mut model) = demo();
    show(&mut model, &mut store, View::Jobs);
    press_and_run(&mut model, &mut store, ch('/'));
    type_text(&mut model, "state:shipping overdue");
    // Live: the table narrows while the filter is typed, before Enter.
    assert_snapshot!("jobs_view_while_typing_a_filter", terminal(&model, W, H).backend());
}

/// Chooses an action as the runtime would, running what it asks of the store.
fn run_choice(model: &mut Model, store: &mut Store, action: &str) {
    let effects = choose(model, action);
    run(model, store, effects);
}

// ------------------------------------------------------------------- detail

#[test]
fn detail_pane_of_a_job_with_its_history() {
    let (mut store, mut model) = demo();
    let (name, _) = LAST_SPECIFIED;
    show(&mut model, &mut store, View::Jobs);
    select(&mut model, &mut store, &Subject::Job(name.into()));
    let job_id = model.job(name).and_then(|j| j.id).expect("a stored job has an id");

    let effects = press(&mut model, ch('d'));
    assert!(model.detail);
    assert!(
        matches!(effects.as_slice(), [Effect::LoadHistory(id)] if *id == job_id),
        "the detail pane asks for the job's history: {effects:?}"
    );
    // What the worker sends back for that effect.
    let events = store.history(job_id).expect("history is read");
    assert!(events.len() >= 3, "the demo job has a history: {events:?}");
    assert!(update(&mut model, Msg::History { job_id, events }).is_empty());

    let screen = screen(&model, W, H);
    assert!(screen.contains("History"), "{screen}");
    assert!(!screen.contains("loading…"), "the history has arrived:\n{screen}");
    assert_snapshot!("detail_pane_of_a_job_with_its_history", terminal(&model, W, H).backend());
}

// ------------------------------------------------------------------ dialogs

#[test]
fn action_menu_on_a_specified_drive_of_a_shipping_job() {
    let (mut store, mut model) = demo();
    let (name, drive) = LAST_SPECIFIED;
    demo_job(&store, name, JobState::Shipping, &[drive]);
    show(&mut model, &mut store, View::Drives);
    select(&mut model, &mut store, &drive_subject(name, drive));
    press_and_run(&mut model, &mut store, key(KeyCode::Enter));
    let Some(Popup::Menu { actions, .. }) = &model.popup else { panic!("{}", popup_name(&model)) };
    let names: Vec<&str> = actions.iter().map(|a| a.kind.name()).collect();
    // D3: no never-received before the package came without the drive or C3 passed.
    assert_eq!(names, ["receive", "fault"]);
    assert_snapshot!("action_menu_on_a_specified_drive", terminal(&model, W, H).backend());
}

#[test]
fn fault_form_on_a_job_being_filled_in() {
    let (mut store, mut model) = demo();
    show(&mut model, &mut store, View::Jobs);
    select(&mut model, &mut store, &Subject::Job(CREATING.into()));
    run_choice(&mut model, &mut store, "fault");
    assert_eq!(popup_name(&model), "form");
    type_text(&mut model, "storage account key expired");
    press_and_run(&mut model, &mut store, key(KeyCode::Tab));
    type_text(&mut model, "ticket 4411");
    assert_snapshot!("fault_form_on_a_job", terminal(&model, W, H).backend());
}

#[test]
fn extend_wait_form_with_a_value_out_of_range() {
    let (mut store, mut model) = demo();
    let name = "vanarsdel-cctv-2026-09-28";
    demo_job(&store, name, JobState::Shipping, &[]);
    show(&mut model, &mut store, View::Jobs);
    select(&mut model, &mut store, &Subject::Job(name.into()));
    run_choice(&mut model, &mut store, "extend-wait");
    type_text(&mut model, "120");
    let effects = press(&mut model, key(KeyCode::Enter));
    assert!(effects.is_empty());
    let Some(Popup::Form(form)) = &model.popup else { panic!("the form stays open: {}", popup_name(&model)) };
    assert!(form.error.as_deref().is_some_and(|e| e.contains("90")), "{:?}", form.error);
    assert_snapshot!("extend_wait_form_with_an_error", terminal(&model, W, H).backend());
}

#[test]
fn confirmation_of_receiving_the_last_specified_drive() {
    let (mut store, mut model) = demo();
    let (name, drive) = LAST_SPECIFIED;
    demo_job(&store, name, JobState::Shipping, &[drive]);
    show(&mut model, &mut store, View::Drives);
    select(&mut model, &mut store, &drive_subject(name, drive));
    run_choice(&mut model, &mut store, "receive");
    let screen = screen(&model, W, H);
    assert!(screen.contains(&format!("{name}/{drive}: Specified → Received (D2)")), "{screen}");
    assert!(screen.contains(&format!("then {name} becomes Received (J8)")), "{screen}");
    assert_snapshot!("confirm_receive_last_specified_drive", terminal(&model, W, H).backend());
}

#[test]
fn confirmation_of_a_bulk_receive_of_marked_drives() {
    let (mut store, mut model) = demo();
    let (name, drives) = TWO_SPECIFIED;
    demo_job(&store, name, JobState::Shipping, &drives);
    show(&mut model, &mut store, View::Drives);
    select(&mut model, &mut store, &drive_subject(name, drives[0]));
    press_and_run(&mut model, &mut store, ch(' '));
    press_and_run(&mut model, &mut store, ch(' '));
    press_and_run(&mut model, &mut store, ch('r'));
    assert_eq!(popup_name(&model), "confirm");
    assert_snapshot!("confirm_bulk_receive", terminal(&model, W, H).backend());
}

#[test]
fn message_after_a_stale_write() {
    let StaleReceive { dir: _dir, mut store, mut model, plan } = stale_receive(Bruno::ReceivesTheDrive);
    let result = worker::write(&mut store, plan, OPERATOR, now());
    let effects = update(&mut model, Msg::Written(result));
    assert!(matches!(effects.as_slice(), [Effect::Reload]), "{effects:?}");
    assert_snapshot!("message_after_a_stale_write", terminal(&model, W, H).backend());
}

#[test]
fn help() {
    let (mut store, mut model) = demo();
    press_and_run(&mut model, &mut store, ch('?'));
    assert_eq!(popup_name(&model), "help");
    assert_snapshot!("help", terminal(&model, W, H).backend());
}

// ------------------------------------------------------------ other screens

#[test]
fn empty_database() {
    let mut store = Store::open_in_memory().expect("store");
    let model = console(&mut store, false);
    assert_snapshot!("empty_database", terminal(&model, W, H).backend());
}

#[test]
fn too_small_terminal() {
    let (_store, model) = demo();
    assert_snapshot!("too_small_59x14", terminal(&model, 59, 14).backend());
}

#[test]
fn one_by_one_terminal_does_not_panic() {
    let (_store, model) = demo();
    assert_snapshot!("too_small_1x1", terminal(&model, 1, 1).backend());
}

#[test]
fn smallest_usable_terminal() {
    let (_store, model) = demo();
    assert_snapshot!("smallest_usable_60x15", terminal(&model, 60, 15).backend());
}

#[test]
fn read_only_header_and_the_flash_after_enter() {
    let mut store = demo_store();
    let mut model = console(&mut store, true);
    let effects = press(&mut model, key(KeyCode::Enter));
    assert!(effects.is_empty());
    assert_eq!(popup_name(&model), "none");
    let screen = screen(&model, W, H);
    assert!(
        screen.starts_with("ieops │ /var/lib/ieops/ieops.db │ operator amara │ 🔒 READ-ONLY │"),
        "{screen}"
    );
    assert_snapshot!("read_only_after_enter", terminal(&model, W, H).backend());
}

/// Every state the console can be in, drawn at sizes from 1×1 up: nothing panics.
#[test]
fn every_screen_draws_at_every_size() {
    let (mut store, base) = demo();
    let mut states: Vec<(&str, Model)> = Vec::new();
    let fresh = |store: &mut Store| console(store, false);
    for view in View::ALL {
        let mut model = fresh(&mut store);
        show(&mut model, &mut store, view);
        press_and_run(&mut model, &mut store, ch('G'));
        press_and_run(&mut model, &mut store, ch('d'));
        states.push(("view with detail at the last row", model));
    }
    let mut menu = fresh(&mut store);
    press_and_run(&mut menu, &mut store, key(KeyCode::Enter));
    states.push(("menu", menu));
    let mut form = fresh(&mut store);
    show(&mut form, &mut store, View::Jobs);
    select(&mut form, &mut store, &Subject::Job(CREATING.into()));
    run_choice(&mut form, &mut store, "ship");
    states.push(("ship form", form));
    let mut confirm = fresh(&mut store);
    show(&mut confirm, &mut store, View::Drives);
    select(&mut confirm, &mut store, &drive_subject(LAST_SPECIFIED.0, LAST_SPECIFIED.1));
    run_choice(&mut confirm, &mut store, "receive");
    states.push(("confirm", confirm));
    let mut refused = fresh(&mut store);
    show(&mut refused, &mut store, View::Jobs);
    select(&mut refused, &mut store, &Subject::Job(CREATING.into()));
    run_choice(&mut refused, &mut store, "ship");
    press_and_run(&mut refused, &mut store, key(KeyCode::Enter));
    states.push(("refusal message", refused));
    let mut help = fresh(&mut store);
    press_and_run(&mut help, &mut store, ch('?'));
    states.push(("help", help));
    let mut input = fresh(&mut store);
    press_and_run(&mut input, &mut store, ch(':'));
    type_text(&mut input, "swe");
    states.push(("command line", input));
    states.push(("attention", base));
    for (what, model) in &states {
        for width in [1, 2, 10, 59, 60, 61, 80, 120, 139, 140, 141, 250] {
            for height in [1, 2, 3, 14, 15, 16, 24, 45, 80] {
                let result =
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| screen(model, width, height)));
                assert!(result.is_ok(), "drawing the {what} at {width}×{height} panicked");
            }
        }
    }
}

// ------------------------------------------------------------------ sizes

/// Issue 15: each view at the sizes operators use, from the smallest usable
/// terminal to a wall screen. Columns are sized by what they show and cut
/// with `…`; the most needed survive first (a drive's id and state, an
/// item's rule, subject and time), and the header keeps its overdue and
/// faulted counts.
#[test]
fn every_view_at_every_size() {
    for (width, height) in [(60, 15), (80, 24), (160, 45), (240, 60)] {
        for view in View::ALL {
            let (mut store, mut model) = demo();
            show(&mut model, &mut store, view);
            let name = format!("{}_{width}x{height}", view.title().to_lowercase());
            assert_snapshot!(name, terminal(&model, width, height).backend());
        }
    }
}

/// Issue 15: `i` on an overdue job: its clock's rule and its state's, each
/// with the seed sentences it comes from, French and English.
#[test]
fn rules_popup_on_an_overdue_job() {
    let (mut store, mut model) = demo();
    show(&mut model, &mut store, View::Jobs);
    press(&mut model, ch('/'));
    type_text(&mut model, "vanarsdel");
    press(&mut model, key(KeyCode::Enter));
    press(&mut model, ch('i'));
    assert_snapshot!("rules_popup", terminal(&model, W, H).backend());
}

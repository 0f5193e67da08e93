//! `update` as a function: keys in (through the keymap, as the runtime sends
//! them), the model and the effects out. Writes are run with the worker's own
//! `write` against a real store when the test needs to see what they do.

mod console_support;

use ieops::console::data::JobRow;

use crossterm::event::KeyCode;

use console_support::*;
use ieops::console::keymap::{self, Context};
use ieops::console::model::{Config, FormPurpose, Model, Plan, Popup, View};
use ieops::console::msg::{Msg, WriteFailure};
use ieops::console::rows;
use ieops::console::update::{Effect, update};
use ieops::console::worker;
use ieops::domain::attention::Subject;
use ieops::domain::clock;
use ieops::domain::create::create_job;
use ieops::domain::sweep::sweep_job;
use ieops::domain::{ActionKind, Change, Ctx, DriveState, JobState, JobType, Rule};
use ieops::store::{JobFilter, Store};

fn demo() -> (Store, Model) {
    let mut store = demo_store();
    let model = console(&mut store, false);
    (store, model)
}

fn writes(effects: &[Effect]) -> usize {
    effects.iter().filter(|e| matches!(e, Effect::Write(_))).count()
}

fn flash(model: &Model) -> &str {
    model.flash.as_ref().map_or("", |(text, _)| text.as_str())
}

/// Has one of the job's clocks passed at the console's time?
fn is_overdue(job: &ieops::domain::Job, model: &Model) -> bool {
    ieops::domain::attention::is_overdue(job, model.now)
}

// ------------------------------------------------------------------- filter

#[test]
fn filter_keeps_only_overdue_shipping_jobs_and_esc_clears_it() {
    let (store, mut model) = demo();
    press(&mut model, ch('2'));
    let all = rows::rows(&model, View::Jobs).len();
    assert_eq!(all, model.data.jobs.len());

    press(&mut model, ch('/'));
    assert!(model.input.is_some(), "/ opens the filter line");
    assert!(type_text(&mut model, "state:shipping overdue").is_empty());
    assert!(press(&mut model, key(KeyCode::Enter)).is_empty());
    assert!(model.input.is_none(), "Enter closes the filter line");
    assert_eq!(model.filter.text, "state:shipping overdue");

    let names: Vec<&str> = job_rows(&model, View::Jobs).iter().map(|j| j.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "adventureworks-research-2026-10-29",
            "treyresearch-archive-2026-10-29",
            "vanarsdel-cctv-2026-09-28",
        ]
    );
    // Checked against the stored jobs and the domain's clocks, not the console's rows.
    for row in &model.data.jobs {
        let job = store.job(&row.name).expect("read").expect("stored");
        let kept = names.contains(&job.name.as_str());
        let expected = job.state == JobState::Shipping && is_overdue(&job, &model);
        assert_eq!(kept, expected, "{} ({}, overdue {})", job.name, job.state, is_overdue(&job, &model));
    }
    let shipping = model.data.jobs.iter().filter(|j| j.state == JobState::Shipping).count();
    assert!(names.len() < shipping, "Shipping jobs that are not overdue are filtered out");

    let effects = press(&mut model, key(KeyCode::Esc));
    assert!(
        effects.iter().all(|e| matches!(e, Effect::LoadJob(_))),
        "at most the new selection is read: {effects:?}"
    );
    assert!(model.filter.is_empty(), "Esc in the table clears the filter");
    assert_eq!(rows::rows(&model, View::Jobs).len(), all);
}

/// What the filter keeps of the Drives view, worked out from the stored jobs:
/// every word is in the job's name, a tracking number or the drive's id
/// (any case), or `state:`/`drivestate:` names the drive's state (issue 15:
/// never the job's), `jobstate:` the job's, or `faulted`.
fn drives_expected(store: &Store, filter: &str) -> Vec<(String, String)> {
    let mut kept = Vec::new();
    for job in store.jobs(&Default::default()).expect("read") {
        let tracking = [&job.delivery_package.tracking_number, &job.return_package.tracking_number];
        for drive in &job.drives {
            let passes = |word: &str| {
                let word = word.to_lowercase();
                let drive_state = word.strip_prefix("state:").or_else(|| word.strip_prefix("drivestate:"));
                match (drive_state, word.strip_prefix("jobstate:")) {
                    (Some(state), _) => drive.state.to_string().to_lowercase() == state,
                    (_, Some(state)) => job.state.to_string().to_lowercase() == state,
                    _ if word == "faulted" => {
                        job.state == JobState::Faulted || drive.state == ieops::domain::DriveState::Faulted
                    }
                    _ => {
                        job.name.to_lowercase().contains(&word)
                            || drive.drive_id.to_lowercase().contains(&word)
                            || tracking
                                .iter()
                                .any(|t| t.as_ref().is_some_and(|t| t.to_lowercase().contains(&word)))
                    }
                }
            };
            if filter.split_whitespace().all(passes) {
                kept.push((job.name.clone(), drive.drive_id.clone()));
            }
        }
    }
    kept.sort();
    kept
}

/// (job, drive) of the rows the Drives view shows, sorted.
fn shown(model: &Model) -> Vec<(String, String)> {
    let mut shown: Vec<(String, String)> = rows::rows(model, View::Drives)
        .iter()
        .map(|r| match r {
            rows::RowRef::Drive(d) => (d.job_name.to_string(), d.drive_id.clone()),
            other => panic!("not a drive row: {other:?}"),
        })
        .collect();
    shown.sort();
    shown
}

#[test]
fn the_drives_filter_keeps_what_each_keystroke_asks_for() {
    let (store, mut model) = demo();
    press(&mut model, ch('3'));
    assert_eq!(shown(&model), drives_expected(&store, ""));
    let mut checked_some = false;
    let filters = [
        "WD-w",
        "contoso 1z",
        "st state:received",
        "state:transferring",
        "jobstate:transferring",
        "drivestate:completed jobstate:completed",
        "state:shipping",
        "faulted 2026",
        "S3yj",
        "zzz",
    ];
    for filter in filters {
        press(&mut model, ch('/'));
        // Each keystroke, as typed: the filter narrows the rows the last one kept.
        for (typed, c) in filter.char_indices() {
            press(&mut model, ch(c));
            let so_far = &filter[..typed + c.len_utf8()];
            let last = so_far.split_whitespace().last().unwrap_or("");
            if last.contains("state:") && ieops::console::filter::Filter::parse(last).is_err() {
                continue; // half a state name does not parse yet
            }
            assert_eq!(shown(&model), drives_expected(&store, so_far), "after typing {so_far:?}");
            checked_some |= !shown(&model).is_empty();
        }
        // Deleting a character widens again.
        press(&mut model, key(KeyCode::Backspace));
        let shorter = &filter[..filter.len() - 1];
        if !shorter.contains("state:") {
            assert_eq!(shown(&model), drives_expected(&store, shorter), "after deleting back to {shorter:?}");
        }
        press(&mut model, key(KeyCode::Esc));
        press(&mut model, key(KeyCode::Esc));
        assert!(model.filter.is_empty());
    }
    assert!(checked_some, "some filter kept some drives");
}

/// Issue 15: in the Drives view `state:` is the drive's state. A word that is
/// only a job state keeps nothing there, and the status line says which
/// term is meant.
#[test]
fn a_job_state_in_the_drives_view_points_to_jobstate() {
    let (_store, mut model) = demo();
    press(&mut model, ch('3'));
    press(&mut model, ch('/'));
    type_text(&mut model, "state:shipping");
    press(&mut model, key(KeyCode::Enter));
    assert!(rows::rows(&model, View::Drives).is_empty());
    assert_eq!(
        flash(&model),
        "'shipping' is not a drive state: jobstate:shipping lists the drives of Shipping jobs"
    );
    press(&mut model, ch('2'));
    assert!(!rows::rows(&model, View::Jobs).is_empty(), "in the Jobs view it is the job's state");
}

/// Does an attention item hold every word of `filter` in its text, worked
/// out from the stored jobs: a job's name, tracking numbers and drive ids; a
/// drive's id and its job's name and tracking numbers; an arrival's tracking
/// number, job name and drive ids.
fn attention_item_expected(store: &Store, subject: &Subject, filter: &str) -> bool {
    let job_text = |name: &str| {
        let job = store.job(name).expect("read").expect("stored");
        let mut text = vec![job.name.clone()];
        text.extend(job.delivery_package.tracking_number.clone());
        text.extend(job.return_package.tracking_number.clone());
        (text, job.drives.iter().map(|d| d.drive_id.clone()).collect::<Vec<_>>())
    };
    let texts = match subject {
        Subject::Job(name) => {
            let (mut text, drives) = job_text(name);
            text.extend(drives);
            text
        }
        Subject::Drive { job, drive_id } => {
            let (mut text, _) = job_text(job);
            text.push(drive_id.clone());
            text
        }
        Subject::Arrival(id) => {
            let arrival = store.arrival(*id).expect("read").expect("stored");
            let mut text = vec![arrival.tracking_number, arrival.job_name.unwrap_or_default()];
            text.extend(arrival.drive_ids);
            text
        }
    };
    filter
        .split_whitespace()
        .all(|word| texts.iter().any(|t| t.to_lowercase().contains(&word.to_lowercase())))
}

#[test]
fn the_attention_filter_finds_jobs_drives_and_arrivals_by_their_text() {
    let (store, mut model) = demo();
    press(&mut model, ch('1'));
    let shown = |model: &Model| -> Vec<Subject> {
        rows::rows(model, View::Attention)
            .iter()
            .map(|r| match r {
                rows::RowRef::Item(item) => item.subject.clone(),
                other => panic!("not an attention item: {other:?}"),
            })
            .collect()
    };
    assert_eq!(shown(&model).len(), model.attention.len());
    let mut kinds_kept = [false; 3];
    // A faulted drive's id (E6), a customer's name, a word and a drive id prefix.
    for filter in ["s3yjnx0koy3mbq", "northwind", "2026-11 s3yj", "zl2", "zzz"] {
        press(&mut model, ch('/'));
        type_text(&mut model, filter);
        press(&mut model, key(KeyCode::Enter));
        let expected: Vec<Subject> = model
            .attention
            .iter()
            .filter(|item| attention_item_expected(&store, &item.subject, filter))
            .map(|item| item.subject.clone())
            .collect();
        let kept = shown(&model);
        assert_eq!(kept, expected, "{filter}");
        for subject in &kept {
            kinds_kept[match subject {
                Subject::Job(_) => 0,
                Subject::Drive { .. } => 1,
                Subject::Arrival(_) => 2,
            }] = true;
        }
        press(&mut model, key(KeyCode::Esc));
    }
    assert_eq!(kinds_kept, [true; 3], "some job, drive and arrival items were kept by some filter");
}

#[test]
fn a_filter_that_does_not_parse_is_named() {
    let (_store, mut model) = demo();
    press(&mut model, ch('2'));
    press(&mut model, ch('/'));
    type_text(&mut model, "state:lost");
    press(&mut model, key(KeyCode::Enter));
    assert_eq!(flash(&model), "filter: unknown state 'lost'; kept the previous filter");
    assert!(model.flash.as_ref().is_some_and(|(_, error)| *error));
    assert!(model.filter.is_empty(), "the half-typed filter is not left applied: {:?}", model.filter);
}

// --------------------------------------------------------------------- sort

#[test]
fn s_cycles_the_sort_columns_and_shift_s_reverses() {
    let (_store, mut model) = demo();
    press(&mut model, ch('2'));
    let names = |m: &Model| job_rows(m, View::Jobs).iter().map(|j| j.name.clone()).collect::<Vec<_>>();
    let by_name = names(&model);
    assert!(by_name.is_sorted(), "the Jobs view starts sorted by name");

    press(&mut model, ch('s'));
    assert_eq!(model.sort().column, 1);
    let jobs = job_rows(&model, View::Jobs);
    assert!(jobs.is_sorted_by_key(|j| (j.state, j.name.clone())), "s sorts by state, then name");
    assert_ne!(names(&model), by_name, "the order changed");

    press(&mut model, ch('s'));
    assert!(job_rows(&model, View::Jobs).is_sorted_by_key(|j| j.state_since), "then by time in state");

    press(&mut model, ch('s'));
    let deadline = |j: &JobRow| (j.deadline.is_none(), j.deadline.map(|(_, at, _)| at));
    let jobs = job_rows(&model, View::Jobs);
    assert!(jobs.is_sorted_by_key(|j| deadline(j)), "then by next deadline, jobs without one last");
    assert!(deadline(jobs[0]).1.is_some() && deadline(jobs[jobs.len() - 1]).1.is_none());

    press(&mut model, ch('s'));
    assert_eq!(model.sort().column, 0, "s wraps around to the name");
    assert_eq!(names(&model), by_name);

    press(&mut model, ch('S'));
    assert!(model.sort().descending);
    let mut reversed = by_name.clone();
    reversed.reverse();
    assert_eq!(names(&model), reversed, "S reverses the order");
    assert!(screen(&model, 160, 45).contains("sorted by name ↓"));

    press(&mut model, ch('S'));
    assert_eq!(names(&model), by_name, "S again restores it");

    // Each view keeps its own sort.
    press(&mut model, ch('S'));
    press(&mut model, ch('3'));
    assert_eq!(model.sort().column, 0);
    assert!(!model.sort().descending);
}

// --------------------------------------------------------------------- bulk

#[test]
fn space_marks_and_r_receives_two_drives_of_one_job_in_one_change() {
    let (mut store, mut model) = demo();
    let (name, drives) = TWO_SPECIFIED;
    demo_job(&store, name, JobState::Shipping, &drives);
    show(&mut model, &mut store, View::Drives);
    select(&mut model, &mut store, &drive_subject(name, drives[0]));
    let start = model.cursor();

    assert!(press(&mut model, ch(' ')).is_empty());
    assert_eq!(model.cursor(), start + 1, "Space marks and moves down");
    assert_eq!(
        rows::rows(&model, View::Drives)[model.cursor()].subject(),
        Some(drive_subject(name, drives[1])),
        "the job's second drive is next"
    );
    press(&mut model, ch(' '));
    assert_eq!(model.cursor(), start + 2);
    let marked: Vec<(String, String)> = drives.iter().map(|d| (name.to_string(), d.to_string())).collect();
    assert_eq!(model.marked.iter().cloned().collect::<Vec<_>>(), marked);

    assert!(press(&mut model, ch('r')).is_empty(), "r only asks for confirmation");
    let Some(Popup::Confirm { title, lines, plan: Plan::Act { asks, steps, .. } }) = &model.popup else {
        panic!("r asks for confirmation, not {}", popup_name(&model))
    };
    // The title counts changes, not targets: two receipts and the job's J8.
    assert_eq!(title, "receive 2 drives of 1 job: 3 changes?");
    assert_eq!(asks.len(), 2);
    let d2: Vec<String> = steps.iter().filter(|s| s.3 == Rule::D2).map(|s| s.0.clone()).collect();
    let expected: Vec<String> = drives.iter().map(|d| format!("{name}/{d}")).collect();
    assert_eq!(d2, expected, "one D2 step per drive");
    assert!(steps.iter().any(|s| s.3 == Rule::J8 && s.0 == name && s.2 == "Received"), "{lines:?}");
    assert_eq!(lines.len(), 3, "{lines:?}");

    let effects = press(&mut model, ch('y'));
    let [Effect::Write(Plan::Act { steps: written, .. })] = effects.as_slice() else {
        panic!("y writes the plan: {effects:?}")
    };
    assert_eq!(written.len(), 3);
    assert!(model.popup.is_none());

    run(&mut model, &mut store, effects);
    let done = flash(&model);
    assert!(done.starts_with(&format!("done: {name}/{} Received", drives[0])), "{done}");
    assert!(done.ends_with("— 3 audit events recorded"), "{done}");
    assert!(model.marked.is_empty(), "a write clears the marks");
    assert_eq!(store.job(name).unwrap().unwrap().state, JobState::Received);
    assert_eq!(model.job(name).unwrap().state, JobState::Received, "the view reloaded");
}

#[test]
fn u_clears_the_marks_and_marks_are_only_for_drives() {
    let (mut store, mut model) = demo();
    show(&mut model, &mut store, View::Drives);
    press(&mut model, ch(' '));
    press(&mut model, ch(' '));
    assert_eq!(model.marked.len(), 2);
    press(&mut model, ch('u'));
    assert!(model.marked.is_empty());

    press(&mut model, ch('2'));
    press(&mut model, ch(' '));
    assert!(model.marked.is_empty());
    assert!(flash(&model).contains("Drives view"), "{}", flash(&model));
}

// ---------------------------------------------------------------- refusals

#[test]
fn ship_on_a_creating_job_with_the_form_left_empty_is_refused_by_j4_and_writes_nothing() {
    let (mut store, mut model) = demo();
    let before = store.job(CREATING).unwrap().unwrap();
    demo_job(&store, CREATING, JobState::Creating, &["ZAYQ9QJE"]);
    show(&mut model, &mut store, View::Jobs);
    select(&mut model, &mut store, &Subject::Job(CREATING.into()));

    let mut effects = choose(&mut model, "ship");
    let Some(Popup::Form(form)) = &model.popup else { panic!("ship opens a form: {}", popup_name(&model)) };
    assert_eq!(
        form.purpose,
        FormPurpose::Action { subject: Subject::Job(CREATING.into()), kind: ActionKind::Ship }
    );
    assert!(form.fields.iter().any(|f| f.key == "deliveryPackage.carrierName"));
    effects.extend(press(&mut model, key(KeyCode::Enter)));

    // The refusal is shown in the form, which keeps what was typed.
    let Some(Popup::Form(form)) = &model.popup else {
        panic!("the refusal is shown in the form, not {}", popup_name(&model))
    };
    let text = form.error.clone().unwrap_or_default();
    assert!(text.starts_with("refused by J4: "), "{text}");
    assert!(text.contains("deliveryPackage.carrierName") && text.contains("returnAddress.phone"), "{text}");
    assert_eq!(writes(&effects), 0);

    effects.extend(press(&mut model, key(KeyCode::Esc)));
    assert!(model.popup.is_none(), "Esc closes the form");
    assert_eq!(writes(&effects), 0);
    let after = store.job(CREATING).unwrap().unwrap();
    assert_eq!((after.state, after.version), (before.state, before.version), "nothing was written");
}

#[test]
fn a_form_value_that_does_not_parse_keeps_the_form_open_with_the_error() {
    let (mut store, mut model) = demo();
    let name = "vanarsdel-cctv-2026-09-28";
    show(&mut model, &mut store, View::Jobs);
    select(&mut model, &mut store, &Subject::Job(name.into()));
    let mut effects = choose(&mut model, "extend-wait");
    type_text(&mut model, "120");
    effects.extend(press(&mut model, key(KeyCode::Enter)));
    let Some(Popup::Form(form)) = &model.popup else { panic!("the form stays open: {}", popup_name(&model)) };
    assert_eq!(form.error.as_deref(), Some("days: '120' is not a whole number from 1 to 90"));
    assert_eq!(writes(&effects), 0);

    // Typing again clears the error; a good value goes on to confirmation.
    press(&mut model, key(KeyCode::Backspace));
    press(&mut model, key(KeyCode::Backspace));
    press(&mut model, key(KeyCode::Backspace));
    let Some(Popup::Form(form)) = &model.popup else { panic!() };
    assert!(form.error.is_none());
    type_text(&mut model, "7");
    press(&mut model, key(KeyCode::Enter));
    let Some(Popup::Confirm { lines, .. }) = &model.popup else { panic!("{}", popup_name(&model)) };
    assert!(lines.iter().any(|l| l.starts_with(name) && l.contains("(J6)")), "{lines:?}");
}

// ----------------------------------------------------------------- S7

#[test]
fn a_write_decided_on_a_stale_snapshot_is_refused_naming_who_changed_the_drive() {
    // Between the console's read and its write, bruno receives the same drive elsewhere.
    let StaleReceive { dir: _dir, mut store, mut model, plan } = stale_receive(Bruno::ReceivesTheDrive);
    let (name, drive) = LAST_SPECIFIED;

    let result = worker::write(&mut store, plan, OPERATOR, now());
    let Err(WriteFailure { message, stale, replan: None }) = &result else {
        panic!("the stale write committed: {result:?}")
    };
    assert!(stale, "{message}");
    assert!(
        message.contains(&format!("{name}/{drive}")) && message.contains("already Received"),
        "{message}"
    );
    assert!(message.contains("bruno ran receive at ") && message.contains("(S7)"), "{message}");
    assert!(message.contains("nothing was written"), "{message}");

    let effects = update(&mut model, Msg::Written(result.clone()));
    assert!(matches!(effects.as_slice(), [Effect::Reload]), "the view reloads: {effects:?}");
    let Some(Popup::Message { title, text, error }) = &model.popup else { panic!("{}", popup_name(&model)) };
    assert_eq!(title, "Changed by someone else (S7)");
    assert_eq!(text, message);
    assert!(error);

    run(&mut model, &mut store, effects);
    let job = store.job(name).unwrap().unwrap();
    let history = store.history(job.id.unwrap()).unwrap();
    assert!(history.iter().all(|e| e.operator != OPERATOR), "no event of amara's: {history:?}");
    assert_eq!(model.job(name).unwrap().version, job.version, "the console shows bruno's version now");
}

/// Issue 13: a change elsewhere that the confirmed write does not depend on
/// (bruno's new phone number) no longer refuses it: the write is decided on
/// the job as it is then, and is the same as confirmed.
#[test]
fn a_write_goes_through_when_what_changed_elsewhere_does_not_touch_it() {
    let StaleReceive { dir: _dir, mut store, model: _, plan } = stale_receive(Bruno::UpdatesTheAddress);
    let (name, drive) = LAST_SPECIFIED;
    let result = worker::write(&mut store, plan, OPERATOR, now());
    assert!(
        result.as_ref().is_ok_and(|done| done.starts_with(&format!("done: {name}/{drive} Received"))),
        "{result:?}"
    );
    let job = store.job(name).unwrap().unwrap();
    assert_eq!(job.drive(drive).unwrap().state, DriveState::Received);
    assert_eq!(job.return_address.phone.as_deref(), Some("+61 3 5550 0000"), "bruno's change kept");
}

/// Issue 13, the silent no-op: a marked drive whose job the console does not
/// hold in full is decided on the store, shown with its from → to, and
/// received when confirmed; never "done: 0 audit events".
#[test]
fn receiving_a_marked_drive_whose_job_is_not_loaded_receives_it() {
    let (mut store, mut model) = demo();
    let (name, drive) = LAST_SPECIFIED;
    show(&mut model, &mut store, View::Drives);
    select(&mut model, &mut store, &drive_subject(name, drive));
    press(&mut model, ch(' ')); // marked; the cursor moves on
    // As if the job had not been read: the console holds only its table rows.
    let id = model.data.id_of(name).expect("an active job");
    model.data.full.remove(&id);

    let effects = press(&mut model, ch('r'));
    let [Effect::Preview { .. }] = effects.as_slice() else { panic!("r decides on the store: {effects:?}") };
    run(&mut model, &mut store, effects);
    let Some(Popup::Confirm { title, lines, .. }) = &model.popup else { panic!("{}", popup_name(&model)) };
    assert_eq!(title, "receive 1 drive of 1 job: 2 changes?");
    assert!(lines.iter().any(|l| l == &format!("{name}/{drive}: Specified → Received (D2)")), "{lines:?}");

    press_and_run(&mut model, &mut store, ch('y'));
    assert!(flash(&model).starts_with(&format!("done: {name}/{drive} Received")), "{}", flash(&model));
    let job = store.job(name).unwrap().unwrap();
    assert_eq!(job.drive(drive).unwrap().state, DriveState::Received);
    let history = store.history(job.id.unwrap()).unwrap();
    assert!(history.iter().any(|e| e.operator == OPERATOR && e.rule == "D2"), "the audit holds it");
}

// ---------------------------------------------------------------- read-only

/// Every way to a write goes through the one dispatcher, which refuses it in
/// read-only mode: no Write effect, no action dialog, a flash that says why.
/// The same keys in read-write mode open the dialogs, so the test can fail.
#[test]
fn read_only_mode_refuses_enter_a_r_b_and_sweep_in_the_single_dispatcher() {
    let mut store = demo_store();
    for read_only in [false, true] {
        let mut model = console(&mut store, read_only);
        // A day on, adventureworks-seismic's C1 has passed: the sweep has work.
        update(&mut model, Msg::Tick(now() + chrono::Duration::days(1)));
        let mut effects = Vec::new();
        let mut popups = Vec::new();
        let mut flashes = Vec::new();
        let mut attempt = |model: &mut Model, keys: &[crossterm::event::KeyEvent]| {
            model.flash = None;
            effects.extend(press_all(model, keys));
            popups.push(popup_name(model));
            flashes.push(flash(model).to_string());
            model.popup = None;
        };
        attempt(&mut model, &[key(KeyCode::Enter)]);
        attempt(&mut model, &[ch('a')]);
        press(&mut model, ch('3'));
        press(&mut model, ch(' ')); // marks are not writes
        attempt(&mut model, &[ch('r')]);
        attempt(&mut model, &[ch('b')]);
        let sweep: Vec<_> = ":sweep".chars().map(ch).chain([key(KeyCode::Enter)]).collect();
        attempt(&mut model, &sweep);

        let previews = effects.iter().filter(|e| matches!(e, Effect::Preview { .. })).count();
        if read_only {
            assert_eq!(writes(&effects), 0);
            assert_eq!(previews, 0, "nothing is even decided");
            assert_eq!(popups, ["none"; 5], "no dialog opens");
            for flash in &flashes {
                assert!(flash.starts_with("read-only monitoring: "), "{flashes:?}");
            }
            // :sweep is refused by the same dispatcher as the keys, with the same words.
            assert!(flashes.iter().all(|f| f == &flashes[0]), "{flashes:?}");
            assert!(
                screen(&model, 160, 45)
                    .starts_with("ieops │ /var/lib/ieops/ieops.db │ operator amara │ 🔒 READ-ONLY")
            );
        } else {
            // r on a drive whose job is not held yet is decided on the store first.
            let r = if previews == 1 { "none" } else { "confirm" };
            assert_eq!(popups, ["menu", "menu", r, "form", "confirm"], "{flashes:?}");
        }
    }
}

#[test]
fn read_only_still_allows_looking_around() {
    let mut store = demo_store();
    let mut model = console(&mut store, true);
    press(&mut model, ch('2'));
    assert_eq!(model.view, View::Jobs);
    press(&mut model, ch('j'));
    assert_eq!(model.cursor(), 1);
    let effects = press(&mut model, ch('d'));
    assert!(matches!(effects.as_slice(), [Effect::LoadHistory(_)]), "{effects:?}");
    press(&mut model, ch('?'));
    assert_eq!(popup_name(&model), "help");
    assert!(screen(&model, 160, 60).contains("read-only: action keys are disabled"));
}

// ------------------------------------------------------------ quitting, Esc

#[test]
fn q_quits_from_the_table_but_is_text_in_the_filter() {
    let (_store, mut model) = demo();
    press(&mut model, ch('/'));
    press(&mut model, ch('q'));
    assert!(!model.quit, "q is typed into the filter");
    assert_eq!(model.filter.text, "q");
    press(&mut model, key(KeyCode::Esc));
    assert!(model.input.is_none() && model.filter.is_empty(), "Esc cancels the filter");
    assert!(press(&mut model, ch('q')).is_empty());
    assert!(model.quit);
}

#[test]
fn ctrl_c_quits_from_inside_a_form() {
    let (mut store, mut model) = demo();
    show(&mut model, &mut store, View::Jobs);
    select(&mut model, &mut store, &Subject::Job(CREATING.into()));
    choose(&mut model, "fault");
    assert_eq!(popup_name(&model), "form");
    press(&mut model, ch('q'));
    assert!(!model.quit, "q is typed into the form");
    let effects = press(&mut model, ctrl('c'));
    assert!(model.quit);
    assert_eq!(writes(&effects), 0);
}

#[test]
fn esc_backs_out_of_every_popup_and_input() {
    let (mut store, mut model) = demo();
    let check = |model: &mut Model, what: &str| {
        assert_eq!(popup_name(model), what);
        let effects = press(model, key(KeyCode::Esc));
        assert!(effects.is_empty(), "{what}: {effects:?}");
        assert!(model.popup.is_none(), "Esc closes the {what}");
        assert!(!model.quit);
    };
    press(&mut model, key(KeyCode::Enter));
    check(&mut model, "menu");

    show(&mut model, &mut store, View::Jobs);
    select(&mut model, &mut store, &Subject::Job(CREATING.into()));
    choose(&mut model, "fault");
    type_text(&mut model, "half typed");
    check(&mut model, "form");

    choose(&mut model, "ship");
    press(&mut model, key(KeyCode::Enter));
    // Refused by J4: the form stays, with what was typed and why.
    let Some(Popup::Form(form)) = &model.popup else { panic!("{}", popup_name(&model)) };
    assert!(form.error.as_deref().is_some_and(|e| e.contains("J4")), "{:?}", form.error);
    check(&mut model, "form");

    choose(&mut model, "cancel");
    check(&mut model, "confirm");
    choose(&mut model, "cancel");
    press(&mut model, ch('n'));
    assert!(model.popup.is_none(), "n cancels a confirmation too");

    press(&mut model, ch('?'));
    check(&mut model, "help");
    press(&mut model, ch('?'));
    press(&mut model, ch('?'));
    assert!(model.popup.is_none(), "? closes the help it opened");

    press(&mut model, ch(':'));
    type_text(&mut model, "jobs");
    press(&mut model, key(KeyCode::Esc));
    assert!(model.input.is_none(), "Esc closes the command line");
    assert_eq!(model.view, View::Jobs);

    press(&mut model, ch('d'));
    press(&mut model, key(KeyCode::Esc));
    assert!(!model.detail, "Esc closes the detail pane");
}

// -------------------------------------------------------------- navigation

#[test]
fn g_shift_g_and_page_keys_keep_the_cursor_within_the_rows() {
    let (_store, mut model) = demo();
    press(&mut model, ch('2'));
    update(&mut model, Msg::Resize(80, 24)); // a page: 16 rows shown, less one
    let last = rows::rows(&model, View::Jobs).len() - 1;
    assert!(last > 30, "enough rows to page: {last}");
    let at = |model: &mut Model, k, expected: usize| {
        press(model, k);
        assert_eq!(model.cursor(), expected, "after {k:?}");
    };
    at(&mut model, ch('k'), 0);
    at(&mut model, key(KeyCode::PageUp), 0);
    at(&mut model, key(KeyCode::PageDown), 15);
    at(&mut model, ctrl('f'), 30);
    at(&mut model, ch('G'), last);
    at(&mut model, ch('j'), last);
    at(&mut model, key(KeyCode::PageDown), last);
    at(&mut model, key(KeyCode::PageUp), last - 15);
    at(&mut model, ch('g'), 0);
    at(&mut model, key(KeyCode::End), last);
    at(&mut model, key(KeyCode::Home), 0);
    at(&mut model, key(KeyCode::Down), 1);
    at(&mut model, key(KeyCode::Up), 0);
}

#[test]
fn cursor_keys_on_an_empty_view_stay_at_zero() {
    let mut store = Store::open_in_memory().unwrap();
    let mut model = console(&mut store, false);
    for k in [ch('G'), key(KeyCode::PageDown), ch('j'), ch('k'), ch('g')] {
        press(&mut model, k);
        assert_eq!(model.cursor(), 0, "{k:?}");
    }
    press(&mut model, key(KeyCode::Enter));
    assert!(model.popup.is_none());
    assert_eq!(flash(&model), "nothing selected");
}

#[test]
fn number_keys_and_tab_switch_views_each_keeping_its_cursor() {
    let (_store, mut model) = demo();
    for (digit, view) in ['1', '2', '3', '4', '5'].into_iter().zip(View::ALL) {
        press(&mut model, ch(digit));
        assert_eq!(model.view, view, "{digit}");
    }
    let mut seen = Vec::new();
    for _ in 0..5 {
        press(&mut model, key(KeyCode::Tab));
        seen.push(model.view);
    }
    assert_eq!(seen, [View::Attention, View::Jobs, View::Drives, View::Audit, View::Archive]);
    press(&mut model, key(KeyCode::BackTab));
    assert_eq!(model.view, View::Audit);
    press(&mut model, key(KeyCode::BackTab));
    assert_eq!(model.view, View::Drives);

    press(&mut model, ch('G'));
    let drives_cursor = model.cursor();
    press(&mut model, ch('2'));
    assert_eq!(model.cursor(), 0, "the Jobs view has its own cursor");
    press(&mut model, ch('3'));
    assert_eq!(model.cursor(), drives_cursor, "and the Drives view kept its own");
}

#[test]
fn commands_switch_views_quit_and_name_unknown_ones() {
    let (_store, mut model) = demo();
    for (text, view) in [
        ("jobs", View::Jobs),
        ("drives", View::Drives),
        ("audit", View::Audit),
        ("archive", View::Archive),
        ("attention", View::Attention),
    ] {
        press(&mut model, ch(':'));
        type_text(&mut model, text);
        press(&mut model, key(KeyCode::Enter));
        assert_eq!(model.view, view, ":{text}");
    }
    press(&mut model, ch(':'));
    type_text(&mut model, "frobnicate");
    press(&mut model, key(KeyCode::Enter));
    assert!(flash(&model).starts_with("unknown command ':frobnicate'"), "{}", flash(&model));
    press(&mut model, ch(':'));
    type_text(&mut model, "q");
    press(&mut model, key(KeyCode::Enter));
    assert!(model.quit);
}

#[test]
fn moving_with_the_detail_pane_open_asks_for_the_new_jobs_history_once() {
    let (mut store, mut model) = demo();
    press(&mut model, ch('2'));
    let effects = press(&mut model, ch('d'));
    let first = job_rows(&model, View::Jobs)[0].id;
    let histories = |effects: &[Effect]| -> Vec<i64> {
        effects
            .iter()
            .filter_map(|e| if let Effect::LoadHistory(id) = e { Some(*id) } else { None })
            .collect()
    };
    assert_eq!(histories(&effects), [first], "{effects:?}");
    run(&mut model, &mut store, effects);
    assert_eq!(model.history.as_ref().map(|(id, _)| *id), Some(first));
    let effects = press(&mut model, ch('j'));
    let second = job_rows(&model, View::Jobs)[1].id;
    assert_eq!(histories(&effects), [second], "{effects:?}");
    run(&mut model, &mut store, effects);
    assert!(
        press(&mut model, ch('3')).iter().all(|e| !matches!(e, Effect::LoadHistory(id) if *id == second))
    );
}

// ------------------------------------------------------------------- help

#[test]
fn help_lists_every_binding_of_the_table_from_the_keymap() {
    let (_store, mut model) = demo();
    press(&mut model, ch('3')); // the Drives view: every key of the table applies there
    press(&mut model, ch('?'));
    assert_eq!(popup_name(&model), "help");
    let screen = screen(&model, 120, 100);
    let table: Vec<_> = keymap::BINDINGS.iter().filter(|b| b.contexts.contains(&Context::Table)).collect();
    assert!(table.len() > 20);
    for binding in &table {
        let keys: Vec<String> = binding.keys.iter().map(|k| k.label()).collect();
        let line = format!(" {:<20}{}", keys.join(" "), binding.help);
        assert!(screen.contains(&line), "the help lacks '{line}':\n{screen}");
    }
    assert_eq!(keymap::Keymap::default().help(Context::Table, View::Drives).len(), table.len());
}

// ------------------------------------------------------------------- import

fn command_line(model: &mut Model, text: &str) -> Vec<Effect> {
    let mut effects = press(model, ch(':'));
    effects.extend(type_text(model, text));
    effects.extend(press(model, key(KeyCode::Enter)));
    effects
}

#[test]
fn colon_import_reads_the_file_through_the_same_checks_and_shows_the_new_job() {
    let (mut store, mut model) = demo();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/import_full.json");
    let effects = command_line(&mut model, &format!("import {path}"));
    assert!(matches!(effects.as_slice(), [Effect::Import(p)] if p == path), "{effects:?}");
    let jobs_before = model.data.jobs.len();
    run(&mut model, &mut store, effects);
    let (summary, error) = model.flash.clone().expect("a status line");
    assert!(!error && summary.contains("1 created"), "{summary}");
    assert_eq!(model.data.jobs.len(), jobs_before + 1, "the imported job is in the Jobs view at once");

    let broken = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/broken_eleven_drives.json");
    let before = store.event_count().expect("count");
    let effects = command_line(&mut model, &format!("import {broken}"));
    run(&mut model, &mut store, effects);
    match &model.popup {
        Some(Popup::Message { text, error: true, .. }) => assert!(text.contains("11 drives"), "{text}"),
        other => panic!("expected the import's error, got {other:?}"),
    }
    assert_eq!(store.event_count().expect("count"), before, "a broken file writes nothing");
}

/// Issue 14: a running `:import` says Esc cancels it; Esc asks the worker to
/// give it up (and does not close the detail pane or clear the filter); a
/// second import waits for the first; a cancelled import writes nothing.
#[test]
fn esc_cancels_a_running_import_and_a_cancelled_import_writes_nothing() {
    let (mut store, mut model) = demo();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/import_full.json");
    let effects = command_line(&mut model, &format!("import {path}"));
    assert!(matches!(effects.as_slice(), [Effect::Import(p)] if p == path), "{effects:?}");
    assert!(flash(&model).contains("Esc cancels"), "{}", flash(&model));

    let again = command_line(&mut model, &format!("import {path}"));
    assert!(again.is_empty(), "{again:?}");
    assert!(flash(&model).contains("still being imported"), "{}", flash(&model));

    press(&mut model, ch('d'));
    assert!(model.detail);
    let cancel = press(&mut model, key(KeyCode::Esc));
    assert!(matches!(cancel.as_slice(), [Effect::CancelImport]), "{cancel:?}");
    assert!(model.detail, "this Esc was for the import");
    assert!(flash(&model).starts_with("cancelling the import"), "{}", flash(&model));

    // What the worker answers once its read is given up.
    let before = store.event_count().expect("count");
    let answer = worker::import(&mut store, path, "amara", now(), &|| true);
    assert_eq!(store.event_count().expect("count"), before, "a cancelled import writes nothing");
    update(&mut model, Msg::Imported(answer));
    let Some(Popup::Message { text, .. }) = &model.popup else { panic!("{}", popup_name(&model)) };
    assert!(text.contains("cancelled; nothing was imported"), "{text}");
    assert!(model.importing.is_none());
    press(&mut model, key(KeyCode::Esc));
    let back = press(&mut model, key(KeyCode::Esc));
    assert!(back.is_empty() && !model.detail, "Esc backs out again once no import runs: {back:?}");
}

#[test]
fn colon_import_is_refused_by_the_read_only_dispatcher() {
    let mut store = demo_store();
    let mut model = console(&mut store, true);
    let effects = command_line(&mut model, "import /tmp/anything.json");
    assert!(effects.is_empty(), "{effects:?}");
    assert!(flash(&model).starts_with("read-only monitoring: "), "{}", flash(&model));
}

// --------------------------------------------------------------------- time

#[test]
fn the_queue_follows_the_clock_when_a_deadline_passes_not_on_every_tick() {
    let (_store, mut model) = demo();
    let due_soon = model
        .attention
        .iter()
        .find(|i| i.rule == Rule::J5)
        .cloned()
        .expect("the demo has a Shipping job whose package is due soon (J5)");
    let due = due_soon.due.expect("a J5 item has its C2 deadline");
    assert!(model.attention_until.is_some_and(|t| t <= due), "the queue knows when it next changes");

    // A tick before any threshold leaves the queue as it is (the countdowns move as drawn).
    let before = model.attention.len();
    let quiet = model.attention_until.expect("a next change") - chrono::Duration::seconds(1);
    assert!(update(&mut model, Msg::Tick(quiet)).is_empty());
    assert_eq!(model.attention.len(), before);

    // Once C2 passes, the same job is overdue under E2 (J5), at the top of the queue.
    update(&mut model, Msg::Tick(due));
    let item = model.attention.iter().find(|i| i.subject == due_soon.subject).expect("still in the queue");
    assert_eq!(item.rule, Rule::E2, "{item:?}");
    assert!(
        model.attention.iter().take_while(|i| i.urgency <= item.urgency).any(|i| i.subject == item.subject)
    );
}

// ------------------------------------------------------------- live changes

/// Another operator's changes reach a running console as a change feed: the
/// console patches its tables (a few jobs one by one, a batch in one merge);
/// they must be exactly what a full read of the database gives, and the
/// attention queue what a fresh console computes.
fn assert_as_a_full_read(model: &Model, store: &mut Store, when: &str) {
    let fresh = console(store, false);
    assert_eq!(model.data.jobs.len(), fresh.data.jobs.len(), "{when}");
    assert!(model.data.jobs == fresh.data.jobs, "{when}: the Jobs table");
    assert!(model.data.archive == fresh.data.archive, "{when}: the Archive table");
    assert!(model.data.drives == fresh.data.drives, "{when}: the Drives table");
    assert!(model.data.drive_search == fresh.data.drive_search, "{when}: the Drives view's filter text");
    assert!(model.attention == fresh.attention, "{when}: the attention queue");
}

/// Writes `changes` and inserts `new` jobs as another operator would, then
/// lets the console take them in through its change feed.
fn changed_elsewhere(store: &mut Store, model: &mut Model, changes: &[&Change], new: &[&Change]) {
    store
        .write(|w| {
            for change in changes {
                w.apply(change)?;
            }
            new.iter().try_for_each(|n| w.insert_job(&n.job, &n.events).map(drop))
        })
        .expect("written");
    run(model, store, vec![Effect::Reload]);
}

/// The sweep of every active job at `at`.
fn sweep_at(store: &Store, at: ieops::domain::Timestamp) -> Vec<Change> {
    store.jobs(&JobFilter::default()).expect("jobs").iter().filter_map(|job| sweep_job(job, at)).collect()
}

#[test]
fn live_changes_leave_the_tables_as_a_full_read_would() {
    let (mut store, mut model) = demo();
    let later = now() + chrono::Duration::days(30);
    let swept = sweep_at(&store, later);
    let (archiving, changing): (Vec<&Change>, Vec<&Change>) =
        swept.iter().partition(|c| c.job.archived_at.is_some());
    assert!(!archiving.is_empty() && !changing.is_empty(), "some jobs archived, some only changed");
    let ctx = Ctx { operator: "amara", now: later, note: None };
    // A new job named as the one just archived (names repeat in the archive);
    // one named to sort among the others; one without drives, whose rows move
    // nothing.
    let reused = archiving[0].job.name.clone();
    let again =
        create_job(&reused, JobType::Import, &["QQAGAIN1".into()], &[], &ctx).expect("the name again");
    let new = create_job("m-new-2026", JobType::Import, &["ZZNEW001".into(), "AANEW002".into()], &[], &ctx)
        .expect("a new job");
    let empty = create_job("f-empty-2026", JobType::Export, &[], &[], &ctx).expect("a job without drives");

    // A few jobs: patched one by one.
    changed_elsewhere(&mut store, &mut model, &[archiving[0], changing[0]], &[&again, &new, &empty]);
    assert_as_a_full_read(&model, &mut store, "five jobs changed");
    press(&mut model, ch('3'));
    let filter = "new0";
    press(&mut model, ch('/'));
    press_all(&mut model, &filter.chars().map(ch).collect::<Vec<_>>());
    assert_eq!(shown(&model), drives_expected(&store, filter), "{filter}");
    assert_eq!(shown(&model).len(), 2, "the new job's two drives");
    press_all(&mut model, &[key(KeyCode::Esc), key(KeyCode::Esc)]);

    // A batch, merged: the rest of the backlog, and the job that reused a
    // name deleted in turn (C1, two weeks on), so the archive holds that name twice.
    let two_weeks_on = later + chrono::Duration::days(15);
    let again_stored = store.job(&reused).expect("read").expect("the new job of that name");
    let again_deleted = sweep_job(&again_stored, two_weeks_on).expect("C1 has passed");
    let batch: Vec<&Change> =
        archiving[1..].iter().chain(&changing[1..]).copied().chain([&again_deleted]).collect();
    assert!(batch.len() > 8, "a batch: {} jobs", batch.len());
    changed_elsewhere(&mut store, &mut model, &batch, &[]);
    assert_as_a_full_read(&model, &mut store, "the sweep's backlog");
    assert_eq!(model.data.archive.iter().filter(|r| r.name == reused).count(), 2, "{reused} archived twice");
    // And a few more, patched: the other new jobs deleted two weeks on.
    let swept = sweep_at(&store, two_weeks_on);
    assert!((1..=8).contains(&swept.len()), "a few: {} jobs", swept.len());
    changed_elsewhere(&mut store, &mut model, &swept.iter().collect::<Vec<_>>(), &[]);
    assert_as_a_full_read(&model, &mut store, "two weeks on");
    for filter in ["state:neverreceived", "qqagain1"] {
        press(&mut model, ch('/'));
        press_all(&mut model, &filter.chars().map(ch).collect::<Vec<_>>());
        assert_eq!(shown(&model), drives_expected(&store, filter), "{filter}");
        press_all(&mut model, &[key(KeyCode::Esc), key(KeyCode::Esc)]);
    }
    assert!(!drives_expected(&store, "state:neverreceived").is_empty(), "drives never received are listed");
}

/// Issue 13: a form the rules refuse keeps every value typed into it.
#[test]
fn a_refused_form_keeps_every_typed_value() {
    let (mut store, mut model) = demo();
    show(&mut model, &mut store, View::Jobs);
    select(&mut model, &mut store, &Subject::Job(CREATING.into()));
    choose(&mut model, "ship");
    let typed = ["storage-7", "Verbose", "diag/path", "call first"];
    for text in typed {
        // Replace whatever the field held with the typed text.
        press(&mut model, ctrl('u'));
        type_text(&mut model, text);
        press(&mut model, key(KeyCode::Tab));
    }
    let effects = press(&mut model, key(KeyCode::Enter));
    assert_eq!(writes(&effects), 0);
    let Some(Popup::Form(form)) = &model.popup else {
        panic!("refused: the form stays, not {}", popup_name(&model))
    };
    assert!(form.error.as_deref().is_some_and(|e| e.contains("J4")), "{:?}", form.error);
    let values: Vec<String> = form.fields.iter().take(4).map(|f| f.input.lines().join("")).collect();
    assert_eq!(values, typed);
}

/// Issue 13: a confirmed plan that no longer holds is not written: the
/// operator sees what it would do now. Amara confirmed receiving one drive
/// (one change); bruno received the job's other drive meanwhile, so hers now
/// completes the set and J8 follows (two changes).
#[test]
fn a_plan_that_changed_since_its_confirmation_is_shown_again() {
    let (name, drives) = TWO_SPECIFIED;
    let StaleReceive { dir: _dir, mut store, mut model, plan } =
        confirmed_receive(name, drives[0], drives[1], Bruno::ReceivesTheDrive);
    let Plan::Act { steps, .. } = &plan else { panic!("{plan:?}") };
    assert_eq!(steps.len(), 1, "confirmed: one change");

    let result = worker::write(&mut store, plan.clone(), OPERATOR, now());
    let Err(WriteFailure { replan: Some(_), stale: true, .. }) = &result else { panic!("{result:?}") };
    assert_eq!(store.job(name).unwrap().unwrap().drive(drives[0]).unwrap().state, DriveState::Specified);
    let effects = update(&mut model, Msg::Written(result));
    run(&mut model, &mut store, effects);
    let Some(Popup::Confirm { title, lines, .. }) = &model.popup else { panic!("{}", popup_name(&model)) };
    assert_eq!(title, "Changed since you looked (S7): now 2 changes. Confirm?");
    assert!(lines.iter().any(|l| l == &format!("then {name} becomes Received (J8)")), "{lines:?}");

    press_and_run(&mut model, &mut store, ch('y'));
    let job = store.job(name).unwrap().unwrap();
    assert_eq!((job.state, job.drive(drives[0]).unwrap().state), (JobState::Received, DriveState::Received));
}

/// Issue 14: `:import` of a FIFO is refused at once (its open would block
/// the worker until a writer came), not waited on.
#[test]
fn import_of_a_fifo_is_refused_not_waited_on() {
    let (mut store, mut model) = demo();
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.json");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let effects = command_line(&mut model, &format!("import {}", fifo.display()));
    run(&mut model, &mut store, effects);
    let Some(Popup::Message { text, .. }) = &model.popup else { panic!("{}", popup_name(&model)) };
    assert!(text.contains("is not a regular file"), "{text}");
}

/// Issue 15: before the first read arrives, the header and tabs say
/// "loading", not "overdue 0 faulted 0 / Attention (0)", a false all-clear.
#[test]
fn the_first_frame_says_loading_not_false_zeros() {
    let mut model = Model::new(config(false), now());
    update(&mut model, Msg::Resize(160, 45));
    let before = screen(&model, 160, 45);
    assert!(before.contains("Jobs   loading…") && before.contains("Drives loading…"), "{before}");
    assert!(!before.contains("overdue 0") && !before.contains("Attention (0)"), "{before}");
    assert!(before.contains("Attention (…)"), "{before}");

    let mut store = demo_store();
    let loaded = console(&mut store, false);
    let after = screen(&loaded, 160, 45);
    let queue = format!("Attention ({})", loaded.attention.len());
    assert!(after.contains("overdue 4") && after.contains(&queue), "{after}");
}

/// Issue 15: one definition of overdue. The header's count is the rows
/// `/overdue` keeps in the Attention view; the Jobs view's `/overdue` keeps
/// the jobs among them, the same as `ieops jobs --overdue` (the store's
/// filter); each such job's deadline column shows the clock its queue row
/// shows; and a job whose only passed clock asks nothing of anyone (its
/// customer notified, C4 still running) is in none of them.
#[test]
fn overdue_means_one_thing_in_the_header_every_filter_and_the_cli() {
    use ieops::domain::attention::Urgency;
    let (store, mut model) = demo();
    let header = screen(&model, 160, 45);
    let counted: usize = header
        .split("overdue ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no overdue count in {header}"));

    let filtered = |model: &mut Model, view: char| {
        press(model, ch(view));
        press(model, ch('/'));
        type_text(model, "overdue");
        press(model, key(KeyCode::Enter));
        let rows = rows::rows(model, model.view).len();
        press(model, key(KeyCode::Esc));
        rows
    };
    assert_eq!(filtered(&mut model, '1'), counted, "the header counts what /overdue keeps");
    let overdue_items: Vec<_> =
        model.attention.iter().filter(|i| i.urgency == Urgency::Overdue).cloned().collect();
    assert_eq!(overdue_items.len(), counted);

    press(&mut model, ch('2'));
    press(&mut model, ch('/'));
    type_text(&mut model, "overdue");
    press(&mut model, key(KeyCode::Enter));
    let jobs: Vec<JobRow> = job_rows(&model, View::Jobs).into_iter().cloned().collect();
    let cli: Vec<String> = store
        .jobs(&JobFilter { overdue_at: Some(model.now), ..Default::default() })
        .expect("read")
        .into_iter()
        .map(|j| j.name)
        .collect();
    let names: Vec<String> = jobs.iter().map(|j| j.name.clone()).collect();
    assert_eq!(names, cli, "the Jobs view and `ieops jobs --overdue` agree");
    let job_items: Vec<_> = overdue_items.iter().filter(|i| matches!(&i.subject, Subject::Job(_))).collect();
    assert_eq!(job_items.len(), jobs.len(), "one overdue row per overdue job: {job_items:?}");
    for row in &jobs {
        let item = job_items.iter().find(|i| i.subject == Subject::Job(row.name.clone())).expect("its row");
        let (_, at, person) = row.deadline.expect("a deadline");
        assert!(
            person && item.due == Some(at),
            "{}: Jobs shows {:?}, Attention {:?}",
            row.name,
            row.deadline,
            item.due
        );
    }
    assert!(
        !names.iter().any(|n| n == "wingtiptoys-telemetry-2026-10-22"),
        "notified, C4 running: not overdue"
    );
    let waiting = store.job("wingtiptoys-telemetry-2026-10-22").expect("read").expect("stored");
    assert!(clock::job_clocks(&waiting).iter().any(|c| c.rule == Rule::C2 && c.has_passed(model.now)));
}

/// Issue 14: `:import` reads its file on a thread of its own, with a time
/// limit and cancelled when the console quits: a read that never returns
/// (here the open of a FIFO with no writer) holds neither the worker nor the
/// process.
#[test]
fn an_import_read_that_never_returns_is_given_up_or_cancelled() {
    use std::time::{Duration, Instant};
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.json");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let blocked = |fifo: &std::path::Path| {
        let fifo = fifo.to_path_buf();
        move || std::fs::read(fifo)
    };

    let started = Instant::now();
    let err = worker::within(Duration::from_millis(300), &|| false, blocked(&fifo)).unwrap_err();
    assert!(err.contains("given up"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());

    let started = Instant::now();
    let err = worker::within(Duration::from_secs(600), &|| true, blocked(&fifo)).unwrap_err();
    assert!(err.contains("cancelled"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());

    // A read that does return is waited for.
    let file = dir.path().join("jobs.json");
    std::fs::write(&file, "[]").unwrap();
    let read = worker::within(Duration::from_secs(60), &|| false, move || std::fs::read(file));
    assert_eq!(read.unwrap().unwrap(), b"[]");
    // Let the two blocked readers go.
    drop(std::fs::OpenOptions::new().write(true).open(&fifo).unwrap());
}

// ------------------------------------------------------------ ergonomics

/// Issue 15: the footer lists the keys of the view it is under, generated
/// from the keymap: no "r receive" or "Space mark" under audit events, and
/// no write key at all on a read-only console.
#[test]
fn the_footer_lists_the_keys_of_its_view() {
    let (_store, mut model) = demo();
    let footer = |model: &Model| {
        let screen = screen(model, 160, 45);
        screen.lines().last().unwrap_or("").trim().to_string()
    };
    press(&mut model, ch('3'));
    let drives = footer(&model);
    for key in ["Enter actions", "Space mark", "r receive", "b ship back", "/ filter", "? help", "q quit"] {
        assert!(drives.contains(key), "{key} in {drives}");
    }
    press(&mut model, ch('4'));
    let audit = footer(&model);
    assert!(audit.contains("/ filter") && audit.contains("q quit"), "{audit}");
    for key in ["Enter actions", "Space mark", "r receive", "b ship back"] {
        assert!(!audit.contains(key), "{key} in the Audit view's footer: {audit}");
    }
    let mut store = demo_store();
    let mut read_only = console(&mut store, true);
    press(&mut read_only, ch('3'));
    let watching = footer(&read_only);
    assert!(watching.starts_with("read-only") && watching.contains("Space mark"), "{watching}");
    for key in ["Enter actions", "r receive", "b ship back", "R dock"] {
        assert!(!watching.contains(key), "{key} on a read-only console: {watching}");
    }
}

/// Issue 15: `q` closes the help and the action menu (and quits only from
/// the table); `:q!` quits like `:q`.
#[test]
fn q_closes_help_and_menus_and_colon_q_bang_quits() {
    let (_store, mut model) = demo();
    press(&mut model, ch('?'));
    assert_eq!(popup_name(&model), "help");
    press(&mut model, ch('q'));
    assert_eq!(popup_name(&model), "none");
    assert!(!model.quit);
    press(&mut model, key(KeyCode::Enter)); // the first item of the queue
    assert_eq!(popup_name(&model), "menu");
    press(&mut model, ch('q'));
    assert_eq!(popup_name(&model), "none");
    assert!(!model.quit);
    command_line(&mut model, "q!");
    assert!(model.quit);
}

/// Issue 15: PgDn and PgUp move by what the table shows at this size, less
/// one row kept for context, not by a fixed ten.
#[test]
fn page_down_moves_a_screenful() {
    let (_store, mut model) = demo();
    press(&mut model, ch('3'));
    for (width, height, page) in [(80, 24, 15), (160, 45, 36), (60, 15, 6)] {
        update(&mut model, Msg::Resize(width, height));
        press(&mut model, ch('g'));
        press(&mut model, key(KeyCode::PageDown));
        assert_eq!(model.cursor(), page, "{width}×{height}");
        let screen = screen(&model, width, height);
        let selected = match &rows::rows(&model, View::Drives)[page] {
            rows::RowRef::Drive(d) => d.drive_id.clone(),
            other => panic!("{other:?}"),
        };
        assert!(screen.contains(&selected), "the row PgDn lands on is on screen at {width}×{height}");
        press(&mut model, key(KeyCode::PageUp));
        assert_eq!(model.cursor(), 0);
    }
}

/// Issue 15: a status line goes after a few seconds (an error after twice
/// as long); the one of a running import stays while it runs.
#[test]
fn the_status_line_clears_after_a_few_seconds() {
    let (_store, mut model) = demo();
    let t0 = model.now;
    let tick = |model: &mut Model, seconds: i64| {
        update(model, Msg::Tick(t0 + chrono::Duration::seconds(seconds)));
    };
    press(&mut model, ch(' ')); // marks are for drives: an error in the Attention view
    assert!(model.flash.as_ref().is_some_and(|(_, error)| *error));
    tick(&mut model, 1);
    tick(&mut model, 7);
    assert!(model.flash.is_some(), "an error stays twelve seconds");
    tick(&mut model, 13);
    assert!(model.flash.is_none());

    press(&mut model, ch('3'));
    press(&mut model, ch('/'));
    type_text(&mut model, "state:shipping");
    press(&mut model, key(KeyCode::Enter));
    press(&mut model, key(KeyCode::Esc));
    command_line(&mut model, "attention");
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/import_full.json");
    command_line(&mut model, &format!("import {path}"));
    tick(&mut model, 20);
    tick(&mut model, 60);
    assert!(flash(&model).contains("Esc cancels"), "{}", flash(&model));
}

/// Issue 15: on any row, `i` shows the rules it cites — the ID, the rule's
/// own words from the embedded rules document, and the seed sentences it
/// comes from, French and English — and Esc or q closes it. Read-only
/// consoles have it too: it writes nothing.
#[test]
fn i_shows_the_rules_a_row_cites_with_their_seed_sentences() {
    use ieops::domain::source;
    let mut store = demo_store();
    let mut model = console(&mut store, true);
    let words = |text: &str, n: usize| text.split_whitespace().take(n).collect::<Vec<_>>().join(" ");
    for view in ['1', '2', '3', '4'] {
        press(&mut model, ch(view));
        press(&mut model, ch('j'));
        let rules = rows::row(&model, model.view, model.cursor()).expect("a row").rules();
        assert!(!rules.is_empty(), "view {view}: the row cites a rule");
        let effects = press(&mut model, ch('i'));
        assert!(effects.is_empty(), "nothing to read or write: {effects:?}");
        assert_eq!(popup_name(&model), "rules", "view {view}");
        let shown = screen(&model, 200, 80);
        for rule in &rules {
            assert!(
                shown.contains(&format!(" {:<5}{}", rule.id(), words(&rule.text().replace(" | ", " — "), 3))),
                "{rule}:\n{shown}"
            );
            for sentence in source::sentences(*rule) {
                assert!(shown.contains(&words(&sentence.french, 3)), "{rule} {}:\n{shown}", sentence.id);
                assert!(shown.contains(&words(&sentence.english, 3)), "{rule} {}:\n{shown}", sentence.id);
            }
        }
        press(&mut model, ch(if view == '1' { 'q' } else { 'i' }));
        if view != '1' {
            assert_eq!(popup_name(&model), "rules", "i does nothing inside the popup");
            press(&mut model, key(KeyCode::Esc));
        }
        assert_eq!(popup_name(&model), "none");
    }
    // An overdue job cites its clock and its state's rule.
    let job = rows::RowRef::Job(model.data.row("vanarsdel-cctv-2026-09-28").expect("row"));
    assert_eq!(job.rules(), [Rule::C4, Rule::J4]);
}

/// Issue 15: for a drive, the detail pane shows the drive's own fields
/// (bytes, copy status, its copy messages) before its job's; `J` and `K`
/// scroll the pane, no further than its last screenful, and another
/// selection starts at the top.
#[test]
fn the_detail_pane_shows_a_drives_fields_and_scrolls() {
    use ieops::domain::DriveState;
    let (mut store, mut model) = demo();
    update(&mut model, Msg::Resize(100, 30));
    press(&mut model, ch('3'));
    let at = rows::rows(&model, View::Drives)
        .iter()
        .position(|r| matches!(r, rows::RowRef::Drive(d) if d.state == DriveState::CompletedMoreInfo))
        .expect("a drive whose copy met issues");
    for _ in 0..at {
        press(&mut model, ch('j'));
    }
    let effects = press(&mut model, ch('d'));
    run(&mut model, &mut store, effects);
    let top = screen(&model, 100, 30);
    for field in ["Drive", "percent complete", "copy status", "copy message      Error:", "Info:"] {
        assert!(top.contains(field), "{field}:\n{top}");
    }
    assert!(top.contains("J more"), "{top}");
    let mut last = top.clone();
    let mut pages = 0;
    loop {
        press(&mut model, ch('J'));
        let now = screen(&model, 100, 30);
        if now == last {
            break;
        }
        last = now;
        pages += 1;
        assert!(pages < 200, "the scroll stops");
    }
    assert!(pages > 1 && last.contains("K back") && !last.contains("J more"), "{last}");
    // The pane ends with the job's oldest event, in view.
    let job = store.job("contoso-seismic-2026-11-12").expect("read").expect("stored");
    let oldest = store.history(job.id.expect("id")).expect("history").into_iter().next().expect("an event");
    let oldest = format!("{} {} → {}", oldest.action, oldest.from_state, oldest.to_state);
    assert!(last.contains(&oldest), "{oldest} at the end:\n{last}");
    press(&mut model, ch('j'));
    let effects = press(&mut model, ch('k'));
    run(&mut model, &mut store, effects);
    assert!(screen(&model, 100, 30).contains("K back"), "back on the same drive, as scrolled");
    press(&mut model, ch('j'));
    assert!(!screen(&model, 100, 30).contains("K back"), "another drive starts at the top");
}

// ------------------------------------------------------------- navigation

fn selected(model: &Model) -> Option<Subject> {
    ieops::console::update::selected_subject(model)
}

/// Issue 15: `:job NAME` and `:drive ID` select the row in its view — a
/// unique prefix (any case for drives) is enough, an ambiguous one names the
/// candidates — clearing a filter that hides it; Tab completes commands,
/// names and ids.
#[test]
fn colon_job_and_drive_go_to_the_row_with_prefixes_and_tab_completion() {
    let (_store, mut model) = demo();
    command_line(&mut model, "job vanarsdel");
    assert!(
        flash(&model).starts_with("2 jobs begin vanarsdel: vanarsdel-cctv-2026-09-28, vanarsdel-restore"),
        "{}",
        flash(&model)
    );
    assert_eq!(model.view, View::Attention, "nowhere to go");

    press(&mut model, ch('2'));
    press(&mut model, ch('/'));
    type_text(&mut model, "contoso");
    press(&mut model, key(KeyCode::Enter));
    command_line(&mut model, "job vanarsdel-c");
    assert_eq!(
        (model.view, selected(&model)),
        (View::Jobs, Some(Subject::Job("vanarsdel-cctv-2026-09-28".into())))
    );
    assert!(model.filter.is_empty(), "the filter that hid it is cleared");

    command_line(&mut model, "drive 2ekgm");
    let drive = Subject::Drive { job: "contoso-seismic-2026-11-12".into(), drive_id: "2EKGMJE5".into() };
    assert_eq!((model.view, selected(&model)), (View::Drives, Some(drive)));
    command_line(&mut model, "drive zzzz");
    assert_eq!(flash(&model), "no active drive is zzzz or begins so");

    press(&mut model, ch(':'));
    type_text(&mut model, "jo");
    press(&mut model, key(KeyCode::Tab));
    let typed = |model: &Model| model.input.as_ref().expect("the command line").text.lines().join("");
    assert_eq!(typed(&model), "job", ":jobs and :job NAME both begin so");
    type_text(&mut model, " vanarsdel-c");
    press(&mut model, key(KeyCode::Tab));
    assert_eq!(typed(&model), "job vanarsdel-cctv-2026-09-28");
    press(&mut model, key(KeyCode::Esc));
}

/// Issue 15: Up on the filter or the command line brings back the lines
/// entered before (each line its own history), Down goes forward again.
#[test]
fn up_recalls_earlier_filters_and_commands() {
    let (_store, mut model) = demo();
    for filter in ["contoso", "overdue"] {
        press(&mut model, key(KeyCode::Esc)); // the table: Esc clears the filter in force
        press(&mut model, ch('/'));
        type_text(&mut model, filter);
        press(&mut model, key(KeyCode::Enter));
    }
    command_line(&mut model, "jobs");
    let line = |model: &Model| model.input.as_ref().expect("a line").text.lines().join("");
    press(&mut model, ch('/'));
    assert_eq!(line(&model), "overdue", "the filter line opens on the filter in force");
    press(&mut model, key(KeyCode::Up));
    assert_eq!(line(&model), "overdue");
    press(&mut model, key(KeyCode::Up));
    assert_eq!(line(&model), "contoso");
    assert_eq!(model.filter.text, "contoso", "a recalled filter applies as it is shown");
    press(&mut model, key(KeyCode::Up));
    assert_eq!(line(&model), "contoso", "the oldest stays");
    press(&mut model, key(KeyCode::Down));
    assert_eq!(line(&model), "overdue");
    press(&mut model, key(KeyCode::Esc));
    press(&mut model, ch(':'));
    press(&mut model, key(KeyCode::Up));
    assert_eq!(line(&model), "jobs", "commands have their own history");
    press(&mut model, key(KeyCode::Esc));
}

/// Issue 15: `o` goes to what a row is about: an Attention item to its job
/// or drive, a drive to its job, a job to its drives.
#[test]
fn o_jumps_from_a_row_to_what_it_is_about() {
    let (_store, mut model) = demo();
    let first_job_item =
        model.attention.iter().position(|i| matches!(i.subject, Subject::Job(_))).expect("a job item");
    let job = model.attention[first_job_item].subject.clone();
    for _ in 0..first_job_item {
        press(&mut model, ch('j'));
    }
    press(&mut model, ch('o'));
    assert_eq!((model.view, selected(&model)), (View::Jobs, Some(job.clone())));
    press(&mut model, ch('o'));
    assert_eq!(model.view, View::Drives);
    let Some(Subject::Drive { job: owner, .. }) = selected(&model) else { panic!("a drive") };
    assert_eq!(Subject::Job(owner), job);
    press(&mut model, ch('o'));
    assert_eq!((model.view, selected(&model)), (View::Jobs, Some(job)));
}

/// Issue 15: `*` marks every drive shown (the filter applies) and unmarks
/// them when all are; Shift-↓ marks a range.
#[test]
fn star_marks_all_shown_drives_and_shift_arrows_mark_a_range() {
    use crossterm::event::{KeyEvent, KeyModifiers};
    let (_store, mut model) = demo();
    press(&mut model, ch('3'));
    press(&mut model, ch('/'));
    type_text(&mut model, "contoso-seismic");
    press(&mut model, key(KeyCode::Enter));
    let shown = rows::rows(&model, View::Drives).len();
    assert!(shown > 3);
    press(&mut model, ch('*'));
    assert_eq!(model.marked.len(), shown);
    press(&mut model, ctrl('a'));
    assert!(model.marked.is_empty(), "again: unmarked");

    let shift_down = KeyEvent::new(KeyCode::Down, KeyModifiers::SHIFT);
    press(&mut model, shift_down);
    press(&mut model, shift_down);
    assert_eq!(model.marked.len(), 3, "the drive it started on and the two it moved to");
    assert_eq!(model.cursor(), 2);
    press(&mut model, key(KeyCode::Down));
    assert_eq!(model.marked.len(), 3, "a plain arrow only moves");
}

// ------------------------------------------------------------ audit search

/// Issue 15: the Audit view's filter searches the log: `rule:` (the rules an
/// event cites), `who:`, `since:`/`until:` (a day, a time, or a span back
/// from now) and free text in details and notes — each checked against the
/// stored events. `rule:` also narrows the queue to the rule's items.
#[test]
fn the_audit_filter_searches_by_rule_who_time_and_text() {
    let (store, mut model) = demo();
    let events = store.recent_events(100_000).expect("events");
    assert_eq!(events.len(), model.data.events.len(), "the demo's whole log is held");
    let shown = |model: &mut Model, filter: &str| -> Vec<i64> {
        press(model, key(KeyCode::Esc));
        press(model, ch('/'));
        type_text(model, filter);
        press(model, key(KeyCode::Enter));
        rows::rows(model, View::Audit)
            .iter()
            .map(|r| match r {
                rows::RowRef::Event(e) => e.id,
                other => panic!("{other:?}"),
            })
            .collect()
    };
    let expect = |keep: &dyn Fn(&ieops::store::AuditRecord) -> bool| -> Vec<i64> {
        events.iter().filter(|e| keep(e)).map(|e| e.id).collect()
    };
    press(&mut model, ch('4'));
    let cites = |e: &ieops::store::AuditRecord, id: &str| e.rule.split(", ").any(|r| r == id);
    let d2 = shown(&mut model, "rule:D2");
    assert!(!d2.is_empty());
    assert_eq!(d2, expect(&|e| cites(e, "D2")));
    assert_eq!(
        shown(&mut model, "who:jonas rule:d2"),
        expect(&|e| e.operator.contains("jonas") && cites(e, "D2"))
    );
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).expect("a day");
    let on_the_20th = shown(&mut model, "since:2026-11-20 until:2026-11-20");
    assert!(!on_the_20th.is_empty());
    assert_eq!(on_the_20th, expect(&|e| e.at.date_naive() == day));
    let last_two_days = shown(&mut model, "since:2d");
    assert_eq!(last_two_days, expect(&|e| e.at >= model.now - chrono::Duration::days(2)));
    let noted = events.iter().find_map(|e| e.note.clone()).expect("an event with a note");
    let word = noted.split_whitespace().max_by_key(|w| w.len()).expect("a word").to_lowercase();
    let by_note = shown(&mut model, &word);
    assert!(!by_note.is_empty());
    assert_eq!(
        by_note,
        expect(&|e| [&e.note, &e.detail]
            .iter()
            .any(|t| t.as_deref().is_some_and(|t| t.to_lowercase().contains(&word)))
            || [
                e.job_name.as_deref(),
                e.drive_id.as_deref(),
                Some(e.operator.as_str()),
                Some(e.action.as_str())
            ]
            .iter()
            .flatten()
            .any(|t| t.to_lowercase().contains(&word)))
    );
    shown(&mut model, "since:yesterday");
    assert!(flash(&model).contains("'yesterday' is not a time"), "{}", flash(&model));

    press(&mut model, key(KeyCode::Esc));
    press(&mut model, ch('1'));
    press(&mut model, ch('/'));
    type_text(&mut model, "rule:e5");
    press(&mut model, key(KeyCode::Enter));
    let items = rows::rows(&model, View::Attention);
    assert!(
        !items.is_empty() && items.iter().all(|r| matches!(r, rows::RowRef::Item(i) if i.rule == Rule::E5))
    );
    assert_eq!(items.len(), model.attention.iter().filter(|i| i.rule == Rule::E5).count());
}

// ------------------------------------------------------------------ mouse

fn click(model: &mut Model, column: u16, row: u16) -> Vec<Effect> {
    use crossterm::event::{KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
    let event = MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column,
        row,
        modifiers: KeyModifiers::NONE,
    };
    update(model, Msg::Mouse(event))
}

fn wheel(model: &mut Model, down: bool, column: u16, row: u16) -> Vec<Effect> {
    use crossterm::event::{KeyModifiers, MouseEvent, MouseEventKind};
    let kind = if down { MouseEventKind::ScrollDown } else { MouseEventKind::ScrollUp };
    update(model, Msg::Mouse(MouseEvent { kind, column, row, modifiers: KeyModifiers::NONE }))
}

/// Where `text` is on the screen: (column, row) of its first character.
fn find(screen: &str, text: &str) -> (u16, u16) {
    screen
        .lines()
        .enumerate()
        .find_map(|(y, line)| line.find(text).map(|at| (line[..at].chars().count() as u16, y as u16)))
        .unwrap_or_else(|| panic!("{text} is not on screen:\n{screen}"))
}

/// Issue 15: a click on a tab shows its view; on a row selects it, and on
/// the selected row opens its actions (as Enter, so read-only refuses it);
/// on a menu item selects it, then chooses it. The wheel moves the
/// selection, or scrolls the detail pane under the pointer.
#[test]
fn the_mouse_clicks_tabs_rows_and_menu_items_and_the_wheel_scrolls() {
    let (mut store, mut model) = demo();
    update(&mut model, Msg::Resize(160, 45));
    let (x, y) = find(&screen(&model, 160, 45), "3 Drives");
    click(&mut model, x + 2, y);
    assert_eq!(model.view, View::Drives);

    let (x, y) = find(&screen(&model, 160, 45), "2 Jobs");
    click(&mut model, x, y);
    assert_eq!(model.view, View::Jobs);
    let (x, y) = find(&screen(&model, 160, 45), "vanarsdel-cctv-2026-09-28");
    click(&mut model, x, y);
    assert_eq!(selected(&model), Some(Subject::Job("vanarsdel-cctv-2026-09-28".into())));
    assert_eq!(popup_name(&model), "none", "the first click selects");
    click(&mut model, x, y);
    assert_eq!(popup_name(&model), "menu", "a click on the selected row opens its actions");
    let Some(Popup::Menu { actions, .. }) = &model.popup else { unreachable!() };
    let second = actions[1].kind.name().to_string();
    let (mx, my) = find(&screen(&model, 160, 45), &second);
    click(&mut model, mx, my);
    assert!(matches!(&model.popup, Some(Popup::Menu { selected: 1, .. })), "a click selects the item");
    click(&mut model, mx, my);
    assert_ne!(popup_name(&model), "menu", "a second click chooses it");
    press(&mut model, key(KeyCode::Esc));
    press(&mut model, key(KeyCode::Esc));

    let before = model.cursor();
    wheel(&mut model, true, x, y);
    wheel(&mut model, true, x, y);
    assert_eq!(model.cursor(), before + 2, "the wheel moves the selection");
    wheel(&mut model, false, x, y);
    assert_eq!(model.cursor(), before + 1);

    let effects = press(&mut model, ch('d'));
    run(&mut model, &mut store, effects);
    let screen_before = screen(&model, 160, 45);
    let (dx, dy) = find(&screen_before, "History");
    wheel(&mut model, true, dx, dy);
    assert_eq!(model.cursor(), before + 1, "over the detail pane the wheel scrolls the pane");
    assert_ne!(screen(&model, 160, 45), screen_before);

    let mut other = demo_store();
    let mut watching = console(&mut other, true);
    update(&mut watching, Msg::Resize(160, 45));
    let (x, y) = find(&screen(&watching, 160, 45), "arrival:4");
    click(&mut watching, x, y);
    assert_eq!(popup_name(&watching), "none");
    assert!(flash(&watching).starts_with("read-only monitoring"), "{}", flash(&watching));
}

// ------------------------------------------------------------ wall screen

/// Issue 15: with `bell = true`, an item that enters the queue once the
/// console is running rings the terminal's bell once and says what it is on
/// the status line; the first reads ring nothing, and without the setting
/// nothing rings.
#[test]
fn a_new_attention_item_rings_the_bell_when_asked() {
    use ieops::domain::{Action, Ctx, TargetKind};
    for bell in [true, false] {
        let mut store = demo_store();
        let mut model = Model::new(Config { bell, ..config(true) }, now());
        let overview = worker::overview(&store, now()).expect("first read");
        let mut effects = update(&mut model, Msg::Overview(Box::new(overview)));
        effects.extend(update(&mut model, worker::tables(&store, now())));
        run(&mut model, &mut store, effects);
        assert_eq!(model.bells, 0, "the first reads ring nothing");

        let job = model
            .data
            .jobs
            .iter()
            .find(|j| j.state == JobState::Received)
            .expect("a Received job")
            .name
            .clone();
        let Ok(Action::Job(action)) =
            Action::parse(TargetKind::Job, "fault", &[("reason".into(), "power cut".into())])
        else {
            panic!("fault parses")
        };
        let ctx = Ctx { operator: "bruno", now: now(), note: None };
        ieops::ops::act(&mut store, &[ieops::ops::Ask::Job { job: job.clone(), action }], &ctx, None)
            .expect("faulted");
        run(&mut model, &mut store, vec![Effect::Reload]);
        assert_eq!(model.bells, u64::from(bell), "bell = {bell}");
        if bell {
            assert!(flash(&model).starts_with(&format!("new in Attention: E6 {job}")), "{}", flash(&model));
        }
        run(&mut model, &mut store, vec![Effect::Reload]);
        assert_eq!(model.bells, u64::from(bell), "the same item rings once");
    }
}

/// Issue 15: a wall screen with `cycle-seconds` shows the next view each
/// time they pass; a key makes it wait again; a dialog holds it; an
/// operator's (read-write) console never cycles.
#[test]
fn a_wall_screen_cycles_its_views() {
    let mut store = demo_store();
    let mut model = console(&mut store, true);
    model.config.cycle_seconds = Some(10);
    let t0 = model.now;
    let tick = |model: &mut Model, s: i64| {
        update(model, Msg::Tick(t0 + chrono::Duration::seconds(s)));
        model.view
    };
    assert_eq!(tick(&mut model, 0), View::Attention);
    assert_eq!(tick(&mut model, 5), View::Attention);
    assert_eq!(tick(&mut model, 10), View::Jobs);
    assert_eq!(tick(&mut model, 15), View::Jobs);
    press(&mut model, ch('j'));
    assert_eq!(tick(&mut model, 20), View::Jobs, "a key at 15 s: the wait starts again");
    assert_eq!(tick(&mut model, 25), View::Drives);
    press(&mut model, ch('?'));
    assert_eq!(tick(&mut model, 60), View::Drives, "the help is open");
    press(&mut model, key(KeyCode::Esc)); // closed at 60 s
    assert_eq!(tick(&mut model, 65), View::Drives);
    assert_eq!(tick(&mut model, 70), View::Audit);

    let (_store, mut operator) = demo();
    operator.config.cycle_seconds = Some(10);
    for s in [0, 10, 20, 30] {
        update(&mut operator, Msg::Tick(t0 + chrono::Duration::seconds(s)));
    }
    assert_eq!(operator.view, View::Attention, "only a read-only console cycles");
}

/// Issue 15: the settings file's `[columns]` chooses a view's columns and
/// their order of need; a column or view it names wrongly is refused with
/// the names there are. Its `[keys]` and `theme` reach the console.
#[test]
fn the_settings_file_chooses_columns_keys_and_theme() {
    use ieops::config::Settings;
    use ieops::console::Options;
    let mut settings = Settings::default();
    settings.columns.insert("drives".into(), vec!["drive".into(), "state".into()]);
    settings.keys.insert("rules".into(), "?".into());
    settings.theme = Some("light".into());
    let options = Options::new("amara".into(), None, false, &settings).expect("valid settings");
    let (_store, mut model) = demo();
    model.config.columns = options.columns;
    model.config.keys = options.keys;
    press(&mut model, ch('3'));
    let shown = screen(&model, 160, 45);
    let header = shown.lines().find(|l| l.contains("DRIVE")).expect("the header row");
    assert!(header.contains("STATE") && !header.contains("JOB") && !header.contains("NOTES"), "{header}");
    press(&mut model, ch('?'));
    assert_eq!(popup_name(&model), "rules", "? now shows the rules");
    assert_eq!(options.theme.palette, ieops::console::theme::Palette::Light);

    settings.columns.insert("drives".into(), vec!["serial".into()]);
    let err = Options::new("amara".into(), None, false, &settings).err().expect("refused");
    assert_eq!(
        err,
        "[columns] drives: no column is called 'serial' (mark, job, drive, state, done, in-state, notes)"
    );
    settings.columns.clear();
    settings.columns.insert("disks".into(), vec![]);
    let err = Options::new("amara".into(), None, false, &settings).err().expect("refused");
    assert!(err.starts_with("[columns]: no view is called 'disks'"), "{err}");
}

// ---------------------------------------------------------- export, copy

/// Issue 15: `:export PATH` writes the view as it is filtered — every row
/// the filter keeps, every column — as CSV (a cell a spreadsheet would run
/// as a formula written as text) or, for `.json`, as JSON objects; into a
/// directory that does not exist, nothing is written and the line says why.
#[test]
fn colon_export_writes_the_filtered_view_as_csv_or_json() {
    let (mut store, mut model) = demo();
    press(&mut model, ch('3'));
    press(&mut model, ch('/'));
    type_text(&mut model, "contoso-seismic");
    press(&mut model, key(KeyCode::Enter));
    let shown = rows::rows(&model, View::Drives).len();
    let dir = tempfile::tempdir().expect("a directory");
    let csv_path = dir.path().join("drives.csv");
    let effects = command_line(&mut model, &format!("export {}", csv_path.display()));
    run(&mut model, &mut store, effects);
    assert_eq!(flash(&model), format!("exported {shown} rows to {}", csv_path.display()));
    let csv = std::fs::read_to_string(&csv_path).expect("written");
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("mark,job,drive,state,done,in-state,notes"));
    let body: Vec<&str> = lines.collect();
    assert_eq!(body.len(), shown);
    assert!(body.iter().all(|l| l.contains("contoso-seismic")), "{csv}");

    let json_path = dir.path().join("drives.json");
    let effects = command_line(&mut model, &format!("export {}", json_path.display()));
    run(&mut model, &mut store, effects);
    let json: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(&json_path).expect("written")).expect("JSON");
    assert_eq!(json.len(), shown);
    assert!(json.iter().all(|o| o["job"].as_str().is_some_and(|j| j.starts_with("contoso-seismic"))));

    let nowhere = dir.path().join("missing/drives.csv");
    let effects = command_line(&mut model, &format!("export {}", nowhere.display()));
    run(&mut model, &mut store, effects);
    assert!(
        flash(&model).starts_with(&format!("cannot export to {}:", nowhere.display())),
        "{}",
        flash(&model)
    );
    assert!(flash(&model).ends_with("nothing was written"));
    assert!(!nowhere.exists());

    let elsewhere = dir.path().join("ieops.db");
    let formula = worker::export(
        csv_path.to_str().expect("utf-8"),
        &["note".into()],
        &[vec!["=HYPERLINK(1)".into()]],
        &elsewhere,
    );
    assert!(formula.is_ok());
    assert_eq!(std::fs::read_to_string(&csv_path).expect("written"), "note\n'=HYPERLINK(1)\n");

    // Never over the database or one of its files, and never from a wall screen.
    std::fs::write(&elsewhere, b"the database").expect("a database file");
    for side in ["", "-wal"] {
        let target = format!("{}{side}", elsewhere.display());
        let err = worker::export(&target, &["a".into()], &[], &elsewhere).unwrap_err();
        assert!(err.contains("is the database or one of its files"), "{err}");
    }
    assert_eq!(std::fs::read(&elsewhere).expect("kept"), b"the database");
    let mut other = demo_store();
    let mut watching = console(&mut other, true);
    let effects = command_line(&mut watching, &format!("export {}", csv_path.display()));
    assert!(effects.is_empty(), "{effects:?}");
    assert!(flash(&watching).starts_with("read-only monitoring"), "{}", flash(&watching));
}

/// Issue 15: `y` copies the row's id and `Y` its tracking number (the
/// runtime writes them as OSC 52); a read-only console copies nothing.
#[test]
fn y_copies_the_selected_id_or_tracking_number() {
    let (mut store, mut model) = demo();
    command_line(&mut model, "job vanarsdel-cctv-2026-09-28");
    let copied = press(&mut model, ch('y'));
    assert!(matches!(copied.as_slice(), [Effect::Copy(t)] if t == "vanarsdel-cctv-2026-09-28"), "{copied:?}");
    let effects = press(&mut model, ch('Y'));
    run(&mut model, &mut store, effects); // the job is read if it was not held
    let copied = press(&mut model, ch('Y'));
    let job = store.job("vanarsdel-cctv-2026-09-28").expect("read").expect("stored");
    let tracking = job.delivery_package.tracking_number.expect("a tracking number");
    assert!(matches!(copied.as_slice(), [Effect::Copy(t)] if *t == tracking), "{copied:?}");

    let mut other = demo_store();
    let mut watching = console(&mut other, true);
    assert!(press(&mut watching, ch('y')).is_empty());
    assert!(flash(&watching).starts_with("read-only monitoring"));
}

/// Issue 15 (and 14's untrusted text): a form field shows its value's start,
/// cut with `…` when it does not fit (not its tail, unmarked); a value an
/// import brought in is shown with its control characters made visible.
#[test]
fn form_fields_show_the_start_of_long_values_and_no_raw_customer_text() {
    use ieops::domain::{Ctx, JobType};
    let mut store = demo_store();
    let ctx = Ctx { operator: "import", now: now(), note: None };
    let mut change =
        ieops::domain::create::create_job("long-values", JobType::Import, &["LV-1".into()], &[], &ctx)
            .expect("create");
    change.job.storage_account_id =
        Some(format!("/subscriptions/{}/storageAccounts/tail-end", "x".repeat(200)));
    change.job.return_address.city = Some("Zurich\u{202e}gpj.exe\u{1b}]0;PWNED\u{7}".into());
    store.write(|w| w.insert_job(&change.job, &change.events)).expect("insert");
    let mut model = console(&mut store, false);
    let effects = command_line(&mut model, "job long-values");
    run(&mut model, &mut store, effects);
    let effects = choose(&mut model, "update");
    run(&mut model, &mut store, effects);
    assert_eq!(popup_name(&model), "form");
    let field_line = |model: &Model| {
        let shown = screen(model, 160, 45);
        shown.lines().find(|l| l.contains("storageAccountId")).expect("the field").to_string()
    };
    let Some(Popup::Form(form)) = &model.popup else { unreachable!() };
    let at = form.fields.iter().position(|f| f.key == "storageAccountId").expect("the field");
    for _ in 0..at {
        press(&mut model, key(KeyCode::Tab));
    }
    let focused = field_line(&model);
    assert!(
        focused.contains("…x") && focused.contains("tail-end"),
        "focused: the cursor's end, marked: {focused}"
    );
    press(&mut model, key(KeyCode::Tab));
    let line = field_line(&model);
    assert!(
        line.contains("/subscriptions/xxx") && line.contains('…') && !line.contains("tail-end"),
        "{line}"
    );
    let shown = screen(&model, 160, 45);
    assert!(
        !shown.contains('\u{202e}') && !shown.contains('\u{1b}') && !shown.contains('\u{7}'),
        "raw text on screen"
    );
    assert!(shown.contains("Zurich\\u{202e}gpj.exe\\x1b]0;PWNED\\x07"), "{shown}");
}

/// Issue 15: saved filters — the settings file's `[filters]` — apply with
/// `:filter NAME` (Tab completes the name), `:filters` lists them, a name
/// that is not saved is named with those that are, and a saved filter that
/// does not parse stops the console before it starts.
#[test]
fn saved_filters_apply_by_name() {
    let (_store, mut model) = demo();
    model.config.filters =
        vec![("late".into(), "overdue".into()), ("seismic".into(), "contoso-seismic".into())];
    press(&mut model, ch('2'));
    press(&mut model, ch(':'));
    type_text(&mut model, "filter la");
    press(&mut model, key(KeyCode::Tab));
    assert_eq!(model.input.as_ref().expect("the line").text.lines().join(""), "filter late");
    press(&mut model, key(KeyCode::Enter));
    assert_eq!(model.filter.text, "overdue");
    assert_eq!(rows::rows(&model, View::Jobs).len(), 3, "the overdue jobs");
    command_line(&mut model, "filter nope");
    assert_eq!(flash(&model), "no saved filter is called 'nope' (late, seismic)");
    command_line(&mut model, "filters");
    let Some(Popup::Message { text, .. }) = &model.popup else { panic!("{}", popup_name(&model)) };
    assert_eq!(text, "late: overdue\nseismic: contoso-seismic");

    let mut settings = ieops::config::Settings::default();
    settings.filters.insert("bad".into(), "state:lost".into());
    let err = ieops::console::Options::new("amara".into(), None, false, &settings).err().expect("refused");
    assert_eq!(err, "[filters] bad: unknown state 'lost'");
}

/// Issue 15 (review): `rule:S2` finds the archived jobs `i` says cite it; a
/// click on the filter text beside the tabs switches no view; a click on the
/// action menu's border chooses nothing; `:export` before its view is read
/// writes nothing.
#[test]
fn review_edges_of_rule_filter_clicks_and_export() {
    let (mut store, mut model) = demo();
    press(&mut model, ch('5'));
    press(&mut model, ch('/'));
    type_text(&mut model, "rule:s2");
    press(&mut model, key(KeyCode::Enter));
    assert_eq!(
        rows::rows(&model, View::Archive).len(),
        model.data.archive.len(),
        "every archived job cites S2"
    );

    update(&mut model, Msg::Resize(80, 24));
    let shown = screen(&model, 80, 24);
    let (x, y) = find(&shown, "filter: rule:s2");
    click(&mut model, x + 3, y);
    assert_eq!(model.view, View::Archive, "the filter text is not a tab");
    press(&mut model, key(KeyCode::Esc));

    press(&mut model, ch('1'));
    update(&mut model, Msg::Resize(160, 45));
    press(&mut model, key(KeyCode::Enter));
    let Some(Popup::Menu { actions, .. }) = &model.popup else { panic!("{}", popup_name(&model)) };
    let last = actions.len() - 1;
    let shown = screen(&model, 160, 45);
    let (mx, my) = find(&shown, actions[last].kind.name());
    click(&mut model, mx, my + 1); // the bottom border, under the last item
    assert!(matches!(&model.popup, Some(Popup::Menu { selected: 0, .. })), "nothing chosen or selected");
    press(&mut model, key(KeyCode::Esc));

    let mut fresh = Model::new(config(false), now());
    let overview = worker::overview(&store, now()).expect("first read");
    update(&mut fresh, Msg::Overview(Box::new(overview)));
    press(&mut fresh, ch('2'));
    let dir = tempfile::tempdir().expect("a directory");
    let target = dir.path().join("jobs.csv");
    let effects = command_line(&mut fresh, &format!("export {}", target.display()));
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(flash(&fresh), "the view is still being read: export it once it is filled");
    run(&mut fresh, &mut store, vec![]);
    assert!(!target.exists());
}

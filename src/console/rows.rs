//! Which rows each view shows, in which order. Derived from the data, the
//! filter and the sort; kept in the model and refreshed by `update` only when
//! one of those changes, so a frame or a cursor move never sorts or filters.
//!
//! Tables are held in name order, so the default sort costs nothing; other
//! sorts are integer keys (a state's rank, a time), cheap even for 500,000 drives.

use crate::domain::attention::{Item, Subject, Urgency};
use crate::domain::{Rule, Timestamp};
use crate::store::AuditRecord;

use super::data::{DriveRow, JobRow};
use super::filter::{Facts, Filter};
use super::model::{Model, View};
use super::search::TermHits;

#[derive(Debug, Clone, Copy)]
pub enum RowRef<'a> {
    Item(&'a Item),
    Job(&'a JobRow),
    Drive(&'a DriveRow),
    Event(&'a AuditRecord),
}

impl RowRef<'_> {
    /// What an action on this row is about.
    pub fn subject(&self) -> Option<Subject> {
        match self {
            RowRef::Item(item) => Some(item.subject.clone()),
            RowRef::Job(job) => Some(Subject::Job(job.name.clone())),
            RowRef::Drive(d) => {
                Some(Subject::Drive { job: d.job_name.to_string(), drive_id: d.drive_id.clone() })
            }
            RowRef::Event(e) => match (&e.job_name, &e.drive_id, e.arrival_id) {
                (_, _, Some(id)) => Some(Subject::Arrival(id)),
                (Some(job), Some(drive), _) => {
                    Some(Subject::Drive { job: job.clone(), drive_id: drive.clone() })
                }
                (Some(job), None, _) => Some(Subject::Job(job.clone())),
                _ => None,
            },
        }
    }
}

impl RowRef<'_> {
    /// The rules this row cites, most specific first: an item's own, a job's
    /// deadline and its state's, a drive's state's (D9 for an extra one), an
    /// event's.
    pub fn rules(&self) -> Vec<Rule> {
        match self {
            RowRef::Item(item) => vec![item.rule],
            RowRef::Job(job) => job_rules(job).into_iter().flatten().collect(),
            RowRef::Drive(d) => drive_rules(d).into_iter().flatten().collect(),
            RowRef::Event(e) => Rule::named_in(&e.rule),
        }
    }
}

/// A job row's rules, for `i` and for `rule:`: S2 if archived, else its
/// deadline's; then its state's.
fn job_rules(job: &JobRow) -> [Option<Rule>; 2] {
    let first =
        if job.archived_at.is_some() { Some(Rule::S2) } else { job.deadline.map(|(rule, _, _)| rule) };
    [first, Some(Rule::entering_job_state(job.state))]
}

/// A drive row's rules: D9 if extra, then its state's.
fn drive_rules(d: &DriveRow) -> [Option<Rule>; 2] {
    [d.extra.then_some(Rule::D9), Some(Rule::entering_drive_state(d.state))]
}

/// The columns a view can be sorted by, in `s` order.
pub fn sort_columns(view: View) -> &'static [&'static str] {
    match view {
        View::Attention => &["urgency", "rule", "subject"],
        View::Jobs => &["name", "state", "time in state", "next deadline"],
        View::Drives => &["job", "state", "time in state"],
        View::Audit => &["newest", "operator", "rule"],
        View::Archive => &["name", "archived"],
    }
}

/// How many rows a view shows.
pub fn count(model: &Model, view: View) -> usize {
    model.visible[view.index()].len()
}

/// The row at a position of a view.
pub fn row(model: &Model, view: View, position: usize) -> Option<RowRef<'_>> {
    let index = *model.visible[view.index()].get(position)? as usize;
    let data = &model.data;
    match view {
        View::Attention => model.attention.get(index).map(RowRef::Item),
        View::Jobs => data.jobs.get(index).map(RowRef::Job),
        View::Drives => data.drives.get(index).map(RowRef::Drive),
        View::Audit => data.events.get(index).map(RowRef::Event),
        View::Archive => data.archive.get(index).map(RowRef::Job),
    }
}

/// Every row a view shows, in order (for tests and small tables; a frame
/// draws only its `window`).
pub fn rows(model: &Model, view: View) -> Vec<RowRef<'_>> {
    window(model, view, 0, count(model, view)).into_iter().map(|(_, r)| r).collect()
}

/// Rows `from..from + len` of a view: what one frame draws.
pub fn window(model: &Model, view: View, from: usize, len: usize) -> Vec<(usize, RowRef<'_>)> {
    (from..from.saturating_add(len)).filter_map(|p| row(model, view, p).map(|r| (p, r))).collect()
}

/// Sorts and filters these views again (their data or sort changed).
pub fn refresh(model: &mut Model, views: &[View]) {
    for &view in views {
        model.order[view.index()] = sorted(model, view);
        // The rows changed: nothing the last filtering kept can be reused.
        model.filtered_with[view.index()] = Filter::default();
        model.visible[view.index()] = model.order[view.index()].clone();
        filter_view(model, view);
    }
}

/// The filter changed while typing: the current view is filtered now, the
/// others when the filter is submitted or they are shown (`ensure_filtered`),
/// so a keystroke costs one table.
pub fn refilter(model: &mut Model) {
    filter_view(model, model.view);
}

/// The filter was submitted: every view follows it.
pub fn refilter_all(model: &mut Model) {
    for view in View::ALL {
        ensure_filtered(model, view);
    }
}

/// Whether a view's rows follow the current filter yet.
pub fn is_filtered(model: &Model, view: View) -> bool {
    model.filtered_with[view.index()] == model.filter
}

/// Filters a view that was last filtered with another filter.
pub fn ensure_filtered(model: &mut Model, view: View) {
    if model.filtered_with[view.index()] != model.filter {
        filter_view(model, view);
    }
}

/// Keeps the rows of a view that pass the filter. A filter that narrows the
/// last one (the operator typed on) looks only at the rows it kept.
fn filter_view(model: &mut Model, view: View) {
    let i = view.index();
    let narrows = model.filter.narrows(&model.filtered_with[i]);
    let source = if narrows { &model.visible[i] } else { &model.order[i] };
    let (filter, data, now) = (&model.filter, &model.data, model.now);
    let keep = |passes: &dyn Fn(usize) -> bool| -> Vec<u32> {
        source.iter().copied().filter(|&r| filter.is_empty() || passes(r as usize)).collect()
    };
    let visible = match view {
        View::Attention => keep(&|r| model.attention.get(r).is_some_and(|item| item_passes(model, item))),
        View::Jobs => {
            keep(&|r| data.jobs.get(r).is_some_and(|row| filter.matches(&job_facts(model, row), now)))
        }
        View::Archive => {
            keep(&|r| data.archive.get(r).is_some_and(|row| filter.matches(&job_facts(model, row), now)))
        }
        View::Drives => drives_passing(model, source),
        View::Audit => keep(&|r| data.events.get(r).is_some_and(|e| filter.matches_event(e, now))),
    };
    model.visible[i] = visible;
    model.filtered_with[i] = model.filter.clone();
    model.cursor[i] = model.cursor[i].min(model.visible[i].len().saturating_sub(1));
}

/// The Drives view's rows in `source` that pass the filter: its text terms
/// are found once in the view's text column (`DriveSearch`), so a row is
/// visited only when the filter also asks about states, type or clocks.
fn drives_passing(model: &Model, source: &[u32]) -> Vec<u32> {
    let (filter, data, now) = (&model.filter, &model.data, model.now);
    let found: Vec<TermHits> = filter.text_terms().map(|t| data.drive_search.find(t)).collect();
    let visit = filter.has_fact_terms();
    source
        .iter()
        .copied()
        .filter(|&r| {
            let r = r as usize;
            found.iter().all(|hits| data.drive_search.has(hits, r))
                && (!visit
                    || data.drives.get(r).is_some_and(|d| filter.matches_facts(&drive_facts(d, ""), now)))
        })
        .collect()
}

fn job_facts<'a>(model: &'a Model, row: &'a JobRow) -> Facts<'a> {
    let drive_states = if model.filter.needs_drive_states() {
        model.data.drive_states.get(&row.id).map(Vec::as_slice).unwrap_or(&[])
    } else {
        &[]
    };
    Facts {
        search: &row.search,
        drive_id: "",
        job_state: row.state,
        job_faulted_from: row.faulted_from,
        job_type: row.job_type,
        overdue_from: row.deadline.and_then(|(_, at, person)| person.then_some(at)),
        drive_state: None,
        drive_states,
        faulted: row.state == crate::domain::JobState::Faulted
            || drive_states.contains(&crate::domain::DriveState::Faulted),
        rules: job_rules(row),
    }
}

/// A drive row's facts; `lower_id` is its id lower-cased, if the filter's
/// text terms are to be matched through these facts.
fn drive_facts<'a>(d: &'a DriveRow, lower_id: &'a str) -> Facts<'a> {
    Facts {
        search: &d.job_search,
        drive_id: lower_id,
        job_state: d.job_state,
        job_faulted_from: None,
        job_type: d.job_type,
        overdue_from: d.job_overdue_from,
        drive_state: Some(d.state),
        drive_states: &[],
        faulted: d.state == crate::domain::DriveState::Faulted || d.job_faulted,
        rules: drive_rules(d),
    }
}

/// An attention item passes the filter through the job or drive it is
/// about, except `overdue` and `faulted`, which are the item's own urgency:
/// the rows the header counts.
fn item_passes(model: &Model, item: &Item) -> bool {
    let data = &model.data;
    let overdue = item.urgency == Urgency::Overdue;
    let passes = |mut facts: Facts| {
        facts.overdue_from = overdue.then_some(model.now);
        facts.faulted = item.urgency == Urgency::Faulted;
        facts.rules = [Some(item.rule), None];
        model.filter.matches(&facts, model.now)
    };
    // Before the tables are read, free text still works on the job's name.
    let name_matches = |name: &str| model.filter.matches_text_row(&[name], overdue, Some(item.rule));
    match &item.subject {
        Subject::Job(name) => match data.row(name) {
            Some(row) => passes(job_facts(model, row)),
            None => name_matches(name),
        },
        // One lookup in the usual case: the drive's row, found by its job's name.
        Subject::Drive { job, drive_id } => match data.drive_row(job, drive_id) {
            Some(d) => passes(drive_facts(d, &d.drive_id.to_lowercase())),
            None => data.row(job).is_none() && name_matches(job),
        },
        Subject::Arrival(id) => model.arrival(*id).is_some_and(|a| {
            let mut texts: Vec<&str> = vec![&a.tracking_number, a.job_name.as_deref().unwrap_or("")];
            texts.extend(a.drive_ids.iter().map(String::as_str));
            model.filter.matches_text_row(&texts, overdue, Some(item.rule))
        }),
    }
}

/// The order of a view under its sort, as indexes into its data.
fn sorted(model: &Model, view: View) -> Vec<u32> {
    let sort = model.sort[view.index()];
    let data = &model.data;
    let n = match view {
        View::Attention => model.attention.len(),
        View::Jobs => data.jobs.len(),
        View::Drives => data.drives.len(),
        View::Audit => data.events.len(),
        View::Archive => data.archive.len(),
    };
    // Column 0 is the order the data is held in (name, urgency, newest first).
    // The big tables sort packed integer keys (key, then position, so equal
    // keys stay in name order): a flat array, no row touched per comparison.
    // The small ones compare text.
    let at = |i: &u32| *i as usize;
    let ts = |t: Timestamp| u64::try_from(t.timestamp()).unwrap_or(0);
    let mut order: Vec<u32> = match (view, sort.column) {
        (_, 0) => (0..n as u32).collect(),
        (View::Jobs, 1) => by_key(n, |i| data.jobs[i].state as u64),
        (View::Jobs, 2) => by_key(n, |i| ts(data.jobs[i].state_since)),
        (View::Jobs, _) => by_key(n, |i| data.jobs[i].deadline.map_or(MAX_KEY, |(_, d, _)| ts(d))),
        (View::Drives, 1) => by_key(n, |i| data.drives[i].state as u64),
        (View::Drives, _) => by_key(n, |i| ts(data.drives[i].state_since)),
        (View::Archive, _) => by_key(n, |i| data.archive[i].archived_at.map_or(0, ts)),
        (View::Attention, 1) => by_key(n, |i| model.attention[i].rule as u64),
        (View::Attention, _) => {
            let mut order: Vec<u32> = (0..n as u32).collect();
            order.sort_by(|a, b| model.attention[at(a)].subject.cmp(&model.attention[at(b)].subject));
            order
        }
        (View::Audit, column) => {
            let mut order: Vec<u32> = (0..n as u32).collect();
            let field =
                |i: &u32| if column == 1 { &data.events[at(i)].operator } else { &data.events[at(i)].rule };
            order.sort_by(|a, b| field(a).cmp(field(b)));
            order
        }
    };
    if sort.descending {
        order.reverse();
    }
    order
}

/// Positions fit in 24 bits (16 million rows); keys in the 40 above them.
const POSITION_BITS: u32 = 24;
const MAX_KEY: u64 = (1 << (64 - POSITION_BITS)) - 1;

/// The positions `0..n` ordered by `key`, ties by position.
fn by_key(n: usize, key: impl Fn(usize) -> u64) -> Vec<u32> {
    let mut packed: Vec<u64> = (0..n).map(|i| (key(i).min(MAX_KEY) << POSITION_BITS) | i as u64).collect();
    packed.sort_unstable();
    packed.into_iter().map(|k| (k & ((1 << POSITION_BITS) - 1)) as u32).collect()
}

/// The sort of a view was reversed: its order and rows turn around, unsorted.
pub fn reverse(model: &mut Model, view: View) {
    model.order[view.index()].reverse();
    model.visible[view.index()].reverse();
}

//! The rows of each view, filtered and sorted: derived from the model, never
//! stored, so they cannot disagree with the data.

use std::cmp::Ordering;

use crate::domain::attention::{Item, Subject};
use crate::domain::clock;
use crate::domain::{Drive, Job, Timestamp};
use crate::store::AuditRecord;

use super::model::{Model, Sort, View};

#[derive(Debug, Clone, Copy)]
pub enum RowRef<'a> {
    Item(&'a Item),
    Job(&'a Job),
    Drive(&'a Job, &'a Drive),
    Event(&'a AuditRecord),
}

impl RowRef<'_> {
    /// What an action on this row is about.
    pub fn subject(&self) -> Option<Subject> {
        match self {
            RowRef::Item(item) => Some(item.subject.clone()),
            RowRef::Job(job) => Some(Subject::Job(job.name.clone())),
            RowRef::Drive(job, drive) => {
                Some(Subject::Drive { job: job.name.clone(), drive_id: drive.drive_id.clone() })
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

pub fn rows(model: &Model, view: View) -> Vec<RowRef<'_>> {
    let now = model.now;
    let filter = &model.filter;
    let sort = model.sort[view.index()];
    let mut rows: Vec<RowRef> = match view {
        View::Attention => {
            model.attention.iter().filter(|item| item_passes(model, item)).map(RowRef::Item).collect()
        }
        View::Jobs => {
            model.data.jobs.iter().filter(|j| filter.matches(j, None, now)).map(RowRef::Job).collect()
        }
        View::Drives => model
            .data
            .jobs
            .iter()
            .flat_map(|j| j.drives.iter().map(move |d| (j, d)))
            .filter(|(j, d)| filter.matches(j, Some(d), now))
            .map(|(j, d)| RowRef::Drive(j, d))
            .collect(),
        View::Audit => model
            .data
            .events
            .iter()
            .filter(|e| {
                filter.matches_text(&[
                    e.job_name.as_deref().unwrap_or(""),
                    e.drive_id.as_deref().unwrap_or(""),
                    &e.operator,
                    &e.rule,
                    &e.action,
                ])
            })
            .map(RowRef::Event)
            .collect(),
        View::Archive => {
            model.data.archived.iter().filter(|j| filter.matches(j, None, now)).map(RowRef::Job).collect()
        }
    };
    rows.sort_by(|a, b| compare(view, sort, a, b));
    rows
}

/// An attention item passes the filter through the job it is about.
fn item_passes(model: &Model, item: &Item) -> bool {
    if model.filter.is_empty() {
        return true;
    }
    match &item.subject {
        Subject::Job(name) => model.job(name).is_some_and(|j| model.filter.matches(j, None, model.now)),
        Subject::Drive { job, drive_id } => {
            model.job(job).is_some_and(|j| model.filter.matches(j, j.drive(drive_id), model.now))
        }
        Subject::Arrival(id) => model.arrival(*id).is_some_and(|a| {
            let mut texts: Vec<&str> = vec![&a.tracking_number, a.job_name.as_deref().unwrap_or("")];
            texts.extend(a.drive_ids.iter().map(String::as_str));
            model.filter.matches_text(&texts)
        }),
    }
}

fn compare(view: View, sort: Sort, a: &RowRef, b: &RowRef) -> Ordering {
    let order = match (a, b) {
        (RowRef::Item(x), RowRef::Item(y)) => match sort.column {
            1 => x.rule.cmp(&y.rule).then_with(|| x.subject.cmp(&y.subject)),
            2 => x.subject.cmp(&y.subject),
            _ => Ordering::Equal, // the queue arrives most urgent first
        },
        (RowRef::Job(x), RowRef::Job(y)) => match (view, sort.column) {
            (View::Archive, 1) => x.archived_at.cmp(&y.archived_at),
            (View::Jobs, 1) => x.state.cmp(&y.state).then_with(|| x.name.cmp(&y.name)),
            (View::Jobs, 2) => x.state_since.cmp(&y.state_since),
            (View::Jobs, 3) => next_deadline(x).cmp(&next_deadline(y)),
            _ => x.name.cmp(&y.name),
        },
        (RowRef::Drive(jx, x), RowRef::Drive(jy, y)) => match sort.column {
            1 => x.state.cmp(&y.state).then_with(|| jx.name.cmp(&jy.name)),
            2 => x.state_since.cmp(&y.state_since),
            _ => jx.name.cmp(&jy.name).then_with(|| x.drive_id.cmp(&y.drive_id)),
        },
        (RowRef::Event(x), RowRef::Event(y)) => match sort.column {
            1 => x.operator.cmp(&y.operator).then_with(|| (y.at, y.id).cmp(&(x.at, x.id))),
            2 => x.rule.cmp(&y.rule).then_with(|| (y.at, y.id).cmp(&(x.at, x.id))),
            _ => (y.at, y.id).cmp(&(x.at, x.id)),
        },
        _ => Ordering::Equal,
    };
    if sort.descending { order.reverse() } else { order }
}

/// Soonest running deadline; jobs with none sort last.
fn next_deadline(job: &Job) -> (bool, Option<Timestamp>) {
    let first = clock::job_clocks(job).first().map(|c| c.deadline);
    (first.is_none(), first)
}

//! Getting to a row: `:job NAME`, `:drive ID` (a unique prefix is enough),
//! `o` from a row to what it is about, and Tab completion on the command
//! line. Pure functions of the model, called by `update`.

use crate::domain::attention::Subject;

use super::data::Data;
use super::filter::Filter;
use super::model::{Model, View};
use super::rows;

/// The commands `:` knows, for Tab completion (one list with `run_command`'s).
pub const COMMANDS: &[&str] = &[
    "attention",
    "jobs",
    "drives",
    "audit",
    "archive",
    "job ",
    "drive ",
    "receive",
    "sweep",
    "import ",
    "export ",
    "filter ",
    "help",
    "q",
];

/// The active job `typed` names: exactly, else as the only name it begins.
pub fn find_job(data: &Data, typed: &str) -> Result<String, String> {
    if data.row(typed).is_some() {
        return Ok(typed.to_string());
    }
    let names = job_names_starting(data, typed);
    one_of(names, typed, "job")
}

/// The active drive `typed` names (any case): exactly, else as the only id it begins.
pub fn find_drive(data: &Data, typed: &str) -> Result<(String, String), String> {
    let typed_lower = typed.to_lowercase();
    let mut exact = Vec::new();
    let mut prefixed = Vec::new();
    for d in &data.drives {
        let id = d.drive_id.to_lowercase();
        if id == typed_lower {
            exact.push((d.job_name.to_string(), d.drive_id.clone()));
        } else if id.starts_with(&typed_lower) {
            prefixed.push((d.job_name.to_string(), d.drive_id.clone()));
        }
    }
    let found = if exact.is_empty() { prefixed } else { exact };
    match found.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(format!("no active drive is {typed} or begins so")),
        many => {
            let shown: Vec<String> = many.iter().take(4).map(|(j, d)| format!("{j}/{d}")).collect();
            Err(format!("{} drives begin {typed}: {}{}", many.len(), shown.join(", "), more(many.len(), 4)))
        }
    }
}

fn job_names_starting(data: &Data, prefix: &str) -> Vec<String> {
    // The jobs table is in name order: the names a prefix begins are together.
    let start = data.jobs.partition_point(|j| j.name.as_str() < prefix);
    data.jobs[start..].iter().take_while(|j| j.name.starts_with(prefix)).map(|j| j.name.clone()).collect()
}

fn one_of(mut names: Vec<String>, typed: &str, what: &str) -> Result<String, String> {
    match names.len() {
        1 => Ok(names.remove(0)),
        0 => Err(format!("no active {what} is {typed} or begins so")),
        n => Err(format!("{n} {what}s begin {typed}: {}{}", names[..n.min(4)].join(", "), more(n, 4))),
    }
}

fn more(n: usize, shown: usize) -> String {
    if n > shown { format!(" and {} more", n - shown) } else { String::new() }
}

/// Selects `subject`'s row in the view that lists it (Jobs for a job,
/// Drives for a drive), clearing a filter that hides it. `Err` says why not.
pub fn go_to(model: &mut Model, subject: &Subject) -> Result<(), String> {
    let (view, index) = match subject {
        Subject::Job(name) => (View::Jobs, model.data.job_index(name)),
        Subject::Drive { job, drive_id } => (View::Drives, model.data.drive_index(job, drive_id)),
        Subject::Arrival(id) => return Err(format!("arrival:{id} is listed only in the Attention view")),
    };
    let Some(index) = index else { return Err(format!("{subject} is not an active row")) };
    model.view = view;
    rows::ensure_filtered(model, view);
    let mut at = position(model, view, index);
    if at.is_none() && !model.filter.is_empty() {
        model.filter = Filter::default();
        rows::refilter_all(model);
        at = position(model, view, index);
    }
    let at = at.ok_or_else(|| format!("{subject} is not an active row"))?;
    model.cursor[view.index()] = at;
    Ok(())
}

fn position(model: &Model, view: View, index: usize) -> Option<usize> {
    model.visible[view.index()].iter().position(|&i| i as usize == index)
}

/// What `o` goes to from the selected row: an item's or an event's job or
/// drive, a job's first drive, a drive's job.
pub fn related(model: &Model) -> Option<Subject> {
    match rows::row(model, model.view, model.cursor())? {
        rows::RowRef::Job(job) if model.view == View::Jobs => {
            let first = model.data.drives.iter().find(|d| *d.job_name == *job.name)?;
            Some(Subject::Drive { job: job.name.clone(), drive_id: first.drive_id.clone() })
        }
        rows::RowRef::Drive(d) => Some(Subject::Job(d.job_name.to_string())),
        row => row.subject(),
    }
}

/// Tab on the command line: the longest completion of what is typed — a
/// command, or after `job ` / `drive ` / `filter ` a name, an id or a saved
/// filter's name. `None`: nothing to add.
pub fn complete(data: &Data, saved: &[(String, String)], typed: &str) -> Option<String> {
    let (head, word, candidates): (&str, &str, Vec<String>) =
        if let Some(name) = typed.strip_prefix("filter ") {
            ("filter ", name, saved.iter().map(|(n, _)| n.clone()).filter(|n| n.starts_with(name)).collect())
        } else if let Some(name) = typed.strip_prefix("job ") {
            ("job ", name, job_names_starting(data, name))
        } else if let Some(id) = typed.strip_prefix("drive ") {
            let lower = id.to_lowercase();
            let mut ids: Vec<String> = data
                .drives
                .iter()
                .filter(|d| d.drive_id.to_lowercase().starts_with(&lower))
                .map(|d| d.drive_id.clone())
                .collect();
            ids.dedup();
            ("drive ", id, ids)
        } else {
            ("", typed, COMMANDS.iter().filter(|c| c.starts_with(typed)).map(|c| c.to_string()).collect())
        };
    let common = common_prefix(&candidates)?;
    (common.len() > word.len()).then(|| format!("{head}{common}"))
}

fn common_prefix(words: &[String]) -> Option<String> {
    let first = words.first()?;
    let mut len = first.len();
    for w in &words[1..] {
        len = first
            .char_indices()
            .zip(w.chars())
            .take_while(|((_, a), b)| a == b)
            .last()
            .map_or(0, |((i, a), _)| i + a.len_utf8())
            .min(len);
    }
    Some(first[..len].to_string())
}

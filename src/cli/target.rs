//! `JOB`, `JOB/DRIVE` or `arrival:ID`: what an action or query is about.

use super::error::{CliError, bad};
use crate::domain::{Arrival, Job};
use crate::store::Store;
use crate::suggest::{closest, did_you_mean};

pub enum Target {
    Job(Job),
    Drive(Job, String),
    Arrival(Arrival),
}

/// Finds the target in the store. A job name is tried whole first, so a name
/// that contains `/` (imported from elsewhere) still resolves.
pub fn resolve(store: &Store, text: &str) -> Result<Target, CliError> {
    if let Some(id) = text.strip_prefix("arrival:") {
        let id: i64 = id
            .parse()
            .map_err(|_| bad(format!("'{}' is not arrival:ID with a number", text.escape_default())))?;
        return store
            .arrival(id)?
            .map(Target::Arrival)
            .ok_or_else(|| bad(format!("no arrival {id}: `ieops arrivals --all` lists them")));
    }
    if let Some(job) = store.job(text)? {
        return Ok(Target::Job(job));
    }
    if let Some((name, drive)) = text.rsplit_once('/') {
        if let Some(job) = store.job(name)? {
            if job.drive(drive).is_none() {
                let ids: Vec<&str> = job.drives.iter().map(|d| d.drive_id.as_str()).collect();
                return Err(bad(format!(
                    "job {} has no drive {}; its drives: {}",
                    crate::text::visible(name),
                    crate::text::visible(drive),
                    if ids.is_empty() { "none".to_string() } else { ids.join(", ") }
                )));
            }
            return Ok(Target::Drive(job, drive.to_string()));
        }
    }
    Err(no_job(store, text))
}

pub fn job(store: &Store, name: &str) -> Result<Job, CliError> {
    store.job(name)?.ok_or_else(|| no_job(store, name))
}

/// "no job named 'acme-improt'; did you mean 'acme-import'?" — for
/// `JOB/DRIVE`, the closest jobs with the drive kept.
fn no_job(store: &Store, text: &str) -> CliError {
    let names = match store.active_job_names() {
        Ok(names) => names,
        Err(e) => return e.into(),
    };
    let names = names.iter().map(String::as_str);
    let with_drive: Vec<String> = match text.rsplit_once('/') {
        Some((name, drive)) => {
            closest(name, names.clone()).into_iter().map(|n| format!("{n}/{drive}")).collect()
        }
        None => Vec::new(),
    };
    let suggestions = match with_drive.is_empty() {
        true => closest(text, names).into_iter().map(str::to_string).collect(),
        false => with_drive,
    };
    let shown = crate::text::visible(text);
    let suggestions: Vec<&str> = suggestions.iter().map(String::as_str).collect();
    match did_you_mean(&suggestions) {
        Some(hint) => bad(format!("no job named '{shown}': {hint} (`ieops jobs` lists them)")),
        None => bad(format!("no job named '{shown}': `ieops jobs` lists them")),
    }
}

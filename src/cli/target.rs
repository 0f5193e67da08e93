//! `JOB`, `JOB/DRIVE` or `arrival:ID`: what an action or query is about.

use super::error::{CliError, bad};
use crate::domain::{Arrival, Job};
use crate::store::Store;

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
    Err(no_job(text))
}

pub fn job(store: &Store, name: &str) -> Result<Job, CliError> {
    store.job(name)?.ok_or_else(|| no_job(name))
}

fn no_job(name: &str) -> CliError {
    bad(format!("no job named '{}': `ieops jobs` lists them", crate::text::visible(name)))
}

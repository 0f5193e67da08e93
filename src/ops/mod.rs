//! Operations: each reads what it decides on from the store inside its write
//! transaction, decides with the domain, writes the change with its audit
//! events, and returns what changed. The command line and the console only
//! parse, call and render (like cargo's `ops` under its thin `commands`).

mod act;
mod sweep;

use std::fmt;

pub use act::{Ask, Decided, Step, act, preview, preview_on};
pub use sweep::sweep;

use crate::domain::arrival::{Outcome, Package, Routed, route_arrival};
use crate::domain::create::{create_job, one_home};
use crate::domain::field::FieldSet;
use crate::domain::{Change, Ctx, JobType, Refusal};
use crate::store::{Store, StoreError};

/// Why an operation wrote nothing.
#[derive(Debug)]
pub enum OpError {
    /// The rules said no (decided on what the transaction read).
    Refused(Refusal),
    /// The decision is no longer the one the operator confirmed (someone
    /// changed the job since): here is the new one, nothing was written.
    Changed(Box<Decided>),
    /// A name that matches nothing: what was wrong and the closest names.
    Unknown(String),
    Store(StoreError),
}

impl fmt::Display for OpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OpError::Refused(r) => r.fmt(f),
            OpError::Changed(_) => {
                f.write_str("the situation changed since the confirmation; nothing was written")
            }
            OpError::Unknown(what) => f.write_str(what),
            OpError::Store(e) => e.fmt(f),
        }
    }
}

impl From<StoreError> for OpError {
    fn from(e: StoreError) -> OpError {
        OpError::Store(e)
    }
}

impl From<Refusal> for OpError {
    fn from(r: Refusal) -> OpError {
        OpError::Refused(r)
    }
}

/// Runs `f` in one write transaction; a refusal (or a changed decision) it
/// returns rolls back whatever it wrote, like a store error does.
fn write<T>(
    store: &mut Store,
    f: impl FnOnce(&mut crate::store::Writer<'_>) -> Result<T, OpError>,
) -> Result<T, OpError> {
    let mut not_store = None;
    let written = store.write(|w| {
        f(w).map_err(|e| match e {
            OpError::Store(e) => e,
            other => {
                not_store = Some(other);
                StoreError::Sqlite("rolled back".into())
            }
        })
    });
    match (written, not_store) {
        (_, Some(e)) => Err(e),
        (Ok(t), None) => Ok(t),
        (Err(e), None) => Err(OpError::Store(e)),
    }
}

/// Creates a job (J1), refusing a drive id another active job holds (S8).
pub fn create(
    store: &mut Store,
    name: &str,
    job_type: JobType,
    drive_ids: &[String],
    fields: &[FieldSet],
    ctx: &Ctx,
) -> Result<Change, OpError> {
    let change = create_job(name, job_type, drive_ids, fields, ctx)?;
    write(store, |w| {
        one_home(&w.homes_of(drive_ids)?, drive_ids)?;
        w.insert_job(&change.job, &change.events)?;
        Ok(())
    })?;
    Ok(change)
}

/// A package at the dock, as the operator records it.
#[derive(Debug, Clone, Copy)]
pub struct Dock<'a> {
    pub carrier: &'a str,
    pub tracking: &'a str,
    pub drive_ids: &'a [String],
    /// The job the package names; `None`: the job most of its drives belong to.
    pub job_name: Option<&'a str>,
    /// The named job is not on record and the package is held for it (E1,
    /// "Undefined"); without it a name that matches no job is refused, so a
    /// typo never becomes a held arrival.
    pub hold_unknown: bool,
}

/// Records a package at the dock: each drive to the job that lists it (S8),
/// the rest to the job the package names (or the job most of its drives
/// belong to) or held (E1). Returns where each part went, arrivals with their
/// new ids, and what deserves a look (a label that is not the job's).
pub fn record_arrival(store: &mut Store, dock: Dock<'_>, ctx: &Ctx) -> Result<Routed, OpError> {
    let Dock { carrier, tracking, drive_ids, job_name, hold_unknown } = dock;
    write(store, |w| {
        let named = match job_name {
            Some(name) => {
                let job = w.job(name)?;
                if job.is_none() && !hold_unknown {
                    return Err(OpError::Unknown(unknown_job(name, &w.active_job_names()?)));
                }
                job
            }
            None => w.job_for_drives(drive_ids)?,
        };
        let package = Package {
            carrier_name: carrier.to_string(),
            tracking_number: tracking.to_string(),
            drive_ids: drive_ids.to_vec(),
            job_name: job_name.map(str::to_string).or_else(|| named.as_ref().map(|j| j.name.clone())),
        };
        let homes = w.homes_of(drive_ids)?;
        let held = w.held_arrivals_with(drive_ids, None)?;
        let mut routed = route_arrival(named.as_ref(), &homes, &held, &package, ctx)?;
        for outcome in &mut routed.outcomes {
            match outcome {
                Outcome::Received(change) => w.apply(change)?,
                Outcome::Held { arrival, event } => {
                    arrival.id = Some(w.insert_arrival(arrival, std::slice::from_ref(event))?);
                }
            }
        }
        Ok(routed)
    })
}

/// "no active job named 'acme-improt'; did you mean acme-import? …"
fn unknown_job(name: &str, names: &[String]) -> String {
    let shown = crate::text::visible(name);
    let wanted = name.to_lowercase();
    let mut close: Vec<(f64, &String)> = names
        .iter()
        .map(|n| (strsim::jaro_winkler(&n.to_lowercase(), &wanted), n))
        .filter(|(score, n)| *score >= 0.85 || n.starts_with(name))
        .collect();
    close.sort_by(|a, b| b.0.total_cmp(&a.0));
    let suggestions: Vec<&str> = close.iter().take(3).map(|(_, n)| n.as_str()).collect();
    let hint = if suggestions.is_empty() {
        String::new()
    } else {
        format!("; did you mean {}?", suggestions.join(", "))
    };
    format!(
        "no active job named '{shown}'{hint} If the package names a job that is not on record, add --hold to hold it (E1)"
    )
}

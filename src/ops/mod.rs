//! Operations: each reads what it decides on from the store inside its write
//! transaction, decides with the domain, writes the change with its audit
//! events, and returns what changed. The command line and the console only
//! parse, call and render (like cargo's `ops` under its thin `commands`).

mod act;
mod dock;
mod sweep;

use std::fmt;

pub use act::{Ask, Decided, Step, act, preview, preview_on};
pub use dock::{Dock, preview_arrival, record_arrival, routed_events, routed_steps};
pub use sweep::sweep;

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

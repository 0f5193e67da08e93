//! A package at the dock: where each of its drives goes (S8), received,
//! extra or held (E1), decided on what the store holds, for a confirmation
//! (`preview_arrival`) or inside the write transaction (`record_arrival`).

use crate::domain::arrival::{Outcome, Package, Routed, route_arrival};
use crate::domain::{Arrival, Ctx, Event, Job};
use crate::store::{Store, StoreError, Writer};

use super::{OpError, Step, write};

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

/// What routing a package reads.
trait Reads {
    fn job(&self, name: &str) -> Result<Option<Job>, StoreError>;
    fn job_for_drives(&self, drive_ids: &[String]) -> Result<Option<Job>, StoreError>;
    fn homes_of(&self, drive_ids: &[String]) -> Result<Vec<Job>, StoreError>;
    fn held_arrivals_with(&self, drive_ids: &[String]) -> Result<Vec<Arrival>, StoreError>;
    fn active_job_names(&self) -> Result<Vec<String>, StoreError>;
}

macro_rules! reads_for {
    ($t:ty) => {
        impl Reads for $t {
            fn job(&self, name: &str) -> Result<Option<Job>, StoreError> {
                <$t>::job(self, name)
            }
            fn job_for_drives(&self, drive_ids: &[String]) -> Result<Option<Job>, StoreError> {
                <$t>::job_for_drives(self, drive_ids)
            }
            fn homes_of(&self, drive_ids: &[String]) -> Result<Vec<Job>, StoreError> {
                <$t>::homes_of(self, drive_ids)
            }
            fn held_arrivals_with(&self, drive_ids: &[String]) -> Result<Vec<Arrival>, StoreError> {
                <$t>::held_arrivals_with(self, drive_ids, None)
            }
            fn active_job_names(&self) -> Result<Vec<String>, StoreError> {
                <$t>::active_job_names(self)
            }
        }
    };
}

reads_for!(Store);
reads_for!(Writer<'_>);

fn route(reads: &impl Reads, dock: Dock<'_>, ctx: &Ctx) -> Result<Routed, OpError> {
    let Dock { carrier, tracking, drive_ids, job_name, hold_unknown } = dock;
    let named = match job_name {
        Some(name) => {
            let job = reads.job(name)?;
            if job.is_none() && !hold_unknown {
                return Err(OpError::Unknown(unknown_job(name, &reads.active_job_names()?)));
            }
            job
        }
        None => reads.job_for_drives(drive_ids)?,
    };
    let package = Package {
        carrier_name: carrier.to_string(),
        tracking_number: tracking.to_string(),
        drive_ids: drive_ids.to_vec(),
        job_name: job_name.map(str::to_string).or_else(|| named.as_ref().map(|j| j.name.clone())),
    };
    let homes = reads.homes_of(drive_ids)?;
    let held = reads.held_arrivals_with(drive_ids)?;
    Ok(route_arrival(named.as_ref(), &homes, &held, &package, ctx)?)
}

/// Every event of a routed package with what it is about (`JOB/DRIVE`,
/// `JOB`, `arrival:ID`, or `arrival` before it is stored).
pub fn routed_events(routed: &Routed) -> Vec<(String, &Event)> {
    routed
        .outcomes
        .iter()
        .flat_map(|outcome| match outcome {
            Outcome::Received(change) => change
                .events
                .iter()
                .map(|e| match &e.drive_id {
                    Some(d) => (format!("{}/{d}", change.job.name), e),
                    None => (change.job.name.clone(), e),
                })
                .collect::<Vec<_>>(),
            Outcome::Held { arrival, event } => {
                let subject = arrival.id.map_or_else(|| "arrival".to_string(), |id| format!("arrival:{id}"));
                vec![(subject, event)]
            }
        })
        .collect()
}

/// The steps of a routed package, as a confirmation shows them.
pub fn routed_steps(routed: &Routed) -> Vec<Step> {
    routed_events(routed)
        .into_iter()
        .map(|(subject, e)| (subject, e.from_state.clone(), e.to_state.clone(), e.rule))
        .collect()
}

/// Where the package's drives would go now, written nowhere (for a confirmation).
pub fn preview_arrival(store: &Store, dock: Dock<'_>, ctx: &Ctx) -> Result<Routed, OpError> {
    route(store, dock, ctx)
}

/// Records a package at the dock: each drive to the job that lists it (S8),
/// the rest to the job the package names (or the job most of its drives
/// belong to) or held (E1), decided and written in one transaction. Returns
/// where each part went, arrivals with their new ids, and what deserves a
/// look (a label that is not the job's).
/// With `expected` (the steps a confirmation showed), nothing is written if
/// the decision now differs: `OpError::Changed` would not fit an arrival, so
/// it is refused as changed, for the operator to review again.
pub fn record_arrival(
    store: &mut Store,
    dock: Dock<'_>,
    ctx: &Ctx,
    expected: Option<&[Step]>,
) -> Result<Routed, OpError> {
    write(store, |w| {
        let mut routed = route(w, dock, ctx)?;
        if expected.is_some_and(|steps| steps != routed_steps(&routed)) {
            return Err(OpError::Unknown(
                "the package's drives changed since you reviewed it (S7): nothing was written; review it again"
                    .into(),
            ));
        }
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
    let suggestions = crate::suggest::closest(name, names.iter().map(String::as_str));
    let hint = if suggestions.is_empty() {
        String::new()
    } else {
        format!("; did you mean {}?", suggestions.join(", "))
    };
    format!(
        "no active job named '{shown}'{hint} If the package names a job that is not on record, add --hold to hold it (E1)"
    )
}

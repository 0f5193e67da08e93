//! The sweep (C1, C3, C7) as operator `system`: candidates read a chunk at a
//! time and decided, inside the one write transaction that writes them, so
//! nobody acts on a job between the sweep's decision and its write.

use crate::domain::sweep::sweep_job;
use crate::domain::{Change, Event, Job, Timestamp};
use crate::store::{SWEEP_CHUNK, Store, StoreError};

/// Sweeps at `now` (or only says what it would do, `dry_run`, from one
/// snapshot). Only each changed job's name and events are kept, in name
/// order: a 30-day backlog at 100,000 jobs changes some 13,000 of them.
pub fn sweep(
    store: &mut Store,
    now: Timestamp,
    dry_run: bool,
) -> Result<Vec<(String, Vec<Event>)>, StoreError> {
    let mut changes: Vec<(String, Vec<Event>)> = Vec::new();
    if dry_run {
        store.for_each_sweep_chunk(now, SWEEP_CHUNK, |jobs| {
            sweep_chunk(&jobs, now, &mut changes, |_, _| Ok(()))
        })?;
    } else {
        store.write(|w| {
            w.for_each_sweep_chunk(now, SWEEP_CHUNK, |w, jobs| {
                sweep_chunk(&jobs, now, &mut changes, |before, change| w.apply_over(before, change))
            })
        })?;
    }
    changes.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(changes)
}

/// Decides the sweep for each job of a chunk, `store`s each change over the
/// job it was decided on, and keeps what is reported of it.
fn sweep_chunk(
    jobs: &[Job],
    now: Timestamp,
    changes: &mut Vec<(String, Vec<Event>)>,
    mut store: impl FnMut(&Job, &Change) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    for job in jobs {
        if let Some(change) = sweep_job(job, now) {
            store(job, &change)?;
            changes.push((change.job.name, change.events));
        }
    }
    Ok(())
}

//! The deadlines that expire by themselves (C1, C3, C7), applied as operator
//! `system`. Idempotent: a swept job has nothing left to sweep.

use super::change::{Change, Ctx, Recorder, SYSTEM_OPERATOR};
use super::clock;
use super::decide::{enter_drive, settle};
use super::model::{Job, Timestamp};
use super::rule::Rule;
use super::state::{DriveState, JobState};

/// What the sweep does to one job at `now`, if anything.
pub fn sweep_job(job: &Job, now: Timestamp) -> Option<Change> {
    // A job in a state the console does not know runs no clock (see `Job::unrecognised`).
    if job.archived_at.is_some() || job.state == JobState::Faulted || job.unrecognised().is_some() {
        return None;
    }
    let ctx = Ctx { operator: SYSTEM_OPERATOR, now, note: None };
    let mut rec = Recorder::new(ctx);
    let mut next = job.clone();
    match job.state {
        JobState::Creating if now >= clock::creating_deadline(job) => {
            delete(&mut next, &mut rec, now, Rule::J2, "14 days in Creating (C1): deleted");
        }
        JobState::Shipping => {
            let since = job.shipping_since?;
            if now < since + clock::days(clock::NEVER_RECEIVED_DAYS) {
                return None;
            }
            for drive in next.drives.iter_mut().filter(|d| d.state == DriveState::Specified) {
                enter_drive(drive, DriveState::NeverReceived, now);
                rec.record(
                    Some(&drive.drive_id),
                    "sweep",
                    DriveState::Specified,
                    DriveState::NeverReceived,
                    Rule::C3,
                    Some("14 days since Shipping (D3)".into()),
                );
            }
            settle(&mut next, &mut rec);
        }
        JobState::Completed | JobState::Closed
            if now >= job.state_since + clock::days(clock::RETENTION_DAYS) =>
        {
            delete(&mut next, &mut rec, now, Rule::J13, "90 days since the job ended (C7): deleted");
        }
        _ => {}
    }
    (!rec.events.is_empty()).then_some(Change { job: next, events: rec.events })
}

/// The service deletes the job (J2 via C1, J13 via C7); S2: deletion archives.
fn delete(job: &mut Job, rec: &mut Recorder, now: Timestamp, rule: Rule, why: &str) {
    job.archived_at = Some(now);
    rec.record(None, "sweep", job.state, "archived", rule, Some(why.into()));
}

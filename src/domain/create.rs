//! J1 and D1: a new job in `Creating`, with its listed drives.

use super::arrival::lists_actively;
use super::change::{Change, Ctx, Recorder, Refusal};
use super::field::FieldSet;
use super::model::{Drive, Job};
use super::rule::Rule;
use super::state::{DriveState, JobState, JobType};

pub const MAX_DRIVES: usize = 10;

/// Creates a job (Put Job). Names and drive ids are checked here so that every
/// interface refuses the same things.
pub fn create_job(
    name: &str,
    job_type: JobType,
    drive_ids: &[String],
    fields: &[FieldSet],
    ctx: &Ctx,
) -> Result<Change, Refusal> {
    check_job_name(name).map_err(|m| Refusal::new(Rule::J1, m))?;
    match job_type {
        JobType::Import if drive_ids.is_empty() || drive_ids.len() > MAX_DRIVES => {
            return Err(Refusal::new(
                Rule::J1,
                format!(
                    "an import job lists 1 to {MAX_DRIVES} drives; {} given (use --drive ID)",
                    drive_ids.len()
                ),
            ));
        }
        JobType::Export if !drive_ids.is_empty() => {
            return Err(Refusal::new(
                Rule::J1,
                "an export job lists no drives: they are recorded Received when they arrive (D1)",
            ));
        }
        _ => {}
    }
    for (i, id) in drive_ids.iter().enumerate() {
        check_drive_id(id).map_err(|m| Refusal::new(Rule::J1, m))?;
        if drive_ids[..i].contains(id) {
            return Err(Refusal::new(Rule::J1, format!("drive {id} is listed twice")));
        }
    }
    let mut job = Job::new(name, job_type, ctx.now);
    for f in fields {
        f.apply(&mut job);
    }
    // D1: an import job's drives start Specified (an export job has none yet).
    job.drives = drive_ids.iter().map(|id| Drive::new(id, DriveState::Specified, ctx.now)).collect();
    let mut rec = Recorder::new(*ctx);
    let detail = match job_type {
        JobType::Import => format!("import job listing {}", drive_ids.join(", ")),
        JobType::Export => "export job".to_string(),
    };
    rec.record(None, "create", "-", JobState::Creating, Rule::J1, Some(detail));
    Ok(Change { job, events: rec.events })
}

/// Job names: 2 to 64 letters, digits, `-`, `_` or `.`, as the service allows.
/// S8: none of `drive_ids` may already be active in another job (`homes`:
/// the active jobs that list any of them). A drive held in an arrival is not
/// refused here: that arrival waits for exactly this job, and is released
/// into it when it ships (S10).
pub fn one_home(homes: &[Job], drive_ids: &[String]) -> Result<(), Refusal> {
    for id in drive_ids {
        if let Some(job) = homes.iter().find(|j| lists_actively(j, id)) {
            let state = job.drive(id).map_or_else(String::new, |d| d.state.to_string());
            return Err(Refusal::new(
                Rule::S8,
                format!(
                    "drive {id} is already in job {} ({state}): one physical drive belongs to one active job",
                    job.name
                ),
            ));
        }
    }
    Ok(())
}

pub fn check_job_name(name: &str) -> Result<(), String> {
    let ok_chars = name.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    if !(2..=64).contains(&name.len()) || !ok_chars || name.starts_with(['-', '.']) {
        return Err(format!(
            "job name '{}' is not valid: use 2 to 64 letters, digits, '-', '_' or '.', not starting with '-' or '.'",
            name.escape_default()
        ));
    }
    Ok(())
}

/// Drive ids are serial numbers: 1 to 64 letters, digits, `-`, `_` or `.`.
pub fn check_drive_id(id: &str) -> Result<(), String> {
    let ok_chars = id.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    if id.is_empty() || id.len() > 64 || !ok_chars {
        return Err(format!(
            "drive id '{}' is not valid: use 1 to 64 letters, digits, '-', '_' or '.'",
            id.escape_default()
        ));
    }
    Ok(())
}

//! One job (or held arrival) driven through the domain API step by step, each
//! step at its own simulated time. A refused step is a bug in the demo script,
//! so it comes back as a [`ScriptError`] that names the job, the time and the
//! rule, never silently skipped.

use std::fmt;

use crate::domain::action::{ArrivalAction, DriveAction, JobAction};
use crate::domain::arrival::{self, Outcome, Package};
use crate::domain::field::{Field, FieldSet};
use crate::domain::{Arrival, Ctx, Event, Job, JobType, Refusal, Request, Timestamp};
use crate::domain::{create, decide, sweep};

/// A demo script asked the rules for something they refuse (or made time run
/// backwards): the script is wrong, not the data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptError {
    /// The scenario whose script failed.
    pub scenario: &'static str,
    /// The job name, or `arrival` for a held arrival.
    pub subject: String,
    pub at: Timestamp,
    pub step: String,
    pub problem: String,
}

impl fmt::Display for ScriptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "demo scenario '{}', {} at {}: {}: {}",
            self.scenario,
            self.subject,
            self.at.format("%Y-%m-%d %H:%M:%S"),
            self.step,
            self.problem
        )
    }
}

impl std::error::Error for ScriptError {}

impl ScriptError {
    pub(super) fn new(
        subject: impl Into<String>,
        at: Timestamp,
        step: impl Into<String>,
        problem: impl Into<String>,
    ) -> ScriptError {
        ScriptError { scenario: "", subject: subject.into(), at, step: step.into(), problem: problem.into() }
    }

    pub(super) fn in_scenario(self, scenario: &'static str) -> ScriptError {
        ScriptError { scenario, ..self }
    }
}

/// Who takes a step, and the note they leave in the audit log.
#[derive(Debug, Clone, Copy)]
pub(super) struct Who {
    pub operator: &'static str,
    pub note: Option<&'static str>,
}

impl Who {
    pub fn new(operator: &'static str) -> Who {
        Who { operator, note: None }
    }

    pub fn noting(self, note: &'static str) -> Who {
        Who { note: Some(note), ..self }
    }

    fn ctx(self, at: Timestamp) -> Ctx<'static> {
        Ctx { operator: self.operator, now: at, note: self.note }
    }
}

/// Simulated time: steps never go backwards and never pass the present.
#[derive(Debug, Clone, Copy)]
struct Cursor {
    last: Timestamp,
    now: Timestamp,
}

impl Cursor {
    fn advance(&mut self, at: Timestamp) -> Result<(), String> {
        if at < self.last {
            return Err(format!("time runs backwards (the previous step was at {})", self.last));
        }
        if at > self.now {
            return Err(format!("the step is after the present ({})", self.now));
        }
        self.last = at;
        Ok(())
    }
}

/// Validated job fields, built from `(field, value)` pairs.
pub(super) fn fields(pairs: &[(Field, &str)]) -> Result<Vec<FieldSet>, String> {
    pairs.iter().map(|(field, value)| field.validate(value)).collect()
}

/// A job being driven through its life.
#[derive(Debug)]
pub(super) struct Run {
    job: Job,
    events: Vec<Event>,
    cursor: Cursor,
}

impl Run {
    /// Put Job (J1) at `at`.
    pub fn create(
        name: &str,
        job_type: JobType,
        drive_ids: &[String],
        fields: &[FieldSet],
        who: Who,
        at: Timestamp,
        now: Timestamp,
    ) -> Result<Run, ScriptError> {
        let fail = |problem: String| ScriptError::new(name, at, "create", problem);
        let mut cursor = Cursor { last: at, now };
        cursor.advance(at).map_err(fail)?;
        let change = create::create_job(name, job_type, drive_ids, fields, &who.ctx(at))
            .map_err(|r| fail(r.to_string()))?;
        Ok(Run { job: change.job, events: change.events, cursor })
    }

    /// Room for the events the job's life will record, so the history grows without copying.
    pub fn expect_events(&mut self, count: usize) {
        self.events.reserve(count);
    }

    pub fn job(&self) -> &Job {
        &self.job
    }

    /// When the last step happened.
    pub fn last(&self) -> Timestamp {
        self.cursor.last
    }

    pub fn now(&self) -> Timestamp {
        self.cursor.now
    }

    pub fn act(&mut self, at: Timestamp, who: Who, action: JobAction) -> Result<(), ScriptError> {
        self.decide(at, who, Request::Job(action))
    }

    pub fn act_on_drive(
        &mut self,
        at: Timestamp,
        who: Who,
        drive_id: &str,
        action: DriveAction,
    ) -> Result<(), ScriptError> {
        let request = Request::Drive { drive_id: drive_id.to_string(), action };
        self.decide(at, who, request)
    }

    fn decide(&mut self, at: Timestamp, who: Who, request: Request) -> Result<(), ScriptError> {
        // Described only on failure: formatting every step would cost more than deciding it.
        let step = || format!("{request:?}");
        self.cursor.advance(at).map_err(|problem| self.error(at, &step(), &problem))?;
        let change =
            decide::decide(&self.job, &request, &who.ctx(at)).map_err(|r| self.refused(at, &step(), &r))?;
        self.job = change.job;
        self.events.extend(change.events);
        Ok(())
    }

    /// A package for this job arrives and its drives are received (D1, D2, D4, D9).
    pub fn receive(&mut self, at: Timestamp, who: Who, package: &Package) -> Result<(), ScriptError> {
        match self.process(at, who, package)? {
            Outcome::Received(change) => {
                self.job = change.job;
                self.events.extend(change.events);
                Ok(())
            }
            Outcome::Held { .. } => Err(self.error(at, "receive", "the package was held (E1)")),
        }
    }

    /// A package for this job arrives too early and is held (E1, J16).
    pub fn hold(&mut self, at: Timestamp, who: Who, package: &Package) -> Result<ArrivalRun, ScriptError> {
        match self.process(at, who, package)? {
            Outcome::Held { arrival, event } => Ok(ArrivalRun {
                arrival,
                events: vec![event],
                cursor: Cursor { last: at, now: self.cursor.now },
            }),
            Outcome::Received(_) => Err(self.error(at, "hold", "the drives were received")),
        }
    }

    fn process(&mut self, at: Timestamp, who: Who, package: &Package) -> Result<Outcome, ScriptError> {
        self.tick(at, "arrival")?;
        arrival::process_arrival(Some(&self.job), package, &who.ctx(at))
            .map_err(|r| self.refused(at, "arrival", &r))
    }

    /// The sweep (C1, C3, C7) at `at`; the script calls it only where a clock has passed.
    pub fn sweep(&mut self, at: Timestamp) -> Result<(), ScriptError> {
        self.tick(at, "sweep")?;
        let change =
            sweep::sweep_job(&self.job, at).ok_or_else(|| self.error(at, "sweep", "no clock had passed"))?;
        self.job = change.job;
        self.events.extend(change.events);
        Ok(())
    }

    /// The final snapshot and its history.
    pub fn finish(self) -> (Job, Vec<Event>) {
        (self.job, self.events)
    }

    fn tick(&mut self, at: Timestamp, step: &str) -> Result<(), ScriptError> {
        self.cursor.advance(at).map_err(|problem| self.error(at, step, &problem))
    }

    fn refused(&self, at: Timestamp, step: &str, refusal: &Refusal) -> ScriptError {
        self.error(at, step, &refusal.to_string())
    }

    fn error(&self, at: Timestamp, step: &str, problem: &str) -> ScriptError {
        ScriptError::new(self.job.name.as_str(), at, step, problem)
    }
}

/// An arrival held under E1, with what operations did about it.
#[derive(Debug)]
pub(super) struct ArrivalRun {
    arrival: Arrival,
    events: Vec<Event>,
    cursor: Cursor,
}

impl ArrivalRun {
    /// A package that names no job, or a job that does not exist.
    pub fn hold(
        package: &Package,
        who: Who,
        at: Timestamp,
        now: Timestamp,
    ) -> Result<ArrivalRun, ScriptError> {
        let fail = |problem: String| ScriptError::new("arrival", at, "arrival", problem);
        let mut cursor = Cursor { last: at, now };
        cursor.advance(at).map_err(fail)?;
        match arrival::process_arrival(None, package, &who.ctx(at)) {
            Ok(Outcome::Held { arrival, event }) => Ok(ArrivalRun { arrival, events: vec![event], cursor }),
            Ok(Outcome::Received(_)) => Err(fail("the drives were received".into())),
            Err(refusal) => Err(fail(refusal.to_string())),
        }
    }

    pub fn recorded_at(&self) -> Timestamp {
        self.arrival.recorded_at
    }

    pub fn act(&mut self, at: Timestamp, who: Who, action: ArrivalAction) -> Result<(), ScriptError> {
        let fail = |problem: String| ScriptError::new("arrival", at, format!("{action:?}"), problem);
        self.cursor.advance(at).map_err(fail)?;
        let (arrival, event) =
            arrival::decide_arrival(&self.arrival, &action, &who.ctx(at)).map_err(|r| fail(r.to_string()))?;
        self.arrival = arrival;
        self.events.push(event);
        Ok(())
    }

    pub fn finish(self) -> (Arrival, Vec<Event>) {
        (self.arrival, self.events)
    }
}

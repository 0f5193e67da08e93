//! Operator actions on jobs, drives and held arrivals, one or many at once,
//! decided on what the write transaction reads and written by it: nobody can
//! change a job between the decision and the write, so drives of one job
//! received by two operators at once both go through (S7 stays for what truly
//! conflicts: the same drive, decided again, is refused by its rule).

use crate::domain::arrival::decide_arrival;
use crate::domain::{
    Arrival, ArrivalAction, Change, Ctx, DriveAction, Event, Job, JobAction, Refusal, Request, Rule, decide,
};
use crate::store::{Store, StoreError, Writer};

use super::{OpError, write};

/// What an operator asks for, by name: the snapshot is read when it is decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ask {
    Job { job: String, action: JobAction },
    Drive { job: String, drive_id: String, action: DriveAction },
    Arrival { id: i64, action: ArrivalAction },
}

impl Ask {
    /// `JOB`, `JOB/DRIVE` or `arrival:ID`.
    pub fn subject(&self) -> String {
        match self {
            Ask::Job { job, .. } => job.clone(),
            Ask::Drive { job, drive_id, .. } => format!("{job}/{drive_id}"),
            Ask::Arrival { id, .. } => format!("arrival:{id}"),
        }
    }
}

/// What a set of asks decides: the jobs' changes (the asks on one job folded
/// into one change, in the order asked) and the arrivals' (S6: all of it is
/// written in one transaction, or none).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Decided {
    pub changes: Vec<Change>,
    pub arrivals: Vec<(Arrival, Event)>,
}

/// One state change of a decision, as the confirmation showed it: (subject,
/// from, to, rule). Details and times are left out: they name `now`, which
/// moves between a confirmation and its write.
pub type Step = (String, String, String, Rule);

impl Decided {
    /// Every audit event with the subject it is about (`JOB`, `JOB/DRIVE`, `arrival:ID`).
    pub fn events(&self) -> Vec<(String, &Event)> {
        let jobs = self.changes.iter().flat_map(|c| {
            c.events.iter().map(move |e| match &e.drive_id {
                Some(d) => (format!("{}/{d}", c.job.name), e),
                None => (c.job.name.clone(), e),
            })
        });
        let arrivals =
            self.arrivals.iter().map(|(a, e)| (format!("arrival:{}", a.id.unwrap_or_default()), e));
        jobs.chain(arrivals).collect()
    }

    pub fn steps(&self) -> Vec<Step> {
        self.events()
            .into_iter()
            .map(|(subject, e)| (subject, e.from_state.clone(), e.to_state.clone(), e.rule))
            .collect()
    }
}

/// Where asks read the jobs and arrivals they decide on.
trait Source {
    fn job(&self, name: &str) -> Result<Option<Job>, StoreError>;
    fn arrival(&self, id: i64) -> Result<Option<Arrival>, StoreError>;
}

impl Source for Store {
    fn job(&self, name: &str) -> Result<Option<Job>, StoreError> {
        Store::job(self, name)
    }
    fn arrival(&self, id: i64) -> Result<Option<Arrival>, StoreError> {
        Store::arrival(self, id)
    }
}

impl Source for Writer<'_> {
    fn job(&self, name: &str) -> Result<Option<Job>, StoreError> {
        Writer::job(self, name)
    }
    fn arrival(&self, id: i64) -> Result<Option<Arrival>, StoreError> {
        Writer::arrival(self, id)
    }
}

/// Decides every ask on what `source` holds now, each on the job as the
/// asks before it left it.
fn decide_all(source: &impl Source, asks: &[Ask], ctx: &Ctx) -> Result<Decided, OpError> {
    let mut decided = Decided::default();
    for ask in asks {
        let (name, request) = match ask {
            Ask::Arrival { id, action } => {
                let arrival = source.arrival(*id)?.ok_or_else(|| missing(ask))?;
                decided.arrivals.push(decide_arrival(&arrival, action, ctx).map_err(|r| refused(ask, r))?);
                continue;
            }
            Ask::Job { job, action } => (job, Request::Job(action.clone())),
            Ask::Drive { job, drive_id, action } => {
                (job, Request::Drive { drive_id: drive_id.clone(), action: action.clone() })
            }
        };
        let position = decided.changes.iter().position(|c| &c.job.name == name);
        let current = match position {
            Some(p) => decided.changes[p].job.clone(),
            None => source.job(name)?.ok_or_else(|| missing(ask))?,
        };
        let change = decide(&current, &request, ctx).map_err(|r| refused(ask, r))?;
        match position {
            Some(p) => {
                decided.changes[p].events.extend(change.events);
                decided.changes[p].job = change.job;
            }
            None => decided.changes.push(change),
        }
    }
    Ok(decided)
}

/// The refusal, naming the target when several were asked at once.
fn refused(ask: &Ask, refusal: Refusal) -> OpError {
    OpError::Refused(Refusal { message: format!("{}: {}", ask.subject(), refusal.message), ..refusal })
}

fn missing(ask: &Ask) -> OpError {
    OpError::Store(StoreError::NotFound { what: ask.subject() })
}

/// What the asks would do now, written nowhere (for a confirmation).
pub fn preview(store: &Store, asks: &[Ask], ctx: &Ctx) -> Result<Decided, OpError> {
    decide_all(store, asks, ctx)
}

/// Jobs and arrivals a caller holds in memory (the console's display cache).
struct Held<J, A>(J, A);

impl<J: Fn(&str) -> Option<Job>, A: Fn(i64) -> Option<Arrival>> Source for Held<J, A> {
    fn job(&self, name: &str) -> Result<Option<Job>, StoreError> {
        Ok((self.0)(name))
    }
    fn arrival(&self, id: i64) -> Result<Option<Arrival>, StoreError> {
        Ok((self.1)(id))
    }
}

/// As `preview`, on what a caller holds: for showing a plan at once. `None`
/// when something asked for is not held (then `preview` reads the store). The
/// write decides again on the store, whatever this said.
pub fn preview_on(
    asks: &[Ask],
    ctx: &Ctx,
    job: impl Fn(&str) -> Option<Job>,
    arrival: impl Fn(i64) -> Option<Arrival>,
) -> Option<Result<Decided, Refusal>> {
    match decide_all(&Held(job, arrival), asks, ctx) {
        Ok(decided) => Some(Ok(decided)),
        Err(OpError::Refused(r)) => Some(Err(r)),
        Err(_) => None,
    }
}

/// Decides the asks inside one write transaction and writes them with their
/// events. With `expected` (the steps a confirmation showed), nothing is
/// written if the decision now differs: `OpError::Changed` carries the new
/// one, for the operator to confirm again.
pub fn act(
    store: &mut Store,
    asks: &[Ask],
    ctx: &Ctx,
    expected: Option<&[Step]>,
) -> Result<Decided, OpError> {
    write(store, |w| {
        let decided = decide_all(w, asks, ctx)?;
        if expected.is_some_and(|steps| steps != decided.steps()) {
            return Err(OpError::Changed(Box::new(decided)));
        }
        for change in &decided.changes {
            w.apply(change)?;
        }
        for (arrival, event) in &decided.arrivals {
            w.apply_arrival(arrival, std::slice::from_ref(event))?;
        }
        Ok(decided)
    })
}

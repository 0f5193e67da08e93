//! What a decision produces: the new snapshot and the audit events that
//! explain it (S6), or a refusal that names the rule (and writes nothing).

use std::fmt;

use super::model::{Job, Timestamp};
use super::rule::Rule;

/// Who acts, when, and why — passed in, never read from the environment.
#[derive(Debug, Clone, Copy)]
pub struct Ctx<'a> {
    pub operator: &'a str,
    pub now: Timestamp,
    /// The operator's free-text note for the audit log.
    pub note: Option<&'a str>,
}

/// The operator recorded for sweeps (C1, C3, C7).
pub const SYSTEM_OPERATOR: &str = "system";

/// One line of the audit log, before it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub at: Timestamp,
    pub operator: String,
    /// `None` for an event about the job itself.
    pub drive_id: Option<String>,
    /// The action name, or the consequence that fired (`consequence`).
    pub action: String,
    pub from_state: String,
    pub to_state: String,
    pub rule: Rule,
    /// What changed besides the state, in words.
    pub detail: Option<String>,
    pub note: Option<String>,
}

/// A decided change to one job and its drives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The job as it is after the change; its `version` is still the one read,
    /// so the store can refuse a stale write (S7).
    pub job: Job,
    pub events: Vec<Event>,
}

/// The rules said no. Nothing was changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub rule: Rule,
    /// What is wrong and how to fix it, in one sentence.
    pub message: String,
}

impl Refusal {
    pub fn new(rule: Rule, message: impl Into<String>) -> Refusal {
        Refusal { rule, message: message.into() }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "refused by {}: {}", self.rule, self.message)
    }
}

impl std::error::Error for Refusal {}

/// Collects the events of one decision so each records the same who and when.
pub(crate) struct Recorder<'a> {
    ctx: Ctx<'a>,
    pub events: Vec<Event>,
}

impl<'a> Recorder<'a> {
    pub fn new(ctx: Ctx<'a>) -> Recorder<'a> {
        Recorder { ctx, events: Vec::new() }
    }

    pub fn now(&self) -> Timestamp {
        self.ctx.now
    }

    /// Records one event. The operator's note goes on the first event only:
    /// consequences that follow are explained by their rule.
    pub fn record(
        &mut self,
        drive_id: Option<&str>,
        action: &str,
        from: impl ToString,
        to: impl ToString,
        rule: Rule,
        detail: Option<String>,
    ) {
        let note = if self.events.is_empty() { self.ctx.note.map(str::to_string) } else { None };
        self.events.push(Event {
            at: self.ctx.now,
            operator: self.ctx.operator.to_string(),
            drive_id: drive_id.map(str::to_string),
            action: action.to_string(),
            from_state: from.to_string(),
            to_state: to.to_string(),
            rule,
            detail,
            note,
        });
    }
}

//! The rules of SPEC.md as pure code: states, actions, clocks and the
//! decisions they lead to. Nothing here reads a clock, a file or a database.

pub mod action;
pub mod arrival;
pub mod attention;
pub mod change;
pub mod clock;
pub mod create;
pub mod decide;
pub mod field;
pub mod model;
pub mod rule;
pub mod source;
pub mod state;
pub mod sweep;

pub use action::{Action, ActionKind, ArrivalAction, DriveAction, JobAction, TargetKind};
pub use change::{Change, Ctx, Event, Refusal, SYSTEM_OPERATOR};
pub use decide::{Allowed, Request, decide, valid_actions};
pub use model::{Arrival, Drive, Job, Timestamp};
pub use rule::Rule;
pub use state::{ArrivalStatus, DriveState, JobState, JobType};

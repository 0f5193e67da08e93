//! Everything that can happen to the console: keys (after the keymap),
//! ticks, data from the worker, results of writes.

use crate::domain::Timestamp;
use crate::store::AuditRecord;

use super::model::{Snapshot, View};

/// What a key asks for; the keymap is the only place keys become these.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Quit,
    NextView,
    PrevView,
    ShowView(View),
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    ToggleDetail,
    OpenActions,
    ToggleMark,
    ClearMarks,
    BulkReceive,
    BulkShipBack,
    StartFilter,
    StartCommand,
    ToggleHelp,
    SortNext,
    SortReverse,
    Back,
    Select,
    Confirm,
    NextField,
    PrevField,
    /// `:sweep`: apply C1, C3 and C7 now.
    Sweep,
}

impl Command {
    /// Commands that lead to a write. Read-only mode refuses exactly these, here.
    pub fn writes(self) -> bool {
        matches!(self, Command::OpenActions | Command::BulkReceive | Command::BulkShipBack | Command::Sweep)
    }
}

#[derive(Debug)]
pub enum Msg {
    Command(Command),
    /// A key typed into the focused text input (filter, command line, form field).
    Edit(crossterm::event::KeyEvent),
    /// Time passed: countdowns tick.
    Tick(Timestamp),
    /// The worker read the database.
    Loaded(Box<Snapshot>),
    /// The history of the job in the detail pane.
    History {
        job_id: i64,
        events: Vec<AuditRecord>,
    },
    /// A write finished: a summary for the status line, or why it failed.
    Written(Result<String, WriteFailure>),
    /// Reading the database failed.
    LoadFailed(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteFailure {
    pub message: String,
    /// S7: someone else changed it; the view reloads.
    pub stale: bool,
}

//! Everything that can happen to the console: keys (after the keymap),
//! ticks, data from the worker, results of writes.

use crate::domain::{Job, Timestamp};
use crate::store::AuditRecord;

use super::data::{Changed, DriveRow, JobRow, Overview};
use super::model::View;

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
    /// Scroll the detail pane (its own lines, not the table's rows).
    DetailDown,
    DetailUp,
    OpenActions,
    ToggleMark,
    ClearMarks,
    /// Mark every drive the Drives view shows (or unmark them, if all are).
    MarkAll,
    /// Mark the selected drive and move down / up: a range.
    MarkDown,
    MarkUp,
    /// Go to what the selected row is about.
    GoTo,
    /// `:export PATH`: the path waits in `Model::export_path`.
    Export,
    /// Copy the selected row's id / tracking number to the clipboard.
    CopyId,
    CopyTracking,
    /// On the filter or command line: an earlier / a later line.
    HistoryBack,
    HistoryForward,
    /// On the command line: complete what is typed.
    Complete,
    BulkReceive,
    BulkShipBack,
    StartFilter,
    StartCommand,
    ToggleHelp,
    /// The rules the selected row cites.
    ShowRules,
    SortNext,
    SortReverse,
    Back,
    Select,
    Confirm,
    NextField,
    PrevField,
    /// `:sweep`: apply C1, C3 and C7 now.
    Sweep,
    /// `:import PATH`: the path waits in `Model::import_path`.
    Import,
    /// Receiving mode: record a package at the dock.
    Receive,
    /// In receiving mode: take back the last scan.
    RemoveScan,
}

impl Command {
    /// Commands that lead to a write. Read-only mode refuses exactly these, here.
    pub fn writes(self) -> bool {
        matches!(
            self,
            Command::OpenActions
                | Command::BulkReceive
                | Command::BulkShipBack
                | Command::Sweep
                | Command::Import
                | Command::Receive
                // A file written, and the clipboard: a wall screen writes
                // nothing anywhere, and a passer-by takes nothing away.
                | Command::Export
                | Command::CopyId
                | Command::CopyTracking
        )
    }
}

#[derive(Debug)]
pub enum Msg {
    Command(Command),
    /// A key typed into the focused text input (filter, command line, form field).
    Edit(crossterm::event::KeyEvent),
    /// A click or the wheel (unless `--no-mouse`).
    Mouse(crossterm::event::MouseEvent),
    /// The terminal's size (at start and on every resize).
    Resize(u16, u16),
    /// Time passed: countdowns tick.
    Tick(Timestamp),
    /// The first read: counts, the jobs that may need attention, arrivals, events.
    Overview(Box<Overview>),
    /// The full tables of active jobs and drives, and the jobs the attention queue needs.
    Rows {
        jobs: Vec<JobRow>,
        drives: Vec<DriveRow>,
        attention: Vec<Job>,
    },
    /// The archived jobs (S2).
    Archive(Vec<JobRow>),
    /// What changed since the last read (another process, or our own write).
    Changed(Box<Changed>),
    /// A job the operator opened, read in full.
    JobLoaded(Box<Job>),
    /// The history of the job in the detail pane.
    History {
        job_id: i64,
        events: Vec<AuditRecord>,
    },
    /// A write finished: a summary for the status line, or why it failed.
    Written(Result<String, WriteFailure>),
    /// `:export` wrote its file (what it wrote), or why not.
    Exported(Result<String, String>),
    /// An `:import` finished, was refused or was cancelled.
    Imported(Result<String, WriteFailure>),
    /// What an action would do, decided on the store (its job was not held
    /// here): the confirmation to show, or why it is refused.
    Previewed {
        title: String,
        result: Result<Confirmation, String>,
    },
    /// Reading the database failed.
    LoadFailed(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteFailure {
    pub message: String,
    /// S7: someone else changed it; the view reloads.
    pub stale: bool,
    /// The decision made at write time, when it differs from the confirmed
    /// one: shown for the operator to confirm again.
    pub replan: Option<Box<Confirmation>>,
}

/// A decision to confirm: its lines for people and the plan to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirmation {
    pub lines: Vec<String>,
    pub plan: super::model::Plan,
}

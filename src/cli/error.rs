//! Every way a command can fail, each with its documented exit code and a
//! one-line message that names what was wrong and how to fix it.

use std::fmt;
use std::process::ExitCode;

use crate::domain::Refusal;
use crate::store::StoreError;

/// The documented exit codes (README, `--help`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Done = 0,
    Other = 1,
    BadInput = 2,
    Refused = 3,
    StaleOrBusy = 4,
    ReadOnly = 5,
}

impl Exit {
    /// The code's name in a `--json` error, for scripts that branch on it.
    pub fn kind(self) -> &'static str {
        match self {
            Exit::Done => "done",
            Exit::Other => "other",
            Exit::BadInput => "bad-input",
            Exit::Refused => "refused",
            Exit::StaleOrBusy => "stale-or-busy",
            Exit::ReadOnly => "read-only",
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(e as u8)
    }
}

#[derive(Debug)]
pub enum CliError {
    /// Bad usage or bad input: nothing was attempted.
    BadInput(String),
    /// The rules refused the change.
    Refused(Refusal),
    Store(StoreError),
    /// A fault of ieops itself, not of the input.
    Internal(String),
    /// Output that could not be written (a full disk, a closed file): what
    /// was lost, and where.
    Output(String),
}

impl CliError {
    pub fn exit(&self) -> Exit {
        match self {
            CliError::BadInput(_) => Exit::BadInput,
            CliError::Refused(_) => Exit::Refused,
            CliError::Internal(_) | CliError::Output(_) => Exit::Other,
            CliError::Store(e) => match e {
                StoreError::Busy | StoreError::Stale { .. } => Exit::StaleOrBusy,
                StoreError::ReadOnly
                | StoreError::NotWritable { .. }
                | StoreError::ReadOnlyFileSystem { .. } => Exit::ReadOnly,
                StoreError::NameTaken { .. } | StoreError::ElsewhereAlready { .. } => Exit::Refused,
                StoreError::IsDirectory { .. }
                | StoreError::MissingDirectory { .. }
                | StoreError::NotADatabase { .. }
                | StoreError::Foreign { .. }
                | StoreError::NotARegularFile { .. }
                | StoreError::Missing { .. }
                | StoreError::TooNew { .. }
                | StoreError::NeedsMigration { .. }
                | StoreError::Empty { .. }
                | StoreError::SideFileIsDirectory { .. }
                | StoreError::NotFound { .. } => Exit::BadInput,
                _ => Exit::Other,
            },
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::BadInput(m) => f.write_str(m),
            CliError::Refused(r) => r.fmt(f),
            CliError::Store(e) => e.fmt(f),
            CliError::Internal(m) | CliError::Output(m) => f.write_str(m),
        }
    }
}

impl From<StoreError> for CliError {
    fn from(e: StoreError) -> CliError {
        CliError::Store(e)
    }
}

impl From<crate::ops::OpError> for CliError {
    fn from(e: crate::ops::OpError) -> CliError {
        match e {
            crate::ops::OpError::Refused(r) => CliError::Refused(r),
            crate::ops::OpError::Store(e) => CliError::Store(e),
            // The command line confirms nothing beforehand, so nothing can have changed since.
            changed @ crate::ops::OpError::Changed(_) => CliError::Internal(changed.to_string()),
            crate::ops::OpError::Unknown(what) => CliError::BadInput(what),
        }
    }
}

impl From<Refusal> for CliError {
    fn from(r: Refusal) -> CliError {
        CliError::Refused(r)
    }
}

pub fn bad(message: impl Into<String>) -> CliError {
    CliError::BadInput(message.into())
}

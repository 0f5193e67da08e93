//! What can go wrong with the database, in words an operator can act on:
//! each message names what is wrong and how to fix it, on one line.

use std::path::{Path, PathBuf};

use rusqlite::ErrorCode;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{} is a directory, not a database file: give a file path with --db", .path.display())]
    IsDirectory { path: PathBuf },

    #[error(
        "{} is not a regular file (a pipe, a device or a socket): a database is a file; choose another --db",
        .path.display()
    )]
    NotARegularFile { path: PathBuf },

    #[error("directory {} does not exist: create it or choose another --db", .path.display())]
    MissingDirectory { path: PathBuf },

    #[error("{} is not an ieops database (not SQLite, or damaged): choose another --db or restore a backup", shown(.path))]
    NotADatabase { path: PathBuf },

    /// Another application's SQLite file, left untouched (issue 14).
    #[error(
        "{} is another application's SQLite file ({what}), not an ieops database: it was left untouched; choose another --db",
        .path.display()
    )]
    Foreign { path: PathBuf, what: String },

    #[error("{} does not exist: run `ieops init` to create it, or check --db", .path.display())]
    Missing { path: PathBuf },

    #[error("{}: schema version {found} is newer than this ieops supports ({supported}); upgrade ieops", .path.display())]
    TooNew { path: PathBuf, found: i64, supported: i64 },

    #[error(
        "the database has schema version {found}, this ieops needs {supported}: run `ieops init` to upgrade it (a read-only opening never changes the file)"
    )]
    NeedsMigration { found: i64, supported: i64 },

    /// An empty file where a database was expected: said as such, not as an
    /// old schema (issue 14).
    #[error("{} is empty, not yet a database: run `ieops init` to make it one", .path.display())]
    Empty { path: PathBuf },

    /// The file system is mounted read-only: nothing can be written however
    /// the file's permissions read (issue 14).
    #[error("{} is on a read-only file system: nothing can be written there; use --read-only to look, or remount it", .path.display())]
    ReadOnlyFileSystem { path: PathBuf },

    /// A side file SQLite needs (`-wal`, `-shm`) is a directory (issue 14).
    #[error("{} is a directory: SQLite keeps a file of that name beside the database; remove or rename it", .path.display())]
    SideFileIsDirectory { path: PathBuf },

    #[error("the database is open read-only (--read-only): nothing was written")]
    ReadOnly,

    /// The user may read the file but not write it (or its directory).
    #[error("{} is not writable by you (file or directory permissions): nothing was written; use --read-only to look", .path.display())]
    NotWritable { path: PathBuf },

    #[error("the database is locked by another writer; nothing was written — try again")]
    Busy,

    /// S7: the item changed between the read and this write.
    #[error(
        "{what} changed since you read it: {by} ran {action} at {at}; nothing was written — look again and retry"
    )]
    Stale { what: String, by: String, at: String, action: String },

    #[error("an active job is already named {name}: choose another name")]
    NameTaken { name: String },

    #[error("{what} was not found: check the name or id")]
    NotFound { what: String },

    /// S8, checked on what the transaction reads, whichever path wrote: a
    /// drive received into one job while it is physically somewhere else.
    #[error("drive {drive} is already {place}: one physical drive is in one place (S8); nothing was written")]
    ElsewhereAlready { drive: String, place: String },

    /// A stored value that cannot be read back (edited outside ieops, or damaged).
    #[error(
        "a stored value cannot be read ({what}): the database was changed outside ieops — fix that row or restore a backup"
    )]
    Corrupt { what: String },

    /// Anything else; the text is already meant for people.
    #[error("{0}")]
    Sqlite(String),
}

impl StoreError {
    /// Maps SQLite's result codes to the errors an operator can act on.
    pub fn from_sqlite(err: rusqlite::Error) -> StoreError {
        use rusqlite::Error as E;
        match &err {
            // Values of the wrong type or range can only come from outside ieops.
            E::InvalidColumnType(..)
            | E::FromSqlConversionFailure(..)
            | E::IntegralValueOutOfRange(..)
            | E::Utf8Error(..) => {
                return StoreError::Corrupt { what: err.to_string() };
            }
            _ => {}
        }
        match err.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => StoreError::Busy,
            Some(ErrorCode::ReadOnly) => StoreError::ReadOnly,
            Some(ErrorCode::NotADatabase) => StoreError::NotADatabase { path: PathBuf::new() },
            _ => StoreError::Sqlite(format!("database error: {err}")),
        }
    }

    /// Fills in the path of a `NotADatabase` raised where it was not known.
    pub(super) fn at_path(self, path: &Path) -> StoreError {
        match self {
            StoreError::NotADatabase { path: p } if p.as_os_str().is_empty() => {
                StoreError::NotADatabase { path: path.to_path_buf() }
            }
            other => other,
        }
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(err: rusqlite::Error) -> StoreError {
        StoreError::from_sqlite(err)
    }
}

/// `NotADatabase` may come from deep inside SQLite, where the path is unknown.
fn shown(path: &Path) -> String {
    if path.as_os_str().is_empty() { "the database file".to_string() } else { path.display().to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_one_line_and_say_what_to_do() {
        let stale = StoreError::Stale {
            what: "job j1".into(),
            by: "ana".into(),
            at: "2026-11-22 14:30 UTC".into(),
            action: "receive".into(),
        };
        assert_eq!(
            stale.to_string(),
            "job j1 changed since you read it: ana ran receive at 2026-11-22 14:30 UTC; nothing was written — look again and retry"
        );
        let missing = StoreError::MissingDirectory { path: "/no/such".into() };
        assert_eq!(
            missing.to_string(),
            "directory /no/such does not exist: create it or choose another --db"
        );
        let unknown = StoreError::NotADatabase { path: PathBuf::new() };
        assert!(unknown.to_string().starts_with("the database file is not"));
        assert!(unknown.at_path(Path::new("/x.db")).to_string().starts_with("/x.db is not"));
    }

    #[test]
    fn sqlite_codes_map_to_what_an_operator_can_do() {
        use rusqlite::ffi;
        let failure = |code| rusqlite::Error::SqliteFailure(ffi::Error::new(code), None);
        assert!(matches!(StoreError::from_sqlite(failure(ffi::SQLITE_BUSY)), StoreError::Busy));
        assert!(matches!(StoreError::from_sqlite(failure(ffi::SQLITE_LOCKED)), StoreError::Busy));
        assert!(matches!(StoreError::from_sqlite(failure(ffi::SQLITE_READONLY)), StoreError::ReadOnly));
        assert!(matches!(
            StoreError::from_sqlite(failure(ffi::SQLITE_NOTADB)),
            StoreError::NotADatabase { .. }
        ));
        assert!(matches!(StoreError::from_sqlite(failure(ffi::SQLITE_FULL)), StoreError::Sqlite(_)));
        let wrong_type = rusqlite::Error::InvalidColumnType(0, "x".into(), rusqlite::types::Type::Blob);
        assert!(matches!(StoreError::from_sqlite(wrong_type), StoreError::Corrupt { .. }));
    }
}

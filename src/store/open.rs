//! Opening the database file: where it may be, how it is created (mode 0600,
//! never a directory), the pragmas every connection gets, and the schema
//! version check. Every problem surfaces here, at open, not on a later read.

use std::ffi::OsString;
use std::fs::{self, OpenOptions};
use std::io::ErrorKind;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rusqlite::{Connection, ErrorCode, OpenFlags};

use super::Writer;
use super::error::StoreError;
use super::schema;
use super::{Access, Store};

/// What [`Store::data_version`] returns: it changes when another connection
/// commits, or when a reader of a private copy moves to another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DataVersion {
    generation: u64,
    sqlite: i64,
}

/// `PRAGMA application_id` of an ieops database ("IEOP"): set when the file
/// is created, checked before anything is written to a file, so another
/// application's SQLite file is never touched (issue 14).
pub(super) const APPLICATION_ID: i64 = 0x4945_4F50;

/// How long a connection waits for another process's lock before `Busy`.
const BUSY_TIMEOUT: Duration = Duration::from_millis(5000);

/// Enough for every distinct statement the store prepares, so none is re-prepared.
const STATEMENT_CACHE: usize = 64;

/// Page cache limits (KiB): every connection's; a long-lived scanning
/// reader's (`Store::trim_cache`); a bulk load's, which holds the indexes
/// it builds.
const CACHE_KIB: i64 = 32 * 1024;
const SCAN_CACHE_KIB: i64 = 4 * 1024;
const BULK_CACHE_KIB: i64 = 256 * 1024;

impl Store {
    /// Opens (ReadWrite: creates and migrates) the database at `path`.
    pub fn open(path: &Path, access: Access) -> Result<Store, StoreError> {
        prepare_file(path, access)?;
        let (conn, snapshot) = match access {
            Access::ReadWrite => (open_read_write(path)?, None),
            Access::ReadOnly => open_read_only(path)?,
        };
        Ok(Store { conn, access, path: path.to_path_buf(), snapshot, generation: 0 })
    }

    /// A migrated, writable database in memory (tests, dry runs).
    pub fn open_in_memory() -> Result<Store, StoreError> {
        let mut conn = Connection::open_in_memory()?;
        configure(&conn).map_err(StoreError::from_sqlite)?;
        schema::migrate(&mut conn)?;
        mark_as_ours(&conn)?;
        Ok(Store {
            conn,
            access: Access::ReadWrite,
            path: PathBuf::from(":memory:"),
            snapshot: None,
            generation: 0,
        })
    }

    /// Changes whenever another connection commits: the console polls it to
    /// know when to reload. A reader of a private copy (see [`Snapshot`])
    /// looks at the file here instead, and moves to what it finds.
    pub fn data_version(&mut self) -> Result<DataVersion, StoreError> {
        if let Some(snapshot) = self.snapshot.as_mut() {
            if let Some((conn, next)) = snapshot.follow(&self.path)? {
                self.conn = conn;
                self.snapshot = next;
                self.generation += 1;
            }
        }
        let sqlite = self.conn.query_row("PRAGMA data_version", [], |row| row.get(0))?;
        Ok(DataVersion { generation: self.generation, sqlite })
    }

    /// For a long-lived reader that scans (the console): a small page cache,
    /// and what the cache holds now given back, so memory stays with the rows.
    pub fn trim_cache(&self) -> Result<(), StoreError> {
        self.set_cache_kib(SCAN_CACHE_KIB)?;
        self.conn.execute_batch("PRAGMA shrink_memory")?;
        Ok(())
    }

    /// The page cache's limit in KiB.
    pub(super) fn cache_kib(&self) -> Result<i64, StoreError> {
        let size: i64 = self.conn.query_row("PRAGMA cache_size", [], |row| row.get(0))?;
        // Negative: KiB; positive: pages.
        Ok(if size < 0 {
            -size
        } else {
            size * self.conn.query_row("PRAGMA page_size", [], |row| row.get::<_, i64>(0))? / 1024
        })
    }

    /// Sets the page cache's limit; a lower one gives the pages above it back.
    pub(super) fn set_cache_kib(&self, kib: i64) -> Result<(), StoreError> {
        self.conn.execute_batch(&format!("PRAGMA cache_size = -{kib}"))?;
        Ok(())
    }

    /// Where SQLite keeps temporary files: statement journals, and sorts
    /// too big for the page cache.
    pub(super) fn set_temp_in_memory(&self, in_memory: bool) -> Result<(), StoreError> {
        let store = if in_memory { "MEMORY" } else { "DEFAULT" };
        self.conn.execute_batch(&format!("PRAGMA temp_store = {store}"))?;
        Ok(())
    }

    /// Copies committed pages from the WAL into the database file, as far as
    /// readers allow, without waiting for them (PASSIVE). Called when nothing
    /// is being committed: when a command ends, and by the console when idle.
    pub fn checkpoint(&self) -> Result<(), StoreError> {
        if !self.is_read_only() {
            self.conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))?;
        }
        Ok(())
    }

    /// Loads a large batch into an empty database in one transaction, written
    /// once: a rollback journal instead of the WAL (which would write every
    /// page twice, once more at checkpoint) and a page cache that holds the
    /// indexes being built. Still all or nothing; WAL is back afterwards.
    pub fn bulk_load<T>(
        &mut self,
        f: impl FnOnce(&mut Writer<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.set_cache_kib(BULK_CACHE_KIB)?;
        // Refused while another connection has the file open: then the WAL it is.
        let journal = self.conn.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get::<_, String>(0));
        // Secondary indexes are built once at the end, from sorted data, instead
        // of row by row; unique ones stay to check as rows come. All of it
        // inside the one transaction: DDL in SQLite is transactional.
        let result = self.write(|w| {
            let indexes = w.secondary_indexes()?;
            for (name, _) in &indexes {
                w.execute_batch(&format!("DROP INDEX \"{name}\""))?;
            }
            let value = f(w)?;
            for (_, sql) in &indexes {
                w.execute_batch(sql)?;
            }
            Ok(value)
        });
        if journal.is_ok() {
            self.conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0))?;
        }
        self.set_cache_kib(CACHE_KIB)?;
        result
    }
}

/// Checks the path and, for ReadWrite, creates a missing file with mode 0600
/// (the database holds customers' addresses and BitLocker keys). Directories
/// are never created: a mistyped --db should fail, not scatter files.
fn prepare_file(path: &Path, access: Access) -> Result<(), StoreError> {
    for suffix in ["-wal", "-shm"] {
        let side = side_file(path, suffix);
        if fs::metadata(&side).is_ok_and(|meta| meta.is_dir()) {
            return Err(StoreError::SideFileIsDirectory { path: side });
        }
    }
    match fs::metadata(path) {
        Ok(meta) if meta.is_dir() => {
            return Err(StoreError::IsDirectory { path: path.to_path_buf() });
        }
        // A FIFO, a device or a socket would block or never be a database (issue 14).
        Ok(meta) if !meta.is_file() => {
            return Err(StoreError::NotARegularFile { path: path.to_path_buf() });
        }
        Ok(_) if access == Access::ReadWrite => {
            // Said plainly, before SQLite's "unable to open database file".
            return match OpenOptions::new().write(true).open(path) {
                Err(e) if e.kind() == ErrorKind::ReadOnlyFilesystem => {
                    Err(StoreError::ReadOnlyFileSystem { path: path.to_path_buf() })
                }
                _ => Ok(()),
            };
        }
        Ok(_) => return Ok(()),
        Err(e) if e.kind() == ErrorKind::NotFound => {}
        Err(e) => {
            return Err(StoreError::Sqlite(format!(
                "cannot look at {}: {e}; check the path's permissions",
                path.display()
            )));
        }
    }
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if !parent.is_dir() {
        return Err(StoreError::MissingDirectory { path: parent.to_path_buf() });
    }
    if access == Access::ReadOnly {
        return Err(StoreError::Missing { path: path.to_path_buf() });
    }
    let created = OpenOptions::new().write(true).create_new(true).mode(0o600).open(path);
    match created {
        Ok(_) => Ok(()),
        // Another process created it first: fine, it is opened like any other.
        Err(e) if e.kind() == ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(StoreError::Sqlite(format!(
            "cannot create {}: {e}; check the directory's permissions or choose another --db",
            path.display()
        ))),
    }
}

fn open_read_write(path: &Path) -> Result<Connection, StoreError> {
    // No SQLITE_OPEN_CREATE: the file was created above with mode 0600.
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let mut conn = Connection::open_with_flags(path, flags).map_err(|e| cannot_open(e, path))?;
    let found = first_contact(&conn).map_err(|e| classify(e, path))?;
    let marked = found.application_id == APPLICATION_ID;
    // Checked before anything is written: a newer or foreign file is left as it is.
    check_version(found, path, Access::ReadWrite)?;
    // SQLite silently opens a file it may not write read-only.
    if conn.is_readonly("main")? {
        return Err(StoreError::NotWritable { path: path.to_path_buf() });
    }
    // WAL: readers and the writer do not block each other (several operators, S7).
    // The mode is kept in the file; the last connection to close removes -wal/-shm.
    wal_mode(&conn)?;
    conn.execute_batch("PRAGMA synchronous = FULL")?;
    // Checkpoints are taken off the commit path (see `Store::checkpoint`), so
    // no operator's action waits while the WAL is copied into the file.
    conn.execute_batch("PRAGMA wal_autocheckpoint = 0")?;
    schema::migrate(&mut conn)?;
    if !marked {
        mark_as_ours(&conn)?;
    }
    Ok(conn)
}

/// Turns the file to WAL. From a rollback journal (a new file, or `demo`'s
/// bulk load) that escalates a read lock to a write lock, which SQLite
/// refuses at once, without the busy handler, while another connection
/// writes: so it is retried here, for as long as any other lock is waited for.
fn wal_mode(conn: &Connection) -> Result<(), StoreError> {
    let started = Instant::now();
    loop {
        match conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get::<_, String>(0)) {
            Ok(_) => return Ok(()),
            Err(e)
                if e.sqlite_error_code() == Some(ErrorCode::DatabaseBusy)
                    && started.elapsed() < BUSY_TIMEOUT =>
            {
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(e) => return Err(e.into()),
        }
    }
}

/// A new file, or one ieops made before it marked its files, gets the mark.
fn mark_as_ours(conn: &Connection) -> Result<(), StoreError> {
    conn.execute_batch(&format!("PRAGMA application_id = {APPLICATION_ID}"))?;
    Ok(())
}

/// Opens with SQLITE_OPEN_READ_ONLY, beside the writers through their -shm
/// file. In a directory we may not write, with no writer around (so no
/// -shm), SQLite cannot create it and refuses to read: then a private copy
/// is read instead (see [`Snapshot`]).
fn open_read_only(path: &Path) -> Result<(Connection, Option<Snapshot>), StoreError> {
    let started = Instant::now();
    loop {
        if let Some(conn) = open_shared(path)? {
            return Ok((conn, None));
        }
        if let Some((conn, snapshot)) = Snapshot::take(path)? {
            return Ok((conn, Some(snapshot)));
        }
        // A writer between its commit and its close (its -shm going as the
        // reader came) is waited for, as a lock would be.
        if started.elapsed() >= BUSY_TIMEOUT {
            return Err(StoreError::Sqlite(cannot_follow(path)));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A read-only connection that shares the writers' -shm: None when SQLite
/// can neither use nor create it.
fn open_shared(path: &Path) -> Result<Option<Connection>, StoreError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).map_err(|e| cannot_open(e, path))?;
    match first_contact(&conn) {
        Ok(found) => {
            check_version(found, path, Access::ReadOnly)?;
            Ok(Some(conn))
        }
        Err(e) if lacks_shared_memory(&e) => Ok(None),
        Err(e) => Err(classify(e, path)),
    }
}

/// What a reader that cannot share the writers' -shm reads: a private copy
/// of the file (issue 14). Reading the file itself without locks (SQLite's
/// `immutable`) saw none of the other users' changes and, while a writer
/// checkpointed into it, pages of two versions ("malformed", a job in two
/// states). The copy is taken only while no -wal holds changes, and kept
/// only if the file did not change while it was copied; it is unlinked once
/// open, so nothing is left behind. [`Store::data_version`] looks at the
/// file: a -shm appearing (a writer) moves the reader beside the writers, a
/// changed file gets a new copy.
pub(super) struct Snapshot {
    mark: Mark,
    /// Since when the file has changed but could not be copied whole.
    stalled: Option<Instant>,
}

/// How long a changed file may stay impossible to copy (a writer's -wal
/// that this user cannot read beside it) before the reader says so.
const STALL: Duration = Duration::from_secs(5);

/// What changes when the file is written or replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Mark {
    dev: u64,
    ino: u64,
    len: u64,
    mtime: (i64, i64),
    ctime: (i64, i64),
}

impl Mark {
    fn of(path: &Path) -> Result<Mark, StoreError> {
        use std::os::unix::fs::MetadataExt;
        let meta = fs::metadata(path).map_err(|e| {
            StoreError::Sqlite(format!(
                "cannot look at {}: {e}; check the path's permissions",
                path.display()
            ))
        })?;
        Ok(Mark {
            dev: meta.dev(),
            ino: meta.ino(),
            len: meta.len(),
            mtime: (meta.mtime(), meta.mtime_nsec()),
            ctime: (meta.ctime(), meta.ctime_nsec()),
        })
    }
}

impl Snapshot {
    /// A copy of the whole file as one version; None while a writer has
    /// changes in -wal or the file changes as it is copied.
    fn take(path: &Path) -> Result<Option<(Connection, Snapshot)>, StoreError> {
        for _ in 0..3 {
            if wal_holds_changes(path) || side_file(path, "-journal").exists() {
                return Ok(None);
            }
            let mark = Mark::of(path)?;
            let private = |e: std::io::Error| {
                StoreError::Sqlite(format!(
                    "cannot copy {} to read it (its directory is not writable by you): {e}; \
                     set TMPDIR to a private writable directory",
                    path.display()
                ))
            };
            // tempfile's directory is 0700: the copy holds what the file holds.
            let dir = tempfile::tempdir().map_err(private)?;
            let copy = dir.path().join("snapshot.db");
            fs::copy(path, &copy).map_err(private)?;
            if Mark::of(path)? != mark || wal_holds_changes(path) {
                continue;
            }
            let conn = open_immutable(&copy)?;
            let found = first_contact(&conn).map_err(|e| classify(e, path))?;
            check_version(found, path, Access::ReadOnly)?;
            // `dir` goes here: the open connection keeps the unlinked copy.
            return Ok(Some((conn, Snapshot { mark, stalled: None })));
        }
        Ok(None)
    }

    /// Where the reader goes now: beside the writers if their -shm is there
    /// and usable, to a new copy if the file changed, nowhere (None) if
    /// nothing changed. A file that changed but cannot be copied whole keeps
    /// the current copy for a moment, then is an error that says why.
    fn follow(&mut self, path: &Path) -> Result<Option<(Connection, Option<Snapshot>)>, StoreError> {
        if side_file(path, "-shm").exists() {
            if let Some(conn) = open_shared(path)? {
                return Ok(Some((conn, None)));
            }
        }
        if Mark::of(path)? == self.mark && !wal_holds_changes(path) {
            return Ok(None);
        }
        if let Some((conn, next)) = Snapshot::take(path)? {
            return Ok(Some((conn, Some(next))));
        }
        let stalled = *self.stalled.get_or_insert_with(Instant::now);
        if stalled.elapsed() > STALL {
            return Err(StoreError::Sqlite(cannot_follow(path)));
        }
        Ok(None)
    }
}

/// Why a read-only reader cannot see the file's changes, the fix first: the
/// console shows it on one line.
fn cannot_follow(path: &Path) -> String {
    format!(
        "let readers write to the directory of {} (or open it once without --read-only): \
         its -wal holds changes that a reader who cannot create or open the -shm cannot read",
        path.display()
    )
}

fn open_immutable(path: &Path) -> Result<Connection, StoreError> {
    let uri = format!("file:{}?mode=ro&immutable=1", uri_path(path));
    let flags =
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
    Connection::open_with_flags(uri, flags).map_err(|e| cannot_open(e, path))
}

/// Configures a new connection and reads what the file says about itself.
/// Some pragmas already read the file, so both go through the same error
/// classification: a non-SQLite or truncated file fails here, at open,
/// rather than on a later read.
fn first_contact(conn: &Connection) -> Result<Found, rusqlite::Error> {
    configure(conn)?;
    probe(conn)
}

/// The pragmas every connection gets. The page cache (up to 32 MiB, default
/// 2 MiB) keeps full listings of ~100,000 jobs in memory; a write gets more
/// while it lasts (`WRITE_CACHE_KIB`).
fn configure(conn: &Connection) -> Result<(), rusqlite::Error> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.execute_batch(&format!("PRAGMA foreign_keys = ON; PRAGMA cache_size = -{CACHE_KIB}"))?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    Ok(())
}

/// What the file says about itself: its schema version, its application id,
/// its tables, and whether it carries the audit log's guard that every ieops
/// file has had since its first version. Reading the schema reads the header
/// and page 1.
struct Found {
    version: i64,
    application_id: i64,
    tables: Vec<String>,
    has_audit_guard: bool,
}

fn probe(conn: &Connection) -> Result<Found, rusqlite::Error> {
    let version = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    let application_id = conn.query_row("PRAGMA application_id", [], |row| row.get(0))?;
    let mut tables = Vec::new();
    let mut stmt = conn.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")?;
    for name in stmt.query_map([], |row| row.get::<_, String>(0))? {
        tables.push(name?);
    }
    let has_audit_guard = conn
        .query_row(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND name = 'audit_no_update'
               AND sql LIKE '%the audit log is append-only (S6)%'",
            [],
            |row| row.get::<_, i64>(0),
        )
        .map(|n| n > 0)?;
    Ok(Found { version, application_id, tables, has_audit_guard })
}

impl Found {
    /// An ieops file: marked as one, or made before files were marked (it
    /// has a schema version of ours and the audit log's guard), or new.
    fn is_ours(&self) -> bool {
        match self.application_id {
            APPLICATION_ID => true,
            0 if self.tables.is_empty() => self.version == 0,
            0 => (1..=schema::latest_version()).contains(&self.version) && self.has_audit_guard,
            _ => false,
        }
    }

    fn describe(&self) -> String {
        let tables = if self.tables.is_empty() {
            "no tables".to_string()
        } else {
            format!("tables {}", self.tables.join(", "))
        };
        format!("application_id {}, user_version {}, {tables}", self.application_id, self.version)
    }
}

fn check_version(found: Found, path: &Path, access: Access) -> Result<(), StoreError> {
    let supported = schema::latest_version();
    if found.application_id == APPLICATION_ID && found.version > supported {
        return Err(StoreError::TooNew { path: path.to_path_buf(), found: found.version, supported });
    }
    // Another program's SQLite file: leave it exactly as it is.
    if !found.is_ours() {
        return Err(StoreError::Foreign { path: path.to_path_buf(), what: found.describe() });
    }
    if access == Access::ReadOnly && found.version == 0 && found.tables.is_empty() {
        return Err(StoreError::Empty { path: path.to_path_buf() });
    }
    if access == Access::ReadOnly && found.version < supported {
        return Err(StoreError::NeedsMigration { found: found.version, supported });
    }
    Ok(())
}

/// Errors of the first read: a damaged or foreign file is "not a database".
fn classify(err: rusqlite::Error, path: &Path) -> StoreError {
    match err.sqlite_error_code() {
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => {
            StoreError::NotADatabase { path: path.to_path_buf() }
        }
        Some(ErrorCode::ReadOnly) => StoreError::NotWritable { path: path.to_path_buf() },
        _ => StoreError::from_sqlite(err).at_path(path),
    }
}

fn cannot_open(err: rusqlite::Error, path: &Path) -> StoreError {
    match err.sqlite_error_code() {
        Some(ErrorCode::CannotOpen) => StoreError::Sqlite(format!(
            "cannot open {}: check that you may read it (and write it, without --read-only)",
            path.display()
        )),
        _ => classify(err, path),
    }
}

/// SQLite could not create or use the -shm file of a WAL database: the
/// directory is not writable (READONLY_DIRECTORY, what SQLite 3.53 reports),
/// or the -shm exists but cannot be locked or set up.
fn lacks_shared_memory(err: &rusqlite::Error) -> bool {
    use rusqlite::ffi::{
        SQLITE_CANTOPEN, SQLITE_READONLY_CANTINIT, SQLITE_READONLY_CANTLOCK, SQLITE_READONLY_DIRECTORY,
    };
    match err {
        rusqlite::Error::SqliteFailure(e, _) => matches!(
            e.extended_code,
            SQLITE_READONLY_DIRECTORY | SQLITE_READONLY_CANTINIT | SQLITE_READONLY_CANTLOCK | SQLITE_CANTOPEN
        ),
        _ => false,
    }
}

fn wal_holds_changes(path: &Path) -> bool {
    fs::metadata(side_file(path, "-wal")).is_ok_and(|meta| meta.len() > 0)
}

/// `path` with `suffix` appended: the -wal, -shm and -journal SQLite keeps beside it.
fn side_file(path: &Path, suffix: &str) -> PathBuf {
    let mut side = OsString::from(path.as_os_str());
    side.push(suffix);
    PathBuf::from(side)
}

/// A path for a `file:` URI: bytes other than unreserved ones and `/` are
/// percent-encoded, so `?`, `#` and `%` in a file name stay part of it.
fn uri_path(path: &Path) -> String {
    let mut out = String::new();
    for &b in path.as_os_str().as_bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_has_a_large_cache_and_memory_temp_files_only_while_it_lasts() {
        let mut store = Store::open_in_memory().unwrap();
        store.trim_cache().unwrap();
        let temp_store =
            |store: &Store| store.conn.query_row("PRAGMA temp_store", [], |r| r.get::<_, i64>(0));
        let during = store.write(|w| w.conn_settings()).unwrap();
        assert_eq!(during, (crate::store::WRITE_CACHE_KIB, 2), "128 MiB, temp_store = MEMORY");
        assert_eq!(store.cache_kib().unwrap(), SCAN_CACHE_KIB, "the reader's limit is back");
        assert_eq!(temp_store(&store).unwrap(), 0, "temp_store = DEFAULT again");
        // Also after a write that failed.
        let failed = store.write(|_| Err::<(), _>(StoreError::ReadOnly));
        assert!(failed.is_err());
        assert_eq!(store.cache_kib().unwrap(), SCAN_CACHE_KIB);
        assert_eq!(temp_store(&store).unwrap(), 0);
    }

    #[test]
    fn uri_paths_escape_what_a_uri_would_read() {
        assert_eq!(uri_path(Path::new("/srv/ie ops/a?b#c%.db")), "/srv/ie%20ops/a%3Fb%23c%25.db");
    }
}

//! `import` and `export`: the service's REST JSON in and out. The mapping and
//! its decisions live in `crate::interop`; this only reads the file, prints,
//! and turns failures into exit codes (a bad document is bad input, exit 2).

use std::io::Write;
use std::path::Path;

use super::error::{CliError, bad};
use super::{Session, emit, target};
use crate::domain::Job;
use crate::interop::{
    ImportError, Secrets, import_bitlocker_keys, import_documents, job_response, list_response, read_capped,
};
use crate::store::JobFilter;
use crate::text::visible;

pub fn import(s: &mut Session, file: &str, limit: u64) -> Result<(), CliError> {
    let (source, text) = read_input(file, limit)?;
    let report = import_documents(&mut s.store, &source, &text, &s.operator, s.now).map_err(|e| match e {
        ImportError::Store(store) => CliError::Store(store),
        document => bad(visible(&document.to_string()).into_owned()),
    })?;
    emit(s, || serde_json::to_value(&report).unwrap_or_default(), || report.summary());
    Ok(())
}

/// `import --bitlocker-keys JOB FILE`: List BitLocker Keys' answer.
pub fn import_keys(s: &mut Session, job: &str, file: &str, limit: u64) -> Result<(), CliError> {
    let (source, text) = read_input(file, limit)?;
    let n = import_bitlocker_keys(&mut s.store, job, &source, &text, &s.operator, s.now).map_err(
        |e| match e {
            ImportError::Store(store) => CliError::Store(store),
            document => bad(visible(&document.to_string()).into_owned()),
        },
    )?;
    let job = visible(job).into_owned();
    emit(
        s,
        || serde_json::json!({"job": job, "keysAttached": n}),
        || format!("{n} BitLocker keys attached to the drives of {job}; they are never shown\n"),
    );
    Ok(())
}

/// The file's text, or standard input's for `-`, up to `limit` bytes; the
/// name errors will carry.
fn read_input(file: &str, limit: u64) -> Result<(String, String), CliError> {
    let (source, text) = if file == "-" {
        ("stdin".to_string(), read_capped(std::io::stdin().lock(), limit, "stdin"))
    } else {
        let shown = visible(file).into_owned();
        let text = std::fs::File::open(file)
            .map_err(|e| format!("cannot read {shown}: {e}"))
            .and_then(|f| read_capped(f, limit, &shown));
        (shown, text)
    };
    Ok((source, text.map_err(bad)?))
}

pub fn export(
    s: &Session,
    names: &[String],
    list: bool,
    include_secrets: bool,
    output: Option<&Path>,
) -> Result<(), CliError> {
    let secrets = if include_secrets { Secrets::Include } else { Secrets::Omit };
    let jobs: Vec<Job> = if names.is_empty() {
        if !list {
            return Err(bad("name the jobs to export, or give --list to export every active job"));
        }
        s.store.jobs(&JobFilter::default())?
    } else {
        names.iter().map(|n| target::job(&s.store, n)).collect::<Result<_, _>>()?
    };
    // Serialised straight from the wire types, so fields keep the service's order.
    let pretty = match (list, jobs.as_slice()) {
        (true, _) => serde_json::to_string_pretty(&list_response(&jobs, secrets)),
        (false, [job]) => serde_json::to_string_pretty(&job_response(job, secrets)),
        (false, _) => {
            return Err(bad(format!(
                "{} jobs named: give --list to write them as one list response",
                jobs.len()
            )));
        }
    }
    .map_err(|e| CliError::Internal(format!("the jobs could not be written as JSON: {e}")))?;
    let mut out = crate::text::json_safe(&pretty).into_owned();
    out.push('\n');
    match output {
        Some(path) => write_whole(path, out.as_bytes()),
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(out.as_bytes()).and_then(|()| stdout.flush()).map_err(|e| {
                CliError::Output(format!("cannot write the export to standard output: {e}; it is incomplete"))
            })
        }
    }
}

/// Writes `bytes` to `path` whole or not at all: a temporary file in the same
/// directory, synced to the disk, then renamed over `path`. A backup is never
/// half a file, and a failure leaves what was there before.
fn write_whole(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    let shown = visible(&path.display().to_string()).into_owned();
    let fail =
        |e: std::io::Error| CliError::Output(format!("cannot write {shown}: {e}; nothing was written there"));
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let mut file = tempfile::NamedTempFile::new_in(dir).map_err(fail)?;
    file.write_all(bytes).and_then(|()| file.as_file().sync_all()).map_err(fail)?;
    file.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}

//! How jobs and drives read for people, shared by the command line and the
//! console. Values are returned raw: each interface escapes untrusted text
//! where it writes it (`text::visible`).

use crate::domain::clock::{self, countdown};
use crate::domain::model::shown_raw;
use crate::domain::{Drive, DriveState, Job, JobState, Rule, Timestamp};

/// "1 change", "3 changes": a count with its noun, for people.
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}

pub fn stamp(t: Timestamp) -> String {
    t.format("%Y-%m-%d %H:%M").to_string()
}

pub fn opt_stamp(t: Option<Timestamp>) -> Option<String> {
    t.map(stamp)
}

/// The state, with the interrupted one for a `Faulted` job; a state the
/// service reported that the console does not know reads `unknown state: X`.
pub fn job_state_text(job: &Job) -> String {
    if let Some(raw) = &job.unknown_state {
        return format!("unknown state: {}", shown_raw(raw));
    }
    match job.faulted_from {
        Some(from) => format!("Faulted (from {from})"),
        None => job.state.to_string(),
    }
}

/// Import or Export; a job type the console does not know reads `unknown job type: X`.
pub fn job_type_text(job: &Job) -> String {
    match &job.unknown_job_type {
        Some(raw) => format!("unknown job type: {}", shown_raw(raw)),
        None => job.job_type.to_string(),
    }
}

pub fn drive_state_text(drive: &Drive) -> String {
    match drive.faulted_from {
        Some(from) => format!("Faulted (from {from})"),
        None => drive.state.to_string(),
    }
}

/// The deadline of a job, e.g. "C4 2d 4h overdue" (see
/// `attention::deadline_shown`): a passed clock the sweep acts on is not
/// called overdue, since no person is late.
pub fn next_deadline(job: &Job, now: Timestamp) -> String {
    deadline_text(crate::domain::attention::deadline_shown(job), now)
}

/// A job's running clocks for people, and whether each makes the job overdue:
/// "C4 2d 4h overdue → …" only for the deadline a person must act by
/// (`attention::person_deadline`); any other passed clock "C2 passed 10d 18h
/// ago → …", since nobody is late on it.
pub fn job_clock_lines(job: &Job, now: Timestamp) -> Vec<(String, bool)> {
    let clocks = clock::job_clocks(job);
    let person = crate::domain::attention::person_deadline_among(job, &clocks);
    clocks
        .iter()
        .map(|c| {
            let late = person == Some((c.rule, c.deadline)) && c.has_passed(now);
            let when = if c.has_passed(now) && !late {
                format!("passed {} ago", clock::human_span(now - c.deadline))
            } else {
                countdown(c.deadline, now)
            };
            (format!("{} {when} → {}", c.rule, c.then), late)
        })
        .collect()
}

pub fn deadline_text(deadline: Option<(Rule, Timestamp, bool)>, now: Timestamp) -> String {
    match deadline {
        None => String::new(),
        Some((rule, at, person)) if person || at > now => format!("{rule} {}", countdown(at, now)),
        Some((rule, _, _)) => format!("{rule} passed: the sweep acts"),
    }
}

pub fn flags(job: &Job) -> String {
    let mut flags = Vec::new();
    if job.cancel_requested {
        flags.push("cancelled".to_string());
    }
    let extras = job.drives.iter().filter(|d| d.extra).count();
    if extras > 0 {
        flags.push(format!("extra:{extras}"));
    }
    let faulted = job.drives.iter().filter(|d| d.state == DriveState::Faulted).count();
    if faulted > 0 {
        flags.push(format!("faulted-drives:{faulted}"));
    }
    if job.return_address_invalid {
        flags.push("bad-address".into());
    }
    if let Some(p) = job.return_problem {
        flags.push(format!("return-{}", p.as_str().to_lowercase()));
    }
    flags.join(" ")
}

/// Every field of a job, for `show`.
pub fn job_fields(job: &Job, now: Timestamp) -> Vec<(&'static str, String)> {
    let mut f = FieldList::default();
    f.add("name", Some(&job.name));
    f.add("type", Some(job_type_text(job)));
    f.add("state", Some(format!("{} since {}", job_state_text(job), stamp(job.state_since))));
    f.add("fault reason", job.fault_reason.as_ref());
    f.add(
        "import anomaly",
        job.import_anomaly.as_ref().map(|a| format!("{} ({}, {})", a.what, a.rule, stamp(a.at))),
    );
    let reported = job
        .reported_percent_complete
        .filter(|p| *p != job.percent_complete())
        .map(|p| format!(" (the service reports {p}%)"))
        .unwrap_or_default();
    f.add("percent complete", Some(format!("{}%{reported}", job.percent_complete())));
    f.add("archived", opt_stamp(job.archived_at));
    f.add("cancelled", job.cancel_requested.then_some("yes (S3)"));
    f.add("created", Some(stamp(job.created_at)));
    f.add("resource id", job.resource_id.as_ref());
    f.add("location", job.location.as_ref());
    f.add("provisioning state", job.provisioning_state.as_ref());
    f.add("tags", job.tags.as_ref().map(tags_text));
    f.add("storage account", job.storage_account_id.as_ref());
    f.add("log level", job.log_level.as_ref());
    f.add("diagnostics path", job.diagnostics_path.as_ref());
    f.add("backup drive manifest", job.backup_drive_manifest.map(|b| if b { "yes" } else { "no" }));
    f.add("customer note", job.customer_note.as_ref());
    if let Some(e) = &job.export {
        let list = e.blob_list.as_ref();
        f.add("export blobs", list.map(|l| l.blob_path.join(", ")));
        f.add("export prefixes", list.map(|l| l.blob_path_prefix.join(", ")));
        f.add("export blob list", e.blob_list_blob_path.as_ref());
    }
    f.add("incomplete blob list", job.incomplete_blob_list_uri.as_ref());
    if let Some(k) = &job.encryption_key {
        f.add(
            "encryption key",
            join(&[k.kek_type.clone(), k.kek_url.clone(), k.kek_vault_resource_id.clone()]),
        );
    }
    if let Some(i) = &job.identity {
        f.add("identity", join(&[i.identity_type.clone(), i.principal_id.clone(), i.tenant_id.clone()]));
    }
    if let Some(i) = &job.shipping_information {
        f.add(
            "ship drives to",
            join(&[
                i.recipient_name.clone(),
                i.street_address1.clone(),
                i.street_address2.clone(),
                i.city.clone(),
                i.state_or_province.clone(),
                i.postal_code.clone(),
                i.country_or_region.clone(),
                i.phone.clone(),
                i.additional_information.clone(),
            ]),
        );
    }
    if let Some(d) = &job.system_data {
        let by = |who: &Option<String>, kind: &Option<String>, at: &Option<String>| {
            let who = match (who, kind) {
                (Some(w), Some(k)) => Some(format!("{w} ({k})")),
                (w, k) => w.clone().or_else(|| k.clone()),
            };
            join(&[who, at.clone()])
        };
        f.add("service created", by(&d.created_by, &d.created_by_type, &d.created_at));
        f.add("service modified", by(&d.last_modified_by, &d.last_modified_by_type, &d.last_modified_at));
    }
    let p = &job.delivery_package;
    f.add(
        "delivery package",
        join(&[
            p.carrier_name.clone(),
            p.tracking_number.clone(),
            p.drive_count.map(|c| format!("{c} drives")),
            opt_stamp(p.ship_date),
        ]),
    );
    let a = &job.return_address;
    f.add(
        "return address",
        join(&[
            a.recipient_name.clone(),
            a.street_address1.clone(),
            a.street_address2.clone(),
            a.city.clone(),
            a.state_or_province.clone(),
            a.postal_code.clone(),
            a.country_or_region.clone(),
        ]),
    );
    f.add("return contact", join(&[a.phone.clone(), a.email.clone()]));
    f.add(
        "return address problem",
        job.return_address_problem().filter(|_| !matches!(job.effective_state(), JobState::Creating)),
    );
    let s = &job.return_shipping;
    f.add("return shipping", join(&[s.carrier_name.clone(), s.carrier_account_number.clone()]));
    let r = &job.return_package;
    f.add(
        "return package",
        join(&[
            r.carrier_name.clone(),
            r.tracking_number.clone(),
            r.drive_count.map(|c| format!("{c} drives")),
            opt_stamp(r.ship_date),
        ]),
    );
    let packages = job.return_packages();
    if packages.len() > 1 {
        let each: Vec<String> = packages
            .iter()
            .map(|(p, ids)| {
                let label =
                    join(&[p.carrier_name.clone(), p.tracking_number.clone(), opt_stamp(p.ship_date)]);
                format!("{} ({})", label.unwrap_or_default(), ids.join(", "))
            })
            .collect();
        f.add("return packages", Some(each.join("; ")));
    }
    f.add("return problem", job.return_problem.map(|p| format!("{p} (E3)")));
    f.add("customer notified", opt_stamp(job.notified_at));
    if let Some(c) = &job.last_contact {
        let outcome = if c.reached { "reached" } else { "unreachable" };
        f.add("last contact", Some(format!("{} by {} ({outcome})", stamp(c.at), c.via)));
    }
    let clocks: Vec<String> = job_clock_lines(job, now).into_iter().map(|(line, _)| line).collect();
    f.add("clocks", Some(clocks.join("; ")));
    f.add("version", Some(job.version.to_string()));
    f.0
}

/// `tags` as `key=value, …` when they are an object of strings, else their JSON.
fn tags_text(tags: &serde_json::Value) -> String {
    match tags {
        serde_json::Value::Object(map) => map
            .iter()
            .map(|(k, v)| match v {
                serde_json::Value::String(s) => format!("{k}={s}"),
                other => format!("{k}={other}"),
            })
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}

/// Every field of a drive, for the detail pane; its BitLocker key only as "on file".
pub fn drive_fields(drive: &Drive) -> Vec<(&'static str, String)> {
    let mut f = FieldList::default();
    f.add("drive", Some(&drive.drive_id));
    f.add("state", Some(format!("{} since {}", drive_state_text(drive), stamp(drive.state_since))));
    f.add("fault reason", drive.fault_reason.as_ref());
    f.add("extra", drive.extra.then_some("yes: not processed, shipped back with the job's drives (D9)"));
    f.add("percent complete", Some(format!("{}%", drive.percent_complete)));
    f.add("bytes succeeded", (drive.bytes_succeeded > 0).then(|| bytes_text(drive.bytes_succeeded)));
    f.add("copy status", drive.copy_status.as_ref());
    for message in &drive.messages {
        f.add("copy message", Some(format!("{}: {}", message.severity, message.text)));
    }
    f.add("received from", drive.received_from.map(|s| s.to_string()));
    f.add("late", drive.late_in_packaging.then_some("arrived while Packaging: not copied (S12)"));
    f.add("manifest file", drive.manifest_file.as_ref());
    f.add("manifest hash", drive.manifest_hash.as_ref());
    f.add("manifest blob", drive.manifest_uri.as_ref());
    f.add("header hash", drive.drive_header_hash.as_ref());
    f.add(
        "bitlocker key",
        drive.bit_locker_key.as_ref().map(|_| "on file (shown only by export --include-secrets)"),
    );
    f.add("error log", drive.error_log_uri.as_ref());
    f.add("verbose log", drive.verbose_log_uri.as_ref());
    f.add(
        "return package",
        drive
            .return_package
            .as_ref()
            .and_then(|p| join(&[p.carrier_name.clone(), p.tracking_number.clone(), opt_stamp(p.ship_date)])),
    );
    f.add("destroyed", opt_stamp(drive.destroyed_at).map(|at| format!("{at} (S11)")));
    f.add("recorded in error", opt_stamp(drive.voided_at).map(|at| format!("taken back {at} (P1)")));
    f.0
}

/// "1.5 TB (1500000000000 bytes)".
fn bytes_text(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    format!("{value:.1} {} ({bytes} bytes)", UNITS[unit])
}

fn join(parts: &[Option<String>]) -> Option<String> {
    let parts: Vec<&str> = parts.iter().flatten().map(String::as_str).filter(|s| !s.is_empty()).collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// Label/value pairs, leaving out empty values.
#[derive(Default)]
struct FieldList(Vec<(&'static str, String)>);

impl FieldList {
    fn add(&mut self, label: &'static str, value: Option<impl AsRef<str>>) {
        if let Some(v) = value.as_ref().map(AsRef::as_ref).filter(|v| !v.is_empty()) {
            self.0.push((label, v.to_string()));
        }
    }
}

/// When an attention item is due: a countdown, or its urgency in words.
pub fn attention_when(item: &crate::domain::attention::Item, now: Timestamp) -> String {
    use crate::domain::attention::Urgency;
    match (item.due, item.urgency) {
        (Some(due), _) => countdown(due, now),
        (None, Urgency::Overdue) => "overdue".into(),
        (None, Urgency::Faulted) => "faulted".into(),
        (None, Urgency::DueSoon) => "act soon".into(),
        (None, Urgency::Open) => "open".into(),
    }
}

/// What a drive row says besides its state: extra (D9), fault, copy messages, destroyed.
pub fn drive_notes(drive: &Drive) -> String {
    let mut notes = Vec::new();
    if drive.extra {
        notes.push("[extra D9]".to_string());
    }
    if let Some(reason) = &drive.fault_reason {
        notes.push(format!("fault: {reason}"));
    }
    notes.extend(drive.messages.iter().map(|m| format!("{}: {}", m.severity, m.text)));
    if drive.destroyed_at.is_some() {
        notes.push("destroyed (S11)".into());
    }
    if drive.voided_at.is_some() {
        notes.push("recorded in error, taken back (P1)".into());
    }
    if let Some(p) = &drive.return_package {
        let label = [&p.carrier_name, &p.tracking_number].into_iter().flatten().cloned().collect::<Vec<_>>();
        notes.push(format!("returned in {}", label.join(" ")));
    }
    notes.join("; ")
}

/// What an audit event is about: `arrival:ID`, `JOB/DRIVE` or `JOB`.
pub fn event_subject(e: &crate::store::AuditRecord) -> String {
    match (&e.job_name, &e.drive_id, e.arrival_id) {
        (_, _, Some(id)) => format!("arrival:{id}"),
        (Some(job), Some(drive), _) => format!("{job}/{drive}"),
        (Some(job), None, _) => job.clone(),
        (None, _, _) => "-".into(),
    }
}

/// An audit event's detail with the operator's note after it.
pub fn event_detail(e: &crate::store::AuditRecord) -> String {
    match (e.detail.as_deref().filter(|d| !d.is_empty()), &e.note) {
        (Some(detail), Some(note)) => format!("{detail}; note: {note}"),
        (Some(detail), None) => detail.to_string(),
        (None, Some(note)) => format!("note: {note}"),
        (None, None) => String::new(),
    }
}

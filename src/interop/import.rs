//! A JobResponse turned into the job it reports, and what importing it
//! decides against the job the database holds. Pure: `now` and the operator
//! come in through `Ctx`; the store is the caller's.
//!
//! The service is the truth for what it reports. An import never refuses a
//! reported state change: it applies it and records it in the audit log as
//! observed by the operator `import` (S6: every change is one transaction
//! with its audit events). The event names the rule of the documented
//! transition it matches (J4, J8…, D2…, S5 out of a fault), or S6 when none
//! does; then the jump is also stored on the job as an [`Anomaly`] naming the
//! rule that documents how the reported state is reached (J11 for
//! `Completed`), and the attention queue lists it.

use chrono::Duration;

use super::rest::{self, JobResponse};
use crate::domain::change::Recorder;
use crate::domain::clock::SHIPPING_DAYS;
use crate::domain::model::{
    Address, Anomaly, BlobList, EncryptionKey, ExportSpec, Identity, Package, ReturnShipping,
    ShippingInformation, SystemData, Wire,
};
use crate::domain::{Change, Ctx, Drive, DriveState, Job, JobState, JobType, Rule, Timestamp};

/// The operator recorded for what an import observed (S6).
pub const IMPORT_OPERATOR: &str = "import";

/// What importing one document does to the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// A job the database does not hold yet (its `id` is `None`).
    Create(Change),
    /// The stored job, changed as the service reports it.
    Update(Change),
    /// The document reports nothing new.
    Unchanged,
}

/// Importing `doc` over `existing` (the stored job it names, if any).
pub fn decide_import(existing: Option<&Job>, doc: &JobResponse, ctx: &Ctx) -> Decision {
    let reported = reported_job(doc, ctx.now);
    match existing {
        None => Decision::Create(create(reported, ctx)),
        Some(old) => update(old, doc, &reported, ctx),
    }
}

/// The job a document reports, with the console's bookkeeping fresh at `now`.
/// A job type or state the console does not know is kept verbatim beside a
/// placeholder no rule reads (see `Job::unrecognised`); a drive whose state
/// the document leaves out starts as D1 says (Specified, Received for export).
pub fn reported_job(doc: &JobResponse, now: Timestamp) -> Job {
    let p = &doc.properties;
    let mut job = Job::new(&doc.name, JobType::Import, now);
    match JobType::from_service(&p.job_type) {
        Some(t) => job.job_type = t,
        None => job.unknown_job_type = Some(p.job_type.clone()),
    }
    match JobState::from_service(&p.state) {
        Some(s) => job.state = s,
        None => job.unknown_state = Some(p.state.clone()),
    }
    job.resource_id = doc.id.clone();
    job.resource_type = doc.resource_type.clone();
    job.location = doc.location.clone();
    job.tags = doc.tags.clone();
    job.system_data = doc.system_data.as_ref().map(system_data);
    job.identity = doc.identity.as_ref().map(|i| Identity {
        identity_type: i.identity_type.clone(),
        principal_id: i.principal_id.clone(),
        tenant_id: i.tenant_id.clone(),
    });
    job.storage_account_id = p.storage_account_id.clone();
    job.log_level = p.log_level.clone();
    job.diagnostics_path = p.diagnostics_path.clone();
    job.backup_drive_manifest = p.backup_drive_manifest;
    job.cancel_requested = p.cancel_requested.unwrap_or(false);
    job.reported_percent_complete = p.percent_complete;
    job.provisioning_state = p.provisioning_state.clone();
    job.incomplete_blob_list_uri = p.incomplete_blob_list_uri.clone();
    job.return_address = p.return_address.as_ref().map(address).unwrap_or_default();
    job.return_shipping = p
        .return_shipping
        .as_ref()
        .map(|r| ReturnShipping {
            carrier_name: r.carrier_name.clone(),
            carrier_account_number: r.carrier_account_number.clone(),
        })
        .unwrap_or_default();
    job.shipping_information = p.shipping_information.as_ref().map(shipping_information);
    job.delivery_package = p.delivery_package.as_ref().map(package).unwrap_or_default();
    job.return_package = p.return_package.as_ref().map(package).unwrap_or_default();
    job.export = p.export.as_ref().map(|e| ExportSpec {
        blob_list: e.blob_list.as_ref().map(|l| BlobList {
            blob_path: l.blob_path.clone().unwrap_or_default(),
            blob_path_prefix: l.blob_path_prefix.clone().unwrap_or_default(),
        }),
        blob_list_blob_path: e.blob_list_blob_path.clone().or_else(|| e.blob_list_blob_path_2016.clone()),
    });
    job.wire = Some(wire(p));
    job.encryption_key = p.encryption_key.as_ref().map(|k| EncryptionKey {
        kek_type: k.kek_type.clone(),
        kek_url: k.kek_url.clone(),
        kek_vault_resource_id: k.kek_vault_resource_id.clone(),
    });
    // D1: an import job's drives start Specified, an export job's Received.
    let first = if job.job_type == JobType::Export && job.unknown_job_type.is_none() {
        DriveState::Received
    } else {
        DriveState::Specified
    };
    job.drives = p.drive_list.iter().flatten().map(|d| drive(d, first, now)).collect();
    job
}

/// What an export needs to write the document back as it came (issue 12).
fn wire(p: &rest::JobDetails) -> Wire {
    let mut absent = Vec::new();
    let mut left_out = |present: bool, field: &str| {
        if !present {
            absent.push(field.to_string());
        }
    };
    left_out(p.cancel_requested.is_some(), "cancelRequested");
    left_out(p.drive_list.is_some(), "driveList");
    let blob_list = p.export.as_ref().and_then(|e| e.blob_list.as_ref());
    left_out(blob_list.is_none_or(|l| l.blob_path.is_some()), "blobPath");
    left_out(blob_list.is_none_or(|l| l.blob_path_prefix.is_some()), "blobPathPrefix");
    let drives_absent = p
        .drive_list
        .iter()
        .flatten()
        .filter_map(|d| {
            let fields: Vec<String> = [
                (d.state.is_none(), "state"),
                (d.percent_complete.is_none(), "percentComplete"),
                (d.bytes_succeeded.is_none(), "bytesSucceeded"),
            ]
            .into_iter()
            .filter(|(missing, _)| *missing)
            .map(|(_, f)| f.to_string())
            .collect();
            (!fields.is_empty()).then(|| (d.drive_id.clone(), fields))
        })
        .collect();
    let text = |p: &Option<rest::PackageInformation>| p.as_ref()?.ship_date.as_ref().map(|d| d.text.clone());
    Wire {
        blob_list_2016: p
            .export
            .as_ref()
            .is_some_and(|e| e.blob_list_blob_path_2016.is_some() && e.blob_list_blob_path.is_none()),
        absent,
        drives_absent,
        delivery_ship_date: text(&p.delivery_package),
        return_ship_date: text(&p.return_package),
    }
}

fn drive(d: &rest::DriveStatus, first: DriveState, now: Timestamp) -> Drive {
    let mut drive = Drive::new(&d.drive_id, d.state.unwrap_or(first), now);
    copy_drive(&mut drive, d);
    drive
}

/// The drive's fields other than its state. A BitLocker key the document
/// leaves out is kept: Get Job does not return keys (listBitLockerKeys does).
fn copy_drive(drive: &mut Drive, d: &rest::DriveStatus) {
    if d.bit_locker_key.is_some() {
        drive.bit_locker_key = d.bit_locker_key.clone();
    }
    drive.manifest_file = d.manifest_file.clone();
    drive.manifest_hash = d.manifest_hash.clone();
    drive.drive_header_hash = d.drive_header_hash.clone();
    drive.copy_status = d.copy_status.clone();
    drive.percent_complete = d.percent_complete.unwrap_or(0);
    drive.verbose_log_uri = d.verbose_log_uri.clone();
    drive.error_log_uri = d.error_log_uri.clone();
    drive.manifest_uri = d.manifest_uri.clone();
    drive.bytes_succeeded = d.bytes_succeeded.unwrap_or(0);
}

fn address(a: &rest::ReturnAddress) -> Address {
    Address {
        recipient_name: a.recipient_name.clone(),
        street_address1: a.street_address1.clone(),
        street_address2: a.street_address2.clone(),
        city: a.city.clone(),
        state_or_province: a.state_or_province.clone(),
        postal_code: a.postal_code.clone(),
        country_or_region: a.country_or_region.clone(),
        phone: a.phone.clone(),
        email: a.email.clone(),
    }
}

fn shipping_information(s: &rest::ShippingInformation) -> ShippingInformation {
    ShippingInformation {
        recipient_name: s.recipient_name.clone(),
        street_address1: s.street_address1.clone(),
        street_address2: s.street_address2.clone(),
        city: s.city.clone(),
        state_or_province: s.state_or_province.clone(),
        postal_code: s.postal_code.clone(),
        country_or_region: s.country_or_region.clone(),
        phone: s.phone.clone(),
        additional_information: s.additional_information.clone(),
    }
}

fn package(p: &rest::PackageInformation) -> Package {
    Package {
        carrier_name: p.carrier_name.clone(),
        tracking_number: p.tracking_number.clone(),
        drive_count: p.drive_count,
        ship_date: p.ship_date.as_ref().map(|d| d.at),
    }
}

fn system_data(s: &rest::SystemData) -> SystemData {
    SystemData {
        created_by: s.created_by.clone(),
        created_by_type: s.created_by_type.clone(),
        created_at: s.created_at.clone(),
        last_modified_by: s.last_modified_by.clone(),
        last_modified_by_type: s.last_modified_by_type.clone(),
        last_modified_at: s.last_modified_at.clone(),
    }
}

/// The state as the service wrote it: verbatim when the console does not know it.
pub fn state_text(job: &Job) -> String {
    job.unknown_state.clone().unwrap_or_else(|| job.state.to_string())
}

/// The job type as the service wrote it.
pub fn type_text(job: &Job) -> String {
    job.unknown_job_type.clone().unwrap_or_else(|| job.job_type.to_string())
}

// ------------------------------------------------------------------ creating

fn create(mut job: Job, ctx: &Ctx) -> Change {
    if job.unknown_state.is_none() {
        match job.state {
            JobState::Shipping => start_shipping(&mut job, ctx.now),
            JobState::Faulted => {
                job.ever_faulted = true;
                job.fault_reason = Some(REPORTED_FAULTED.into());
            }
            _ => {}
        }
    }
    for d in job.drives.iter_mut().filter(|d| d.state == DriveState::Faulted) {
        d.fault_reason = Some(REPORTED_FAULTED.into());
    }
    if job.drives.iter().any(|d| d.state == DriveState::Faulted) {
        job.ever_faulted = true; // S1
    }
    let mut detail = format!("{} job as the service reports it", type_text(&job));
    if !job.drives.is_empty() {
        let drives: Vec<String> =
            job.drives.iter().map(|d| format!("{} ({})", d.drive_id, d.state)).collect();
        detail.push_str(&format!(", drives {}", drives.join(", ")));
    }
    if job.unrecognised().is_some() {
        detail.push_str("; no rule acts on it until a documented value is reported");
    }
    let mut rec = Recorder::new(*ctx);
    rec.record(None, "import", "-", state_text(&job), Rule::S6, Some(detail));
    Change { job, events: rec.events }
}

/// C2 and C3 run from when the package shipped, if the service says and it
/// is not in the future; else from now, when the console first sees it.
fn start_shipping(job: &mut Job, now: Timestamp) {
    let since = job.delivery_package.ship_date.filter(|d| *d <= now).unwrap_or(now);
    job.shipping_since = Some(since);
    job.wait_until = Some(since + Duration::days(SHIPPING_DAYS));
}

// ------------------------------------------------------------------ updating

/// The fault reason of a job or drive the service reports `Faulted` (J15).
const REPORTED_FAULTED: &str = "reported Faulted by the service";

/// The audit detail of a reported change that no documented transition explains.
const UNDOCUMENTED: &str =
    "as the service reports it, though no documented transition leads there: flagged in the attention queue";

/// A drive event waiting for the job's event to be recorded first.
struct DriveEvent {
    drive_id: String,
    from: String,
    to: String,
    rule: Rule,
    detail: Option<String>,
}

fn update(old: &Job, doc: &JobResponse, reported: &Job, ctx: &Ctx) -> Decision {
    let now = ctx.now;
    let mut next = old.clone();
    let mut changed: Vec<String> = Vec::new();
    let mut anomalies: Vec<(Rule, String)> = Vec::new();

    copy_fields(&mut next, reported, doc, &mut changed);

    // The job type: a free string; a known one never changes (J1).
    match &reported.unknown_job_type {
        Some(raw) if old.unknown_job_type.as_ref() != Some(raw) => {
            next.unknown_job_type = Some(raw.clone());
            changed.push("jobType".into());
        }
        Some(_) => {}
        None if old.unknown_job_type.is_some() || old.job_type != reported.job_type => {
            if old.unknown_job_type.is_none() {
                anomalies.push((
                    Rule::J1,
                    format!(
                        "reported job type {} for a job that was {}: a job's type never changes (J1)",
                        reported.job_type, old.job_type
                    ),
                ));
            }
            next.unknown_job_type = None;
            next.job_type = reported.job_type;
            changed.push("jobType".into());
        }
        None => {}
    }

    // The job state.
    let from = state_text(old);
    let mut job_event: Option<(String, Rule, &str)> = None;
    match &reported.unknown_state {
        Some(raw) => {
            if old.unknown_state.as_ref() != Some(raw) {
                next.unknown_state = Some(raw.clone());
                job_event = Some((
                    raw.clone(),
                    Rule::S6,
                    "a state this console does not know, kept verbatim: no rule acts on the job until a documented state is reported",
                ));
            }
        }
        None => {
            let to = reported.state;
            let same = old.unknown_state.is_none()
                && (to == old.state || (old.state == JobState::Faulted && old.faulted_from == Some(to)));
            if !same {
                next.unknown_state = None;
                let rule = if old.unknown_state.is_some() {
                    Some(Rule::S6) // from a state nobody knows, no transition can be judged
                } else {
                    job_transition(old, to)
                };
                let (rule, why) = match rule {
                    Some(rule) => (rule, "as the service reports it"),
                    None => {
                        let preds: Vec<String> = to.predecessors().iter().map(ToString::to_string).collect();
                        let what = jump(&from, &to.to_string(), to.entry_rule(), &preds, "a job");
                        anomalies.push((to.entry_rule(), what));
                        (Rule::S6, UNDOCUMENTED)
                    }
                };
                if to != old.state {
                    enter_observed(&mut next, old, to, now);
                }
                job_event = Some((to.to_string(), rule, why));
            }
        }
    }

    // The drives: listed ones updated, new ones added; none is ever removed (S2).
    let mut drive_events = Vec::new();
    let mut drive_states_changed = false;
    for (d, rd) in reported.drives.iter().zip(doc.properties.drive_list.iter().flatten()) {
        let Some(i) = next.drives.iter().position(|x| x.drive_id == d.drive_id) else {
            let mut d = d.clone();
            if d.state == DriveState::Faulted {
                d.fault_reason = Some(REPORTED_FAULTED.into());
                next.ever_faulted = true;
            }
            drive_events.push(DriveEvent {
                drive_id: d.drive_id.clone(),
                from: "-".into(),
                to: d.state.to_string(),
                rule: Rule::S6,
                detail: Some("drive listed by the service".into()),
            });
            next.drives.push(d);
            continue;
        };
        let current = next.drives[i].clone();
        let mut updated = current.clone();
        copy_drive(&mut updated, rd);
        if updated != current {
            changed.push(format!("driveList[{}]", d.drive_id));
        }
        if let Some(to) = rd.state {
            let from = current.state;
            let same = to == from || (from == DriveState::Faulted && current.faulted_from == Some(to));
            if !same {
                drive_states_changed = true;
                let (rule, detail) = match drive_transition(&current, to) {
                    Some(rule) => (rule, None),
                    None => {
                        let preds: Vec<String> = to.predecessors().iter().map(ToString::to_string).collect();
                        let what =
                            jump(&from.to_string(), &to.to_string(), to.entry_rule(), &preds, "a drive");
                        anomalies.push((to.entry_rule(), format!("drive {}: {what}", d.drive_id)));
                        (Rule::S6, Some(UNDOCUMENTED.to_string()))
                    }
                };
                if to == DriveState::Faulted {
                    updated.faulted_from = (from != DriveState::Faulted).then_some(from);
                    updated.fault_reason.get_or_insert_with(|| REPORTED_FAULTED.into());
                    next.ever_faulted = true; // S1
                } else {
                    updated.faulted_from = None;
                    updated.fault_reason = None;
                }
                updated.state = to;
                updated.state_since = now;
                drive_events.push(DriveEvent {
                    drive_id: d.drive_id.clone(),
                    from: from.to_string(),
                    to: to.to_string(),
                    rule,
                    detail,
                });
            }
        }
        next.drives[i] = updated;
    }

    // The last anomaly stays on the job until a later import observes a state change again.
    if !anomalies.is_empty() {
        let what: Vec<&str> = anomalies.iter().map(|(_, w)| w.as_str()).collect();
        next.import_anomaly = Some(Anomaly { at: now, rule: anomalies[0].0, what: what.join("; ") });
    } else if job_event.is_some() || drive_states_changed {
        next.import_anomaly = None;
    }

    if next == *old {
        return Decision::Unchanged;
    }
    let mut rec = Recorder::new(*ctx);
    let set = (!changed.is_empty()).then(|| format!("set {}", listed(&changed)));
    match job_event {
        Some((to, rule, why)) => {
            let detail = match &set {
                Some(set) => format!("{why}; {set}"),
                None => why.to_string(),
            };
            rec.record(None, "import", &from, to, rule, Some(detail));
        }
        None if set.is_some() || drive_events.is_empty() => {
            let detail = set.unwrap_or_else(|| "as the service reports it".into());
            rec.record(None, "import", &from, &from, Rule::S6, Some(detail));
        }
        None => {}
    }
    for e in drive_events {
        rec.record(Some(&e.drive_id), "import", e.from, e.to, e.rule, e.detail);
    }
    Decision::Update(Change { job: next, events: rec.events })
}

/// Copies what the document reports, naming each field that changed. The
/// resource id and `cancelRequested` are kept when the document leaves them
/// out (absence says nothing about them); every other field is the service's.
fn copy_fields(next: &mut Job, rep: &Job, doc: &JobResponse, changed: &mut Vec<String>) {
    macro_rules! sync {
        ($($field:ident => $name:literal),* $(,)?) => {$(
            if next.$field != rep.$field {
                next.$field = rep.$field.clone();
                changed.push($name.to_string());
            }
        )*};
    }
    sync!(
        name => "name",
        resource_type => "type",
        location => "location",
        tags => "tags",
        system_data => "systemData",
        identity => "identity",
        storage_account_id => "storageAccountId",
        log_level => "logLevel",
        diagnostics_path => "diagnosticsPath",
        backup_drive_manifest => "backupDriveManifest",
        reported_percent_complete => "percentComplete",
        provisioning_state => "provisioningState",
        incomplete_blob_list_uri => "incompleteBlobListUri",
        return_address => "returnAddress",
        return_shipping => "returnShipping",
        shipping_information => "shippingInformation",
        delivery_package => "deliveryPackage",
        return_package => "returnPackage",
        export => "export",
        encryption_key => "encryptionKey",
    );
    if doc.id.is_some() && next.resource_id != rep.resource_id {
        next.resource_id = rep.resource_id.clone();
        changed.push("id".into());
    }
    if doc.properties.cancel_requested.is_some() && next.cancel_requested != rep.cancel_requested {
        next.cancel_requested = rep.cancel_requested;
        changed.push("cancelRequested".into());
    }
}

/// The rule of the documented transition from the job's state to `to`: an
/// edge of the life cycle, or S5 out of a fault (back, or one step on).
fn job_transition(old: &Job, to: JobState) -> Option<Rule> {
    if old.state == JobState::Faulted {
        return match old.faulted_from {
            // Faulted since it was first seen: where it came from is unknown, nothing to judge.
            None => Some(Rule::S5),
            Some(f) => (to == f || f.successors().contains(&to)).then_some(Rule::S5),
        };
    }
    old.state.transition_rule(to)
}

fn drive_transition(drive: &Drive, to: DriveState) -> Option<Rule> {
    if drive.state == DriveState::Faulted {
        return match drive.faulted_from {
            None => Some(Rule::S5),
            Some(f) => (to == f || f.successors().contains(&to)).then_some(Rule::S5),
        };
    }
    if drive.extra && drive.state == DriveState::Received && to == DriveState::ShippedBack {
        return Some(Rule::D9);
    }
    drive.state.transition_rule(to)
}

/// The job enters a state the service reports, with the bookkeeping entering
/// it by a rule would do (S5's overlay for `Faulted`; C2 and C3 for `Shipping`).
fn enter_observed(next: &mut Job, old: &Job, to: JobState, now: Timestamp) {
    if to == JobState::Faulted {
        if old.state != JobState::Faulted {
            next.faulted_from = Some(old.state);
        }
        next.fault_reason.get_or_insert_with(|| REPORTED_FAULTED.into());
        next.ever_faulted = true; // S1
    } else {
        next.faulted_from = None;
        next.fault_reason = None;
    }
    next.state = to;
    next.state_since = now;
    if to == JobState::Shipping {
        start_shipping(next, now);
    }
}

fn jump(from: &str, to: &str, rule: Rule, preds: &[String], what: &str) -> String {
    if preds.is_empty() {
        format!(
            "reported {to} straight after {from}: no documented transition leads there ({rule}: it is where {what} starts)"
        )
    } else {
        format!(
            "reported {to} straight after {from}: no documented transition leads there ({rule} reaches {to} from {})",
            preds.join(" or ")
        )
    }
}

/// At most a dozen names, then how many more.
fn listed(names: &[String]) -> String {
    const SHOWN: usize = 12;
    if names.len() <= SHOWN {
        names.join(", ")
    } else {
        format!("{} and {} more", names[..SHOWN].join(", "), names.len() - SHOWN)
    }
}

//! Jobs as the service writes them: a JobResponse per job, or a List Jobs
//! response, in the same field names `import` reads, so that exporting and
//! importing into an empty database gives back the same jobs, field for
//! field. Pure.
//!
//! What only the console knows (clocks, contacts, faults' reasons, copy
//! messages, extra drives (D9), the audit log) is not part of the shape and
//! is left out. BitLocker keys are written only when asked for.

use super::import::{state_text, type_text};
use super::rest::{
    DriveStatus, EncryptionKeyDetails, Export, ExportBlobList, Identity, JobDetails, JobResponse,
    ListResponse, PackageInformation, ReturnAddress, ReturnShipping, ShipDate, ShippingInformation,
    SystemData, parse_ship_date,
};
use crate::domain::model::{Package, Wire};
use crate::domain::{Drive, DriveState, Job, JobType};

/// Whether BitLocker keys are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Secrets {
    /// The default: keys are stored but never shown.
    Omit,
    /// `export --include-secrets`.
    Include,
}

/// One job as Get Job answers it. What the service sent comes back as it
/// came: its spellings and `shipDate` texts, and what it left out stays out
/// (a job made here writes only what it has).
pub fn job_response(job: &Job, secrets: Secrets) -> JobResponse {
    let made_here = Wire::default();
    let wire = job.wire.as_ref().unwrap_or(&made_here);
    // A field a job made here never had, or one the document left out.
    let sent = |field: &str| job.wire.is_some() && !wire.left_out(field);
    let a = &job.return_address;
    let return_address = ReturnAddress {
        recipient_name: a.recipient_name.clone(),
        street_address1: a.street_address1.clone(),
        street_address2: a.street_address2.clone(),
        city: a.city.clone(),
        state_or_province: a.state_or_province.clone(),
        postal_code: a.postal_code.clone(),
        country_or_region: a.country_or_region.clone(),
        phone: a.phone.clone(),
        email: a.email.clone(),
    };
    let return_shipping = ReturnShipping {
        carrier_name: job.return_shipping.carrier_name.clone(),
        carrier_account_number: job.return_shipping.carrier_account_number.clone(),
    };
    let properties = JobDetails {
        storage_account_id: job.storage_account_id.clone(),
        job_type: type_text(job),
        return_address: (return_address != ReturnAddress::default()).then_some(return_address),
        return_shipping: (return_shipping != ReturnShipping::default()).then_some(return_shipping),
        shipping_information: job.shipping_information.as_ref().map(|s| ShippingInformation {
            recipient_name: s.recipient_name.clone(),
            street_address1: s.street_address1.clone(),
            street_address2: s.street_address2.clone(),
            city: s.city.clone(),
            state_or_province: s.state_or_province.clone(),
            postal_code: s.postal_code.clone(),
            country_or_region: s.country_or_region.clone(),
            phone: s.phone.clone(),
            additional_information: s.additional_information.clone(),
        }),
        delivery_package: package(&job.delivery_package, wire.delivery_ship_date.as_deref()),
        return_package: package(&job.return_package, wire.return_ship_date.as_deref()),
        diagnostics_path: job.diagnostics_path.clone(),
        log_level: job.log_level.clone(),
        backup_drive_manifest: job.backup_drive_manifest,
        state: state_text(job),
        cancel_requested: (job.cancel_requested || sent("cancelRequested")).then_some(job.cancel_requested),
        // What the service last said, if it said: the console's own figure
        // (S4) is not the service's, and `show` prints it.
        percent_complete: job.reported_percent_complete,
        incomplete_blob_list_uri: job.incomplete_blob_list_uri.clone(),
        drive_list: {
            let first =
                if job.job_type == JobType::Export { DriveState::Received } else { DriveState::Specified };
            let drives: Vec<DriveStatus> =
                job.listed_drives().map(|d| drive_status(d, secrets, wire, first)).collect();
            (!drives.is_empty() || sent("driveList")).then_some(drives)
        },
        export: job.export.as_ref().map(|e| {
            let list =
                |paths: &Vec<String>, field: &str| (!paths.is_empty() || sent(field)).then(|| paths.clone());
            let (path, path_2016) = match wire.blob_list_2016 {
                true => (None, e.blob_list_blob_path.clone()),
                false => (e.blob_list_blob_path.clone(), None),
            };
            Export {
                blob_list: e.blob_list.as_ref().map(|l| ExportBlobList {
                    blob_path: list(&l.blob_path, "blobPath"),
                    blob_path_prefix: list(&l.blob_path_prefix, "blobPathPrefix"),
                }),
                blob_list_blob_path: path,
                blob_list_blob_path_2016: path_2016,
            }
        }),
        provisioning_state: job.provisioning_state.clone(),
        encryption_key: job.encryption_key.as_ref().map(|k| EncryptionKeyDetails {
            kek_type: k.kek_type.clone(),
            kek_url: k.kek_url.clone(),
            kek_vault_resource_id: k.kek_vault_resource_id.clone(),
        }),
    };
    JobResponse {
        id: job.resource_id.clone(),
        name: job.name.clone(),
        resource_type: job.resource_type.clone(),
        location: job.location.clone(),
        tags: job.tags.clone(),
        system_data: job.system_data.as_ref().map(|s| SystemData {
            created_by: s.created_by.clone(),
            created_by_type: s.created_by_type.clone(),
            created_at: s.created_at.clone(),
            last_modified_by: s.last_modified_by.clone(),
            last_modified_by_type: s.last_modified_by_type.clone(),
            last_modified_at: s.last_modified_at.clone(),
        }),
        identity: job.identity.as_ref().map(|i| Identity {
            identity_type: i.identity_type.clone(),
            principal_id: i.principal_id.clone(),
            tenant_id: i.tenant_id.clone(),
        }),
        properties,
    }
}

/// Several jobs as List Jobs answers them (everything in one page).
pub fn list_response(jobs: &[Job], secrets: Secrets) -> ListResponse {
    ListResponse { value: jobs.iter().map(|j| job_response(j, secrets)).collect(), next_link: None }
}

/// A package the service's own validation accepts (carrier and tracking
/// number at least), or none: an incomplete one is left out, not written
/// invalid. Its `shipDate` is the service's text while it still says the same time.
fn package(p: &Package, text: Option<&str>) -> Option<PackageInformation> {
    let complete = p.carrier_name.is_some() && p.tracking_number.is_some();
    complete.then(|| PackageInformation {
        carrier_name: p.carrier_name.clone(),
        tracking_number: p.tracking_number.clone(),
        drive_count: p.drive_count,
        ship_date: p.ship_date.map(|at| match text {
            Some(text) if parse_ship_date(text) == Some(at) => ShipDate { at, text: text.to_string() },
            _ => ShipDate::of(at),
        }),
    })
}

/// A drive's fields; one its DriveStatus left out stays out while it still
/// holds the value an import gave it.
fn drive_status(d: &Drive, secrets: Secrets, wire: &Wire, first: DriveState) -> DriveStatus {
    let kept = |field: &str, unchanged: bool| !(unchanged && wire.drive_left_out(&d.drive_id, field));
    DriveStatus {
        drive_id: d.drive_id.clone(),
        bit_locker_key: match secrets {
            Secrets::Include => d.bit_locker_key.clone(),
            Secrets::Omit => None,
        },
        manifest_file: d.manifest_file.clone(),
        manifest_hash: d.manifest_hash.clone(),
        drive_header_hash: d.drive_header_hash.clone(),
        state: kept("state", d.state == first).then_some(d.state),
        copy_status: d.copy_status.clone(),
        percent_complete: kept("percentComplete", d.percent_complete == 0).then_some(d.percent_complete),
        verbose_log_uri: d.verbose_log_uri.clone(),
        error_log_uri: d.error_log_uri.clone(),
        manifest_uri: d.manifest_uri.clone(),
        bytes_succeeded: kept("bytesSucceeded", d.bytes_succeeded == 0).then_some(d.bytes_succeeded),
    }
}

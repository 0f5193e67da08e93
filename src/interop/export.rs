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
    ListResponse, PackageInformation, ReturnAddress, ReturnShipping, ShippingInformation, SystemData,
};
use crate::domain::model::Package;
use crate::domain::{Drive, Job};

/// Whether BitLocker keys are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Secrets {
    /// The default: keys are stored but never shown.
    Omit,
    /// `export --include-secrets`.
    Include,
}

/// One job as Get Job answers it.
pub fn job_response(job: &Job, secrets: Secrets) -> JobResponse {
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
        delivery_package: package(&job.delivery_package),
        return_package: package(&job.return_package),
        diagnostics_path: job.diagnostics_path.clone(),
        log_level: job.log_level.clone(),
        backup_drive_manifest: job.backup_drive_manifest,
        state: state_text(job),
        cancel_requested: Some(job.cancel_requested),
        // What the service last said, if it said: the console's own figure
        // (S4) is not the service's, and `show` prints it.
        percent_complete: job.reported_percent_complete,
        incomplete_blob_list_uri: job.incomplete_blob_list_uri.clone(),
        drive_list: Some(job.listed_drives().map(|d| drive_status(d, secrets)).collect()),
        export: job.export.as_ref().map(|e| Export {
            blob_list: e.blob_list.as_ref().map(|l| ExportBlobList {
                blob_path: l.blob_path.clone(),
                blob_path_prefix: l.blob_path_prefix.clone(),
            }),
            blob_list_blob_path: e.blob_list_blob_path.clone(),
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

fn package(p: &Package) -> Option<PackageInformation> {
    (p != &Package::default()).then(|| PackageInformation {
        carrier_name: p.carrier_name.clone(),
        tracking_number: p.tracking_number.clone(),
        drive_count: p.drive_count,
        ship_date: p.ship_date,
    })
}

fn drive_status(d: &Drive, secrets: Secrets) -> DriveStatus {
    DriveStatus {
        drive_id: d.drive_id.clone(),
        bit_locker_key: match secrets {
            Secrets::Include => d.bit_locker_key.clone(),
            Secrets::Omit => None,
        },
        manifest_file: d.manifest_file.clone(),
        manifest_hash: d.manifest_hash.clone(),
        drive_header_hash: d.drive_header_hash.clone(),
        state: Some(d.state),
        copy_status: d.copy_status.clone(),
        percent_complete: Some(d.percent_complete),
        verbose_log_uri: d.verbose_log_uri.clone(),
        error_log_uri: d.error_log_uri.clone(),
        manifest_uri: d.manifest_uri.clone(),
        bytes_succeeded: Some(d.bytes_succeeded),
    }
}

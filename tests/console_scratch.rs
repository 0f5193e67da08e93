mod console_support;
use console_support::*;
#[test]
fn dump() {
    let mut store = demo_store();
    let model = console(&mut store, false);
    for j in &model.data.jobs {
        let drives: Vec<String> = j.drives.iter().map(|d| format!("{}:{}", d.drive_id, d.state)).collect();
        println!(
            "{} {:?} {} ff={:?} id={:?} {}",
            j.name,
            j.job_type,
            j.state,
            j.faulted_from,
            j.id,
            drives.join(" ")
        );
    }
    println!("archived {}", model.data.archived.len());
    println!("arrivals {}", model.data.arrivals.len());
    println!("events {}", model.data.events.len());
    println!("{}", screen(&model, 160, 45));
}

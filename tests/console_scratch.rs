mod console_support;
use console_support::*;
use crossterm::event::KeyCode;
use ieops::console::model::View;
use ieops::domain::attention::Subject;
#[test]
fn dump() {
    let mut store = demo_store();
    let mut model = console(&mut store, false);
    show(&mut model, &mut store, View::Jobs);
    select(&mut model, &mut store, &Subject::Job("margiestravel-seismic-2026-11-20".into()));
    press_and_run(&mut model, &mut store, key(KeyCode::Enter));
    press_and_run(&mut model, &mut store, ch('j'));
    press_and_run(&mut model, &mut store, key(KeyCode::Enter));
    println!("{}", screen(&model, 160, 45));
    press_and_run(&mut model, &mut store, key(KeyCode::Enter));
    println!("{}", screen(&model, 160, 45));
    println!("{:?}", model.popup);
    press_and_run(&mut model, &mut store, key(KeyCode::Esc));
    show(&mut model, &mut store, View::Drives);
    select(&mut model, &mut store, &Subject::Drive{job: "wingtiptoys-migration-2026-11-15".into(), drive_id: "WD-WMC4N45UTLNI".into()});
    press_and_run(&mut model, &mut store, key(KeyCode::Enter));
    println!("{}", screen(&model, 160, 45));
    press_and_run(&mut model, &mut store, key(KeyCode::Enter));
    println!("{}", screen(&model, 160, 45));
    println!("{:?}", model.popup);
}

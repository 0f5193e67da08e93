use std::process::ExitCode;

fn main() -> ExitCode {
    // Panic reports for people. The console installs ratatui's hook on top, which
    // restores the terminal first and then lets this one print the report.
    let _ = color_eyre::install();
    ieops::cli::run()
}

use std::process::ExitCode;

fn main() -> ExitCode {
    ieops::cli::run()
}

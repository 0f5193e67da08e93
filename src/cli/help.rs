//! What clap is told beyond the derive: `ieops act --help` lists every action
//! from the domain's action table (so it cannot drift from what `act`
//! accepts), and the completion scripts and man page are made from the same
//! command. None of this opens a database.

use clap::CommandFactory;

use super::args::Cli;
use super::error::CliError;
use super::render::params_text;
use crate::domain::ActionKind;

/// The whole command line, with the generated help.
pub fn command() -> clap::Command {
    Cli::command().mut_subcommand("act", |act| act.after_help(actions()))
}

/// Every action: where it applies and the rules that may allow it, then its
/// parameters on a line of their own, so no line outgrows clap's 100 columns.
fn actions() -> String {
    let mut out =
        String::from("Actions on JOB, JOB/DRIVE or arrival:ID (`ieops actions TARGET`: those valid now):\n");
    let width = ActionKind::ALL.iter().map(|k| k.name().len()).max().unwrap_or(0);
    for kind in ActionKind::ALL {
        let targets: Vec<String> = kind.targets().iter().map(|t| t.to_string()).collect();
        let rules: Vec<&str> = kind.rules().iter().map(|r| r.id()).collect();
        let targets = targets.join(", ");
        out.push_str(&format!("  {:width$}  {targets:13}  {}\n", kind.name(), rules.join(", ")));
        let params = params_text(*kind);
        if !params.is_empty() {
            out.push_str(&format!("      {params}\n"));
        }
    }
    out
}

/// `ieops completions SHELL`.
pub fn completions(shell: clap_complete::Shell) -> Result<(), CliError> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command(), "ieops", &mut script);
    super::print(&script);
    Ok(())
}

/// `ieops man`: the roff page.
pub fn man() -> Result<(), CliError> {
    let mut page = Vec::new();
    clap_mangen::Man::new(command())
        .render(&mut page)
        .map_err(|e| CliError::Internal(format!("cannot render the man page: {e}")))?;
    super::print(&page);
    Ok(())
}

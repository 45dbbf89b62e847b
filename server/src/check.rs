//! `sandtable-server check FILE...`: parses and validates scenario files against their maps,
//! prints every problem as `file:line:col: path: message` on stderr and `ok FILE` for clean files.
//! Exit status 0 only when every file is clean.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use sim::scenario::Problem;

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// Scenario files (.ron).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Rewrite each file to the current schema first (comments and layout kept) and say what changed.
    #[arg(long)]
    pub migrate: bool,
    /// Also play each clean file once with the quickest bots and warn of plan deadlines no play
    /// can meet (a whole drill per file: seconds to a minute).
    #[arg(long)]
    pub play: bool,
}

pub fn run(args: CheckArgs) -> ExitCode {
    if args.migrate {
        return crate::migrate::run(&args.files);
    }
    let mut all_clean = true;
    let (mut out, mut err) = (std::io::stdout().lock(), std::io::stderr().lock());
    for file in &args.files {
        let problems = check_file(file);
        if problems.is_empty() {
            // Only on a clean file: a broken one has more pressing problems.
            if let Some(note) = crate::migrate::older_schema_note(file) {
                let _ = writeln!(out, "{note}");
            }
            let _ = writeln!(out, "ok {}", file.display());
            // The sixth warning kind (issue 10), from a quick bot run.
            if args.play {
                for w in crate::stress::unmeetable_deadlines_of_file(file) {
                    let _ = writeln!(err, "警告 warning: {w}");
                }
            }
        } else {
            all_clean = false;
            for p in &problems {
                let _ = writeln!(err, "{p}");
            }
        }
    }
    if all_clean { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

/// Every problem of one scenario file: syntax, or semantics against the map it names, loaded by
/// the same loader as `run` and `serve` (a map name that is not a folder under `assets/maps/`
/// is reported, never read).
pub fn check_file(file: &Path) -> Vec<Problem> {
    match crate::drill::load::load_scenario_and_map(file) {
        Ok(loaded) => loaded.problems(),
        Err(problems) => problems,
    }
}

//! `sandtable-server check FILE...`: parses and validates scenario files against their maps,
//! prints every problem as `file:line:col: path: message` on stderr and `ok FILE` for clean files.
//! Exit status 0 only when every file is clean.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use sim::map::{MapError, load_map};
use sim::scenario::{Problem, load_scenario_file, validate_against};

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// Scenario files (.ron).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

pub fn run(args: CheckArgs) -> ExitCode {
    let mut all_clean = true;
    let (mut out, mut err) = (std::io::stdout().lock(), std::io::stderr().lock());
    for file in &args.files {
        let problems = check_file(file);
        if problems.is_empty() {
            let _ = writeln!(out, "ok {}", file.display());
        } else {
            all_clean = false;
            for p in &problems {
                let _ = writeln!(err, "{p}");
            }
        }
    }
    if all_clean { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

/// Every problem of one scenario file: syntax, or semantics against the map it names.
pub fn check_file(file: &Path) -> Vec<Problem> {
    let (scenario, text) = match load_scenario_file(file) {
        Ok(x) => x,
        Err(problems) => return problems,
    };
    // A map name that is not a plain folder name is reported by the validator; don't read outside assets/.
    let plain = !scenario.map.is_empty() && !scenario.map.contains(['/', '\\']) && !scenario.map.starts_with('.');
    let dir = crate::paths::map_dir(if plain { &scenario.map } else { "_" });
    let map = if plain { load_map(&dir) } else { Err(MapError::Missing { path: dir.join(sim::map::MAP_JSON) }) };
    let name = file.display().to_string();
    match &map {
        Ok(m) => validate_against(&name, &text, &scenario, Ok(m)),
        Err(e) => validate_against(&name, &text, &scenario, Err(e)),
    }
}

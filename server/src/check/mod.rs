//! `sandtable-server check FILE...`: parses and validates scenario files against their maps,
//! prints every problem as `file:line:col: path: message` on stderr and `ok FILE` for clean files.
//!
//! A clean file is then asked what the models say about it ([`sim::lint`]): **warnings** about
//! hazards that cannot work as written (a gauge off the river, debris that cannot reach its
//! village, an ignition that cannot burn, a shelter the hazard reaches, a team with no road to its
//! villages), on stderr as `file:line:col: path: 警告: … / warning: …`, and **notes** on what the
//! author's numbers mean in the model (a gauge's stages as depth above its bed) on stdout.
//!
//! Exit status 0 when no file has a problem; with `--deny-warnings`, also none has a warning.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use sim::lint::{Note, Warning};
use sim::scenario::{Problem, SourceMap};

use crate::drill::load::Loaded;

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// Scenario files (.ron).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Fail (exit status 1) when a file has warnings, not only when it has problems.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Rewrite each file to the current schema first (comments and layout kept) and say what changed.
    #[arg(long)]
    pub migrate: bool,
    /// Also play each clean file once with the quickest bots and warn of plan deadlines no play
    /// can meet (a whole drill per file: seconds to a minute).
    #[arg(long)]
    pub play: bool,
}

/// Everything `check` says about one file.
#[derive(Debug, Default)]
pub struct Checked {
    /// What keeps the file from being played.
    pub problems: Vec<Problem>,
    /// Hazards that cannot work as written (only for files without problems).
    pub warnings: Vec<Problem>,
    /// What the file's numbers mean in the model.
    pub notes: Vec<Problem>,
}

pub fn run(args: CheckArgs) -> ExitCode {
    if args.migrate {
        return crate::migrate::run(&args.files);
    }
    let mut all_clean = true;
    let (mut out, mut err) = (std::io::stdout().lock(), std::io::stderr().lock());
    for file in &args.files {
        let mut checked = check_file_fully(file);
        if checked.problems.is_empty() {
            // Only on a clean file: a broken one has more pressing problems.
            if let Some(note) = crate::migrate::older_schema_note(file) {
                let _ = writeln!(out, "{note}");
            }
            // The sixth warning kind, from a quick bot run (a whole drill: opt-in).
            if args.play {
                checked.warnings.extend(crate::stress::unmeetable_deadlines_of_file(file));
            }
        }
        for p in checked.problems.iter().chain(&checked.warnings) {
            let _ = writeln!(err, "{p}");
        }
        for n in &checked.notes {
            let _ = writeln!(out, "{n}");
        }
        let denied = args.deny_warnings && !checked.warnings.is_empty();
        if !checked.problems.is_empty() || denied {
            all_clean = false;
        } else if checked.warnings.is_empty() {
            let _ = writeln!(out, "ok {}", file.display());
        } else {
            let n = checked.warnings.len();
            let _ = writeln!(out, "ok {}: {n} 条警告 / {n} warning(s)", file.display());
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

/// [`check_file`], then for a file without problems its warnings and notes: those of
/// [`lint_loaded`] and the shelters a run of the drill with nobody acting floods.
pub fn check_file_fully(file: &Path) -> Checked {
    let loaded = match crate::drill::load::load_scenario_and_map(file) {
        Ok(loaded) => loaded,
        Err(problems) => return Checked { problems, ..Checked::default() },
    };
    let problems = loaded.problems();
    if !problems.is_empty() {
        return Checked { problems, ..Checked::default() };
    }
    let mut checked = lint_loaded(&loaded, true);
    sort(&mut checked.warnings);
    checked
}

/// The warnings and notes of a loaded scenario without problems. `run_drill` also plays the
/// drill once with nobody acting (a few seconds for a long flood) to find the shelters a hazard
/// reaches; without it only the quick checks run (an editor calls it on every change).
pub fn lint_loaded(loaded: &Loaded, run_drill: bool) -> Checked {
    let file = loaded.path.display().to_string();
    let Ok(map) = &loaded.map else { return Checked::default() };
    let world = match sim::World::new(Arc::new(loaded.scenario.clone()), Arc::new(map.clone()), loaded.scenario.seed) {
        Ok(world) => world,
        Err(e) => {
            let problem = Problem { file, line: None, col: None, path: String::new(), message: e.to_string() };
            return Checked { problems: vec![problem], ..Checked::default() };
        }
    };
    let src = SourceMap::new(&loaded.text);
    // The sixth warning, a plan deadline no play can meet, needs a whole bot run: `check --play`
    // adds it ([`crate::stress::unmeetable_deadlines`]).
    let (mut warnings, notes) = sim::lint::lint(&world);
    if run_drill {
        warnings.extend(sim::lint::shelters::check(world));
    }
    Checked {
        problems: Vec::new(),
        warnings: warnings.iter().map(|w| warning_at(&file, &src, w)).collect(),
        notes: notes.iter().map(|n| note_at(&file, &src, n)).collect(),
    }
}

fn warning_at(file: &str, src: &SourceMap, w: &Warning) -> Problem {
    Problem::at(file, src, &w.path, w.message())
}

fn note_at(file: &str, src: &SourceMap, n: &Note) -> Problem {
    Problem::at(file, src, &n.path, n.message())
}

fn sort(list: &mut [Problem]) {
    list.sort_by_key(|p| (p.line.unwrap_or(usize::MAX), p.col.unwrap_or(usize::MAX)));
}

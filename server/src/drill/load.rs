//! Loading what a drill needs: the scenario file (parsed and validated) and its map asset, with
//! errors that name the file and every problem found.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use sim::map::{MapAsset, MapError, load_map};
use sim::scenario::{Problem, Scenario, load_scenario_file, validate};

/// A scenario and its map, ready to start a [`World`](sim::World) from.
#[derive(Clone)]
pub struct DrillSetup {
    pub scenario_path: PathBuf,
    /// The file's text, kept verbatim for the record and for clients.
    pub scenario_text: String,
    pub scenario: Arc<Scenario>,
    pub map_dir: PathBuf,
    pub map: Arc<MapAsset>,
    /// `--seed` when given, else the scenario's own seed.
    pub seed: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{} has {} problem(s):\n{}", .file.display(), .problems.len(), list(.problems))]
    Scenario { file: PathBuf, problems: Vec<Problem> },
    #[error("scenario {} needs map `{map}`: {source}", .file.display())]
    Map { file: PathBuf, map: String, source: MapError },
}

fn list(problems: &[Problem]) -> String {
    problems.iter().map(|p| format!("  {p}")).collect::<Vec<_>>().join("\n")
}

impl DrillSetup {
    /// Loads and validates `path`, and the map it names from `assets/maps/<map>/`.
    pub fn load(path: &Path, seed: Option<u64>) -> Result<DrillSetup, LoadError> {
        let scenario_err = |problems| LoadError::Scenario { file: path.to_path_buf(), problems };
        let (scenario, text) = load_scenario_file(path).map_err(scenario_err)?;
        let map_dir = crate::paths::map_dir(&scenario.map);
        let map = load_map(&map_dir).map_err(|source| LoadError::Map {
            file: path.to_path_buf(),
            map: scenario.map.clone(),
            source,
        })?;
        let problems = validate(&path.display().to_string(), &text, &scenario, &map);
        if !problems.is_empty() {
            return Err(scenario_err(problems));
        }
        let seed = seed.unwrap_or(scenario.seed);
        Ok(DrillSetup {
            scenario_path: path.to_path_buf(),
            scenario_text: text,
            scenario: Arc::new(scenario),
            map_dir,
            map: Arc::new(map),
            seed,
        })
    }

    /// The file name without extension, used to name record directories.
    pub fn stem(&self) -> String {
        self.scenario_path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "drill".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_scenario_is_an_error_naming_the_file() {
        let err = DrillSetup::load(Path::new("/nonexistent/nope.ron"), None).err().expect("must fail");
        let text = err.to_string();
        assert!(text.contains("/nonexistent/nope.ron"), "{text}");
    }
}

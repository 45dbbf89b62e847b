//! Loading what a drill needs: the scenario file (parsed and validated) and its map asset, with
//! errors that name the file and every problem found. The one loader behind `check`, `run` and
//! `serve` (and the client's hosting): [`load_scenario_and_map`]. A map name that is not a plain
//! folder name (`../../etc`, `/etc`) is refused before anything outside `assets/maps/` is read.
//! A scenario and map whose static data (what a seat is sent on joining) would not fit the
//! reliable channel are a problem too ([`static_data_problem`]): `serve` would drop every seat.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use sim::map::{MapAsset, MapError, load_map};
use sim::scenario::{Problem, Scenario, load_scenario_file, validate_against};

/// A scenario file parsed, and its map loaded, or the error that kept the map from loading.
pub struct Loaded {
    pub path: PathBuf,
    /// The file's text, verbatim.
    pub text: String,
    pub scenario: Scenario,
    /// `assets/maps/<map>`; `None` when the map name is not a plain folder name.
    pub map_dir: Option<PathBuf>,
    pub map: Result<MapAsset, MapError>,
}

impl Loaded {
    /// Every semantic problem, against the map or the reason it did not load (reported at `map`).
    pub fn problems(&self) -> Vec<Problem> {
        let file = self.path.display().to_string();
        let mut problems = validate_against(&file, &self.text, &self.scenario, self.map.as_ref());
        if let (Some(dir), Ok(_)) = (&self.map_dir, &self.map) {
            let size = |name: &str| std::fs::metadata(dir.join(name)).map(|m| m.len()).unwrap_or(0);
            let map = (size(sim::map::MAP_JSON), size(sim::map::TERRAIN_BIN));
            problems.extend(static_data_problem(&file, self.text.len() as u64, map));
        }
        problems
    }
}

/// Room for the briefing, the welcome and the clock beside the files in a seat's static data.
const STATIC_OVERHEAD: u64 = 64 * 1024;

/// What the largest seat (the controller: its briefing, the scenario file, the map) is sent on
/// joining, estimated from the files: map.json + terrain.bin + the scenario twice (the file, and
/// a briefing at most its size) + [`STATIC_OVERHEAD`]. A problem when above
/// [`protocol::MAX_STATIC_BYTES`].
pub fn static_data_problem(file: &str, scenario_bytes: u64, (json, terrain): (u64, u64)) -> Option<Problem> {
    let total = json + terrain + 2 * scenario_bytes + STATIC_OVERHEAD;
    let max = protocol::MAX_STATIC_BYTES as u64;
    let mb = |b: u64| b as f64 / (1024.0 * 1024.0);
    (total > max).then(|| Problem {
        file: file.into(),
        line: None,
        col: None,
        path: "map".into(),
        message: format!(
            "a seat would be sent {:.1} MiB on joining (map.json {:.1} MiB + terrain.bin {:.1} MiB + the scenario \
             and its briefing {:.1} MiB), more than the {:.0} MiB a seat's channel carries: use a smaller map or scenario",
            mb(total),
            mb(json),
            mb(terrain),
            mb(2 * scenario_bytes + STATIC_OVERHEAD),
            mb(max)
        ),
    })
}

/// Parses `path` and loads the map it names from `assets/maps/<map>/` under the data root.
/// `Err` holds the syntax problems; semantic ones come from [`Loaded::problems`].
pub fn load_scenario_and_map(path: &Path) -> Result<Loaded, Vec<Problem>> {
    load_with_maps(path, &crate::paths::maps_root())
}

/// As [`load_scenario_and_map`] with the maps under `maps` instead of `assets/maps`.
pub fn load_with_maps(path: &Path, maps: &Path) -> Result<Loaded, Vec<Problem>> {
    let (scenario, text) = load_scenario_file(path)?;
    let (map_dir, map) = if crate::paths::is_map_name(&scenario.map) {
        let dir = maps.join(&scenario.map);
        let map = load_map(&dir);
        (Some(dir), map)
    } else {
        let refused = std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "a map is named by its folder under assets/maps/, not by a path",
        );
        (None, Err(MapError::Io { path: PathBuf::from(&scenario.map), source: refused }))
    };
    Ok(Loaded { path: path.to_path_buf(), text, scenario, map_dir, map })
}

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
        DrillSetup::from_loaded(path, load_scenario_and_map(path), seed)
    }

    /// As [`DrillSetup::load`] with the maps under `maps`.
    pub fn load_with_maps(path: &Path, maps: &Path, seed: Option<u64>) -> Result<DrillSetup, LoadError> {
        DrillSetup::from_loaded(path, load_with_maps(path, maps), seed)
    }

    fn from_loaded(
        file: &Path,
        loaded: Result<Loaded, Vec<Problem>>,
        seed: Option<u64>,
    ) -> Result<DrillSetup, LoadError> {
        let loaded = loaded.map_err(|problems| LoadError::Scenario { file: file.to_path_buf(), problems })?;
        let problems = loaded.problems();
        if !problems.is_empty() {
            return Err(LoadError::Scenario { file: loaded.path, problems });
        }
        // The validator reports a map that did not load; this is the belt to its braces.
        let Loaded { path, text, scenario, map_dir, map } = loaded;
        let map_err = |source| LoadError::Map { file: path.clone(), map: scenario.map.clone(), source };
        let map = map.map_err(map_err)?;
        let map_dir = map_dir.unwrap_or_default();
        let seed = seed.unwrap_or(scenario.seed);
        Ok(DrillSetup {
            scenario_path: path,
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
    use crate::hosting::{ServeOptions, Serving};

    #[test]
    fn a_missing_scenario_is_an_error_naming_the_file() {
        let err = DrillSetup::load(Path::new("/nonexistent/nope.ron"), None).err().expect("must fail");
        let text = err.to_string();
        assert!(text.contains("/nonexistent/nope.ron"), "{text}");
    }

    /// `run` and `serve` load through [`DrillSetup::load`]: a map name that climbs out of
    /// `assets/maps/` is refused, naming the map and the rule, for both.
    #[test]
    fn run_and_serve_refuse_a_map_name_that_climbs_out_of_assets() {
        let dir = crate::testkit::temp_dir("load-climb");
        let text = crate::testkit::SCENARIO.replace("map: \"testvalley\"", "map: \"../../etc\"");
        assert!(text.contains("../../etc"), "the fixture names its map as expected");
        let file = dir.join("climb.ron");
        std::fs::write(&file, &text).unwrap();

        let err = DrillSetup::load(&file, None).err().expect("a climbing map name must be refused").to_string();
        assert!(err.contains("../../etc") && err.contains("assets/maps"), "{err}");
        assert!(err.contains("climb.ron"), "the error names the scenario file: {err}");

        let mut opts = ServeOptions::new(file.clone());
        opts.bind = "127.0.0.1:0".parse().unwrap();
        opts.record_dir = Some(dir.join("rec"));
        let err = Serving::start(opts).err().expect("serve must refuse it too").to_string();
        assert!(err.contains("../../etc") && err.contains("assets/maps"), "{err}");
        assert!(!dir.join("rec").exists(), "nothing written for a refused scenario");

        // `check` reports the same through the same loader.
        let problems = crate::check::check_file(&file);
        assert!(problems.iter().any(|p| p.to_string().contains("../../etc")), "{problems:?}");

        // The loader refuses before touching the disk, whatever the validator says.
        let loaded = load_scenario_and_map(&file).expect("parses");
        assert!(loaded.map_dir.is_none());
        assert!(loaded.map.as_ref().err().is_some_and(|e| e.to_string().contains("not by a path")));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_plain_map_name_loads_from_the_maps_directory_given() {
        let dir = crate::testkit::temp_dir("load-plain");
        let expected = crate::testkit::setup(&dir);
        let maps = expected.map_dir.parent().expect("map dir has a parent").to_path_buf();
        let setup = DrillSetup::load_with_maps(&expected.scenario_path, &maps, Some(99)).unwrap();
        assert_eq!(setup.map_dir, expected.map_dir);
        assert_eq!(setup.scenario_text, expected.scenario_text);
        assert_eq!(setup.seed, 99);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// Issue 9: a scenario whose static data exceeds the channel passed `check`, then `serve`
    /// dropped every client. Now `check` and `serve` refuse it, naming the sizes.
    #[test]
    fn a_map_too_big_for_a_seat_is_refused_by_check_and_serve() {
        let dir = crate::testkit::temp_dir("load-static");
        let setup = crate::testkit::setup(&dir);
        let maps = setup.map_dir.parent().expect("map dir has a parent").to_path_buf();
        assert!(load_with_maps(&setup.scenario_path, &maps).unwrap().problems().is_empty());
        // 1300 x 1100 cells: a 12.9 MB terrain.bin.
        crate::testkit::valley_map().size(1300, 1100).write_to(&dir);
        let problems = load_with_maps(&setup.scenario_path, &maps).unwrap().problems();
        let text = problems.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("\n");
        assert_eq!(problems.len(), 1, "{text}");
        assert!(
            text.contains("test_flood.ron: map: a seat would be sent 12.") && text.contains("more than the 12 MiB"),
            "{text}"
        );
        let err = DrillSetup::load_with_maps(&setup.scenario_path, &maps, None).err().expect("refused").to_string();
        assert!(err.contains("a seat would be sent"), "{err}");
        assert!(static_data_problem("f", 4 << 20, (1 << 20, 2 << 20)).is_none());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

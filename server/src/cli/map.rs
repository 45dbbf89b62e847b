//! `sandtable-server map info MAP` and `map probe MAP --at LON,LAT [--stages S,...]`: what a map
//! holds and what is at a point (`crate::maps`). MAP is a map's name (looked for under the data
//! root's `assets/maps`, docs/files.md) or the path of a map folder.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};
use sim::map::{MapAsset, load_map};

pub const EXAMPLE: &str = "Examples:\n  sandtable-server map info andorra\n  sandtable-server map probe andorra --at 1.5218,42.5063 --stages 1025,1027.5\n  sandtable-server map probe andorra --at 1.5218,42.5063 --json";

#[derive(Args, Debug)]
pub struct MapArgs {
    #[command(subcommand)]
    pub command: MapCommand,
}

#[derive(Subcommand, Debug)]
pub enum MapCommand {
    /// Townships, villages (population, distance to the road network), rivers, roads, extent.
    #[command(after_help = "Example:\n  sandtable-server map info andorra")]
    Info {
        /// A map name (under assets/maps in the data root) or a map folder.
        map: String,
        /// Flag villages farther than this from the road network, metres.
        #[arg(long, default_value_t = 500.0, value_name = "M")]
        max_road_gap_m: f64,
    },
    /// What is at a point: elevation, slope, land cover, channel and drainage area, nearest road
    /// and village, the depth of water over the cell at river stages.
    #[command(after_help = "Example:\n  sandtable-server map probe andorra --at 1.5218,42.5063 --stages 1025,1027.5")]
    Probe {
        /// A map name (under assets/maps in the data root) or a map folder.
        map: String,
        /// The point, LON,LAT in degrees (repeatable).
        #[arg(long, value_name = "LON,LAT", required = true, allow_negative_numbers = true)]
        at: Vec<String>,
        /// River stages as elevations, m above sea level (警戒水位, 保证水位...), comma-separated.
        #[arg(long, value_name = "M,...", value_delimiter = ',', allow_negative_numbers = true)]
        stages: Vec<f64>,
        /// Print JSON (format "sandtable-probe/1", docs/import-map.md) instead of text.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(args: MapArgs) -> ExitCode {
    match exec(args) {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn exec(args: MapArgs) -> Result<String, String> {
    match args.command {
        MapCommand::Info { map, max_road_gap_m } => {
            if !(max_road_gap_m.is_finite() && max_road_gap_m >= 0.0) {
                return Err(format!("--max-road-gap-m {max_road_gap_m} must be 0 or more"));
            }
            Ok(crate::maps::info::summary(&open(&map)?, max_road_gap_m) + "\n")
        }
        MapCommand::Probe { map: name, at, stages, json } => {
            if let Some(s) = stages.iter().find(|s| !s.is_finite()) {
                return Err(format!("--stages {s} is not a number"));
            }
            let points = at.iter().map(|a| lon_lat(a)).collect::<Result<Vec<_>, _>>()?;
            let map = open(&name)?;
            let prober = crate::maps::probe::Prober::new(&map);
            let probes =
                points.iter().map(|&(lon, lat)| prober.at(lon, lat, &stages)).collect::<Result<Vec<_>, _>>()?;
            if json {
                let value = crate::maps::probe::json(&map.meta.name, &probes);
                return serde_json::to_string_pretty(&value).map(|t| t + "\n").map_err(|e| e.to_string());
            }
            Ok(probes.iter().map(|p| p.text()).collect())
        }
    }
}

/// A map by name (under the data root's maps) or by folder.
pub fn open(map: &str) -> Result<MapAsset, String> {
    let dir: PathBuf = if crate::paths::is_map_name(map) && !Path::new(map).is_dir() {
        crate::paths::maps_root().join(map)
    } else {
        PathBuf::from(map)
    };
    load_map(&dir).map_err(|e| format!("map \"{map}\" ({}): {e}", dir.display()))
}

fn lon_lat(text: &str) -> Result<(f64, f64), String> {
    let v: Vec<f64> = text.split(',').map(|p| p.trim().parse::<f64>()).collect::<Result<_, _>>().unwrap_or_default();
    match v[..] {
        [lon, lat] if (-180.0..=360.0).contains(&lon) && (-90.0..=90.0).contains(&lat) => Ok((lon, lat)),
        _ => Err(format!("--at '{text}' must be LON,LAT in degrees, e.g. --at 1.5218,42.5063")),
    }
}

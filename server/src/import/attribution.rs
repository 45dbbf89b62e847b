//! The credit lines a map must carry, and the ATTRIBUTION.md written beside every imported map.

use std::path::Path;

use sim::map::MapMeta;

use super::error::ImportError;

pub const OSM_DEFAULT: &str = "© OpenStreetMap contributors (ODbL 1.0, https://www.openstreetmap.org/copyright)";
pub const SRTM: &str = "Elevation: NASA SRTM3 v2.1, USGS, public domain";

/// The credit for the DEM: the one given, else SRTM's when the file is an SRTM product.
pub fn dem_line(dem: &Path, given: Option<&str>) -> Option<String> {
    if let Some(g) = given {
        return Some(g.to_string());
    }
    let name = dem.file_name().and_then(|n| n.to_str()).unwrap_or("").to_ascii_lowercase();
    (name.ends_with(".hgt") || name.contains("srtm")).then(|| SRTM.to_string())
}

/// Writes `ATTRIBUTION.md` into the map directory.
/// `left_out`: the section listing every feature left out or cut (empty when none were).
pub fn write_markdown(dir: &Path, meta: &MapMeta, command: &str, left_out: &str) -> Result<(), ImportError> {
    let mut md = format!("# Map `{}`: sources and attribution\n\n", meta.name);
    md.push_str(
        "Show these lines wherever this map or data derived from it is shown (the client does so on screen):\n\n",
    );
    for line in &meta.attribution {
        md.push_str(&format!("- {line}\n"));
    }
    if meta.attribution.iter().any(|l| l.contains("OpenStreetMap")) {
        md.push_str(
            "\n## Licences\n\n\
             - **OpenStreetMap data** (settlements, roads, waterways, water areas, land cover, boundaries, \
             points of interest in `map.json`, and the land cover in `terrain.bin`): © OpenStreetMap \
             contributors, Open Database License 1.0 (https://opendatacommons.org/licenses/odbl/1-0/). \
             This map is a derivative database of OpenStreetMap: if you share it or a changed version, \
             it stays under the ODbL and must keep this credit. See https://www.openstreetmap.org/copyright.\n",
        );
        if meta.attribution.iter().any(|l| l.contains("SRTM")) {
            md.push_str(
                "- **Elevation** (`terrain.bin`: elevation and slope): NASA Shuttle Radar Topography Mission \
                 (SRTM3 v2.1), distributed by USGS, public domain.\n",
            );
        }
    }
    md.push_str("\n## Inputs and processing\n\n");
    for s in &meta.sources {
        md.push_str(&format!("- {s}\n"));
    }
    md.push_str(&format!(
        "\nProjection: local equirectangular, origin (south-west corner) lon {:.6}, lat {:.6}, true scale at lat {:.6}; \
         {} x {} cells of {} m.\n\nMade with:\n\n```\n{command}\n```\n",
        meta.projection.origin_lon, meta.projection.origin_lat, meta.projection.centre_lat, meta.cols, meta.rows, meta.cell_size_m
    ));
    md.push_str(left_out);
    let path = dir.join("ATTRIBUTION.md");
    std::fs::write(&path, md).map_err(|source| ImportError::Io { path, source })
}

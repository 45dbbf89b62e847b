//! `sandtable-server import-map`: a DEM plus OpenStreetMap-derived GeoJSON layers (EPSG:4326)
//! become a map asset under `assets/maps/<name>/` (map.json, terrain.bin, ATTRIBUTION.md).
//!
//! # Layout
//! - `dem/`: elevation readers (SRTM .hgt, ESRI ASCII grid, GeoTIFF), void filling, sampling.
//! - `grid`: the output grid, its local projection and the resampling.
//! - `layers`: reading GeoJSON layers and their tags and geometries.
//! - `landcover`: polygons to cells, and the terrain rule where OSM is silent.
//! - `roads`: the road graph. `features`: townships, settlements, water, points of interest.
//! - `attribution`: credit lines and ATTRIBUTION.md. `progress`: what the user sees on stderr.

mod attribution;
pub mod dem;
mod error;
mod features;
pub(crate) mod grid;
mod landcover;
mod layers;
mod left_out;
mod progress;
mod roads;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use sim::map::{Features, LandCover, MapAsset, MapMeta, TerrainGrid, Xy};

pub use error::ImportError;
use grid::Frame;
use layers::{Layer, read_layer};
use left_out::{Fate, Ledger};
use progress::Progress;

pub const EXAMPLE: &str = "Example:\n  sandtable-server import-map --name andorra --dem assets/maps/andorra/source/dem/andorra_srtm3_filled.asc --layers assets/maps/andorra/source/vector\n\n\
Layer files looked for in --layers DIR (GeoJSON, EPSG:4326): settlements.geojson, roads.geojson (required);\n\
waterways.geojson, water_areas.geojson, landcover.geojson, admin_boundaries.geojson, pois.geojson,\n\
terrain_points.geojson (optional). See docs/import-map.md.";

#[derive(clap::Args, Debug, Clone)]
pub struct ImportArgs {
    /// Name of the map: the asset goes to <OUT>/<NAME>/ and scenarios refer to it by this name.
    #[arg(long)]
    pub name: String,
    /// Elevation grid in lon/lat: SRTM .hgt, ESRI ASCII grid .asc, or GeoTIFF .tif.
    #[arg(long, value_name = "FILE")]
    pub dem: PathBuf,
    /// Directory holding the GeoJSON layers by their usual names (see below).
    #[arg(long, value_name = "DIR")]
    pub layers: Option<PathBuf>,
    /// Where map directories go [default: assets/maps in the sandtable data root].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Side of a terrain/hazard cell in metres (about the DEM's own spacing is a sound choice).
    #[arg(long, default_value_t = 75.0)]
    pub cell_size_m: f64,
    /// Crop to WEST,SOUTH,EAST,NORTH in degrees [default: the DEM's extent].
    #[arg(long, value_name = "W,S,E,N", value_delimiter = ',', allow_negative_numbers = true)]
    pub bbox: Option<Vec<f64>>,
    /// OSM admin_level of the township boundaries [default: the most detailed level below 2].
    #[arg(long)]
    pub admin_level: Option<u32>,
    /// Douglas–Peucker tolerance for road shape points, metres (0 keeps every vertex).
    #[arg(long, default_value_t = 4.0)]
    pub road_tolerance_m: f64,
    /// Credit line for the DEM [default: the SRTM line for .hgt or *srtm* files].
    #[arg(long, value_name = "TEXT")]
    pub dem_attribution: Option<String>,
    /// Credit line for the layers [default: their GeoJSON `attribution` member, else OpenStreetMap's].
    #[arg(long, value_name = "TEXT")]
    pub layers_attribution: Option<String>,
    /// The settlements layer's name field [default: the first of name, 名称, 村名, 地名, NAME_ZH,
    /// NAME_CN, MC, XZQMC, NAME_EN that is set, case ignored, so `NAME` works].
    #[arg(long, value_name = "FIELD")]
    pub name_field: Option<String>,
    /// Warn about a village farther than this from its road junction, metres; teams walk that
    /// leg (on foot, in travel time).
    #[arg(long, default_value_t = 500.0, value_name = "M")]
    pub max_road_gap_m: f64,
    /// Settlements layer (points with `name`, `place`, optional `name:zh`, `population`) [default: DIR/settlements.geojson].
    #[arg(long, value_name = "FILE")]
    pub settlements: Option<PathBuf>,
    /// Roads layer (lines with an OSM `highway` value) [default: DIR/roads.geojson].
    #[arg(long, value_name = "FILE")]
    pub roads: Option<PathBuf>,
    /// Rivers and streams (lines with `waterway`) [default: DIR/waterways.geojson].
    #[arg(long, value_name = "FILE")]
    pub waterways: Option<PathBuf>,
    /// Lakes, reservoirs, river areas (polygons) [default: DIR/water_areas.geojson].
    #[arg(long, value_name = "FILE")]
    pub water_areas: Option<PathBuf>,
    /// Land use / land cover polygons (`class`, `landuse` or `natural`) [default: DIR/landcover.geojson].
    #[arg(long, value_name = "FILE")]
    pub landcover: Option<PathBuf>,
    /// Administrative boundaries (polygons with `name`, `admin_level`) [default: DIR/admin_boundaries.geojson].
    #[arg(long, value_name = "FILE")]
    pub admin_boundaries: Option<PathBuf>,
    /// Points of interest (`amenity`, `tourism`, `emergency`...) [default: DIR/pois.geojson].
    #[arg(long, value_name = "FILE")]
    pub pois: Option<PathBuf>,
    /// Peaks, springs and the like, added to the points of interest [default: DIR/terrain_points.geojson].
    #[arg(long, value_name = "FILE")]
    pub terrain_points: Option<PathBuf>,
    /// No progress output.
    #[arg(long)]
    pub quiet: bool,
}

pub fn run(args: ImportArgs) -> ExitCode {
    let mut progress = Progress::new(STEPS, args.quiet);
    let result = import(&args, &mut progress);
    progress.finish();
    match result {
        Ok(dir) => {
            if !args.quiet {
                let shown = std::path::absolute(&dir).unwrap_or(dir);
                eprintln!(
                    "地图已写入 / map written to {}\n  scenarios name it map: \"{}\" (docs/files.md: where maps are read from)",
                    shown.display(),
                    args.name
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

const STEPS: u64 = 7;

/// One layer: where it is and whether the import can do without it.
struct LayerSpec {
    what: &'static str,
    file: &'static str,
    given: Option<PathBuf>,
    required: bool,
}

/// Runs the whole import; returns the map directory written.
pub fn import(args: &ImportArgs, progress: &mut Progress) -> Result<PathBuf, ImportError> {
    check_args(args)?;
    // Checked first so a missing credit does not cost a whole import.
    let dem_credit = attribution::dem_line(&args.dem, args.dem_attribution.as_deref()).ok_or_else(|| {
        ImportError::Invalid(format!(
            "say where {} comes from with --dem-attribution \"Elevation: ...\" (every map must credit its data)",
            args.dem.display()
        ))
    })?;
    let mut sources = Vec::new();

    progress.step("reading the DEM");
    let mut dem = dem::read_dem(&args.dem)?;
    let voids = dem.voids();
    let filled = dem
        .fill_voids()
        .ok_or_else(|| ImportError::format(&args.dem, "every sample is NODATA: no elevation to use"))?;
    let dem_desc = format!(
        "{} ({}, {}x{} samples, spacing {:.6}° x {:.6}°, {} void samples filled from neighbours)",
        file_name(&args.dem),
        dem.format,
        dem.cols,
        dem.rows,
        dem.dlon,
        dem.dlat,
        filled
    );
    progress.done(&format!("DEM {dem_desc}"));
    if voids > 0 {
        progress.note(&format!(
            "  ! {voids} void/NODATA samples in {} were filled from their neighbours",
            args.dem.display()
        ));
    }

    progress.step("resampling elevation onto the grid");
    let bbox = args.bbox.as_ref().map(|b| [b[0], b[1], b[2], b[3]]);
    let area = grid::area(&dem, bbox)?;
    if let Some(asked) = bbox
        && let Some(note) = grid::cut_box_note(asked, area)
    {
        progress.note(&note);
    }
    let frame = Frame::new(area, args.cell_size_m)?;
    let elevation_m = grid::resample(&dem, &frame);
    let slope_deg = TerrainGrid::compute_slope(frame.cols, frame.rows, frame.cell_size_m, &elevation_m);
    let (lo, hi) = elevation_m.iter().fold((f32::MAX, f32::MIN), |(a, b), &v| (a.min(v), b.max(v)));
    sources.push(format!(
        "elevation: {dem_desc}, resampled bilinearly to {}x{} cells of {} m ({:.1} x {:.1} km), {lo:.0}–{hi:.0} m",
        frame.cols,
        frame.rows,
        frame.cell_size_m,
        frame.width_m() / 1000.0,
        frame.height_m() / 1000.0
    ));
    progress.done(&format!(
        "grid {}x{} cells of {} m ({:.1} x {:.1} km), elevation {lo:.0}–{hi:.0} m",
        frame.cols,
        frame.rows,
        frame.cell_size_m,
        frame.width_m() / 1000.0,
        frame.height_m() / 1000.0
    ));

    progress.step("reading the GeoJSON layers");
    let specs = layer_specs(args);
    let mut loaded: Vec<Option<Layer>> = Vec::new();
    for spec in &specs {
        let path = match (&spec.given, &args.layers) {
            (Some(p), _) => p.clone(),
            (None, Some(dir)) => dir.join(spec.file),
            (None, None) => unreachable!("check_args requires --layers or every required layer"),
        };
        if spec.given.is_none() && !spec.required && !path.exists() {
            progress.note(&format!("  ! no {} ({} not found): the map will have none", spec.what, path.display()));
            loaded.push(None);
            continue;
        }
        loaded.push(Some(read_layer(spec.what, &path)?));
    }
    let [settlements_l, roads_l, waterways_l, water_l, landcover_l, admin_l, pois_l, peaks_l] =
        <[Option<Layer>; 8]>::try_from(loaded).map_err(|_| ImportError::Invalid("layer list".into()))?;
    let (settlements_l, roads_l) = (settlements_l.expect("required"), roads_l.expect("required"));
    let all: Vec<&Layer> = [
        Some(&settlements_l),
        Some(&roads_l),
        waterways_l.as_ref(),
        water_l.as_ref(),
        landcover_l.as_ref(),
        admin_l.as_ref(),
        pois_l.as_ref(),
        peaks_l.as_ref(),
    ]
    .into_iter()
    .flatten()
    .collect();
    progress.done(&format!("{} layers, {} features", all.len(), all.iter().map(|l| l.features.len()).sum::<usize>()));
    for l in all.iter().filter(|l| l.cgcs2000) {
        progress.note(&format!(
            "  {} 为 CGCS2000 (EPSG:4490), 按 WGS84 使用 / is in CGCS2000 (EPSG:4490), used as WGS84: the two differ by well under a metre here",
            file_name(&l.path)
        ));
    }
    let mut ledger = Ledger::default();

    progress.step("townships and settlements");
    let townships = match &admin_l {
        Some(l) => match features::township_level(l, args.admin_level)? {
            Some(level) => {
                let t = features::townships(l, level, &frame, &mut ledger);
                sources.push(format!(
                    "townships: {} (admin_level {level}, {} boundaries)",
                    file_name(&l.path),
                    t.len()
                ));
                t
            }
            None => {
                progress
                    .note(&format!("  ! {} has no admin level below country level: no townships", l.path.display()));
                Vec::new()
            }
        },
        None => Vec::new(),
    };
    let mut settlements = features::settlements(&settlements_l, &frame, args.name_field.as_deref(), &mut ledger)?;
    let dropped = ledger.count(&file_name(&settlements_l.path), false);
    for s in &mut settlements {
        s.township = features::township_at(&townships, s.pos);
    }
    sources.push(format!(
        "settlements: {} ({} kept, {} unnamed or off the map)",
        file_name(&settlements_l.path),
        settlements.len(),
        dropped
    ));
    let placed = settlements.iter().filter(|s| s.township.is_some()).count();
    progress.done(&format!(
        "{} townships ({}), {} settlements ({placed} inside a township)",
        townships.len(),
        townships.iter().map(|t| t.township.name.as_str()).collect::<Vec<_>>().join(", "),
        settlements.len()
    ));

    progress.step("building the road graph");
    let (roads, stats) = roads::build(&roads_l, &frame, args.road_tolerance_m, &mut ledger);
    if roads.nodes.is_empty() {
        return Err(ImportError::format(
            &roads_l.path,
            "no roads on the map (no feature with a known `highway` value inside the DEM's area)",
        ));
    }
    for s in &mut settlements {
        s.road_node = roads::nearest_main_node(&roads, &stats, s.pos);
    }
    let road_desc = format!(
        "{} ways → {} nodes, {} edges ({:.0} km), {} connected components, the largest holding {:.1}% of the nodes; {} non-road features skipped",
        stats.ways,
        roads.nodes.len(),
        roads.edges.len(),
        roads.edges.iter().map(|e| e.length_m).sum::<f64>() / 1000.0,
        stats.components,
        100.0 * stats.largest as f64 / roads.nodes.len() as f64,
        stats.skipped_ways
    );
    sources.push(format!(
        "roads: {} ({road_desc}; shape points thinned to {} m)",
        file_name(&roads_l.path),
        args.road_tolerance_m
    ));
    progress.done(&road_desc);
    for line in far_from_roads(&settlements, &roads, args.max_road_gap_m) {
        progress.note(&line);
    }

    progress.step("land cover");
    let landuse = landcover_l.as_ref().map(|l| land_use(l, &frame, &mut ledger)).unwrap_or_default();
    let (water_areas, water_rings) =
        water_l.as_ref().map(|l| features::water_areas(l, &frame, &mut ledger)).unwrap_or_default();
    let mapped = landcover::rasterize(&frame, &landuse, &water_rings);
    let near = near_settlements(&frame, &settlements);
    let landcover: Vec<LandCover> = (0..frame.rows * frame.cols)
        .map(|i| {
            mapped[i].unwrap_or_else(|| {
                let (col, row) = (i % frame.cols, i / frame.cols);
                landcover::fallback(&landcover::Site {
                    elevation_m: elevation_m[i],
                    slope_deg: slope_deg[i],
                    aspect_deg: landcover::aspect(frame.cols, frame.rows, frame.cell_size_m, &elevation_m, col, row),
                    near_settlement: near[i],
                })
            })
        })
        .collect();
    let mapped_share = mapped.iter().filter(|c| c.is_some()).count() as f64 / mapped.len() as f64;
    let inside = inside_townships(&frame, &townships);
    let cover_desc = shares(&landcover, &inside);
    sources.push(format!(
        "land cover: {} ({} polygons) and {} ({} water polygons) cover {:.1}% of the cells; the rest by elevation, slope and aspect (see docs/import-map.md); {cover_desc}",
        landcover_l.as_ref().map_or("no landcover layer".into(), |l| file_name(&l.path)),
        landuse.len(),
        water_l.as_ref().map_or("no water layer".into(), |l| file_name(&l.path)),
        water_rings.len(),
        mapped_share * 100.0
    ));
    progress.done(&format!("{:.1}% of cells from OSM polygons; {cover_desc}", mapped_share * 100.0));

    progress.step("writing the map");
    let waterways = waterways_l.as_ref().map(|l| features::waterways(l, &frame, &mut ledger)).unwrap_or_default();
    let mut pois: Vec<_> =
        pois_l.iter().chain(peaks_l.iter()).flat_map(|l| features::pois(l, &frame, &mut ledger)).collect();
    pois.sort_by(|a, b| a.kind.cmp(&b.kind).then(a.pos[0].total_cmp(&b.pos[0])));
    for (label, layer, n) in
        [("waterways", &waterways_l, waterways.len()), ("water areas", &water_l, water_areas.len())]
    {
        if let Some(l) = layer {
            sources.push(format!("{label}: {} ({n} kept)", file_name(&l.path)));
        }
    }
    let poi_files: Vec<String> = pois_l.iter().chain(peaks_l.iter()).map(|l| file_name(&l.path)).collect();
    if !poi_files.is_empty() {
        sources.push(format!("points of interest: {} ({} kept)", poi_files.join(" + "), pois.len()));
    }
    let attribution = attribution_lines(args, &all, &dem_credit);
    let meta = MapMeta {
        name: args.name.clone(),
        projection: frame.proj,
        cols: frame.cols,
        rows: frame.rows,
        cell_size_m: frame.cell_size_m,
        attribution,
        sources,
    };
    let map = MapAsset {
        grid: TerrainGrid {
            cols: frame.cols,
            rows: frame.rows,
            cell_size_m: frame.cell_size_m,
            elevation_m,
            slope_deg,
            landcover,
        },
        features: Features {
            townships: townships.into_iter().map(|t| t.township).collect(),
            settlements,
            roads,
            waterways,
            water_areas,
            pois,
        },
        meta,
    };
    for line in ledger.console_lines() {
        progress.note(&line);
    }
    let out = match &args.out {
        Some(out) => out.clone(),
        None => crate::paths::maps_root_for_writing().map_err(ImportError::Invalid)?,
    };
    let dir = out.join(&args.name);
    sim::map::save_map(&dir, &map)?;
    attribution::write_markdown(&dir, &map.meta, &command_line(args), &ledger.markdown())?;
    let size = |f: &str| std::fs::metadata(dir.join(f)).map(|m| m.len() as f64 / 1e6).unwrap_or(0.0);
    progress.done(&format!(
        "{}: map.json {:.2} MB, terrain.bin {:.2} MB",
        dir.display(),
        size(sim::map::MAP_JSON),
        size(sim::map::TERRAIN_BIN)
    ));
    progress.note(&crate::maps::info::summary(&map, args.max_road_gap_m));
    Ok(dir)
}

/// Land-use polygons in local metres with their class; a feature of no known class is listed.
fn land_use(layer: &Layer, frame: &Frame, ledger: &mut Ledger) -> Vec<(Vec<Vec<Xy>>, LandCover)> {
    let mut out = Vec::new();
    for (i, f) in layer.features.iter().enumerate() {
        let keys = ["class", "landuse", "natural", "leisure"];
        let Some(class) = keys.iter().filter_map(|k| layers::tag(f, k)).find_map(|v| landcover::class_of(&v)) else {
            let said: Vec<String> = keys.iter().filter_map(|k| layers::tag(f, k).map(|v| format!("{k}={v}"))).collect();
            let reason = if said.is_empty() {
                "no land-cover value (class, landuse, natural or leisure)".to_string()
            } else {
                format!("no land-cover class for {} (see docs/import-map.md)", said.join(", "))
            };
            ledger.note(Fate::Dropped, layer, f, i, layers::tag(f, "name"), reason);
            continue;
        };
        let polys = layers::polygons(f);
        if polys.is_empty() {
            ledger.note(
                Fate::Dropped,
                layer,
                f,
                i,
                layers::tag(f, "name"),
                format!("{}, not a polygon", layers::geometry_kind(f)),
            );
        }
        out.extend(
            polys.into_iter().map(|p| (p.iter().map(|r| r.iter().map(|&q| frame.local(q)).collect()).collect(), class)),
        );
    }
    out
}

/// Warnings for villages farther than `max_m` from the road junction they are linked to: a team
/// walks that leg ([`sim::world::teams::off_road_s`]).
fn far_from_roads(settlements: &[sim::map::Settlement], roads: &sim::map::RoadGraph, max_m: f64) -> Vec<String> {
    let far = crate::maps::info::far_from_roads(settlements, roads, max_m);
    let mut lines = Vec::new();
    if !far.is_empty() {
        lines.push(format!(
            "  ! {} 个村庄离道路超过 {max_m:.0} 米 / {} settlements more than {max_m:.0} m from the road network (--max-road-gap-m); teams walk the last leg:",
            far.len(),
            far.len()
        ));
    }
    for f in far {
        lines.push(format!("      {f}"));
    }
    lines
}

fn check_args(args: &ImportArgs) -> Result<(), ImportError> {
    let name_ok = !args.name.is_empty()
        && args.name.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-')
        && !args.name.starts_with('-');
    if !name_ok {
        return Err(ImportError::Invalid(format!(
            "--name '{}' must be a plain directory name (letters, digits, '-' and '_')",
            args.name
        )));
    }
    if !(args.cell_size_m.is_finite() && (1.0..=10_000.0).contains(&args.cell_size_m)) {
        return Err(ImportError::Invalid(format!("--cell-size-m {} must be between 1 and 10000", args.cell_size_m)));
    }
    if !(args.max_road_gap_m.is_finite() && args.max_road_gap_m >= 0.0) {
        return Err(ImportError::Invalid(format!("--max-road-gap-m {} must be 0 or more", args.max_road_gap_m)));
    }
    if !(args.road_tolerance_m.is_finite() && args.road_tolerance_m >= 0.0) {
        return Err(ImportError::Invalid(format!("--road-tolerance-m {} must be 0 or more", args.road_tolerance_m)));
    }
    if let Some(b) = &args.bbox
        && b.len() != 4
    {
        return Err(ImportError::Invalid(format!("--bbox takes 4 numbers WEST,SOUTH,EAST,NORTH, not {}", b.len())));
    }
    if !args.dem.exists() {
        return Err(ImportError::Missing { what: "elevation file", path: args.dem.clone() });
    }
    match &args.layers {
        Some(dir) if !dir.is_dir() => Err(ImportError::Missing { what: "layers directory", path: dir.clone() }),
        None if args.settlements.is_none() || args.roads.is_none() => {
            Err(ImportError::Invalid("give --layers DIR, or at least --settlements FILE and --roads FILE".into()))
        }
        _ => Ok(()),
    }
}

fn layer_specs(args: &ImportArgs) -> [LayerSpec; 8] {
    let spec = |what, file, given: &Option<PathBuf>, required| LayerSpec { what, file, given: given.clone(), required };
    [
        spec("settlements layer", "settlements.geojson", &args.settlements, true),
        spec("roads layer", "roads.geojson", &args.roads, true),
        spec("waterways layer", "waterways.geojson", &args.waterways, false),
        spec("water areas layer", "water_areas.geojson", &args.water_areas, false),
        spec("land cover layer", "landcover.geojson", &args.landcover, false),
        spec("admin boundaries layer", "admin_boundaries.geojson", &args.admin_boundaries, false),
        spec("points of interest layer", "pois.geojson", &args.pois, false),
        spec("terrain points layer", "terrain_points.geojson", &args.terrain_points, false),
    ]
}

/// The layers' credit (their own `attribution` members, else OSM's), then the DEM's.
fn attribution_lines(args: &ImportArgs, layers: &[&Layer], dem_credit: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    if let Some(given) = &args.layers_attribution {
        lines.push(given.clone());
    } else {
        for l in layers {
            if let Some(a) = &l.attribution
                && !lines.contains(a)
            {
                lines.push(a.clone());
            }
        }
        if lines.is_empty() {
            lines.push(attribution::OSM_DEFAULT.to_string());
        }
    }
    lines.push(dem_credit.to_string());
    lines
}

/// Cells within 1.5 km of a settlement: the belt where valley floors are farmed.
fn near_settlements(frame: &Frame, settlements: &[sim::map::Settlement]) -> Vec<bool> {
    const RADIUS_M: f64 = 1500.0;
    let mut near = vec![false; frame.cols * frame.rows];
    let reach = (RADIUS_M / frame.cell_size_m).ceil() as i64;
    for s in settlements {
        let (c0, r0) = ((s.pos[0] / frame.cell_size_m) as i64, (s.pos[1] / frame.cell_size_m) as i64);
        for r in (r0 - reach).max(0)..=(r0 + reach).min(frame.rows as i64 - 1) {
            for c in (c0 - reach).max(0)..=(c0 + reach).min(frame.cols as i64 - 1) {
                let p = frame.cell_centre(c as usize, r as usize);
                if (p[0] - s.pos[0]).hypot(p[1] - s.pos[1]) <= RADIUS_M {
                    near[r as usize * frame.cols + c as usize] = true;
                }
            }
        }
    }
    near
}

/// Cells inside any township: the area the land-cover shares are reported for.
fn inside_townships(frame: &Frame, townships: &[features::TownshipShape]) -> Vec<bool> {
    if townships.is_empty() {
        return vec![true; frame.cols * frame.rows];
    }
    let outer_rings = townships.iter().flat_map(|t| &t.township.rings);
    let index =
        landcover::PolygonIndex::new(outer_rings.map(|r| landcover::polygon(std::slice::from_ref(r))).collect());
    landcover::covered(frame, &index)
}

/// "forest 35.1%, grass ..." over the cells marked in `inside`.
fn shares(cover: &[LandCover], inside: &[bool]) -> String {
    let total = inside.iter().filter(|&&b| b).count().max(1) as f64;
    let mut parts = Vec::new();
    for class in LandCover::ALL {
        let n = cover.iter().zip(inside).filter(|(c, i)| **i && **c == class).count();
        parts.push(format!("{class:?} {:.1}%", 100.0 * n as f64 / total));
    }
    format!("share inside the townships: {}", parts.join(", "))
}

fn file_name(p: &Path) -> String {
    p.file_name().map_or_else(|| p.display().to_string(), |n| n.to_string_lossy().into_owned())
}

/// The command as a user would retype it (file names only, so the record has no local paths).
fn command_line(args: &ImportArgs) -> String {
    let mut s = format!(
        "sandtable-server import-map --name {} --dem {} --cell-size-m {}",
        args.name,
        file_name(&args.dem),
        args.cell_size_m
    );
    if args.layers.is_some() {
        s.push_str(" --layers <layers dir>");
    }
    if let Some(b) = &args.bbox {
        s.push_str(&format!(" --bbox {}", b.iter().map(f64::to_string).collect::<Vec<_>>().join(",")));
    }
    if let Some(l) = args.admin_level {
        s.push_str(&format!(" --admin-level {l}"));
    }
    if args.road_tolerance_m != 4.0 {
        s.push_str(&format!(" --road-tolerance-m {}", args.road_tolerance_m));
    }
    s
}

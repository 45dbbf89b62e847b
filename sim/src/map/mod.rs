//! The project's map asset: a projected terrain grid plus vector features, as written by
//! `sandtable-server import-map` and read by the simulation, the server and the client.
//!
//! Coordinates are local metres: `x` east and `y` north from the south-west corner of the grid.
//! Grid cell `(col, row)` covers `[col*cell, (col+1)*cell) x [row*cell, (row+1)*cell)`, row 0 is the
//! southern row. Lon/lat are converted with a local equirectangular projection centred on the grid
//! (error below 0.1 % over a township-sized area; see ARCHITECTURE.md).

mod files;
mod projection;
mod roads;

pub use files::{
    MAP_JSON, MAX_GRID_CELLS, MAX_GRID_SIDE, MAX_MAP_JSON_BYTES, MAX_TERRAIN_BYTES, MapError, TERRAIN_BIN, decode_map,
    decode_map_json, load_map, save_map,
};
pub use projection::LocalProjection;
pub use roads::{RoadClass, RoadEdge, RoadGraph, Route};

use serde::{Deserialize, Serialize};

/// A point in local metres (x east, y north).
pub type Xy = [f64; 2];

/// Land cover per cell, from OSM polygons with an elevation/slope fallback where OSM is silent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[repr(u8)]
pub enum LandCover {
    Forest = 0,
    Shrub = 1,
    Grass = 2,
    Farmland = 3,
    Urban = 4,
    Water = 5,
    BareRock = 6,
    Wetland = 7,
}

impl LandCover {
    pub const ALL: [LandCover; 8] = [
        LandCover::Forest,
        LandCover::Shrub,
        LandCover::Grass,
        LandCover::Farmland,
        LandCover::Urban,
        LandCover::Water,
        LandCover::BareRock,
        LandCover::Wetland,
    ];

    pub fn from_u8(v: u8) -> Option<LandCover> {
        LandCover::ALL.get(v as usize).copied()
    }
}

/// The raster part of the map: elevation, slope and land cover on one regular grid.
#[derive(Clone, Debug, PartialEq)]
pub struct TerrainGrid {
    pub cols: usize,
    pub rows: usize,
    pub cell_size_m: f64,
    /// Metres above sea level, row-major from the south-west cell.
    pub elevation_m: Vec<f32>,
    /// Steepest slope in degrees, from the elevation by central differences.
    pub slope_deg: Vec<f32>,
    pub landcover: Vec<LandCover>,
}

impl TerrainGrid {
    pub fn len(&self) -> usize {
        self.cols * self.rows
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    pub fn index(&self, col: usize, row: usize) -> usize {
        row * self.cols + col
    }
    pub fn width_m(&self) -> f64 {
        self.cols as f64 * self.cell_size_m
    }
    pub fn height_m(&self) -> f64 {
        self.rows as f64 * self.cell_size_m
    }
    pub fn contains(&self, p: Xy) -> bool {
        p[0] >= 0.0 && p[1] >= 0.0 && p[0] < self.width_m() && p[1] < self.height_m()
    }
    /// The cell holding a point, or `None` off the grid.
    pub fn cell_at(&self, p: Xy) -> Option<usize> {
        if !self.contains(p) {
            return None;
        }
        let col = (p[0] / self.cell_size_m) as usize;
        let row = (p[1] / self.cell_size_m) as usize;
        Some(self.index(col.min(self.cols - 1), row.min(self.rows - 1)))
    }
    pub fn cell_centre(&self, cell: usize) -> Xy {
        let (col, row) = (cell % self.cols, cell / self.cols);
        [(col as f64 + 0.5) * self.cell_size_m, (row as f64 + 0.5) * self.cell_size_m]
    }
    /// Computes slope in degrees from elevation (central differences, one-sided at edges).
    pub fn compute_slope(cols: usize, rows: usize, cell_size_m: f64, elevation_m: &[f32]) -> Vec<f32> {
        let at = |c: usize, r: usize| elevation_m[r * cols + c] as f64;
        let mut out = vec![0.0f32; cols * rows];
        for r in 0..rows {
            for c in 0..cols {
                let (c0, c1) = (c.saturating_sub(1), (c + 1).min(cols - 1));
                let (r0, r1) = (r.saturating_sub(1), (r + 1).min(rows - 1));
                let dx = if c1 > c0 { (at(c1, r) - at(c0, r)) / ((c1 - c0) as f64 * cell_size_m) } else { 0.0 };
                let dy = if r1 > r0 { (at(c, r1) - at(c, r0)) / ((r1 - r0) as f64 * cell_size_m) } else { 0.0 };
                out[r * cols + c] = (dx.hypot(dy)).atan().to_degrees() as f32;
            }
        }
        out
    }
}

/// A township (乡镇); in the bundled Andorra map, a parish (parròquia).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Township {
    pub name: String,
    /// Outer rings of the boundary polygons, in local metres.
    pub rings: Vec<Vec<Xy>>,
    pub area_km2: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Settlement {
    pub name: String,
    pub name_zh: Option<String>,
    /// OSM `place`: town, village, hamlet, locality, neighbourhood.
    pub place: String,
    pub pos: Xy,
    pub population: Option<u32>,
    /// The township whose boundary holds the settlement, if any.
    pub township: Option<String>,
    /// The road-graph node nearest to the settlement.
    pub road_node: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Waterway {
    pub name: Option<String>,
    /// OSM `waterway`: river, stream, canal, ditch, drain, dam.
    pub kind: String,
    pub points: Vec<Xy>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WaterArea {
    pub name: Option<String>,
    pub ring: Vec<Xy>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Poi {
    pub name: Option<String>,
    /// OSM amenity / tourism / natural value: hospital, school, shelter, peak...
    pub kind: String,
    pub pos: Xy,
}

/// Everything the importer derived from the GIS layers.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Features {
    pub townships: Vec<Township>,
    pub settlements: Vec<Settlement>,
    pub roads: RoadGraph,
    pub waterways: Vec<Waterway>,
    pub water_areas: Vec<WaterArea>,
    pub pois: Vec<Poi>,
}

/// Where the map came from and how to credit it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MapMeta {
    pub name: String,
    pub projection: LocalProjection,
    pub cols: usize,
    pub rows: usize,
    pub cell_size_m: f64,
    /// Lines that must be shown wherever the map is shown, e.g. "© OpenStreetMap contributors".
    pub attribution: Vec<String>,
    /// Input files and what was done with them, for the record.
    pub sources: Vec<String>,
}

/// A whole map asset as loaded from `assets/maps/<name>/`.
#[derive(Clone, Debug, PartialEq)]
pub struct MapAsset {
    pub meta: MapMeta,
    pub grid: TerrainGrid,
    pub features: Features,
}

impl MapAsset {
    pub fn settlement(&self, name: &str) -> Option<&Settlement> {
        self.features.settlements.iter().find(|s| s.name == name || s.name_zh.as_deref() == Some(name))
    }
    pub fn township(&self, name: &str) -> Option<&Township> {
        self.features.townships.iter().find(|t| t.name == name)
    }
    /// Short attribution line for screens and reports.
    pub fn attribution_line(&self) -> String {
        self.meta.attribution.join(" · ")
    }
}

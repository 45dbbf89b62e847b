//! One synthetic map for every crate's tests, built in code so no test needs the bundled assets
//! and each test says in a few builder calls which features of the terrain its drill relies on.
//!
//! Enabled by the `testkit` feature (and in sim's own unit tests). Deterministic: the same calls
//! give the same map, bit for bit.

use std::path::{Path, PathBuf};

use crate::map::{
    Features, LandCover, LocalProjection, MapAsset, MapMeta, RoadClass, RoadEdge, RoadGraph, Settlement, TerrainGrid,
    Township, Xy, save_map,
};

/// A map under construction. [`TestMap::valley`] starts from the valley the sim drills use; each
/// method changes one thing, and [`TestMap::build`] derives slope, road lengths and each
/// village's road node and township the way the importer does.
pub struct TestMap {
    name: String,
    cols: usize,
    rows: usize,
    cell_m: f64,
    /// The valley floor runs along the middle row, falling east, instead of the middle column,
    /// falling south.
    east: bool,
    floor_m: f64,
    fall_m: f64,
    side_m: f64,
    side2_m: f64,
    relief: Option<Box<dyn Fn(usize, usize) -> f32>>,
    cover: LandCover,
    floor_cover: Option<(LandCover, usize)>,
    roads: RoadGraph,
    villages: Vec<(String, Xy)>,
    townships: Vec<(String, Xy, Xy)>,
}

impl TestMap {
    /// A 41 × 120 grid of 75 m cells: a valley running north to south along column 20, its floor
    /// 900 m at the southern edge and rising 2 m a row, its sides 1.5 m × (cells off the floor)²
    /// higher; forest everywhere, no roads, villages or townships yet.
    pub fn valley() -> TestMap {
        TestMap {
            name: "valley".into(),
            cols: 41,
            rows: 120,
            cell_m: 75.0,
            east: false,
            floor_m: 900.0,
            fall_m: 2.0,
            side_m: 0.0,
            side2_m: 1.5,
            relief: None,
            cover: LandCover::Forest,
            floor_cover: None,
            roads: RoadGraph::default(),
            villages: Vec::new(),
            townships: Vec::new(),
        }
    }

    /// The map's name, as a scenario's `map:` names it.
    pub fn name(mut self, name: &str) -> TestMap {
        self.name = name.into();
        self
    }

    /// Grid size in cells; the floor stays on the middle column (`cols / 2`) or row.
    pub fn size(mut self, cols: usize, rows: usize) -> TestMap {
        (self.cols, self.rows) = (cols, rows);
        self
    }

    pub fn cell_m(mut self, cell_m: f64) -> TestMap {
        self.cell_m = cell_m;
        self
    }

    /// Height of the floor at its low edge and its rise per cell upstream.
    pub fn floor(mut self, low_m: f64, fall_m_per_cell: f64) -> TestMap {
        (self.floor_m, self.fall_m) = (low_m, fall_m_per_cell);
        self
    }

    /// How the sides rise at `d` cells off the floor: `per_cell` d + `per_cell2` d².
    pub fn sides(mut self, per_cell: f64, per_cell2: f64) -> TestMap {
        (self.side_m, self.side2_m) = (per_cell, per_cell2);
        self
    }

    /// Turns the valley to run west to east: the floor on the middle row, falling east.
    pub fn flowing_east(mut self) -> TestMap {
        self.east = true;
        self
    }

    /// Any relief instead of the valley: metres at `(col, row)`, row 0 the southern row.
    pub fn elevation(mut self, f: impl Fn(usize, usize) -> f32 + 'static) -> TestMap {
        self.relief = Some(Box::new(f));
        self
    }

    /// Land cover everywhere (but the floor, if [`TestMap::floor_cover`] is set).
    pub fn cover(mut self, cover: LandCover) -> TestMap {
        self.cover = cover;
        self
    }

    /// Land cover of the floor line and `half_width` cells either side of it.
    pub fn floor_cover(mut self, cover: LandCover, half_width: usize) -> TestMap {
        self.floor_cover = Some((cover, half_width));
        self
    }

    /// A road through `points`, one edge between each two; a point already on the graph is the
    /// same node, so roads join where they share a point.
    pub fn road(mut self, class: RoadClass, name: Option<&str>, points: &[Xy]) -> TestMap {
        let mut node = |p: Xy| match self.roads.nodes.iter().position(|n| *n == p) {
            Some(i) => i as u32,
            None => {
                self.roads.nodes.push(p);
                (self.roads.nodes.len() - 1) as u32
            }
        };
        let ids: Vec<u32> = points.iter().map(|p| node(*p)).collect();
        for w in ids.windows(2) {
            let (a, b) = (self.roads.nodes[w[0] as usize], self.roads.nodes[w[1] as usize]);
            self.roads.edges.push(RoadEdge {
                a: w[0],
                b: w[1],
                length_m: (a[0] - b[0]).hypot(a[1] - b[1]),
                class,
                name: name.map(Into::into),
            });
        }
        self
    }

    /// A village at `pos`, on the nearest road node and in the township whose boundary holds it.
    pub fn village(mut self, name: &str, pos: Xy) -> TestMap {
        self.villages.push((name.into(), pos));
        self
    }

    /// A township whose boundary is the rectangle from `sw` to `ne` (local metres).
    pub fn township(mut self, name: &str, sw: Xy, ne: Xy) -> TestMap {
        self.townships.push((name.into(), sw, ne));
        self
    }

    /// Elevation at a cell: the custom relief, else the valley.
    fn height(&self, c: usize, r: usize) -> f32 {
        if let Some(f) = &self.relief {
            return f(c, r);
        }
        let (upstream, off) = self.along_across(c, r);
        (self.floor_m + self.fall_m * upstream as f64 + self.side_m * off as f64 + self.side2_m * (off * off) as f64)
            as f32
    }

    /// Cells upstream of the floor's low edge, and cells off the floor line.
    fn along_across(&self, c: usize, r: usize) -> (usize, usize) {
        if self.east { (self.cols - 1 - c, r.abs_diff(self.rows / 2)) } else { (r, c.abs_diff(self.cols / 2)) }
    }

    /// The map asset; build as often as needed, the result is the same every time.
    pub fn build(&self) -> MapAsset {
        let (cols, rows, cell) = (self.cols, self.rows, self.cell_m);
        let cells = || (0..rows).flat_map(move |r| (0..cols).map(move |c| (c, r)));
        let elevation_m: Vec<f32> = cells().map(|(c, r)| self.height(c, r)).collect();
        let slope_deg = TerrainGrid::compute_slope(cols, rows, cell, &elevation_m);
        let landcover = cells()
            .map(|(c, r)| match self.floor_cover {
                Some((cover, half)) if self.along_across(c, r).1 <= half => cover,
                _ => self.cover,
            })
            .collect();
        let grid = TerrainGrid { cols, rows, cell_size_m: cell, elevation_m, slope_deg, landcover };

        let mut roads = self.roads.clone();
        roads.rebuild_adjacency();
        let holds = |sw: &Xy, ne: &Xy, p: &Xy| (sw[0]..=ne[0]).contains(&p[0]) && (sw[1]..=ne[1]).contains(&p[1]);
        let settlements = self
            .villages
            .iter()
            .map(|(name, pos)| Settlement {
                name: name.clone(),
                name_zh: None,
                place: "village".into(),
                pos: *pos,
                population: None,
                township: self.townships.iter().find(|(_, sw, ne)| holds(sw, ne, pos)).map(|t| t.0.clone()),
                road_node: roads.nearest_node(*pos),
            })
            .collect();
        let townships = self
            .townships
            .iter()
            .map(|(name, sw, ne)| Township {
                name: name.clone(),
                rings: vec![vec![*sw, [ne[0], sw[1]], *ne, [sw[0], ne[1]]]],
                area_km2: (ne[0] - sw[0]) * (ne[1] - sw[1]) / 1e6,
            })
            .collect();
        let meta = MapMeta {
            name: self.name.clone(),
            // South-west corner in Andorra, so scenarios can place things by lon/lat too.
            projection: LocalProjection { origin_lon: 1.45, origin_lat: 42.45, centre_lat: 42.5 },
            cols,
            rows,
            cell_size_m: cell,
            attribution: vec!["synthetic test map".into()],
            sources: Vec::new(),
        };
        MapAsset { meta, grid, features: Features { townships, settlements, roads, ..Features::default() } }
    }

    /// Writes the map to `dir/<name>/`, the layout of `assets/maps/<name>/`, and returns that
    /// directory.
    pub fn write_to(&self, dir: &Path) -> PathBuf {
        let path = dir.join(&self.name);
        save_map(&path, &self.build()).unwrap_or_else(|e| panic!("writing test map: {e}"));
        path
    }
}

//! Land cover per cell: OSM land-use polygons and water areas rasterised at the cell centres (an
//! R-tree of their bounding boxes, then geo's exact point-in-polygon test; the smallest polygon
//! wins where they overlap, water always wins), and a terrain rule where OSM says nothing.
//!
//! The fallback follows the Pyrenean vegetation belts, which is what the bundled map needs and is
//! a sound default for mountain townships: above the tree line (about 2,300 m) alpine grass, rock
//! on cliffs; a shrub belt (rhododendron, juniper) just below it; forest on the mid-slopes; hay
//! meadows and fields on gentle valley floors near settlements; dry south-facing slopes at low
//! altitude (the *solanes*) shrub rather than forest; very steep ground bare rock everywhere.

use geo::{Area, BoundingRect, Coord, Intersects, LineString, Polygon};
use rstar::RTree;
use rstar::primitives::{GeomWithData, Rectangle};
use sim::map::{LandCover, Xy};

use super::grid::Frame;

/// An OSM `class`/`landuse`/`natural` value as a land-cover class.
pub fn class_of(value: &str) -> Option<LandCover> {
    Some(match value {
        "forest" | "wood" => LandCover::Forest,
        "scrub" | "heath" | "shrubland" => LandCover::Shrub,
        "grassland" | "meadow" | "grass" | "fell" | "park" | "recreation_ground" | "village_green" => LandCover::Grass,
        "farmland" | "farmyard" | "orchard" | "vineyard" | "allotments" | "plant_nursery" => LandCover::Farmland,
        "residential" | "commercial" | "industrial" | "retail" | "construction" | "cemetery" | "garages"
        | "military" | "brownfield" | "railway" => LandCover::Urban,
        "water" | "reservoir" | "basin" | "riverbank" => LandCover::Water,
        "bare_rock" | "scree" | "rock" | "quarry" | "landfill" | "sand" | "shingle" | "glacier" => LandCover::BareRock,
        "wetland" | "marsh" | "bog" => LandCover::Wetland,
        _ => return None,
    })
}

/// A polygon from rings in local metres: the first ring is the outer one, the others its holes.
pub fn polygon(rings: &[Vec<Xy>]) -> Polygon<f64> {
    let ring = |r: &Vec<Xy>| LineString::from(r.iter().map(|&[x, y]| Coord { x, y }).collect::<Vec<_>>());
    match rings.split_first() {
        Some((outer, holes)) => Polygon::new(ring(outer), holes.iter().map(ring).collect()),
        None => Polygon::new(LineString::new(Vec::new()), Vec::new()),
    }
}

/// Polygons behind an R-tree of their bounding boxes: the polygons holding a point are a tree
/// lookup, then geo's exact test on the few candidates.
pub struct PolygonIndex {
    polygons: Vec<Polygon<f64>>,
    tree: RTree<GeomWithData<Rectangle<[f64; 2]>, usize>>,
}

impl PolygonIndex {
    pub fn new(polygons: Vec<Polygon<f64>>) -> PolygonIndex {
        let boxes = polygons
            .iter()
            .enumerate()
            .filter_map(|(i, p)| {
                let r = p.bounding_rect()?;
                Some(GeomWithData::new(Rectangle::from_corners(r.min().x_y().into(), r.max().x_y().into()), i))
            })
            .collect();
        PolygonIndex { tree: RTree::bulk_load(boxes), polygons }
    }

    pub fn polygons(&self) -> &[Polygon<f64>] {
        &self.polygons
    }

    /// The indices of the polygons holding `p` (inside and not in a hole; on the boundary
    /// counts), in no particular order.
    pub fn holding(&self, p: Xy) -> impl Iterator<Item = usize> + '_ {
        let c = Coord { x: p[0], y: p[1] };
        self.tree.locate_all_at_point(&p).map(|e| e.data).filter(move |&i| self.polygons[i].intersects(&c))
    }
}

/// Which cells have their centre in one of the polygons.
pub fn covered(frame: &Frame, index: &PolygonIndex) -> Vec<bool> {
    cell_centres(frame).map(|p| index.holding(p).next().is_some()).collect()
}

/// The mapped polygons painted onto the grid: `None` where no polygon holds a cell centre. Where
/// land-use polygons overlap the smallest (by its outer ring) wins, so a village inside a forest
/// polygon stays a village; of equal ones the later; water wins over all.
pub fn rasterize(
    frame: &Frame,
    landuse: &[(Vec<Vec<Xy>>, LandCover)],
    water: &[Vec<Vec<Xy>>],
) -> Vec<Option<LandCover>> {
    let landuse_index = PolygonIndex::new(landuse.iter().map(|(rings, _)| polygon(rings)).collect());
    let outer_area: Vec<f64> = landuse_index
        .polygons()
        .iter()
        .map(|p| Polygon::new(p.exterior().clone(), Vec::new()).unsigned_area())
        .collect();
    let water_index = PolygonIndex::new(water.iter().map(|rings| polygon(rings)).collect());
    cell_centres(frame)
        .map(|p| {
            if water_index.holding(p).next().is_some() {
                return Some(LandCover::Water);
            }
            landuse_index
                .holding(p)
                .min_by(|&a, &b| outer_area[a].total_cmp(&outer_area[b]).then(b.cmp(&a)))
                .map(|i| landuse[i].1)
        })
        .collect()
}

/// Cell centres in cell order (row by row from the south-west corner).
fn cell_centres(frame: &Frame) -> impl Iterator<Item = Xy> + '_ {
    (0..frame.rows).flat_map(move |row| (0..frame.cols).map(move |col| frame.cell_centre(col, row)))
}

/// Terrain at one cell, for the rule below.
pub struct Site {
    pub elevation_m: f32,
    pub slope_deg: f32,
    /// Direction the slope faces, degrees clockwise from north.
    pub aspect_deg: f32,
    pub near_settlement: bool,
}

pub const TREE_LINE_M: f32 = 2300.0;

/// Land cover where OSM is silent (see the module note for the reasoning).
pub fn fallback(s: &Site) -> LandCover {
    let south_facing = s.slope_deg > 8.0 && (120.0..=240.0).contains(&s.aspect_deg);
    if s.slope_deg > 42.0 {
        LandCover::BareRock
    } else if s.elevation_m >= TREE_LINE_M + 150.0 {
        if s.slope_deg > 33.0 { LandCover::BareRock } else { LandCover::Grass }
    } else if s.elevation_m >= TREE_LINE_M {
        if s.slope_deg > 30.0 { LandCover::Shrub } else { LandCover::Grass }
    } else if s.elevation_m >= TREE_LINE_M - 300.0 {
        if south_facing { LandCover::Grass } else { LandCover::Shrub }
    } else if s.near_settlement && s.slope_deg < 10.0 && s.elevation_m < 1900.0 {
        LandCover::Farmland
    } else if south_facing {
        LandCover::Shrub
    } else {
        LandCover::Forest
    }
}

/// Aspect from the elevation grid (central differences), degrees clockwise from north.
pub fn aspect(cols: usize, rows: usize, cell: f64, elev: &[f32], col: usize, row: usize) -> f32 {
    let at = |c: usize, r: usize| elev[r * cols + c] as f64;
    let (c0, c1) = (col.saturating_sub(1), (col + 1).min(cols - 1));
    let (r0, r1) = (row.saturating_sub(1), (row + 1).min(rows - 1));
    let dzdx = (at(c1, row) - at(c0, row)) / ((c1 - c0).max(1) as f64 * cell);
    let dzdy = (at(col, r1) - at(col, r0)) / ((r1 - r0).max(1) as f64 * cell);
    // The slope faces downhill: the direction of -gradient. Rows grow northwards.
    let deg = (-dzdx).atan2(-dzdy).to_degrees();
    (if deg < 0.0 { deg + 360.0 } else { deg }) as f32
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim::map::LocalProjection;

    fn frame() -> Frame {
        Frame {
            proj: LocalProjection { origin_lon: 0.0, origin_lat: 0.0, centre_lat: 0.0 },
            cols: 10,
            rows: 10,
            cell_size_m: 10.0,
        }
    }

    #[test]
    fn cell_centres_inside_count_and_holes_stay_out() {
        let outer = vec![[0.0, 0.0], [100.0, 0.0], [100.0, 100.0], [0.0, 100.0], [0.0, 0.0]];
        let hole = vec![[30.0, 30.0], [70.0, 30.0], [70.0, 70.0], [30.0, 70.0], [30.0, 30.0]];
        let count = |rings: Vec<Vec<Xy>>| covered(&frame(), &PolygonIndex::new(vec![polygon(&rings)]));
        assert_eq!(count(vec![outer.clone(), hole]).iter().filter(|&&b| b).count(), 100 - 16);
        let tri = vec![[0.0, 0.0], [100.0, 0.0], [0.0, 100.0]];
        let cells = count(vec![tri]);
        // Centres with x + y < 100: 45 of the 100, and the 10 on the edge x + y = 100.
        assert_eq!(cells.iter().filter(|&&b| b).count(), 55);
        assert!(cells[0] && cells[9] && !cells[99]);
    }

    #[test]
    fn small_polygons_win_and_water_wins_over_all() {
        let big = vec![vec![[0.0, 0.0], [100.0, 0.0], [100.0, 100.0], [0.0, 100.0]]];
        let small = vec![vec![[0.0, 0.0], [20.0, 0.0], [20.0, 20.0], [0.0, 20.0]]];
        let pond = vec![vec![[80.0, 80.0], [100.0, 80.0], [100.0, 100.0], [80.0, 100.0]]];
        let c = rasterize(&frame(), &[(small, LandCover::Urban), (big, LandCover::Forest)], &[pond]);
        assert_eq!(c[0], Some(LandCover::Urban));
        assert_eq!(c[55], Some(LandCover::Forest));
        assert_eq!(c[99], Some(LandCover::Water));
    }

    #[test]
    fn fallback_follows_the_vegetation_belts() {
        let site =
            |e, s, a, near| fallback(&Site { elevation_m: e, slope_deg: s, aspect_deg: a, near_settlement: near });
        assert_eq!(site(2700.0, 20.0, 0.0, false), LandCover::Grass);
        assert_eq!(site(2700.0, 38.0, 0.0, false), LandCover::BareRock);
        assert_eq!(site(1500.0, 25.0, 0.0, false), LandCover::Forest);
        assert_eq!(site(1500.0, 25.0, 180.0, false), LandCover::Shrub);
        assert_eq!(site(1100.0, 4.0, 0.0, true), LandCover::Farmland);
        assert_eq!(site(1100.0, 50.0, 0.0, true), LandCover::BareRock);
        assert!(matches!(class_of("wood"), Some(LandCover::Forest)) && class_of("parking").is_none());
    }

    #[test]
    fn aspect_points_downhill() {
        // Rising to the north: the slope faces south (180°).
        let elev: Vec<f32> = (0..9).map(|i| (i / 3) as f32).collect();
        assert!((aspect(3, 3, 1.0, &elev, 1, 1) - 180.0).abs() < 1e-3);
        // Rising to the east: faces west (270°).
        let elev: Vec<f32> = (0..9).map(|i| (i % 3) as f32).collect();
        assert!((aspect(3, 3, 1.0, &elev, 1, 1) - 270.0).abs() < 1e-3);
    }
}

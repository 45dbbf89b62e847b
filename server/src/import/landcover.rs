//! Land cover per cell: OSM land-use polygons and water areas rasterised by scanline (the
//! smallest polygon wins where they overlap, water always wins), and a terrain rule where OSM
//! says nothing.
//!
//! The fallback follows the Pyrenean vegetation belts, which is what the bundled map needs and is
//! a sound default for mountain townships: above the tree line (about 2,300 m) alpine grass, rock
//! on cliffs; a shrub belt (rhododendron, juniper) just below it; forest on the mid-slopes; hay
//! meadows and fields on gentle valley floors near settlements; dry south-facing slopes at low
//! altitude (the *solanes*) shrub rather than forest; very steep ground bare rock everywhere.

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

/// Calls `paint(cell)` for every cell whose centre lies inside the polygon (even-odd over all
/// rings, so holes stay out). Rows are scanned once each: cost grows with edges x rows touched.
pub fn fill_polygon(frame: &Frame, rings: &[Vec<Xy>], mut paint: impl FnMut(usize)) {
    let cs = frame.cell_size_m;
    let (mut ymin, mut ymax) = (f64::INFINITY, f64::NEG_INFINITY);
    for p in rings.iter().flatten() {
        ymin = ymin.min(p[1]);
        ymax = ymax.max(p[1]);
    }
    if ymin.partial_cmp(&ymax) != Some(std::cmp::Ordering::Less) {
        return;
    }
    let r0 = ((ymin / cs - 0.5).ceil().max(0.0)) as usize;
    let r1 = ((ymax / cs - 0.5).floor()).min(frame.rows as f64 - 1.0);
    if r1 < 0.0 {
        return;
    }
    let mut xs = Vec::new();
    for row in r0..=r1 as usize {
        let y = (row as f64 + 0.5) * cs;
        xs.clear();
        for ring in rings {
            for (p, q) in ring.iter().zip(ring.iter().cycle().skip(1)) {
                if (p[1] <= y) != (q[1] <= y) {
                    xs.push(p[0] + (y - p[1]) * (q[0] - p[0]) / (q[1] - p[1]));
                }
            }
        }
        xs.sort_by(f64::total_cmp);
        for pair in xs.chunks_exact(2) {
            // Cells whose centre x lies in [pair[0], pair[1]).
            let c0 = ((pair[0] / cs - 0.5).ceil().max(0.0)) as usize;
            let c1 = (pair[1] / cs - 0.5).ceil().min(frame.cols as f64);
            for col in c0..c1.max(0.0) as usize {
                paint(row * frame.cols + col);
            }
        }
    }
}

/// The mapped polygons painted onto the grid: `None` where no polygon covers a cell centre.
pub fn rasterize(
    frame: &Frame,
    landuse: &[(Vec<Vec<Xy>>, LandCover)],
    water: &[Vec<Vec<Xy>>],
) -> Vec<Option<LandCover>> {
    let mut cover = vec![None; frame.cols * frame.rows];
    let mut order: Vec<(f64, usize)> =
        landuse.iter().enumerate().map(|(i, (rings, _))| (ring_area(&rings[0]), i)).collect();
    // Largest first, so a village inside a forest polygon overwrites the forest.
    order.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, i) in order {
        let (rings, class) = &landuse[i];
        fill_polygon(frame, rings, |c| cover[c] = Some(*class));
    }
    for rings in water {
        fill_polygon(frame, rings, |c| cover[c] = Some(LandCover::Water));
    }
    cover
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

fn ring_area(r: &[Xy]) -> f64 {
    let mut a = 0.0;
    for (p, q) in r.iter().zip(r.iter().cycle().skip(1)) {
        a += p[0] * q[1] - q[0] * p[1];
    }
    (a / 2.0).abs()
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
    fn scanline_fills_cell_centres_inside_and_respects_holes() {
        let outer = vec![[0.0, 0.0], [100.0, 0.0], [100.0, 100.0], [0.0, 100.0], [0.0, 0.0]];
        let hole = vec![[30.0, 30.0], [70.0, 30.0], [70.0, 70.0], [30.0, 70.0], [30.0, 30.0]];
        let mut n = 0;
        fill_polygon(&frame(), &[outer.clone(), hole], |_| n += 1);
        assert_eq!(n, 100 - 16);
        let tri = vec![[0.0, 0.0], [100.0, 0.0], [0.0, 100.0]];
        let mut cells = Vec::new();
        fill_polygon(&frame(), &[tri], |c| cells.push(c));
        // Centres with x + y < 100: 45 of the 100.
        assert_eq!(cells.len(), 45);
        assert!(cells.contains(&0) && !cells.contains(&99));
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

//! Runout of a failed slope. The debris travels from the source down the line towards the
//! village it threatens (the registered runout path of the hazard point) and stops where the
//! line from the source falls less steeply than the travel angle α (fahrböschung) of a landslide
//! of its volume: tan α = 0.97 V^-0.105 (Corominas 1996, all landslide types, V in m³). The
//! tongue is three cells wide; every cell it covers is buried (roads blocked until cleared,
//! people at home hit).

use crate::map::{TerrainGrid, Xy};

/// Tangent of the travel angle for a volume in m³ (Corominas 1996).
pub fn reach_tangent(volume_m3: f64) -> f64 {
    0.97 * volume_m3.max(1.0).powf(-0.105)
}

/// Cells covered by debris from `from` heading for `towards`: the line is followed to 1.5 times
/// the distance to the village while it still falls more steeply than the travel angle.
pub fn runout_cells(grid: &TerrainGrid, from: Xy, towards: Xy, volume_m3: f64) -> Vec<usize> {
    let Some(start) = grid.cell_at(from) else { return Vec::new() };
    let z0 = grid.elevation_m[start] as f64;
    let (dx, dy) = (towards[0] - from[0], towards[1] - from[1]);
    let len = dx.hypot(dy).max(1.0);
    let (ux, uy) = (dx / len, dy / len);
    let tan_a = reach_tangent(volume_m3);
    let step = grid.cell_size_m / 2.0;
    let mut cells = vec![start];
    let mut d = step;
    while d <= len * 1.5 {
        let p = [from[0] + ux * d, from[1] + uy * d];
        let Some(cell) = grid.cell_at(p) else { break };
        // Still in the source cell: no drop to measure yet.
        if cell == start {
            d += step;
            continue;
        }
        let drop = z0 - grid.elevation_m[cell] as f64;
        if drop / d < tan_a {
            break;
        }
        for side in [-1.0, 0.0, 1.0] {
            let q = [p[0] - uy * side * grid.cell_size_m, p[1] + ux * side * grid.cell_size_m];
            if let Some(c) = grid.cell_at(q)
                && !cells.contains(&c)
            {
                cells.push(c);
            }
        }
        d += step;
    }
    cells
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::map::LandCover;

    #[test]
    fn travel_angle_matches_corominas_and_runout_stops_on_flat_ground() {
        // 50 000 m³ → tan α ≈ 0.311 (about 17°).
        assert!((reach_tangent(50_000.0) - 0.3115).abs() < 0.001);
        // A 50 % slope for 1 km then flat: debris reaches beyond the toe, not to the far end.
        let (cols, rows) = (60, 3);
        let mut elevation_m = Vec::new();
        for _ in 0..rows {
            for c in 0..cols {
                let x = c as f32 * 75.0;
                elevation_m.push(if x < 1000.0 { 1500.0 - 0.5 * x } else { 1000.0 });
            }
        }
        let g = TerrainGrid {
            cols,
            rows,
            cell_size_m: 75.0,
            slope_deg: vec![0.0; cols * rows],
            landcover: vec![LandCover::Forest; cols * rows],
            elevation_m,
        };
        let cells = runout_cells(&g, [40.0, 112.0], [4400.0, 112.0], 50_000.0);
        let far = cells.iter().map(|&c| c % cols).max().unwrap();
        assert!((13..25).contains(&far), "runout reached column {far}");
        // A bigger slide runs further (a smaller travel angle).
        let big = runout_cells(&g, [40.0, 112.0], [4400.0, 112.0], 5_000_000.0);
        assert!(big.iter().map(|&c| c % cols).max().unwrap() > far);
    }
}

//! First landslide model: a registered hazard point shows signs (cracks, creep) once the rain
//! since the drill began passes `signs_rain_mm` and fails at `critical_rain_mm`. The debris runs
//! out towards the villages below it until its travel angle falls to the reach of a landslide of
//! its volume (Corominas 1996: tan α = 0.97 V^-0.105). Issue 3 replaces the trigger with an
//! infinite-slope factor of safety.

use crate::map::{TerrainGrid, Xy};

#[derive(Clone, Debug, PartialEq)]
pub struct SlopePoint {
    pub pos: Xy,
    /// Where the debris heads: the first village it threatens.
    pub towards: Xy,
    pub signs_rain_mm: f64,
    pub critical_rain_mm: f64,
    pub volume_m3: f64,
    pub signs: bool,
    pub failed: bool,
}

/// Tangent of the travel angle (fahrböschung) for a volume in m³.
pub fn reach_tangent(volume_m3: f64) -> f64 {
    0.97 * volume_m3.max(1.0).powf(-0.105)
}

impl SlopePoint {
    /// Cells covered by the runout, from the source down the line to the village and beyond,
    /// while the line from the source still falls more steeply than the travel angle.
    pub fn runout_cells(&self, grid: &TerrainGrid) -> Vec<usize> {
        let Some(start) = grid.cell_at(self.pos) else { return Vec::new() };
        let z0 = grid.elevation_m[start] as f64;
        let (dx, dy) = (self.towards[0] - self.pos[0], self.towards[1] - self.pos[1]);
        let len = dx.hypot(dy).max(1.0);
        let (ux, uy) = (dx / len, dy / len);
        let tan_a = reach_tangent(self.volume_m3);
        let step = grid.cell_size_m / 2.0;
        let mut cells = vec![start];
        let mut d = step;
        while d <= len * 1.5 {
            let p = [self.pos[0] + ux * d, self.pos[1] + uy * d];
            let Some(cell) = grid.cell_at(p) else { break };
            let drop = z0 - grid.elevation_m[cell] as f64;
            if drop / d < tan_a {
                break;
            }
            // The tongue is about one cell wide on each side of the line.
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
        let g = TerrainGrid { cols, rows, cell_size_m: 75.0, slope_deg: vec![0.0; cols * rows], landcover: vec![LandCover::Forest; cols * rows], elevation_m };
        let p = SlopePoint { pos: [40.0, 112.0], towards: [4400.0, 112.0], signs_rain_mm: 1.0, critical_rain_mm: 2.0, volume_m3: 50_000.0, signs: false, failed: false };
        let cells = p.runout_cells(&g);
        let far = cells.iter().map(|&c| c % cols).max().unwrap();
        assert!((13..25).contains(&far), "runout reached column {far}");
    }
}

//! Rain-triggered landslides at registered hazard points (隐患点).
//!
//! Each point is a soil column on an infinite slope (`factor_of_safety`): strength and depth from
//! the scenario, or defaults by slope and land cover. Rain raises a perched water table
//! (`water_table`, a leaky bucket), the pore pressure lowers the factor of safety FS, and:
//! - cracks, creep and tilting trees show once FS drops below a margin (default 1.1: the
//!   slope is moving towards failure, which a monitor on the slope sees);
//! - the slope fails when FS drops below 1, and the debris runs out (`runout`, Corominas 1996
//!   travel angle), burying the cells on its path.
//!
//! `warning` holds the rainfall intensity–duration thresholds (Caine 1980) that anyone with a
//! rain gauge can check before a slope moves.

pub mod factor_of_safety;
pub mod runout;
pub mod warning;
pub mod water_table;

pub use factor_of_safety::SoilColumn;
pub use runout::{reach_tangent, runout_cells};
pub use warning::IntensityDuration;
pub use water_table::WaterTable;

use crate::map::{TerrainGrid, Xy};
use crate::scenario::HazardPointSpec;

/// Factor of safety below which signs show, unless the scenario says otherwise.
pub const DEFAULT_SIGNS_FS: f64 = 1.1;

#[derive(Clone, Debug, PartialEq)]
pub struct SlopePoint {
    pub pos: Xy,
    /// Where the debris heads: the first village it threatens.
    pub towards: Xy,
    pub volume_m3: f64,
    pub soil: SoilColumn,
    pub water: WaterTable,
    pub signs_below_fs: f64,
    /// Factor of safety now.
    pub factor_of_safety: f64,
    pub signs: bool,
    pub failed: bool,
}

/// What one step did to a point.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SlopeChange {
    pub signs: bool,
    pub failed: bool,
}

impl SlopePoint {
    /// The point a scenario registers at `pos`, its soil filled in from the map where not given.
    pub fn from_spec(spec: &HazardPointSpec, pos: Xy, towards: Xy, grid: &TerrainGrid) -> Result<SlopePoint, String> {
        let cell = grid.cell_at(pos).ok_or_else(|| format!("{} is off the map", spec.name))?;
        let cover = grid.landcover[cell];
        let slope_deg = spec.slope_deg.unwrap_or(grid.slope_deg[cell] as f64).max(1.0);
        let mut soil = SoilColumn::default_for(slope_deg, cover);
        soil.depth_m = spec.depth_m.unwrap_or(soil.depth_m);
        soil.friction_deg = spec.friction_deg.unwrap_or(soil.friction_deg);
        soil.unit_weight_kn_per_m3 = spec.unit_weight_kn_per_m3.unwrap_or(soil.unit_weight_kn_per_m3);
        let water = WaterTable::new(
            soil.depth_m,
            spec.drainable_porosity.unwrap_or(water_table::DEFAULT_DRAINABLE_POROSITY),
            spec.drainage_h.unwrap_or(water_table::DEFAULT_DRAINAGE_H),
            water_table::infiltration_share(cover),
            spec.initial_water_table_ratio,
        );
        soil.cohesion_kpa = match (spec.cohesion_kpa, spec.critical_rain_mm) {
            (Some(c), _) => c,
            (None, Some(rain)) => soil.cohesion_for_failure_at(water.ratio_after_burst(rain)),
            (None, None) => soil.cohesion_kpa,
        };
        soil.check().map_err(|e| format!("{}: {e}", spec.name))?;
        let signs_below_fs = match (spec.signs_factor_of_safety, spec.signs_rain_mm, spec.critical_rain_mm) {
            (Some(fs), _, _) => fs,
            (None, Some(rain), Some(_)) => soil.factor_of_safety(water.ratio_after_burst(rain)).clamp(1.01, 2.0),
            _ => DEFAULT_SIGNS_FS,
        };
        let factor_of_safety = soil.factor_of_safety(water.ratio());
        Ok(SlopePoint {
            pos,
            towards,
            volume_m3: spec.volume_m3,
            soil,
            water,
            signs_below_fs,
            factor_of_safety,
            signs: false,
            failed: false,
        })
    }

    /// Rain at `rain_mm_per_h` for `hours`: the water table moves, FS follows; reports what
    /// became true (signs always come with or before failure).
    pub fn step(&mut self, rain_mm_per_h: f64, hours: f64) -> SlopeChange {
        self.water.step(rain_mm_per_h, hours);
        self.factor_of_safety = self.soil.factor_of_safety(self.water.ratio());
        let mut change = SlopeChange::default();
        if !self.signs && (self.factor_of_safety < self.signs_below_fs || self.factor_of_safety < 1.0) {
            self.signs = true;
            change.signs = true;
        }
        if !self.failed && self.factor_of_safety < 1.0 {
            self.failed = true;
            change.failed = true;
        }
        change
    }

    /// Cells the debris covers once the point fails.
    pub fn runout_cells(&self, grid: &TerrainGrid) -> Vec<usize> {
        runout_cells(grid, self.pos, self.towards, self.volume_m3)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::map::LandCover;
    use crate::scenario::Place;

    fn spec() -> HazardPointSpec {
        HazardPointSpec {
            name: "P".into(),
            at: Place::LonLat(0.0, 0.0),
            threatens: vec!["V".into()],
            volume_m3: 50_000.0,
            slope_deg: Some(35.0),
            depth_m: Some(1.5),
            cohesion_kpa: Some(6.0),
            friction_deg: Some(33.0),
            unit_weight_kn_per_m3: Some(19.0),
            initial_water_table_ratio: 0.2,
            drainage_h: None,
            drainable_porosity: None,
            signs_factor_of_safety: None,
            critical_rain_mm: None,
            signs_rain_mm: None,
        }
    }

    fn grid() -> TerrainGrid {
        TerrainGrid {
            cols: 4,
            rows: 4,
            cell_size_m: 75.0,
            elevation_m: vec![1000.0; 16],
            slope_deg: vec![35.0; 16],
            landcover: vec![LandCover::Grass; 16],
        }
    }

    #[test]
    fn steady_rain_brings_signs_then_failure_and_dry_weather_does_not() {
        let g = grid();
        let mut p = SlopePoint::from_spec(&spec(), [100.0, 100.0], [200.0, 0.0], &g).expect("valid");
        assert!(p.factor_of_safety > DEFAULT_SIGNS_FS);
        let mut dry = p.clone();
        for _ in 0..(72 * 30) {
            assert_eq!(dry.step(0.0, 1.0 / 30.0), SlopeChange::default());
        }
        let (mut signs_h, mut failed_h) = (None, None);
        for k in 1..=(72 * 30) {
            let c = p.step(10.0, 1.0 / 30.0);
            let h = k as f64 / 30.0;
            if c.signs {
                signs_h = Some(h);
            }
            if c.failed {
                failed_h = Some(h);
            }
        }
        let (s, f) = (signs_h.expect("signs"), failed_h.expect("failure"));
        assert!(s < f, "signs at {s} h, failure at {f} h");
        assert!(p.failed && p.factor_of_safety < 1.0);
    }

    #[test]
    fn critical_rain_calibrates_the_cohesion() {
        let g = grid();
        let mut s = spec();
        s.cohesion_kpa = None;
        s.critical_rain_mm = Some(60.0);
        s.signs_rain_mm = Some(30.0);
        let p = SlopePoint::from_spec(&s, [100.0, 100.0], [200.0, 0.0], &g).expect("valid");
        let m = p.water.ratio_after_burst(60.0);
        assert!((p.soil.factor_of_safety(m) - 1.0).abs() < 1e-9);
        assert!(p.signs_below_fs > 1.0 && p.signs_below_fs < p.factor_of_safety);
        // A burst of the critical rain fails it at once.
        let mut burst = p.clone();
        assert!(burst.step(60.0 / (1.0 / 60.0), 1.0 / 60.0).failed || burst.factor_of_safety < 1.0 + 1e-3);
    }
}

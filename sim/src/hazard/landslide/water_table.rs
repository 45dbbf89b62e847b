//! A rain-driven perched water table above the slip surface, as a leaky bucket (a linear
//! reservoir, the storage form of the steady-state wetness of TOPMODEL/SHALSTAB made transient):
//!
//! dS/dt = f R − S / T,   m = S / (n_e z),   0 ≤ S ≤ n_e z,
//!
//! where S is the water stored in the saturated zone (mm), R the rain rate (mm/h), f the share of
//! rain that infiltrates (by land cover), T the drainage time constant (h), n_e the drainable
//! porosity and z the soil depth. With R constant over a step Δ the equation is integrated
//! exactly: S ← fRT + (S − fRT) e^(−Δ/T); storage beyond a saturated column runs off (saturation
//! excess). Under steady rain m approaches fRT / (n_e z); after the rain it halves every T ln 2.
//!
//! Defaults: n_e 0.1, T 24 h (shallow colluvial soils drain over a day or two; Iverson 2000), and
//! infiltration shares forest 0.9, shrub 0.8, grass, farmland and wetland 0.7, water 0.5,
//! bare rock 0.3, urban 0.2.

use serde::Serialize;

use crate::map::LandCover;

pub const DEFAULT_DRAINABLE_POROSITY: f64 = 0.1;
pub const DEFAULT_DRAINAGE_H: f64 = 24.0;

/// Share of rain that infiltrates the soil by land cover.
pub fn infiltration_share(cover: LandCover) -> f64 {
    match cover {
        LandCover::Forest => 0.9,
        LandCover::Shrub => 0.8,
        LandCover::Grass | LandCover::Farmland | LandCover::Wetland => 0.7,
        LandCover::Water => 0.5,
        LandCover::BareRock => 0.3,
        LandCover::Urban => 0.2,
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WaterTable {
    /// Water stored in the saturated zone, mm.
    pub storage_mm: f64,
    /// Storage of a fully saturated column, mm: n_e z.
    pub capacity_mm: f64,
    pub drainage_h: f64,
    pub infiltration: f64,
}

impl WaterTable {
    /// A water table in a column `depth_m` deep, starting at ratio `m0`.
    pub fn new(depth_m: f64, drainable_porosity: f64, drainage_h: f64, infiltration: f64, m0: f64) -> WaterTable {
        let capacity_mm = (drainable_porosity * depth_m * 1000.0).max(1e-9);
        WaterTable {
            storage_mm: m0.clamp(0.0, 1.0) * capacity_mm,
            capacity_mm,
            drainage_h: drainage_h.max(1e-6),
            infiltration: infiltration.clamp(0.0, 1.0),
        }
    }

    /// Water table ratio m = h_w / z.
    pub fn ratio(&self) -> f64 {
        (self.storage_mm / self.capacity_mm).clamp(0.0, 1.0)
    }

    /// Rain at `rain_mm_per_h` for `hours`.
    pub fn step(&mut self, rain_mm_per_h: f64, hours: f64) {
        let equilibrium = self.infiltration * rain_mm_per_h.max(0.0) * self.drainage_h;
        let decay = (-hours.max(0.0) / self.drainage_h).exp();
        self.storage_mm = (equilibrium + (self.storage_mm - equilibrium) * decay).clamp(0.0, self.capacity_mm);
    }

    /// Ratio reached if `rain_mm` fell at once on the current storage (no time to drain).
    pub fn ratio_after_burst(&self, rain_mm: f64) -> f64 {
        ((self.storage_mm + self.infiltration * rain_mm.max(0.0)) / self.capacity_mm).clamp(0.0, 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rises_to_its_equilibrium_under_steady_rain_and_drains_after() {
        // 1.5 m of soil: 150 mm holds a full column; 4 mm/h × 0.7 × 24 h = 67 mm equilibrium.
        let mut w = WaterTable::new(1.5, 0.1, 24.0, 0.7, 0.0);
        for _ in 0..(24 * 10) {
            w.step(4.0, 1.0);
        }
        assert!((w.storage_mm - 67.2).abs() < 0.01, "{}", w.storage_mm);
        assert!((w.ratio() - 0.448).abs() < 1e-3);
        // One time constant without rain: down to 1/e.
        let before = w.storage_mm;
        for _ in 0..24 {
            w.step(0.0, 1.0);
        }
        assert!((w.storage_mm / before - (-1.0f64).exp()).abs() < 1e-9);
    }

    #[test]
    fn step_size_does_not_change_the_answer_and_the_column_saturates() {
        let (mut a, mut b) = (WaterTable::new(1.0, 0.1, 24.0, 0.8, 0.2), WaterTable::new(1.0, 0.1, 24.0, 0.8, 0.2));
        a.step(3.0, 6.0);
        for _ in 0..360 {
            b.step(3.0, 1.0 / 60.0);
        }
        assert!((a.storage_mm - b.storage_mm).abs() < 1e-9);
        a.step(50.0, 24.0);
        assert_eq!(a.ratio(), 1.0);
    }
}

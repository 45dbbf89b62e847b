//! Rain excess by the SCS curve-number method (USDA NRCS, National Engineering Handbook Part 630,
//! ch. 10; TR-55, 1986): with potential retention S = 25400/CN − 254 mm and initial abstraction
//! Ia = 0.2 S, the direct runoff of a storm of depth P is Q = (P − Ia)² / (P − Ia + S) for P > Ia,
//! else 0. The rain falls on every cell alike, so Q is computed once per curve number and each
//! step adds its increment.

use crate::map::LandCover;

/// Curve numbers by land cover for hydrologic soil group C (thin, stony mountain soils) in
/// average antecedent moisture (AMC II), from TR-55 table 2-2: woods in good condition 70, brush
/// in fair condition 70, pasture in good condition 74, row crops (straight, good) 85, residential
/// ⅛ acre 90, bare rock as gravel/impervious-like 94, open water and wetland 100 (all runs off).
pub fn curve_number(lc: LandCover) -> f64 {
    match lc {
        LandCover::Forest => 70.0,
        LandCover::Shrub => 70.0,
        LandCover::Grass => 74.0,
        LandCover::Farmland => 85.0,
        LandCover::Urban => 90.0,
        LandCover::BareRock => 94.0,
        LandCover::Water | LandCover::Wetland => 100.0,
    }
}

/// Cumulative direct runoff, mm, of `rain_mm` of cumulative rain on curve number `cn` (0 < CN ≤ 100).
pub fn scs_runoff_mm(rain_mm: f64, cn: f64) -> f64 {
    if cn >= 100.0 {
        return rain_mm.max(0.0);
    }
    let s = 25400.0 / cn - 254.0;
    let ia = 0.2 * s;
    if rain_mm <= ia { 0.0 } else { (rain_mm - ia).powi(2) / (rain_mm - ia + s) }
}

/// Tracks a storm's cumulative rain and hands out each curve number's runoff increment.
#[derive(Clone, Debug)]
pub struct CurveNumberRunoff {
    rain_mm: f64,
    pub curve_numbers: Vec<f64>,
}

impl CurveNumberRunoff {
    pub fn new(curve_numbers: Vec<f64>) -> Self {
        CurveNumberRunoff { rain_mm: 0.0, curve_numbers }
    }

    /// Adds `rain_mm` of rain; returns the runoff depth, mm, of each curve number.
    pub fn add_rain(&mut self, rain_mm: f64) -> Vec<f64> {
        let before = self.rain_mm;
        self.rain_mm += rain_mm.max(0.0);
        self.curve_numbers.iter().map(|&cn| scs_runoff_mm(self.rain_mm, cn) - scs_runoff_mm(before, cn)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_tr55_worked_numbers() {
        // TR-55 example: P = 5 in (127 mm), CN 75 → Q ≈ 2.45 in (62 mm) (figure 2-1).
        let q = scs_runoff_mm(127.0, 75.0);
        assert!((q - 62.2).abs() < 0.5, "{q}");
        assert_eq!(scs_runoff_mm(10.0, 70.0), 0.0, "below the initial abstraction");
        assert_eq!(scs_runoff_mm(42.0, 100.0), 42.0);
        let mut r = CurveNumberRunoff::new(vec![75.0]);
        let total: f64 = (0..127).map(|_| r.add_rain(1.0)[0]).sum();
        assert!((total - q).abs() < 1e-9);
    }
}

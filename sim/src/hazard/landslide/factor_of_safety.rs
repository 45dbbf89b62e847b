//! Infinite-slope factor of safety with pore pressure (Skempton & DeLory 1957; the form used by
//! SHALSTAB, Montgomery & Dietrich 1994, and SINMAP, Pack et al. 1998):
//!
//! FS = [c' + (γ z cos²β − γw h_w cos²β) tan φ'] / (γ z sin β cos β),  h_w = m z,
//!
//! with c' the effective cohesion (soil plus roots, kPa), γ the (saturated) unit weight of the
//! soil and γw that of water (kN/m³), z the vertical depth of the slip surface, β the slope
//! angle, φ' the effective friction angle and m = h_w / z the water table ratio (0 dry, 1 at the
//! surface). FS is linear in m, so the water table that brings the slope to failure has a
//! closed form. Check (tests): z 6 m, β 22°, γ 20.8, φ' 26°, c' 52 kPa, m 1 → FS 1.8375; dry 2.4068.
//!
//! Defaults when a scenario gives no soil data, by slope and land cover:
//! - depth: soil thins linearly with tan β from 3 m at 10° to 0.5 m at 45° (the slope-dependent
//!   soil depth of Saulnier, Beven & Obled 1997);
//! - cohesion: 2 kPa of soil cohesion plus root cohesion by cover — forest 6, shrub 3, grass,
//!   farmland and wetland 1, urban fill 0 kPa (within the ranges measured by Schmidt et al. 2001
//!   and summarised by Sidle & Ochiai 2006); bare rock 100 kPa (it does not fail as a soil slope);
//! - friction 33° and unit weight 19 kN/m³, typical of colluvium (Sidle & Ochiai 2006).

use serde::Serialize;

use crate::map::LandCover;

/// Unit weight of water, kN/m³.
pub const WATER_UNIT_WEIGHT_KN_PER_M3: f64 = 9.81;

/// A soil column on an infinite slope.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SoilColumn {
    pub depth_m: f64,
    pub slope_deg: f64,
    pub unit_weight_kn_per_m3: f64,
    pub friction_deg: f64,
    pub cohesion_kpa: f64,
    pub water_unit_weight_kn_per_m3: f64,
}

impl SoilColumn {
    /// Sensible soil for a slope of this angle under this land cover (see the module docs).
    pub fn default_for(slope_deg: f64, cover: LandCover) -> SoilColumn {
        let t = |deg: f64| deg.to_radians().tan();
        let share = ((t(slope_deg.clamp(0.0, 89.0)) - t(10.0)) / (t(45.0) - t(10.0))).clamp(0.0, 1.0);
        let roots = match cover {
            LandCover::Forest => 6.0,
            LandCover::Shrub => 3.0,
            LandCover::Grass | LandCover::Farmland | LandCover::Wetland | LandCover::Water => 1.0,
            LandCover::Urban => 0.0,
            LandCover::BareRock => 98.0,
        };
        SoilColumn {
            depth_m: 3.0 - 2.5 * share,
            slope_deg,
            unit_weight_kn_per_m3: 19.0,
            friction_deg: 33.0,
            cohesion_kpa: 2.0 + roots,
            water_unit_weight_kn_per_m3: WATER_UNIT_WEIGHT_KN_PER_M3,
        }
    }

    /// Why these numbers cannot describe a soil slope, if they cannot.
    pub fn check(&self) -> Result<(), String> {
        let finite = [
            self.depth_m,
            self.slope_deg,
            self.unit_weight_kn_per_m3,
            self.friction_deg,
            self.cohesion_kpa,
            self.water_unit_weight_kn_per_m3,
        ];
        if finite.iter().any(|x| !x.is_finite()) {
            return Err("every number must be finite".into());
        }
        if !(self.slope_deg > 0.0 && self.slope_deg < 90.0) {
            return Err(format!(
                "slope {}° must be more than 0° and less than 90° (a flat slope cannot slide)",
                self.slope_deg
            ));
        }
        if self.depth_m <= 0.0 {
            return Err(format!("depth {} m must be more than 0", self.depth_m));
        }
        if self.unit_weight_kn_per_m3 <= 0.0 || self.water_unit_weight_kn_per_m3 <= 0.0 {
            return Err("unit weights must be more than 0".into());
        }
        if !(0.0..90.0).contains(&self.friction_deg) {
            return Err(format!("friction angle {}° must be at least 0° and less than 90°", self.friction_deg));
        }
        if self.cohesion_kpa < 0.0 {
            return Err(format!("cohesion {} kPa must not be negative", self.cohesion_kpa));
        }
        Ok(())
    }

    /// Shear stress on the slip surface, kPa: γ z sin β cos β.
    pub fn shear_stress_kpa(&self) -> f64 {
        let b = self.slope_deg.to_radians();
        self.unit_weight_kn_per_m3 * self.depth_m * b.sin() * b.cos()
    }

    /// Total normal stress on the slip surface, kPa: γ z cos²β.
    pub fn normal_stress_kpa(&self) -> f64 {
        self.unit_weight_kn_per_m3 * self.depth_m * self.slope_deg.to_radians().cos().powi(2)
    }

    /// Pore pressure on the slip surface with water table ratio `m`, kPa: γw m z cos²β.
    pub fn pore_pressure_kpa(&self, m: f64) -> f64 {
        self.water_unit_weight_kn_per_m3 * m.clamp(0.0, 1.0) * self.depth_m * self.slope_deg.to_radians().cos().powi(2)
    }

    /// Factor of safety with water table ratio `m` (clamped to 0–1). Infinite on flat ground.
    pub fn factor_of_safety(&self, m: f64) -> f64 {
        let tau = self.shear_stress_kpa();
        if tau <= 0.0 {
            return f64::INFINITY;
        }
        let effective_normal = (self.normal_stress_kpa() - self.pore_pressure_kpa(m)).max(0.0);
        (self.cohesion_kpa + effective_normal * self.friction_deg.to_radians().tan()) / tau
    }

    /// The water table ratio at which FS falls to `fs` (FS is linear in m): `Some(0)` if the
    /// slope is below `fs` even dry, `None` if it stays above `fs` even saturated.
    pub fn water_table_ratio_for(&self, fs: f64) -> Option<f64> {
        let (dry, wet) = (self.factor_of_safety(0.0), self.factor_of_safety(1.0));
        if dry <= fs {
            Some(0.0)
        } else if wet > fs || !dry.is_finite() {
            None
        } else {
            Some((dry - fs) / (dry - wet))
        }
    }

    /// The cohesion that puts FS at exactly 1 with water table ratio `m` (none below 0).
    pub fn cohesion_for_failure_at(&self, m: f64) -> f64 {
        let friction =
            (self.normal_stress_kpa() - self.pore_pressure_kpa(m)).max(0.0) * self.friction_deg.to_radians().tan();
        (self.shear_stress_kpa() - friction).max(0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference() -> SoilColumn {
        SoilColumn {
            depth_m: 6.0,
            slope_deg: 22.0,
            unit_weight_kn_per_m3: 20.8,
            friction_deg: 26.0,
            cohesion_kpa: 52.0,
            water_unit_weight_kn_per_m3: 9.81,
        }
    }

    #[test]
    fn reproduces_the_published_check_to_a_tenth_of_a_percent() {
        let s = reference();
        assert!(s.check().is_ok());
        let (wet, dry) = (s.factor_of_safety(1.0), s.factor_of_safety(0.0));
        assert!((wet / 1.8375 - 1.0).abs() < 1e-3, "saturated FS {wet}");
        assert!((dry / 2.4068 - 1.0).abs() < 1e-3, "dry FS {dry}");
    }

    #[test]
    fn fs_falls_linearly_with_the_water_table_and_the_critical_ratio_is_exact() {
        let mut s = reference();
        s.cohesion_kpa = 5.0;
        let m = s.water_table_ratio_for(1.0).expect("fails when wet enough");
        assert!((0.0..=1.0).contains(&m));
        assert!((s.factor_of_safety(m) - 1.0).abs() < 1e-9);
        let half = s.factor_of_safety(0.5);
        assert!((half - (s.factor_of_safety(0.0) + s.factor_of_safety(1.0)) / 2.0).abs() < 1e-9);
        // Cohesion chosen for failure at m = 0.7 gives FS 1 there.
        s.cohesion_kpa = s.cohesion_for_failure_at(0.7);
        assert!((s.factor_of_safety(0.7) - 1.0).abs() < 1e-9);
        assert_eq!(reference().water_table_ratio_for(1.0), None);
    }

    #[test]
    fn defaults_thin_the_soil_on_steep_slopes_and_forest_roots_hold() {
        let gentle = SoilColumn::default_for(10.0, LandCover::Grass);
        let steep = SoilColumn::default_for(40.0, LandCover::Grass);
        assert!((gentle.depth_m - 3.0).abs() < 1e-9 && steep.depth_m < 1.2);
        let forest = SoilColumn::default_for(35.0, LandCover::Forest);
        let meadow = SoilColumn::default_for(35.0, LandCover::Grass);
        assert!(forest.factor_of_safety(1.0) > 1.0, "forest on 35° stands saturated");
        assert!(
            meadow.factor_of_safety(1.0) < 1.0 && meadow.factor_of_safety(0.0) > 1.0,
            "a meadow on 35° fails only wet"
        );
    }

    #[test]
    fn rejects_impossible_columns() {
        let mut s = reference();
        s.slope_deg = 95.0;
        assert!(s.check().is_err());
        s = reference();
        s.depth_m = -1.0;
        assert!(s.check().is_err());
        s = reference();
        s.cohesion_kpa = f64::NAN;
        assert!(s.check().is_err());
        s = reference();
        s.slope_deg = 0.0;
        assert!(s.check().is_err());
        assert!(s.factor_of_safety(1.0).is_infinite());
    }
}

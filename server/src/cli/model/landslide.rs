//! `model landslide`: the infinite-slope factor of safety the simulation uses
//! (`sim::hazard::landslide::SoilColumn`), for one soil column and water table.

use serde_json::json;
use sim::hazard::landslide::SoilColumn;
use sim::hazard::landslide::factor_of_safety::WATER_UNIT_WEIGHT_KN_PER_M3;

#[derive(clap::Args, Debug)]
pub struct LandslideArgs {
    /// Vertical depth of the slip surface, m.
    #[arg(long, allow_negative_numbers = true)]
    pub depth_m: f64,
    /// Slope angle, degrees (more than 0, less than 90).
    #[arg(long, allow_negative_numbers = true)]
    pub slope_deg: f64,
    /// Unit weight of the soil (saturated), kN/m³.
    #[arg(long, allow_negative_numbers = true)]
    pub unit_weight_kn_per_m3: f64,
    /// Effective friction angle, degrees.
    #[arg(long, allow_negative_numbers = true)]
    pub friction_deg: f64,
    /// Effective cohesion (soil plus roots), kPa.
    #[arg(long, allow_negative_numbers = true)]
    pub cohesion_kpa: f64,
    /// Water table ratio m = h_w / z: 0 dry, 1 at the surface.
    #[arg(long, allow_negative_numbers = true)]
    pub water_table_ratio: f64,
    /// Unit weight of water, kN/m³.
    #[arg(long, allow_negative_numbers = true, default_value_t = WATER_UNIT_WEIGHT_KN_PER_M3)]
    pub water_unit_weight_kn_per_m3: f64,
    /// Answer as JSON (the default; accepted for symmetry with the other models).
    #[arg(long)]
    pub json: bool,
}

pub fn run(a: LandslideArgs) -> Result<String, String> {
    let soil = SoilColumn {
        depth_m: a.depth_m,
        slope_deg: a.slope_deg,
        unit_weight_kn_per_m3: a.unit_weight_kn_per_m3,
        friction_deg: a.friction_deg,
        cohesion_kpa: a.cohesion_kpa,
        water_unit_weight_kn_per_m3: a.water_unit_weight_kn_per_m3,
    };
    soil.check()?;
    let m = a.water_table_ratio;
    if !(m.is_finite() && (0.0..=1.0).contains(&m)) {
        return Err(format!("water table ratio {m} must be from 0 (dry) to 1 (water table at the surface)"));
    }
    if soil.pore_pressure_kpa(1.0) > soil.normal_stress_kpa() {
        return Err(
            "the soil is lighter than water (unit weight below the water's): check --unit-weight-kn-per-m3".into()
        );
    }
    let fs = soil.factor_of_safety(m);
    let out = json!({
        "factor_of_safety": fs,
        "factor_of_safety_dry": soil.factor_of_safety(0.0),
        "factor_of_safety_saturated": soil.factor_of_safety(1.0),
        "fails": fs < 1.0,
        "critical_water_table_ratio": soil.water_table_ratio_for(1.0),
        "water_table_height_m": a.depth_m * m,
        "shear_stress_kpa": soil.shear_stress_kpa(),
        "normal_stress_kpa": soil.normal_stress_kpa(),
        "pore_pressure_kpa": soil.pore_pressure_kpa(m),
        "inputs": soil,
        "water_table_ratio": m,
    });
    serde_json::to_string_pretty(&out).map_err(|e| e.to_string())
}

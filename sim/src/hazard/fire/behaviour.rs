//! Fire behaviour at a point for one fuel model and weather, in SI: what `model fire` prints and
//! what the grid spread uses per cell. Combines `rothermel` (rate, intensity), `wind` (midflame
//! wind) and `ellipse` (shape, backing and flanking rates).

use super::ellipse::Ellipse;
use super::fuel_models::FuelModel;
use super::rothermel::{Fuelbed, Moisture, flame_length_ft};
use super::wind::{Canopy, TEN_M_TO_TWENTY_FT, wind_adjustment_factor};

pub const M_PER_FT: f64 = 0.3048;
const KJ_PER_BTU: f64 = 1.055_056;

/// The wind as given.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Wind {
    /// Already at midflame height, m/s.
    Midflame(f64),
    /// At 20 ft (6.1 m) above the vegetation, m/s; reduced by the wind adjustment factor.
    TwentyFoot { m_per_s: f64, canopy: Option<Canopy> },
    /// At 10 m, m/s: divided by 1.15 to 20 ft, then as `TwentyFoot`.
    TenMetre { m_per_s: f64, canopy: Option<Canopy> },
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FireInputs {
    pub moisture: Moisture,
    pub wind: Wind,
    pub slope_percent: f64,
    /// Direction the wind blows towards, degrees clockwise from upslope (0: straight upslope).
    pub wind_to_from_upslope_deg: f64,
    /// Cap the effective wind at 0.9 I_R (Rothermel 1972); BehavePlus leaves it off by default.
    pub wind_limit: bool,
}

/// Head fire behaviour in SI (plus the model's own units for checking against published tables).
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct FireBehaviour {
    pub ros_m_per_min: f64,
    pub ros_ch_per_h: f64,
    pub flame_length_m: f64,
    pub fireline_intensity_kw_per_m: f64,
    pub length_to_width: f64,
    pub backing_ros_m_per_min: f64,
    pub flanking_ros_m_per_min: f64,
    pub reaction_intensity_kw_per_m2: f64,
    pub wind_adjustment_factor: f64,
    pub effective_wind_m_per_s: f64,
    pub no_wind_no_slope_ros_m_per_min: f64,
    /// Direction of maximum spread, degrees clockwise from upslope.
    pub direction_of_max_spread_from_upslope_deg: f64,
    pub wind_limited: bool,
    #[serde(skip)]
    pub us: UsUnits,
}

/// The same numbers in the units of Rothermel, BehavePlus and the published checks.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct UsUnits {
    pub ros_ft_min: f64,
    pub r0_ft_min: f64,
    pub flame_length_ft: f64,
    pub fireline_intensity_btu_ft_s: f64,
    pub reaction_intensity_btu_ft2_min: f64,
}

/// Fire behaviour for `fm`; `None` when the model does not burn.
pub fn behaviour(fm: &FuelModel, inputs: &FireInputs) -> Option<FireBehaviour> {
    let bed = Fuelbed::new(fm, inputs.moisture)?;
    let (midflame_m_s, waf) = match inputs.wind {
        Wind::Midflame(u) => (u, 1.0),
        Wind::TwentyFoot { m_per_s, canopy } => {
            let waf = wind_adjustment_factor(fm.depth_ft, canopy).0;
            (m_per_s * waf, waf)
        }
        Wind::TenMetre { m_per_s, canopy } => {
            let waf = wind_adjustment_factor(fm.depth_ft, canopy).0;
            (m_per_s / TEN_M_TO_TWENTY_FT * waf, waf)
        }
    };
    let u_ft_min = midflame_m_s / M_PER_FT * 60.0;
    let head = bed.head(
        u_ft_min,
        inputs.slope_percent / 100.0,
        inputs.wind_to_from_upslope_deg.to_radians(),
        inputs.wind_limit,
    );
    let shape = Ellipse::new(head.ros_ft_min, head.effective_wind_ft_min);
    let intensity = bed.fireline_intensity(head.ros_ft_min);
    let flame_ft = flame_length_ft(intensity);
    let m_min = |ft_min: f64| ft_min * M_PER_FT;
    Some(FireBehaviour {
        ros_m_per_min: m_min(head.ros_ft_min),
        ros_ch_per_h: head.ros_ft_min * 60.0 / 66.0,
        flame_length_m: flame_ft * M_PER_FT,
        fireline_intensity_kw_per_m: intensity * KJ_PER_BTU / M_PER_FT,
        length_to_width: shape.length_to_width,
        backing_ros_m_per_min: m_min(shape.backing()),
        flanking_ros_m_per_min: m_min(shape.flanking()),
        reaction_intensity_kw_per_m2: bed.reaction_intensity * KJ_PER_BTU / (M_PER_FT * M_PER_FT) / 60.0,
        wind_adjustment_factor: waf,
        effective_wind_m_per_s: head.effective_wind_ft_min * M_PER_FT / 60.0,
        no_wind_no_slope_ros_m_per_min: m_min(bed.r0),
        direction_of_max_spread_from_upslope_deg: head.dir_from_upslope_rad.to_degrees(),
        wind_limited: head.wind_limited,
        us: UsUnits {
            ros_ft_min: head.ros_ft_min,
            r0_ft_min: bed.r0,
            flame_length_ft: flame_ft,
            fireline_intensity_btu_ft_s: intensity,
            reaction_intensity_btu_ft2_min: bed.reaction_intensity,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::super::fuel_models::fuel_model;
    use super::*;

    const MPH: f64 = 0.44704; // m/s
    const FT_MIN: f64 = M_PER_FT / 60.0; // m/s

    fn run(code: &str, m: [f64; 5], wind_m_s: f64, slope: f64, dir: f64) -> FireBehaviour {
        let inputs = FireInputs {
            moisture: Moisture::percent(m[0], m[1], m[2], m[3], m[4]),
            wind: Wind::Midflame(wind_m_s),
            slope_percent: slope,
            wind_to_from_upslope_deg: dir,
            wind_limit: false,
        };
        behaviour(&fuel_model(code).unwrap(), &inputs).unwrap()
    }

    fn close(got: f64, want: f64) {
        assert!(((got - want) / want).abs() < 0.001, "got {got}, want {want} ({:+.4} %)", (got / want - 1.0) * 100.0);
    }

    #[test]
    fn gs4_reference() {
        let b = run("GS4", [6.0, 7.0, 8.0, 60.0, 90.0], 5.0 * MPH, 30.0, 0.0);
        close(b.ros_ch_per_h, 34.011429);
        close(b.us.flame_length_ft, 15.811421);
        close(b.us.fireline_intensity_btu_ft_s, 2292.684759);
    }

    #[test]
    fn fm10_upslope_reference() {
        let b = run("FM10", [5.0, 5.0, 5.0, 50.0, 50.0], 880.0 * FT_MIN, 25.0, 0.0);
        close(b.us.ros_ft_min, 38.894889923);
        close(b.us.flame_length_ft, 10.433409);
    }

    #[test]
    fn fm10_no_wind_and_cross_slope_reference() {
        let calm = run("FM10", [5.0, 7.0, 9.0, 50.0, 150.0], 0.0, 0.0, 0.0);
        close(calm.us.ros_ft_min, 0.679008609);
        close(calm.us.reaction_intensity_btu_ft2_min, 5794.6954);
        let cross = run("FM10", [5.0, 7.0, 9.0, 50.0, 150.0], 880.0 * FT_MIN, 25.0, 90.0);
        close(cross.us.ros_ft_min, 18.5516803);
    }

    #[test]
    fn wet_fuel_does_not_spread_and_wind_limit_caps() {
        let wet = run("GR2", [40.0, 40.0, 40.0, 200.0, 200.0], 3.0, 0.0, 0.0);
        assert_eq!(wet.ros_m_per_min, 0.0);
        let inputs = FireInputs {
            moisture: Moisture::percent(3.0, 4.0, 5.0, 30.0, 60.0),
            wind: Wind::Midflame(60.0),
            slope_percent: 0.0,
            wind_to_from_upslope_deg: 0.0,
            wind_limit: true,
        };
        let b = behaviour(&fuel_model("FM1").unwrap(), &inputs).unwrap();
        assert!(b.wind_limited);
        assert!((b.effective_wind_m_per_s / FT_MIN - 0.9 * b.us.reaction_intensity_btu_ft2_min).abs() < 1e-6);
    }
}

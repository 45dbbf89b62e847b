//! `model fire`: surface fire behaviour for one fuel model and weather, computed by the same code
//! the simulation spreads fire with (`sim::hazard::fire::behaviour`: Rothermel 1972 with Albini
//! 1976, BehavePlus's wind adjustment factor and fire ellipse).

use sim::hazard::fire::behaviour::{FireInputs, M_PER_FT, Wind, behaviour};
use sim::hazard::fire::fuel_models::{codes, fuel_model};
use sim::hazard::fire::rothermel::Moisture;
use sim::hazard::fire::wind::Canopy;

#[derive(clap::Args, Debug)]
pub struct FireArgs {
    /// Standard fuel model code: Anderson FM1..FM13 (or 1..13), Scott & Burgan GR1..SB4, NB1..NB9.
    #[arg(long)]
    pub fuel: String,
    /// Dead 1-hour fuel moisture, percent.
    #[arg(long, allow_negative_numbers = true)]
    pub m1h: f64,
    /// Dead 10-hour fuel moisture, percent.
    #[arg(long, allow_negative_numbers = true)]
    pub m10h: f64,
    /// Dead 100-hour fuel moisture, percent.
    #[arg(long, allow_negative_numbers = true)]
    pub m100h: f64,
    /// Live herbaceous fuel moisture, percent.
    #[arg(long, allow_negative_numbers = true)]
    pub mherb: f64,
    /// Live woody fuel moisture, percent.
    #[arg(long, allow_negative_numbers = true)]
    pub mwoody: f64,
    /// Wind at midflame height, m/s.
    #[arg(long, allow_negative_numbers = true, conflicts_with_all = ["wind_10m_m_per_s", "wind_20ft_m_per_s"])]
    pub midflame_wind_m_per_s: Option<f64>,
    /// Wind at 10 m, m/s (reduced to 20 ft by 1.15, then to midflame by the wind adjustment factor).
    #[arg(long, allow_negative_numbers = true, conflicts_with = "wind_20ft_m_per_s")]
    pub wind_10m_m_per_s: Option<f64>,
    /// Wind at 20 ft (6.1 m) above the vegetation, m/s.
    #[arg(long, allow_negative_numbers = true)]
    pub wind_20ft_m_per_s: Option<f64>,
    /// Canopy cover, percent (with a 10 m or 20 ft wind; sheltering needs all three canopy options).
    #[arg(long, allow_negative_numbers = true, requires_all = ["crown_ratio", "canopy_height_m"])]
    pub canopy_cover_percent: Option<f64>,
    /// Crown ratio, fraction of the tree height in crown (0–1).
    #[arg(long, allow_negative_numbers = true, requires = "canopy_cover_percent")]
    pub crown_ratio: Option<f64>,
    /// Canopy height, m.
    #[arg(long, allow_negative_numbers = true, requires = "canopy_cover_percent")]
    pub canopy_height_m: Option<f64>,
    /// Slope, percent (rise over run × 100).
    #[arg(long, allow_negative_numbers = true)]
    pub slope_percent: f64,
    /// Direction the wind blows towards, degrees clockwise from upslope (0: straight upslope).
    #[arg(long, allow_negative_numbers = true, default_value_t = 0.0)]
    pub wind_from_upslope_deg: f64,
    /// Cap the effective wind speed at 0.9 × reaction intensity (Rothermel 1972; off in BehavePlus).
    #[arg(long)]
    pub wind_limit: bool,
    /// Answer as JSON (the default; accepted for symmetry with the other models).
    #[arg(long)]
    pub json: bool,
}

fn check(name: &str, v: f64, lo: f64, hi: f64) -> Result<f64, String> {
    if v.is_finite() && (lo..=hi).contains(&v) {
        Ok(v)
    } else {
        Err(format!("--{name} {v} is out of range: give a number from {lo} to {hi}"))
    }
}

pub fn run(a: FireArgs) -> Result<String, String> {
    let fm =
        fuel_model(&a.fuel).ok_or_else(|| format!("unknown fuel model {:?}: one of {}", a.fuel, codes().join(", ")))?;
    let moisture = Moisture::percent(
        check("m1h", a.m1h, 1.0, 100.0)?,
        check("m10h", a.m10h, 1.0, 100.0)?,
        check("m100h", a.m100h, 1.0, 100.0)?,
        check("mherb", a.mherb, 0.0, 400.0)?,
        check("mwoody", a.mwoody, 0.0, 400.0)?,
    );
    let canopy = match (a.canopy_cover_percent, a.crown_ratio, a.canopy_height_m) {
        (Some(cover), Some(ratio), Some(height)) => Some(Canopy {
            cover: check("canopy-cover-percent", cover, 0.0, 100.0)? / 100.0,
            crown_ratio: check("crown-ratio", ratio, 0.0, 1.0)?,
            height_ft: check("canopy-height-m", height, 0.0, 150.0)? / M_PER_FT,
        }),
        (None, None, None) => None,
        _ => {
            return Err(
                "canopy sheltering needs --canopy-cover-percent, --crown-ratio and --canopy-height-m together".into()
            );
        }
    };
    let wind = match (a.midflame_wind_m_per_s, a.wind_10m_m_per_s, a.wind_20ft_m_per_s) {
        (Some(u), None, None) => {
            if canopy.is_some() {
                return Err("canopy options apply to a 10 m or 20 ft wind, not to a midflame wind".into());
            }
            Wind::Midflame(check("midflame-wind-m-per-s", u, 0.0, 100.0)?)
        }
        (None, Some(u), None) => Wind::TenMetre { m_per_s: check("wind-10m-m-per-s", u, 0.0, 100.0)?, canopy },
        (None, None, Some(u)) => Wind::TwentyFoot { m_per_s: check("wind-20ft-m-per-s", u, 0.0, 100.0)?, canopy },
        (None, None, None) => Wind::Midflame(0.0),
        _ => return Err("give one wind: --midflame-wind-m-per-s, --wind-10m-m-per-s or --wind-20ft-m-per-s".into()),
    };
    let inputs = FireInputs {
        moisture,
        wind,
        slope_percent: check("slope-percent", a.slope_percent, 0.0, 1000.0)?,
        wind_to_from_upslope_deg: check("wind-from-upslope-deg", a.wind_from_upslope_deg, -360.0, 360.0)?,
        wind_limit: a.wind_limit,
    };
    let b = behaviour(&fm, &inputs).ok_or_else(|| format!("fuel model {} ({}) does not burn", fm.code, fm.name))?;
    let mut out = serde_json::to_value(b).map_err(|e| e.to_string())?;
    out["fuel"] = serde_json::json!({ "code": fm.code, "name": fm.name });
    serde_json::to_string_pretty(&out).map_err(|e| e.to_string())
}

//! Wind adjustment factor: the share of the 20-ft (6.1 m) wind that reaches midflame height
//! (Albini & Baughman 1979; Andrews 2012, GTR RMRS-266; as BehavePlus):
//! - unsheltered (canopy crown fill `f = cover × crown ratio / 3` below 5 %, or no canopy):
//!   `WAF = 1.83 / ln((20 + 0.36 H) / (0.13 H))`, H the fuel bed depth in ft;
//! - sheltered: `WAF = 0.555 / (√(f H_c) ln((20 + 0.36 H_c) / (0.13 H_c)))`, H_c canopy height in ft.
//!
//! A 10 m wind is converted to 20 ft by dividing by 1.15 (Turner & Lawson 1978).

pub const TEN_M_TO_TWENTY_FT: f64 = 1.15;

/// A canopy over the fuel bed: cover (fraction), crown ratio (fraction), height (ft).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Canopy {
    pub cover: f64,
    pub crown_ratio: f64,
    pub height_ft: f64,
}

/// The wind adjustment factor and whether the canopy shelters the fuel.
pub fn wind_adjustment_factor(fuel_depth_ft: f64, canopy: Option<Canopy>) -> (f64, bool) {
    if let Some(c) = canopy {
        let fill = c.cover * c.crown_ratio / 3.0;
        if c.cover > 1e-7 && fill >= 0.05 && c.height_ft >= 6.0 {
            let h = c.height_ft;
            return (0.555 / ((fill * h).sqrt() * ((20.0 + 0.36 * h) / (0.13 * h)).ln()), true);
        }
    }
    if fuel_depth_ft <= 1e-7 {
        return (0.0, false);
    }
    (1.83 / ((20.0 + 0.36 * fuel_depth_ft) / (0.13 * fuel_depth_ft)).ln(), false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_factors() {
        // Andrews (2012) table 5: 1 ft deep fuel unsheltered ≈ 0.36; 6 ft ≈ 0.55.
        assert!((wind_adjustment_factor(1.0, None).0 - 0.36).abs() < 0.01);
        assert!((wind_adjustment_factor(6.0, None).0 - 0.55).abs() < 0.02);
        let dense = Canopy { cover: 0.8, crown_ratio: 0.5, height_ft: 60.0 };
        let (waf, sheltered) = wind_adjustment_factor(1.0, Some(dense));
        assert!(sheltered && waf < 0.2 && waf > 0.05, "{waf}");
        let sparse = Canopy { cover: 0.1, crown_ratio: 0.5, height_ft: 60.0 };
        assert!(!wind_adjustment_factor(1.0, Some(sparse)).1);
    }
}

//! The elliptical fire shape (Anderson 1983; Alexander 1985), as BehavePlus draws it: the
//! length-to-width ratio from the effective wind speed by Rothermel's (1991) fit
//! `L/W = 0.936 e^(0.1147 U) + 0.461 e^(−0.0692 U) − 0.397` (U in mi/h, at most 8), the ignition
//! point at the rear focus, backing rate `R (1 − e) / (1 + e)` and flanking rate `(R + R_b) / (2 L/W)`.

/// A fire ellipse grown from a point: head rate and eccentricity.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Ellipse {
    pub head: f64,
    pub length_to_width: f64,
    pub eccentricity: f64,
}

/// ft/min per mi/h.
const FT_MIN_PER_MPH: f64 = 88.0;

impl Ellipse {
    pub fn new(head: f64, effective_wind_ft_min: f64) -> Ellipse {
        let u = effective_wind_ft_min / FT_MIN_PER_MPH;
        let lw = if u > 1e-7 {
            (0.936 * (0.1147 * u).exp() + 0.461 * (-0.0692 * u).exp() - 0.397).clamp(1.0, 8.0)
        } else {
            1.0
        };
        let eccentricity = (lw * lw - 1.0).max(0.0).sqrt() / lw;
        Ellipse { head, length_to_width: lw, eccentricity }
    }

    pub fn backing(&self) -> f64 {
        self.head * (1.0 - self.eccentricity) / (1.0 + self.eccentricity)
    }

    pub fn flanking(&self) -> f64 {
        (self.head + self.backing()) / (2.0 * self.length_to_width)
    }

    /// Rate of spread from the ignition point at `angle` radians off the head direction.
    pub fn rate_at(&self, angle: f64) -> f64 {
        self.head * (1.0 - self.eccentricity) / (1.0 - self.eccentricity * angle.cos())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calm_is_a_circle_and_the_shape_is_consistent() {
        let c = Ellipse::new(2.0, 0.0);
        assert_eq!((c.length_to_width, c.backing(), c.rate_at(1.0)), (1.0, 2.0, 2.0));
        let e = Ellipse::new(10.0, 5.0 * FT_MIN_PER_MPH);
        assert!((e.rate_at(std::f64::consts::PI) - e.backing()).abs() < 1e-12);
        // The ellipse's length over its width from the head, backing and flanking rates.
        assert!(((e.head + e.backing()) / (2.0 * e.flanking()) - e.length_to_width).abs() < 1e-12);
    }
}

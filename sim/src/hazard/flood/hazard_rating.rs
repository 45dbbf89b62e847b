//! How dangerous moving water is to people: the flood hazard rating of Defra/Environment Agency
//! R&D report FD2320/TR2 (HR Wallingford 2006, "Flood risks to people", eq. 3.1 and table 13.1):
//!
//! HR = d (v + 0.5) + DF
//!
//! with depth d (m), speed v (m/s) and a debris factor DF of 0 below 0.25 m and 0.5 at or above it
//! (the table's value for pasture, farmland and woodland; urban areas take 1 beyond 0.75 m).
//! Classes: below 0.75 low ("caution"), 0.75–1.25 danger for some (children, the elderly and the
//! infirm), 1.25–2.0 danger for most, above 2.0 danger for all including the emergency services.
//! Vehicles: the world cuts a road at 0.3 m of water (most cars float or stall at 0.3–0.6 m).

/// FD2320 hazard rating of water `depth_m` deep moving at `speed_m_per_s`.
pub fn hazard_rating(depth_m: f64, speed_m_per_s: f64) -> f64 {
    if depth_m <= 0.0 {
        return 0.0;
    }
    let debris = if depth_m >= 0.25 { 0.5 } else { 0.0 };
    depth_m * (speed_m_per_s.max(0.0) + 0.5) + debris
}

/// FD2320 danger classes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Danger {
    Low,
    ForSome,
    ForMost,
    ForAll,
}

pub fn danger(rating: f64) -> Danger {
    match rating {
        r if r < 0.75 => Danger::Low,
        r if r < 1.25 => Danger::ForSome,
        r if r <= 2.0 => Danger::ForMost,
        _ => Danger::ForAll,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_as_the_fd2320_table() {
        // Still water half a metre deep: 0.5 × 0.5 + 0.5 = 0.75, danger for some.
        assert!((hazard_rating(0.5, 0.0) - 0.75).abs() < 1e-12);
        assert_eq!(danger(hazard_rating(0.5, 0.0)), Danger::ForSome);
        // 1 m at 2 m/s: 1 × 2.5 + 0.5 = 3.0, danger for all.
        assert_eq!(danger(hazard_rating(1.0, 2.0)), Danger::ForAll);
        assert_eq!(danger(hazard_rating(0.2, 0.5)), Danger::Low);
        assert_eq!(hazard_rating(0.0, 3.0), 0.0);
    }
}

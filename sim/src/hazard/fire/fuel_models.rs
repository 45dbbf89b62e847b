//! The standard surface fuel models as data: the 13 of Anderson (1982, GTR INT-122; loads as
//! tabulated by Albini 1976 in lb/ft²) and the 40 of Scott & Burgan (2005, GTR RMRS-153; loads in
//! tons/acre), plus the non-burnable NB codes. Units are those of the sources (ft, lb, Btu) because
//! Rothermel's equations are fitted in them; `rothermel` converts at its edges.

/// One fuel model: fuel bed depth, dead moisture of extinction, heat content, loads by size class
/// and surface-area-to-volume ratios (10 h and 100 h fuels are always 109 and 30 ft⁻¹).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FuelModel {
    pub code: &'static str,
    pub name: &'static str,
    pub depth_ft: f64,
    /// Dead fuel moisture of extinction, fraction.
    pub mx_dead: f64,
    pub heat_dead_btu_per_lb: f64,
    pub heat_live_btu_per_lb: f64,
    /// Oven-dry loads, lb/ft²: 1 h, 10 h, 100 h, live herbaceous, live woody.
    pub load_lb_per_ft2: [f64; 5],
    /// Surface-area-to-volume ratios, ft⁻¹: 1 h, live herbaceous, live woody.
    pub sav_1h: f64,
    pub sav_herb: f64,
    pub sav_woody: f64,
    /// Dynamic models move cured herbaceous load to the dead class (Scott & Burgan 2005, p. 6).
    pub dynamic: bool,
}

impl FuelModel {
    pub fn burnable(&self) -> bool {
        self.load_lb_per_ft2.iter().sum::<f64>() > 0.0 && self.depth_ft > 0.0
    }
}

/// tons/acre → lb/ft².
const T: f64 = 2000.0 / 43560.0;

type Row = (&'static str, &'static str, f64, f64, f64, [f64; 5], f64, f64, f64, bool);

/// Anderson's 13 (static, heat 8000 Btu/lb): code, name, depth ft, Mx, heat, loads lb/ft², SAVs, dynamic.
const ANDERSON: [Row; 13] = [
    ("FM1", "Short grass", 1.0, 0.12, 8000.0, [0.034, 0.0, 0.0, 0.0, 0.0], 3500.0, 1500.0, 1500.0, false),
    (
        "FM2",
        "Timber grass and understory",
        1.0,
        0.15,
        8000.0,
        [0.092, 0.046, 0.023, 0.023, 0.0],
        3000.0,
        1500.0,
        1500.0,
        false,
    ),
    ("FM3", "Tall grass", 2.5, 0.25, 8000.0, [0.138, 0.0, 0.0, 0.0, 0.0], 1500.0, 1500.0, 1500.0, false),
    ("FM4", "Chaparral", 6.0, 0.20, 8000.0, [0.230, 0.184, 0.092, 0.0, 0.230], 2000.0, 1500.0, 1500.0, false),
    ("FM5", "Brush", 2.0, 0.20, 8000.0, [0.046, 0.023, 0.0, 0.0, 0.092], 2000.0, 1500.0, 1500.0, false),
    (
        "FM6",
        "Dormant brush, hardwood slash",
        2.5,
        0.25,
        8000.0,
        [0.069, 0.115, 0.092, 0.0, 0.0],
        1750.0,
        1500.0,
        1500.0,
        false,
    ),
    ("FM7", "Southern rough", 2.5, 0.40, 8000.0, [0.052, 0.086, 0.069, 0.0, 0.017], 1750.0, 1500.0, 1500.0, false),
    ("FM8", "Short needle litter", 0.2, 0.30, 8000.0, [0.069, 0.046, 0.115, 0.0, 0.0], 2000.0, 1500.0, 1500.0, false),
    (
        "FM9",
        "Long needle or hardwood litter",
        0.2,
        0.25,
        8000.0,
        [0.134, 0.019, 0.007, 0.0, 0.0],
        2500.0,
        1500.0,
        1500.0,
        false,
    ),
    (
        "FM10",
        "Timber litter and understory",
        1.0,
        0.25,
        8000.0,
        [0.138, 0.092, 0.230, 0.0, 0.092],
        2000.0,
        1500.0,
        1500.0,
        false,
    ),
    ("FM11", "Light logging slash", 1.0, 0.15, 8000.0, [0.069, 0.207, 0.253, 0.0, 0.0], 1500.0, 1500.0, 1500.0, false),
    ("FM12", "Medium logging slash", 2.3, 0.20, 8000.0, [0.184, 0.644, 0.759, 0.0, 0.0], 1500.0, 1500.0, 1500.0, false),
    ("FM13", "Heavy logging slash", 3.0, 0.25, 8000.0, [0.322, 1.058, 1.288, 0.0, 0.0], 1500.0, 1500.0, 1500.0, false),
];

/// Scott & Burgan's 40, loads in tons/acre (converted by `T` when looked up).
const SCOTT_BURGAN: [Row; 40] = [
    (
        "GR1",
        "Short, sparse, dry climate grass",
        0.4,
        0.15,
        8000.0,
        [0.10, 0.0, 0.0, 0.30, 0.0],
        2200.0,
        2000.0,
        1500.0,
        true,
    ),
    ("GR2", "Low load, dry climate grass", 1.0, 0.15, 8000.0, [0.10, 0.0, 0.0, 1.0, 0.0], 2000.0, 1800.0, 1500.0, true),
    (
        "GR3",
        "Low load, very coarse, humid climate grass",
        2.0,
        0.30,
        8000.0,
        [0.10, 0.40, 0.0, 1.50, 0.0],
        1500.0,
        1300.0,
        1500.0,
        true,
    ),
    (
        "GR4",
        "Moderate load, dry climate grass",
        2.0,
        0.15,
        8000.0,
        [0.25, 0.0, 0.0, 1.9, 0.0],
        2000.0,
        1800.0,
        1500.0,
        true,
    ),
    (
        "GR5",
        "Low load, humid climate grass",
        1.5,
        0.40,
        8000.0,
        [0.40, 0.0, 0.0, 2.50, 0.0],
        1800.0,
        1600.0,
        1500.0,
        true,
    ),
    (
        "GR6",
        "Moderate load, humid climate grass",
        1.5,
        0.40,
        9000.0,
        [0.10, 0.0, 0.0, 3.4, 0.0],
        2200.0,
        2000.0,
        1500.0,
        true,
    ),
    ("GR7", "High load, dry climate grass", 3.0, 0.15, 8000.0, [1.0, 0.0, 0.0, 5.4, 0.0], 2000.0, 1800.0, 1500.0, true),
    (
        "GR8",
        "High load, very coarse, humid climate grass",
        4.0,
        0.30,
        8000.0,
        [0.5, 1.0, 0.0, 7.3, 0.0],
        1500.0,
        1300.0,
        1500.0,
        true,
    ),
    (
        "GR9",
        "Very high load, humid climate grass",
        5.0,
        0.40,
        8000.0,
        [1.0, 1.0, 0.0, 9.0, 0.0],
        1800.0,
        1600.0,
        1500.0,
        true,
    ),
    (
        "GS1",
        "Low load, dry climate grass-shrub",
        0.9,
        0.15,
        8000.0,
        [0.2, 0.0, 0.0, 0.5, 0.65],
        2000.0,
        1800.0,
        1800.0,
        true,
    ),
    (
        "GS2",
        "Moderate load, dry climate grass-shrub",
        1.5,
        0.15,
        8000.0,
        [0.5, 0.5, 0.0, 0.6, 1.0],
        2000.0,
        1800.0,
        1800.0,
        true,
    ),
    (
        "GS3",
        "Moderate load, humid climate grass-shrub",
        1.8,
        0.40,
        8000.0,
        [0.3, 0.25, 0.0, 1.45, 1.25],
        1800.0,
        1600.0,
        1600.0,
        true,
    ),
    (
        "GS4",
        "High load, humid climate grass-shrub",
        2.1,
        0.40,
        8000.0,
        [1.9, 0.3, 0.1, 3.4, 7.1],
        1800.0,
        1600.0,
        1600.0,
        true,
    ),
    (
        "SH1",
        "Low load, dry climate shrub",
        1.0,
        0.15,
        8000.0,
        [0.25, 0.25, 0.0, 0.15, 1.3],
        2000.0,
        1800.0,
        1600.0,
        true,
    ),
    (
        "SH2",
        "Moderate load, dry climate shrub",
        1.0,
        0.15,
        8000.0,
        [1.35, 2.4, 0.75, 0.0, 3.85],
        2000.0,
        1800.0,
        1600.0,
        false,
    ),
    (
        "SH3",
        "Moderate load, humid climate shrub",
        2.4,
        0.40,
        8000.0,
        [0.45, 3.0, 0.0, 0.0, 6.2],
        1600.0,
        1800.0,
        1400.0,
        false,
    ),
    (
        "SH4",
        "Low load, humid climate timber-shrub",
        3.0,
        0.30,
        8000.0,
        [0.85, 1.15, 0.2, 0.0, 2.55],
        2000.0,
        1800.0,
        1600.0,
        false,
    ),
    ("SH5", "High load, dry climate shrub", 6.0, 0.15, 8000.0, [3.6, 2.1, 0.0, 0.0, 2.9], 750.0, 1800.0, 1600.0, false),
    (
        "SH6",
        "Low load, humid climate shrub",
        2.0,
        0.30,
        8000.0,
        [2.9, 1.45, 0.0, 0.0, 1.4],
        750.0,
        1800.0,
        1600.0,
        false,
    ),
    (
        "SH7",
        "Very high load, dry climate shrub",
        6.0,
        0.15,
        8000.0,
        [3.5, 5.3, 2.2, 0.0, 3.4],
        750.0,
        1800.0,
        1600.0,
        false,
    ),
    (
        "SH8",
        "High load, humid climate shrub",
        3.0,
        0.40,
        8000.0,
        [2.05, 3.4, 0.85, 0.0, 4.35],
        750.0,
        1800.0,
        1600.0,
        false,
    ),
    (
        "SH9",
        "Very high load, humid climate shrub",
        4.4,
        0.40,
        8000.0,
        [4.5, 2.45, 0.0, 1.55, 7.0],
        750.0,
        1800.0,
        1500.0,
        true,
    ),
    (
        "TU1",
        "Light load, dry climate timber-grass-shrub",
        0.6,
        0.20,
        8000.0,
        [0.2, 0.9, 1.5, 0.2, 0.9],
        2000.0,
        1800.0,
        1600.0,
        true,
    ),
    (
        "TU2",
        "Moderate load, humid climate timber-shrub",
        1.0,
        0.30,
        8000.0,
        [0.95, 1.8, 1.25, 0.0, 0.2],
        2000.0,
        1800.0,
        1600.0,
        false,
    ),
    (
        "TU3",
        "Moderate load, humid climate timber-grass-shrub",
        1.3,
        0.30,
        8000.0,
        [1.1, 0.15, 0.25, 0.65, 1.1],
        1800.0,
        1600.0,
        1400.0,
        true,
    ),
    ("TU4", "Dwarf conifer understory", 0.5, 0.12, 8000.0, [4.5, 0.0, 0.0, 0.0, 2.0], 2300.0, 1800.0, 2000.0, false),
    (
        "TU5",
        "Very high load, dry climate timber-shrub",
        1.0,
        0.25,
        8000.0,
        [4.0, 4.0, 3.0, 0.0, 3.0],
        1500.0,
        1800.0,
        750.0,
        false,
    ),
    (
        "TL1",
        "Low load, compact conifer litter",
        0.2,
        0.30,
        8000.0,
        [1.0, 2.2, 3.6, 0.0, 0.0],
        2000.0,
        1800.0,
        1600.0,
        false,
    ),
    ("TL2", "Low load broadleaf litter", 0.2, 0.25, 8000.0, [1.4, 2.3, 2.2, 0.0, 0.0], 2000.0, 1800.0, 1600.0, false),
    (
        "TL3",
        "Moderate load conifer litter",
        0.3,
        0.20,
        8000.0,
        [0.5, 2.2, 2.8, 0.0, 0.0],
        2000.0,
        1800.0,
        1600.0,
        false,
    ),
    ("TL4", "Small downed logs", 0.4, 0.25, 8000.0, [0.5, 1.5, 4.2, 0.0, 0.0], 2000.0, 1800.0, 1600.0, false),
    ("TL5", "High load conifer litter", 0.6, 0.25, 8000.0, [1.15, 2.5, 4.4, 0.0, 0.0], 2000.0, 1800.0, 1600.0, false),
    (
        "TL6",
        "Moderate load broadleaf litter",
        0.3,
        0.25,
        8000.0,
        [2.4, 1.2, 1.2, 0.0, 0.0],
        2000.0,
        1800.0,
        1600.0,
        false,
    ),
    ("TL7", "Large downed logs", 0.4, 0.25, 8000.0, [0.3, 1.4, 8.1, 0.0, 0.0], 2000.0, 1800.0, 1600.0, false),
    ("TL8", "Long-needle litter", 0.3, 0.35, 8000.0, [5.8, 1.4, 1.1, 0.0, 0.0], 1800.0, 1800.0, 1600.0, false),
    (
        "TL9",
        "Very high load broadleaf litter",
        0.6,
        0.35,
        8000.0,
        [6.65, 3.30, 4.15, 0.0, 0.0],
        1800.0,
        1800.0,
        1600.0,
        false,
    ),
    ("SB1", "Low load activity fuel", 1.0, 0.25, 8000.0, [1.5, 3.0, 11.0, 0.0, 0.0], 2000.0, 1800.0, 1600.0, false),
    (
        "SB2",
        "Moderate load activity fuel or low load blowdown",
        1.0,
        0.25,
        8000.0,
        [4.5, 4.25, 4.0, 0.0, 0.0],
        2000.0,
        1800.0,
        1600.0,
        false,
    ),
    (
        "SB3",
        "High load activity fuel or moderate load blowdown",
        1.2,
        0.25,
        8000.0,
        [5.5, 2.75, 3.0, 0.0, 0.0],
        2000.0,
        1800.0,
        1600.0,
        false,
    ),
    ("SB4", "High load blowdown", 2.7, 0.25, 8000.0, [5.25, 3.5, 5.25, 0.0, 0.0], 2000.0, 1800.0, 1600.0, false),
];

/// Non-burnable codes of Scott & Burgan (2005, p. 13).
const NON_BURNABLE: [(&str, &str); 5] = [
    ("NB1", "Urban, developed"),
    ("NB2", "Snow, ice"),
    ("NB3", "Agricultural (irrigated, not burnable)"),
    ("NB8", "Open water"),
    ("NB9", "Bare ground"),
];

fn from_row(r: &Row, scale: f64) -> FuelModel {
    let (code, name, depth_ft, mx_dead, heat, loads, sav_1h, sav_herb, sav_woody, dynamic) = *r;
    FuelModel {
        code,
        name,
        depth_ft,
        mx_dead,
        heat_dead_btu_per_lb: heat,
        heat_live_btu_per_lb: heat,
        load_lb_per_ft2: loads.map(|l| l * scale),
        sav_1h,
        sav_herb,
        sav_woody,
        dynamic,
    }
}

/// The standard fuel model with this code (case-insensitive; Anderson's also as "1".."13").
pub fn fuel_model(code: &str) -> Option<FuelModel> {
    let code = code.trim().to_ascii_uppercase();
    let anderson = code.parse::<usize>().ok().map(|n| format!("FM{n}"));
    let code = anderson.as_deref().unwrap_or(&code);
    if let Some(r) = ANDERSON.iter().find(|r| r.0 == code) {
        return Some(from_row(r, 1.0));
    }
    if let Some(r) = SCOTT_BURGAN.iter().find(|r| r.0 == code) {
        return Some(from_row(r, T));
    }
    NON_BURNABLE.iter().find(|(c, _)| *c == code).map(|&(code, name)| FuelModel {
        code,
        name,
        depth_ft: 0.0,
        mx_dead: 0.0,
        heat_dead_btu_per_lb: 0.0,
        heat_live_btu_per_lb: 0.0,
        load_lb_per_ft2: [0.0; 5],
        sav_1h: 0.0,
        sav_herb: 0.0,
        sav_woody: 0.0,
        dynamic: false,
    })
}

/// Every code `fuel_model` accepts, for error messages.
pub fn codes() -> Vec<&'static str> {
    ANDERSON.iter().chain(SCOTT_BURGAN.iter()).map(|r| r.0).chain(NON_BURNABLE.iter().map(|n| n.0)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn has_the_13_and_the_40() {
        assert_eq!(ANDERSON.len() + SCOTT_BURGAN.len(), 53);
        assert!(fuel_model("gs4").is_some_and(|m| m.dynamic && (m.load_lb_per_ft2[0] - 1.9 * T).abs() < 1e-12));
        assert_eq!(fuel_model("10").map(|m| m.code), Some("FM10"));
        assert!(fuel_model("NB8").is_some_and(|m| !m.burnable()));
        assert!(fuel_model("XX9").is_none());
    }
}

//! Rothermel's (1972) surface fire spread model with Albini's (1976) computer formulation, as
//! BehavePlus and firelab/behave compute it (Andrews 2018, GTR RMRS-371):
//! - particles: dead 1 h / 10 h (109 ft⁻¹) / 100 h (30 ft⁻¹) and live herbaceous / woody; in
//!   dynamic models cured herbaceous load moves to a dead class with the 1 h moisture
//!   (Scott & Burgan 2005: all of it below 30 % herb moisture, none above 120 %, `1.333 − 1.11 M`
//!   between, as BehavePlus);
//! - weights by surface area within life classes, net loads weighted by Albini's size-class bins;
//! - live moisture of extinction `2.9 W′ (1 − M_f,dead / Mx_dead) − 0.226`, at least Mx_dead;
//! - reaction intensity, propagating flux ratio, heat sink, no-wind no-slope rate;
//! - wind and slope factors combined as vectors (wind direction relative to upslope), the
//!   effective wind speed, and optionally Rothermel's wind limit `U ≤ 0.9 I_R` (ft/min).
//!
//! Units inside are the model's own (ft, lb, Btu, min); `FireBehaviour` reports SI as well.

use super::fuel_models::FuelModel;

const PARTICLE_DENSITY: f64 = 32.0; // lb/ft³
const TOTAL_SILICA: f64 = 0.0555;
const EFFECTIVE_SILICA: f64 = 0.010;

/// Fuel moistures, fractions of oven-dry weight.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Moisture {
    pub d1h: f64,
    pub d10h: f64,
    pub d100h: f64,
    pub herb: f64,
    pub woody: f64,
}

impl Moisture {
    /// From percentages, the way fire-behaviour tables give them.
    pub fn percent(d1h: f64, d10h: f64, d100h: f64, herb: f64, woody: f64) -> Moisture {
        Moisture {
            d1h: d1h / 100.0,
            d10h: d10h / 100.0,
            d100h: d100h / 100.0,
            herb: herb / 100.0,
            woody: woody / 100.0,
        }
    }
}

/// What the fuel bed and its moisture alone determine (no wind, no slope).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Fuelbed {
    /// Characteristic surface-area-to-volume ratio σ, ft⁻¹.
    pub sigma: f64,
    /// Packing ratio β and β / β_op.
    pub beta: f64,
    pub relative_packing: f64,
    /// Reaction intensity I_R, Btu/ft²/min.
    pub reaction_intensity: f64,
    /// No-wind no-slope rate of spread R0, ft/min.
    pub r0: f64,
    /// Flame residence time 384 / σ, min (Anderson 1969).
    pub residence_min: f64,
    /// Live fuel moisture of extinction, fraction.
    pub mx_live: f64,
    wind_b: f64,
    wind_c: f64,
    wind_e: f64,
}

/// One particle: load (lb/ft²), SAV (ft⁻¹), moisture (fraction), heat (Btu/lb).
#[derive(Clone, Copy)]
struct Particle {
    load: f64,
    sav: f64,
    moisture: f64,
    heat: f64,
}

/// Albini's (1976) SAV bins used to weight net loads.
fn size_class(sav: f64) -> usize {
    match sav {
        s if s >= 1200.0 => 0,
        s if s >= 192.0 => 1,
        s if s >= 96.0 => 2,
        s if s >= 48.0 => 3,
        s if s >= 16.0 => 4,
        _ => 5,
    }
}

/// Per life class: total surface area, area fractions, weighted values.
struct LifeClass {
    area: f64,
    sav: f64,
    moisture: f64,
    heat: f64,
    net_load: f64,
}

fn life_class(ps: &[Particle]) -> (LifeClass, Vec<f64>) {
    let areas: Vec<f64> = ps.iter().map(|p| p.load * p.sav / PARTICLE_DENSITY).collect();
    let area: f64 = areas.iter().sum();
    let f: Vec<f64> = areas.iter().map(|a| if area > 1e-7 { a / area } else { 0.0 }).collect();
    let mut bins = [0.0; 6];
    for (p, fi) in ps.iter().zip(&f) {
        bins[size_class(p.sav)] += fi;
    }
    let mut c = LifeClass { area, sav: 0.0, moisture: 0.0, heat: 0.0, net_load: 0.0 };
    for (p, fi) in ps.iter().zip(&f) {
        c.sav += fi * p.sav;
        c.moisture += fi * p.moisture;
        c.heat += fi * p.heat;
        let g = if size_class(p.sav) < 5 { bins[size_class(p.sav)] } else { 0.0 };
        c.net_load += g * p.load * (1.0 - TOTAL_SILICA);
    }
    (c, f)
}

fn moisture_damping(m: f64, mx: f64) -> f64 {
    if mx <= 0.0 || m >= mx {
        return 0.0;
    }
    let r = m / mx;
    1.0 - 2.59 * r + 5.11 * r * r - 3.52 * r * r * r
}

impl Fuelbed {
    /// `None` for a non-burnable model.
    pub fn new(fm: &FuelModel, m: Moisture) -> Option<Fuelbed> {
        if !fm.burnable() {
            return None;
        }
        let [l1, l10, l100, mut herb, woody] = fm.load_lb_per_ft2;
        let mut dead_herb = 0.0;
        if fm.dynamic && herb > 0.0 {
            let cured = if m.herb < 0.30 {
                1.0
            } else if m.herb <= 1.20 {
                1.333 - 1.11 * m.herb
            } else {
                0.0
            };
            dead_herb = herb * cured;
            herb -= dead_herb;
        }
        let hd = fm.heat_dead_btu_per_lb;
        let hl = fm.heat_live_btu_per_lb;
        let dead: Vec<Particle> = [
            Particle { load: l1, sav: fm.sav_1h, moisture: m.d1h, heat: hd },
            Particle { load: l10, sav: 109.0, moisture: m.d10h, heat: hd },
            Particle { load: l100, sav: 30.0, moisture: m.d100h, heat: hd },
            Particle { load: dead_herb, sav: fm.sav_herb, moisture: m.d1h, heat: hd },
        ]
        .into_iter()
        .filter(|p| p.load > 0.0)
        .collect();
        let live: Vec<Particle> = [
            Particle { load: herb, sav: fm.sav_herb, moisture: m.herb, heat: hl },
            Particle { load: woody, sav: fm.sav_woody, moisture: m.woody, heat: hl },
        ]
        .into_iter()
        .filter(|p| p.load > 0.0)
        .collect();
        let (d, _) = life_class(&dead);
        let (l, _) = life_class(&live);
        let total_area = d.area + l.area;
        if total_area <= 0.0 {
            return None;
        }
        let (fd, fl) = (d.area / total_area, l.area / total_area);
        let sigma = fd * d.sav + fl * l.sav;
        let total_load = l1 + l10 + l100 + dead_herb + herb + woody;
        let bulk_density = total_load / fm.depth_ft;
        let beta = bulk_density / PARTICLE_DENSITY;
        let beta_op = 3.348 * sigma.powf(-0.8189);
        let relative_packing = beta / beta_op;

        // Live moisture of extinction (Albini 1976, p. 89).
        let fine_dead: f64 = dead.iter().map(|p| p.load * (-138.0 / p.sav).exp()).sum();
        let fine_dead_m: f64 =
            dead.iter().map(|p| p.load * (-138.0 / p.sav).exp() * p.moisture).sum::<f64>() / fine_dead.max(1e-12);
        let fine_live: f64 = live.iter().map(|p| p.load * (-500.0 / p.sav).exp()).sum();
        let mx_dead = fm.mx_dead;
        let mx_live = if fine_live > 1e-7 {
            (2.9 * (fine_dead / fine_live) * (1.0 - fine_dead_m / mx_dead) - 0.226).max(mx_dead)
        } else {
            mx_dead
        };

        let a = 133.0 * sigma.powf(-0.7913);
        let s15 = sigma.powf(1.5);
        let gamma_max = s15 / (495.0 + 0.0594 * s15);
        let gamma = gamma_max * relative_packing.powf(a) * (a * (1.0 - relative_packing)).exp();
        let eta_s = (0.174 * EFFECTIVE_SILICA.powf(-0.19)).min(1.0);
        let ir_dead = gamma * d.net_load * d.heat * moisture_damping(d.moisture, mx_dead) * eta_s;
        let ir_live = if live.is_empty() {
            0.0
        } else {
            gamma * l.net_load * l.heat * moisture_damping(l.moisture, mx_live) * eta_s
        };
        let reaction_intensity = ir_dead + ir_live;

        let xi = ((0.792 + 0.681 * sigma.sqrt()) * (beta + 0.1)).exp() / (192.0 + 0.2595 * sigma);
        let (_, f_dead) = life_class(&dead);
        let (_, f_live) = life_class(&live);
        let qig = |ps: &[Particle], f: &[f64]| -> f64 {
            ps.iter().zip(f).map(|(p, fi)| fi * (250.0 + 1116.0 * p.moisture) * (-138.0 / p.sav).exp()).sum()
        };
        let heat_sink = bulk_density * (fd * qig(&dead, &f_dead) + fl * qig(&live, &f_live));
        let r0 = if heat_sink > 1e-7 { reaction_intensity * xi / heat_sink } else { 0.0 };
        Some(Fuelbed {
            sigma,
            beta,
            relative_packing,
            reaction_intensity,
            r0,
            residence_min: 384.0 / sigma,
            mx_live,
            wind_b: 0.02526 * sigma.powf(0.54),
            wind_c: 7.47 * (-0.133 * sigma.powf(0.55)).exp(),
            wind_e: 0.715 * (-0.000359 * sigma).exp(),
        })
    }

    /// Wind factor φ_w for a midflame wind, ft/min.
    pub fn phi_wind(&self, u_ft_min: f64) -> f64 {
        if u_ft_min < 1e-7 {
            0.0
        } else {
            self.wind_c * u_ft_min.powf(self.wind_b) * self.relative_packing.powf(-self.wind_e)
        }
    }

    /// Slope factor φ_s for a slope given as rise over run.
    pub fn phi_slope(&self, tan_slope: f64) -> f64 {
        5.275 * self.beta.powf(-0.3) * tan_slope * tan_slope
    }

    /// The wind speed (ft/min) whose factor is `phi`.
    fn wind_for_phi(&self, phi: f64) -> f64 {
        if phi <= 0.0 {
            0.0
        } else {
            (phi * self.relative_packing.powf(self.wind_e) / self.wind_c).powf(1.0 / self.wind_b)
        }
    }

    /// Head fire: wind (midflame ft/min, blowing towards `wind_to_from_upslope_rad` measured from
    /// the upslope direction) and slope combined as vectors (Rothermel 1972; Andrews 2018 §5.3).
    pub fn head(&self, u_ft_min: f64, tan_slope: f64, wind_to_from_upslope_rad: f64, wind_limit: bool) -> Head {
        let phi_w = self.phi_wind(u_ft_min);
        let limit = 0.9 * self.reaction_intensity;
        let phi_s = self.phi_slope(tan_slope).min(if limit > 0.0 { limit } else { f64::MAX });
        let (wind_rate, slope_rate) = (self.r0 * phi_w, self.r0 * phi_s);
        let x = slope_rate + wind_rate * wind_to_from_upslope_rad.cos();
        let y = wind_rate * wind_to_from_upslope_rad.sin();
        let vector = x.hypot(y);
        let mut ros = self.r0 + vector;
        let mut dir = if vector > 0.0 { y.atan2(x) } else { 0.0 };
        if dir.to_degrees().abs() < 0.5 {
            dir = 0.0;
        }
        let mut effective_wind = if self.r0 > 0.0 { self.wind_for_phi(ros / self.r0 - 1.0) } else { 0.0 };
        let mut limited = false;
        if wind_limit && effective_wind > limit {
            limited = true;
            effective_wind = limit;
            ros = self.r0 * (1.0 + self.phi_wind(limit));
        }
        Head {
            ros_ft_min: ros,
            dir_from_upslope_rad: dir,
            effective_wind_ft_min: effective_wind,
            wind_limited: limited,
        }
    }

    /// Byram's (1959) fireline intensity, Btu/ft/s, for a spread rate in ft/min.
    pub fn fireline_intensity(&self, ros_ft_min: f64) -> f64 {
        self.reaction_intensity * self.residence_min * ros_ft_min / 60.0
    }
}

/// Byram's (1959) flame length, ft, from fireline intensity in Btu/ft/s.
pub fn flame_length_ft(intensity_btu_ft_s: f64) -> f64 {
    if intensity_btu_ft_s < 1e-7 { 0.0 } else { 0.45 * intensity_btu_ft_s.powf(0.46) }
}

/// The head fire: rate, direction of maximum spread, effective wind.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Head {
    pub ros_ft_min: f64,
    pub dir_from_upslope_rad: f64,
    pub effective_wind_ft_min: f64,
    pub wind_limited: bool,
}

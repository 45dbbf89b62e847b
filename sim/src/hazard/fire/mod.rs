//! Surface fire on the terrain grid.
//!
//! - `fuel_models`: the 13 Anderson and 40 Scott & Burgan standard fuel models as data.
//! - `rothermel`: Rothermel (1972) with Albini (1976), as BehavePlus computes it.
//! - `wind`: wind adjustment factor, 10 m / 20 ft wind to midflame.
//! - `ellipse`: fire shape, backing and flanking rates.
//! - `behaviour`: all of it at a point, in SI (`sandtable-server model fire`).
//! - `spread`: minimum-travel-time spread over the grid.
//!
//! This module keeps the `Fire` the world steps. Rules it adds to the science (documented here):
//! - **Fuel by land cover** (overridable per scenario): Forest FM10 (timber litter and
//!   understory, sheltered by a canopy of 50 % cover, crown ratio 0.4, 15 m high), Shrub GS2,
//!   Grass GR2, Farmland GR1, Wetland GR5, Urban NB1, Water NB8, bare rock NB9.
//! - **Moisture**: the scenario's schedule, or its dead fine fuel moisture with 10 h / 100 h one
//!   and two points wetter, herb 90 %, woody 120 %. Falling rain adds 2 points per mm/h and
//!   humidity above 30 % adds 0.1 point per % to the dead fuels. Seeded Perlin noise varies dead
//!   moisture by up to ±1.5 points over features about 2 km across (shaded gullies, sunny ridges):
//!   the only randomness.
//! - **Wind**: the scenario's wind is at 10 m; slope and aspect come from the elevation grid.
//! - **Burning time**: a cell flames from the front's arrival for the time the front takes to cross
//!   1.5 cells (so it still burns when the next cell along a diagonal catches) plus the residence
//!   time, at least 10 minutes (mop-up) and at most a day. The fire is active while a cell burns
//!   or the front is still due somewhere.
//! - **Roads**: a cell on a road closes it while burning and for 2 hours after (snags, smouldering).
//! - **Firebreak and direct attack** (`suppress`): a crew cuts unburned fuel out of a ring, which
//!   stops the front (moves cannot cross a cell without fuel), and puts out burning cells whose
//!   flame length is within what it can handle (hand tools 1.2 m, engines 2.4 m: the fire
//!   behaviour interpretation chart, Andrews & Rothermel 1982); hotter cells keep burning.

pub mod behaviour;
pub mod ellipse;
pub mod fuel_models;
pub mod rothermel;
pub mod spread;
pub mod wind;

use noise::{NoiseFn, Perlin};

use crate::map::{LandCover, TerrainGrid};
use crate::scenario::FireSpec;
use behaviour::M_PER_FT;
use ellipse::Ellipse;
use fuel_models::{FuelModel, fuel_model};
use rothermel::{Fuelbed, Moisture, flame_length_ft};
use spread::{CellSpread, Front};
use wind::{Canopy, TEN_M_TO_TWENTY_FT, wind_adjustment_factor};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum CellFire {
    Unburned,
    Burning,
    Burned,
    /// Nothing to burn: water, rock, or a cut firebreak.
    NoFuel,
}

/// Weather the fire sees during one step.
#[derive(Clone, Copy, Debug)]
pub struct FireWeather {
    /// At 10 m.
    pub wind_m_per_s: f64,
    /// Direction the wind blows from, degrees clockwise from north.
    pub wind_from_deg: f64,
    pub humidity_percent: f64,
    pub rain_mm_per_h: f64,
}

/// How a fire lit in a cell would burn (`Fire::burnability`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Burnability {
    /// The cell's fuel model code, e.g. "FM10", "NB1".
    pub fuel: &'static str,
    /// Dead 1 h fuel moisture in the cell, percent.
    pub dead_moisture_percent: f64,
    /// The fuel model's dead moisture of extinction, percent.
    pub extinction_percent: f64,
    /// Head rate of spread, m/min; `None`: it does not burn.
    pub head_m_per_min: Option<f64>,
}

/// Flame lengths crews can attack directly (Andrews & Rothermel 1982 interpretation chart).
pub const HAND_CREW_FLAME_M: f64 = 1.2;
pub const ENGINE_FLAME_M: f64 = 2.4;
/// How long a burned road cell stays closed after its flames die, minutes.
const ROAD_CLOSED_AFTER_MIN: f64 = 120.0;
const MOISTURE_NOISE_POINTS: f64 = 1.5;
/// Flaming (and mop-up) time of a cell, minutes: the front's crossing time plus residence, within
/// these bounds. The upper bound is a day so a slow backing front never leaves a gap in which
/// nothing burns while it creeps through a cell.
const MIN_BURN_MIN: f64 = 10.0;
const MAX_BURN_MIN: f64 = 1440.0;

/// The default fuel model for a land cover.
pub fn default_fuel(lc: LandCover) -> &'static str {
    match lc {
        LandCover::Forest => "FM10",
        LandCover::Shrub => "GS2",
        LandCover::Grass => "GR2",
        LandCover::Farmland => "GR1",
        LandCover::Wetland => "GR5",
        LandCover::Urban => "NB1",
        LandCover::Water => "NB8",
        LandCover::BareRock => "NB9",
    }
}

const FOREST_CANOPY: Canopy = Canopy { cover: 0.5, crown_ratio: 0.4, height_ft: 15.0 / M_PER_FT };

/// The weather-dependent inputs all cells share; a change re-plans the front.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Conditions {
    wind_m_per_s: f64,
    wind_from_deg: f64,
    moisture: Moisture,
}

/// Per-cell fire ellipses, computed when the front first needs them under the current conditions.
#[derive(Clone)]
struct Behaviours {
    models: Vec<(FuelModel, Option<Canopy>)>,
    /// Index into `models` per cell.
    fuel: Vec<u8>,
    moisture_offset: Vec<f32>,
    /// Upslope direction (radians, counter-clockwise from east) and rise over run per cell.
    upslope: Vec<(f32, f32)>,
    conditions: Option<Conditions>,
    epoch: u32,
    cache: Vec<Option<CellSpread>>,
    cache_epoch: Vec<u32>,
}

impl Behaviours {
    fn get(&mut self, c: usize) -> Option<CellSpread> {
        if self.cache_epoch[c] == self.epoch {
            return self.cache[c];
        }
        let s = self.compute(c);
        self.cache[c] = s;
        self.cache_epoch[c] = self.epoch;
        s
    }

    fn compute(&self, c: usize) -> Option<CellSpread> {
        self.compute_under(c, self.conditions?)
    }

    /// The cell's moisture under `w`: the weather's plus the cell's noise.
    fn moisture_in(&self, c: usize, w: &Conditions) -> Moisture {
        let off = self.moisture_offset[c] as f64 / 100.0;
        Moisture {
            d1h: (w.moisture.d1h + off).max(0.01),
            d10h: (w.moisture.d10h + off).max(0.01),
            d100h: (w.moisture.d100h + off).max(0.01),
            ..w.moisture
        }
    }

    fn compute_under(&self, c: usize, w: Conditions) -> Option<CellSpread> {
        let (fm, canopy) = &self.models[self.fuel[c] as usize];
        let m = self.moisture_in(c, &w);
        let bed = Fuelbed::new(fm, m)?;
        let waf = wind_adjustment_factor(fm.depth_ft, *canopy).0;
        let u_ft_min = w.wind_m_per_s / TEN_M_TO_TWENTY_FT * waf / M_PER_FT * 60.0;
        let (up, tan) = (self.upslope[c].0 as f64, self.upslope[c].1 as f64);
        // Wind blows towards compass `from + 180`; as a math angle (counter-clockwise from east):
        let to = (w.wind_from_deg + 180.0).to_radians();
        let wind_angle = to.cos().atan2(to.sin());
        let head = bed.head(u_ft_min, tan, wind_angle - up, true);
        if head.ros_ft_min <= 0.0 {
            return None;
        }
        let e = Ellipse::new(head.ros_ft_min, head.effective_wind_ft_min);
        Some(CellSpread {
            head_m_per_min: head.ros_ft_min * M_PER_FT,
            eccentricity: e.eccentricity,
            head_angle: up + head.dir_from_upslope_rad,
            // Btu/ft² → kJ/m².
            heat_per_area_kj_m2: bed.reaction_intensity * bed.residence_min * 1.055_056 / (M_PER_FT * M_PER_FT),
            residence_min: bed.residence_min,
        })
    }
}

#[derive(Clone)]
pub struct Fire {
    cols: usize,
    rows: usize,
    cell_size_m: f64,
    pub state: Vec<CellFire>,
    behaviours: Behaviours,
    front: Front,
    /// Flame length with which the front arrived, m.
    flame_m: Vec<f32>,
    burn_until_min: Vec<f32>,
    /// Flaming cells, sorted.
    burning: Vec<u32>,
    schedule: Vec<(f64, Moisture)>,
    t_min: f64,
    pub burned_cells: usize,
}

impl Fire {
    /// The fire model for a scenario's fire spec; unknown fuel codes (the validator reports them)
    /// fall back to the defaults.
    pub fn new(grid: &TerrainGrid, spec: &FireSpec, seed: u64) -> Fire {
        Fire::with_noise(grid, spec, seed, MOISTURE_NOISE_POINTS)
    }

    /// As `new`, with the amplitude of the spatial moisture noise in percentage points (0: none).
    pub fn with_noise(grid: &TerrainGrid, spec: &FireSpec, seed: u64, noise_points: f64) -> Fire {
        let n = grid.len();
        let mut models: Vec<(FuelModel, Option<Canopy>)> = Vec::new();
        let mut index_of = [0u8; LandCover::ALL.len()];
        for lc in LandCover::ALL {
            let code = spec.fuel_models.get(&format!("{lc:?}")).map(String::as_str).unwrap_or(default_fuel(lc));
            let fm = fuel_model(code).or_else(|| fuel_model(default_fuel(lc))).expect("default fuel codes exist");
            let canopy = (lc == LandCover::Forest).then_some(FOREST_CANOPY);
            index_of[lc as usize] = models.len() as u8;
            models.push((fm, canopy));
        }
        // Every bit of the drill seed reaches the noise (a hash, not a truncation).
        let perlin = Perlin::new(crate::hash::sub_seed(seed, "fire moisture"));
        let mut state = vec![CellFire::NoFuel; n];
        let mut fuel = vec![0u8; n];
        let mut moisture_offset = vec![0.0f32; n];
        let mut upslope = vec![(0.0f32, 0.0f32); n];
        let z = |c: usize, r: usize| grid.elevation_m[r * grid.cols + c] as f64;
        for cell in 0..n {
            let lc = grid.landcover[cell];
            fuel[cell] = index_of[lc as usize];
            if models[fuel[cell] as usize].0.burnable() {
                state[cell] = CellFire::Unburned;
            }
            let [x, y] = grid.cell_centre(cell);
            moisture_offset[cell] = (noise_points * perlin.get([x / 2000.0, y / 2000.0])) as f32;
            let (col, row) = (cell % grid.cols, cell / grid.cols);
            let (c0, c1) = (col.saturating_sub(1), (col + 1).min(grid.cols - 1));
            let (r0, r1) = (row.saturating_sub(1), (row + 1).min(grid.rows - 1));
            let gx = if c1 > c0 { (z(c1, row) - z(c0, row)) / ((c1 - c0) as f64 * grid.cell_size_m) } else { 0.0 };
            let gy = if r1 > r0 { (z(col, r1) - z(col, r0)) / ((r1 - r0) as f64 * grid.cell_size_m) } else { 0.0 };
            upslope[cell] = (gy.atan2(gx) as f32, gx.hypot(gy) as f32);
        }
        let mut schedule: Vec<(f64, Moisture)> = spec
            .moisture
            .iter()
            .map(|p| (p.at_min, Moisture::percent(p.m1h, p.m10h, p.m100h, p.mherb, p.mwoody)))
            .collect();
        schedule.sort_by(|a, b| a.0.total_cmp(&b.0));
        if schedule.is_empty() {
            let m = spec.fuel_moisture_percent;
            schedule.push((0.0, Moisture::percent(m, m + 1.0, m + 2.0, 90.0, 120.0)));
        }
        Fire {
            cols: grid.cols,
            rows: grid.rows,
            cell_size_m: grid.cell_size_m,
            state,
            behaviours: Behaviours {
                models,
                fuel,
                moisture_offset,
                upslope,
                conditions: None,
                epoch: 1,
                cache: vec![None; n],
                cache_epoch: vec![0; n],
            },
            front: Front::new(grid.cols, grid.rows, grid.cell_size_m),
            flame_m: vec![0.0; n],
            burn_until_min: vec![0.0; n],
            burning: Vec::new(),
            schedule,
            t_min: 0.0,
            burned_cells: 0,
        }
    }

    fn moisture_at(&self, t_min: f64, w: &FireWeather) -> Moisture {
        let base = self
            .schedule
            .iter()
            .rev()
            .find(|(at, _)| *at <= t_min)
            .or(self.schedule.first())
            .map(|p| p.1)
            .expect("schedule is never empty");
        let wet = (2.0 * w.rain_mm_per_h + 0.1 * (w.humidity_percent - 30.0).max(0.0)) / 100.0;
        Moisture { d1h: base.d1h + wet, d10h: base.d10h + wet, d100h: base.d100h + wet, ..base }
    }

    /// Brings the per-cell behaviour up to the weather; re-plans the front when it changed.
    fn set_conditions(&mut self, w: &FireWeather) {
        let c = Conditions {
            wind_m_per_s: w.wind_m_per_s,
            wind_from_deg: w.wind_from_deg,
            moisture: self.moisture_at(self.t_min, w),
        };
        if self.behaviours.conditions != Some(c) {
            self.behaviours.conditions = Some(c);
            self.behaviours.epoch += 1;
            self.replan();
        }
    }

    fn replan(&mut self) {
        let (front, beh, state) = (&mut self.front, &mut self.behaviours, &self.state);
        front.replan(self.t_min, &mut |c| beh.get(c), &|c| state[c] != CellFire::NoFuel);
    }

    /// What a fire lit in `cell` at `t_min` would do under the weather `w`, without lighting it:
    /// the cell's fuel model, its dead fine fuel moisture and the head rate of spread (`None`
    /// when the fuel does not burn: no fuel, or moisture at or above extinction).
    pub fn burnability(&self, cell: usize, t_min: f64, w: &FireWeather) -> Burnability {
        let conditions = Conditions {
            wind_m_per_s: w.wind_m_per_s,
            wind_from_deg: w.wind_from_deg,
            moisture: self.moisture_at(t_min, w),
        };
        let fm = &self.behaviours.models[self.behaviours.fuel[cell] as usize].0;
        Burnability {
            fuel: fm.code,
            dead_moisture_percent: self.behaviours.moisture_in(cell, &conditions).d1h * 100.0,
            extinction_percent: fm.mx_dead * 100.0,
            head_m_per_min: self.behaviours.compute_under(cell, conditions).map(|s| s.head_m_per_min),
        }
    }

    /// Sets a cell alight now; returns false when it cannot burn.
    pub fn ignite(&mut self, cell: usize) -> bool {
        if self.state[cell] != CellFire::Unburned {
            return false;
        }
        let (front, beh, state) = (&mut self.front, &mut self.behaviours, &self.state);
        let rate = beh.get(cell).map_or(0.0, |s| s.head_m_per_min);
        front.ignite(cell, self.t_min, &mut |c| beh.get(c), &|c| state[c] != CellFire::NoFuel);
        self.set_burning(cell, self.t_min, rate);
        true
    }

    fn set_burning(&mut self, cell: usize, t: f64, rate_m_per_min: f64) {
        let s = self.behaviours.get(cell);
        let heat = s.map_or(0.0, |s| s.heat_per_area_kj_m2);
        // Byram: I = H R (kW/m from kJ/m² and m/s), flame length from the US form.
        let intensity_kw_m = heat * rate_m_per_min / 60.0;
        let btu_ft_s = intensity_kw_m / 3.461_4;
        self.flame_m[cell] = (flame_length_ft(btu_ft_s) * M_PER_FT) as f32;
        let residence = s.map_or(0.0, |s| s.residence_min);
        let crossing = if rate_m_per_min > 0.0 { 1.5 * self.cell_size_m / rate_m_per_min } else { MAX_BURN_MIN };
        self.burn_until_min[cell] = (t + (crossing + residence).clamp(MIN_BURN_MIN, MAX_BURN_MIN)) as f32;
        self.state[cell] = CellFire::Burning;
        if let Err(pos) = self.burning.binary_search(&(cell as u32)) {
            self.burning.insert(pos, cell as u32);
        }
    }

    /// Removes fuel (a firebreak); a burning cell keeps burning out.
    pub fn remove_fuel(&mut self, cell: usize) {
        if self.state[cell] == CellFire::Unburned {
            self.state[cell] = CellFire::NoFuel;
        }
    }

    /// Direct attack on a burning cell by a crew that can handle flames up to `max_flame_m`:
    /// puts it out (it burns no further and spreads no more) when its flames are within reach.
    /// Call `replan_after_suppression` once after a batch.
    pub fn attack(&mut self, cell: usize, max_flame_m: f64) -> bool {
        if self.state[cell] != CellFire::Burning || self.flame_m[cell] as f64 > max_flame_m {
            return false;
        }
        self.state[cell] = CellFire::Burned;
        self.burned_cells += 1;
        self.burn_until_min[cell] = self.t_min as f32;
        if let Ok(pos) = self.burning.binary_search(&(cell as u32)) {
            self.burning.remove(pos);
        }
        self.front.hold(cell);
        true
    }

    /// Drops arrivals planned across new breaks or from cells put out.
    pub fn replan_after_suppression(&mut self) {
        self.replan();
    }

    /// Flame length with which the fire reached the cell, m (0 where it has not).
    pub fn flame_length_m(&self, cell: usize) -> f64 {
        self.flame_m[cell] as f64
    }

    /// When the front reached the cell, minutes since the drill began.
    pub fn arrival_min(&self, cell: usize) -> Option<f64> {
        Some(self.front.arrival_min[cell]).filter(|t| t.is_finite())
    }

    /// Whether fire closes a road through this cell now.
    pub fn closes_road(&self, cell: usize) -> bool {
        match self.state[cell] {
            CellFire::Burning => true,
            CellFire::Burned => self.t_min < self.burn_until_min[cell] as f64 + ROAD_CLOSED_AFTER_MIN,
            _ => false,
        }
    }

    pub fn is_active(&self) -> bool {
        !self.burning.is_empty() || self.front.pending()
    }

    pub fn burning_cells(&self) -> &[u32] {
        &self.burning
    }

    /// Burned or burning area, hectares.
    pub fn area_ha(&self) -> f64 {
        (self.burned_cells + self.burning.len()) as f64 * self.cell_size_m * self.cell_size_m / 10_000.0
    }

    /// Advances the fire by `minutes`; returns the cells newly ignited.
    pub fn step(&mut self, _grid: &TerrainGrid, minutes: f64, w: FireWeather) -> Vec<u32> {
        self.set_conditions(&w);
        let t_end = self.t_min + minutes;
        let arrivals = {
            let (front, beh, state) = (&mut self.front, &mut self.behaviours, &self.state);
            front.advance(t_end, &mut |c| beh.get(c), &|c| state[c] != CellFire::NoFuel)
        };
        let mut ignited = Vec::with_capacity(arrivals.len());
        for a in arrivals {
            if self.state[a.cell as usize] == CellFire::Unburned {
                self.set_burning(a.cell as usize, a.t_min, a.rate_m_per_min);
                ignited.push(a.cell);
            }
        }
        self.t_min = t_end;
        let (state, until) = (&mut self.state, &self.burn_until_min);
        let mut out = 0;
        self.burning.retain(|&c| {
            let keep = until[c as usize] as f64 > t_end;
            if !keep {
                state[c as usize] = CellFire::Burned;
                out += 1;
            }
            keep
        });
        self.burned_cells += out;
        ignited.sort_unstable();
        ignited
    }

    pub fn cols(&self) -> usize {
        self.cols
    }

    pub fn rows(&self) -> usize {
        self.rows
    }
}

#[cfg(test)]
mod tests;

//! First fire model: a cellular automaton on the terrain grid. Each burning cell heats its eight
//! neighbours at a rate of spread set by fuel (land cover), dead fuel moisture, wind along the
//! spread direction and slope; a cell ignites when the front has crossed it. Fuel moisture varies
//! in space with seeded Perlin noise; strong wind throws occasional spot fires downwind from a
//! seeded RNG. Issue 3 replaces the spread rule with Rothermel and a low-distortion grid scheme.

use noise::{NoiseFn, Perlin};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::{NEIGHBOURS_8, neighbour};
use crate::map::{LandCover, TerrainGrid};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum CellFire {
    Unburned,
    Burning,
    Burned,
    /// Nothing to burn: water, rock, or a cut firebreak.
    NoFuel,
}

/// Rate of spread with no wind on flat ground at 0 % moisture, metres per minute, and how long
/// the flaming front stays in a cell, minutes. Orders of magnitude from Anderson's fuel models.
fn fuel(lc: LandCover) -> Option<(f64, f64)> {
    match lc {
        LandCover::Grass => Some((6.0, 3.0)),
        LandCover::Shrub => Some((4.0, 10.0)),
        LandCover::Forest => Some((2.0, 30.0)),
        LandCover::Farmland => Some((3.0, 5.0)),
        LandCover::Wetland => Some((0.5, 5.0)),
        LandCover::Urban => Some((0.8, 60.0)),
        LandCover::Water | LandCover::BareRock => None,
    }
}

/// Weather the fire sees during one step.
#[derive(Clone, Copy, Debug)]
pub struct FireWeather {
    pub wind_m_per_s: f64,
    /// Direction the wind blows from, degrees clockwise from north.
    pub wind_from_deg: f64,
    pub humidity_percent: f64,
    pub rain_mm_per_h: f64,
}

pub struct Fire {
    cols: usize,
    rows: usize,
    cell_size_m: f64,
    pub state: Vec<CellFire>,
    /// Fraction of the cell the approaching front has crossed.
    progress: Vec<f32>,
    burn_left_min: Vec<f32>,
    ros_base: Vec<f32>,
    burn_min: Vec<f32>,
    /// Flaming cells, kept sorted so the step does not depend on ignition order.
    burning: Vec<u32>,
    /// Cells that have ignited and still border unburned fuel: the front keeps advancing from
    /// them after their own flames die down (a cell's residence time is shorter than the time the
    /// front needs to cross the next cell). Sorted.
    spreading: Vec<u32>,
    rng: ChaCha8Rng,
    /// Dead fine fuel moisture, percent, before spatial variation.
    pub moisture_percent: f64,
    moisture_offset: Vec<f32>,
    pub burned_cells: usize,
}

impl Fire {
    pub fn new(grid: &TerrainGrid, moisture_percent: f64, seed: u64) -> Fire {
        let n = grid.len();
        let perlin = Perlin::new(seed as u32 ^ 0x0f1e);
        let mut state = vec![CellFire::NoFuel; n];
        let mut ros_base = vec![0.0; n];
        let mut burn_min = vec![0.0; n];
        let mut moisture_offset = vec![0.0; n];
        for cell in 0..n {
            if let Some((ros, minutes)) = fuel(grid.landcover[cell]) {
                state[cell] = CellFire::Unburned;
                ros_base[cell] = ros as f32;
                burn_min[cell] = minutes as f32;
            }
            let [x, y] = grid.cell_centre(cell);
            // ±3 % moisture over features about 2 km across: shaded gullies, sunny ridges.
            moisture_offset[cell] = (3.0 * perlin.get([x / 2000.0, y / 2000.0])) as f32;
        }
        Fire {
            cols: grid.cols,
            rows: grid.rows,
            cell_size_m: grid.cell_size_m,
            state,
            progress: vec![0.0; n],
            burn_left_min: vec![0.0; n],
            ros_base,
            burn_min,
            burning: Vec::new(),
            spreading: Vec::new(),
            rng: ChaCha8Rng::seed_from_u64(seed ^ 0xf1e0_f1e0),
            moisture_percent,
            moisture_offset,
            burned_cells: 0,
        }
    }

    /// Sets a cell alight; returns false when it cannot burn.
    pub fn ignite(&mut self, cell: usize) -> bool {
        if self.state[cell] != CellFire::Unburned {
            return false;
        }
        self.state[cell] = CellFire::Burning;
        self.burn_left_min[cell] = self.burn_min[cell];
        for list in [&mut self.burning, &mut self.spreading] {
            if let Err(pos) = list.binary_search(&(cell as u32)) {
                list.insert(pos, cell as u32);
            }
        }
        true
    }

    /// Removes fuel (a firebreak); a burning cell keeps burning out.
    pub fn remove_fuel(&mut self, cell: usize) {
        if self.state[cell] == CellFire::Unburned {
            self.state[cell] = CellFire::NoFuel;
        }
    }

    pub fn is_active(&self) -> bool {
        !self.burning.is_empty()
    }

    pub fn burning_cells(&self) -> &[u32] {
        &self.burning
    }

    /// Burned or burning area, hectares.
    pub fn area_ha(&self) -> f64 {
        (self.burned_cells + self.burning.len()) as f64 * self.cell_size_m * self.cell_size_m / 10_000.0
    }

    /// Advances the fire by `minutes`; returns the cells newly ignited.
    pub fn step(&mut self, grid: &TerrainGrid, minutes: f64, w: FireWeather) -> Vec<u32> {
        let to = (w.wind_from_deg + 180.0).to_radians();
        let wind_to = [to.sin(), to.cos()];
        let wetting = w.rain_mm_per_h * 2.0 + (w.humidity_percent - 30.0).max(0.0) * 0.1;
        let mut ignited = Vec::new();
        for &cell in &self.spreading {
            let cell = cell as usize;
            for &(dc, dr, dist) in &NEIGHBOURS_8 {
                let Some(nb) = neighbour(self.cols, self.rows, cell, dc, dr) else { continue };
                if self.state[nb] != CellFire::Unburned {
                    continue;
                }
                let dir = [dc as f64 / dist, dr as f64 / dist];
                let along = dir[0] * wind_to[0] + dir[1] * wind_to[1];
                let wind_factor = (0.12 * w.wind_m_per_s * along).exp();
                let rise = (grid.elevation_m[nb] - grid.elevation_m[cell]) as f64 / (dist * self.cell_size_m);
                // Rate roughly doubles for every 10 degrees of upslope (McArthur's rule of thumb).
                let slope_factor = (3.5 * rise).exp().clamp(0.3, 6.0);
                let moisture = self.moisture_percent + self.moisture_offset[nb] as f64 + wetting;
                let moisture_factor = (1.0 - moisture / 30.0).max(0.0).powi(2);
                let ros = self.ros_base[nb] as f64 * wind_factor * slope_factor * moisture_factor;
                self.progress[nb] += (ros * minutes / (dist * self.cell_size_m)) as f32;
                if self.progress[nb] >= 1.0 {
                    ignited.push(nb as u32);
                }
            }
        }
        // Spot fires: strong wind lofts embers a few cells downwind.
        if w.wind_m_per_s >= 8.0 && !self.burning.is_empty() {
            let source = self.burning[self.rng.random_range(0..self.burning.len())] as usize;
            if self.rng.random::<f64>() < 0.02 * minutes {
                let reach = 3.0 + self.rng.random::<f64>() * 3.0;
                let dc = (wind_to[0] * reach).round() as i32;
                let dr = (wind_to[1] * reach).round() as i32;
                if let Some(nb) = neighbour(self.cols, self.rows, source, dc, dr)
                    && self.state[nb] == CellFire::Unburned
                {
                    ignited.push(nb as u32);
                }
            }
        }
        let mut still = Vec::with_capacity(self.burning.len());
        for &cell in &self.burning {
            let c = cell as usize;
            self.burn_left_min[c] -= minutes as f32;
            if self.burn_left_min[c] <= 0.0 {
                self.state[c] = CellFire::Burned;
                self.burned_cells += 1;
            } else {
                still.push(cell);
            }
        }
        self.burning = still;
        let (cols, rows, state) = (self.cols, self.rows, &self.state);
        self.spreading.retain(|&c| {
            NEIGHBOURS_8.iter().any(|&(dc, dr, _)| neighbour(cols, rows, c as usize, dc, dr).is_some_and(|nb| state[nb] == CellFire::Unburned))
        });
        ignited.sort_unstable();
        ignited.dedup();
        ignited.retain(|&c| self.ignite(c as usize));
        ignited
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flat(cols: usize, rows: usize, lc: LandCover) -> TerrainGrid {
        TerrainGrid {
            cols,
            rows,
            cell_size_m: 75.0,
            elevation_m: vec![1000.0; cols * rows],
            slope_deg: vec![0.0; cols * rows],
            landcover: vec![lc; cols * rows],
        }
    }

    fn calm() -> FireWeather {
        FireWeather { wind_m_per_s: 0.0, wind_from_deg: 0.0, humidity_percent: 30.0, rain_mm_per_h: 0.0 }
    }

    #[test]
    fn spreads_downwind_faster_and_stops_at_a_firebreak() {
        let g = flat(41, 41, LandCover::Grass);
        let mut f = Fire::new(&g, 6.0, 1);
        f.ignite(g.index(20, 20));
        let wind = FireWeather { wind_m_per_s: 6.0, wind_from_deg: 270.0, ..calm() }; // from the west
        for _ in 0..30 {
            f.step(&g, 1.0, wind);
        }
        let reached = |col: usize| f.state[g.index(col, 20)] != CellFire::Unburned;
        let east = (21..41).take_while(|&c| reached(c)).count();
        let west = (0..20).rev().take_while(|&c| reached(c)).count();
        assert!(east > 2 * west.max(1), "east {east} west {west}");

        let mut f = Fire::new(&g, 6.0, 1);
        for r in 0..41 {
            f.remove_fuel(g.index(25, r));
        }
        f.ignite(g.index(20, 20));
        for _ in 0..1500 {
            f.step(&g, 1.0, calm());
        }
        assert!((26..41).all(|c| f.state[g.index(c, 20)] == CellFire::Unburned));
        assert!(!f.is_active(), "burns out");
    }

    #[test]
    fn same_seed_same_fire() {
        let g = flat(30, 30, LandCover::Shrub);
        let run = || {
            let mut f = Fire::new(&g, 5.0, 42);
            f.ignite(g.index(5, 5));
            let w = FireWeather { wind_m_per_s: 10.0, wind_from_deg: 225.0, ..calm() };
            for _ in 0..60 {
                f.step(&g, 1.0, w);
            }
            f.state.iter().map(|&s| s as u8).collect::<Vec<_>>()
        };
        assert_eq!(run(), run());
    }
}

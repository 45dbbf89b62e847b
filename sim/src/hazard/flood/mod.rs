//! Flood: two-dimensional local inertial shallow-water flow on the terrain grid (`solver`), rain
//! excess by SCS curve number per land cover (`runoff`), the river network for gauges and inflows
//! (`drainage`), and the FD2320 hazard rating of moving water (`hazard_rating`).
//!
//! What the world reads, per cell:
//! - `depth_m`: water over the land. The 75 m cell of a river hides a channel a few to 40 m wide;
//!   its cell-average depth up to bankfull flow is the river in its bed, not flooding, so a
//!   channel cell counts only the depth above that (`bank_m`).
//! - `channel_depth_m`: what a gauge on that channel cell reads, the stage above the bed. Within
//!   the banks the same discharge per Manning runs in a channel of width W instead of the cell's
//!   Δx, so h_channel = h_cell (Δx / W)^(3/5); above bankfull the overbank rise adds one to one.
//! - sandbag lines (`sandbag`) raise the crest of the faces around the cells they enclose up to
//!   their built height; water overtops them once it is higher. Pumps (`set_pumps`) take water out
//!   of cells at a rate (m³/s), counted with the outflow.

pub mod drainage;
pub mod hazard_rating;
pub mod runoff;
pub mod solver;

use drainage::{Drainage, manning_depth};
use runoff::{CurveNumberRunoff, curve_number};
use solver::{Solver, SolverConfig};

use crate::map::{LandCover, TerrainGrid};

/// Manning's n of the valley floors and channels of the drill map (natural mountain streams with
/// cobbles, Chow 1959 table 5-6: 0.030–0.050).
pub const MAP_MANNING_N: f64 = 0.04;

/// The rectangle of the map the 2-D solver runs on.
#[derive(Clone, Copy, Debug)]
struct Domain {
    c0: usize,
    r0: usize,
    cols: usize,
    rows: usize,
}

impl Domain {
    fn local(&self, map_cols: usize, cell: usize) -> Option<usize> {
        let (c, r) = (cell % map_cols, cell / map_cols);
        (c >= self.c0 && r >= self.r0 && c < self.c0 + self.cols && r < self.r0 + self.rows)
            .then(|| (r - self.r0) * self.cols + c - self.c0)
    }
    fn global(&self, map_cols: usize, local: usize) -> usize {
        (self.r0 + local / self.cols) * map_cols + self.c0 + local % self.cols
    }
}

#[derive(Clone)]
pub struct Flood {
    solver: Solver,
    cols: usize,
    domain: Domain,
    is_channel: Vec<bool>,
    /// (Δx / W)^(3/5) on channel cells.
    stage_factor: Vec<f32>,
    /// Cell-average depth of bankfull flow in the bed belt (channel cells and their neighbours), m.
    bank_m: Vec<f32>,
    runoff: CurveNumberRunoff,
    /// Per domain cell, how many cells of each land cover drain their rain excess into it (its
    /// own, and those of the slopes outside the domain whose D8 path enters the domain there).
    contributors: Vec<[f32; 8]>,
    source: Vec<f32>,
    /// Depth of water over the land per cell after the last step, metres.
    pub depth_m: Vec<f32>,
    /// Stage of the river on each channel cell (what a gauge reads), metres.
    pub channel_depth_m: Vec<f32>,
    /// Height of sandbag lines built on a cell, metres.
    pub barrier_m: Vec<f32>,
    /// Water that left the domain or was pumped out so far, m³.
    pub outflow_m3: f64,
    /// Rain excess and river inflow so far, m³.
    pub input_m3: f64,
}

impl Flood {
    /// The flood on the whole grid.
    pub fn new(grid: &TerrainGrid, _tick_s: f64) -> Flood {
        Flood::with_domain(grid, Domain { c0: 0, r0: 0, cols: grid.cols, rows: grid.rows })
    }

    /// The flood solved in 2-D on the rectangle around `points` (the scenario's inflows, gauges
    /// and villages) grown by `margin_m`, with open edges. The rain excess of the slopes outside
    /// it joins the domain where their D8 path enters it (no travel time on the way): the valley
    /// floors where water gathers and people live are solved in full, the hillsides cost nothing.
    pub fn around(grid: &TerrainGrid, points: &[crate::map::Xy], margin_m: f64) -> Flood {
        if points.is_empty() {
            return Flood::new(grid, 60.0);
        }
        let (mut x0, mut y0, mut x1, mut y1) = (f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY);
        for p in points {
            (x0, y0, x1, y1) = (x0.min(p[0]), y0.min(p[1]), x1.max(p[0]), y1.max(p[1]));
        }
        let cell = |v: f64, n: usize| ((v / grid.cell_size_m).floor().max(0.0) as usize).min(n - 1);
        let (c0, c1) = (cell(x0 - margin_m, grid.cols), cell(x1 + margin_m, grid.cols));
        let (r0, r1) = (cell(y0 - margin_m, grid.rows), cell(y1 + margin_m, grid.rows));
        let domain = Domain { c0, r0, cols: (c1 - c0 + 1).max(2), rows: (r1 - r0 + 1).max(2) };
        let domain = Domain { cols: domain.cols.min(grid.cols - c0), rows: domain.rows.min(grid.rows - r0), ..domain };
        Flood::with_domain(grid, domain)
    }

    fn with_domain(grid: &TerrainGrid, domain: Domain) -> Flood {
        let n = grid.len();
        let drainage = Drainage::new(grid);
        let dx = grid.cell_size_m;
        // SRTM pits are artefacts (lakes are measured at their surface): the bed is the
        // depression-filled DEM, so no cell ponds deeper than the flow it carries.
        let filled = &drainage.filled;
        let bed: Vec<f32> =
            (0..domain.cols * domain.rows).map(|l| filled[domain.global(grid.cols, l)] as f32).collect();
        let cfg = SolverConfig { manning_n: MAP_MANNING_N as f32, ..SolverConfig::default() };
        let solver = Solver::new(domain.cols, domain.rows, dx, &bed, cfg);
        let mut stage_factor = vec![1.0f32; n];
        let mut bank_m = vec![0.0f32; n];
        for c in 0..n {
            if drainage.is_channel[c] {
                let a = drainage.area_km2[c];
                let w = Drainage::channel_width_m(a);
                stage_factor[c] = (dx / w).powf(0.6) as f32;
                bank_m[c] =
                    manning_depth(MAP_MANNING_N, Drainage::bankfull_m3_per_s(a), dx, drainage.slope[c] as f64) as f32;
            }
        }
        // SRTM smears a river bed over about three 75 m cells and the 2-D flow does not keep to
        // the one-cell D8 channel: the bed belt is each channel cell and its eight neighbours.
        let mut belt_m = bank_m.clone();
        for (c, belt) in belt_m.iter_mut().enumerate() {
            for &(dc, dr, _) in &crate::hazard::NEIGHBOURS_8 {
                if let Some(nb) = crate::hazard::neighbour(grid.cols, grid.rows, c, dc, dr) {
                    *belt = belt.max(bank_m[nb]);
                }
            }
        }
        // Land cover counts carried down the D8 paths until they enter the domain.
        let mut carried = vec![[0.0f32; 8]; n];
        for (c, lc) in grid.landcover.iter().enumerate() {
            carried[c][*lc as usize] = 1.0;
        }
        let mut contributors = vec![[0.0f32; 8]; domain.cols * domain.rows];
        for &c in &drainage.order {
            let c = c as usize;
            if let Some(l) = domain.local(grid.cols, c) {
                for k in 0..8 {
                    contributors[l][k] += carried[c][k];
                }
                continue;
            }
            let d = drainage.down[c];
            if d == drainage::NO_CELL {
                continue;
            }
            let moved = carried[c];
            let d = d as usize;
            if let Some(l) = domain.local(grid.cols, d) {
                for k in 0..8 {
                    contributors[l][k] += moved[k];
                }
            } else {
                for k in 0..8 {
                    carried[d][k] += moved[k];
                }
            }
        }
        Flood {
            solver,
            cols: grid.cols,
            domain,
            is_channel: drainage.is_channel,
            stage_factor,
            bank_m: belt_m,
            runoff: CurveNumberRunoff::new(LandCover::ALL.iter().map(|&lc| curve_number(lc)).collect()),
            contributors,
            source: vec![0.0; domain.cols * domain.rows],
            depth_m: vec![0.0; n],
            channel_depth_m: vec![0.0; n],
            barrier_m: vec![0.0; n],
            outflow_m3: 0.0,
            input_m3: 0.0,
        }
    }

    pub fn cols(&self) -> usize {
        self.cols
    }

    pub fn is_channel(&self, cell: usize) -> bool {
        self.is_channel[cell]
    }

    /// The bed the water flows on in a map cell (the depression-filled DEM), m above sea level;
    /// `None` outside the 2-D domain. A gauge's stage is the depth above it.
    pub fn bed_m(&self, cell: usize) -> Option<f64> {
        self.domain.local(self.cols, cell).map(|l| self.solver.bed()[l] as f64)
    }

    pub fn solver(&self) -> &Solver {
        &self.solver
    }

    /// One tick: `rain_mm_per_h` everywhere, of whose SCS direct runoff `runoff_fraction` reaches
    /// the surface flow (the rest is held in sub-grid storage), plus `inflows` (cell, m³ this tick).
    pub fn step(&mut self, tick_s: f64, rain_mm_per_h: f64, runoff_fraction: f64, inflows: &[(usize, f64)]) {
        let by_cover = self.runoff.add_rain(rain_mm_per_h * tick_s / 3600.0);
        let rate: Vec<f32> =
            by_cover.iter().map(|mm| (mm / 1000.0 * runoff_fraction.clamp(0.0, 1.0) / tick_s) as f32).collect();
        let mut changed = false;
        for (s, n) in self.source.iter_mut().zip(&self.contributors) {
            let v: f32 = n.iter().zip(&rate).map(|(n, r)| n * r).sum();
            changed |= v != *s;
            *s = v;
        }
        if changed {
            self.solver.set_source(&self.source);
        }
        let (d, cols) = (self.domain, self.cols);
        let rates: Vec<(usize, f64)> =
            inflows.iter().filter_map(|&(c, m3)| d.local(cols, c).map(|l| (l, m3 / tick_s))).collect();
        self.solver.set_inflows(&rates);
        self.solver.advance(tick_s);
        let s = &self.solver;
        self.input_m3 = s.volume_rain_m3 + s.volume_inflow_m3;
        self.outflow_m3 = s.volume_out_m3 + s.volume_pumped_m3;
        for (l, &h) in s.depth().iter().enumerate() {
            let c = d.global(cols, l);
            let bank = self.bank_m[c];
            self.depth_m[c] = (h - bank).max(0.0);
            if self.is_channel[c] {
                self.channel_depth_m[c] = h.min(bank) * self.stage_factor[c] + (h - bank).max(0.0);
            }
        }
    }

    /// Water on the grid, m³.
    pub fn stored_m3(&self) -> f64 {
        self.solver.stored_m3()
    }

    /// Speed of the water in a cell, m/s.
    pub fn velocity_m_per_s(&self, cell: usize) -> f32 {
        self.domain.local(self.cols, cell).map_or(0.0, |l| self.solver.velocity(l))
    }

    /// FD2320 hazard rating of the water over the land of a cell.
    pub fn hazard_rating(&self, cell: usize) -> f64 {
        hazard_rating::hazard_rating(self.depth_m[cell] as f64, self.velocity_m_per_s(cell) as f64)
    }

    /// A sandbag line `height_m` high around `cells` (their outer faces).
    pub fn sandbag(&mut self, cells: &[usize], height_m: f32) {
        let local: Vec<usize> = cells.iter().filter_map(|&c| self.domain.local(self.cols, c)).collect();
        self.solver.raise_barrier(&local, height_m);
        for &c in cells {
            if let Some(b) = self.barrier_m.get_mut(c) {
                *b = b.max(height_m);
            }
        }
    }

    /// Water pumped out so far, m³.
    pub fn pumped_m3(&self) -> f64 {
        self.solver.volume_pumped_m3
    }

    /// Pumps at work from now on: (cell, m³/s). Each takes no more than its cell holds.
    pub fn set_pumps(&mut self, pumps: &[(usize, f64)]) {
        let local: Vec<(usize, f64)> =
            pumps.iter().filter_map(|&(c, q)| self.domain.local(self.cols, c).map(|l| (l, q))).collect();
        self.solver.set_pumps(&local);
    }
}

#[cfg(test)]
mod tests;

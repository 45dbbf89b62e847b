//! First flood model: rain runoff and river inflow routed down the terrain through a cascade of
//! linear reservoirs (one per cell, D8 steepest descent on the depression-filled DEM), channel
//! depth from Manning's equation, and inundation of the land beside each channel by its
//! height above the nearest drainage (HAND, as used by NOAA's National Water Model for flood
//! maps). Rain becomes runoff after an initial loss, minus a constant infiltration rate by land
//! cover (the "initial and constant loss" model). Cheap (a few array passes per tick) and
//! mass-conserving; issue 3 replaces it with a 2-D shallow-water solver.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::{NEIGHBOURS_8, neighbour};
use crate::map::{LandCover, TerrainGrid};

/// Drainage area above which a cell holds a channel, km².
const CHANNEL_AREA_KM2: f64 = 0.5;
/// Manning roughness of a natural mountain channel.
const MANNING_N: f64 = 0.035;
const NO_CELL: u32 = u32::MAX;
/// Rain soaked up by canopy, litter and depressions before anything runs off, mm.
const INITIAL_LOSS_MM: f64 = 15.0;

/// Infiltration capacity once the ground is wet, mm/h: forest soils take most of a steady rain,
/// rock and roofs little.
fn infiltration_mm_per_h(lc: LandCover) -> f32 {
    match lc {
        LandCover::Forest => 15.0,
        LandCover::Shrub => 10.0,
        LandCover::Grass => 8.0,
        LandCover::Farmland => 6.0,
        LandCover::Urban => 1.0,
        LandCover::BareRock => 2.0,
        LandCover::Water | LandCover::Wetland => 0.0,
    }
}

pub struct Flood {
    cols: usize,
    cell_area_m2: f64,
    /// Cells from upstream to downstream.
    order: Vec<u32>,
    /// D8 receiver of each cell, `NO_CELL` where water leaves the map.
    down: Vec<u32>,
    /// Share of a cell's stored water that moves on in one tick.
    release: Vec<f32>,
    channel_width_m: Vec<f32>,
    channel_slope: Vec<f32>,
    /// Depth a channel holds before it spills over its banks, metres.
    bankfull_m: Vec<f32>,
    is_channel: Vec<bool>,
    /// The channel cell each cell drains to, and its height above it.
    drain: Vec<u32>,
    hand_m: Vec<f32>,
    storage_m3: Vec<f64>,
    infiltration_mm_per_h: Vec<f32>,
    /// Rain fallen so far, mm (until the initial loss is met).
    rain_so_far_mm: f64,
    /// Depth of water over the land (out of the river bed) per cell after the last step, metres.
    pub depth_m: Vec<f32>,
    /// Depth of water in the channel of each channel cell (what a gauge reads), metres.
    pub channel_depth_m: Vec<f32>,
    /// Extra height of sandbag lines built on a cell, metres.
    pub barrier_m: Vec<f32>,
    /// Water that left the map so far, m³ (for mass accounting).
    pub outflow_m3: f64,
    pub input_m3: f64,
}

impl Flood {
    pub fn new(grid: &TerrainGrid, tick_s: f64) -> Flood {
        let n = grid.len();
        let (cols, rows) = (grid.cols, grid.rows);
        let filled = fill_depressions(grid);
        let mut down = vec![NO_CELL; n];
        let mut drop_per_m = vec![0.0f32; n];
        for cell in 0..n {
            let mut best = (0.0f64, NO_CELL);
            for &(dc, dr, dist) in &NEIGHBOURS_8 {
                if let Some(nb) = neighbour(cols, rows, cell, dc, dr) {
                    let s = (filled[cell] - filled[nb]) / (dist * grid.cell_size_m);
                    if s > best.0 {
                        best = (s, nb as u32);
                    }
                }
            }
            down[cell] = best.1;
            let raw = if best.1 == NO_CELL {
                0.0
            } else {
                (grid.elevation_m[cell] as f64 - grid.elevation_m[best.1 as usize] as f64).max(0.0)
                    / grid.cell_size_m
            };
            drop_per_m[cell] = raw as f32;
        }
        // Upstream first: filled elevation strictly decreases along `down`.
        let mut order: Vec<u32> = (0..n as u32).collect();
        order.sort_by(|&a, &b| filled[b as usize].total_cmp(&filled[a as usize]).then(a.cmp(&b)));
        let cell_area_m2 = grid.cell_size_m * grid.cell_size_m;
        let mut area_km2 = vec![cell_area_m2 / 1e6; n];
        for &c in &order {
            let d = down[c as usize];
            if d != NO_CELL {
                area_km2[d as usize] += area_km2[c as usize];
            }
        }
        let is_channel: Vec<bool> = area_km2.iter().map(|&a| a >= CHANNEL_AREA_KM2).collect();
        let mut drain = vec![NO_CELL; n];
        let mut hand_m = vec![0.0f32; n];
        for &c in order.iter().rev() {
            let c = c as usize;
            if is_channel[c] {
                drain[c] = c as u32;
            } else if down[c] != NO_CELL {
                drain[c] = drain[down[c] as usize];
            }
            if drain[c] != NO_CELL {
                hand_m[c] = (grid.elevation_m[c] - grid.elevation_m[drain[c] as usize]).max(0.0);
            } else {
                hand_m[c] = f32::INFINITY;
            }
        }
        let channel_width_m: Vec<f32> = area_km2.iter().map(|&a| (3.0 * a.sqrt()).clamp(3.0, 40.0) as f32).collect();
        let channel_slope: Vec<f32> = drop_per_m.iter().map(|&s| s.max(0.002)).collect();
        // Channels are shaped by their ordinary floods: bankfull discharge ≈ 1.5 A^0.75 m³/s
        // (A in km²), about the mean annual flood of a mountain river.
        let bankfull_m = (0..n)
            .map(|c| manning_depth(1.5 * area_km2[c].powf(0.75), channel_width_m[c] as f64, channel_slope[c] as f64) as f32)
            .collect();
        let release = channel_slope
            .iter()
            .map(|&s| {
                let v = (0.8 + 10.0 * s as f64).clamp(0.5, 3.0);
                (1.0 - (-v * tick_s / grid.cell_size_m).exp()) as f32
            })
            .collect();
        Flood {
            cols,
            cell_area_m2,
            order,
            down,
            release,
            channel_width_m,
            channel_slope,
            bankfull_m,
            is_channel,
            drain,
            hand_m,
            storage_m3: vec![0.0; n],
            infiltration_mm_per_h: grid.landcover.iter().map(|&lc| infiltration_mm_per_h(lc)).collect(),
            rain_so_far_mm: 0.0,
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

    /// Routes one tick of rain (`rain_mm_per_h` everywhere, of whose excess over infiltration
    /// `runoff_fraction` reaches the channels) plus `inflows` (cell, m³).
    pub fn step(&mut self, tick_s: f64, rain_mm_per_h: f64, runoff_fraction: f64, inflows: &[(usize, f64)]) {
        let hours = tick_s / 3600.0;
        self.rain_so_far_mm += rain_mm_per_h * hours;
        if rain_mm_per_h > 0.0 && self.rain_so_far_mm > INITIAL_LOSS_MM {
            for (s, &loss) in self.storage_m3.iter_mut().zip(&self.infiltration_mm_per_h) {
                let excess_mm = (rain_mm_per_h - loss as f64).max(0.0) * hours * runoff_fraction;
                let m3 = excess_mm / 1000.0 * self.cell_area_m2;
                *s += m3;
                self.input_m3 += m3;
            }
        }
        for &(cell, m3) in inflows {
            self.storage_m3[cell] += m3;
            self.input_m3 += m3;
        }
        let mut discharge = vec![0.0f32; self.storage_m3.len()];
        for &c in &self.order {
            let c = c as usize;
            let out = self.storage_m3[c] * self.release[c] as f64;
            self.storage_m3[c] -= out;
            discharge[c] = (out / tick_s) as f32;
            match self.down[c] {
                NO_CELL => self.outflow_m3 += out,
                d => self.storage_m3[d as usize] += out,
            }
        }
        let mut channel_depth = vec![0.0f32; discharge.len()];
        for (c, d) in channel_depth.iter_mut().enumerate() {
            if self.is_channel[c] && discharge[c] > 0.0 {
                *d = manning_depth(discharge[c] as f64, self.channel_width_m[c] as f64, self.channel_slope[c] as f64) as f32;
            }
        }
        self.channel_depth_m = channel_depth;
        for c in 0..self.depth_m.len() {
            self.depth_m[c] = if self.is_channel[c] {
                // Water over the banks of the river's own cell (the bed itself is not land).
                (self.channel_depth_m[c] - self.bankfull_m[c] - self.barrier_m[c]).max(0.0)
            } else if self.drain[c] == NO_CELL {
                0.0
            } else {
                let d = self.drain[c] as usize;
                (self.channel_depth_m[d] - self.bankfull_m[d] - self.hand_m[c] - self.barrier_m[c]).max(0.0)
            };
        }
    }

    /// Water held in the reservoirs, m³.
    pub fn stored_m3(&self) -> f64 {
        self.storage_m3.iter().sum()
    }
}

/// Depth for a discharge by Manning's equation in a wide rectangular channel: h = (n Q / (W √S))^(3/5).
fn manning_depth(q_m3_per_s: f64, width_m: f64, slope: f64) -> f64 {
    (MANNING_N * q_m3_per_s / (width_m * slope.sqrt())).powf(0.6)
}

/// Priority-flood depression filling (Barnes et al. 2014) with a small gradient across flats so
/// every cell drains to the map edge.
fn fill_depressions(grid: &TerrainGrid) -> Vec<f64> {
    let (cols, rows, n) = (grid.cols, grid.rows, grid.len());
    let mut filled: Vec<f64> = grid.elevation_m.iter().map(|&e| e as f64).collect();
    let mut done = vec![false; n];
    let mut heap = BinaryHeap::new();
    let key = |z: f64| Reverse((z * 1e4) as i64);
    for cell in 0..n {
        let (c, r) = (cell % cols, cell / cols);
        if c == 0 || r == 0 || c == cols - 1 || r == rows - 1 {
            done[cell] = true;
            heap.push((key(filled[cell]), Reverse(cell)));
        }
    }
    while let Some((_, Reverse(cell))) = heap.pop() {
        for &(dc, dr, _) in &NEIGHBOURS_8 {
            if let Some(nb) = neighbour(cols, rows, cell, dc, dr)
                && !done[nb]
            {
                done[nb] = true;
                filled[nb] = filled[nb].max(filled[cell] + 1e-3);
                heap.push((key(filled[nb]), Reverse(nb)));
            }
        }
    }
    filled
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::map::LandCover;

    /// A tilted valley: a V across x, sloping down towards row 0.
    pub(crate) fn valley(cols: usize, rows: usize) -> TerrainGrid {
        let mut elevation_m = Vec::new();
        for r in 0..rows {
            for c in 0..cols {
                let across = (c as f32 - (cols / 2) as f32).abs() * 8.0;
                elevation_m.push(1000.0 + r as f32 * 3.0 + across);
            }
        }
        let slope_deg = TerrainGrid::compute_slope(cols, rows, 75.0, &elevation_m);
        TerrainGrid { cols, rows, cell_size_m: 75.0, elevation_m, slope_deg, landcover: vec![LandCover::Grass; cols * rows] }
    }

    #[test]
    fn conserves_mass_and_floods_the_valley_floor_first() {
        let g = valley(21, 40);
        let mut f = Flood::new(&g, 60.0);
        let inflow_cell = g.index(10, 39);
        for _ in 0..120 {
            f.step(60.0, 60.0, 1.0, &[(inflow_cell, 200.0 * 60.0)]);
        }
        let balance = f.input_m3 - f.outflow_m3 - f.stored_m3();
        assert!(balance.abs() < 1e-6 * f.input_m3, "mass balance off by {balance}");
        let floor = f.depth_m[g.index(10, 20)];
        let bank = f.depth_m[g.index(11, 20)];
        let ridge = f.depth_m[g.index(0, 20)];
        assert!(floor > 0.5, "valley floor depth {floor}");
        assert!(floor > bank && bank >= ridge, "{floor} {bank} {ridge}");
        // Sandbags on the bank keep it dry when the bank is barely reached.
        f.barrier_m[g.index(11, 20)] = 10.0;
        f.step(60.0, 60.0, 1.0, &[(inflow_cell, 200.0 * 60.0)]);
        assert_eq!(f.depth_m[g.index(11, 20)], 0.0);
    }

    #[test]
    fn drains_a_pit_instead_of_trapping_routing() {
        let mut g = valley(11, 11);
        let pit = g.index(5, 5);
        g.elevation_m[pit] -= 50.0;
        let f = Flood::new(&g, 60.0);
        assert_ne!(f.down[pit], NO_CELL);
    }
}

//! Where the rivers are: D8 steepest descent on a priority-flood filled DEM (Barnes, Lehman &
//! Mulla 2014) gives each cell's drainage area; cells draining more than 0.5 km² hold a channel.
//! The 2-D solver moves the water; this only names the channel cells (gauges, inflows sit on
//! them) and sizes the sub-grid channel a 75 m cell hides.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::hazard::{NEIGHBOURS_8, neighbour};
use crate::map::TerrainGrid;

/// Drainage area above which a cell holds a channel, km².
pub const CHANNEL_AREA_KM2: f64 = 0.5;
pub const NO_CELL: u32 = u32::MAX;

pub struct Drainage {
    pub area_km2: Vec<f64>,
    /// Slope from each cell to its D8 receiver (at least 0.002).
    pub slope: Vec<f32>,
    pub is_channel: Vec<bool>,
    /// D8 receiver of each cell, `NO_CELL` where water leaves the map.
    pub down: Vec<u32>,
    /// Cells from upstream to downstream.
    pub order: Vec<u32>,
    /// The depression-filled DEM, m.
    pub filled: Vec<f64>,
}

impl Drainage {
    pub fn new(grid: &TerrainGrid) -> Drainage {
        let n = grid.len();
        let (cols, rows) = (grid.cols, grid.rows);
        let filled = fill_depressions(grid);
        let mut down = vec![NO_CELL; n];
        let mut slope = vec![0.002f32; n];
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
            if best.1 != NO_CELL {
                let drop = (grid.elevation_m[cell] as f64 - grid.elevation_m[best.1 as usize] as f64).max(0.0);
                slope[cell] = ((drop / grid.cell_size_m) as f32).max(0.002);
            }
        }
        // Upstream first: filled elevation strictly decreases along `down`.
        let mut order: Vec<u32> = (0..n as u32).collect();
        order.sort_by(|&a, &b| filled[b as usize].total_cmp(&filled[a as usize]).then(a.cmp(&b)));
        let cell_km2 = grid.cell_size_m * grid.cell_size_m / 1e6;
        let mut area_km2 = vec![cell_km2; n];
        for &c in &order {
            let d = down[c as usize];
            if d != NO_CELL {
                area_km2[d as usize] += area_km2[c as usize];
            }
        }
        let is_channel = area_km2.iter().map(|&a| a >= CHANNEL_AREA_KM2).collect();
        Drainage { area_km2, slope, is_channel, down, order, filled }
    }

    /// Width of the channel draining `area_km2`, m (hydraulic geometry W ≈ 3 √A, 3–40 m).
    pub fn channel_width_m(area_km2: f64) -> f64 {
        (3.0 * area_km2.sqrt()).clamp(3.0, 40.0)
    }

    /// Bankfull discharge, m³/s: channels are shaped by their ordinary floods, ≈ 1.5 A^0.75 (A
    /// in km²), about the mean annual flood of a mountain river.
    pub fn bankfull_m3_per_s(area_km2: f64) -> f64 {
        1.5 * area_km2.powf(0.75)
    }
}

/// Depth for a discharge by Manning's equation in a wide rectangular channel: h = (n Q / (W √S))^(3/5).
pub fn manning_depth(n: f64, q_m3_per_s: f64, width_m: f64, slope: f64) -> f64 {
    (n * q_m3_per_s.max(0.0) / (width_m * slope.sqrt())).powf(0.6)
}

/// Priority-flood depression filling (Barnes et al. 2014) with a small gradient across flats so
/// every cell drains to the map edge.
pub fn fill_depressions(grid: &TerrainGrid) -> Vec<f64> {
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

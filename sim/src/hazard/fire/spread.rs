//! Spread over the grid by minimum travel time (Finney 2002): arrival times by Dijkstra's
//! algorithm over a 32-neighbour stencil (all moves up to three cells with coprime offsets, so
//! stencil directions are at most 18.4° apart and a straight front's distance error stays
//! under 1.3 %). The travel time of a move is its length times the mean of the slownesses
//! (1 / rate in that direction) of the two end cells, each from that cell's fire ellipse with the
//! ignition at the rear focus. A move is blocked when the segment crosses a cell without fuel
//! (a river, a cut firebreak, a held line), so a long move cannot jump a break.
//!
//! Deterministic: the queue orders by (time, cell index). When the weather changes, pending
//! arrivals are recomputed from the cells still spreading with the new rates (never earlier than
//! now), as if the new conditions had held since those cells ignited.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// A cell's fire ellipse: head rate (m/min), eccentricity and head direction (radians,
/// counter-clockwise from east), plus heat per unit area for Byram's intensity.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CellSpread {
    pub head_m_per_min: f64,
    pub eccentricity: f64,
    pub head_angle: f64,
    /// Reaction intensity × residence time, kJ/m².
    pub heat_per_area_kj_m2: f64,
    /// Flame residence time, min.
    pub residence_min: f64,
}

impl CellSpread {
    /// Rate of spread towards `angle` (radians counter-clockwise from east), m/min.
    pub fn rate(&self, angle: f64) -> f64 {
        let e = self.eccentricity;
        self.head_m_per_min * (1.0 - e) / (1.0 - e * (angle - self.head_angle).cos())
    }
}

#[derive(Clone)]
struct Move {
    dc: i32,
    dr: i32,
    length_cells: f64,
    angle: f64,
    /// Cells the segment passes through between its ends.
    between: Vec<(i32, i32)>,
}

fn stencil() -> Vec<Move> {
    let mut moves = Vec::new();
    for dr in -3i32..=3 {
        for dc in -3i32..=3 {
            let gcd = |mut a: i32, mut b: i32| {
                while b != 0 {
                    (a, b) = (b, a % b);
                }
                a.abs()
            };
            if (dc, dr) == (0, 0) || gcd(dc, dr) != 1 {
                continue;
            }
            let n = 4 * dc.abs().max(dr.abs());
            let mut between: Vec<(i32, i32)> = (1..n)
                .map(|i| {
                    let t = i as f64 / n as f64;
                    ((dc as f64 * t).round() as i32, (dr as f64 * t).round() as i32)
                })
                .filter(|&o| o != (0, 0) && o != (dc, dr))
                .collect();
            // A diagonal step squeezes between two corner-touching cells: both must burn.
            if dc.abs() == 1 && dr.abs() == 1 {
                between = vec![(dc, 0), (0, dr)];
            }
            between.sort_unstable();
            between.dedup();
            moves.push(Move {
                dc,
                dr,
                length_cells: (dc as f64).hypot(dr as f64),
                angle: (dr as f64).atan2(dc as f64),
                between,
            });
        }
    }
    moves
}

/// An ignition found by `advance`: cell, time (min) and the rate of spread it arrived with (m/min).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Arrival {
    pub cell: u32,
    pub t_min: f64,
    pub rate_m_per_min: f64,
}

/// The minimum-travel-time front.
#[derive(Clone)]
pub struct Front {
    cols: usize,
    rows: usize,
    cell_m: f64,
    moves: Vec<Move>,
    epoch: u32,
    queue: BinaryHeap<Reverse<(u64, u32, u32)>>,
    best: Vec<f64>,
    best_angle: Vec<f32>,
    best_epoch: Vec<u32>,
    /// Arrival time of the fire, minutes; infinite where it has not arrived.
    pub arrival_min: Vec<f64>,
    /// Ignited cells the front may still leave from, sorted.
    spreading: Vec<u32>,
}

impl Front {
    pub fn new(cols: usize, rows: usize, cell_m: f64) -> Front {
        let n = cols * rows;
        Front {
            cols,
            rows,
            cell_m,
            moves: stencil(),
            epoch: 0,
            queue: BinaryHeap::new(),
            best: vec![f64::INFINITY; n],
            best_angle: vec![0.0; n],
            best_epoch: vec![0; n],
            arrival_min: vec![f64::INFINITY; n],
            spreading: Vec::new(),
        }
    }

    fn offset(&self, cell: usize, dc: i32, dr: i32) -> Option<usize> {
        super::super::neighbour(self.cols, self.rows, cell, dc, dr)
    }

    /// Sets `cell` alight at `t_min` (an ignition from outside the front).
    pub fn ignite(
        &mut self,
        cell: usize,
        t_min: f64,
        rates: &mut dyn FnMut(usize) -> Option<CellSpread>,
        has_fuel: &dyn Fn(usize) -> bool,
    ) {
        if self.arrival_min[cell].is_finite() {
            return;
        }
        self.arrival_min[cell] = t_min;
        if let Err(pos) = self.spreading.binary_search(&(cell as u32)) {
            self.spreading.insert(pos, cell as u32);
        }
        self.push_from(cell, t_min, t_min, rates, has_fuel);
    }

    /// Queues the neighbours of an ignited cell, no earlier than `not_before`.
    fn push_from(
        &mut self,
        cell: usize,
        t_src: f64,
        not_before: f64,
        rates: &mut dyn FnMut(usize) -> Option<CellSpread>,
        has_fuel: &dyn Fn(usize) -> bool,
    ) {
        let Some(src) = rates(cell) else { return };
        for m in 0..self.moves.len() {
            let (dc, dr, length, angle) =
                (self.moves[m].dc, self.moves[m].dr, self.moves[m].length_cells, self.moves[m].angle);
            let Some(nb) = self.offset(cell, dc, dr) else { continue };
            if self.arrival_min[nb].is_finite() || !has_fuel(nb) {
                continue;
            }
            let blocked =
                self.moves[m].between.iter().any(|&(bc, br)| self.offset(cell, bc, br).is_none_or(|b| !has_fuel(b)));
            if blocked {
                continue;
            }
            let Some(dst) = rates(nb) else { continue };
            let (r1, r2) = (src.rate(angle), dst.rate(angle));
            if r1 <= 0.0 || r2 <= 0.0 {
                continue;
            }
            let t = (t_src + length * self.cell_m * 0.5 * (1.0 / r1 + 1.0 / r2)).max(not_before);
            let best = if self.best_epoch[nb] == self.epoch { self.best[nb] } else { f64::INFINITY };
            if t < best {
                self.best[nb] = t;
                self.best_angle[nb] = angle as f32;
                self.best_epoch[nb] = self.epoch;
                self.queue.push(Reverse((t.to_bits(), nb as u32, self.epoch)));
            }
        }
    }

    /// Drops every pending arrival and queues again from the cells still spreading (after the
    /// weather changed or a cell was put out), no earlier than `now_min`.
    pub fn replan(
        &mut self,
        now_min: f64,
        rates: &mut dyn FnMut(usize) -> Option<CellSpread>,
        has_fuel: &dyn Fn(usize) -> bool,
    ) {
        self.epoch += 1;
        self.queue.clear();
        for i in 0..self.spreading.len() {
            let c = self.spreading[i] as usize;
            self.push_from(c, self.arrival_min[c], now_min, rates, has_fuel);
        }
    }

    /// Stops a cell from spreading any further (put out); call `replan` afterwards.
    pub fn hold(&mut self, cell: usize) {
        if let Ok(pos) = self.spreading.binary_search(&(cell as u32)) {
            self.spreading.remove(pos);
        }
    }

    /// Ignites, in time order, every cell the front reaches by `t_end_min`.
    pub fn advance(
        &mut self,
        t_end_min: f64,
        rates: &mut dyn FnMut(usize) -> Option<CellSpread>,
        has_fuel: &dyn Fn(usize) -> bool,
    ) -> Vec<Arrival> {
        let mut out = Vec::new();
        while let Some(&Reverse((bits, cell, epoch))) = self.queue.peek() {
            let t = f64::from_bits(bits);
            if t > t_end_min {
                break;
            }
            self.queue.pop();
            let c = cell as usize;
            if epoch != self.epoch || self.arrival_min[c].is_finite() || self.best[c] != t || !has_fuel(c) {
                continue;
            }
            self.arrival_min[c] = t;
            let rate = rates(c).map_or(0.0, |s| s.rate(self.best_angle[c] as f64));
            out.push(Arrival { cell, t_min: t, rate_m_per_min: rate });
            if let Err(pos) = self.spreading.binary_search(&cell) {
                self.spreading.insert(pos, cell);
            }
            self.push_from(c, t, t, rates, has_fuel);
        }
        // Cells with nothing left to reach stop spreading.
        let spreading = std::mem::take(&mut self.spreading);
        self.spreading = spreading
            .into_iter()
            .filter(|&c| {
                self.moves.iter().any(|m| {
                    self.offset(c as usize, m.dc, m.dr)
                        .is_some_and(|nb| !self.arrival_min[nb].is_finite() && has_fuel(nb))
                })
            })
            .collect();
        out
    }

    /// Whether any arrival is still pending.
    pub fn pending(&self) -> bool {
        !self.queue.is_empty()
    }
}

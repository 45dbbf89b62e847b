//! Which road edges are closed, and why: water of [`ROAD_CUT_DEPTH_M`] or more, fire burning
//! (or just burned), debris (until a team clears it), or a block from an inject.

use crate::hazard::fire::Fire;
use crate::hazard::flood::Flood;
use crate::map::{MapAsset, Xy};
use crate::world::orders::HazardKind;
use crate::world::{EventKind, ROAD_CUT_DEPTH_M, dist};

/// Why a road edge is closed (bit set).
pub(crate) mod closure {
    pub const WATER: u8 = 1;
    pub const FIRE: u8 = 2;
    pub const DEBRIS: u8 = 4;
    pub const BLOCKED: u8 = 8;
}

#[derive(Clone)]
pub struct Roads {
    /// Closure bits per edge; 0 is open.
    closed: Vec<u8>,
    /// Cells each edge crosses.
    edge_cells: Vec<Vec<u32>>,
}

impl Roads {
    pub(crate) fn new(map: &MapAsset) -> Roads {
        let roads = &map.features.roads;
        Roads {
            closed: vec![0; roads.edges.len()],
            edge_cells: roads.edges.iter().map(|e| edge_cells(map, e.a, e.b)).collect(),
        }
    }

    /// Closure bits per edge (0: open).
    pub fn closed(&self) -> &[u8] {
        &self.closed
    }

    pub fn is_closed(&self, edge: u32) -> bool {
        self.closed.get(edge as usize).is_some_and(|&c| c != 0)
    }

    /// Whether an edge is closed by water or fire (debris and blocks are what `ClearRoad` clears).
    pub fn is_closed_to_clearing(&self, edge: u32) -> bool {
        self.closed.get(edge as usize).is_some_and(|&c| c & !(closure::BLOCKED | closure::DEBRIS) != 0)
    }

    /// Closes and reopens edges by this tick's water, fire and debris. Returns `RoadClosed` for
    /// the edges that closed now.
    pub(crate) fn update(&mut self, flood: Option<&Flood>, fire: Option<&Fire>, debris: &[bool]) -> Vec<EventKind> {
        let mut newly = Vec::new();
        for (e, cells) in self.edge_cells.iter().enumerate() {
            let mut why = self.closed[e] & closure::BLOCKED;
            for &c in cells {
                let c = c as usize;
                if flood.is_some_and(|f| f.depth_m[c] >= ROAD_CUT_DEPTH_M) {
                    why |= closure::WATER;
                }
                // A burning cell closes the road, and a burned one for a while after (`hazard::fire`).
                if fire.is_some_and(|f| f.closes_road(c)) {
                    why |= closure::FIRE;
                }
                if debris.get(c).copied().unwrap_or(false) {
                    why |= closure::DEBRIS;
                }
            }
            // Debris stays until a team clears it.
            why |= self.closed[e] & closure::DEBRIS;
            if why != 0 && self.closed[e] == 0 {
                let cause = if why & closure::WATER != 0 {
                    HazardKind::Flood
                } else if why & closure::FIRE != 0 {
                    HazardKind::Fire
                } else {
                    HazardKind::Landslide
                };
                newly.push(EventKind::RoadClosed { edge: e as u32, cause });
            }
            self.closed[e] = why;
        }
        newly
    }

    /// Blocks the road edge nearest `xy` (an inject: debris, a fallen tree, water), logged with
    /// the inject's `cause`: nearest along the road, so a long edge passing by is blocked rather
    /// than a short one whose end is nearer.
    pub(crate) fn block_near(&mut self, map: &MapAsset, xy: Xy, cause: HazardKind) -> Option<EventKind> {
        let roads = &map.features.roads;
        let e = (0..roads.edges.len())
            .min_by(|&a, &b| roads.distance_to_edge(a, xy).total_cmp(&roads.distance_to_edge(b, xy)))?;
        let first = self.closed[e] == 0;
        self.closed[e] |= closure::BLOCKED;
        first.then_some(EventKind::RoadClosed { edge: e as u32, cause })
    }

    /// A team cleared the roads within `radius_m` of `xy` of debris and blocks.
    pub(crate) fn clear_near(&mut self, map: &MapAsset, xy: Xy, radius_m: f64) {
        let roads = &map.features.roads;
        for e in 0..roads.edges.len() {
            if roads.distance_to_edge(e, xy) < radius_m {
                self.closed[e] &= !(closure::BLOCKED | closure::DEBRIS);
            }
        }
    }
}

/// Cells a road edge crosses, sampled every half cell.
fn edge_cells(map: &MapAsset, a: u32, b: u32) -> Vec<u32> {
    let (pa, pb) = (map.features.roads.nodes[a as usize], map.features.roads.nodes[b as usize]);
    let len = dist(pa, pb);
    let steps = (len / (map.grid.cell_size_m / 2.0)).ceil().max(1.0) as usize;
    let mut cells: Vec<u32> = Vec::new();
    for i in 0..=steps {
        let f = i as f64 / steps as f64;
        if let Some(c) = map.grid.cell_at([pa[0] + (pb[0] - pa[0]) * f, pa[1] + (pb[1] - pa[1]) * f]) {
            let c = c as u32;
            if !cells.contains(&c) {
                cells.push(c);
            }
        }
    }
    cells
}

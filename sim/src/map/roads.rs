//! The road graph teams travel on, with shortest-time routing that skips closed roads.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use serde::{Deserialize, Serialize};

use super::Xy;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RoadClass {
    /// primary, secondary, trunk and their links.
    Main,
    /// tertiary, unclassified, residential, service, living street.
    Minor,
    /// tracks: passable for 4x4 rescue vehicles, slowly.
    Track,
    /// paths, footways, steps: on foot only.
    Path,
}

impl RoadClass {
    /// Travel speed of a rescue vehicle (or a team on foot on paths), metres per second.
    pub fn speed_m_per_s(self) -> f64 {
        match self {
            RoadClass::Main => 50.0 / 3.6,
            RoadClass::Minor => 30.0 / 3.6,
            RoadClass::Track => 15.0 / 3.6,
            RoadClass::Path => 4.0 / 3.6,
        }
    }
    pub fn from_osm_highway(h: &str) -> Option<RoadClass> {
        Some(match h {
            "motorway" | "trunk" | "primary" | "secondary" | "motorway_link" | "trunk_link" | "primary_link"
            | "secondary_link" => RoadClass::Main,
            "tertiary" | "tertiary_link" | "unclassified" | "residential" | "service" | "living_street" | "road"
            | "pedestrian" => RoadClass::Minor,
            "track" => RoadClass::Track,
            "path" | "footway" | "steps" | "bridleway" | "cycleway" => RoadClass::Path,
            _ => return None,
        })
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RoadEdge {
    pub a: u32,
    pub b: u32,
    pub length_m: f64,
    pub class: RoadClass,
    pub name: Option<String>,
}

/// An undirected road graph. Nodes are junctions and shape points merged where OSM ways meet.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RoadGraph {
    pub nodes: Vec<Xy>,
    pub edges: Vec<RoadEdge>,
    /// For each node, the indices of its edges (built by [`RoadGraph::rebuild_adjacency`]).
    #[serde(skip)]
    pub adjacency: Vec<Vec<u32>>,
}

/// A route: node sequence, edges used, total length and time.
#[derive(Clone, Debug, PartialEq)]
pub struct Route {
    pub nodes: Vec<u32>,
    pub edges: Vec<u32>,
    pub length_m: f64,
    pub time_s: f64,
}

#[derive(Copy, Clone, PartialEq)]
struct Queued {
    time: f64,
    node: u32,
}
impl Eq for Queued {}
impl Ord for Queued {
    fn cmp(&self, other: &Self) -> Ordering {
        // Min-heap on time, ties broken by node id so routing is deterministic.
        other.time.total_cmp(&self.time).then_with(|| other.node.cmp(&self.node))
    }
}
impl PartialOrd for Queued {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl RoadGraph {
    pub fn rebuild_adjacency(&mut self) {
        self.adjacency = vec![Vec::new(); self.nodes.len()];
        for (i, e) in self.edges.iter().enumerate() {
            self.adjacency[e.a as usize].push(i as u32);
            self.adjacency[e.b as usize].push(i as u32);
        }
    }

    /// The node nearest to a point (linear scan: called at load time and per order, not per tick).
    /// Distance in metres from `p` to the straight segment of edge `e` (an edge runs between
    /// two shape points, so this is the distance to the road itself, not to its ends).
    pub fn distance_to_edge(&self, e: usize, p: Xy) -> f64 {
        let edge = &self.edges[e];
        let (a, b) = (self.nodes[edge.a as usize], self.nodes[edge.b as usize]);
        let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
        let len2 = dx * dx + dy * dy;
        let t = if len2 > 0.0 { (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2).clamp(0.0, 1.0) } else { 0.0 };
        (p[0] - (a[0] + t * dx)).hypot(p[1] - (a[1] + t * dy))
    }

    pub fn nearest_node(&self, p: Xy) -> Option<u32> {
        self.nodes
            .iter()
            .enumerate()
            .min_by(|(_, a), (_, b)| dist2(**a, p).total_cmp(&dist2(**b, p)))
            .map(|(i, _)| i as u32)
    }

    /// Whether a route over open roads joins two nodes: the one rule for whether a team or a
    /// load can get from one to the other. A missing node (a place no road reaches) counts as
    /// reachable off road.
    pub fn joins(&self, from: Option<u32>, to: Option<u32>, closed: &dyn Fn(u32) -> bool) -> bool {
        match (from, to) {
            (Some(a), Some(b)) => self.route(a, b, closed).is_some(),
            _ => true,
        }
    }

    /// Fastest route by Dijkstra; `closed(edge)` marks edges that cannot be used.
    pub fn route(&self, from: u32, to: u32, closed: &dyn Fn(u32) -> bool) -> Option<Route> {
        let n = self.nodes.len();
        if from as usize >= n || to as usize >= n {
            return None;
        }
        let mut best = vec![f64::INFINITY; n];
        let mut prev: Vec<Option<(u32, u32)>> = vec![None; n];
        let mut heap = BinaryHeap::new();
        best[from as usize] = 0.0;
        heap.push(Queued { time: 0.0, node: from });
        while let Some(Queued { time, node }) = heap.pop() {
            if node == to {
                break;
            }
            if time > best[node as usize] {
                continue;
            }
            for &ei in &self.adjacency[node as usize] {
                if closed(ei) {
                    continue;
                }
                let e = &self.edges[ei as usize];
                let next = if e.a == node { e.b } else { e.a };
                let t = time + e.length_m / e.class.speed_m_per_s();
                if t < best[next as usize] {
                    best[next as usize] = t;
                    prev[next as usize] = Some((node, ei));
                    heap.push(Queued { time: t, node: next });
                }
            }
        }
        if !best[to as usize].is_finite() {
            return None;
        }
        let (mut nodes, mut edges) = (vec![to], Vec::new());
        let mut cur = to;
        while let Some((p, e)) = prev[cur as usize] {
            nodes.push(p);
            edges.push(e);
            cur = p;
        }
        nodes.reverse();
        edges.reverse();
        let length_m = edges.iter().map(|&e| self.edges[e as usize].length_m).sum();
        Some(Route { nodes, edges, length_m, time_s: best[to as usize] })
    }
}

fn dist2(a: Xy, b: Xy) -> f64 {
    (a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square() -> RoadGraph {
        let mut g = RoadGraph {
            nodes: vec![[0.0, 0.0], [1000.0, 0.0], [1000.0, 1000.0], [0.0, 1000.0]],
            edges: vec![
                RoadEdge { a: 0, b: 1, length_m: 1000.0, class: RoadClass::Main, name: None },
                RoadEdge { a: 1, b: 2, length_m: 1000.0, class: RoadClass::Main, name: None },
                RoadEdge { a: 0, b: 3, length_m: 1000.0, class: RoadClass::Path, name: None },
                RoadEdge { a: 3, b: 2, length_m: 1000.0, class: RoadClass::Path, name: None },
            ],
            adjacency: vec![],
        };
        g.rebuild_adjacency();
        g
    }

    #[test]
    fn takes_the_fast_road_and_reroutes_round_a_closure() {
        let g = square();
        let r = g.route(0, 2, &|_| false).unwrap();
        assert_eq!(r.nodes, vec![0, 1, 2]);
        let r = g.route(0, 2, &|e| e == 1).unwrap();
        assert_eq!(r.nodes, vec![0, 3, 2]);
        assert!(g.route(0, 2, &|e| e == 1 || e == 3).is_none());
    }

    #[test]
    fn the_distance_to_an_edge_is_to_the_road_not_its_ends() {
        let g = square();
        // Beside the middle of the bottom edge: 20 m from the road, 500 m from either end.
        assert!((g.distance_to_edge(0, [500.0, 20.0]) - 20.0).abs() < 1e-9);
        // Past an end: the distance to that end.
        assert!((g.distance_to_edge(0, [-30.0, -40.0]) - 50.0).abs() < 1e-9);
        // A long road passing 50 m away beats a short spur whose end is 150 m away (but both of
        // the long road's ends are 500 m away).
        let mut g = RoadGraph {
            nodes: vec![[0.0, 0.0], [1000.0, 0.0], [500.0, 200.0], [500.0, 400.0]],
            edges: vec![
                RoadEdge { a: 0, b: 1, length_m: 1000.0, class: RoadClass::Main, name: None },
                RoadEdge { a: 2, b: 3, length_m: 200.0, class: RoadClass::Path, name: None },
            ],
            adjacency: vec![],
        };
        g.rebuild_adjacency();
        let p = [500.0, 50.0];
        let nearest = (0..g.edges.len()).min_by(|&a, &b| g.distance_to_edge(a, p).total_cmp(&g.distance_to_edge(b, p)));
        assert_eq!(nearest, Some(0));
    }
}

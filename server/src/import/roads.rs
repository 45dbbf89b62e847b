//! The road graph from the roads layer: OSM ways meet where they share a vertex (same
//! coordinate), so nodes are merged by coordinate. Between junctions, shape points are thinned
//! with Douglas–Peucker (the drawn road stays within the tolerance of the real one) while each
//! edge keeps the true length of the road it stands for.

use std::collections::HashMap;

use geo::{Coord, LineString, SimplifyIdx};
use sim::map::{RoadClass, RoadEdge, RoadGraph, Xy};

use super::grid::{Frame, round1};
use super::layers::{Layer, geometry_kind, lines, tag};
use super::left_out::{Fate, Ledger};

/// What the builder found, for the progress report and the tests.
#[derive(Debug)]
pub struct RoadStats {
    pub ways: usize,
    pub skipped_ways: usize,
    pub components: usize,
    /// Nodes in the largest connected component.
    pub largest: usize,
    /// Component id per node (0 = the largest).
    pub component: Vec<u32>,
}

struct Way {
    class: RoadClass,
    name: Option<String>,
    keys: Vec<(i64, i64)>,
    xys: Vec<Xy>,
}

/// Builds the graph; `tolerance_m` is the Douglas–Peucker tolerance (0 keeps every vertex).
/// Every feature left out or cut goes to `ledger` with its reason.
pub fn build(layer: &Layer, frame: &Frame, tolerance_m: f64, ledger: &mut Ledger) -> (RoadGraph, RoadStats) {
    let mut ways = Vec::new();
    let mut skipped = 0;
    for (i, f) in layer.features.iter().enumerate() {
        let name = tag(f, "name").or_else(|| tag(f, "ref"));
        let highway = tag(f, "highway");
        let Some(class) = highway.as_deref().and_then(RoadClass::from_osm_highway) else {
            skipped += 1;
            let reason = match highway {
                Some(h) => format!("highway={h} is not a road class the drill drives (see docs/import-map.md)"),
                None => "no `highway` value".to_string(),
            };
            ledger.note(Fate::Dropped, layer, f, i, name, reason);
            continue;
        };
        let feature_lines = lines(f);
        if feature_lines.is_empty() {
            ledger.note(Fate::Dropped, layer, f, i, name, format!("{}, not a line", geometry_kind(f)));
            continue;
        }
        let (before, mut cut) = (ways.len(), false);
        for line in feature_lines {
            // Split where the way leaves the grid: only the parts on the map are kept.
            let mut run = Way { class, name: name.clone(), keys: Vec::new(), xys: Vec::new() };
            for p in line {
                let xy = frame.local(p);
                if frame.inside(xy) {
                    // 1e-7° (about 1 cm): OSM's own precision, so shared nodes compare equal.
                    run.keys.push(((p[0] * 1e7).round() as i64, (p[1] * 1e7).round() as i64));
                    run.xys.push(xy);
                    continue;
                }
                cut = true;
                if run.keys.len() >= 2 {
                    ways.push(std::mem::replace(
                        &mut run,
                        Way { class, name: name.clone(), keys: Vec::new(), xys: Vec::new() },
                    ));
                } else {
                    run.keys.clear();
                    run.xys.clear();
                }
            }
            if run.keys.len() >= 2 {
                ways.push(run);
            }
        }
        if ways.len() == before {
            ledger.note(Fate::Dropped, layer, f, i, name, "outside the map's box (or a single vertex on it)");
        } else if cut {
            ledger.note(Fate::Clipped, layer, f, i, name, "runs past the map's edge: the part on the map kept");
        }
    }

    // A vertex used more than once (by two ways, or twice by one) is a junction and must stay.
    let mut uses: HashMap<(i64, i64), u32> = HashMap::new();
    for w in &ways {
        for k in &w.keys {
            *uses.entry(*k).or_default() += 1;
        }
    }
    let mut graph = RoadGraph::default();
    let mut ids: HashMap<(i64, i64), u32> = HashMap::new();
    let mut node = |graph: &mut RoadGraph, key: (i64, i64), xy: Xy| -> u32 {
        *ids.entry(key).or_insert_with(|| {
            graph.nodes.push(xy);
            (graph.nodes.len() - 1) as u32
        })
    };
    for w in &ways {
        let last = w.keys.len() - 1;
        let mut start = 0;
        for i in 1..=last {
            if i == last || uses[&w.keys[i]] > 1 {
                for (a, b) in split_loop(&w.keys, start, i) {
                    add_chain(&mut graph, &mut node, w, a, b, tolerance_m);
                }
                start = i;
            }
        }
    }
    graph.rebuild_adjacency();
    let stats = components(&graph, ways.len(), skipped);
    (graph, stats)
}

/// A chain that starts and ends on the same vertex (a roundabout) would collapse to a self-loop:
/// split it at its middle vertex.
fn split_loop(keys: &[(i64, i64)], a: usize, b: usize) -> Vec<(usize, usize)> {
    if keys[a] == keys[b] && b - a >= 2 {
        let mid = (a + b) / 2;
        vec![(a, mid), (mid, b)]
    } else {
        vec![(a, b)]
    }
}

fn add_chain(
    graph: &mut RoadGraph,
    node: &mut impl FnMut(&mut RoadGraph, (i64, i64), Xy) -> u32,
    w: &Way,
    a: usize,
    b: usize,
    tolerance_m: f64,
) {
    let pts = &w.xys[a..=b];
    let keep: Vec<usize> = if tolerance_m > 0.0 {
        LineString::from(pts.iter().map(|p| Coord { x: p[0], y: p[1] }).collect::<Vec<_>>()).simplify_idx(tolerance_m)
    } else {
        (0..pts.len()).collect()
    };
    for pair in keep.windows(2) {
        let (i, j) = (pair[0], pair[1]);
        let length_m: f64 = pts[i..=j].windows(2).map(|s| (s[1][0] - s[0][0]).hypot(s[1][1] - s[0][1])).sum();
        let na = node(graph, w.keys[a + i], pts[i]);
        let nb = node(graph, w.keys[a + j], pts[j]);
        if na != nb {
            graph.edges.push(RoadEdge {
                a: na,
                b: nb,
                length_m: round1(length_m.max(0.1)),
                class: w.class,
                name: w.name.clone(),
            });
        }
    }
}

/// Connected components by union-find, renumbered so the largest is 0 (ties: lowest node first).
fn components(graph: &RoadGraph, ways: usize, skipped_ways: usize) -> RoadStats {
    let n = graph.nodes.len();
    let mut parent: Vec<u32> = (0..n as u32).collect();
    fn find(parent: &mut [u32], mut x: u32) -> u32 {
        while parent[x as usize] != x {
            parent[x as usize] = parent[parent[x as usize] as usize];
            x = parent[x as usize];
        }
        x
    }
    for e in &graph.edges {
        let (ra, rb) = (find(&mut parent, e.a), find(&mut parent, e.b));
        if ra != rb {
            parent[ra.max(rb) as usize] = ra.min(rb);
        }
    }
    let roots: Vec<u32> = (0..n as u32).map(|i| find(&mut parent, i)).collect();
    let mut size = vec![0usize; n];
    for &r in &roots {
        size[r as usize] += 1;
    }
    let mut order: Vec<u32> = (0..n as u32).filter(|&i| size[i as usize] > 0).collect();
    order.sort_by(|&a, &b| size[b as usize].cmp(&size[a as usize]).then(a.cmp(&b)));
    let mut rank = vec![0u32; n];
    for (i, &r) in order.iter().enumerate() {
        rank[r as usize] = i as u32;
    }
    RoadStats {
        ways,
        skipped_ways,
        components: order.len(),
        largest: order.first().map_or(0, |&r| size[r as usize]),
        component: roots.iter().map(|&r| rank[r as usize]).collect(),
    }
}

/// The node nearest to `p` among those in the largest component that a vehicle can reach (an
/// edge other than a footpath), falling back to any node of the largest component.
pub fn nearest_main_node(graph: &RoadGraph, stats: &RoadStats, p: Xy) -> Option<u32> {
    let d2 = |q: Xy| (q[0] - p[0]).powi(2) + (q[1] - p[1]).powi(2);
    let best = |want_vehicle: bool| {
        (0..graph.nodes.len())
            .filter(|&i| stats.component[i] == 0)
            .filter(|&i| {
                !want_vehicle || graph.adjacency[i].iter().any(|&e| graph.edges[e as usize].class != RoadClass::Path)
            })
            .min_by(|&a, &b| d2(graph.nodes[a]).total_cmp(&d2(graph.nodes[b])).then(a.cmp(&b)))
            .map(|i| i as u32)
    };
    best(true).or_else(|| best(false))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::layers::read_layer;
    use sim::map::LocalProjection;

    fn frame() -> Frame {
        Frame {
            proj: LocalProjection { origin_lon: 1.0, origin_lat: 42.0, centre_lat: 42.0 },
            cols: 100,
            rows: 100,
            cell_size_m: 100.0,
        }
    }

    #[test]
    fn merges_shared_vertices_thins_shape_points_and_keeps_lengths() {
        let dir = crate::import::dem::test_dir("roads");
        let path = dir.join("roads.geojson");
        // Way 1 runs east with a nearly straight middle vertex; way 2 branches off its middle
        // vertex; way 3 is a separate track; way 4 is a footway on way 3's end; a river is skipped.
        std::fs::write(
            &path,
            r#"{"type":"FeatureCollection","features":[
             {"type":"Feature","properties":{"highway":"primary","name":"CG-1"},"geometry":{"type":"LineString","coordinates":[[1.01,42.01],[1.015,42.0100001],[1.02,42.01],[1.025,42.0100001],[1.03,42.01]]}},
             {"type":"Feature","properties":{"highway":"residential"},"geometry":{"type":"LineString","coordinates":[[1.02,42.01],[1.02,42.02]]}},
             {"type":"Feature","properties":{"highway":"track"},"geometry":{"type":"LineString","coordinates":[[1.05,42.05],[1.06,42.05]]}},
             {"type":"Feature","properties":{"highway":"footway"},"geometry":{"type":"LineString","coordinates":[[1.06,42.05],[1.06,42.06]]}},
             {"type":"Feature","properties":{"waterway":"river"},"geometry":{"type":"LineString","coordinates":[[1.0,42.0],[1.1,42.1]]}}]}"#,
        )
        .unwrap();
        let layer = read_layer("roads layer", &path).unwrap();
        let mut ledger = Ledger::default();
        let (g, stats) = build(&layer, &frame(), 5.0, &mut ledger);
        assert_eq!(ledger.items.len(), 1, "{ledger:?}");
        assert!(ledger.items[0].reason.contains("no `highway` value"), "{ledger:?}");
        // Way 1 keeps its ends and the junction (3 nodes), way 2 adds 1, ways 3+4 add 3.
        assert_eq!(g.nodes.len(), 7, "{:?}", g.nodes);
        assert_eq!(g.edges.len(), 5);
        assert_eq!((stats.components, stats.largest, stats.skipped_ways), (2, 4, 1));
        let main: f64 = g.edges.iter().filter(|e| e.class == RoadClass::Main).map(|e| e.length_m).sum();
        // 0.02° of longitude at 42°N is about 1,652 m.
        assert!((main - 1652.6).abs() < 2.0, "{main}");
        assert_eq!(g.edges[0].name.as_deref(), Some("CG-1"));
        // Every vertex kept when the tolerance is 0.
        let (g0, _) = build(&layer, &frame(), 0.0, &mut Ledger::default());
        assert_eq!(g0.nodes.len(), 9);
        // The nearest vehicle node to the footway's far end is the track's end, in component 1:
        // so the answer comes from the largest component.
        let far = g.nodes[g.nodes.len() - 1];
        let n = nearest_main_node(&g, &stats, far).unwrap();
        assert_eq!(stats.component[n as usize], 0);
    }

    #[test]
    fn roundabouts_survive_as_loops() {
        let dir = crate::import::dem::test_dir("roads-loop");
        let path = dir.join("roads.geojson");
        std::fs::write(
            &path,
            r#"{"type":"FeatureCollection","features":[
             {"type":"Feature","properties":{"highway":"primary"},"geometry":{"type":"LineString","coordinates":[[1.01,42.01],[1.011,42.01],[1.011,42.011],[1.01,42.011],[1.01,42.01]]}}]}"#,
        )
        .unwrap();
        let (g, _) = build(&read_layer("roads layer", &path).unwrap(), &frame(), 5.0, &mut Ledger::default());
        assert!(g.edges.len() >= 2 && g.edges.iter().all(|e| e.a != e.b), "{:?}", g.edges);
    }
}

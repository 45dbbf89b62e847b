//! The key moments of a drill (first sighting, first level triggered, first village hit or the
//! gauge's highest stage, the end), picked from its events, and the map picture of the world at a
//! moment, as the controller sees it (`sim::access::view`).

use std::collections::BTreeSet;

use sim::map::Xy;
use sim::score::Text;
use sim::{Event, EventKind, Role, World};

use super::{MapPicture, MapVillage, VillageMark};

/// At most this many blocks across a map picture: hazard cells are merged into square blocks.
const BLOCKS_ACROSS: usize = 120;

/// The moments worth a picture, in time order, without repeats: (simulated second, label).
pub fn key_moments(events: &[Event], end_s: u32) -> Vec<(u32, Text)> {
    let first = |f: &dyn Fn(&EventKind) -> bool| events.iter().find(|e| f(&e.kind)).map(|e| e.t_s);
    let mut out: Vec<(u32, Text)> = Vec::new();
    if let Some(t) = first(&|k| matches!(k, EventKind::HazardSeen { .. })) {
        out.push((t, Text::new("首次发现险情", "hazard first seen")));
    }
    if let Some(t) = first(&|k| matches!(k, EventKind::LevelTriggered { .. })) {
        out.push((t, Text::new("首次达到响应条件", "first level triggered")));
    }
    let hit = first(&|k| matches!(k, EventKind::VillageHit { .. }));
    let gauge = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::GaugeStage { depth_m, .. } => Some((e.t_s, *depth_m)),
            _ => None,
        })
        .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
        .map(|(t, _)| t);
    if let Some(t) = hit {
        out.push((t, Text::new("首个村庄受灾", "first village hit")));
    } else if let Some(t) = gauge {
        out.push((t, Text::new("水位最高", "highest gauge reading")));
    }
    out.push((end_s, Text::new("演练结束", "end of the drill")));
    out.sort_by_key(|(t, _)| *t);
    let mut seen = BTreeSet::new();
    out.retain(|(t, _)| seen.insert(*t));
    out
}

/// The map at this moment of `world`, with `events` the drill's events so far.
pub fn picture(world: &World, events: &[Event]) -> MapPicture {
    let map = world.map();
    let grid = &map.grid;
    let view = sim::access::view(world, &Role::Controller);
    let k = grid.cols.max(grid.rows).div_ceil(BLOCKS_ACROSS).max(1);
    let side = grid.cell_size_m * k as f64;
    // One kind per block: the most alarming one in it.
    let mut blocks: std::collections::BTreeMap<(usize, usize), sim::view::HazardCellKind> = Default::default();
    for c in &view.hazard {
        let cell = c.cell as usize;
        if cell >= grid.len() {
            continue;
        }
        let key = ((cell % grid.cols) / k, (cell / grid.cols) / k);
        let e = blocks.entry(key).or_insert(c.kind);
        if rank(c.kind) > rank(*e) {
            *e = c.kind;
        }
    }
    let hazard =
        blocks.into_iter().map(|((bx, by), kind)| ([bx as f64 * side, by as f64 * side], side, kind)).collect();
    let hit: BTreeSet<&str> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::VillageHit { village, .. } if e.t_s <= world.time_s() => Some(village.as_str()),
            _ => None,
        })
        .collect();
    let villages = view
        .villages
        .iter()
        .map(|v| MapVillage {
            name: v.name.clone(),
            pos: v.pos,
            mark: if hit.contains(v.name.as_str()) {
                VillageMark::Hit
            } else if v.evacuation_ordered {
                VillageMark::Evacuating
            } else if v.warned {
                VillageMark::Warned
            } else {
                VillageMark::Quiet
            },
        })
        .collect();
    MapPicture {
        width_m: grid.width_m(),
        height_m: grid.height_m(),
        township_rings: map.features.townships.iter().flat_map(|t| t.rings.iter().cloned()).collect(),
        roads: road_lines(&map.features.roads),
        waterways: map.features.waterways.iter().map(|w| w.points.clone()).collect(),
        hazard,
        villages,
        teams: view.teams.iter().map(|t| (t.name.clone(), t.pos)).collect(),
    }
}

/// The main and minor roads chained into polylines through the nodes only two of their edges meet
/// at (most nodes of a map's roads are bends), so a picture draws hundreds of lines, not thousands.
pub fn road_lines(roads: &sim::map::RoadGraph) -> Vec<(bool, Vec<Xy>)> {
    use sim::map::RoadClass;
    let class = |e: &sim::map::RoadEdge| match e.class {
        RoadClass::Main => Some(true),
        RoadClass::Minor => Some(false),
        RoadClass::Track | RoadClass::Path => None,
    };
    let mut at: Vec<Vec<usize>> = vec![Vec::new(); roads.nodes.len()];
    for (i, e) in roads.edges.iter().enumerate() {
        if class(e).is_some() && (e.a as usize) < at.len() && (e.b as usize) < at.len() {
            at[e.a as usize].push(i);
            at[e.b as usize].push(i);
        }
    }
    let mut used = vec![false; roads.edges.len()];
    let mut out = Vec::new();
    for start in 0..roads.edges.len() {
        let Some(main) = class(&roads.edges[start]) else { continue };
        if used[start] || (roads.edges[start].a as usize) >= at.len() || (roads.edges[start].b as usize) >= at.len() {
            continue;
        }
        used[start] = true;
        let (a, b) = (roads.edges[start].a as usize, roads.edges[start].b as usize);
        // Walks on from `node` away from the chain through nodes of degree two, same class.
        let mut walk = |mut node: usize| {
            let mut nodes = Vec::new();
            while at[node].len() == 2 {
                let Some(&next) = at[node].iter().find(|&&i| !used[i] && class(&roads.edges[i]) == Some(main)) else {
                    break;
                };
                used[next] = true;
                let e = &roads.edges[next];
                node = if e.a as usize == node { e.b as usize } else { e.a as usize };
                nodes.push(node);
            }
            nodes
        };
        let back = walk(a);
        let ahead = walk(b);
        let line: Vec<Xy> =
            back.iter().rev().chain([a, b].iter()).chain(ahead.iter()).map(|&n| roads.nodes[n]).collect();
        out.push((main, line));
    }
    out
}

fn rank(k: sim::view::HazardCellKind) -> u8 {
    use sim::view::HazardCellKind::*;
    match k {
        Barrier => 0,
        Burned => 1,
        Water => 2,
        Debris => 3,
        Burning => 4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_moments_are_ordered_and_unique() {
        let ev = |t_s, kind| Event { t_s, kind };
        let events = vec![
            ev(0, EventKind::DrillStarted),
            ev(120, EventKind::LevelTriggered { level: sim::scenario::Level::IV }),
            ev(
                300,
                EventKind::HazardSeen { hazard: sim::HazardKind::Flood, by: Role::Controller, village: "A".into() },
            ),
            ev(600, EventKind::GaugeStage { gauge: "G".into(), stage: sim::scenario::Stage::Warning, depth_m: 0.6 }),
        ];
        let m = key_moments(&events, 600);
        let times: Vec<u32> = m.iter().map(|(t, _)| *t).collect();
        assert_eq!(times, vec![120, 300, 600]);
        assert_eq!(m[0].1.en, "first level triggered");
    }
}

//! The summary of a map: extent, townships (villages and people in each), villages with their
//! population and how far each lies from its road junction, rivers by name and length, road
//! kilometres by class. `map info` prints it, and so does `import-map` when it is done.

use std::fmt::Write;

use sim::map::{MapAsset, RoadClass, RoadGraph, Settlement};
use sim::world::teams::off_road_s;

use super::dist;

/// How far a settlement lies from the road junction teams drive to, metres (`None`: no junction).
pub fn road_gap_m(s: &Settlement, roads: &RoadGraph) -> Option<f64> {
    let node = roads.nodes.get(s.road_node? as usize)?;
    Some(dist(s.pos, *node))
}

/// One line per settlement farther than `max_m` from its road junction, farthest first, with the
/// walk a team pays for it.
pub fn far_from_roads(settlements: &[Settlement], roads: &RoadGraph, max_m: f64) -> Vec<String> {
    let mut far: Vec<(&Settlement, f64)> =
        settlements.iter().filter_map(|s| Some((s, road_gap_m(s, roads)?))).filter(|(_, m)| *m > max_m).collect();
    far.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.name.cmp(&b.0.name)));
    far.iter()
        .map(|(s, m)| {
            format!(
                "{}: {:.1} km 离最近道路节点 / from the nearest road junction; 步行 {:.0} 分钟 / a {:.0}-minute walk for a team",
                label(s),
                m / 1000.0,
                off_road_s(*m) / 60.0,
                off_road_s(*m) / 60.0
            )
        })
        .collect()
}

fn label(s: &Settlement) -> String {
    match &s.name_zh {
        Some(zh) => format!("{zh} {}", s.name),
        None => s.name.clone(),
    }
}

/// The whole summary, Chinese headings first. `max_gap_m`: the distance from a road worth a warning.
pub fn summary(map: &MapAsset, max_gap_m: f64) -> String {
    let (g, f) = (&map.grid, &map.features);
    let mut out = String::new();
    let p = &map.meta.projection;
    let (west, south) = p.to_lonlat([0.0, 0.0]);
    let (east, north) = p.to_lonlat([g.width_m(), g.height_m()]);
    let (lo, hi) = g.elevation_m.iter().fold((f32::MAX, f32::MIN), |(a, b), &v| (a.min(v), b.max(v)));
    let _ = writeln!(
        out,
        "地图 / map \"{}\": {:.1} × {:.1} km, {}×{} cells of {} m; lon {west:.5}–{east:.5}, lat {south:.5}–{north:.5}; elevation {lo:.0}–{hi:.0} m",
        map.meta.name,
        g.width_m() / 1000.0,
        g.height_m() / 1000.0,
        g.cols,
        g.rows,
        g.cell_size_m
    );

    // "population 24678 (1 of 4 give it)", or "population not given".
    let people = |list: &[&Settlement]| {
        let given: Vec<u64> = list.iter().filter_map(|s| s.population).map(u64::from).collect();
        match given.len() {
            0 => "population not given".to_string(),
            n if n == list.len() => format!("population {}", given.iter().sum::<u64>()),
            n => format!("population {} ({n} of {} give it)", given.iter().sum::<u64>(), list.len()),
        }
    };
    let _ = writeln!(out, "乡镇 / townships: {}", f.townships.len());
    for t in &f.townships {
        let here: Vec<&Settlement> = f.settlements.iter().filter(|s| s.township.as_deref() == Some(&t.name)).collect();
        let _ = writeln!(out, "  {}: {:.1} km², {} settlements, {}", t.name, t.area_km2, here.len(), people(&here));
    }
    let all: Vec<&Settlement> = f.settlements.iter().collect();
    let _ = writeln!(out, "村庄 / settlements: {}, {}", all.len(), people(&all));
    for s in &f.settlements {
        let pop = s.population.map_or("population not given".to_string(), |n| format!("population {n}"));
        let township = s.township.as_deref().unwrap_or("no township");
        let gap = match road_gap_m(s, &f.roads) {
            Some(m) if m > max_gap_m => format!("{m:.0} m from the road network (far)"),
            Some(m) => format!("{m:.0} m from the road network"),
            None => "no road".to_string(),
        };
        let _ = writeln!(out, "  {} ({}, {township}): {pop}; {gap}", label(s), s.place);
    }
    let far = far_from_roads(&f.settlements, &f.roads, max_gap_m);
    if !far.is_empty() {
        let _ = writeln!(out, "  ! {} settlements more than {max_gap_m:.0} m from a road:", far.len());
        for line in far {
            let _ = writeln!(out, "    {line}");
        }
    }

    // Rivers by name, their pieces' lengths summed; unnamed ones counted.
    let mut rivers: Vec<(String, String, f64)> = Vec::new();
    let mut unnamed = (0usize, 0.0f64);
    for w in &f.waterways {
        let len: f64 = w.points.windows(2).map(|p| dist(p[0], p[1])).sum();
        match &w.name {
            Some(n) => match rivers.iter_mut().find(|r| &r.0 == n) {
                Some(r) => r.2 += len,
                None => rivers.push((n.clone(), w.kind.clone(), len)),
            },
            None => unnamed = (unnamed.0 + 1, unnamed.1 + len),
        }
    }
    rivers.sort_by(|a, b| b.2.total_cmp(&a.2));
    let _ = writeln!(
        out,
        "河流 / rivers: {} named, {} unnamed pieces ({:.1} km); water areas {}",
        rivers.len(),
        unnamed.0,
        unnamed.1 / 1000.0,
        f.water_areas.len()
    );
    for (name, kind, len) in &rivers {
        let _ = writeln!(out, "  {name} ({kind}): {:.1} km", len / 1000.0);
    }

    let km =
        |class: RoadClass| f.roads.edges.iter().filter(|e| e.class == class).map(|e| e.length_m).sum::<f64>() / 1000.0;
    let _ = writeln!(
        out,
        "道路 / roads: {} junctions and shape points, {} edges; main {:.1} km, minor {:.1} km, track {:.1} km, path {:.1} km",
        f.roads.nodes.len(),
        f.roads.edges.len(),
        km(RoadClass::Main),
        km(RoadClass::Minor),
        km(RoadClass::Track),
        km(RoadClass::Path)
    );
    let _ = write!(out, "兴趣点 / points of interest: {}", f.pois.len());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_map_summary_names_townships_rivers_and_villages_far_from_roads() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../assets/maps/andorra");
        let map = sim::map::load_map(&dir).unwrap();
        let text = summary(&map, 500.0);
        for needle in [
            "乡镇 / townships: 7",
            "Canillo: 109.",
            "安道尔城 Andorra la Vella",
            "Valira d'Orient (river)",
            "道路 / roads",
        ] {
            assert!(text.contains(needle), "{needle} missing from:\n{text}");
        }
        // Rocs Blancs lies 1.9 km from its junction: 28 minutes on foot at 4 km/h.
        let far = far_from_roads(&map.features.settlements, &map.features.roads, 500.0);
        assert!(far[0].starts_with("Rocs Blancs: 1.9 km") && far[0].contains("28 分钟"), "{far:?}");
        assert!(far_from_roads(&map.features.settlements, &map.features.roads, 5000.0).is_empty());
    }
}

//! The shipped Andorra map (`assets/maps/andorra/`) holds the real facts of the place, and
//! re-importing the source data reproduces it byte for byte.

use std::path::{Path, PathBuf};
use std::process::Command;

use sim::map::{LandCover, MapAsset, Xy, load_map};

fn asset_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../assets/maps/andorra")
}

fn load() -> MapAsset {
    load_map(&asset_dir()).unwrap_or_else(|e| panic!("the shipped Andorra map does not load: {e}"))
}

/// Even-odd ray casting: enough for the test's point-in-township questions.
fn inside(rings: &[Vec<Xy>], p: Xy) -> bool {
    let mut odd = false;
    for ring in rings {
        for (a, b) in ring.iter().zip(ring.iter().cycle().skip(1)) {
            if (a[1] > p[1]) != (b[1] > p[1]) && p[0] < a[0] + (p[1] - a[1]) * (b[0] - a[0]) / (b[1] - a[1]) {
                odd = !odd;
            }
        }
    }
    odd
}

#[test]
fn grid_covers_andorra_with_its_real_relief() {
    let map = load();
    let g = &map.grid;
    assert_eq!(g.cell_size_m, 75.0);
    assert!((30_000.0..36_000.0).contains(&g.width_m()), "width {}", g.width_m());
    assert!((26_000.0..31_000.0).contains(&g.height_m()), "height {}", g.height_m());
    let (lo, hi) = g.elevation_m.iter().fold((f32::MAX, f32::MIN), |(a, b), &v| (a.min(v), b.max(v)));
    // SOURCE.md: the DEM crop spans 806–3,067 m.
    assert!((780.0..860.0).contains(&lo) && (2950.0..3080.0).contains(&hi), "{lo}–{hi}");
    // Andorra la Vella lies on the valley floor at about 1,024 m.
    let alv = map.settlement("Andorra la Vella").expect("Andorra la Vella");
    let e = g.elevation_m[g.cell_at(alv.pos).unwrap()];
    assert!((980.0..1120.0).contains(&e), "{e}");
    assert!(g.slope_deg.iter().all(|s| (0.0..90.0).contains(s)));
    assert!(map.attribution_line().contains("© OpenStreetMap contributors") && map.attribution_line().contains("SRTM"));
}

#[test]
fn parishes_are_the_townships_and_hold_their_settlements() {
    let map = load();
    let names: Vec<&str> = map.features.townships.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names.len(), 7, "{names:?}");
    for n in
        ["Canillo", "Ordino", "Encamp", "La Massana", "Andorra la Vella", "Escaldes-Engordany", "Sant Julià de Lòria"]
    {
        assert!(names.contains(&n), "{n} missing from {names:?}");
    }
    // SOURCE.md: Canillo 109.8 km², Andorra la Vella 26.6 km².
    assert!((map.township("Canillo").unwrap().area_km2 - 109.8).abs() < 2.0);
    assert!((map.township("Andorra la Vella").unwrap().area_km2 - 26.6).abs() < 1.0);
    let sc = map.settlement("Santa Coloma").expect("Santa Coloma");
    assert_eq!(sc.township.as_deref(), Some("Andorra la Vella"));
    assert_eq!(map.settlement("Ordino").unwrap().township.as_deref(), Some("Ordino"));
    assert_eq!(map.settlement("Soldeu").unwrap().township.as_deref(), Some("Canillo"));
    // The Chinese name is kept and can be looked up.
    assert_eq!(map.settlement("安道尔城").unwrap().name, "Andorra la Vella");
    assert!(map.features.settlements.len() >= 60);
    assert!(map.features.waterways.iter().any(|w| w.name.as_deref().is_some_and(|n| n.contains("Valira"))));
    assert!(map.features.pois.iter().any(|p| p.kind == "hospital"));
}

#[test]
fn the_valleys_are_connected_by_road() {
    let map = load();
    let roads = &map.features.roads;
    let node = |name: &str| {
        map.settlement(name).and_then(|s| s.road_node).unwrap_or_else(|| panic!("{name} has no road node"))
    };
    let (alv, canillo) = (node("Andorra la Vella"), node("Canillo"));
    let route = roads.route(alv, canillo, &|_| false).expect("a road from Andorra la Vella to Canillo");
    // By the CG-2 it is about 12 km; straight line about 8 km.
    assert!((9_000.0..20_000.0).contains(&route.length_m), "{} m", route.length_m);
    assert!(route.time_s < 40.0 * 60.0, "{} s", route.time_s);
    // Every settlement's road node is on the same network as the capital's.
    for s in &map.features.settlements {
        let n = s.road_node.unwrap_or_else(|| panic!("{} has no road node", s.name));
        assert!(roads.route(alv, n, &|_| false).is_some(), "{} is cut off", s.name);
        let d = (roads.nodes[n as usize][0] - s.pos[0]).hypot(roads.nodes[n as usize][1] - s.pos[1]);
        assert!(d < 3_000.0, "{} is {d} m from its road node", s.name);
    }
}

#[test]
fn land_cover_is_plausible_for_andorra() {
    let map = load();
    let g = &map.grid;
    let rings: Vec<&Vec<Vec<Xy>>> = map.features.townships.iter().map(|t| &t.rings).collect();
    let cells: Vec<usize> = (0..g.len()).filter(|&c| rings.iter().any(|r| inside(r, g.cell_centre(c)))).collect();
    // 466 km² of 75 m cells is about 82,800.
    assert!((78_000..88_000).contains(&cells.len()), "{}", cells.len());
    let share = |class| cells.iter().filter(|&&c| g.landcover[c] == class).count() as f64 / cells.len() as f64;
    // The true forest share is about 35 %; OSM alone maps 23 %.
    assert!((0.28..0.45).contains(&share(LandCover::Forest)), "forest {}", share(LandCover::Forest));
    assert!((0.15..0.45).contains(&share(LandCover::Grass)), "grass {}", share(LandCover::Grass));
    assert!((0.005..0.05).contains(&share(LandCover::Urban)), "urban {}", share(LandCover::Urban));
    assert!(share(LandCover::Water) > 0.001);
    // The town centre is built up; the summits are not forest.
    let alv = map.settlement("Andorra la Vella").unwrap();
    assert_eq!(g.landcover[g.cell_at(alv.pos).unwrap()], LandCover::Urban);
    let high: Vec<usize> = (0..g.len()).filter(|&c| g.elevation_m[c] > 2700.0).collect();
    assert!(!high.is_empty() && high.iter().all(|&c| g.landcover[c] != LandCover::Forest));
}

#[test]
fn reimporting_the_source_data_reproduces_the_shipped_asset() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../assets/maps/andorra/source");
    let out = std::env::temp_dir().join(format!("sandtable-reimport-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let status = Command::new(env!("CARGO_BIN_EXE_sandtable-server"))
        .args(["import-map", "--quiet", "--name", "andorra", "--dem"])
        .arg(data.join("dem/andorra_srtm3_filled.asc"))
        .arg("--layers")
        .arg(data.join("vector"))
        .arg("--out")
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    for file in ["map.json", "terrain.bin", "ATTRIBUTION.md"] {
        let fresh = std::fs::read(out.join("andorra").join(file)).unwrap();
        let shipped = std::fs::read(asset_dir().join(file)).unwrap();
        assert!(fresh == shipped, "{file} differs from the shipped asset: re-run the import (see docs/import-map.md)");
    }
    let _ = std::fs::remove_dir_all(&out);
}

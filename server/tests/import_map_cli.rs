//! `sandtable-server import-map` as a user runs it: a small synthetic township imports into a
//! loadable map, and bad inputs end with exit code 2 and a message naming the file, not a panic.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use sim::map::{LandCover, load_map};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sandtable-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("layers")).unwrap();
    dir
}

fn import(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sandtable-server")).arg("import-map").args(args).current_dir(dir).output().unwrap()
}

fn fc(features: &str) -> String {
    format!(
        r#"{{"type":"FeatureCollection","attribution":"© OpenStreetMap contributors, ODbL 1.0","features":[{features}]}}"#
    )
}

/// A 4 km x 4 km valley (0.05° x 0.036°) at 42°N: a floor running east–west, gentle slopes to 1,220 m.
fn write_township(dir: &Path) {
    let (cols, rows) = (61, 44);
    let mut asc = format!(
        "ncols {cols}\nnrows {rows}\nxllcorner 1.0\nyllcorner 42.0\ncellsize 0.000833333333\nNODATA_value -9999\n"
    );
    for r in 0..rows {
        let line: Vec<String> = (0..cols)
            .map(|c| if (r, c) == (3, 3) { "-9999".into() } else { format!("{}", 1000 + 10 * (r - 22i32).abs()) })
            .collect();
        asc.push_str(&line.join(" "));
        asc.push('\n');
    }
    std::fs::write(dir.join("dem.asc"), asc).unwrap();
    let l = dir.join("layers");
    std::fs::write(
        l.join("settlements.geojson"),
        fc(r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[1.01,42.018]},"properties":{"name":"Xiacun","name:zh":"下村","place":"village","population":"420"}},
              {"type":"Feature","geometry":{"type":"Point","coordinates":[1.04,42.018]},"properties":{"name":"Shangcun","place":"hamlet"}}"#),
    )
    .unwrap();
    std::fs::write(
        l.join("roads.geojson"),
        fc(r#"{"type":"Feature","geometry":{"type":"LineString","coordinates":[[1.005,42.018],[1.02,42.0181],[1.045,42.018]]},"properties":{"highway":"secondary","name":"S1"}},
              {"type":"Feature","geometry":{"type":"LineString","coordinates":[[1.02,42.0181],[1.02,42.03]]},"properties":{"highway":"track"}}"#),
    )
    .unwrap();
    std::fs::write(
        l.join("admin_boundaries.geojson"),
        fc(r#"{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[1.0,42.0],[1.03,42.0],[1.03,42.036],[1.0,42.036],[1.0,42.0]]]},"properties":{"name":"West","admin_level":"8"}},
              {"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[1.03,42.0],[1.05,42.0],[1.05,42.036],[1.03,42.036],[1.03,42.0]]]},"properties":{"name":"East","admin_level":8}},
              {"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[1.0,42.0],[1.05,42.0],[1.05,42.036],[1.0,42.036],[1.0,42.0]]]},"properties":{"name":"County","admin_level":"6"}}"#),
    )
    .unwrap();
    std::fs::write(
        l.join("landcover.geojson"),
        fc(r#"{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[1.0,42.025],[1.05,42.025],[1.05,42.036],[1.0,42.036],[1.0,42.025]]]},"properties":{"landuse":"forest"}}"#),
    )
    .unwrap();
    std::fs::write(
        l.join("water_areas.geojson"),
        fc(r#"{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[1.03,42.005],[1.035,42.005],[1.035,42.008],[1.03,42.008],[1.03,42.005]]]},"properties":{"natural":"water","name":"Pond"}}"#),
    )
    .unwrap();
    std::fs::write(
        l.join("waterways.geojson"),
        fc(r#"{"type":"Feature","geometry":{"type":"LineString","coordinates":[[0.99,42.017],[1.01,42.017],[1.06,42.017]]},"properties":{"waterway":"river","name":"Qing He"}}"#),
    )
    .unwrap();
    std::fs::write(
        l.join("pois.geojson"),
        fc(r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[1.011,42.019]},"properties":{"amenity":"school","name":"Xiacun school"}}"#),
    )
    .unwrap();
}

#[test]
fn a_small_township_imports_into_a_loadable_map() {
    let dir = scratch("ok");
    write_township(&dir);
    let out = import(&base_args(&["--out", "maps", "--cell-size-m", "50"]), &dir);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    // Progress names its steps and reports the filled void.
    assert!(
        stderr.contains("reading the DEM") && stderr.contains("land cover") && stderr.contains("1 void"),
        "{stderr}"
    );
    assert!(stderr.contains("terrain_points.geojson not found"), "{stderr}");

    let map = load_map(&dir.join("maps/valley")).unwrap();
    assert_eq!(map.grid.cell_size_m, 50.0);
    // 0.0508° of longitude at 42.018°N is 4,199 m, 0.0367° of latitude 4,077 m.
    assert_eq!((map.grid.cols, map.grid.rows), (83, 81));
    // Townships come from the most detailed level (8), not the county (6).
    let names: Vec<&str> = map.features.townships.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["East", "West"]);
    let west = map.township("West").unwrap();
    // 0.03° x 0.036° at 42°N: 2,478 m x 4,003 m.
    assert!((west.area_km2 - 9.92).abs() < 0.05, "{}", west.area_km2);
    let xia = map.settlement("下村").unwrap();
    assert_eq!((xia.township.as_deref(), xia.population), (Some("West"), Some(420)));
    assert_eq!(map.settlement("Shangcun").unwrap().township.as_deref(), Some("East"));
    let roads = &map.features.roads;
    let (a, b) = (xia.road_node.unwrap(), map.settlement("Shangcun").unwrap().road_node.unwrap());
    let route = roads.route(a, b, &|_| false).unwrap();
    // From the road's west end (nearest Xiacun) to its east end (nearest Shangcun): 0.04°.
    assert!((route.length_m - 3304.0).abs() < 10.0, "{}", route.length_m);
    assert_eq!(roads.edges.iter().filter(|e| e.name.as_deref() == Some("S1")).count(), 2);
    // Forest where the polygon says, water in the pond, the fallback elsewhere.
    let at = |lon: f64, lat: f64| map.grid.landcover[map.grid.cell_at(map.meta.projection.to_local(lon, lat)).unwrap()];
    assert_eq!(at(1.02, 42.03), LandCover::Forest);
    assert_eq!(at(1.0325, 42.0065), LandCover::Water);
    assert_eq!(at(1.01, 42.0185), LandCover::Farmland);
    // The river is cut where it enters and leaves the map.
    let river = &map.features.waterways;
    assert_eq!(river.len(), 1);
    assert_eq!((river[0].points[0][0], river[0].points.last().unwrap()[0]), (0.0, map.grid.width_m()));
    assert_eq!(map.features.pois[0].kind, "school");
    assert_eq!(map.meta.attribution, ["© OpenStreetMap contributors, ODbL 1.0", "Elevation: survey DEM"]);
    assert!(std::fs::read_to_string(dir.join("maps/valley/ATTRIBUTION.md")).unwrap().contains("ODbL"));
}

fn expect_failure(out: &Output, needles: &[&str]) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    for n in needles {
        assert!(stderr.contains(n), "expected '{n}' in: {stderr}");
    }
}

#[test]
fn a_missing_dem_is_named() {
    let dir = scratch("missing");
    write_township(&dir);
    let out = import(&["--name", "x", "--dem", "nope.hgt", "--layers", "layers", "--out", "maps"], &dir);
    expect_failure(&out, &["elevation file nope.hgt does not exist"]);
    let out = import(&["--name", "x", "--dem", "dem.asc", "--layers", "gone", "--out", "maps"], &dir);
    expect_failure(&out, &["layers directory gone does not exist"]);
    // A DEM that is not SRTM must say whose it is.
    let out = import(&["--name", "x", "--dem", "dem.asc", "--layers", "layers", "--out", "maps"], &dir);
    expect_failure(&out, &["--dem-attribution", "dem.asc"]);
    std::fs::remove_file(dir.join("layers/roads.geojson")).unwrap();
    let out = import(
        &[
            "--name",
            "x",
            "--dem",
            "dem.asc",
            "--dem-attribution",
            "Elevation: test",
            "--layers",
            "layers",
            "--out",
            "maps",
        ],
        &dir,
    );
    expect_failure(&out, &["roads layer", "roads.geojson does not exist"]);
    assert!(!dir.join("maps/x").exists());
}

#[test]
fn a_corrupt_asc_header_is_named_with_its_line() {
    let dir = scratch("badasc");
    write_township(&dir);
    std::fs::write(dir.join("bad.asc"), "ncols 61\nnrows forty\n").unwrap();
    let out = import(
        &[
            "--name",
            "x",
            "--dem",
            "bad.asc",
            "--dem-attribution",
            "Elevation: test",
            "--layers",
            "layers",
            "--out",
            "maps",
        ],
        &dir,
    );
    expect_failure(&out, &["bad.asc: line 2: header value 'forty' of 'nrows' is not a number"]);
}

#[test]
fn an_invalid_geojson_layer_is_named_with_its_position() {
    let dir = scratch("badjson");
    write_township(&dir);
    std::fs::write(
        dir.join("layers/waterways.geojson"),
        "{\"type\": \"FeatureCollection\", \"features\": [ {\"type\": \"Feature\",,",
    )
    .unwrap();
    let out = import(
        &[
            "--name",
            "x",
            "--dem",
            "dem.asc",
            "--dem-attribution",
            "Elevation: test",
            "--layers",
            "layers",
            "--out",
            "maps",
        ],
        &dir,
    );
    expect_failure(&out, &["waterways.geojson: line 1, column", "not valid JSON"]);
    std::fs::write(dir.join("layers/waterways.geojson"), "[1, 2, 3]").unwrap();
    let out = import(
        &[
            "--name",
            "x",
            "--dem",
            "dem.asc",
            "--dem-attribution",
            "Elevation: test",
            "--layers",
            "layers",
            "--out",
            "maps",
        ],
        &dir,
    );
    expect_failure(&out, &["waterways.geojson", "not a GeoJSON FeatureCollection"]);
}

fn base_args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "--name",
        "valley",
        "--dem",
        "dem.asc",
        "--dem-attribution",
        "Elevation: survey DEM",
        "--layers",
        "layers",
    ];
    args.extend_from_slice(extra);
    args
}

/// A bureau's export: names in `NAME`, people in `人口`, CGCS2000 declared; one village with a
/// null geometry, one off the box, one without a name, one on a hill 1.8 km from any road.
const BUREAU_SETTLEMENTS: &str = r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4490"}},"features":[
  {"type":"Feature","geometry":{"type":"Point","coordinates":[1.01,42.018]},"properties":{"NAME":"下村","人口":420}},
  {"type":"Feature","geometry":{"type":"Point","coordinates":[1.04,42.018]},"properties":{"NAME":"上村"}},
  {"type":"Feature","geometry":null,"properties":{"NAME":"无坐标村"}},
  {"type":"Feature","geometry":{"type":"Point","coordinates":[1.2,42.018]},"properties":{"NAME":"界外村"}},
  {"type":"Feature","geometry":{"type":"Point","coordinates":[1.03,42.01]},"properties":{"CODE":"430421"}},
  {"type":"Feature","geometry":{"type":"Point","coordinates":[1.045,42.034]},"properties":{"NAME":"山顶村"}}]}"#;

#[test]
fn a_bureau_export_imports_and_every_village_left_out_is_named_with_its_reason() {
    let dir = scratch("bureau");
    write_township(&dir);
    std::fs::write(dir.join("layers/settlements.geojson"), BUREAU_SETTLEMENTS).unwrap();
    let out = import(&base_args(&["--out", "maps", "--cell-size-m", "50", "--bbox", "1.0,42.0,1.1,42.03"]), &dir);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let map = load_map(&dir.join("maps/valley")).unwrap();
    let names: Vec<&str> = map.features.settlements.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["下村", "上村"], "{stderr}");
    assert_eq!(map.settlement("下村").unwrap().population, Some(420));
    for needle in [
        // Each village left out, with its reason.
        "settlements.geojson: 4 舍弃 / left out",
        "feature 2 \"无坐标村\": no geometry (null), not a point",
        "feature 3 \"界外村\": outside the map's box (at 1.20000, 42.01800;",
        "feature 4: no name (none of name, 名称",
        // 山顶村 lies north of the cut box.
        "feature 5 \"山顶村\": outside the map's box",
        // The river cut at both edges of the map.
        "waterways.geojson: 1 裁剪 / cut at the map's edge",
        "feature 0 \"Qing He\": runs past the map's edge",
        // The box past the DEM's east edge (0.049° at 42°N is about 4 km).
        "--bbox reaches past the DEM and was cut: 4.0",
        "km east",
        // CGCS2000 said, not refused.
        "settlements.geojson 为 CGCS2000 (EPSG:4490)",
        // The summary.
        "乡镇 / townships: 2",
        "村庄 / settlements: 2, population 420 (1 of 2 give it)",
        "河流 / rivers: 1 named",
        "地图已写入 / map written to",
    ] {
        assert!(stderr.contains(needle), "expected '{needle}' in:\n{stderr}");
    }
    let attribution = std::fs::read_to_string(dir.join("maps/valley/ATTRIBUTION.md")).unwrap();
    for needle in ["无坐标村", "界外村", "feature 4: no name", "`waterways.geojson` cut"] {
        assert!(attribution.contains(needle), "expected '{needle}' in ATTRIBUTION.md:\n{attribution}");
    }
}

#[test]
fn a_village_far_from_the_roads_is_warned_with_the_walk_it_costs() {
    let dir = scratch("far");
    write_township(&dir);
    std::fs::write(dir.join("layers/settlements.geojson"), BUREAU_SETTLEMENTS).unwrap();
    let out = import(&base_args(&["--out", "maps", "--cell-size-m", "50"]), &dir);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    // From (1.045, 42.034) to the road's east end (1.045, 42.018): 0.016° of latitude, 1.8 km,
    // 27 minutes on foot at 4 km/h.
    assert!(stderr.contains("1 个村庄离道路超过 500 米"), "{stderr}");
    assert!(stderr.contains("山顶村: 1.8 km 离最近道路节点") && stderr.contains("步行 27 分钟"), "{stderr}");
    let map = load_map(&dir.join("maps/valley")).unwrap();
    let hill = map.settlement("山顶村").unwrap();
    let node = map.features.roads.nodes[hill.road_node.unwrap() as usize];
    assert!(((node[0] - hill.pos[0]).hypot(node[1] - hill.pos[1]) - 1779.0).abs() < 10.0);
    // A larger allowance: no warning.
    let out = import(&base_args(&["--out", "maps2", "--cell-size-m", "50", "--max-road-gap-m", "2000"]), &dir);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && !stderr.contains("离道路超过"), "{stderr}");
}

#[test]
fn a_name_field_of_its_own_is_asked_for_by_name() {
    let dir = scratch("namefield");
    write_township(&dir);
    std::fs::write(
        dir.join("layers/settlements.geojson"),
        fc(r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[1.01,42.018]},"properties":{"CJMC":"下村","DM":"430421101"}}"#),
    )
    .unwrap();
    // No usual name field: refused, naming the fields tried and those the layer has (never a map
    // with no villages).
    let out = import(&base_args(&["--out", "maps"]), &dir);
    expect_failure(
        &out,
        &["settlements.geojson", "no settlement has a name in name, 名称", "fields: CJMC, DM", "--name-field"],
    );
    assert!(!dir.join("maps/valley").exists());
    let out = import(&base_args(&["--out", "maps", "--name-field", "cjmc"]), &dir);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(load_map(&dir.join("maps/valley")).unwrap().settlement("下村").is_some());
}

#[test]
fn without_out_the_map_goes_under_sandtable_home_and_says_where() {
    let dir = scratch("home");
    write_township(&dir);
    let home = dir.join("county");
    std::fs::create_dir_all(&home).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_sandtable-server"))
        .arg("import-map")
        .args(base_args(&[]))
        .env("SANDTABLE_HOME", &home)
        .current_dir(&dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let written = home.join("assets/maps/valley");
    assert!(written.join("map.json").is_file(), "{stderr}");
    assert!(stderr.contains(&format!("map written to {}", written.display())), "{stderr}");
    assert!(stderr.contains("map: \"valley\""), "{stderr}");
}

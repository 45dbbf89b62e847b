//! `sandtable-server map info|probe` as a trainer runs them on the shipped map: the summary and
//! the answer at a point, and bad input exits 2 with the reason.

use std::process::{Command, Output};

fn map(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sandtable-server")).arg("map").args(args).output().unwrap()
}

#[test]
fn info_and_probe_answer_on_the_shipped_map() {
    let out = map(&["info", "andorra"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for needle in ["乡镇 / townships: 7", "村庄 / settlements: 67", "Rocs Blancs: 1.9 km", "河流 / rivers: 21 named"]
    {
        assert!(text.contains(needle), "'{needle}' missing from:\n{text}");
    }
    // On the Gran Valira's floor below Santa Coloma (bed 988.7 m), two stages as a plan writes them.
    let out = map(&["probe", "andorra", "--at", "1.4975,42.4945", "--stages", "980,1000"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for needle in [
        "高程 / elevation",
        "坡度 / slope",
        "地表 / land cover",
        "河道 / channel",
        "道路 / nearest road",
        "村庄 / nearest settlement: Santa Coloma",
        "水位 / stage 980.00 m a.s.l.: dry here",
        "水位 / stage 1000.00 m a.s.l.: 11.30 m of water",
    ] {
        assert!(text.contains(needle), "'{needle}' missing from:\n{text}");
    }
    // The same point for a script: one JSON object, the same figures.
    let out = map(&["probe", "andorra", "--at", "1.4975,42.4945", "--stages", "980,1000", "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).expect("probe --json prints JSON");
    assert_eq!(j["format"], "sandtable-probe/1");
    let p = &j["points"][0];
    assert_eq!(p["village"]["name"], "Santa Coloma");
    let depths: Vec<f64> = p["stages"].as_array().unwrap().iter().map(|s| s["depth_m"].as_f64().unwrap()).collect();
    assert!(depths[0] == 0.0 && (depths[1] - 11.30).abs() < 0.005, "{depths:?}");
    for (args, says) in [
        (vec!["probe", "andorra", "--at", "9,9"], "off the map \"andorra\""),
        (vec!["probe", "andorra", "--at", "1.5"], "must be LON,LAT"),
        (vec!["info", "no_such_map"], "no_such_map"),
    ] {
        let out = map(&args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(says) && !err.contains("panicked"), "{args:?}: {err}");
    }
}

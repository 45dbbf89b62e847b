//! `sandtable-server model flood` on a small projected DEM: volumes balance, walls take no rain,
//! probes report, a curve number holds rain back, bad arguments exit 2.

use std::path::PathBuf;
use std::process::Command;

fn model(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_sandtable-server")).arg("model").arg("flood").args(args).output().expect("runs")
}

/// 40 × 30 cells of 10 m tilting down to the east (0.5 %), with a 3 × 3 NODATA block.
fn dem() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sandtable-model-flood-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut text =
        String::from("ncols 40\nnrows 30\nxllcorner 500000\nyllcorner 4000000\ncellsize 10\nNODATA_value -9999\n");
    for r in 0..30 {
        let row: Vec<String> = (0..40)
            .map(|c| {
                if (10..13).contains(&c) && (10..13).contains(&r) {
                    "-9999".to_string()
                } else {
                    format!("{:.3}", 100.0 - 0.05 * c as f64)
                }
            })
            .collect();
        text.push_str(&row.join(" "));
        text.push('\n');
    }
    let path = dir.join("plane.asc");
    std::fs::write(&path, text).unwrap();
    path
}

fn json(out: &std::process::Output) -> serde_json::Value {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("JSON")
}

#[test]
fn rain_and_an_inflow_balance_and_probes_report() {
    let path = dem();
    let out = model(&[
        "--dem",
        path.to_str().unwrap(),
        "--duration-h",
        "2",
        "--rain-mm-per-h",
        "30",
        "--rain-h",
        "1",
        "--inflow",
        "500005,4000155,0.5",
        "--probe",
        "500205,4000155",
        "--probe",
        "500395,4000155",
        "--json",
    ]);
    let v = json(&out);
    let f = |k: &str| v[k].as_f64().unwrap();
    // 1 h of 30 mm on the 1200 − 9 cells that are not walls.
    let rain = 0.030 * (1200.0 - 9.0) * 100.0;
    assert!((f("volume_rain_m3") / rain - 1.0).abs() < 1e-6, "rain {}", f("volume_rain_m3"));
    assert!((f("volume_inflow_m3") / 3600.0 - 1.0).abs() < 1e-4, "inflow {}", f("volume_inflow_m3"));
    let input = f("volume_rain_m3") + f("volume_inflow_m3");
    let balance = input - f("volume_stored_m3") - f("volume_out_m3");
    assert!(balance.abs() < 1e-5 * input, "balance {balance}");
    assert!(f("volume_out_m3") > 0.0, "water leaves over the open edge");
    assert!(f("cell_updates_per_s") > 0.0 && f("wall_s") >= 0.0);
    let probes = v["probes"].as_array().unwrap();
    assert_eq!(probes.len(), 2);
    for p in probes {
        let (d, m) = (p["depth_m"].as_f64().unwrap(), p["max_depth_m"].as_f64().unwrap());
        assert!(m > 0.0 && d <= m + 1e-9, "{p}");
    }
    // A curve number keeps the first 0.2 S of the rain: CN 80 holds 12.7 mm of 30, lets 6.6 through.
    let held = json(&model(&[
        "--dem",
        path.to_str().unwrap(),
        "--duration-h",
        "1",
        "--rain-mm-per-h",
        "30",
        "--curve-number",
        "80",
    ]));
    let excess = held["volume_rain_m3"].as_f64().unwrap() / ((1200.0 - 9.0) * 100.0) * 1000.0;
    let s = 25400.0 / 80.0 - 254.0;
    let want = (30.0 - 0.2 * s) * (30.0 - 0.2 * s) / (30.0 + 0.8 * s);
    assert!((excess - want).abs() < 0.01, "SCS excess {excess} mm, want {want}");
}

#[test]
fn bad_arguments_exit_2_with_a_message() {
    let path = dem();
    let p = path.to_str().unwrap();
    for (args, says) in [
        (vec!["--dem", p, "--duration-h", "0"], "--duration-h"),
        (vec!["--dem", p, "--duration-h", "1", "--manning", "-1"], "--manning"),
        (vec!["--dem", p, "--duration-h", "1", "--curve-number", "120"], "--curve-number"),
        (vec!["--dem", p, "--duration-h", "1", "--inflow", "500115,4000185,3"], "NODATA"),
        (vec!["--dem", p, "--duration-h", "1", "--probe", "0,0"], "off the grid"),
        (vec!["--dem", p, "--duration-h", "1", "--probe", "1;2"], "--probe"),
        (vec!["--dem", "/nonexistent/x.asc", "--duration-h", "1"], "x.asc"),
    ] {
        let out = model(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{args:?}: {err}");
    }
}

/// The same tilted plane in lon/lat, as `import-map` asks DEMs to be: 40 × 30 cells of
/// 0.0001° (about 8.3 m east–west and 11.1 m north–south at 42°N).
fn dem_degrees() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sandtable-model-flood-deg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut text = String::from("ncols 40\nnrows 30\nxllcorner 1.5\nyllcorner 42.5\ncellsize 0.0001\n");
    for _ in 0..30 {
        let row: Vec<String> = (0..40).map(|c| format!("{:.3}", 100.0 - 0.05 * c as f64)).collect();
        text.push_str(&row.join(" "));
        text.push('\n');
    }
    let path = dir.join("plane_lonlat.asc");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn a_lon_lat_dem_is_resampled_to_metres_and_points_are_lon_lat() {
    let path = dem_degrees();
    let out = model(&[
        "--dem",
        path.to_str().unwrap(),
        "--duration-h",
        "0.5",
        "--inflow",
        "1.5005,42.5015,0.5",
        "--probe",
        "1.502,42.5015",
    ]);
    let v = json(&out);
    // Cells of the DEM's own north–south spacing, 11.1 m; 0.004° × 0.003° is 330 m × 334 m.
    let g = &v["grid"];
    assert_eq!(g["from_degrees"], true);
    assert!((g["cell_size_m"].as_f64().unwrap() - 11.1).abs() < 1e-9, "{g}");
    assert_eq!((g["cols"].as_u64(), g["rows"].as_u64()), (Some(29), Some(30)), "{g}");
    let inflow = v["volume_inflow_m3"].as_f64().unwrap();
    assert!((inflow / 900.0 - 1.0).abs() < 1e-4, "inflow {inflow}");
    assert!(v["probes"][0]["max_depth_m"].as_f64().unwrap() > 0.0, "{v}");
    // Metres given for a lon/lat DEM are off its grid, and said so.
    let out = model(&["--dem", path.to_str().unwrap(), "--duration-h", "0.1", "--probe", "500,500"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("off the grid (1."),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

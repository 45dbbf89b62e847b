//! `sandtable-server model fire` as an author runs it.

use std::process::Command;

fn model_fire(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_sandtable-server")).arg("model").arg("fire").args(args).output().expect("runs")
}

#[test]
fn gs4_reference_case() {
    // GS4, 6/7/8/60/90 %, midflame wind 5 mi/h upslope, slope 30 %.
    let out = model_fire(&[
        "--fuel",
        "GS4",
        "--m1h",
        "6",
        "--m10h",
        "7",
        "--m100h",
        "8",
        "--mherb",
        "60",
        "--mwoody",
        "90",
        "--midflame-wind-m-per-s",
        "2.2352",
        "--slope-percent",
        "30",
        "--json",
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let close = |key: &str, want: f64| {
        let got = v[key].as_f64().unwrap_or_else(|| panic!("{key} missing in {v}"));
        assert!((got / want - 1.0).abs() < 0.001, "{key}: got {got}, want {want}");
    };
    close("ros_ch_per_h", 34.011429);
    close("flame_length_m", 15.811421 * 0.3048);
    close("fireline_intensity_kw_per_m", 2292.684759 * 1.055056 / 0.3048);
    for key in [
        "ros_m_per_min",
        "length_to_width",
        "backing_ros_m_per_min",
        "flanking_ros_m_per_min",
        "reaction_intensity_kw_per_m2",
        "wind_adjustment_factor",
        "effective_wind_m_per_s",
    ] {
        assert!(v[key].is_number(), "{key} missing in {v}");
    }
}

#[test]
fn bad_fuel_code_is_a_clear_error() {
    let out = model_fire(&[
        "--fuel",
        "XX7",
        "--m1h",
        "6",
        "--m10h",
        "7",
        "--m100h",
        "8",
        "--mherb",
        "60",
        "--mwoody",
        "90",
        "--slope-percent",
        "0",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown fuel model \"XX7\"") && err.contains("GS4"), "{err}");
}

//! The replay client end to end: bots play the fire drill to its end (the server library, as
//! `sandtable-server run` does), then the real `sandtable --replay` opens the record in a real
//! window under Xvfb (Mesa's software Vulkan) at two moments, as the controller, and saves a
//! PNG of each. Both PNGs must show the map, and the score the board drew (written by
//! `--replay-dump` from the frame's own headline) must differ between minute 5 and the end, the
//! end's being the score the server wrote when the drill ended.

mod xvfb;

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use xvfb::{data_root, read_png, run_sandtable, scratch_dir, tail};

/// The client's window size (`app::WINDOW_SIZE`).
const WINDOW: (u32, u32) = (1280, 720);

/// Runs `sandtable --replay <record> --at <at> --screenshot … --replay-dump …` in a directory
/// of its own; returns the PNG and what the score board showed.
fn shoot(dir: &Path, record: &Path, at: &str) -> (PathBuf, serde_json::Value) {
    let run_dir = dir.join(format!("at-{at}"));
    std::fs::create_dir_all(&run_dir).unwrap();
    let (shot, dump) = (run_dir.join("shot.png"), run_dir.join("shown.json"));
    let args: Vec<&OsStr> = vec![
        "--replay".as_ref(),
        record.as_os_str(),
        "--at".as_ref(),
        at.as_ref(),
        "--as".as_ref(),
        "controller".as_ref(),
        "--screenshot".as_ref(),
        shot.as_os_str(),
        "--replay-dump".as_ref(),
        dump.as_os_str(),
        "--screenshot-timeout-s".as_ref(),
        "240".as_ref(),
    ];
    let xvfb::Run { status, out, err } = run_sandtable(&run_dir, &format!("replay --at {at}"), &args);
    assert!(
        status.success(),
        "sandtable --replay --at {at} failed ({status}); stdout:\n{}\nstderr:\n{}",
        tail(&out),
        tail(&err)
    );
    assert!(shot.is_file(), "exit 0 but no {}; stdout:\n{}", shot.display(), tail(&out));
    let shown = std::fs::read_to_string(&dump).unwrap_or_else(|e| panic!("{}: {e}", dump.display()));
    (shot, serde_json::from_str(&shown).unwrap_or_else(|e| panic!("{shown}: {e}")))
}

/// The PNG has the window's size and is a drawn screen, not a blank or a one-colour card.
fn assert_not_blank(path: &Path) {
    let (w, h, pixels) = read_png(path);
    assert_eq!((w, h), WINDOW, "{}: the PNG has the window's size", path.display());
    let mut counts: BTreeMap<[u8; 3], usize> = BTreeMap::new();
    for p in &pixels {
        *counts.entry(*p).or_default() += 1;
    }
    let n = pixels.len();
    assert!(counts.len() > 2000, "{}: only {} distinct colours, not a shaded map", path.display(), counts.len());
    let commonest = counts.values().max().copied().unwrap_or(0);
    assert!(commonest < n / 3, "{}: one colour covers {commonest} of {n} pixels", path.display());
}

#[test]
fn replay_shows_the_score_as_it_stood_at_two_moments() {
    let dir = scratch_dir("replay");
    let record = dir.join("record");
    let scenario = data_root().join("scenarios").join("fire_aubinya.ron");
    let setup = server::drill::DrillSetup::load(&scenario, None).unwrap_or_else(|e| panic!("{e}"));
    let (finished, _) = server::headless::run_drill(setup, &record, |_, _| {}).unwrap();

    let (early_png, early) = shoot(&dir, &record, "5");
    let (end_png, end) = shoot(&dir, &record, "end");
    assert_not_blank(&early_png);
    assert_not_blank(&end_png);

    assert_eq!(early["t_s"], 300, "opened at minute 5: {early}");
    assert_eq!(end["t_s"], 8 * 3600, "opened at the end of the 8-hour drill: {end}");
    for shown in [&early, &end] {
        assert_eq!(shown["role"], "controller", "{shown}");
        assert!(shown["headline"].as_str().is_some_and(|h| h.starts_with("此刻得分")), "Chinese first: {shown}");
    }
    assert_ne!(early["headline"], end["headline"], "the score shown is the same at minute 5 and at the end");
    let (early_score, end_score) = (early["score"].as_f64().unwrap(), end["score"].as_f64().unwrap());
    assert_ne!(early_score, end_score);
    assert!(
        (end_score - finished.score).abs() < 0.05,
        "the replay's score at the end ({end_score}) is not the drill's ({})",
        finished.score
    );
    std::fs::remove_dir_all(&dir).ok();
}

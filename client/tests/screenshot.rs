//! The client end to end: the real `sandtable` binary hosts the flood drill (embedded server and
//! bots over loopback UDP), renders the command post's drill view in a real window under Xvfb
//! with Mesa's software Vulkan, saves a PNG and exits. The PNG must have the window's size and
//! show the shaded map, not a blank or a status screen.

mod xvfb;

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use xvfb::{data_root, read_png, run_sandtable, scratch_dir, tail};

/// The client's window size (`app::WINDOW_SIZE`).
const WINDOW: (u32, u32) = (1280, 720);
/// Runs `sandtable --host <flood> --role command --screenshot <dir>/shot.png` under xvfb-run.
fn take_screenshot(dir: &Path) -> PathBuf {
    let scenario = data_root().join("scenarios").join("flood_valira.ron");
    assert!(scenario.is_file(), "{} is missing", scenario.display());
    let shot = dir.join("shot.png");
    let args: Vec<&OsStr> = vec![
        "--host".as_ref(),
        scenario.as_os_str(),
        "--role".as_ref(),
        "command".as_ref(),
        "--screenshot".as_ref(),
        shot.as_os_str(),
        "--screenshot-timeout-s".as_ref(),
        "240".as_ref(),
    ];
    let xvfb::Run { status, out, err } = run_sandtable(dir, "screenshot", &args);
    assert!(
        status.success(),
        "sandtable --screenshot failed ({status}); stdout:\n{}\nstderr:\n{}",
        tail(&out),
        tail(&err)
    );
    assert!(shot.is_file(), "exit 0 but no {}; stdout:\n{}", shot.display(), tail(&out));
    shot
}

#[test]
fn hosted_flood_drill_renders_the_map() {
    let dir = scratch_dir("shot");
    let shot = take_screenshot(&dir);
    let (w, h, pixels) = read_png(&shot);
    assert_eq!((w, h), WINDOW, "the PNG has the window's size");

    let mut counts: BTreeMap<[u8; 3], usize> = BTreeMap::new();
    for p in &pixels {
        *counts.entry(*p).or_default() += 1;
    }
    let n = pixels.len();
    assert!(counts.len() > 2000, "only {} distinct colours: blank or a status screen, not a shaded map", counts.len());
    let commonest = counts.values().max().copied().unwrap_or(0);
    assert!(commonest < n / 3, "one colour covers {commonest} of {n} pixels");

    // The map takes the left of the window (the side panel is on the right): there, shaded
    // vegetation (green over red and blue) must cover a good part, in many shades.
    let at = |x: u32, y: u32| pixels[(y * w + x) as usize];
    let region: Vec<[u8; 3]> =
        (80..h - 60).flat_map(|y| (20..w / 2).map(move |x| (x, y))).map(|(x, y)| at(x, y)).collect();
    let green = region.iter().filter(|p| p[1] > p[0] && p[1] > p[2]).count();
    assert!(green * 4 > region.len(), "only {green} of {} map pixels are vegetation-coloured", region.len());
    let shades: std::collections::BTreeSet<[u8; 3]> =
        region.iter().filter(|p| p[1] > p[0] && p[1] > p[2]).copied().collect();
    assert!(shades.len() > 500, "vegetation in only {} shades: no hillshade", shades.len());

    // The attribution plate (light, bottom-left of the map) is on screen.
    let plate: Vec<[u8; 3]> =
        (h - 22..h - 8).flat_map(|y| (8..200).map(move |x| (x, y))).map(|(x, y)| at(x, y)).collect();
    let light = plate.iter().filter(|p| p.iter().all(|c| *c > 190)).count();
    assert!(
        light * 2 > plate.len(),
        "no attribution plate at the bottom-left ({light} of {} light pixels)",
        plate.len()
    );

    std::fs::remove_dir_all(&dir).ok();
}

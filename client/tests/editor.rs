//! The scenario editor end to end, as a trainer uses it: the real `sandtable --edit` opens a copy
//! of the flood scenario on its map in a real window under Xvfb, `--drive` drags a shelter's
//! marker with synthetic mouse input to a point 300 m east and 200 m south, and clicks 保存. The
//! saved file must differ from the original in that shelter's line only, its place now where
//! the marker was dropped; every comment and every other byte stays.

mod xvfb;

use std::ffi::OsStr;

use xvfb::{data_root, run_sandtable, scratch_dir, tail};

const SHELTER: &str = "圣科洛马高地学校避灾点";

#[test]
fn dragging_a_shelter_rewrites_only_its_line() {
    let dir = scratch_dir("edit");
    let original = std::fs::read_to_string(data_root().join("scenarios/flood_valira.ron")).unwrap();
    let file = dir.join("flood_valira.ron");
    std::fs::write(&file, &original).unwrap();

    let map = sim::map::load_map(&data_root().join("assets/maps/andorra")).unwrap();
    let scenario = sim::scenario::parse_scenario("flood_valira.ron", &original).unwrap();
    let shelter = scenario.shelters.iter().find(|s| s.name == SHELTER).expect("the shelter is in the scenario");
    let from = sim::scenario::resolve_place(&shelter.at, &map).unwrap();
    let to = [from[0] + 300.0, from[1] - 200.0];

    let script = dir.join("edit.drive");
    std::fs::write(
        &script,
        format!(
            "wait-ready\nframes 5\ndrag marker:shelter:{SHELTER} {:.1} {:.1}\nframes 5\nclick save\nframes 5\n",
            to[0], to[1]
        ),
    )
    .unwrap();
    let args: Vec<&OsStr> = vec![
        "--edit".as_ref(),
        file.as_os_str(),
        "--drive".as_ref(),
        script.as_os_str(),
        "--drive-timeout-s".as_ref(),
        "90".as_ref(),
    ];
    let xvfb::Run { status, out, err } = run_sandtable(&dir, "edit", &args);
    assert!(status.success(), "the drive failed ({status}); stdout:\n{}\nstderr:\n{}", tail(&out), tail(&err));

    let saved = std::fs::read_to_string(&file).unwrap();
    let old: Vec<&str> = original.lines().collect();
    let new: Vec<&str> = saved.lines().collect();
    assert_eq!(old.len(), new.len(), "no line added or removed");
    let changed: Vec<usize> = (0..old.len()).filter(|&i| old[i] != new[i]).collect();
    assert_eq!(changed.len(), 1, "exactly one line changed: {:?}", changed.iter().map(|&i| new[i]).collect::<Vec<_>>());
    let i = changed[0];
    assert!(old[i].contains(SHELTER), "the changed line is the shelter's: {}", old[i]);
    assert_eq!(original.ends_with('\n'), saved.ends_with('\n'));

    // Only the place changed on that line: the text before `at:` and after the place is the same.
    let (before, rest) = old[i].split_once("at: ").unwrap();
    let after = &rest[rest.find(')').unwrap() + 1..];
    assert!(new[i].starts_with(before) && new[i].ends_with(after), "{}\n→ {}", old[i], new[i]);

    // The new place is where the marker was dropped (within a few pixels of the view's scale).
    let saved_scenario = sim::scenario::parse_scenario("saved", &saved).expect("the saved file parses");
    let moved = saved_scenario.shelters.iter().find(|s| s.name == SHELTER).unwrap();
    assert!(matches!(moved.at, sim::scenario::Place::LonLat(..)), "{:?}", moved.at);
    let at = sim::scenario::resolve_place(&moved.at, &map).unwrap();
    let off = ((at[0] - to[0]).powi(2) + (at[1] - to[1]).powi(2)).sqrt();
    assert!(off < 60.0, "dropped at {to:?}, saved at {at:?} ({off:.0} m off)");
    let moved_m = ((at[0] - from[0]).powi(2) + (at[1] - from[1]).powi(2)).sqrt();
    assert!(moved_m > 250.0, "the shelter moved only {moved_m:.0} m");
    // The scenario is otherwise the same.
    let mut expected = scenario.clone();
    expected.shelters.iter_mut().find(|s| s.name == SHELTER).unwrap().at = moved.at.clone();
    assert_eq!(saved_scenario, expected);

    std::fs::remove_dir_all(&dir).ok();
}

//! The scenario editor end to end, as a trainer uses it, in one window session: the real
//! `sandtable --edit` opens a copy of the flood scenario on its map in a real window under Xvfb,
//! and `--drive` plays synthetic input into it:
//! - drags a shelter's marker to a point 300 m east and 200 m south, and clicks 保存;
//! - deletes a gauge, then undoes that;
//! - deletes a depot written one field a line;
//! - picks the shelter tool, clicks the map and adds the new shelter with its form's defaults;
//! - closes the window and cancels at the unsaved-changes question, then closes it again and
//!   answers 保存并关闭.
//!
//! The saved file must differ from the original in exactly those places: the dragged shelter's
//! place on its line, the depot's lines gone, one new shelter line after the last one; every
//! comment and every other byte stays. It loads and passes `check`.

mod xvfb;

use std::ffi::OsStr;

use xvfb::{data_root, run_sandtable, scratch_dir, tail};

const SHELTER: &str = "圣科洛马高地学校避灾点";
const GAUGE: &str = "拉马尔希内达水位站";
const DEPOT: &str = "圣科洛马村储备点";

#[test]
fn a_trainer_moves_deletes_and_adds_places_and_saves_on_close() {
    let dir = scratch_dir("edit");
    let original = std::fs::read_to_string(data_root().join("scenarios/flood_valira.ron")).unwrap();
    let file = dir.join("flood_valira.ron");
    std::fs::write(&file, &original).unwrap();

    let map = sim::map::load_map(&data_root().join("assets/maps/andorra")).unwrap();
    let scenario = sim::scenario::parse_scenario("flood_valira.ron", &original).unwrap();
    let shelter = scenario.shelters.iter().find(|s| s.name == SHELTER).expect("the shelter is in the scenario");
    let from = sim::scenario::resolve_place(&shelter.at, &map).unwrap();
    let to = [from[0] + 300.0, from[1] - 200.0];
    let new_at = [from[0] - 400.0, from[1] + 250.0];

    let script = dir.join("edit.drive");
    std::fs::write(
        &script,
        format!(
            "wait-ready\nframes 5\n\
             drag marker:shelter:{SHELTER} {:.1} {:.1}\nframes 5\nclick save\nframes 3\n\
             click item:gauge:{GAUGE}\nclick delete\nframes 3\nclick undo\nframes 3\n\
             click item:depot:{DEPOT}\nclick delete\nframes 3\n\
             click tool:shelter\nframes 3\nmap {:.1} {:.1}\nframes 5\nclick add:confirm\nframes 5\n\
             close\nframes 3\nclick close:cancel\nframes 5\nclose\nframes 3\nclick close:save\nframes 200\n",
            to[0], to[1], new_at[0], new_at[1]
        ),
    )
    .unwrap();
    let args: Vec<&OsStr> = vec![
        "--edit".as_ref(),
        file.as_os_str(),
        "--drive".as_ref(),
        script.as_os_str(),
        "--drive-timeout-s".as_ref(),
        "120".as_ref(),
    ];
    let xvfb::Run { status, out, err } = run_sandtable(&dir, "edit", &args);
    let logs = || format!("stdout:\n{}\nstderr:\n{}", tail(&out), tail(&err));
    assert!(status.success(), "the drive failed ({status}); {}", logs());
    let stdout = std::fs::read_to_string(&out).unwrap();
    assert!(stdout.contains("Click(\"close:cancel\")"), "the script reached the close; {}", logs());
    assert!(stdout.contains("Click(\"close:save\")"), "取消 kept the window open; {}", logs());
    assert!(!stdout.contains("script done"), "保存并关闭 closed the window before the script ran out; {}", logs());

    let saved = std::fs::read_to_string(&file).unwrap();
    let old: Vec<&str> = original.lines().collect();
    let new: Vec<&str> = saved.lines().collect();
    let line_of = |what: &str| old.iter().position(|l| l.contains(what)).unwrap();
    // The depot's lines: from its `(` to its `),`.
    let depot_name = line_of(&format!("name: \"{DEPOT}\""));
    assert_eq!(old[depot_name - 1].trim(), "(", "the depot is written one field a line");
    let depot_end = depot_name + old[depot_name..].iter().position(|l| l.trim() == "),").unwrap();
    let depot = depot_name - 1..=depot_end;
    let moved = line_of(&format!("(name: \"{SHELTER}\""));
    let last_shelter = line_of("(name: \"圣胡利娅体育馆避灾点\"");
    assert!(moved < last_shelter && last_shelter < *depot.start());
    let added = new[last_shelter + 1];
    assert!(added.starts_with("        (name: \"圣科洛马避灾点\", at: LonLat("), "{added}");
    assert!(added.ends_with(", capacity: 650),"), "its village's 620 people, to the 50 above: {added}");
    let mut expected: Vec<&str> = Vec::new();
    for (i, line) in old.iter().enumerate() {
        if depot.contains(&i) {
            continue;
        }
        expected.push(if i == moved { new[moved] } else { line });
        if i == last_shelter {
            expected.push(added);
        }
    }
    // Only the moved place, the deleted depot and the added shelter differ.
    if let Some(i) = (0..new.len().max(expected.len())).find(|&i| new.get(i) != expected.get(i)) {
        panic!("line {}: saved `{:?}`, expected `{:?}`", i + 1, new.get(i), expected.get(i));
    }
    assert_eq!(original.ends_with('\n'), saved.ends_with('\n'));

    // Only the place changed on the moved shelter's line.
    let (before, rest) = old[moved].split_once("at: ").unwrap();
    let after = &rest[rest.find(')').unwrap() + 1..];
    assert!(new[moved].starts_with(before) && new[moved].ends_with(after), "{}\n→ {}", old[moved], new[moved]);

    // The places are where the marker was dropped and the map clicked (within a few pixels).
    let saved_scenario = sim::scenario::parse_scenario("saved", &saved).expect("the saved file parses");
    let near = |place: &sim::scenario::Place, want: [f64; 2]| {
        let at = sim::scenario::resolve_place(place, &map).unwrap();
        let off = ((at[0] - want[0]).powi(2) + (at[1] - want[1]).powi(2)).sqrt();
        assert!(off < 60.0, "wanted at {want:?}, saved at {at:?} ({off:.0} m off)");
    };
    let moved_shelter = saved_scenario.shelters.iter().find(|s| s.name == SHELTER).unwrap();
    near(&moved_shelter.at, to);
    let new_shelter = saved_scenario.shelters.last().unwrap();
    near(&new_shelter.at, new_at);
    // The scenario is otherwise the same.
    let mut expected = scenario.clone();
    expected.shelters.iter_mut().find(|s| s.name == SHELTER).unwrap().at = moved_shelter.at.clone();
    expected.depots.retain(|d| d.name != DEPOT);
    expected.shelters.push(new_shelter.clone());
    assert_eq!(saved_scenario, expected);
    // And it passes the command line's check.
    let problems = server::check::check_file(&file);
    assert!(problems.is_empty(), "{problems:?}");

    std::fs::remove_dir_all(&dir).ok();
}

//! Test fixtures: the testkit's valley, small and running west to east, written to a temporary
//! directory, and a short flood scenario on it, so the server's unit tests run without the
//! bundled assets.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use sim::map::{LandCover, RoadClass};
use sim::testkit::TestMap;

use crate::drill::{DrillSetup, Journal, Record};

pub const SCENARIO: &str = r#"(
    schema: 1,
    name: "测试河谷洪水",
    map: "testvalley",
    start: "2024-07-01 06:00",
    duration_h: 2.0,
    tick_s: 60,
    seed: 7,
    weather: [(at_min: 0, rain_mm_per_h: 80.0, wind_m_per_s: 3.0)],
    hazards: (flood: Some((
        inflows: [(name: "上游来水", at: Near(village: "Alpha", east_m: -600.0, north_m: 0.0),
                   hydrograph: [(at_min: 0, m3_per_s: 80.0), (at_min: 60, m3_per_s: 400.0)])],
        gauges: [(name: "G1", at: Village("Beta"), alert_m: 0.2, warning_m: 0.5, guaranteed_m: 1.0)],
    ))),
    villages: [
        (name: "Alpha", population: 120, vulnerable: 20),
        (name: "Beta", population: 80),
        (name: "Gamma", population: 60),
    ],
    shelters: [(name: "School", at: Near(village: "Beta", east_m: 0.0, north_m: 600.0), capacity: 400)],
    teams: [(name: "T1 队", kind: Township, size: 20, base: Village("Beta"), township: Some("T1"), muster_min: 5.0)],
    roles: ["controller", "command", "informant:*", "team:*"],
    plan: (
        name: "测试预案",
        levels: [(level: IV, trigger: RainOver(hours: 1.0, mm: 30.0))],
        actions: [
            (id: "first_report", name: "信息员 10 分钟内报告", who: "informant:*", what: Report, deadline_min: 10.0, after: HazardSeen),
            (id: "level_iv", name: "启动IV级响应", who: "command", what: ActivateLevel(IV), deadline_min: 30.0, after: LevelTriggered(IV)),
        ],
    ),
)"#;

/// A 40 x 24 grid of 75 m cells: a valley running west to east, farmed on its floor, three
/// villages in township T1 on a road along it with a branch north.
pub fn valley_map() -> TestMap {
    let y = 12.5 * 75.0;
    let (alpha, beta, gamma, north) = ([600.0, y], [1400.0, y], [2200.0, y], [2600.0, y + 600.0]);
    TestMap::valley()
        .name("testvalley")
        .size(40, 24)
        .flowing_east()
        .floor(1001.5, 1.5)
        .sides(8.0, 0.0)
        .floor_cover(LandCover::Farmland, 1)
        .road(RoadClass::Minor, None, &[alpha, beta, gamma])
        .road(RoadClass::Minor, None, &[beta, north])
        .township("T1", [0.0, 0.0], [3000.0, 1800.0])
        .village("Alpha", alpha)
        .village("Beta", beta)
        .village("Gamma", gamma)
}

/// The scenarios shipped in `scenarios/`, sorted.
pub fn shipped_scenarios() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("scenarios/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "ron"))
        .collect();
    files.sort();
    files
}

/// A fresh, empty directory under the system temp dir.
pub fn temp_dir(tag: &str) -> PathBuf {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "sandtable-{tag}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// The test scenario and map, the map written under `dir/testvalley` (the host sends its files).
pub fn setup(dir: &Path) -> DrillSetup {
    let valley = valley_map();
    let map_dir = valley.write_to(dir);
    let scenario_path = dir.join("test_flood.ron");
    std::fs::write(&scenario_path, SCENARIO).expect("write scenario");
    let scenario = sim::scenario::parse_scenario("test_flood.ron", SCENARIO).expect("test scenario parses");
    DrillSetup {
        scenario_path,
        scenario_text: SCENARIO.into(),
        scenario: Arc::new(scenario),
        map_dir,
        map: Arc::new(valley.build()),
        seed: 7,
    }
}

/// A record in `dir/record` with a normal journal file.
pub fn record(dir: &Path, setup: &DrillSetup) -> Record {
    Record::create(&dir.join("record"), setup, "test").expect("record dir")
}

/// A record whose journal goes to `journal` instead.
pub fn record_with(dir: &Path, setup: &DrillSetup, journal: Journal) -> Record {
    Record::with_journal(&dir.join("record"), setup, "test", journal).expect("record dir")
}

/// A record writer that takes every write (kept here, to read back) and fails every flush: a
/// disk whose sync fails, for the journal's group commit.
#[derive(Clone, Default)]
pub struct SyncFails(pub Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for SyncFails {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().map_err(|_| std::io::Error::other("poisoned"))?.extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Err(std::io::Error::other("I/O error on sync"))
    }
}

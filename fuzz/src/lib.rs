//! What the fuzz targets share: a small drill (the server testkit's valley and flood scenario)
//! built once, and the framing of a map input (`map.json` length, `map.json`, `terrain.bin`).

use std::sync::{Arc, OnceLock};

use sim::World;
use sim::map::{LandCover, MapAsset, RoadClass};
use sim::scenario::Scenario;
use sim::testkit::TestMap;

/// The drill every target measures its inputs against (as `server::testkit::SCENARIO`).
pub const SCENARIO: &str = include_str!("drill.ron");

/// A 40 x 24 valley running west to east with three villages on a road (`server::testkit`).
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

pub struct Drill {
    pub scenario: Arc<Scenario>,
    pub map: Arc<MapAsset>,
    pub world: World,
}

/// The drill, built on first use.
pub fn drill() -> &'static Drill {
    static DRILL: OnceLock<Drill> = OnceLock::new();
    DRILL.get_or_init(|| {
        let scenario = Arc::new(sim::scenario::parse_scenario("drill.ron", SCENARIO).expect("the fixture parses"));
        let map = Arc::new(valley_map().build());
        let world = World::new(scenario.clone(), map.clone(), 7).expect("the fixture starts");
        Drill { scenario, map, world }
    })
}

/// A map input: 4 bytes of `map.json`'s length (little-endian), `map.json`, then `terrain.bin`.
pub fn split_map_input(data: &[u8]) -> Option<(&[u8], &[u8])> {
    let len = u32::from_le_bytes(data.get(..4)?.try_into().ok()?) as usize;
    let rest = &data[4..];
    (len <= rest.len()).then(|| rest.split_at(len))
}

/// The framing of [`split_map_input`].
pub fn join_map_input(json: &[u8], terrain: &[u8]) -> Vec<u8> {
    let mut out = (json.len() as u32).to_le_bytes().to_vec();
    out.extend_from_slice(json);
    out.extend_from_slice(terrain);
    out
}

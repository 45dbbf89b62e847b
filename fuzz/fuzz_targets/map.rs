//! The map loader on any bytes: `decode_map` (map.json + terrain.bin, as a client receives them
//! and `load_map` reads them), then the test drill validated and started on what decodes.
#![no_main]

use std::sync::Arc;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((json, terrain)) = sandtable_fuzz::split_map_input(data) else { return };
    let Ok(map) = sim::map::decode_map(json, terrain) else { return };
    let drill = sandtable_fuzz::drill();
    let _ = map.features.roads.nearest_node([100.0, 100.0]);
    if !sim::scenario::validate("drill.ron", sandtable_fuzz::SCENARIO, &drill.scenario, &map).is_empty() {
        return;
    }
    if let Ok(mut world) = sim::World::new(drill.scenario.clone(), Arc::new(map), 7) {
        world.step();
    }
});

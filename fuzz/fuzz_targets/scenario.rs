//! The scenario parser and validator on any bytes: `parse_scenario` (with its source map and
//! limits), then `validate` against the test valley, then a world started from what passes and
//! stepped twice. Nothing may panic, and memory stays linear (`-rss_limit_mb`).
#![no_main]

use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use sim::scenario::{SourceMap, parse_scenario, validate};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let drill = sandtable_fuzz::drill();
    let _ = SourceMap::new(text).path_at((1, 1));
    let Ok(scenario) = parse_scenario("fuzz.ron", text) else { return };
    if !validate("fuzz.ron", text, &scenario, &drill.map).is_empty() {
        return;
    }
    if let Ok(mut world) = sim::World::new(Arc::new(scenario), drill.map.clone(), 7) {
        world.step();
        world.step();
    }
});

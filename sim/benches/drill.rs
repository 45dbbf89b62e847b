//! Whole drills on the shipped map with no orders: how long the hazard models and the world take
//! to play each shipped scenario from start to end. Run: `cargo bench -p sim --bench drill`.

use std::path::Path;
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use sim::World;
use sim::map::load_map;
use sim::scenario::load_scenario_file;

fn play(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let mut group = c.benchmark_group("drill");
    group.sample_size(10);
    for file in ["flood_valira.ron", "fire_aubinya.ron", "landslide_massana.ron"] {
        let (scenario, _) = load_scenario_file(&root.join("scenarios").join(file)).expect("scenario loads");
        let map = Arc::new(load_map(&root.join("assets/maps").join(&scenario.map)).expect("map loads"));
        let scenario = Arc::new(scenario);
        group.bench_function(file, |b| {
            b.iter(|| {
                let mut w = World::new(scenario.clone(), map.clone(), 1).expect("world builds");
                while !w.is_finished() {
                    w.step();
                }
                w.state_hash()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, play);
criterion_main!(benches);

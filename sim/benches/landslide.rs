//! Landslide model costs: one point's tick (water table + factor of safety) and the Caine
//! intensity–duration check over ten days of one-minute rain, the longest a trigger scans.
//! Run: `cargo bench -p sim --bench landslide`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use sim::hazard::landslide::{IntensityDuration, SoilColumn, WaterTable};

fn landslide(c: &mut Criterion) {
    let soil = SoilColumn {
        depth_m: 2.0,
        slope_deg: 35.0,
        unit_weight_kn_per_m3: 19.5,
        friction_deg: 32.0,
        cohesion_kpa: 8.0,
        water_unit_weight_kn_per_m3: 9.81,
    };
    let mut water = WaterTable::new(2.0, 0.1, 24.0, 0.8, 0.1);
    c.bench_function("landslide/point_tick", |b| {
        b.iter(|| {
            water.step(black_box(5.0), 1.0 / 60.0);
            soil.factor_of_safety(water.ratio())
        })
    });
    let rain: Vec<f32> = (0..14_400).map(|i| if i % 7 == 0 { 0.3 } else { 0.05 }).collect();
    c.bench_function("landslide/caine_10_days_of_minutes", |b| {
        b.iter(|| IntensityDuration::CAINE_1980.worst_window(black_box(&rain), 1.0 / 60.0))
    });
}

criterion_group!(benches, landslide);
criterion_main!(benches);

//! Fire model speed: the Rothermel point calculation, and minimum-travel-time spread over a
//! uniform grid. Run: `cargo bench -p sim --bench fire`.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use sim::hazard::fire::behaviour::{FireInputs, Wind, behaviour};
use sim::hazard::fire::fuel_models::fuel_model;
use sim::hazard::fire::rothermel::Moisture;
use sim::hazard::fire::{Fire, FireWeather};
use sim::map::{LandCover, TerrainGrid};
use sim::scenario::FireSpec;

fn point(c: &mut Criterion) {
    let fm = fuel_model("GS4").expect("GS4");
    let inputs = FireInputs {
        moisture: Moisture::percent(6.0, 7.0, 8.0, 60.0, 90.0),
        wind: Wind::Midflame(2.2352),
        slope_percent: 30.0,
        wind_to_from_upslope_deg: 0.0,
        wind_limit: false,
    };
    c.bench_function("fire/rothermel_point_gs4", |b| b.iter(|| behaviour(std::hint::black_box(&fm), &inputs)));
}

/// Burns a square grass grid from its centre with a 6 m/s wind until the fire reaches the edge.
fn spread(c: &mut Criterion) {
    let mut group = c.benchmark_group("fire/spread");
    group.sample_size(10);
    for n in [128usize, 256, 512] {
        let grid = TerrainGrid {
            cols: n,
            rows: n,
            cell_size_m: 75.0,
            elevation_m: vec![1000.0; n * n],
            slope_deg: vec![0.0; n * n],
            landcover: vec![LandCover::Grass; n * n],
        };
        let spec = FireSpec {
            ignitions: Vec::new(),
            fuel_moisture_percent: 4.0,
            fuel_models: Default::default(),
            moisture: Vec::new(),
        };
        let w = FireWeather { wind_m_per_s: 6.0, wind_from_deg: 225.0, humidity_percent: 20.0, rain_mm_per_h: 0.0 };
        let burn = || {
            let mut f = Fire::new(&grid, &spec, 1);
            f.step(&grid, 0.0, w);
            f.ignite(grid.index(n / 2, n / 2));
            let mut ticks = 0;
            while f.is_active() && ticks < 100_000 {
                f.step(&grid, 1.0, w);
                ticks += 1;
            }
            (f.area_ha(), ticks)
        };
        let (area, ticks) = burn();
        eprintln!(
            "{n}x{n}: {:.0} % of the grid burned in {ticks} one-minute steps",
            100.0 * area / (n * n) as f64 / 0.5625
        );
        group.bench_with_input(BenchmarkId::from_parameter(format!("{n}x{n}")), &n, |b, _| b.iter(burn));
    }
    group.finish();
}

criterion_group!(benches, point, spread);
criterion_main!(benches);

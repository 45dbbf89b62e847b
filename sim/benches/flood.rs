//! Flood solver speed: one local inertial step on a fully wet n × n grid (1 m of water over a
//! gently tilted, undulating bed, open edges), n = 256 … 2048. Throughput is in cell updates.
//! Run: `cargo bench -p sim --bench flood`.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use sim::hazard::flood::solver::{Solver, SolverConfig};

fn wet_grid(n: usize) -> Solver {
    let bed: Vec<f32> = (0..n * n)
        .map(|i| {
            let (c, r) = ((i % n) as f32, (i / n) as f32);
            0.001 * 10.0 * (c + r) + 0.2 * (c * 0.05).sin() * (r * 0.07).cos()
        })
        .collect();
    let mut s = Solver::new(n, n, 10.0, &bed, SolverConfig::default());
    // 1 m everywhere: the first step marks every row wet.
    for cell in 0..n * n {
        s.set_depth(cell, 1.0);
    }
    s.advance(60.0);
    s
}

fn steps(c: &mut Criterion) {
    let mut group = c.benchmark_group("flood_step");
    group.sample_size(10);
    for n in [256usize, 512, 1024, 2048] {
        let mut s = wet_grid(n);
        group.throughput(Throughput::Elements((n * n) as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, _| {
            b.iter(|| {
                let dt = s.stable_dt();
                s.step(dt);
            })
        });
    }
    group.finish();
}

criterion_group!(benches, steps);
criterion_main!(benches);

//! Flood model checks against known answers: the flat-plane analytic wave, a pond settling at
//! its sill, closed-basin volume balance, sandbags, and the world's flood conserving mass.

use super::solver::{Solver, SolverConfig};
use super::*;
use crate::testkit::TestMap;

fn closed(n: f32) -> SolverConfig {
    SolverConfig { manning_n: n, open_edges: false, ..SolverConfig::default() }
}

/// Hunter et al. (2005) / Bates et al. (2010) test on 40 m cells: water enters a flat frictional plane at
/// constant speed u; h(x, t) = [(7/3) n² u² (u t − x)]^(3/7) behind the front x = u t.
#[test]
fn flat_plane_matches_the_analytic_wave() {
    let (n, u, dx) = (0.01f64, 0.4f64, 40.0f64);
    let cols = 75;
    let mut s = Solver::new(cols, 1, dx, &vec![0.0; cols], closed(n as f32));
    let analytic = |x: f64, t: f64| ((7.0 / 3.0) * n * n * u * u * (u * t - x)).max(0.0).powf(3.0 / 7.0);
    while s.time_s < 3600.0 - 1e-9 {
        let dt = s.stable_dt().min(3600.0 - s.time_s).max(1e-3);
        s.set_depth(0, analytic(0.0, s.time_s + 0.5 * dt) as f32);
        s.step(dt);
    }
    s.set_depth(0, analytic(0.0, 3600.0) as f32);
    for (x, want) in [(0.0, 0.2857), (360.0, 0.2526), (720.0, 0.2123), (1080.0, 0.1577)] {
        let got = s.depth()[(x / dx) as usize] as f64;
        eprintln!("h({x}) = {got:.4}, analytic {want}");
        assert!((got - want).abs() <= 0.03 * want, "h({x}) = {got}, analytic {want}");
    }
    let front = s.depth().iter().rposition(|&h| h > solver::H_FLOW).unwrap() as f64 * dx;
    assert!((front - 1440.0).abs() <= (0.05 * 1440.0f64).max(2.0 * dx), "front at {front} m");
}

/// A pond behind a sill 1 m above its floor overflows while fed, then drains to the sill and
/// stays there: never higher, never lower.
#[test]
fn a_pond_fills_to_its_sill_and_no_higher() {
    let (cols, rows, dx) = (30, 3, 10.0);
    let mut bed = vec![5.0f32; cols * rows];
    for c in 5..15 {
        bed[cols + c] = 0.0;
    }
    bed[cols + 15] = 1.0;
    for c in 16..cols {
        bed[cols + c] = 0.9 - 0.1 * (c - 16) as f32;
    }
    let mut s = Solver::new(cols, rows, dx, &bed, SolverConfig { manning_n: 0.03, ..SolverConfig::default() });
    s.set_inflows(&[(cols + 8, 2.0)]);
    s.advance(3600.0);
    let level = |s: &Solver| (5..15).map(|c| s.depth()[cols + c]).fold(0.0f32, f32::max);
    assert!(level(&s) > 1.0, "fed pond overflows its sill, {}", level(&s));
    s.set_inflows(&[]);
    for _ in 0..12 {
        s.advance(1800.0);
        assert!(level(&s) <= 1.0 + 0.05, "{}", level(&s));
    }
    let l = level(&s);
    assert!((1.0..=1.0 + 2.0 * solver::H_FLOW).contains(&l), "settles at the sill, {l}");
    assert!(s.volume_out_m3 > 0.0);
    // Open domain, hours of trickle over the sill: f32 depth rounding stays within 1e-5.
    let balance = s.volume_inflow_m3 - s.volume_out_m3 - s.stored_m3();
    assert!(balance.abs() < 1e-5 * s.volume_inflow_m3, "{balance}");
}

/// Closed basin with walls, rain, an inflow and a pump: stored + out = rain + inflow to 1e-6.
#[test]
fn a_closed_basin_conserves_volume() {
    let (cols, rows, dx) = (40, 40, 20.0);
    let mut bed = Vec::new();
    for r in 0..rows {
        for c in 0..cols {
            let (x, y) = (c as f32 - 20.0, r as f32 - 20.0);
            bed.push(if (c, r) == (5, 30) || (c == 30 && r < 10) {
                f32::NAN
            } else {
                0.002 * (x * x + y * y) + 0.05 * x
            });
        }
    }
    let mut s = Solver::new(cols, rows, dx, &bed, closed(0.03));
    let rain = vec![30.0 / 1000.0 / 3600.0; cols * rows];
    s.set_source(&rain);
    s.set_inflows(&[(3 * cols + 3, 5.0)]);
    s.set_pumps(&[(20 * cols + 20, 0.5)]);
    s.advance(3600.0);
    s.set_source(&vec![0.0; cols * rows]);
    s.set_inflows(&[]);
    s.advance(3600.0);
    let walls = 11.0;
    let rain_m3 = 0.030 * (cols * rows) as f64 * dx * dx - 0.030 * walls * dx * dx;
    assert!((s.volume_rain_m3 - rain_m3).abs() < 1e-6 * rain_m3, "walls take no rain: {}", s.volume_rain_m3);
    assert!(s.volume_pumped_m3 > 0.0 && s.volume_out_m3 == 0.0);
    let input = s.volume_rain_m3 + s.volume_inflow_m3;
    let balance = input - s.stored_m3() - s.volume_out_m3 - s.volume_pumped_m3;
    assert!(balance.abs() < 1e-6 * input, "balance off by {balance} of {input}");
    assert!(s.depth().iter().all(|h| h.is_finite() && *h >= 0.0));
    assert_eq!(s.depth()[30 * cols + 5], 0.0, "a wall stays dry");
}

/// A sandbag ring 1 m high keeps rising water out until the water tops it.
#[test]
fn sandbags_hold_until_overtopped() {
    let (cols, rows, dx) = (20, 20, 10.0);
    let mut s = Solver::new(cols, rows, dx, &vec![0.0; cols * rows], closed(0.03));
    let ring: Vec<usize> = (9..=11).flat_map(|r| (9..=11).map(move |c| r * cols + c)).collect();
    s.raise_barrier(&ring, 1.0);
    // Rain on everything but the ring raises the water around it evenly (no waves).
    let rain: Vec<f32> = (0..cols * rows).map(|c| if ring.contains(&c) { 0.0 } else { 1.0 / 3600.0 }).collect();
    s.set_source(&rain);
    let centre = 10 * cols + 10;
    while s.depth()[0] < 0.95 {
        s.advance(60.0);
        assert_eq!(s.depth()[centre], 0.0, "dry behind the bags at {} m outside", s.depth()[0]);
    }
    while s.depth()[0] < 1.2 {
        s.advance(60.0);
    }
    s.advance(600.0);
    assert!(s.depth()[centre] > 0.1, "overtopped: {}", s.depth()[centre]);
}

#[test]
fn the_world_flood_conserves_mass_and_floods_the_valley_floor_first() {
    // A V across x (8 m a cell), sloping down towards row 0 (3 m a row).
    let g = TestMap::valley().size(21, 40).floor(1000.0, 3.0).sides(8.0, 0.0).cover(LandCover::Grass).build().grid;
    let mut f = Flood::new(&g, 60.0);
    let inflow_cell = g.index(10, 39);
    assert!(f.is_channel(g.index(10, 20)));
    for _ in 0..120 {
        f.step(60.0, 60.0, 1.0, &[(inflow_cell, 400.0 * 60.0)]);
    }
    let balance = f.input_m3 - f.outflow_m3 - f.stored_m3();
    assert!(balance.abs() < 1e-6 * f.input_m3, "mass balance off by {balance}");
    assert!(f.outflow_m3 > 0.0);
    let floor = f.depth_m[g.index(10, 20)];
    let bank = f.depth_m[g.index(11, 20)];
    let ridge = f.depth_m[g.index(0, 20)];
    assert!(f.channel_depth_m[g.index(10, 20)] > 1.0, "gauge {}", f.channel_depth_m[g.index(10, 20)]);
    assert!(floor > 0.3, "valley floor depth {floor}");
    // The bank counts only water above the river's bed belt; the ridge keeps a rain film.
    assert!(floor > bank && ridge < 0.01, "{floor} {bank} {ridge}");
    assert!(f.hazard_rating(g.index(10, 20)) > 0.75);
    assert!(f.velocity_m_per_s(g.index(10, 20)) > 0.1);
}

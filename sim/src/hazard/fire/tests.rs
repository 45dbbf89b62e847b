//! Unit tests of the fire on the grid: arrival times against d/R0, the wind-driven shape, firebreaks,
//! direct attack, road closure, determinism and slope, fuel overrides and the moisture schedule.

use super::*;
use crate::scenario::FireSpec;

fn flat(cols: usize, rows: usize, lc: LandCover) -> TerrainGrid {
    TerrainGrid {
        cols,
        rows,
        cell_size_m: 75.0,
        elevation_m: vec![1000.0; cols * rows],
        slope_deg: vec![0.0; cols * rows],
        landcover: vec![lc; cols * rows],
    }
}

fn spec(moisture: f64) -> FireSpec {
    FireSpec {
        ignitions: Vec::new(),
        fuel_moisture_percent: moisture,
        fuel_models: Default::default(),
        moisture: Vec::new(),
    }
}

/// High-load dry shrub (SH5) instead of the default grass-shrub: hot and fast enough to test with.
fn hot_shrub(moisture: f64) -> FireSpec {
    let mut s = spec(moisture);
    s.fuel_models.insert("Shrub".into(), "SH5".into());
    s
}

fn calm() -> FireWeather {
    FireWeather { wind_m_per_s: 0.0, wind_from_deg: 0.0, humidity_percent: 30.0, rain_mm_per_h: 0.0 }
}

/// Runs until `until_min`, in 10-minute steps.
fn burn(f: &mut Fire, g: &TerrainGrid, until_min: f64, w: FireWeather) {
    while f.t_min < until_min - 1e-9 {
        f.step(g, 10.0f64.min(until_min - f.t_min), w);
    }
}

#[test]
fn calm_flat_arrival_is_distance_over_r0_in_every_direction() {
    let g = flat(121, 121, LandCover::Grass);
    let mut f = Fire::with_noise(&g, &spec(6.0), 1, 0.0);
    let centre = g.index(60, 60);
    f.step(&g, 0.0, calm());
    assert!(f.ignite(centre));
    let r0 = f.behaviours.get(centre).unwrap().head_m_per_min;
    burn(&mut f, &g, 60.0 * 75.0 / r0, calm());
    let mut worst: f64 = 0.0;
    for cell in 0..g.len() {
        let (dc, dr) = ((cell % 121) as f64 - 60.0, (cell / 121) as f64 - 60.0);
        let d = dc.hypot(dr) * 75.0;
        if !(20.0 * 75.0..=55.0 * 75.0).contains(&d) {
            continue;
        }
        let t = f.arrival_min(cell).expect("reached");
        worst = worst.max((t / (d / r0) - 1.0).abs());
    }
    eprintln!("worst arrival-time error {:.2} %", worst * 100.0);
    assert!(worst < 0.03, "worst arrival-time error {:.2} %", worst * 100.0);
}

#[test]
fn wind_driven_shape_has_the_model_length_to_width() {
    let (cols, rows) = (241, 121);
    let g = flat(cols, rows, LandCover::Grass);
    let mut f = Fire::with_noise(&g, &spec(6.0), 1, 0.0);
    let w = FireWeather { wind_m_per_s: 10.0, wind_from_deg: 270.0, ..calm() }; // blowing east
    let origin = g.index(30, 60);
    f.step(&g, 0.0, w);
    f.ignite(origin);
    let s = f.behaviours.get(origin).unwrap();
    let model_lw = 1.0 / (1.0 - s.eccentricity * s.eccentricity).sqrt();
    assert!(model_lw > 1.8, "{model_lw}");
    burn(&mut f, &g, 190.0 * 75.0 / s.head_m_per_min, w);
    let burned: Vec<usize> = (0..g.len()).filter(|&c| f.state[c] != CellFire::Unburned).collect();
    let xs = burned.iter().map(|&c| (c % cols) as f64);
    let ys = burned.iter().map(|&c| (c / cols) as f64);
    let length = xs.clone().fold(f64::MIN, f64::max) - xs.fold(f64::MAX, f64::min) + 1.0;
    let width = ys.clone().fold(f64::MIN, f64::max) - ys.fold(f64::MAX, f64::min) + 1.0;
    eprintln!("grid L/W {:.3}, model {model_lw:.3}", length / width);
    assert!(((length / width) / model_lw - 1.0).abs() < 0.10, "grid L/W {:.3}, model {model_lw:.3}", length / width);
}

#[test]
fn a_firebreak_stops_the_front_and_the_fire_burns_out() {
    let g = flat(41, 41, LandCover::Shrub);
    let mut f = Fire::new(&g, &hot_shrub(6.0), 1);
    for r in 0..41 {
        f.remove_fuel(g.index(25, r));
    }
    f.step(&g, 0.0, calm());
    f.ignite(g.index(20, 20));
    let w = FireWeather { wind_m_per_s: 8.0, wind_from_deg: 270.0, ..calm() };
    while f.is_active() && f.t_min < 20_000.0 {
        f.step(&g, 10.0, w);
    }
    assert!((26..41).all(|c| (0..41).all(|r| f.state[g.index(c, r)] == CellFire::Unburned)));
    assert_eq!(f.state[g.index(24, 20)], CellFire::Burned);
    assert!(!f.is_active(), "burns out");
}

#[test]
fn direct_attack_only_below_the_crew_flame_limit() {
    let g = flat(61, 61, LandCover::Shrub);
    let mut f = Fire::with_noise(&g, &hot_shrub(4.0), 1, 0.0);
    let w = FireWeather { wind_m_per_s: 12.0, wind_from_deg: 270.0, ..calm() };
    f.step(&g, 0.0, w);
    f.ignite(g.index(20, 30));
    burn(&mut f, &g, 150.0, w);
    let burning: Vec<usize> = f.burning_cells().iter().map(|&c| c as usize).collect();
    let hot = burning
        .iter()
        .copied()
        .find(|&c| f.flame_length_m(c) > ENGINE_FLAME_M)
        .expect("a head fire hotter than engines handle");
    let mild = burning
        .iter()
        .copied()
        .find(|&c| f.flame_length_m(c) <= HAND_CREW_FLAME_M)
        .expect("a backing fire crews can attack");
    assert!(!f.attack(hot, ENGINE_FLAME_M));
    assert!(f.attack(mild, HAND_CREW_FLAME_M));
    assert_eq!((f.state[hot], f.state[mild]), (CellFire::Burning, CellFire::Burned));
    f.replan_after_suppression();
    burn(&mut f, &g, 160.0, w);
}

#[test]
fn burned_cells_close_roads_for_a_while() {
    let g = flat(21, 21, LandCover::Grass);
    let mut f = Fire::new(&g, &spec(6.0), 1);
    f.step(&g, 0.0, calm());
    let c = g.index(10, 10);
    f.ignite(c);
    assert!(f.closes_road(c));
    let out = f.burn_until_min[c] as f64;
    burn(&mut f, &g, out + 60.0, calm());
    assert_eq!(f.state[c], CellFire::Burned);
    assert!(f.closes_road(c));
    burn(&mut f, &g, out + ROAD_CLOSED_AFTER_MIN + 10.0, calm());
    assert!(!f.closes_road(c));
}

#[test]
fn same_seed_same_fire_and_slopes_speed_it_uphill() {
    let mut g = flat(40, 40, LandCover::Shrub);
    for c in 0..g.len() {
        g.elevation_m[c] = 1000.0 + 30.0 * (c / 40) as f32; // rising to the north, 40 % slope
    }
    let run = |seed| {
        let mut f = Fire::new(&g, &hot_shrub(5.0), seed);
        f.step(&g, 0.0, calm());
        f.ignite(g.index(20, 20));
        burn(&mut f, &g, 300.0, calm());
        f
    };
    let (a, b) = (run(42), run(42));
    assert_eq!(a.state, b.state);
    assert_eq!(a.front.arrival_min, b.front.arrival_min);
    let north = (21..40).take_while(|&r| a.state[g.index(20, r)] != CellFire::Unburned).count();
    let south = (0..20).rev().take_while(|&r| a.state[g.index(20, r)] != CellFire::Unburned).count();
    assert!(north > 2 * south.max(1), "north {north} south {south}");
    assert_ne!(run(1).front.arrival_min, run(2).front.arrival_min, "seeded moisture varies");
}

#[test]
fn scenario_fuel_overrides_and_moisture_schedule() {
    let g = flat(10, 10, LandCover::Forest);
    let mut s = spec(6.0);
    s.fuel_models.insert("Forest".into(), "NB9".into());
    let f = Fire::new(&g, &s, 1);
    assert!(f.state.iter().all(|&c| c == CellFire::NoFuel));
    let mut s = spec(6.0);
    s.moisture = vec![
        crate::scenario::FuelMoisturePoint { at_min: 0.0, m1h: 5.0, m10h: 6.0, m100h: 7.0, mherb: 60.0, mwoody: 90.0 },
        crate::scenario::FuelMoisturePoint {
            at_min: 60.0,
            m1h: 30.0,
            m10h: 30.0,
            m100h: 30.0,
            mherb: 200.0,
            mwoody: 200.0,
        },
    ];
    let f = Fire::new(&g, &s, 1);
    assert_eq!(f.moisture_at(30.0, &calm()).d1h, 0.05);
    assert_eq!(f.moisture_at(90.0, &calm()).d1h, 0.30);
}

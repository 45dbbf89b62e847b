//! The shipped scenarios on the shipped map, with a scripted responder: each plays to its end,
//! its hazard shows up, the response changes the outcome, and the same seed and orders give the
//! same drill bit for bit.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use sim::map::load_map;
use sim::scenario::load_scenario_file;
use sim::world::ReportForm;
use sim::{Command, EventKind, Order, Role, World};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn scenarios() -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(root().join("scenarios"))
        .unwrap()
        .map(|f| f.unwrap().file_name().into_string().unwrap())
        .filter(|f| f.ends_with(".ron"))
        .collect();
    files.sort();
    assert!(files.len() >= 4, "expected flood, fire, landslide and county scenarios, found {files:?}");
    files
}

fn world(file: &str, seed: u64) -> World {
    let (scenario, _) = load_scenario_file(&root().join("scenarios").join(file)).expect("scenario loads");
    let map = load_map(&root().join("assets/maps").join(&scenario.map)).expect("map loads");
    World::new(Arc::new(scenario), Arc::new(map), seed).expect("world builds")
}

/// Informants report what they see; the first command post on offer evacuates every village
/// that saw the hazard.
fn play(file: &str, seed: u64, respond: bool) -> World {
    let mut w = world(file, seed);
    let command = w.roles().into_iter().find(|r| matches!(r, Role::Command(_)));
    while !w.is_finished() {
        let events = w.step().to_vec();
        if !respond {
            continue;
        }
        for e in events {
            if let EventKind::HazardSeen { hazard, village, .. } = e.kind {
                let informant = Role::Informant(village.clone());
                if w.roles().contains(&informant) {
                    let _ = w.apply(&Command {
                        by: String::new(),
                        from: informant,
                        order: Order::Report(ReportForm::initial(&village, hazard, "")),
                    });
                }
                if let Some(c) = &command {
                    let _ = w.apply(&Command::new(c.clone(), Order::Evacuate { village, shelter: None }));
                }
            }
        }
    }
    w
}

#[test]
fn every_scenario_plays_to_its_end_and_its_hazard_is_seen() {
    for file in scenarios() {
        let w = play(&file, 1, true);
        assert!(w.is_finished(), "{file}");
        assert!(matches!(w.events().last().unwrap().kind, EventKind::DrillEnded), "{file}");
        assert!(
            w.events().iter().any(|e| matches!(e.kind, EventKind::HazardSeen { .. })),
            "{file}: nobody saw a hazard"
        );
    }
}

#[test]
fn evacuating_what_is_seen_saves_lives_in_the_flood() {
    let idle = play("flood_valira.ron", 1, false);
    let busy = play("flood_valira.ron", 1, true);
    let dead = |w: &World| w.outcome().iter().map(|v| v.casualties + v.trapped).sum::<u32>();
    assert!(dead(&idle) > 0, "the flood should harm an idle township");
    assert!(dead(&busy) < dead(&idle), "response {} vs none {}", dead(&busy), dead(&idle));
}

#[test]
fn same_seed_same_drill_and_the_seed_matters_for_fire() {
    for file in scenarios() {
        let (a, b) = (play(&file, 5, true), play(&file, 5, true));
        assert_eq!(a.events(), b.events(), "{file}");
        assert_eq!(a.state_hash(), b.state_hash(), "{file}");
    }
    let fires: Vec<String> = scenarios().into_iter().filter(|f| f.starts_with("fire")).collect();
    assert!(!fires.is_empty());
    let (a, b) = (play(&fires[0], 1, false), play(&fires[0], 2, false));
    assert_ne!(a.state_hash(), b.state_hash(), "seeded fuel moisture should differ between seeds");
}

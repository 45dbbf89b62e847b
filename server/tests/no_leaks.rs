//! No seat learns what its role may not: for every shipped scenario, every role and every
//! message of a whole bot drill, a non-controller seat never receives the scenario file, a
//! scripted inject before it was delivered to that role, the hazard inputs (inflows,
//! hydrographs, ignitions) or a hazard cell out of its role's sight. The sight check is
//! recomputed here from what the view itself shows (village and team positions), not by
//! calling the access rules it checks.

use std::path::{Path, PathBuf};

use protocol::ServerMessage;
use sim::map::Xy;
use sim::view::RoleView;
use sim::world::{INFORMANT_SIGHT_M, TEAM_SIGHT_M};
use sim::{EventKind, Role};

use server::drill::DrillSetup;
use server::headless::run_drill_watched;

fn scenarios() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("scenarios/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "ron"))
        .collect();
    files.sort();
    assert!(files.len() >= 4, "the shipped scenarios: {files:?}");
    files
}

fn dist(a: Xy, b: Xy) -> f64 {
    (a[0] - b[0]).hypot(a[1] - b[1])
}

/// Strings of the script that only the controller may read before they happen.
fn secrets(setup: &DrillSetup) -> Vec<String> {
    let s = &setup.scenario;
    let mut out: Vec<String> = Vec::new();
    if let Some(f) = &s.hazards.flood {
        out.extend(f.inflows.iter().map(|i| i.name.clone()));
        out.push("hydrograph".into());
    }
    if let Some(f) = &s.hazards.fire {
        out.extend(f.ignitions.iter().map(|i| i.cause.clone()).filter(|c| c.chars().count() >= 3));
        out.push("ignitions".into());
    }
    out.push("injects".into());
    // The file itself: any long line of it.
    out.extend(setup.scenario_text.lines().map(str::trim).filter(|l| l.chars().count() >= 60).map(str::to_string));
    out
}

/// Every hazard cell in a view lies within sight of a place the view itself shows the role
/// sees from: its village, its teams, the villages that reported to it.
fn cells_in_sight(view: &RoleView, cols: usize, cell_m: f64) -> Result<(), String> {
    let village_pos = |name: &str| view.villages.iter().find(|v| v.name == name).map(|v| v.pos);
    let mut from: Vec<(Xy, f64)> = view.teams.iter().map(|t| (t.pos, TEAM_SIGHT_M)).collect();
    match &view.role {
        Role::Informant(v) => from.extend(village_pos(v).map(|p| (p, INFORMANT_SIGHT_M))),
        // A team sees from where it is (the caller keeps only its own entry).
        Role::Team(_) => {}
        _ => from.extend(view.reports.iter().filter_map(|r| village_pos(&r.village)).map(|p| (p, INFORMANT_SIGHT_M))),
    }
    for h in &view.hazard {
        let (c, r) = (h.cell as usize % cols, h.cell as usize / cols);
        let at = [(c as f64 + 0.5) * cell_m, (r as f64 + 0.5) * cell_m];
        if !from.iter().any(|&(p, radius)| dist(p, at) <= radius + 1e-6) {
            return Err(format!("cell {} ({:?}) at t {} s is out of {}'s sight", h.cell, h.kind, view.t_s, view.role));
        }
    }
    Ok(())
}

#[test]
fn no_seat_receives_what_its_role_may_not_know() {
    for path in scenarios() {
        let setup = DrillSetup::load(&path, None).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let secrets = secrets(&setup);
        let injects: Vec<String> = setup.scenario.injects.iter().map(|i| i.message.clone()).collect();
        let (cols, cell_m) = (setup.map.grid.cols, setup.map.grid.cell_size_m);
        let dir = std::env::temp_dir().join(format!("sandtable-leaks-{}-{}", std::process::id(), setup.stem()));
        let mut checked = 0u64;
        let mut problems: Vec<String> = Vec::new();
        let watch = |host: &server::host::Host, role: &Role, out: &server::host::Outgoing| {
            if *role == Role::Controller || problems.len() > 10 {
                return;
            }
            checked += 1;
            let text = String::from_utf8_lossy(&out.bytes);
            for s in &secrets {
                if text.contains(s.as_str()) {
                    problems.push(format!("{}: {role} received `{s}`", path.display()));
                }
            }
            // An inject's text only once it was delivered to this role.
            let delivered = |m: &str| {
                host.drill().world().events().iter().any(
                    |e| matches!(&e.kind, EventKind::InjectDelivered { to, message } if to == role && message == m),
                )
            };
            for m in injects.iter().filter(|m| text.contains(m.as_str()) && !delivered(m)) {
                problems.push(format!("{}: {role} received inject `{m}` before it was delivered", path.display()));
            }
            match protocol::decode::<ServerMessage>(&out.bytes) {
                Ok(ServerMessage::Static(data)) => {
                    if data.controller.is_some() {
                        problems.push(format!("{}: {role} received the script", path.display()));
                    }
                    if data.briefing.role != *role {
                        problems.push(format!(
                            "{}: {role} received the briefing of {}",
                            path.display(),
                            data.briefing.role
                        ));
                    }
                }
                Ok(ServerMessage::View(view)) => {
                    if view.role != *role {
                        problems.push(format!("{}: {role} received the view of {}", path.display(), view.role));
                    }
                    let own_team = |name: &str| {
                        let mut v = (*view).clone();
                        v.teams.retain(|t| t.name == name);
                        v
                    };
                    let checked_view = match role {
                        Role::Team(name) => own_team(name),
                        _ => (*view).clone(),
                    };
                    if let Err(e) = cells_in_sight(&checked_view, cols, cell_m) {
                        problems.push(format!("{}: {e}", path.display()));
                    }
                }
                Ok(ServerMessage::Events(events)) => {
                    for e in &events {
                        if let EventKind::InjectDelivered { to, .. } = &e.kind
                            && to != role
                        {
                            problems.push(format!("{}: {role} was told of an inject to {to}", path.display()));
                        }
                    }
                }
                Ok(_) => {}
                Err(e) => problems.push(format!("{}: undecodable message to {role}: {e}", path.display())),
            }
        };
        run_drill_watched(setup, &dir, |_, _| {}, watch).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let _ = std::fs::remove_dir_all(&dir);
        assert!(problems.is_empty(), "{}", problems.join("\n"));
        assert!(checked > 100, "{}: only {checked} messages to trainees", path.display());
    }
}

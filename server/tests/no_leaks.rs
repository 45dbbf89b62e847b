//! No seat learns what its role may not: for every shipped scenario, every role and every
//! message of a whole bot drill, a non-controller seat never receives the scenario file, a
//! scripted inject before it was delivered to that role, the hazard inputs (inflows,
//! hydrographs, ignitions), a hazard cell or a gauge out of its role's sight. The sight is
//! recomputed here from the scenario and what the view itself shows (village and team
//! positions, reports), not by calling the access rules it checks.

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

/// Where a role sees from, worked out here from the scenario's teams, the view's own villages,
/// teams and reports, and the townships that reported up: an informant from its village; a team
/// from where it is; a command post from its own teams and the villages in its care that
/// reported; the county from its own teams and the villages of townships that reported up.
fn sight_of(view: &RoleView, teams: &[(String, Option<String>)], reported_up: &[Role]) -> Vec<(Xy, f64)> {
    let village = |name: &str| view.villages.iter().find(|v| v.name == name);
    let team_township = |name: &str| teams.iter().find(|(n, _)| n == name).and_then(|(_, t)| t.clone());
    let teams_where = |keep: &dyn Fn(&str) -> bool| -> Vec<(Xy, f64)> {
        view.teams.iter().filter(|t| keep(&t.name)).map(|t| (t.pos, TEAM_SIGHT_M)).collect()
    };
    let reported_from = |keep: &dyn Fn(Option<&str>) -> bool| -> Vec<(Xy, f64)> {
        view.reports
            .iter()
            .filter_map(|r| village(&r.village))
            .filter(|v| keep(v.township.as_deref()))
            .map(|v| (v.pos, INFORMANT_SIGHT_M))
            .collect()
    };
    match &view.role {
        Role::Controller => Vec::new(),
        Role::Informant(v) => village(v).map(|v| vec![(v.pos, INFORMANT_SIGHT_M)]).unwrap_or_default(),
        Role::Team(name) => teams_where(&|t| t == name),
        Role::Command(township) => {
            let mine = |t: Option<&str>| township.is_none() || t == township.as_deref();
            let mut from = teams_where(&|t| mine(team_township(t).as_deref()));
            from.extend(reported_from(&mine));
            from
        }
        Role::County => {
            let mut from = teams_where(&|t| team_township(t).is_none());
            from.extend(reported_from(&|t| {
                reported_up.iter().any(|up| {
                    matches!(up, Role::Command(None)) || matches!(up, Role::Command(Some(x)) if Some(x.as_str()) == t)
                })
            }));
            from
        }
    }
}

/// Every hazard cell and every gauge (for informants and teams, who have no gauge network) in a
/// view lies within sight.
fn in_sight(view: &RoleView, from: &[(Xy, f64)], cols: usize, cell_m: f64) -> Result<(), String> {
    let seen = |at: Xy| from.iter().any(|&(p, radius)| dist(p, at) <= radius + 1e-6);
    for h in &view.hazard {
        let (c, r) = (h.cell as usize % cols, h.cell as usize / cols);
        if !seen([(c as f64 + 0.5) * cell_m, (r as f64 + 0.5) * cell_m]) {
            return Err(format!("cell {} ({:?}) at t {} s is out of {}'s sight", h.cell, h.kind, view.t_s, view.role));
        }
    }
    if matches!(view.role, Role::Informant(_) | Role::Team(_))
        && let Some(g) = view.gauges.iter().find(|g| !seen(g.pos))
    {
        return Err(format!("gauge {} at t {} s is out of {}'s sight", g.name, view.t_s, view.role));
    }
    Ok(())
}

/// Fields of the script that no message to a trainee may carry, whatever its type becomes.
const SCRIPT_FIELDS: [&str; 6] =
    ["\"ignitions\"", "\"hydrograph\"", "\"inflows\"", "\"injects\"", "\"scenario_ron\"", "\"seed\""];

#[test]
fn no_seat_receives_what_its_role_may_not_know() {
    for path in scenarios() {
        let setup = DrillSetup::load(&path, None).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let secrets = secrets(&setup);
        let injects: Vec<String> = setup.scenario.injects.iter().map(|i| i.message.clone()).collect();
        let (cols, cell_m) = (setup.map.grid.cols, setup.map.grid.cell_size_m);
        let teams: Vec<(String, Option<String>)> =
            setup.scenario.teams.iter().map(|t| (t.name.clone(), t.township.clone())).collect();
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
            let decoded = protocol::decode::<ServerMessage>(&out.bytes);
            // Whatever the message's type, none of the script's fields is in it.
            if let Ok(msg) = &decoded {
                let json = serde_json::to_string(msg).unwrap_or_default();
                for field in SCRIPT_FIELDS.iter().filter(|f| json.contains(**f)) {
                    problems.push(format!("{}: {role} received a message with {field}", path.display()));
                }
            }
            match decoded {
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
                    let reported_up: Vec<Role> = host
                        .drill()
                        .world()
                        .events()
                        .iter()
                        .filter_map(|e| match &e.kind {
                            EventKind::ReportedUp { by, .. } => Some(by.clone()),
                            _ => None,
                        })
                        .collect();
                    let from = sight_of(&view, &teams, &reported_up);
                    if let Err(e) = in_sight(&view, &from, cols, cell_m) {
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

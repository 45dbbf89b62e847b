//! No seat learns what its role may not: for every shipped scenario, every role and every
//! message of a whole bot drill (and the observer and projector seats, below), a non-controller seat never receives the scenario file, a
//! scripted inject before it was delivered to that role, the truth behind a report or which
//! reports are planted false, the hazard inputs (inflows,
//! hydrographs, ignitions), a hazard cell or a gauge out of its role's sight. The sight is
//! recomputed here from the scenario and what the view itself shows (village and team
//! positions, reports), not by calling the access rules it checks.

use std::path::{Path, PathBuf};

use protocol::ServerMessage;
use sim::map::Xy;
use sim::view::RoleView;
use sim::world::{INFORMANT_SIGHT_M, SupportKind, TEAM_SIGHT_M};
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
fn sight_of(
    view: &RoleView,
    teams: &[(String, Option<String>)],
    reported_up: &[Role],
    lent_county_teams: &[Role],
) -> Vec<(Xy, f64)> {
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
            // County teams come under a post once the county approved its request for teams.
            let lent = lent_county_teams.contains(&view.role);
            let mut from = teams_where(&|t| {
                let of = team_township(t);
                mine(of.as_deref()) || lent && of.is_none()
            });
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
        // What each seat has seen: a view carries only recent reports, the seat keeps the rest
        // (and sees around every village that ever reported to it).
        let mut seen: std::collections::BTreeMap<Role, RoleView> = std::collections::BTreeMap::new();
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
                    match &data.briefing {
                        Some(b) if b.role == *role => {}
                        Some(b) => {
                            problems.push(format!("{}: {role} received the briefing of {}", path.display(), b.role))
                        }
                        None => problems.push(format!("{}: {role} received no briefing", path.display())),
                    }
                    if data.public.is_some() {
                        problems.push(format!("{}: {role} received the public seats' briefing", path.display()));
                    }
                }
                Ok(ServerMessage::View(mut view)) => {
                    if let Some(old) = seen.get(role) {
                        view.merge_history(old);
                    }
                    seen.insert(role.clone(), (*view).clone());
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
                    let events = host.drill().world().events();
                    let lent: Vec<Role> = events
                        .iter()
                        .filter_map(|e| match &e.kind {
                            EventKind::SupportRequested { id, kind: SupportKind::Teams, by } => events
                                .iter()
                                .any(|d| {
                                    matches!(&d.kind, EventKind::RequestDecided { id: i, approved: true, .. } if i == id)
                                })
                                .then(|| by.clone()),
                            _ => None,
                        })
                        .collect();
                    let from = sight_of(&view, &teams, &reported_up, &lent);
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
                        // The truth behind reports and which reports are false: the controller's alone.
                        if matches!(
                            e.kind,
                            EventKind::ReportTruth { .. }
                                | EventKind::FalseReportPlanted { .. }
                                | EventKind::ReportUpTruth { .. }
                        ) {
                            problems.push(format!("{}: {role} was told the truth of a report", path.display()));
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

/// The public seats: an observer and the projector sit through a whole bot drill of every
/// shipped scenario. They get the public briefing, never a role's briefing or the script; the
/// public situation only holds reports that were filed and levels that were activated, and no
/// inject text, hazard cell, gauge or script field. Halfway the controller (a person) shows
/// observers the command post: from then on the observer gets that role's view and events and
/// nothing of any other role, while the projector stays on the public situation.
#[test]
fn the_observer_and_projector_seats_receive_the_public_situation_and_nothing_secret() {
    use server::bots::local::LocalBots;
    use server::drill::{Drill, Record};
    use server::host::{ConnId, Host, HostOptions, Peer};
    use std::time::Duration;

    const OBSERVER: ConnId = ConnId::Net(9001);
    const PROJECTOR: ConnId = ConnId::Net(9002);
    const CONTROLLER: ConnId = ConnId::Net(9003);
    let hello = |seat: protocol::Seat, name: &str| {
        protocol::encode(&protocol::ClientMessage::Hello {
            protocol: protocol::PROTOCOL_VERSION,
            seat,
            player: name.into(),
        })
    };
    for path in scenarios() {
        let setup = DrillSetup::load(&path, None).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let secrets = secrets(&setup);
        let injects: Vec<String> = setup.scenario.injects.iter().map(|i| i.message.clone()).collect();
        let dir = std::env::temp_dir().join(format!("sandtable-public-{}-{}", std::process::id(), setup.stem()));
        let record = Record::create(&dir, &setup, "run").unwrap();
        let mut host = Host::new(Drill::new(setup, record).unwrap(), HostOptions::default()).unwrap();
        let roles = host.drill().roles().to_vec();
        let mut bots = LocalBots::spawn(&mut host, &roles, None);
        let now = Duration::ZERO;
        host.connect(OBSERVER, Peer::Human);
        host.connect(PROJECTOR, Peer::Human);
        host.connect(CONTROLLER, Peer::Human);
        host.receive(OBSERVER, &hello(protocol::Seat::Observer, "观摩"), now);
        host.receive(PROJECTOR, &hello(protocol::Seat::Projector, "大屏"), now);
        host.drill_mut().set_running(true);
        let shown = roles.iter().find(|r| matches!(r, Role::Command(_))).cloned().expect("a command post");
        let half = host.drill().world().duration_s() / 2;
        let mut showing = false;
        let mut problems: Vec<String> = Vec::new();
        let mut counts = [0u32; 4]; // static, public, views to the observer, controller joined
        let mut bases = [protocol::delta::Bases::default(), protocol::delta::Bases::default()];
        let check = |host: &Host,
                     to: ConnId,
                     bytes: &[u8],
                     showing: bool,
                     problems: &mut Vec<String>,
                     counts: &mut [u32; 4]| {
            let seat = if to == OBSERVER { "observer" } else { "projector" };
            let text = String::from_utf8_lossy(bytes);
            for s in secrets.iter().filter(|s| text.contains(s.as_str())) {
                problems.push(format!("{}: {seat} received `{s}`", path.display()));
            }
            let Ok(msg) = protocol::decode::<ServerMessage>(bytes) else {
                return problems.push(format!("{}: undecodable message to {seat}", path.display()));
            };
            let json = serde_json::to_string(&msg).unwrap_or_default();
            for field in SCRIPT_FIELDS.iter().filter(|f| json.contains(**f)) {
                problems.push(format!("{}: {seat} received a message with {field}", path.display()));
            }
            let events = host.drill().world().events();
            let delivered_to_shown = |m: &str| {
                events.iter().any(
                    |e| matches!(&e.kind, EventKind::InjectDelivered { to, message } if *to == shown && message == m),
                )
            };
            for m in injects.iter().filter(|m| json.contains(m.as_str())) {
                if !(to == OBSERVER && showing && delivered_to_shown(m)) {
                    problems.push(format!("{}: {seat} received inject `{m}`", path.display()));
                }
            }
            match msg {
                ServerMessage::Static(d) => {
                    counts[0] += 1;
                    if d.briefing.is_some() || d.controller.is_some() || d.public.is_none() {
                        problems.push(format!("{}: {seat} got a role's static data", path.display()));
                    }
                }
                ServerMessage::Public(p) => {
                    counts[1] += 1;
                    for r in &p.reports {
                        let filed = events.iter().any(|e| matches!(&e.kind, EventKind::ReportFiled { village, hazard, .. } if *village == r.village && *hazard == r.hazard));
                        if !filed {
                            problems.push(format!("{}: {seat} heard of a report never filed: {r:?}", path.display()));
                        }
                    }
                    for (by, level) in &p.levels {
                        let activated = events.iter().any(|e| matches!(&e.kind, EventKind::LevelActivated { level: l, by: b } if l == level && b == by));
                        if !activated {
                            problems.push(format!(
                                "{}: {seat} saw level {level:?} of {by} never activated",
                                path.display()
                            ));
                        }
                    }
                    let closed_known = events.iter().filter(|e| matches!(e.kind, EventKind::RoadClosed { .. })).count();
                    if p.roads_closed as usize > closed_known {
                        problems.push(format!(
                            "{}: {seat} counts {} closed roads, {closed_known} were announced",
                            path.display(),
                            p.roads_closed
                        ));
                    }
                }
                ServerMessage::View(v) => {
                    counts[2] += 1;
                    if to != OBSERVER || !showing || v.role != shown {
                        problems.push(format!("{}: {seat} received the view of {}", path.display(), v.role));
                    }
                }
                ServerMessage::Events(evs) => {
                    if to != OBSERVER || !showing {
                        problems.push(format!("{}: {seat} received events while no role was shown", path.display()));
                    }
                    let mine = sim::access::events_for(&shown, &evs);
                    if mine.len() != evs.len() {
                        problems.push(format!("{}: {seat} received events {shown} is not told", path.display()));
                    }
                }
                ServerMessage::Welcome { .. } | ServerMessage::Score(_) | ServerMessage::Watched(_) => {
                    problems.push(format!("{}: {seat} received a role seat's message", path.display()));
                }
                _ => {}
            }
        };
        loop {
            for _ in 0..16 {
                bots.exchange(&mut host, now);
                host.push_views(|_| true);
                let out = host.take_outgoing();
                if out.is_empty() {
                    break;
                }
                for o in out {
                    if o.to == OBSERVER || o.to == PROJECTOR {
                        // A view delta is checked as the whole message it rebuilds.
                        let bases = if o.to == OBSERVER { &mut bases[0] } else { &mut bases[1] };
                        let bytes = match protocol::decode::<ServerMessage>(&o.bytes) {
                            Ok(ServerMessage::Delta(d)) => match bases.apply(&d) {
                                Ok(whole) => whole,
                                Err(e) => {
                                    problems.push(format!("{}: a view delta did not apply: {e}", path.display()));
                                    continue;
                                }
                            },
                            Ok(m) => {
                                if let Some(kind) = protocol::DeltaKind::of(&m) {
                                    bases.keep(kind, o.bytes.clone());
                                }
                                o.bytes.clone()
                            }
                            Err(_) => o.bytes.clone(),
                        };
                        check(&host, o.to, &bytes, showing, &mut problems, &mut counts);
                    } else if o.to != CONTROLLER {
                        let _ = bots.deliver(o);
                    }
                }
            }
            if host.drill().is_over() || problems.len() > 10 {
                break;
            }
            if !showing && host.drill().world().time_s() >= half {
                // A person takes the controller's seat and shows observers the command post.
                host.receive(CONTROLLER, &hello(protocol::Seat::Role(Role::Controller), "导调"), now);
                let show = protocol::ClientMessage::Control(protocol::Control::ShowObservers(Some(shown.clone())));
                host.receive(CONTROLLER, &protocol::encode(&show), now);
                showing = true;
                counts[3] += 1;
            }
            host.step_fast();
        }
        host.end().unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        assert!(problems.is_empty(), "{}", problems.join("\n"));
        assert_eq!(counts[0], 2, "{}: static data to both public seats", path.display());
        assert!(counts[1] > 2, "{}: the public situation was sent {} times", path.display(), counts[1]);
        assert!(counts[2] > 0 && counts[3] == 1, "{}: the observer never saw the command post", path.display());
    }
}

//! What a role sees of the world now: informants around their village, teams around
//! themselves, the command post what was reported to it and what its teams see, the county
//! what townships reported up, the controller everything.
//!
//! Communications are carried while recent, so a view stays small for the whole drill:
//! messages sent in the last [`RECENT_S`] (at most [`RECENT_MESSAGES`]), reports until they are
//! acknowledged and [`RECENT_S`] past their last change, requests until decided and
//! [`RECENT_S`] past the decision. Clients and bots keep what they saw
//! (`RoleView::merge_history`).

use crate::map::Xy;
use crate::roles::Role;
use crate::scenario::Level;
use crate::view::{
    DepotView, GaugeView, ReportView, RequestView, RoleView, ShelterView, TeamState, TeamView, VillageView,
};
use crate::world::teams::{Activity, JobPlace};
use crate::world::{INFORMANT_SIGHT_M, TEAM_SIGHT_M, World, dist};

use super::{covers_depot, covers_team, covers_village, orders_for};

/// How long, drill seconds, a settled communication stays in views.
pub const RECENT_S: u32 = 3600;
/// The most messages a view carries (the newest).
pub const RECENT_MESSAGES: usize = 100;

/// Points a role sees from: (position, radius).
fn sight_points(world: &World, role: &Role) -> Vec<(Xy, f64)> {
    let villages = &world.people.villages;
    let teams_seen = |pts: &mut Vec<(Xy, f64)>| {
        for (ti, t) in world.teams.list.iter().enumerate() {
            if covers_team(world, role, ti) {
                pts.push((t.pos, TEAM_SIGHT_M));
            }
        }
    };
    match role {
        Role::Controller => Vec::new(),
        Role::Informant(v) => {
            world.people.index(v).map(|i| vec![(villages[i].pos, INFORMANT_SIGHT_M)]).unwrap_or_default()
        }
        Role::Team(_) => {
            let mut pts = Vec::new();
            teams_seen(&mut pts);
            pts
        }
        Role::Command(_) => {
            // Villages that reported see for the command post; so do its own teams (radio). A
            // planted false report connects no one.
            let mut pts: Vec<(Xy, f64)> = world
                .comms
                .reports
                .iter()
                .filter(|r| r.planted.is_none() && covers_village(world, role, r.village))
                .map(|r| (villages[r.village].pos, INFORMANT_SIGHT_M))
                .collect();
            teams_seen(&mut pts);
            pts
        }
        Role::County => {
            // What townships reported up, and the county's own teams.
            let mut pts: Vec<(Xy, f64)> = world
                .comms
                .reports
                .iter()
                .filter(|r| {
                    r.planted.is_none() && world.comms.reported_up.iter().any(|up| covers_village(world, up, r.village))
                })
                .map(|r| (villages[r.village].pos, INFORMANT_SIGHT_M))
                .collect();
            pts.extend(world.teams.list.iter().filter(|t| t.township.is_none()).map(|t| (t.pos, TEAM_SIGHT_M)));
            pts
        }
    }
}

/// The level a role lives under: its own, its township's, or the highest for the controller.
fn level_for(world: &World, role: &Role) -> Option<Level> {
    let levels = &world.plan.levels;
    let township_level = |township: Option<String>| levels.get(&Role::Command(township)).copied();
    match role {
        Role::Command(_) | Role::County => levels.get(role).copied(),
        Role::Controller => levels.values().max().copied(),
        Role::Informant(v) => {
            let township = world.people.index(v).and_then(|i| world.people.villages[i].township.clone());
            township_level(township).or(township_level(None))
        }
        Role::Team(name) => {
            let township = world.teams.list.iter().find(|t| &t.name == name).and_then(|t| t.township.clone());
            match township {
                Some(t) => township_level(Some(t)),
                None => levels.get(&Role::County).copied(),
            }
            .or(township_level(None))
        }
    }
}

/// What `role` may see now. Built on the server and sent to that role only.
pub fn view(world: &World, role: &Role) -> RoleView {
    let all = matches!(role, Role::Controller);
    let sight = sight_points(world, role);
    let grid = &world.map.grid;
    let sees = |p: Xy| all || sight.iter().any(|&(at, r)| dist(at, p) <= r);
    let hazard = world.hazards.truth.iter().filter(|h| sees(grid.cell_centre(h.cell as usize))).copied().collect();
    // Head counts are known to those who have the village in their care (and the county).
    let knows_numbers = |vi: usize| !matches!(role, Role::Team(_)) && covers_village(world, role, vi);
    let villages = world
        .people
        .villages
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let k = knows_numbers(i);
            VillageView {
                name: v.name.clone(),
                name_zh: v.name_zh.clone(),
                pos: v.pos,
                township: v.township.clone(),
                road_node: v.road_node,
                shelter: world.people.shelter_name(v).map(str::to_string),
                population: v.population,
                at_home: k.then_some(v.at_home + v.trapped),
                in_shelter: k.then_some(v.in_shelter),
                casualties: k.then_some(v.casualties),
                warned: v.warned,
                evacuation_ordered: v.evacuation_ordered,
                held: v.held,
                waiting: k.then_some(v.waiting),
            }
        })
        .collect();
    let roads = &world.map.features.roads;
    let name_of = |vi: usize| world.people.villages[vi].name.clone();
    let teams = world
        .teams
        .list
        .iter()
        .enumerate()
        .filter(|(ti, t)| covers_team(world, role, *ti) || matches!(role, Role::Informant(_)) && sees(t.pos))
        .map(|(ti, t)| {
            let job = t.job.as_ref();
            let place = job.map(|j| name_of(j.village)).unwrap_or_default();
            let state = match (&t.activity, job.and_then(|j| j.task.map(|task| (j, task)))) {
                (Activity::Mustering { .. }, Some((_, task))) => TeamState::Mustering { village: place, task },
                (Activity::Moving { .. }, Some((_, task))) => {
                    TeamState::EnRoute { village: place, task, eta_s: t.eta_s(roads) }
                }
                (Activity::Working { .. }, Some((_, task))) => TeamState::Working { village: place, task },
                (Activity::Waiting { material, missing }, Some((_, task))) => {
                    TeamState::Waiting { village: place, task, material: material.clone(), missing: *missing }
                }
                (Activity::Blocked, Some(_)) => TeamState::Blocked { village: place },
                (Activity::Mustering { .. } | Activity::Moving { .. }, None) => match job.map(|j| &j.place) {
                    Some(JobPlace::Point(to)) => TeamState::Moving { to: *to, eta_s: t.eta_s(roads) },
                    _ => TeamState::Idle,
                },
                (Activity::Blocked, None) => TeamState::Blocked { village: place },
                _ => TeamState::Idle,
            };
            // A team's load is known to itself and those who command it.
            let carrying =
                if covers_team(world, role, ti) { world.materials.teams[ti].clone() } else { Default::default() };
            TeamView {
                name: t.name.clone(),
                kind_zh: team_kind_zh(t.kind).into(),
                size: t.size,
                pos: t.pos,
                node: Some(t.node),
                state,
                accepted: job.is_some_and(|j| j.accepted),
                carrying,
            }
        })
        .collect();
    let recent = |t: u32| t.saturating_add(RECENT_S) >= world.t_s;
    let mut left_out = 0u32;
    let reports = world
        .comms
        .reports
        .iter()
        .filter(|r| match role {
            Role::Controller | Role::County => true,
            Role::Command(_) => covers_village(world, role, r.village),
            // A planted false report was never the informant's own.
            Role::Informant(_) | Role::Team(_) => &r.by == role && r.planted.is_none(),
        })
        // Pending reports never drop out; settled ones once their last change is old.
        .filter(|r| {
            let carried = !r.acknowledged || recent(r.changed_t);
            left_out += u32::from(!carried);
            carried
        })
        .map(|r| ReportView {
            id: r.id,
            t_s: r.t_s,
            by: r.by.clone(),
            village: name_of(r.village),
            hazard: r.form.hazard,
            note: r.form.note.clone(),
            acknowledged: r.acknowledged,
            by_name: r.by_name.clone(),
            form: r.form.clone(),
            verify_asked: r.verify_asked,
        })
        .collect();
    // Command posts and the county read the gauges (hydrological network); others see those nearby.
    let monitoring = matches!(role, Role::Controller | Role::County | Role::Command(_));
    let gauges = world
        .hazards
        .gauges
        .iter()
        .filter(|g| monitoring || sees(g.pos))
        .map(|g| GaugeView { name: g.name.clone(), pos: g.pos, depth_m: g.depth_m, stage: g.stage })
        .collect();
    let mine: Vec<&crate::view::MessageView> =
        world.comms.messages.iter().filter(|(to, _)| to == role || all).map(|(_, m)| m).collect();
    let first_recent = mine.partition_point(|m| !recent(m.t_s)).max(mine.len().saturating_sub(RECENT_MESSAGES));
    let messages_before = first_recent as u32;
    let messages = mine[first_recent..].iter().map(|m| (*m).clone()).collect();
    // Informants know the closures they can see; the others hear of every closure by radio.
    let closed_roads = world
        .roads
        .closed()
        .iter()
        .enumerate()
        .filter(|(e, c)| {
            **c != 0 && (!matches!(role, Role::Informant(_)) || sees(roads.nodes[roads.edges[*e].a as usize]))
        })
        .map(|(e, _)| e as u32)
        .collect();
    let depots = (0..world.materials.depots.len())
        .filter(|&di| covers_depot(world, role, di))
        .map(|di| {
            let d = &world.materials.depots[di];
            DepotView { name: d.name.clone(), pos: d.pos, node: d.node, county: d.county, stock: d.stock.clone() }
        })
        .collect();
    // Shelters of the villages in a role's care (all for the county and the controller).
    let shelters = world
        .people
        .shelters
        .iter()
        .enumerate()
        .filter(|(si, _)| {
            all || matches!(role, Role::County)
                || world.people.villages.iter().enumerate().any(|(vi, v)| {
                    !matches!(role, Role::Team(_))
                        && covers_village(world, role, vi)
                        && (v.shelter == Some(*si) || v.placed.iter().any(|(s, _)| s == si))
                })
        })
        .map(|(_, s)| ShelterView { name: s.name.clone(), pos: s.pos, capacity: s.capacity, occupied: s.occupied })
        .collect();
    let requests = world
        .requests
        .list
        .iter()
        .filter(|r| all || matches!(role, Role::County) || &r.from == role)
        .filter(|r| {
            let carried = r.decision.as_ref().is_none_or(|d| recent(d.2.max(r.t_s)));
            left_out += u32::from(!carried);
            carried
        })
        .map(|r| RequestView {
            id: r.id,
            t_s: r.t_s,
            from: r.from.clone(),
            by: r.by.clone(),
            kind: r.kind,
            detail: r.detail.clone(),
            material: r.material.clone(),
            decision: r.decision.as_ref().map(|(a, note, _)| (*a, note.clone())),
        })
        .collect();
    let injects_due = if all {
        (0..world.plan.injects_due.len())
            .filter(|&i| world.plan.injects_due[i] && !world.plan.injects_done[i])
            .map(|i| i as u32)
            .collect()
    } else {
        Vec::new()
    };
    RoleView {
        depots,
        shelters,
        requests,
        frozen: if all { world.plan.frozen.clone() } else { Vec::new() },
        injects_due,
        role: role.clone(),
        t_s: world.t_s,
        duration_s: world.duration_s(),
        finished: world.is_finished(),
        level: level_for(world, role),
        weather: world.weather().clone(),
        hazard,
        villages,
        teams,
        reports,
        gauges,
        messages,
        orders: orders_for(role).to_vec(),
        closed_roads,
        messages_before,
        left_out,
    }
}

pub(crate) fn team_kind_zh(kind: crate::scenario::TeamKind) -> &'static str {
    use crate::scenario::TeamKind::*;
    match kind {
        Township => "乡镇综合应急救援队",
        Village => "村级应急队伍",
        CountyProfessional => "县专业救援队",
        FireBrigade => "森林消防队",
        Volunteer => "志愿者队伍",
    }
}

//! Who may do and see what: the one home of the drill's access rules.
//!
//! - which orders a role may give ([`orders_for`]), and whether it may steer the clock;
//! - the jurisdiction of townships over villages and teams ([`covers_village`], [`covers_team`]);
//! - [`authorise`]: every check an order passes before the server journals it; the world's
//!   `execute` repeats none of them;
//! - what a role sees: its view ([`view`]), the events it is told ([`events_for`]), and the
//!   briefing it gets instead of the scenario file ([`briefing`]).
//!
//! Refusals have stable codes and their words live in one place ([`Refusal`]).

#[cfg(test)]
mod authorise_tests;
mod briefing;
mod events;
mod public;
mod refusal;
mod view;

pub use briefing::{
    Briefing, BriefingDepot, BriefingPlan, BriefingShelter, BriefingTeam, BriefingVillage, DrillInfo, RegisteredPoint,
    briefing,
};
pub use events::events_for;
pub use public::{PublicBriefing, PublicReport, PublicView, PublicVillage, public_briefing, public_view};
pub use refusal::Refusal;
pub use view::{RECENT_MESSAGES, RECENT_S, view};

use crate::map::Xy;
use crate::roles::Role;
use crate::world::teams::Activity;
use crate::world::{Command, Consignee, Order, OrderKind, ReportStage, SupportKind, Target, Task, World, WorldEvent};

/// The longest free text an order may carry (a note, a message, a reason), bytes of UTF-8:
/// about 1,300 Chinese characters or 4,000 Latin letters.
pub const MAX_TEXT_BYTES: usize = 4096;
/// The longest name an order may carry (a village, team, shelter, depot, material, role, the
/// person who gave it), bytes of UTF-8.
pub const MAX_NAME_BYTES: usize = 256;
/// The most points a drawn path may have.
pub const MAX_PATH_POINTS: usize = 200;

/// The orders a role may give, as in real life: informants report, call for help, warn, start
/// the first evacuation of their own village and count heads; the command post decides,
/// dispatches, sends materials, reports up and asks the county; teams accept or refuse their
/// task, report and move; the county decides requests, dispatches its teams and directs the
/// townships; the controller injects, fires the script and freezes hazards.
pub fn orders_for(role: &Role) -> &'static [OrderKind] {
    use OrderKind::*;
    match role {
        Role::Controller => &[Inject, FireInject, Freeze],
        Role::Command(_) => &[
            Acknowledge,
            Verify,
            ActivateLevel,
            LowerLevel,
            EndResponse,
            Warn,
            Evacuate,
            Dispatch,
            SendMaterials,
            ReportUp,
            RequestSupport,
            HoldVillage,
        ],
        Role::County => {
            &[Acknowledge, ActivateLevel, LowerLevel, EndResponse, Dispatch, SendMaterials, Decide, Directive]
        }
        Role::Informant(_) => &[Report, CallForHelp, Warn, Evacuate, HeadCount],
        Role::Team(_) => &[Report, AcceptTask, RefuseTask, TeamReport, MoveTo],
    }
}

/// Only the controller (导调) starts, pauses and sets the speed of the drill.
pub fn may_steer_clock(role: &Role) -> bool {
    *role == Role::Controller
}

/// Only the controller reads the script: the scenario file with its injects, hazard inputs and
/// seed. Every other seat gets its [`briefing`].
pub fn may_see_script(role: &Role) -> bool {
    *role == Role::Controller
}

/// Whether a village (index into the world's villages) is in a role's care: a township's
/// command post has its own villages, an informant its own village, the county and the
/// controller all of them, a team none (it acts where it is sent).
pub fn covers_village(world: &World, role: &Role, village: usize) -> bool {
    let Some(v) = world.people.villages.get(village) else { return false };
    match role {
        Role::Controller | Role::County | Role::Command(None) => true,
        Role::Command(Some(t)) => v.township.as_ref() == Some(t),
        Role::Informant(own) => world.people.index(own) == Some(village),
        Role::Team(_) => false,
    }
}

/// Whether a team (index into the world's teams) answers to a role: a township's command post
/// commands its own teams, and the county's teams once the county approved its request for
/// teams; the only township of a drill, the county and the controller every team; a team itself.
pub fn covers_team(world: &World, role: &Role, team: usize) -> bool {
    let Some(t) = world.teams.list.get(team) else { return false };
    match role {
        Role::Controller | Role::County | Role::Command(None) => true,
        Role::Command(Some(township)) => {
            t.township.as_ref() == Some(township) || t.township.is_none() && world.requests.teams_approved_for(role)
        }
        Role::Team(name) => *name == t.name,
        Role::Informant(_) => false,
    }
}

/// Whether a depot (index into the world's depots) is in a role's care: a township's post sends
/// from its township's depots (the only post of a drill from every township depot); the county
/// and the controller from all, county reserves included.
pub fn covers_depot(world: &World, role: &Role, depot: usize) -> bool {
    let Some(d) = world.materials.depots.get(depot) else { return false };
    match role {
        Role::Controller | Role::County => true,
        Role::Command(None) => !d.county,
        Role::Command(Some(t)) => !d.county && d.township.as_ref() == Some(t),
        Role::Informant(_) | Role::Team(_) => false,
    }
}

fn text_ok(what: (&'static str, &'static str), text: &str) -> Result<(), Refusal> {
    too_long(what, text, MAX_TEXT_BYTES)
}

fn name_ok(what: (&'static str, &'static str), name: &str) -> Result<(), Refusal> {
    too_long(what, name, MAX_NAME_BYTES)
}

fn too_long(what: (&'static str, &'static str), text: &str, max: usize) -> Result<(), Refusal> {
    if text.len() > max { Err(Refusal::TooLong { what, bytes: text.len(), max }) } else { Ok(()) }
}

/// The length of every text and name an order carries, checked before anything else looks at
/// them (a refusal that quotes a name must not quote megabytes). The match is exhaustive: a new
/// order's text is measured here or the build fails.
fn sizes_ok(cmd: &Command) -> Result<(), Refusal> {
    const VILLAGE: (&str, &str) = ("村庄名", "the village's name");
    const NOTE: (&str, &str) = ("备注", "the note");
    name_ok(("署名", "the name of the person"), &cmd.by)?;
    let role = |r: &Role| too_long(("角色名", "the role's name"), &r.to_string(), 2 * MAX_NAME_BYTES);
    role(&cmd.from)?;
    match &cmd.order {
        Order::Report(form) => {
            name_ok(VILLAGE, &form.village)?;
            text_ok(("已采取措施", "actions taken"), &form.actions_taken)?;
            text_ok(NOTE, &form.note)
        }
        Order::CallForHelp { village, note } => {
            name_ok(VILLAGE, village)?;
            text_ok(("呼救内容", "the call"), note)
        }
        Order::Warn { village } | Order::HeadCount { village, .. } | Order::HoldVillage { village, .. } => {
            name_ok(VILLAGE, village)
        }
        Order::Evacuate { village, shelter } => {
            name_ok(VILLAGE, village)?;
            shelter.as_deref().map_or(Ok(()), |s| name_ok(("安置点名", "the shelter's name"), s))
        }
        Order::Dispatch { team, target, .. } => {
            name_ok(("队伍名", "the team's name"), team)?;
            match target {
                Target::Village(v) => name_ok(VILLAGE, v),
                Target::Point(_) => Ok(()),
                Target::Path(points) if points.len() > MAX_PATH_POINTS => Err(Refusal::bad_form(
                    &format!("线路超过 {MAX_PATH_POINTS} 个点"),
                    &format!("the path has more than {MAX_PATH_POINTS} points"),
                )),
                Target::Path(_) => Ok(()),
            }
        }
        Order::SendMaterials { depot, material, to, .. } => {
            name_ok(("物资库名", "the depot's name"), depot)?;
            name_ok(("物资名称", "the material"), material)?;
            match to {
                Consignee::Village(v) => name_ok(VILLAGE, v),
                Consignee::Team(t) => name_ok(("队伍名", "the team's name"), t),
            }
        }
        Order::ReportUp { note, .. } => text_ok(("报告内容", "the report"), note),
        Order::RequestSupport { detail, material, .. } => {
            text_ok(("请求内容", "the request"), detail)?;
            material.as_ref().map_or(Ok(()), |(m, _)| name_ok(("物资名称", "the material"), m))
        }
        Order::RefuseTask { reason } => text_ok(("理由", "the reason"), reason),
        Order::TeamReport { note, .. } => text_ok(("报告内容", "the report"), note),
        Order::Decide { note, .. } => text_ok(("批示", "the note"), note),
        Order::Directive { to, text } => {
            role(to)?;
            text_ok(("指示", "the directive"), text)
        }
        Order::Inject { to, message, event } => {
            role(to)?;
            text_ok(("注入内容", "the message"), message)?;
            match event {
                Some(WorldEvent::ReturnHome { village }) => name_ok(VILLAGE, village),
                _ => Ok(()),
            }
        }
        Order::Acknowledge { .. }
        | Order::Verify { .. }
        | Order::ActivateLevel { .. }
        | Order::LowerLevel { .. }
        | Order::EndResponse
        | Order::AcceptTask
        | Order::MoveTo { .. }
        | Order::FireInject { .. }
        | Order::Freeze { .. } => Ok(()),
    }
}

fn point_ok(world: &World, p: Xy) -> Result<(), Refusal> {
    if p.iter().all(|c| c.is_finite()) && world.map.grid.contains(p) {
        Ok(())
    } else {
        Err(Refusal::bad_form("地点不在地图上", "the point is off the map"))
    }
}

/// Every check an order passes before it is journaled and applied: the drill is on, the role
/// is on offer and may give this kind of order, the form is sound, the targets exist and are in
/// its care, and what it asks is possible now (stock, an open road, a free team).
pub fn authorise(world: &World, cmd: &Command) -> Result<(), Refusal> {
    if world.is_finished() {
        return Err(Refusal::Ended);
    }
    sizes_ok(cmd)?;
    let from = &cmd.from;
    if !world.roles.contains(from) {
        return Err(Refusal::UnknownRole { role: from.to_string() });
    }
    let kind = cmd.order.kind();
    if !orders_for(from).contains(&kind) {
        return Err(Refusal::NotAllowed { role: from.to_string(), order: kind });
    }
    let village =
        |name: &str| world.people.index(name).ok_or_else(|| Refusal::NoSuchVillage { village: name.to_string() });
    let in_care = |vi: usize| {
        if covers_village(world, from, vi) {
            Ok(())
        } else {
            Err(Refusal::NotYourVillage { role: from.to_string(), village: world.people.villages[vi].name.clone() })
        }
    };
    let team = |name: &str| {
        let ti = world.teams.index(name).ok_or_else(|| Refusal::NoSuchTeam { team: name.to_string() })?;
        if covers_team(world, from, ti) {
            Ok(ti)
        } else {
            Err(Refusal::NotYourTeam { role: from.to_string(), team: name.to_string() })
        }
    };
    let report_in_care = |id: u32| {
        let r = world.comms.report(id).ok_or(Refusal::NoSuchReport { report: id })?;
        in_care(r.village)?;
        Ok::<_, Refusal>(r)
    };
    let own_team = || world.team_of(from).ok_or_else(|| Refusal::NoSuchTeam { team: from.to_string() });
    let busy = |ti: usize| {
        let t = &world.teams.list[ti];
        let watching = t.job.as_ref().is_some_and(|j| j.task == Some(Task::Watch));
        if matches!(t.activity, Activity::Working { .. }) && !watching {
            Err(Refusal::TeamBusy { team: t.name.clone() })
        } else {
            Ok(())
        }
    };
    let reachable = |ti: usize, node: Option<u32>, label: &str| {
        if world.route_open(Some(world.teams.list[ti].node), node) {
            Ok(())
        } else {
            Err(Refusal::NoRoute { to: label.to_string() })
        }
    };
    match &cmd.order {
        Order::Report(form) => {
            let vi = village(&form.village)?;
            // An informant reports on its own village; a team on whatever it sees on its way.
            if matches!(from, Role::Informant(_)) {
                in_care(vi)?;
            }
            if !(1..=4).contains(&form.severity) {
                return Err(Refusal::bad_form("严重程度须为 1–4", "severity must be 1 to 4"));
            }
            if let Some(at) = form.at {
                point_ok(world, at)?;
            }
            if let Some(id) = form.follows {
                world.comms.report(id).ok_or(Refusal::NoSuchReport { report: id })?;
            }
            if form.stage == ReportStage::Initial && form.follows.is_some() {
                return Err(Refusal::bad_form("初报不接续其他报告", "a first report follows no other"));
            }
        }
        Order::CallForHelp { village: name, .. } => {
            in_care(village(name)?)?;
        }
        Order::Warn { village: name } => in_care(village(name)?)?,
        Order::Evacuate { village: name, shelter } => {
            in_care(village(name)?)?;
            if let Some(s) = shelter
                && world.people.shelter_index(s).is_none()
            {
                return Err(Refusal::NoSuchShelter { shelter: s.clone() });
            }
        }
        Order::HeadCount { village: name, moved } => {
            let vi = village(name)?;
            in_care(vi)?;
            if *moved > world.people.villages[vi].population {
                return Err(Refusal::bad_form("转移人数超过村庄人口", "more people moved than live there"));
            }
        }
        Order::Acknowledge { report } => {
            if report_in_care(*report)?.acknowledged {
                return Err(Refusal::AlreadyAcknowledged { report: *report });
            }
        }
        Order::Verify { report } => {
            report_in_care(*report)?;
        }
        Order::ActivateLevel { .. } => {}
        Order::LowerLevel { level } => {
            let current = world.plan.levels.get(from).copied();
            if current.is_none_or(|c| c <= *level) {
                return Err(Refusal::NotLower {
                    current: current.map_or("-", |c| c.name()).to_string(),
                    level: level.name().to_string(),
                });
            }
        }
        Order::EndResponse => {
            if !world.plan.levels.contains_key(from) {
                return Err(Refusal::NoResponse { role: from.to_string() });
            }
        }
        Order::Dispatch { team: name, task, target } => {
            let ti = team(name)?;
            target_ok(world, *task, target)?;
            busy(ti)?;
            // No open road now is no refusal: the team musters and goes when a road opens, or
            // says it cannot reach (`TeamCannotReach`).
            world
                .resolve_target(target)
                .ok_or_else(|| Refusal::bad_form("目标无效", "the target is not on this map"))?;
        }
        Order::SendMaterials { depot, material, amount, to } => {
            let di = world.materials.depot_index(depot).ok_or_else(|| Refusal::NoSuchDepot { depot: depot.clone() })?;
            if !covers_depot(world, from, di) {
                return Err(Refusal::NotYourDepot { role: from.to_string(), depot: depot.clone() });
            }
            if *amount == 0 {
                return Err(Refusal::bad_form("数量须大于 0", "the amount must be above 0"));
            }
            let have = world.materials.depot_has(di, material);
            if have < *amount {
                return Err(Refusal::NoStock { depot: depot.clone(), material: material.clone(), have, want: *amount });
            }
            let (node, label) = match to {
                Consignee::Village(name) => {
                    let vi = village(name)?;
                    in_care(vi)?;
                    (world.people.villages[vi].road_node, name.clone())
                }
                Consignee::Team(name) => {
                    let ti = team(name)?;
                    (Some(world.teams.list[ti].node), name.clone())
                }
            };
            if !world.route_open(world.materials.depots[di].node, node) {
                return Err(Refusal::NoRoute { to: label });
            }
        }
        Order::ReportUp { .. } => {}
        Order::RequestSupport { kind, detail, material } => {
            if let Some((_, n)) = material {
                if *n == 0 {
                    return Err(Refusal::bad_form("数量须大于 0", "the amount must be above 0"));
                }
            } else if *kind == SupportKind::Materials && detail.trim().is_empty() {
                return Err(Refusal::bad_form("请写明所需物资", "say which materials are needed"));
            }
        }
        Order::HoldVillage { village: name, .. } => in_care(village(name)?)?,
        Order::AcceptTask => {
            let ti = own_team()?;
            let t = &world.teams.list[ti];
            if !t.job.as_ref().is_some_and(|j| j.task.is_some() && !j.accepted) {
                return Err(Refusal::NoTask { team: t.name.clone() });
            }
        }
        Order::RefuseTask { .. } => {
            let ti = own_team()?;
            let t = &world.teams.list[ti];
            if t.job.as_ref().is_none_or(|j| j.task.is_none()) {
                return Err(Refusal::NoTask { team: t.name.clone() });
            }
        }
        Order::TeamReport { .. } => {}
        Order::MoveTo { point } => {
            point_ok(world, *point)?;
            let ti = own_team()?;
            busy(ti)?;
            reachable(ti, world.map.features.roads.nearest_node(*point), "目标点 / the point")?;
        }
        Order::Decide { request, approve, .. } => {
            let r = world.requests.get(*request).ok_or(Refusal::NoSuchRequest { request: *request })?;
            if r.decision.is_some() {
                return Err(Refusal::AlreadyDecided { request: *request });
            }
            if *approve
                && r.kind == SupportKind::Materials
                && let Some((m, n)) = &r.material
                && world.materials.county_source(m, *n).is_none()
            {
                let have = (0..world.materials.depots.len())
                    .filter(|&i| world.materials.depots[i].county)
                    .map(|i| world.materials.depot_has(i, m))
                    .max()
                    .unwrap_or(0);
                return Err(Refusal::NoStock {
                    depot: "县级储备 / county reserve".into(),
                    material: m.clone(),
                    have,
                    want: *n,
                });
            }
        }
        Order::Directive { to, .. } => {
            if !world.roles.contains(to) {
                return Err(Refusal::NoSuchRole { role: to.to_string() });
            }
            if !matches!(to, Role::Command(_)) {
                return Err(Refusal::bad_form("指示只能下达给乡镇指挥部", "directives go to a township command post"));
            }
        }
        Order::Inject { to, event, .. } => {
            if !world.roles.contains(to) {
                return Err(Refusal::NoSuchRole { role: to.to_string() });
            }
            match event {
                Some(WorldEvent::Ignition(p)) => {
                    point_ok(world, *p)?;
                    if world.hazards.fire.is_none() {
                        return Err(Refusal::bad_form("本次演练没有山火模型", "this drill has no fire model"));
                    }
                }
                Some(WorldEvent::RoadBlocked(p)) => point_ok(world, *p)?,
                Some(WorldEvent::Cloudburst { rain_mm_per_h, for_min }) => {
                    let ok = |x: f64, max: f64| x.is_finite() && x > 0.0 && x <= max;
                    if !ok(*rain_mm_per_h, 500.0) || !ok(*for_min, 24.0 * 60.0) {
                        return Err(Refusal::bad_form(
                            "降雨须在 0–500 mm/h, 时长 0–1440 分钟",
                            "rain must be 0–500 mm/h for 0–1440 minutes",
                        ));
                    }
                }
                Some(WorldEvent::ReturnHome { village: name }) => {
                    village(name)?;
                }
                None => {}
            }
        }
        Order::FireInject { index } => {
            let i = *index as usize;
            if i >= world.scenario.injects.len() {
                return Err(Refusal::NoSuchInject { index: *index });
            }
            if world.plan.injects_done[i] {
                return Err(Refusal::AlreadyFired { index: *index });
            }
        }
        Order::Freeze { .. } => {}
    }
    Ok(())
}

/// Whether a task fits its target: people tasks need a village; lines a village or a path;
/// point tasks a village or a point. Points and paths lie on the map.
fn target_ok(world: &World, task: Task, target: &Target) -> Result<(), Refusal> {
    match target {
        Target::Village(name) => {
            world.people.index(name).ok_or_else(|| Refusal::NoSuchVillage { village: name.clone() })?;
        }
        Target::Point(p) => {
            point_ok(world, *p)?;
            if matches!(task, Task::Evacuate | Task::MoveVulnerable | Task::Rescue) {
                return Err(Refusal::bad_form("该任务须指定村庄", "this task needs a village"));
            }
            if matches!(task, Task::Sandbag | Task::Firebreak) {
                return Err(Refusal::bad_form("请在地图上画出线路", "draw the line on the map"));
            }
        }
        Target::Path(points) => {
            if points.is_empty() {
                return Err(Refusal::bad_form("线路为空", "the path is empty"));
            }
            if points.len() > MAX_PATH_POINTS {
                return Err(Refusal::bad_form(
                    &format!("线路超过 {MAX_PATH_POINTS} 个点"),
                    &format!("the path has more than {MAX_PATH_POINTS} points"),
                ));
            }
            for p in points {
                point_ok(world, *p)?;
            }
            if !matches!(task, Task::Sandbag | Task::Firebreak) {
                return Err(Refusal::bad_form(
                    "只有筑堤和隔离带沿线路执行",
                    "only sandbag lines and firebreaks follow a path",
                ));
            }
        }
    }
    Ok(())
}

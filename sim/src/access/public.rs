//! The public situation (公开态势): what the township hall's projector (大屏) and the observers
//! (观摩) may see when the controller shows them no role's view. What a hall would put on a
//! wall: the drill clock and weather, the response levels in force, how many villages were
//! warned, are evacuating and are evacuated, how many roads are known closed, the reports
//! received (where and what, as reported) and how many teams are out. Never the script (injects
//! not yet delivered, hazard inputs, the seed), the hazard cells, gauges, casualties or trapped
//! people (truth no one reported), nor team positions and tasks (operational detail).

use serde::{Deserialize, Serialize};

use crate::map::Xy;
use crate::roles::Role;
use crate::scenario::Level;
use crate::weather::Weather;
use crate::world::teams::Activity;
use crate::world::{HazardKind, World};

use super::{DrillInfo, briefing};

/// What the public seats know before the drill starts: the drill's title and calendar, its
/// hazards, the villages and shelters on the map, the plan's levels. Nothing of the script.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PublicBriefing {
    pub drill: DrillInfo,
    pub roles_on_offer: Vec<Role>,
    pub hazards: Vec<HazardKind>,
    pub villages: Vec<PublicVillage>,
    /// Shelters: name, position, capacity.
    pub shelters: Vec<(String, Xy, u32)>,
    /// The plan's name and its levels (public policy), each with what it is called.
    pub plan_name: String,
    pub levels: Vec<Level>,
}

/// A village as the hall sees it: where it is and what was announced for it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PublicVillage {
    pub name: String,
    pub name_zh: Option<String>,
    pub township: Option<String>,
    pub pos: Xy,
    pub population: u32,
    pub warned: bool,
    pub evacuation_ordered: bool,
    /// Everyone reached the shelter (the village's evacuation was reported complete).
    pub evacuated: bool,
}

/// A report as the hall hears of it: when, which village, what hazard. Not who sent it, nor
/// its free text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PublicReport {
    pub t_s: u32,
    pub village: String,
    pub hazard: HazardKind,
    pub acknowledged: bool,
}

/// The public situation now.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PublicView {
    pub t_s: u32,
    pub duration_s: u32,
    pub finished: bool,
    pub weather: Weather,
    /// Response levels in force, by the post that activated them (announced to everyone).
    pub levels: Vec<(Role, Level)>,
    pub villages: Vec<PublicVillage>,
    pub villages_warned: u32,
    /// Evacuation ordered, not yet complete.
    pub villages_evacuating: u32,
    pub villages_evacuated: u32,
    /// Road sections known closed (every post hears of closures by radio).
    pub roads_closed: u32,
    pub reports: Vec<PublicReport>,
    /// Teams out on a task (mustering, on the road or working) and all teams.
    pub teams_out: u32,
    pub teams_total: u32,
}

/// What the public seats are told before the drill starts.
pub fn public_briefing(world: &World) -> PublicBriefing {
    let b = briefing(world, &Role::Controller);
    PublicBriefing {
        drill: b.drill,
        roles_on_offer: b.roles_on_offer,
        hazards: b.hazards,
        villages: villages(world),
        shelters: b.shelters.into_iter().map(|s| (s.name, s.pos, s.capacity)).collect(),
        plan_name: b.plan.name,
        levels: b.plan.levels.iter().map(|l| l.level).collect(),
    }
}

fn villages(world: &World) -> Vec<PublicVillage> {
    world
        .people
        .villages
        .iter()
        .map(|v| PublicVillage {
            name: v.name.clone(),
            name_zh: v.name_zh.clone(),
            township: v.township.clone(),
            pos: v.pos,
            population: v.population,
            warned: v.warned,
            evacuation_ordered: v.evacuation_ordered,
            evacuated: v.evacuated_event_sent,
        })
        .collect()
}

/// The public situation of the world now.
pub fn public_view(world: &World) -> PublicView {
    let villages = villages(world);
    let count = |f: &dyn Fn(&PublicVillage) -> bool| villages.iter().filter(|v| f(v)).count() as u32;
    let teams = &world.teams.list;
    PublicView {
        t_s: world.t_s,
        duration_s: world.duration_s(),
        finished: world.is_finished(),
        weather: world.weather().clone(),
        levels: world.plan.levels.iter().map(|(r, l)| (r.clone(), *l)).collect(),
        villages_warned: count(&|v| v.warned),
        villages_evacuating: count(&|v| v.evacuation_ordered && !v.evacuated),
        villages_evacuated: count(&|v| v.evacuated),
        roads_closed: world.roads.closed().iter().filter(|c| **c != 0).count() as u32,
        reports: world
            .comms
            .reports
            .iter()
            .map(|r| PublicReport {
                t_s: r.t_s,
                village: world.people.villages[r.village].name.clone(),
                hazard: r.form.hazard,
                acknowledged: r.acknowledged,
            })
            .collect(),
        teams_out: teams.iter().filter(|t| !matches!(t.activity, Activity::Idle)).count() as u32,
        teams_total: teams.len() as u32,
        villages,
    }
}

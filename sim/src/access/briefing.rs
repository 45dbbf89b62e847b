//! A role's briefing (情况介绍): what a trainee in that seat knows before the drill starts,
//! sent instead of the scenario file. The drill's title and clock, the roles on offer, the
//! villages, teams, shelters and depots in the role's care, the plan's levels and the actions it
//! asks of this role, the hazard register (隐患点台账) of the points its villages see, and the weather at the
//! start. Never the injects, the hazard inputs (ignitions, hydrographs, soils) or the seed: the
//! controller alone gets the whole scenario, from the server, besides this.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::map::Xy;
use crate::roles::{Role, RolePattern};
use crate::scenario::{Anchor, LevelSpec, ReactionSpec, RequiredAction, TeamKind};
use crate::weather::Weather;
use crate::world::hazards::village_sees_slope;
use crate::world::{HazardKind, World};

use super::view::team_kind_zh;
use super::{covers_depot, covers_team, covers_village};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Briefing {
    pub role: Role,
    pub drill: DrillInfo,
    pub roles_on_offer: Vec<Role>,
    /// The hazards the drill is about (a flood drill, a fire drill...): announced to everyone.
    pub hazards: Vec<HazardKind>,
    pub villages: Vec<BriefingVillage>,
    pub shelters: Vec<BriefingShelter>,
    pub teams: Vec<BriefingTeam>,
    pub depots: Vec<BriefingDepot>,
    pub plan: BriefingPlan,
    pub hazard_register: Vec<RegisteredPoint>,
    /// The weather when the drill opens.
    pub weather: Weather,
    /// Reaction times the scenario sets for this role (bots in the seat read them).
    #[serde(default)]
    pub reaction: Vec<ReactionSpec>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DrillInfo {
    pub name: String,
    pub name_en: Option<String>,
    pub description: String,
    /// Local start, "YYYY-MM-DD HH:MM", for the drill clock.
    pub start: String,
    pub duration_s: u32,
    pub tick_s: u32,
    pub map: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BriefingVillage {
    pub name: String,
    pub name_zh: Option<String>,
    pub township: Option<String>,
    pub pos: Xy,
    pub population: u32,
    pub vulnerable: u32,
    /// Where its people go (逃生明白纸).
    pub shelter: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BriefingShelter {
    pub name: String,
    pub pos: Xy,
    pub capacity: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BriefingTeam {
    pub name: String,
    pub kind: TeamKind,
    pub kind_zh: String,
    pub size: u32,
    /// `None` for county teams.
    pub township: Option<String>,
    pub muster_min: f64,
    pub base: Xy,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BriefingDepot {
    pub name: String,
    pub pos: Xy,
    pub materials: BTreeMap<String, u32>,
    /// A county reserve (县级储备).
    #[serde(default)]
    pub county: bool,
}

/// The plan (预案) as this role reads it: every level with its trigger and who activates it,
/// and the required actions that fall to this role (with the ones they follow).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BriefingPlan {
    pub name: String,
    pub levels: Vec<LevelSpec>,
    pub actions: Vec<RequiredAction>,
}

/// A registered geological hazard point and the villages below it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RegisteredPoint {
    pub name: String,
    pub pos: Xy,
    pub threatens: Vec<String>,
}

/// The briefing of `role` at the start of the drill.
pub fn briefing(world: &World, role: &Role) -> Briefing {
    let s = &world.scenario;
    let people = &world.people;
    let mine: Vec<usize> = (0..people.villages.len()).filter(|&vi| sees_village(world, role, vi)).collect();
    let villages = mine
        .iter()
        .map(|&vi| {
            let v = &people.villages[vi];
            BriefingVillage {
                name: v.name.clone(),
                name_zh: v.name_zh.clone(),
                township: v.township.clone(),
                pos: v.pos,
                population: v.population,
                vulnerable: v.vulnerable,
                shelter: people.shelter_name(v).map(str::to_string),
            }
        })
        .collect();
    let shelters = people
        .shelters
        .iter()
        .enumerate()
        .filter(|(si, _)| *role == Role::Controller || mine.iter().any(|&vi| people.villages[vi].shelter == Some(*si)))
        .map(|(_, sh)| BriefingShelter { name: sh.name.clone(), pos: sh.pos, capacity: sh.capacity })
        .collect();
    let teams = world
        .teams
        .list
        .iter()
        .enumerate()
        .filter(|(ti, _)| covers_team(world, role, *ti))
        .map(|(ti, t)| BriefingTeam {
            name: t.name.clone(),
            kind: t.kind,
            kind_zh: team_kind_zh(t.kind).into(),
            size: t.size,
            township: t.township.clone(),
            muster_min: s.teams.get(ti).map_or(0.0, |spec| spec.muster_min),
            base: t.pos,
        })
        .collect();
    // The depots a role may send from (`covers_depot`), with their stock at the start.
    let depots = (0..world.materials.depots.len())
        .filter(|&di| covers_depot(world, role, di))
        .filter_map(|di| {
            let d = &world.materials.depots[di];
            let spec = s.depots.iter().find(|x| x.name == d.name)?;
            Some(BriefingDepot {
                name: d.name.clone(),
                pos: d.pos,
                materials: spec.materials.clone(),
                county: d.county,
            })
        })
        .collect();
    let hazard_register = world
        .hazards
        .slopes
        .iter()
        .filter(|sl| {
            *role == Role::Controller
                || mine
                    .iter()
                    .any(|&vi| village_sees_slope(sl.point.pos, people.villages[vi].pos, sl.threatened.contains(&vi)))
        })
        .map(|sl| RegisteredPoint {
            name: sl.name.clone(),
            pos: sl.point.pos,
            threatens: sl.threatened.iter().map(|&vi| people.villages[vi].name.clone()).collect(),
        })
        .collect();
    let hazards = [
        (HazardKind::Flood, s.hazards.flood.is_some()),
        (HazardKind::Fire, s.hazards.fire.is_some()),
        (HazardKind::Landslide, s.hazards.landslide.is_some()),
    ]
    .into_iter()
    .filter_map(|(h, on)| on.then_some(h))
    .collect();
    Briefing {
        role: role.clone(),
        drill: DrillInfo {
            name: s.name.clone(),
            name_en: s.name_en.clone(),
            description: s.description.clone(),
            start: s.start.clone(),
            duration_s: world.duration_s(),
            tick_s: s.tick_s,
            map: s.map.clone(),
        },
        roles_on_offer: world.roles.clone(),
        hazards,
        villages,
        shelters,
        teams,
        depots,
        plan: BriefingPlan {
            name: s.plan.name.clone(),
            levels: s.plan.levels.clone(),
            actions: actions_for(&s.plan.actions, role),
        },
        hazard_register,
        weather: world.weather().clone(),
        reaction: s
            .reaction
            .iter()
            .filter(|r| *role == Role::Controller || RolePattern::parse(&r.who).is_ok_and(|p| p.matches(role)))
            .cloned()
            .collect(),
    }
}

/// A team is briefed on the villages of its township (every village for a county team).
fn sees_village(world: &World, role: &Role, vi: usize) -> bool {
    match role {
        Role::Team(name) => {
            let township = world.teams.list.iter().find(|t| &t.name == name).and_then(|t| t.township.as_ref());
            township.is_none_or(|t| world.people.villages[vi].township.as_ref() == Some(t))
        }
        _ => covers_village(world, role, vi),
    }
}

/// The actions that fall to `role`, and those they follow (`after: Action(..)`), in plan order.
fn actions_for(actions: &[RequiredAction], role: &Role) -> Vec<RequiredAction> {
    if *role == Role::Controller {
        return actions.to_vec();
    }
    let mut keep: Vec<bool> =
        actions.iter().map(|a| RolePattern::parse(&a.who).is_ok_and(|p| p.matches(role))).collect();
    // Follow the anchors back; a chain is at most as long as the plan.
    for _ in 0..actions.len() {
        let mut grew = false;
        for i in 0..actions.len() {
            if !keep[i] {
                continue;
            }
            if let Anchor::Action(id) = &actions[i].after
                && let Some(j) = actions.iter().position(|a| &a.id == id)
                && !keep[j]
            {
                keep[j] = true;
                grew = true;
            }
        }
        if !grew {
            break;
        }
    }
    actions.iter().zip(keep).filter(|(_, k)| *k).map(|(a, _)| a.clone()).collect()
}

#[cfg(test)]
mod tests {
    use crate::access::briefing;
    use crate::world::orders_tests::{drill, role};

    #[test]
    fn a_seat_is_briefed_on_its_depots_and_reaction_times() {
        let w = drill();
        let informant = briefing(&w, &role("informant:Baix"));
        assert_eq!(informant.reaction.len(), 1);
        assert_eq!((informant.reaction[0].min_min, informant.reaction[0].max_min), (2.0, 8.0));
        assert!(informant.depots.is_empty(), "an informant keeps no depot");
        let west = briefing(&w, &role("command:West"));
        assert!(west.reaction.is_empty());
        let names: Vec<&str> = west.depots.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, vec!["西镇物资站"]);
        let county = briefing(&w, &role("county"));
        assert!(county.depots.iter().any(|d| d.name == "县储备库" && d.county));
        assert!(briefing(&w, &role("command:East")).depots.is_empty());
    }
}

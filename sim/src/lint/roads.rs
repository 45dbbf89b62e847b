//! Teams that cannot reach the villages in their care by road.
//!
//! Teams drive the road graph from the junction nearest their base to a village's junction
//! (`map::RoadGraph::route`, the teams' own routing). A township's team serves the villages its
//! command post covers, a county team every village (`access::covers_village`). With every road
//! open, a village no route reaches is one the team can never be sent to: it is blocked at once.

use crate::Role;
use crate::access::covers_village;
use crate::world::World;

use super::{Warning, WarningKind, lonlat, metres};

pub(super) fn check(world: &World, out: &mut Vec<Warning>) {
    let roads = &world.map.features.roads;
    for (ti, team) in world.teams.list.iter().enumerate() {
        let post = match &team.township {
            Some(t) => Role::Command(Some(t.clone())),
            None => Role::County,
        };
        let cut_off: Vec<&str> = (0..world.people.villages.len())
            .filter(|&vi| covers_village(world, &post, vi))
            .map(|vi| &world.people.villages[vi])
            .filter(|v| v.road_node.is_none_or(|node| roads.route(team.node, node, &|_| false).is_none()))
            .map(|v| v.name.as_str())
            .collect();
        if cut_off.is_empty() {
            continue;
        }
        let base = world
            .scenario
            .teams
            .get(ti)
            .and_then(|t| crate::scenario::resolve_place(&t.base, &world.map))
            .unwrap_or(team.pos);
        let off = metres(crate::world::dist(base, team.pos));
        let junction = lonlat(world, team.pos);
        out.push(Warning {
            kind: WarningKind::TeamCannotReach,
            path: format!("teams[{ti}].base"),
            zh: format!(
                "「{}」走公路到不了它负责的 {} 个村: {}。它从驻地最近的路口 {junction} (距驻地 {off}) 出发, 那里的路网与这些村不相连; 派它去就被阻。检查驻地 `base`、所属乡镇或地图的道路",
                team.name,
                cut_off.len(),
                cut_off.join("、")
            ),
            en: format!(
                "{} cannot reach {} village(s) in its care by road: {}. It sets off from the junction nearest its base, {junction} ({off} from the base), whose roads do not connect to them; sent there it is blocked at once. Check its `base`, its township or the map's roads",
                team.name,
                cut_off.len(),
                cut_off.join(", ")
            ),
        });
    }
}

//! Shelters a hazard reaches, found by playing the drill with nobody acting.
//!
//! Nobody acting is the hazard's full reach: no sandbags, no firebreaks; the controller only
//! fires each scripted inject when it falls due (a cloudburst, an ignition). A shelter is reached when water of [`ROAD_CUT_DEPTH_M`] or more stands in its cell or
//! the world's village hit rule (`world::hazards::Hazards::hits_at`: dangerous water, fire or
//! debris in or beside the cell) says a village there would be hit. People sent there are not
//! safe.

use crate::world::{EventKind, HazardKind, ROAD_CUT_DEPTH_M, World};

use super::{Warning, WarningKind};

/// Plays `world` to its end without orders; warns of each shelter a hazard reaches, with when.
pub fn check(mut world: World) -> Vec<Warning> {
    let map = world.map.clone();
    let grid = &map.grid;
    let shelters: Vec<Option<usize>> = world.people.shelters.iter().map(|s| grid.cell_at(s.pos)).collect();
    let mut reached: Vec<Option<(u32, HazardKind, f32)>> = vec![None; shelters.len()];
    let mut deepest = vec![0.0f32; shelters.len()];
    while !world.is_finished() && shelters.iter().zip(&reached).any(|(c, r)| c.is_some() && r.is_none()) {
        let due: Vec<u32> = world
            .step()
            .iter()
            .filter_map(|e| match e.kind {
                EventKind::InjectDue { index } => Some(index),
                _ => None,
            })
            .collect();
        for index in due {
            world.fire_inject(index as usize);
        }
        for (k, cell) in shelters.iter().enumerate() {
            let Some(cell) = *cell else { continue };
            let depth = world.hazards.flood.as_ref().map_or(0.0, |f| f.model.depth_m[cell]);
            deepest[k] = deepest[k].max(depth);
            if reached[k].is_some() {
                continue;
            }
            let hit = if depth >= ROAD_CUT_DEPTH_M {
                Some(HazardKind::Flood)
            } else {
                world.hazards.hits_at(grid, cell).first().map(|h| h.0)
            };
            reached[k] = hit.map(|h| (world.t_s, h, depth));
        }
    }
    let start = world.scenario.start.clone();
    reached
        .into_iter()
        .enumerate()
        .filter_map(|(k, r)| r.map(|r| (k, r)))
        .map(|(k, (t_s, hazard, depth))| {
            let name = &world.people.shelters[k].name;
            let clock = crate::scenario::clock_text(&start, t_s);
            let (what_zh, what_en) = match hazard {
                HazardKind::Flood => (
                    format!("被洪水淹到 (水深 {depth:.1} m, 其后最深 {:.1} m)", deepest[k].max(depth)),
                    format!("is flooded ({depth:.1} m of water, later {:.1} m at most)", deepest[k].max(depth)),
                ),
                HazardKind::Fire => ("被山火烧到".to_string(), "is reached by the fire".to_string()),
                HazardKind::Landslide => ("被滑坡泥石埋到".to_string(), "is reached by landslide debris".to_string()),
            };
            Warning {
                kind: WarningKind::ShelterInReach,
                path: format!("shelters[{k}].at"),
                zh: format!(
                    "避灾点「{name}」在 {clock} {what_zh} (按无人处置跑一遍演练): 转移到这里的群众不安全。把它放到高处或换一个避灾点"
                ),
                en: format!(
                    "shelter {name} {what_en} at {clock} in a run of the drill with nobody acting: people sent there are not safe. Move it to higher ground or pick another shelter"
                ),
            }
        })
        .collect()
}

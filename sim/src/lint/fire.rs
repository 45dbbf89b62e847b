//! Fire ignitions in fuel that cannot burn under the scenario's weather at that moment.
//!
//! A scripted ignition lights the nearest burnable cell within two cells
//! (`world::hazards::ignition_cell`); an `Ignition` inject lights the cell it names. The fire
//! model says whether that fuel burns in the weather of that minute (its rain and humidity wet
//! the dead fuels; at the fuel model's moisture of extinction nothing spreads).

use crate::hazard::fire::{CellFire, FireWeather};
use crate::scenario::{InjectEvent, Place, resolve_place};
use crate::weather::point_at;
use crate::world::World;
use crate::world::hazards::ignition_cell;

use super::{Warning, WarningKind, lonlat};

pub(super) fn check(world: &World, out: &mut Vec<Warning>) {
    let (Some(spec), Some(fire)) = (&world.scenario.hazards.fire, &world.hazards.fire) else { return };
    let grid = &world.map.grid;
    let mut lit: Vec<(String, &Place, Option<f64>, bool)> = spec
        .ignitions
        .iter()
        .enumerate()
        .map(|(i, ig)| (format!("hazards.fire.ignitions[{i}].at"), &ig.at, Some(ig.at_min), true))
        .collect();
    for (i, inject) in world.scenario.injects.iter().enumerate() {
        if let Some(InjectEvent::Ignition(place)) = &inject.event {
            // An inject on a condition has no fixed minute: only its fuel is judged.
            lit.push((format!("injects[{i}].event"), place, inject.at_min, false));
        }
    }
    for (path, place, at_min, scripted) in lit {
        let Some(xy) = resolve_place(place, &world.map) else { continue };
        let Some(cell) = grid.cell_at(xy) else { continue };
        let target = if scripted {
            ignition_cell(&fire.model, grid, cell)
        } else {
            (fire.model.state[cell] == CellFire::Unburned).then_some(cell)
        };
        let Some(target) = target else {
            let cover = grid.landcover[cell];
            let within = if scripted { "两格内" } else { "" };
            let within_en = if scripted { " within two cells" } else { "" };
            out.push(Warning {
                kind: WarningKind::WillNotBurn,
                path,
                zh: format!("点火点 {}{within}没有可燃物 (地类 {cover:?}), 火烧不起来", lonlat(world, xy)),
                en: format!(
                    "the ignition at {} has no fuel{within_en} (land cover {cover:?}), so no fire starts",
                    lonlat(world, xy)
                ),
            });
            continue;
        };
        let Some(t_min) = at_min else { continue };
        let p = point_at(&world.scenario.weather, (t_min * 60.0).max(0.0) as u32);
        let w = FireWeather {
            wind_m_per_s: p.wind_m_per_s,
            wind_from_deg: p.wind_from_deg,
            humidity_percent: p.humidity_percent,
            rain_mm_per_h: p.rain_mm_per_h,
        };
        let b = fire.model.burnability(target, t_min, &w);
        if b.head_m_per_min.is_some() {
            continue;
        }
        let clock = crate::scenario::clock_text(&world.scenario.start, (t_min * 60.0) as u32);
        out.push(Warning {
            kind: WarningKind::WillNotBurn,
            path,
            zh: format!(
                "点火点 {} 的燃料 {} 在 {clock} 的天气下烧不起来: 雨 {} mm/h、湿度 {}%, 死可燃物含水率 {:.0}%, 不低于熄灭含水率 {:.0}%。改点火时间、天气或 `fuel_moisture_percent`",
                lonlat(world, grid.cell_centre(target)),
                b.fuel,
                p.rain_mm_per_h,
                p.humidity_percent,
                b.dead_moisture_percent,
                b.extinction_percent
            ),
            en: format!(
                "the fuel {} at the ignition {} does not burn in the weather at {clock}: rain {} mm/h and humidity {} % make the dead fuel moisture {:.0} %, at or above its moisture of extinction {:.0} %. Change the time, the weather or `fuel_moisture_percent`",
                b.fuel,
                lonlat(world, grid.cell_centre(target)),
                p.rain_mm_per_h,
                p.humidity_percent,
                b.dead_moisture_percent,
                b.extinction_percent
            ),
        });
    }
}

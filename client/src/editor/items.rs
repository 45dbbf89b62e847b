//! What a trainer can place and drag on the editor's map: the scenario's shelters, gauges,
//! inflows, ignitions, landslide points, team bases and depots, and the places of injects (a
//! fire started, a road blocked), each with the path of its place in the file, and how a moved
//! place is written back.

use sim::map::{MapAsset, Xy};
use sim::scenario::{InjectEvent, Place, Scenario, resolve_place};

use crate::i18n::T;

/// The kinds of placeable things, in the order the side panel lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Shelter,
    Gauge,
    Inflow,
    Ignition,
    SlidePoint,
    TeamBase,
    Depot,
    /// The place of an inject's event (`Ignition(place)`, `RoadBlocked(place, cause)`).
    Inject,
}

impl Kind {
    /// The kinds the tool palette adds (an inject is more than a place: it is written by hand).
    pub const ADDABLE: [Kind; 7] =
        [Kind::Shelter, Kind::Gauge, Kind::Inflow, Kind::Ignition, Kind::SlidePoint, Kind::TeamBase, Kind::Depot];

    pub fn label(self) -> T {
        match self {
            Kind::Shelter => T::EdShelter,
            Kind::Gauge => T::EdGauge,
            Kind::Inflow => T::EdInflow,
            Kind::Ignition => T::EdIgnition,
            Kind::SlidePoint => T::EdSlidePoint,
            Kind::TeamBase => T::EdTeamBase,
            Kind::Depot => T::EdDepot,
            Kind::Inject => T::EdInject,
        }
    }
    /// The name a drive script uses for the kind (`marker:shelter:<name>`).
    pub fn key(self) -> &'static str {
        match self {
            Kind::Shelter => "shelter",
            Kind::Gauge => "gauge",
            Kind::Inflow => "inflow",
            Kind::Ignition => "ignition",
            Kind::SlidePoint => "slide",
            Kind::TeamBase => "team",
            Kind::Depot => "depot",
            Kind::Inject => "inject",
        }
    }
}

/// One placeable thing of the scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    pub kind: Kind,
    pub name: String,
    /// Path of its place in the file (`shelters[0].at`, `teams[2].base`).
    pub path: String,
    /// Path of the entry the place belongs to (`shelters[0]`, `injects[3]`): problems under it
    /// are its own, and deleting the item deletes it.
    pub entry: String,
    pub place: Place,
}

impl Item {
    /// The path of the entry the place belongs to (`shelters[0]`): problems under it are its own.
    pub fn entry_path(&self) -> &str {
        &self.entry
    }
}

/// Every placeable thing of `s`, in the file's order within each kind.
pub fn placeable(s: &Scenario) -> Vec<Item> {
    let mut out = Vec::new();
    let mut add = |kind, name: &str, path: String, place: &Place| {
        let entry = path.rsplit_once('.').map(|(entry, _)| entry.to_string()).unwrap_or_else(|| path.clone());
        out.push(Item { kind, name: name.to_string(), path, entry, place: place.clone() });
    };
    for (i, x) in s.shelters.iter().enumerate() {
        add(Kind::Shelter, &x.name, format!("shelters[{i}].at"), &x.at);
    }
    if let Some(f) = &s.hazards.flood {
        for (i, g) in f.gauges.iter().enumerate() {
            add(Kind::Gauge, &g.name, format!("hazards.flood.gauges[{i}].at"), &g.at);
        }
        for (i, x) in f.inflows.iter().enumerate() {
            add(Kind::Inflow, &x.name, format!("hazards.flood.inflows[{i}].at"), &x.at);
        }
    }
    if let Some(f) = &s.hazards.fire {
        for (i, x) in f.ignitions.iter().enumerate() {
            let name = if x.cause.is_empty() { format!("#{}", i + 1) } else { x.cause.clone() };
            add(Kind::Ignition, &name, format!("hazards.fire.ignitions[{i}].at"), &x.at);
        }
    }
    if let Some(l) = &s.hazards.landslide {
        for (i, p) in l.points.iter().enumerate() {
            add(Kind::SlidePoint, &p.name, format!("hazards.landslide.points[{i}].at"), &p.at);
        }
    }
    for (i, t) in s.teams.iter().enumerate() {
        add(Kind::TeamBase, &t.name, format!("teams[{i}].base"), &t.base);
    }
    for (i, d) in s.depots.iter().enumerate() {
        add(Kind::Depot, &d.name, format!("depots[{i}].at"), &d.at);
    }
    for (i, inject) in s.injects.iter().enumerate() {
        if let Some(InjectEvent::Ignition(place) | InjectEvent::RoadBlocked(place, _)) = &inject.event {
            // Named by the start of its message; the entry is the whole inject.
            let mut name: String = inject.message.chars().take(14).collect();
            if inject.message.chars().count() > 14 {
                name.push('…');
            }
            out.push(Item {
                kind: Kind::Inject,
                name: format!("#{} {name}", i + 1),
                path: format!("injects[{i}].event.0"),
                entry: format!("injects[{i}]"),
                place: place.clone(),
            });
        }
    }
    out
}

/// Where `place` is on `map` (`None`: a village the map does not have).
pub fn position(place: &Place, map: &MapAsset) -> Option<Xy> {
    resolve_place(place, map)
}

/// How a place moved to `to` is written: an offset from a village stays an offset from that
/// village (whole metres), anything else becomes longitude and latitude (5 decimals, about a
/// metre).
pub fn moved_place_text(old: &Place, to: Xy, map: &MapAsset) -> String {
    if let Place::Near { village, .. } = old
        && let Some(s) = map.settlement(village)
    {
        let (e, n) = ((to[0] - s.pos[0]).round(), (to[1] - s.pos[1]).round());
        return format!("Near(village: {village:?}, east_m: {e}, north_m: {n})");
    }
    place_text(to, map)
}

/// A new place at `at`: longitude and latitude, 5 decimals (about a metre).
pub fn place_text(at: Xy, map: &MapAsset) -> String {
    let (lon, lat) = map.meta.projection.to_lonlat(at);
    format!("LonLat({lon:.5}, {lat:.5})")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_moved_place_keeps_its_form_where_it_can() {
        let map = sim::testkit::TestMap::valley().village("Dorf", [1500.0, 1200.0]).build();
        let village = map.settlement("Dorf").unwrap().clone();
        let near = Place::Near { village: village.name.clone(), east_m: 10.0, north_m: 0.0 };
        let to = [village.pos[0] + 250.4, village.pos[1] - 99.6];
        assert_eq!(
            moved_place_text(&near, to, &map),
            format!("Near(village: {:?}, east_m: 250, north_m: -100)", village.name)
        );
        let text = moved_place_text(&Place::Village(village.name.clone()), to, &map);
        assert!(text.starts_with("LonLat("), "{text}");
        // Written and read back, the place is where it was dropped, within a metre.
        let inner = text.trim_start_matches("LonLat(").trim_end_matches(')');
        let (lon, lat) = inner.split_once(", ").unwrap();
        let back = position(&Place::LonLat(lon.parse().unwrap(), lat.parse().unwrap()), &map).unwrap();
        assert!((back[0] - to[0]).abs() < 1.0 && (back[1] - to[1]).abs() < 1.0, "{back:?} vs {to:?}");
    }
}

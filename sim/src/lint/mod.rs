//! What the models say about a valid scenario before anyone plays it: warnings about hazards
//! that cannot work as written, and notes on what the author's numbers mean in the model.
//!
//! Each check asks the part of the world that owns the rule (the gauge snap of
//! `world::hazards`, the fire's behaviour, the debris run-out, the road routing, the village
//! hit rule) instead of restating it, so a warning says what the drill will do. Warnings never
//! stop a drill: `sandtable-server check` prints them with the file's line and column and fails
//! only with `--deny-warnings`.
//!
//! - [`channels`]: gauges and inflows more than one cell off a channel; gauge stages in the model;
//! - [`slides`]: landslide run-out that cannot reach a village it threatens;
//! - [`fire`]: ignitions in fuel that cannot burn under the scenario's weather;
//! - [`roads`]: teams that cannot reach their villages by road;
//! - [`shelters`]: shelters the hazard reaches, from a run of the drill with nobody acting.

pub mod channels;
pub mod fire;
pub mod roads;
pub mod shelters;
pub mod slides;

use crate::map::Xy;
use crate::world::World;

/// The kinds of warning, one per thing that cannot work.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum WarningKind {
    /// A gauge or an inflow more than one cell off a channel.
    OffChannel,
    /// A gauge stage at or below the model's river bed (met at once) or far above it (never met).
    StageOutOfReach,
    /// A landslide whose run-out does not reach a village it threatens.
    RunoutShort,
    /// A fire ignition in fuel that does not burn under the weather of that moment.
    WillNotBurn,
    /// A shelter a hazard reaches.
    ShelterInReach,
    /// A team with no road to a village in its care.
    TeamCannotReach,
    /// A plan deadline no play met in a quick bot run (the stress run's warning).
    UnmeetableDeadline,
}

/// A warning at a path of the scenario file, in Chinese and English.
#[derive(Clone, Debug, PartialEq)]
pub struct Warning {
    pub kind: WarningKind,
    /// Path inside the file, e.g. `hazards.flood.gauges[0].at`.
    pub path: String,
    pub zh: String,
    pub en: String,
}

impl Warning {
    /// "警告: … / warning: …".
    pub fn message(&self) -> String {
        format!("警告: {} / warning: {}", self.zh, self.en)
    }
}

/// What an author's number means in the model (e.g. a gauge stage as depth above the bed).
#[derive(Clone, Debug, PartialEq)]
pub struct Note {
    pub path: String,
    pub zh: String,
    pub en: String,
}

impl Note {
    /// "说明: … / note: …".
    pub fn message(&self) -> String {
        format!("说明: {} / note: {}", self.zh, self.en)
    }
}

/// The checks that need no run of the drill, in file order of their kinds; quick enough to
/// repeat on every edit.
pub fn lint(world: &World) -> (Vec<Warning>, Vec<Note>) {
    let mut warnings = Vec::new();
    let notes = channels::check(world, &mut warnings);
    slides::check(world, &mut warnings);
    fire::check(world, &mut warnings);
    roads::check(world, &mut warnings);
    (warnings, notes)
}

/// "lon, lat" of a map point, to 5 decimals (about a metre), as a scenario writes `LonLat`.
pub(crate) fn lonlat(world: &World, xy: Xy) -> String {
    let (lon, lat) = world.map.meta.projection.to_lonlat(xy);
    format!("LonLat({lon:.5}, {lat:.5})")
}

/// A distance for people: metres below 1 km, else km to 0.1.
pub(crate) fn metres(m: f64) -> String {
    if m < 1000.0 { format!("{m:.0} m") } else { format!("{:.1} km", m / 1000.0) }
}

#[cfg(test)]
mod tests;

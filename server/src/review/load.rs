//! A record directory read into a [`ReviewInput`]. The world is replayed from `scenario.ron` +
//! `seed.txt` + `journal.jsonl` (`drill::recorded::load_record`, `sim::replay::Replay`) for the
//! map pictures at the key moments; when the server died before writing `report.json` (its meta
//! has no end), the score is also rebuilt from that replay, up to the last moment the journal or
//! the events on disk reached.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use sim::replay::Replay;
use sim::score::{Report, Text};
use sim::{Event, Role, World};

use super::moments::{key_moments, picture};
use super::{MapMoment, ReviewInput, ReviewMeta};
use crate::drill::record::{EVENTS, META, REPORT};
use crate::drill::recorded::load_record;
use crate::drill::report;

/// Reads the record in `dir` for its review.
pub fn input_from_record(dir: &Path) -> anyhow::Result<ReviewInput> {
    let meta: ReviewMeta =
        std::fs::read(dir.join(META)).ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default();
    let events_on_disk = read_events(&dir.join(EVENTS));
    // A report from a drill that reached its end (or was stopped by its controller): kept as is.
    let kept: Option<Report> = match meta.ended_utc {
        Some(_) => std::fs::read(dir.join(REPORT)).ok().and_then(|b| serde_json::from_slice(&b).ok()),
        None => None,
    };
    let (report, events, moments, rebuilt, world_facts) = match (kept, load_record(dir)) {
        (Some(report), Ok(record)) => {
            let replay = record.replay(&mut |_| {})?;
            let end_s = (report.at_min * 60.0).round() as u32;
            let moments = pictures(&replay, &events_on_disk, end_s);
            let facts = facts(replay.final_world());
            (report, events_on_disk, moments, false, Some(facts))
        }
        (Some(report), Err(e)) => {
            tracing::warn!("review without map pictures: {e:#}");
            (report, events_on_disk, Vec::new(), false, None)
        }
        (None, Ok(record)) => {
            // The server died: the world rebuilt to the last moment journaled or evented.
            let replay = record.replay(&mut |_| {})?;
            let world = replay.final_world();
            let report = report::score_of(world, 0);
            let events = world.events().to_vec();
            let moments = pictures(&replay, &events, world.time_s());
            (report, events, moments, true, Some(facts(world)))
        }
        (None, Err(e)) => {
            return Err(anyhow::anyhow!(
                "{}: no report.json from the drill's end, and the world cannot be rebuilt: {e:#}",
                dir.display()
            ));
        }
    };
    let (title, drill_start, village_townships) = match world_facts {
        Some(f) => f,
        None => (Text::new(meta.scenario_name.clone(), String::new()), String::new(), BTreeMap::new()),
    };
    let mut townships: BTreeSet<String> = village_townships.values().cloned().collect();
    townships.extend(report.townships.iter().map(|t| t.township.clone()));
    let record_name =
        dir.canonicalize().ok().as_deref().unwrap_or(dir).file_name().map(|n| n.to_string_lossy().into_owned());
    Ok(ReviewInput {
        record_name: record_name.unwrap_or_else(|| ".".into()),
        report,
        meta,
        title,
        drill_start,
        townships: townships.into_iter().collect(),
        village_townships,
        events,
        moments,
        rebuilt,
    })
}

/// The map at each key moment of `events` (ending at `end_s`), from the replay: the world one
/// tick after the moment, so the picture shows what the event did.
pub fn pictures(replay: &Replay, events: &[Event], end_s: u32) -> Vec<MapMoment> {
    let tick = replay.final_world().scenario().tick_s.max(1);
    key_moments(events, end_s)
        .into_iter()
        .map(|(t_s, label)| {
            let world = replay.world_at(t_s.saturating_add(tick).min(end_s));
            MapMoment { label, t_s, picture: picture(&world, world.events()) }
        })
        .collect()
}

/// `events.jsonl`; a torn or bad line ends it (the server died mid-write).
pub fn read_events(path: &Path) -> Vec<Event> {
    let Ok(text) = std::fs::read_to_string(path) else { return Vec::new() };
    text.lines().map_while(|l| serde_json::from_str(l).ok()).collect()
}

type Facts = (Text, String, BTreeMap<String, String>);

/// The scenario's title and start, and the township of each village, from the world.
pub fn facts(world: &World) -> Facts {
    let s = world.scenario();
    let title = Text::new(s.name.clone(), s.name_en.clone().unwrap_or_default());
    let view = sim::access::view(world, &Role::Controller);
    let villages = view.villages.iter().filter_map(|v| Some((v.name.clone(), v.township.clone()?))).collect();
    (title, s.start.clone(), villages)
}

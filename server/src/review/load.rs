//! A record directory read into a [`ReviewInput`]. The world is replayed from `scenario.ron` +
//! `seed.txt` + `journal.jsonl` (for the map pictures at the key moments); when the server died
//! before writing `report.json` (or its meta has no end), the score is also rebuilt from that
//! replay, up to the last moment the journal or the events on disk reached.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::Context;
use sim::score::{Report, Text};
use sim::{Command, Event, Role, World};

use super::moments::{key_moments, picture};
use super::{MapMoment, MapPicture, ReviewInput, ReviewMeta};
use crate::drill::journal::{JournalLine, read_journal};
use crate::drill::record::{EVENTS, JOURNAL, META, REPORT, SCENARIO, SEED};
use crate::drill::{DrillSetup, report};

/// Reads the record in `dir` for its review.
pub fn input_from_record(dir: &Path) -> anyhow::Result<ReviewInput> {
    let meta: ReviewMeta =
        std::fs::read(dir.join(META)).ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default();
    let seed_text = std::fs::read_to_string(dir.join(SEED)).with_context(|| format!("{}", dir.join(SEED).display()))?;
    let seed: u64 = seed_text.trim().parse().with_context(|| format!("{}: not a seed", dir.join(SEED).display()))?;
    let journal = match std::fs::metadata(dir.join(JOURNAL)) {
        Ok(_) => read_journal(&dir.join(JOURNAL))?,
        Err(_) => Vec::new(),
    };
    let events_on_disk = read_events(&dir.join(EVENTS));
    // A report from a drill that reached its end (or was stopped by its controller): kept as is.
    let kept: Option<Report> = match meta.ended_utc {
        Some(_) => std::fs::read(dir.join(REPORT)).ok().and_then(|b| serde_json::from_slice(&b).ok()),
        None => None,
    };
    let setup = DrillSetup::load(&dir.join(SCENARIO), Some(seed));
    let (report, events, moments, rebuilt, world_facts) = match (kept, setup) {
        (Some(report), Ok(setup)) => {
            let end_s = (report.at_min * 60.0).round() as u32;
            let replayed = replay(&setup, &journal, end_s)?;
            let moments = replayed.moments(&events_on_disk, end_s);
            (report, events_on_disk, moments, false, Some(facts(&replayed.world)))
        }
        (Some(report), Err(e)) => {
            tracing::warn!("review without map pictures: {e}");
            (report, events_on_disk, Vec::new(), false, None)
        }
        (None, Ok(setup)) => {
            let last_event = events_on_disk.last().map(|e| e.t_s).unwrap_or(0);
            let last_journal = journal.last().map(|l| l.t_s).unwrap_or(0);
            let end_s = meta.end_t_s.unwrap_or(0).max(last_event).max(last_journal);
            let replayed = replay(&setup, &journal, end_s)?;
            let refused = 0;
            let report = report::score_of(&replayed.world, refused);
            let events = replayed.world.events().to_vec();
            let moments = replayed.moments(&events, replayed.world.time_s());
            let f = facts(&replayed.world);
            (report, events, moments, true, Some(f))
        }
        (None, Err(e)) => {
            return Err(anyhow::anyhow!(
                "{}: no report.json from the drill's end, and the world cannot be rebuilt: {e}",
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

/// The world replayed, and the pictures taken on the way.
pub struct Replayed {
    pub world: World,
    /// Pictures taken at the candidate key moments, by simulated second.
    pictures: BTreeMap<u32, MapPicture>,
}

impl Replayed {
    /// The pictures of the key moments of `events`, ending at `end_s`.
    pub fn moments(&self, events: &[Event], end_s: u32) -> Vec<MapMoment> {
        key_moments(events, end_s)
            .into_iter()
            .filter_map(|(t_s, label)| {
                let picture = self.pictures.range(t_s..).next().or_else(|| self.pictures.iter().next_back())?.1.clone();
                Some(MapMoment { label, t_s, picture })
            })
            .collect()
    }
}

/// Replays the journal on a fresh world up to `end_s` (or the drill's end), applying each line
/// at its simulated second before the world steps from it, as the drill did, and pictures the
/// map just after each candidate key moment.
pub fn replay(setup: &DrillSetup, journal: &[JournalLine], end_s: u32) -> anyhow::Result<Replayed> {
    let mut world = World::new(setup.scenario.clone(), setup.map.clone(), setup.seed)?;
    let mut pictures = BTreeMap::new();
    let mut next = 0;
    let mut taken: BTreeSet<u32> = BTreeSet::new();
    loop {
        while let Some(line) = journal.get(next).filter(|l| l.t_s <= world.time_s()) {
            next += 1;
            let (Some(order), Ok(from)) = (&line.order, line.role.parse::<Role>()) else { continue };
            world.execute(&Command { from, by: line.player.clone(), order: order.clone() });
        }
        if world.time_s() >= end_s || world.is_finished() {
            break;
        }
        world.step();
        let now = world.time_s();
        for (t, _) in key_moments(world.events(), now) {
            if t < now && taken.insert(t) {
                pictures.insert(t, picture(&world, world.events()));
            }
        }
    }
    let now = world.time_s();
    pictures.insert(now, picture(&world, world.events()));
    Ok(Replayed { world, pictures })
}

//! Replaying a drill from its record: the same scenario, map, seed and journaled commands give
//! the same world bit for bit, so any moment can be rebuilt. [`Replay::build`] plays the drill
//! once and keeps a snapshot (a clone of the [`World`]) every few drill minutes; [`Replay::world_at`]
//! starts from the nearest snapshot at or before the moment and plays forward, so a jump costs at
//! most one snapshot interval of simulation.

use std::sync::Arc;

use crate::map::MapAsset;
use crate::scenario::Scenario;
use crate::world::{Command, SetupError, World};

/// An accepted command as the journal holds it: its line number and the simulated second it
/// was applied at (before the step from that second).
#[derive(Clone, Debug, PartialEq)]
pub struct TimedCommand {
    pub seq: u64,
    pub t_s: u32,
    pub command: Command,
}

/// Snapshots per drill, about: a jump re-simulates at most `1 / SNAPSHOTS` of the drill.
const SNAPSHOTS: u32 = 120;

pub struct Replay {
    /// Worlds at snapshot times, before that second's commands were applied; ascending.
    snapshots: Vec<World>,
    /// Ordered as journaled (seq ascending, so `t_s` never decreases).
    commands: Vec<TimedCommand>,
    end_s: u32,
    final_world: World,
}

impl Replay {
    /// Plays the drill from the start to `end_s` (the drill's end when `None`, or where a
    /// stopped or crashed drill got to), applying `commands` as the server did. `progress` gets
    /// the fraction done, 0–1.
    pub fn build(
        scenario: Arc<Scenario>,
        map: Arc<MapAsset>,
        seed: u64,
        mut commands: Vec<TimedCommand>,
        end_s: Option<u32>,
        progress: &mut dyn FnMut(f32),
    ) -> Result<Replay, SetupError> {
        let mut snapshots = Vec::new();
        let mut last_snapshot: Option<u32> = None;
        let mut every_s = 0;
        let mut end_at = 0;
        let final_world = play(scenario, map, seed, &mut commands, end_s, &mut |world, end_s| {
            let now = world.time_s();
            if last_snapshot.is_none() {
                let tick_s = world.scenario().tick_s.max(1);
                every_s = (end_s / SNAPSHOTS).max(tick_s).div_ceil(tick_s) * tick_s;
                end_at = end_s;
            }
            if last_snapshot.is_none_or(|t| now >= t + every_s) {
                snapshots.push(world.clone());
                last_snapshot = Some(now);
                progress(if end_s == 0 { 1.0 } else { now as f32 / end_s as f32 });
            }
            Ok(())
        })?;
        progress(1.0);
        Ok(Replay { snapshots, commands, end_s: end_at, final_world })
    }

    /// Plays the drill to `end_s` as [`Replay::build`] does, keeping no snapshots: `visit` sees
    /// the world at every second it reaches (the start, then after each step, before that
    /// second's commands: where the server writes its state hashes); an error from it stops
    /// the replay. The world at the end, every command due applied.
    pub fn rebuild(
        scenario: Arc<Scenario>,
        map: Arc<MapAsset>,
        seed: u64,
        mut commands: Vec<TimedCommand>,
        end_s: Option<u32>,
        visit: &mut dyn FnMut(&World) -> Result<(), String>,
    ) -> Result<World, SetupError> {
        play(scenario, map, seed, &mut commands, end_s, &mut |w, _| visit(w))
    }

    /// The simulated second the replay ends at.
    pub fn end_s(&self) -> u32 {
        self.end_s
    }

    /// The world as it stood at `t_s` (clamped to the end): every command journaled at or before
    /// it applied, every tick before it stepped.
    pub fn world_at(&self, t_s: u32) -> World {
        let t_s = t_s.min(self.end_s);
        if t_s >= self.final_world.time_s() {
            return self.final_world.clone();
        }
        let i = self.snapshots.partition_point(|w| w.time_s() <= t_s).saturating_sub(1);
        let mut world = self.snapshots[i].clone();
        let mut next = self.commands.partition_point(|c| c.t_s < world.time_s());
        loop {
            next = apply_due(&mut world, &self.commands, next);
            if world.time_s() >= t_s || world.is_finished() {
                return world;
            }
            world.step();
        }
    }

    /// The world at the end, with every command applied.
    pub fn final_world(&self) -> &World {
        &self.final_world
    }

    /// Commands not applied because the drill ended before their time (a damaged journal).
    pub fn commands(&self) -> &[TimedCommand] {
        &self.commands
    }
}

/// The one home of how a journal is played: commands in seq order (never back in time), those
/// due applied before each step, to `end_s` (clamped to the drill) or the drill's end. `visit`
/// gets the world at each second reached, before its commands, and the end second.
fn play(
    scenario: Arc<Scenario>,
    map: Arc<MapAsset>,
    seed: u64,
    commands: &mut [TimedCommand],
    end_s: Option<u32>,
    visit: &mut dyn FnMut(&World, u32) -> Result<(), String>,
) -> Result<World, SetupError> {
    // A journal is in seq order already; sorting makes a hand-edited one safe to replay.
    commands.sort_by_key(|c| c.seq);
    if commands.windows(2).any(|w| w[1].t_s < w[0].t_s) {
        return Err(SetupError("journal lines go back in time".into()));
    }
    let mut world = World::new(scenario, map, seed)?;
    let end_s = end_s.unwrap_or(world.duration_s()).min(world.duration_s());
    let mut next = 0;
    loop {
        visit(&world, end_s).map_err(SetupError)?;
        next = apply_due(&mut world, commands, next);
        if world.time_s() >= end_s || world.is_finished() {
            break;
        }
        world.step();
    }
    Ok(world)
}

/// Applies the commands from `next` on whose time has come; returns the first not yet due.
fn apply_due(world: &mut World, commands: &[TimedCommand], mut next: usize) -> usize {
    while let Some(c) = commands.get(next).filter(|c| c.t_s <= world.time_s()) {
        world.execute_journaled(&c.command, c.seq);
        next += 1;
    }
    next
}

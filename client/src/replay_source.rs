//! The replay client's one door to the replay engine: open a record directory (building the
//! replay with a progress fraction), the world at any second, the orders each role gave (its
//! side of the communications log), and the score at a moment. A worker thread answers the
//! UI's requests for moments, newest request first, so dragging the slider never blocks a frame.

use std::path::Path;
use std::sync::mpsc::{Receiver, Sender, TryRecvError, channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use sim::map::MapAsset;
use sim::score::Report;
use sim::{Order, Role, World};

use crate::net::Waker;

/// One order of the record: when, by which role and person, what.
#[derive(Clone, Debug)]
pub struct Given {
    pub t_s: u32,
    pub from: Role,
    pub order: Order,
}

/// A record opened for replay.
pub struct Source {
    pub map: Arc<MapAsset>,
    /// The roles on offer in the drill (the controller first).
    pub roles: Vec<Role>,
    given: Vec<Given>,
    engine: Engine,
}

/// The engine behind [`Source`]: the world at a second of the drill.
struct Engine {
    setup: server::drill::DrillSetup,
    commands: Vec<(u32, sim::Command)>,
    end_s: u32,
}

impl Engine {
    /// Plays the record from its start to `t_s`, applying each journaled order at its second
    /// before the step from it, as the drill did.
    fn world_at(&self, t_s: u32) -> World {
        let t_s = t_s.min(self.end_s);
        let mut world = World::new(self.setup.scenario.clone(), self.setup.map.clone(), self.setup.seed)
            .expect("the world was set up once when the record was opened");
        let mut next = 0;
        loop {
            while let Some((at, cmd)) = self.commands.get(next)
                && *at <= world.time_s()
            {
                world.execute(cmd);
                next += 1;
            }
            if world.time_s() >= t_s || world.is_finished() {
                return world;
            }
            world.step();
        }
    }
}

impl Source {
    /// Loads the record in `dir` (scenario, seed, journal) and builds its replay, telling
    /// `progress` the fraction done (0–1). The error says what is wrong, in both languages.
    pub fn open(dir: &Path, progress: &mut dyn FnMut(f32)) -> Result<Source, String> {
        use server::drill::record::{JOURNAL, SCENARIO, SEED};
        let seed_text = std::fs::read_to_string(dir.join(SEED))
            .map_err(|e| format!("记录目录缺少种子 / no seed in the record: {}: {e}", dir.join(SEED).display()))?;
        let seed: u64 = seed_text.trim().parse().map_err(|e| format!("seed.txt: {e}"))?;
        let setup = server::drill::DrillSetup::load(&dir.join(SCENARIO), Some(seed)).map_err(|e| e.to_string())?;
        let journal = server::drill::journal::read_journal(&dir.join(JOURNAL))
            .map_err(|e| format!("{}: {e}", dir.join(JOURNAL).display()))?;
        let mut given = Vec::new();
        let mut commands = Vec::new();
        for line in journal {
            let Some(order) = line.order else { continue };
            let from: Role = line.role.parse().map_err(|e| format!("journal line {}: {e}", line.seq))?;
            given.push(Given { t_s: line.t_s, from: from.clone(), order: order.clone() });
            commands.push((line.t_s, sim::Command { from, by: line.player, order }));
        }
        let mut world = World::new(setup.scenario.clone(), setup.map.clone(), setup.seed).map_err(|e| e.to_string())?;
        let mut roles = vec![Role::Controller];
        roles.extend(world.roles().into_iter().filter(|r| *r != Role::Controller));
        let last_order = commands.last().map(|(t, _)| *t).unwrap_or(0);
        let meta_end = read_meta_end(dir);
        let duration = world.duration_s().max(1);
        let mut next = 0;
        // Play once to find where the record ends (the meta's end, else the drill's end).
        let end_s = loop {
            while let Some((at, cmd)) = commands.get(next)
                && *at <= world.time_s()
            {
                world.execute(cmd);
                next += 1;
            }
            let t = world.time_s();
            if world.is_finished() || meta_end.is_some_and(|e| t >= e) {
                break t.max(last_order);
            }
            world.step();
            progress(world.time_s() as f32 / meta_end.unwrap_or(duration).max(1) as f32);
        };
        progress(1.0);
        let map = setup.map.clone();
        Ok(Source { map, roles, given, engine: Engine { setup, commands, end_s } })
    }

    /// The last second of the record.
    pub fn end_s(&self) -> u32 {
        self.engine.end_s
    }

    /// The world at simulated second `t_s` (clamped to the end).
    pub fn world_at(&self, t_s: u32) -> World {
        self.engine.world_at(t_s)
    }

    /// The orders `role` gave up to `t_s`, oldest first; every order for the controller.
    pub fn given_by<'a>(&'a self, role: &'a Role, t_s: u32) -> impl Iterator<Item = &'a Given> + 'a {
        self.given.iter().filter(move |g| g.t_s <= t_s && (*role == Role::Controller || g.from == *role))
    }
}

/// The record's end from `meta.json` (`end_t_s`), when it was written.
fn read_meta_end(dir: &Path) -> Option<u32> {
    let text = std::fs::read_to_string(dir.join(server::drill::record::META)).ok()?;
    let at = text.find("\"end_t_s\"")?;
    let rest = text[at + 9..].trim_start().strip_prefix(':')?.trim_start();
    rest.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok()
}

/// The score as it stood at the moment `world` is at.
pub fn score_at(world: &World) -> Report {
    // TODO(lead): `sim::score::score_world(world)` once it is on main.
    let mut r = sim::score::score(world.scenario(), world.seed(), world.events(), &world.outcome());
    r.at_min = world.time_s() as f64 / 60.0;
    r
}

/// `--bench-replay`: opens the record, then jumps to 21 moments across it (every 5 % of the
/// drill, visited out of order so jumps go both ways), each jump the world and its score as the
/// client works them out; prints the timings.
pub fn bench(dir: &Path) -> Result<String, String> {
    use std::time::{Duration, Instant};
    let started = Instant::now();
    let source = Source::open(dir, &mut |_| {})?;
    let open = started.elapsed();
    let end = source.end_s();
    const ORDER: [u32; 21] = [10, 20, 0, 15, 5, 19, 1, 12, 7, 18, 3, 14, 9, 16, 2, 11, 6, 17, 4, 13, 8];
    let mut jumps: Vec<(u32, Duration)> = ORDER
        .iter()
        .map(|i| {
            let t = (end as u64 * *i as u64 / 20) as u32;
            let s = Instant::now();
            let world = source.world_at(t);
            std::hint::black_box(score_at(&world));
            (t, s.elapsed())
        })
        .collect();
    jumps.sort_by_key(|(_, d)| *d);
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let mean = jumps.iter().map(|(_, d)| ms(*d)).sum::<f64>() / jumps.len() as f64;
    let (worst_t, worst) = jumps[jumps.len() - 1];
    Ok(format!(
        "replay {}: {} drill min; open (build) {:.0} ms; {} jumps: min {:.1} ms, median {:.1} ms, mean {:.1} ms, \
         max {:.1} ms (to minute {})",
        dir.display(),
        end / 60,
        ms(open),
        jumps.len(),
        ms(jumps[0].1),
        ms(jumps[jumps.len() / 2].1),
        mean,
        ms(worst),
        worst_t / 60
    ))
}

/// A moment of the replay: the world then and its score.
pub struct Moment {
    pub t_s: u32,
    pub world: World,
    pub score: Report,
}

/// The thread that works out moments. Requests queue up; it answers only the newest.
pub struct Worker {
    to_worker: Option<Sender<u32>>,
    from_worker: Mutex<Receiver<Moment>>,
    thread: Option<JoinHandle<()>>,
}

impl Worker {
    pub fn start(source: Arc<Source>, waker: Waker) -> Worker {
        let (to_worker, requests) = channel::<u32>();
        let (answers, from_worker) = channel();
        let thread = std::thread::Builder::new()
            .name("sandtable-replay".into())
            .spawn(move || {
                while let Ok(mut t_s) = requests.recv() {
                    // Only the newest request matters.
                    while let Ok(newer) = requests.try_recv() {
                        t_s = newer;
                    }
                    let world = source.world_at(t_s);
                    let score = score_at(&world);
                    if answers.send(Moment { t_s: world.time_s(), world, score }).is_err() {
                        return;
                    }
                    if let Some(w) = &waker {
                        let _ = w.send_event(bevy::winit::WinitUserEvent::WakeUp);
                    }
                }
            })
            .ok();
        Worker { to_worker: Some(to_worker), from_worker: Mutex::new(from_worker), thread }
    }

    /// Asks for the world at `t_s`.
    pub fn request(&self, t_s: u32) {
        if let Some(tx) = &self.to_worker {
            let _ = tx.send(t_s);
        }
    }

    /// The newest moment worked out since the last call.
    pub fn latest(&self) -> Option<Moment> {
        let rx = self.from_worker.lock().ok()?;
        let mut last = None;
        loop {
            match rx.try_recv() {
                Ok(m) => last = Some(m),
                Err(TryRecvError::Empty | TryRecvError::Disconnected) => return last,
            }
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        // Closing the channel ends the thread after the moment it is working on.
        self.to_worker.take();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

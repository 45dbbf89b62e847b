//! The replay client's one door to the replay engine: open a record directory (building the
//! replay with a progress fraction), the world at any second, the orders each role gave (its
//! side of the communications log), and the score at a moment. A worker thread answers the
//! UI's requests for moments, newest request first, so dragging the slider never blocks a frame.

use std::path::Path;
use std::sync::mpsc::{Receiver, Sender, TryRecvError, channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use sim::map::MapAsset;
use sim::replay::Replay;
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
    replay: Replay,
}

impl Source {
    /// Loads the record in `dir` (`server::drill::recorded::load_record`) and builds its replay
    /// (`sim::replay::Replay`: snapshots), telling `progress` the fraction done (0–1).
    pub fn open(dir: &Path, progress: &mut dyn FnMut(f32)) -> Result<Source, String> {
        let record = server::drill::recorded::load_record(dir).map_err(|e| format!("{e:#}"))?;
        let given = record
            .commands()
            .map_err(|e| format!("{e:#}"))?
            .into_iter()
            .map(|c| Given { t_s: c.t_s, from: c.command.from, order: c.command.order })
            .collect();
        let replay = record.replay(progress).map_err(|e| format!("{e:#}"))?;
        let mut roles = vec![Role::Controller];
        roles.extend(replay.final_world().roles().into_iter().filter(|r| *r != Role::Controller));
        Ok(Source { map: record.setup.map.clone(), roles, given, replay })
    }

    /// The last second of the record.
    pub fn end_s(&self) -> u32 {
        self.replay.end_s()
    }

    /// The world at simulated second `t_s` (clamped to the end).
    pub fn world_at(&self, t_s: u32) -> World {
        self.replay.world_at(t_s)
    }

    /// The orders `role` gave up to `t_s`, oldest first; every order for the controller.
    pub fn given_by<'a>(&'a self, role: &'a Role, t_s: u32) -> impl Iterator<Item = &'a Given> + 'a {
        self.given.iter().filter(move |g| g.t_s <= t_s && (*role == Role::Controller || g.from == *role))
    }
}

/// The score as it stood at the moment `world` is at.
pub fn score_at(world: &World) -> Report {
    sim::score::score_world(world)
}

/// `--bench-replay`: opens the record, then jumps to 62 moments across it (the start, the end
/// and every 61st of the drill between, visited out of order so jumps go both ways and land at
/// every distance from a snapshot), each jump the world and its score as the client works them
/// out; prints the timings.
pub fn bench(dir: &Path) -> Result<String, String> {
    use std::time::{Duration, Instant};
    let started = Instant::now();
    let source = Source::open(dir, &mut |_| {})?;
    let open = started.elapsed();
    let end = source.end_s();
    // 23 is prime to 61: k runs over 0..61 out of order; then the end.
    let moments = (0..61u64).map(|i| (end as u64 * (i * 23 % 61) / 61) as u32).chain([end]);
    let mut jumps: Vec<(u32, Duration)> = moments
        .map(|t| {
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

//! Rescue teams: muster, travel the road graph (rerouting round closed roads), work on site.
//!
//! Limits (documented for trainers): teams travel by vehicle on the road graph and never enter a
//! closed road — one with water of 0.3 m or more, fire burning (or just burned), or debris,
//! which stays until a team clears it (`world::roads`). A route is planned round
//! closed roads; a road that closes ahead makes the team reroute from the last junction, and one
//! that closes under a team makes it turn back to the junction it came from (the time to drive
//! back) and reroute from there. With no open route the team is blocked and says so.
//!
//! The road ends at the junction nearest the job; from there the team walks to the site itself
//! (a village far from any road, a point in the hills) at [`OFF_ROAD_M_PER_S`], and that leg
//! counts in its travel time ([`off_road_s`], the one home of it). The walk back to the road
//! on the next job is not counted. A load of materials pays the same leg at its consignee's end
//! ([`last_leg_s`], called by `World::drive_s`).

use serde::{Deserialize, Serialize};

use crate::map::{MapAsset, RoadGraph, Xy};
use crate::roles::Role;
use crate::scenario::{Place, Scenario, TeamKind};
use crate::world::SetupError;
use crate::world::orders::Task;

/// Metres of sandbag line or firebreak one team builds in the time `task_minutes` gives; a
/// longer line takes proportionally longer (a drill assumption, see ARCHITECTURE.md).
pub const LINE_M_PER_SHIFT: f64 = 300.0;

/// A team's speed off the road, from the last junction to the site: on foot with its kit, as on
/// a footpath (m/s).
pub const OFF_ROAD_M_PER_S: f64 = 4.0 / 3.6;

/// Seconds a team takes to cover `m` metres off the road.
pub fn off_road_s(m: f64) -> f64 {
    m / OFF_ROAD_M_PER_S
}

/// Minutes a task takes on site once the team has arrived (a line task: per
/// [`LINE_M_PER_SHIFT`] of line). `Watch` lasts until the team is sent elsewhere.
pub fn task_minutes(task: Task) -> f64 {
    match task {
        Task::Evacuate => 30.0,
        Task::MoveVulnerable => 30.0,
        Task::Sandbag => 60.0,
        Task::Firebreak => 90.0,
        Task::AttackFire => 60.0,
        Task::Rescue => 30.0,
        Task::ClearRoad => 60.0,
        Task::Watch => f64::INFINITY,
        Task::Pump => 30.0,
    }
}

/// Where a team's job is, resolved on the map.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum JobPlace {
    /// A village (index into the world's villages).
    Village(usize),
    Point(Xy),
    /// A line drawn on the map, map metres.
    Path(Vec<Xy>),
}

/// A team's current job: a task at a place, or (no task) a move on its own initiative.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Job {
    /// `None`: a move to a point (`MoveTo`).
    pub task: Option<Task>,
    pub place: JobPlace,
    /// The road node the team drives to.
    pub node: Option<u32>,
    /// Where the job is on the map (the village, the point, a path's start): the team walks
    /// from `node` to here.
    pub site: Xy,
    /// Minutes of work on site.
    pub minutes: f64,
    /// The team said it accepts the task (`AcceptTask`).
    pub accepted: bool,
    /// Who gave the job (told when the team accepts, refuses, waits or reports).
    pub by: Role,
    /// The village nearest the job: its name labels the job in views; its stock feeds the task.
    pub village: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Activity {
    Idle,
    Mustering {
        until_s: u32,
    },
    /// Travelling: `edges` still to drive, the first one partly done.
    Moving {
        edges: Vec<u32>,
        from_node: u32,
        done_m: f64,
    },
    Working {
        until_s: u32,
    },
    /// On site, waiting for the material the task needs: (material, amount missing).
    Waiting {
        material: String,
        missing: u32,
    },
    Blocked,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Team {
    pub name: String,
    pub kind: TeamKind,
    pub size: u32,
    pub township: Option<String>,
    pub muster_s: u32,
    /// The road node the team is at (or last passed).
    pub node: u32,
    pub pos: Xy,
    pub activity: Activity,
    /// Current assignment.
    pub job: Option<Job>,
}

/// What happened to a team during one tick.
#[derive(Debug, PartialEq)]
pub enum TeamUpdate {
    None,
    StartedMoving,
    Arrived,
    TaskDone,
    CannotReach,
}

impl Team {
    /// One tick of movement or work. `target` is the road node of the job's village;
    /// `closed(edge)` tells which roads are impassable now.
    pub fn step(
        &mut self,
        now_s: u32,
        tick_s: u32,
        roads: &RoadGraph,
        target: Option<u32>,
        closed: &dyn Fn(u32) -> bool,
    ) -> TeamUpdate {
        match &mut self.activity {
            Activity::Idle | Activity::Blocked | Activity::Waiting { .. } => TeamUpdate::None,
            Activity::Mustering { until_s } => {
                if now_s < *until_s {
                    return TeamUpdate::None;
                }
                self.start_route(roads, target, closed)
            }
            Activity::Working { until_s } => {
                if now_s >= *until_s {
                    self.activity = Activity::Idle;
                    TeamUpdate::TaskDone
                } else {
                    TeamUpdate::None
                }
            }
            Activity::Moving { .. } => self.drive(now_s, tick_s as f64, roads, target, closed),
        }
    }

    fn start_route(&mut self, roads: &RoadGraph, target: Option<u32>, closed: &dyn Fn(u32) -> bool) -> TeamUpdate {
        let Some(target) = target else {
            self.activity = Activity::Blocked;
            return TeamUpdate::CannotReach;
        };
        match roads.route(self.node, target, closed) {
            Some(route) => {
                self.activity = Activity::Moving { edges: route.edges, from_node: self.node, done_m: 0.0 };
                TeamUpdate::StartedMoving
            }
            None => {
                self.activity = Activity::Blocked;
                TeamUpdate::CannotReach
            }
        }
    }

    fn drive(
        &mut self,
        now_s: u32,
        mut seconds: f64,
        roads: &RoadGraph,
        target: Option<u32>,
        closed: &dyn Fn(u32) -> bool,
    ) -> TeamUpdate {
        loop {
            let Activity::Moving { edges, from_node, done_m } = &mut self.activity else { return TeamUpdate::None };
            let Some(&edge_id) = edges.first() else {
                // Off the road: on foot from the junction to the site (`done_m` counts this leg).
                if let Some((from, site, leg_m)) = self.job.as_ref().and_then(|j| job_leg(roads, j)) {
                    let left_m = leg_m - *done_m;
                    if seconds * OFF_ROAD_M_PER_S < left_m {
                        *done_m += seconds * OFF_ROAD_M_PER_S;
                        let f = *done_m / leg_m;
                        self.pos = [from[0] + (site[0] - from[0]) * f, from[1] + (site[1] - from[1]) * f];
                        return TeamUpdate::None;
                    }
                    self.pos = site;
                }
                let minutes = self.job.as_ref().map_or(0.0, |j| j.minutes);
                self.activity = Activity::Working { until_s: until(now_s, minutes) };
                return TeamUpdate::Arrived;
            };
            // A road closed ahead: reroute from the last node passed (teams turn back).
            if *done_m == 0.0 && closed(edge_id) {
                return self.start_route(roads, target, closed);
            }
            let edge = &roads.edges[edge_id as usize];
            let speed = edge.class.speed_m_per_s();
            // The road closed under the team: drive back to the junction it came from, then reroute.
            if closed(edge_id) {
                let back_s = (*done_m / speed).ceil() as u32;
                self.node = *from_node;
                self.pos = roads.nodes[*from_node as usize];
                self.activity = Activity::Mustering { until_s: now_s + back_s };
                return TeamUpdate::None;
            }
            let left_m = edge.length_m - *done_m;
            let next_node = if edge.a == *from_node { edge.b } else { edge.a };
            if seconds * speed >= left_m {
                seconds -= left_m / speed;
                *from_node = next_node;
                *done_m = 0.0;
                edges.remove(0);
                self.node = next_node;
                self.pos = roads.nodes[next_node as usize];
            } else {
                *done_m += seconds * speed;
                let f = *done_m / edge.length_m.max(1e-9);
                let (a, b) = (roads.nodes[*from_node as usize], roads.nodes[next_node as usize]);
                self.pos = [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f];
                return TeamUpdate::None;
            }
        }
    }

    /// Seconds left to reach the target, for the views: the road still to drive, then the walk.
    pub fn eta_s(&self, roads: &RoadGraph) -> u32 {
        match &self.activity {
            Activity::Moving { edges, done_m, .. } => {
                let t: f64 = edges
                    .iter()
                    .map(|&e| roads.edges[e as usize].length_m / roads.edges[e as usize].class.speed_m_per_s())
                    .sum();
                let leg_s = self.job.as_ref().map_or(0.0, |j| last_leg_s(roads, j.node, j.site));
                let done_s = match edges.first() {
                    Some(&e) => done_m / roads.edges[e as usize].class.speed_m_per_s(),
                    None => off_road_s(*done_m),
                };
                (t + leg_s - done_s).max(0.0) as u32
            }
            _ => 0,
        }
    }
}

/// The drill's rescue teams.
#[derive(Clone)]
pub struct Teams {
    pub list: Vec<Team>,
}

impl Teams {
    pub(crate) fn new(
        s: &Scenario,
        map: &MapAsset,
        place: &dyn Fn(&str, &Place) -> Result<Xy, SetupError>,
    ) -> Result<Teams, SetupError> {
        let roads = &map.features.roads;
        let mut list = Vec::new();
        for t in &s.teams {
            let pos = place(&t.name, &t.base)?;
            let node = roads.nearest_node(pos).ok_or_else(|| SetupError("the map has no roads".into()))?;
            list.push(Team {
                name: t.name.clone(),
                kind: t.kind,
                size: t.size,
                township: t.township.clone(),
                muster_s: (t.muster_min * 60.0).round() as u32,
                node,
                pos: roads.nodes[node as usize],
                activity: Activity::Idle,
                job: None,
            });
        }
        Ok(Teams { list })
    }

    pub fn index(&self, name: &str) -> Option<usize> {
        self.list.iter().position(|t| t.name == name)
    }

    /// Gives team `ti` a job: a team at rest musters first; one already deployed turns to the
    /// new job at once.
    pub(crate) fn dispatch(&mut self, ti: usize, job: Job, now_s: u32) {
        let t = &mut self.list[ti];
        t.job = Some(job);
        t.activity = match t.activity {
            Activity::Idle => Activity::Mustering { until_s: now_s + t.muster_s },
            _ => Activity::Mustering { until_s: now_s },
        };
    }

    /// The team drops its job and stops where it is (a refused task, the end of a move).
    pub(crate) fn stand_down(&mut self, ti: usize) {
        let t = &mut self.list[ti];
        t.job = None;
        t.activity = Activity::Idle;
    }
}

/// The walk at the end of a road route ending at junction `node`: (the junction, the site,
/// metres), when `site` is off the road by more than a metre. Teams walk it; shipments are
/// carried over it ([`last_leg_s`]).
pub fn off_road_leg(roads: &RoadGraph, node: Option<u32>, site: Xy) -> Option<(Xy, Xy, f64)> {
    let from = *roads.nodes.get(node? as usize)?;
    let m = (site[0] - from[0]).hypot(site[1] - from[1]);
    (m > 1.0).then_some((from, site, m))
}

/// Seconds of the walk from junction `node` to `site` (0 on the road): what a route ending
/// there costs on top of the drive, for a team and for a load of materials alike.
pub fn last_leg_s(roads: &RoadGraph, node: Option<u32>, site: Xy) -> f64 {
    off_road_leg(roads, node, site).map_or(0.0, |(_, _, m)| off_road_s(m))
}

/// The walk at the end of a job's route.
fn job_leg(roads: &RoadGraph, job: &Job) -> Option<(Xy, Xy, f64)> {
    off_road_leg(roads, job.node, job.site)
}

/// The end of `minutes` of work from `now_s` (never, for an endless task).
pub(crate) fn until(now_s: u32, minutes: f64) -> u32 {
    if minutes.is_finite() { now_s.saturating_add((minutes * 60.0) as u32) } else { u32::MAX }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::map::{RoadClass, RoadEdge};

    #[test]
    fn drives_the_route_and_arrives_then_works() {
        let mut g = RoadGraph {
            nodes: vec![[0.0, 0.0], [5000.0, 0.0], [10000.0, 0.0]],
            edges: vec![
                RoadEdge { a: 0, b: 1, length_m: 5000.0, class: RoadClass::Main, name: None },
                RoadEdge { a: 1, b: 2, length_m: 5000.0, class: RoadClass::Main, name: None },
            ],
            adjacency: vec![],
        };
        g.rebuild_adjacency();
        let mut t = ready_team(Task::Sandbag);
        let open = |_| false;
        assert_eq!(t.step(0, 60, &g, Some(2), &open), TeamUpdate::StartedMoving);
        let mut now = 0;
        let mut arrived_at = None;
        while now < 3600 {
            now += 60;
            if t.step(now, 60, &g, Some(2), &open) == TeamUpdate::Arrived {
                arrived_at = Some(now);
                break;
            }
        }
        // 10 km at 50 km/h = 12 minutes.
        assert!(matches!(arrived_at, Some(720) | Some(780)), "{arrived_at:?}");
        assert_eq!(t.pos, [10000.0, 0.0]);
        assert_eq!(t.step(now + 3600, 60, &g, Some(2), &open), TeamUpdate::TaskDone);
    }

    #[test]
    fn the_walk_from_the_road_to_a_village_off_it_counts() {
        let mut g = RoadGraph {
            nodes: vec![[0.0, 0.0], [10000.0, 0.0]],
            edges: vec![RoadEdge { a: 0, b: 1, length_m: 10000.0, class: RoadClass::Main, name: None }],
            adjacency: vec![],
        };
        g.rebuild_adjacency();
        let arrival = |site: Xy| {
            let mut t = ready_team(Task::Evacuate);
            let job = t.job.as_mut().unwrap();
            (job.node, job.site) = (Some(1), site);
            let open = |_| false;
            assert_eq!(t.step(0, 60, &g, Some(1), &open), TeamUpdate::StartedMoving);
            let eta = t.eta_s(&g);
            for now in (60..6 * 3600).step_by(60) {
                if t.step(now, 60, &g, Some(1), &open) == TeamUpdate::Arrived {
                    return (now, eta, t.pos);
                }
            }
            panic!("never arrived at {site:?}");
        };
        // On the road: 10 km at 50 km/h, 12 minutes.
        let (on_road, eta, pos) = arrival([10000.0, 0.0]);
        assert!((720..=780).contains(&on_road) && (719..=720).contains(&eta), "{on_road} {eta}");
        assert_eq!(pos, [10000.0, 0.0]);
        // 2 km beyond the road's end: 12 minutes of driving, then 30 of walking at 4 km/h.
        let (off_road, eta, pos) = arrival([10000.0, 2000.0]);
        assert!((2519..=2520).contains(&eta), "{eta}");
        assert!((2520..=2580).contains(&off_road), "{off_road}");
        assert_eq!(pos, [10000.0, 2000.0]);
        assert_eq!(off_road_s(2000.0), 1800.0);
    }

    /// A township team at node 0, mustered and about to leave for a job at village 0.
    fn ready_team(task: Task) -> Team {
        Team {
            name: "T".into(),
            kind: TeamKind::Township,
            size: 20,
            township: None,
            muster_s: 0,
            node: 0,
            pos: [0.0, 0.0],
            activity: Activity::Mustering { until_s: 0 },
            job: Some(Job {
                task: Some(task),
                place: JobPlace::Village(0),
                node: Some(2),
                site: [10000.0, 0.0],
                minutes: task_minutes(task),
                accepted: false,
                by: Role::Command(None),
                village: 0,
            }),
        }
    }

    /// Two ways from 0 to 2: a short main road through 1 and a long track through 3.
    fn two_routes() -> RoadGraph {
        let mut g = RoadGraph {
            nodes: vec![[0.0, 0.0], [5000.0, 0.0], [10000.0, 0.0], [5000.0, 8000.0]],
            edges: vec![
                RoadEdge { a: 0, b: 1, length_m: 5000.0, class: RoadClass::Main, name: None },
                RoadEdge { a: 1, b: 2, length_m: 5000.0, class: RoadClass::Main, name: None },
                RoadEdge { a: 0, b: 3, length_m: 9500.0, class: RoadClass::Main, name: None },
                RoadEdge { a: 3, b: 2, length_m: 9500.0, class: RoadClass::Main, name: None },
            ],
            adjacency: vec![],
        };
        g.rebuild_adjacency();
        g
    }

    #[test]
    fn a_road_closing_under_the_team_sends_it_back_and_round() {
        let g = two_routes();
        let mut t = ready_team(Task::Rescue);
        let open = |_| false;
        assert_eq!(t.step(0, 60, &g, Some(2), &open), TeamUpdate::StartedMoving);
        assert!(matches!(&t.activity, Activity::Moving { edges, .. } if edges == &vec![0, 1]));
        t.step(60, 60, &g, Some(2), &open);
        assert!(t.pos[0] > 0.0 && t.pos[0] < 5000.0, "{:?}", t.pos);
        // Water over the first road (edge 0) while the team is on it: back to node 0, then round by 3.
        let flooded = |e: u32| e == 0;
        assert_eq!(t.step(120, 60, &g, Some(2), &flooded), TeamUpdate::None);
        assert_eq!((t.node, t.pos), (0, [0.0, 0.0]));
        let mut now = 120;
        loop {
            now += 60;
            if t.step(now, 60, &g, Some(2), &flooded) == TeamUpdate::StartedMoving {
                break;
            }
            assert!(now < 600, "never set off again");
        }
        assert!(matches!(&t.activity, Activity::Moving { edges, .. } if edges == &vec![2, 3]));
    }

    #[test]
    fn with_every_way_closed_the_team_is_blocked() {
        let g = two_routes();
        let mut t = ready_team(Task::Rescue);
        let debris = |e: u32| e == 1 || e == 3;
        assert_eq!(t.step(0, 60, &g, Some(2), &debris), TeamUpdate::CannotReach);
        assert_eq!(t.activity, Activity::Blocked);
    }
}

//! Villagers and their shelters: at home until evacuated; walking to their shelter; hit by a
//! hazard if still home.
//!
//! Rules (documented for trainers):
//! - After an evacuation order, people leave at `population / 30 min`, twice that with a team
//!   helping on site (`Evacuate`).
//! - The vulnerable (elderly, disabled, children) leave at a quarter of that rate and walk at
//!   half the pace unless a team helps them on site (`MoveVulnerable` or `Evacuate`); with help
//!   they go first, at the others' pace.
//! - A village's `refuse_percent` of its able people refuse to leave until a team comes to
//!   evacuate them on site (`Evacuate` or `MoveVulnerable`).
//! - A shelter takes people up to its capacity, counted when they set off. Those who cannot go
//!   wait at home (reported once per village and shelter: `ShelterFull` and a message to the
//!   command post) until they are sent to another shelter (`Evacuate` with a shelter). People a
//!   team rescues are never turned away.
//! - `ReturnHome` sends the evacuated people (in the shelter or on the way) home, unless the
//!   village is held (管控, `HoldVillage`); they are then at home like anyone else.
//! - The walk to the shelter takes the straight distance × 1.3 at 1.2 m/s.
//! - A hazard reaching a village with people at home kills a share of them and traps the rest
//!   until a team rescues them. It reaches the village when dangerous water lies in the
//!   village's cell — FD2320 flood hazard rating HR = d (v + 0.5) + DF of at least 0.75,
//!   "danger for some" (`hazard::flood::hazard_rating`; still water 0.5 m deep rates 0.75) —
//!   or fire burns or debris lies in its cell or the eight around it. Shares: water 1 % per
//!   unit of HR (at most 10 %), fire 3 %, debris 25 %. A warning halves the share (people move
//!   upstairs, away from the slope). Each hazard hits a village once.

use serde::{Deserialize, Serialize};

use crate::map::{MapAsset, Xy};
use crate::scenario::{Place, Scenario};
use crate::world::orders::HazardKind;
use crate::world::plan_state::PlanState;
use crate::world::{EventKind, SetupError, dist};

const EVACUATION_MINUTES: f64 = 30.0;
/// Share of the evacuation rate at which the vulnerable leave without a team's help.
const VULNERABLE_RATE: f64 = 0.25;
/// FD2320 hazard rating from which water in a village hurts people ("danger for some").
pub const FLOOD_DANGER_RATING: f64 = 0.75;
const WALK_M_PER_S: f64 = 1.2;
const ROUTE_FACTOR: f64 = 1.3;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Village {
    pub name: String,
    pub name_zh: Option<String>,
    pub township: Option<String>,
    pub pos: Xy,
    pub cell: usize,
    pub road_node: Option<u32>,
    pub population: u32,
    pub vulnerable: u32,
    pub shelter: Option<usize>,
    pub walk_s: u32,
    pub at_home: u32,
    /// Groups on their way: (arrival time, people).
    pub in_transit: Vec<(u32, u32)>,
    pub in_shelter: u32,
    pub casualties: u32,
    pub trapped: u32,
    pub warned: bool,
    pub evacuation_ordered: bool,
    /// Hazards that have reached the village (each counts once).
    pub hit_by: Vec<HazardKind>,
    pub team_helping: bool,
    /// A team moves the vulnerable on site (`MoveVulnerable`).
    pub vulnerable_helped: bool,
    /// Vulnerable people still at home (part of `at_home`).
    pub vulnerable_home: u32,
    /// Able people at home who refuse to leave until a team comes (part of `at_home`).
    pub refusers: u32,
    /// People ready to leave but waiting at home because the shelter is full (part of `at_home`).
    pub waiting: u32,
    /// 管控: evacuated people may not return home.
    pub held: bool,
    /// People placed in each shelter (index, count), counted when they set off.
    pub placed: Vec<(usize, u32)>,
    /// The last head count (转移到位) the village reported.
    pub head_count: Option<u32>,
    /// Leftover fraction of a person from the evacuation rate (able, vulnerable).
    leaving_carry: f64,
    vulnerable_carry: f64,
    /// The shelter a `ShelterFull` was last reported for.
    pub overflow_reported: Option<usize>,
    pub evacuated_event_sent: bool,
}

impl Village {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        name: String,
        name_zh: Option<String>,
        township: Option<String>,
        pos: Xy,
        cell: usize,
        road_node: Option<u32>,
        population: u32,
        vulnerable: u32,
    ) -> Village {
        Village {
            name,
            name_zh,
            township,
            pos,
            cell,
            road_node,
            population,
            vulnerable,
            shelter: None,
            walk_s: 0,
            at_home: population,
            in_transit: Vec::new(),
            in_shelter: 0,
            casualties: 0,
            trapped: 0,
            warned: false,
            evacuation_ordered: false,
            hit_by: Vec::new(),
            team_helping: false,
            vulnerable_helped: false,
            vulnerable_home: vulnerable.min(population),
            refusers: 0,
            waiting: 0,
            held: false,
            placed: Vec::new(),
            head_count: None,
            leaving_carry: 0.0,
            vulnerable_carry: 0.0,
            overflow_reported: None,
            evacuated_event_sent: false,
        }
    }

    /// `percent` of the able people refuse to leave until a team comes.
    pub fn set_refusers(&mut self, percent: f64) {
        let able = self.population - self.vulnerable_home;
        self.refusers = ((able as f64 * percent / 100.0).round() as u32).min(able);
    }

    pub fn set_shelter(&mut self, shelter: usize, shelter_pos: Xy) {
        self.shelter = Some(shelter);
        let d = (self.pos[0] - shelter_pos[0]).hypot(self.pos[1] - shelter_pos[1]);
        self.walk_s = (d * ROUTE_FACTOR / WALK_M_PER_S).round() as u32;
    }

    /// Moves people for one tick. `room` is what the shelter can still take (it is reduced by
    /// those who set off). Returns (everyone who could leave has arrived, people placed).
    pub fn step_evacuation(&mut self, now_s: u32, tick_s: u32, room: &mut u32) -> (bool, u32) {
        let mut placed = 0;
        self.waiting = 0;
        if self.evacuation_ordered && self.at_home > 0 {
            if self.team_helping || self.vulnerable_helped {
                self.refusers = 0;
            }
            let helped_v = self.team_helping || self.vulnerable_helped;
            let per_min = self.population as f64 / EVACUATION_MINUTES * if self.team_helping { 2.0 } else { 1.0 };
            let minutes = tick_s as f64 / 60.0;
            // One budget of people per tick; the vulnerable take their share of it first (all of
            // it with help, a quarter without).
            let want = per_min * minutes + self.leaving_carry;
            let total = want.floor() as u32;
            self.leaving_carry = want - want.floor();
            let want_v = per_min * if helped_v { 1.0 } else { VULNERABLE_RATE } * minutes + self.vulnerable_carry;
            let able_home = self.at_home.saturating_sub(self.vulnerable_home + self.refusers);
            let mut n_v = (want_v.floor() as u32).min(self.vulnerable_home).min(total);
            self.vulnerable_carry = if self.vulnerable_home > n_v { want_v - want_v.floor() } else { 0.0 };
            let mut n = (total - n_v).min(able_home);
            // The vulnerable first, then the others, as far as the shelter has room.
            if n_v + n > *room {
                n_v = n_v.min(*room);
                n = n.min(*room - n_v);
                self.waiting = self.at_home.saturating_sub(self.refusers + n_v + n);
            }
            *room -= n_v + n;
            if n_v > 0 {
                self.vulnerable_home -= n_v;
                let walk = if helped_v { self.walk_s } else { self.walk_s * 2 };
                self.in_transit.push((now_s + walk, n_v));
            }
            if n > 0 {
                self.in_transit.push((now_s + self.walk_s, n));
            }
            self.at_home -= n_v + n;
            placed = n_v + n;
            if placed > 0
                && let Some(s) = self.shelter
            {
                match self.placed.iter_mut().find(|(i, _)| *i == s) {
                    Some((_, c)) => *c += placed,
                    None => self.placed.push((s, placed)),
                }
            }
        }
        let arrived: u32 = self.in_transit.iter().filter(|(t, _)| *t <= now_s).map(|(_, n)| n).sum();
        self.in_transit.retain(|(t, _)| *t > now_s);
        self.in_shelter += arrived;
        let done = self.evacuation_ordered && self.at_home == 0 && self.in_transit.is_empty() && self.trapped == 0;
        (done, placed)
    }

    /// Evacuated people go home (`ReturnHome`): returns how many, and the people each shelter
    /// lost (index, count).
    pub fn return_home(&mut self) -> (u32, Vec<(usize, u32)>) {
        let n = self.in_shelter + self.in_transit.iter().map(|(_, n)| n).sum::<u32>();
        self.in_shelter = 0;
        self.in_transit.clear();
        self.at_home += n;
        self.vulnerable_home = self.vulnerable.min(self.at_home);
        self.refusers = self.refusers.min(self.at_home - self.vulnerable_home);
        self.evacuation_ordered = false;
        self.evacuated_event_sent = false;
        self.overflow_reported = None;
        (n, std::mem::take(&mut self.placed))
    }

    /// A hazard reaches the village: returns (casualties, trapped) among those still at home.
    /// `flood_rating` is the FD2320 hazard rating of the water (ignored for fire and debris).
    pub fn hit(&mut self, hazard: HazardKind, flood_rating: f64) -> (u32, u32) {
        self.hit_by.push(hazard);
        let share = match hazard {
            HazardKind::Flood => 0.01 * flood_rating.clamp(0.0, 10.0),
            HazardKind::Fire => 0.03,
            HazardKind::Landslide => 0.25,
        } * if self.warned { 0.5 } else { 1.0 };
        let casualties = (self.at_home as f64 * share).round() as u32;
        let trapped = self.at_home - casualties;
        self.casualties += casualties;
        self.trapped += trapped;
        self.at_home = 0;
        self.vulnerable_home = 0;
        self.refusers = 0;
        self.waiting = 0;
        (casualties, trapped)
    }

    /// A team brings the trapped out to the shelter (never turned away there).
    pub fn rescue(&mut self, now_s: u32) -> u32 {
        let n = self.trapped;
        if n > 0 {
            self.trapped = 0;
            self.in_transit.push((now_s + self.walk_s / 2, n));
            if let Some(s) = self.shelter {
                match self.placed.iter_mut().find(|(i, _)| *i == s) {
                    Some((_, c)) => *c += n,
                    None => self.placed.push((s, n)),
                }
            }
        }
        n
    }

    pub fn safe(&self) -> u32 {
        self.in_shelter
    }
}

/// What became of a village's people, for the score and the report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VillageOutcome {
    pub village: String,
    /// The township the village belongs to (from the map), for county exercises.
    #[serde(default)]
    pub township: Option<String>,
    pub population: u32,
    /// The hazard was seen near the village or reached it.
    pub threatened: bool,
    pub hit_by: Vec<HazardKind>,
    pub at_home: u32,
    pub in_shelter: u32,
    pub in_transit: u32,
    pub casualties: u32,
    pub trapped: u32,
}

/// A shelter (避险安置点) villages evacuate to.
#[derive(Clone, Debug, Serialize)]
pub struct Shelter {
    pub name: String,
    pub pos: Xy,
    pub capacity: u32,
    /// People in it or on their way to it.
    pub occupied: u32,
}

/// Everyone the drill protects: the villages, and the shelters they go to.
#[derive(Clone)]
pub struct People {
    pub villages: Vec<Village>,
    pub shelters: Vec<Shelter>,
}

impl People {
    pub(crate) fn new(
        s: &Scenario,
        map: &MapAsset,
        place: &dyn Fn(&str, &Place) -> Result<Xy, SetupError>,
    ) -> Result<People, SetupError> {
        let mut shelters = Vec::new();
        for sh in &s.shelters {
            shelters.push(Shelter {
                name: sh.name.clone(),
                pos: place(&sh.name, &sh.at)?,
                capacity: sh.capacity,
                occupied: 0,
            });
        }
        let mut villages = Vec::new();
        for v in &s.villages {
            let m = map
                .settlement(&v.name)
                .ok_or_else(|| SetupError(format!("village {} is not on map {}", v.name, s.map)))?;
            let cell =
                map.grid.cell_at(m.pos).ok_or_else(|| SetupError(format!("village {} is off the grid", v.name)))?;
            let node = m.road_node.or_else(|| map.features.roads.nearest_node(m.pos));
            let name_zh = v.name_zh.clone().or(m.name_zh.clone());
            let mut village = Village::new(
                v.name.clone(),
                name_zh,
                v.township.clone().or_else(|| m.township.clone()),
                m.pos,
                cell,
                node,
                v.population,
                v.vulnerable,
            );
            village.set_refusers(v.refuse_percent);
            if let Some(name) = &v.shelter {
                let i = shelters
                    .iter()
                    .position(|x| &x.name == name)
                    .ok_or_else(|| SetupError(format!("village {}: unknown shelter {name}", v.name)))?;
                village.set_shelter(i, shelters[i].pos);
            } else if let Some((i, sh)) =
                shelters.iter().enumerate().min_by(|a, b| dist(a.1.pos, m.pos).total_cmp(&dist(b.1.pos, m.pos)))
            {
                village.set_shelter(i, sh.pos);
            } else {
                // No shelter named: people go to high ground 1 km away.
                village.set_shelter(usize::MAX, [m.pos[0] + 1000.0, m.pos[1]]);
            }
            villages.push(village);
        }
        Ok(People { villages, shelters })
    }

    /// A village by its map name or its Chinese name.
    pub fn index(&self, name: &str) -> Option<usize> {
        self.villages.iter().position(|v| v.name == name || v.name_zh.as_deref() == Some(name))
    }

    pub fn shelter_index(&self, name: &str) -> Option<usize> {
        self.shelters.iter().position(|s| s.name == name)
    }

    pub fn shelter_name(&self, village: &Village) -> Option<&str> {
        village.shelter.and_then(|i| self.shelters.get(i)).map(|s| s.name.as_str())
    }

    pub fn nearest(&self, xy: Xy) -> Option<&Village> {
        self.villages.iter().min_by(|a, b| dist(a.pos, xy).total_cmp(&dist(b.pos, xy)))
    }

    /// One tick: hazards reaching villages (`hits(cell)` lists what reaches a village's cell),
    /// then evacuation within the shelters' room. Returns the events.
    pub(crate) fn step(
        &mut self,
        now_s: u32,
        tick_s: u32,
        hits: &dyn Fn(usize) -> Vec<(HazardKind, f64)>,
    ) -> Vec<EventKind> {
        let mut events = Vec::new();
        for vi in 0..self.villages.len() {
            let v = &mut self.villages[vi];
            for (hazard, rating) in hits(v.cell) {
                if !v.hit_by.contains(&hazard) {
                    let (casualties, trapped) = v.hit(hazard, rating);
                    events.push(EventKind::VillageHit { village: v.name.clone(), hazard, casualties, trapped });
                }
            }
            let shelter = v.shelter.and_then(|s| self.shelters.get(s).map(|sh| (s, sh)));
            let mut room = shelter.map_or(u32::MAX, |(_, sh)| sh.capacity.saturating_sub(sh.occupied));
            let (done, placed) = v.step_evacuation(now_s, tick_s, &mut room);
            if let Some((s, _)) = shelter {
                self.shelters[s].occupied += placed;
                if v.waiting > 0 && v.overflow_reported != Some(s) {
                    v.overflow_reported = Some(s);
                    events.push(EventKind::ShelterFull {
                        shelter: self.shelters[s].name.clone(),
                        village: v.name.clone(),
                        waiting: v.waiting,
                    });
                }
            }
            if done && !v.evacuated_event_sent {
                v.evacuated_event_sent = true;
                events.push(EventKind::VillageEvacuated { village: v.name.clone(), people: v.in_shelter });
            }
        }
        events
    }

    /// Rescued people are counted in their shelter.
    pub(crate) fn rescue(&mut self, vi: usize, now_s: u32) -> u32 {
        let n = self.villages[vi].rescue(now_s);
        if let Some(s) = self.villages[vi].shelter
            && let Some(sh) = self.shelters.get_mut(s)
        {
            sh.occupied += n;
        }
        n
    }

    /// Evacuated people of a village go home; returns how many.
    pub(crate) fn return_home(&mut self, vi: usize) -> u32 {
        let (n, placed) = self.villages[vi].return_home();
        for (s, c) in placed {
            if let Some(sh) = self.shelters.get_mut(s) {
                sh.occupied = sh.occupied.saturating_sub(c);
            }
        }
        n
    }

    /// Sends a village's people to another shelter from now on.
    pub(crate) fn redirect(&mut self, vi: usize, shelter: usize) {
        let pos = self.shelters[shelter].pos;
        let v = &mut self.villages[vi];
        v.set_shelter(shelter, pos);
        v.overflow_reported = None;
    }

    /// Per-village outcome: threatened when its hazard was seen or it was hit.
    pub(crate) fn outcome(&self, plan: &PlanState) -> Vec<VillageOutcome> {
        self.villages
            .iter()
            .enumerate()
            .map(|(i, v)| VillageOutcome {
                village: v.name.clone(),
                township: v.township.clone(),
                population: v.population,
                threatened: plan.seen.iter().any(|&(_, vi)| vi == i) || !v.hit_by.is_empty(),
                hit_by: v.hit_by.clone(),
                at_home: v.at_home,
                in_shelter: v.in_shelter,
                in_transit: v.in_transit.iter().map(|(_, n)| n).sum(),
                casualties: v.casualties,
                trapped: v.trapped,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evacuates_everyone_in_about_30_minutes_plus_the_walk() {
        let mut v = Village::new("Pal".into(), None, None, [0.0, 0.0], 0, None, 450, 40);
        v.set_shelter(0, [1200.0, 0.0]);
        v.evacuation_ordered = true;
        v.team_helping = false;
        v.vulnerable_helped = true;
        let mut t = 0;
        while !v.step_evacuation(t, 60, &mut u32::MAX.clone()).0 {
            t += 60;
            assert!(t < 4 * 3600, "never finished");
        }
        assert_eq!(v.in_shelter, 450);
        let expected = 30 * 60 + v.walk_s;
        assert!(t.abs_diff(expected) <= 120, "took {t} s, expected about {expected}");
    }

    #[test]
    fn a_warning_halves_the_toll_and_rescue_brings_the_trapped_out() {
        let mut a = Village::new("A".into(), None, None, [0.0, 0.0], 0, None, 1000, 0);
        let mut b = a.clone();
        b.warned = true;
        let (ca, _) = a.hit(HazardKind::Landslide, 0.0);
        let (cb, tb) = b.hit(HazardKind::Landslide, 0.0);
        assert_eq!((ca, cb, tb), (250, 125, 875));
        assert_eq!(b.rescue(0), 875);
        b.step_evacuation(10, 60, &mut 0);
        assert_eq!(b.in_shelter, 875);
    }

    #[test]
    fn flood_toll_follows_the_hazard_rating_and_no_one_left_home_is_no_one_hurt() {
        let mut v = Village::new("V".into(), None, None, [0.0, 0.0], 0, None, 1000, 0);
        // Water 1 m deep at 1.5 m/s: HR = 1 × (1.5 + 0.5) + 0.5 = 2.5, danger for all → 2.5 %.
        assert_eq!(v.hit(HazardKind::Flood, 2.5), (25, 975));
        let mut gone = Village::new("G".into(), None, None, [0.0, 0.0], 0, None, 100, 0);
        gone.at_home = 0;
        assert_eq!(gone.hit(HazardKind::Landslide, 0.0), (0, 0));
    }
}

//! The truth behind reports, for the score's report discipline (信息报告): what a report claimed
//! and what was true at that moment (`ReportTruth`), the same for a township's report up
//! (`ReportUpTruth`), false reports planted by scripted injects (`FalseReportPlanted`) and the
//! answer a 核实 (`Verify`) gets. All of it is on the record for the controller only.

use super::events::{ReportClaim, TruthAtReport, UpCounts};
use super::*;
use crate::access::covers_village;
use crate::view::HazardCellKind;
use crate::world::hazards::NOTICED_WATER_CM;

/// Within this distance of a village a hazard is 较大 (severity 2) before it reaches it, m.
pub const NEAR_VILLAGE_M: f64 = 500.0;
/// From this many casualties a hazard that reached a village is 特别严重 (severity 4).
pub const GRAVE_CASUALTIES: u32 = 3;

fn hazard_en(h: HazardKind) -> &'static str {
    match h {
        HazardKind::Flood => "flood",
        HazardKind::Fire => "fire",
        HazardKind::Landslide => "landslide",
    }
}

impl World {
    /// The nearest place of `hazard` on the map to `from`, m: noticeable water, burning or
    /// burned cells, debris or a slope showing signs.
    fn hazard_distance_m(&self, hazard: HazardKind, from: Xy) -> Option<f64> {
        let grid = &self.map.grid;
        let cells = self.hazards.truth.iter().filter(|h| match hazard {
            HazardKind::Flood => h.kind == HazardCellKind::Water && h.amount >= NOTICED_WATER_CM,
            HazardKind::Fire => matches!(h.kind, HazardCellKind::Burning | HazardCellKind::Burned),
            HazardKind::Landslide => h.kind == HazardCellKind::Debris,
        });
        let mut best: Option<f64> = None;
        let mut consider = |d: f64| best = Some(best.map_or(d, |b: f64| b.min(d)));
        for h in cells {
            consider(dist(grid.cell_centre(h.cell as usize), from));
        }
        if hazard == HazardKind::Landslide {
            for s in self.hazards.slopes.iter().filter(|s| s.point.signs || s.point.failed) {
                consider(dist(s.point.pos, from));
            }
        }
        best
    }

    /// The truth behind a report by `by` on village `vi` claiming `hazard` at `at`, now.
    pub(crate) fn truth_at_report(&self, by: &Role, vi: usize, hazard: HazardKind, at: Option<Xy>) -> TruthAtReport {
        let v = &self.people.villages[vi];
        let grid = &self.map.grid;
        let team_pos = self.team_of(by).map(|ti| self.teams.list[ti].pos);
        let hazards_here: Vec<HazardKind> = [HazardKind::Flood, HazardKind::Fire, HazardKind::Landslide]
            .into_iter()
            .filter(|&h| {
                self.hazards.visible_from(grid, h, v.pos, INFORMANT_SIGHT_M, Some(vi))
                    || team_pos.is_some_and(|p| self.hazards.visible_from(grid, h, p, TEAM_SIGHT_M, None))
            })
            .collect();
        let severity = if v.hit_by.contains(&hazard) {
            if v.casualties >= GRAVE_CASUALTIES { 4 } else { 3 }
        } else if hazards_here.contains(&hazard) {
            match self.hazard_distance_m(hazard, v.pos) {
                Some(d) if d <= NEAR_VILLAGE_M => 2,
                _ => 1,
            }
        } else {
            0
        };
        // Still threatened once its hazard was seen, while people stay at home (as the outcome counts it).
        let seen = self.plan.seen.iter().any(|&(_, i)| i == vi);
        let threatened = seen || !hazards_here.is_empty() || !v.hit_by.is_empty();
        TruthAtReport {
            distance_m: self.hazard_distance_m(hazard, at.unwrap_or(v.pos)).map(|d| d as f32),
            hazards_here,
            severity,
            people_at_risk: if threatened { v.at_home + v.trapped } else { 0 },
            casualties: v.casualties,
            trapped: v.trapped,
        }
    }

    /// `ReportTruth` for a report just filed.
    pub(crate) fn record_report_truth(&mut self, id: u32) {
        let Some(r) = self.comms.report(id) else { return };
        let (vi, form, by) = (r.village, r.form.clone(), r.by.clone());
        let truth = self.truth_at_report(&by, vi, form.hazard, form.at);
        let v = &self.people.villages[vi];
        let claim = ReportClaim {
            hazard: form.hazard,
            stage: form.stage,
            at: form.at,
            severity: form.severity,
            people_at_risk: form.people_at_risk,
            casualties: form.casualties,
            trapped: form.trapped,
            trend: form.trend,
            follows: form.follows,
            fields: form.filled_fields(),
        };
        let (village, township) = (v.name.clone(), v.township.clone());
        self.emit(EventKind::ReportTruth { id, village, township, claim, truth });
    }

    /// `ReportUpTruth` for a township's report up just made.
    pub(crate) fn record_up_truth(&mut self, by: &Role, stage: ReportStage, claim: UpCounts) {
        let care: Vec<usize> = (0..self.people.villages.len()).filter(|&vi| covers_village(self, by, vi)).collect();
        let (mut told, mut truth) = (UpCounts::default(), UpCounts::default());
        for &vi in &care {
            let v = &self.people.villages[vi];
            if let Some(r) = self.comms.reports.iter().rev().find(|r| r.village == vi) {
                // What people typed: added without overflow.
                told.casualties = told.casualties.saturating_add(r.form.casualties);
                told.trapped = told.trapped.saturating_add(r.form.trapped);
            }
            told.evacuated = told.evacuated.saturating_add(v.head_count.unwrap_or(0));
            truth.casualties += v.casualties;
            truth.trapped += v.trapped;
            truth.evacuated += v.in_shelter + v.in_transit.iter().map(|(_, n)| n).sum::<u32>();
        }
        let villages = care.iter().map(|&vi| self.people.villages[vi].name.clone()).collect();
        self.emit(EventKind::ReportUpTruth { by: by.clone(), stage, villages, claim, told, truth });
    }

    /// A scripted false report: it reaches the command post as a 初报 of the village's informant
    /// (who never filed it and is not told); the record names the controller as its author and
    /// marks it false (`FalseReportPlanted`, controller only).
    pub(crate) fn plant_false_report(&mut self, inject: usize, village: &str, hazard: HazardKind) {
        let Some(vi) = self.people.index(village) else { return };
        let v = &self.people.villages[vi];
        let name = v.name.clone();
        let form = ReportForm {
            at: Some(v.pos),
            severity: 2,
            people_at_risk: v.at_home,
            actions_taken: "已通知村民注意防范 / villagers told to take care".into(),
            ..ReportForm::initial(
                &name,
                hazard,
                &format!("{name} 发现{}险情 / {} seen at {name}", hazard.label_zh(), hazard_en(hazard)),
            )
        };
        let id = self.comms.file(self.t_s, &Role::Informant(name.clone()), "", vi, &form);
        if let Some(r) = self.comms.reports.iter_mut().find(|r| r.id == id) {
            r.planted = Some(inject as u32);
        }
        let stage = form.stage;
        self.emit(EventKind::ReportFiled { id, by: Role::Controller, village: name.clone(), hazard, stage });
        self.emit(EventKind::FalseReportPlanted { id, village: name, hazard, inject: inject as u32 });
        self.record_report_truth(id);
    }

    /// The answer to a 核实 of report `id`, from its reporter: a planted report is false; a real
    /// one is confirmed when its hazard is within sight of the village or the village saw it.
    pub(crate) fn verify_answer(&self, id: u32) -> Option<String> {
        let r = self.comms.report(id)?;
        let v = &self.people.villages[r.village];
        let h = r.form.hazard;
        let (zh, en) = (h.label_zh(), hazard_en(h));
        let name = &v.name;
        if r.planted.is_some() {
            return Some(format!(
                "核实：{name}无此险情，第 {id} 号报告不实 / verified: no such hazard at {name}; report {id} is false"
            ));
        }
        let truth = self.truth_at_report(&r.by, r.village, h, r.form.at);
        let seen = self.plan.seen.contains(&(h, r.village));
        Some(if truth.hazards_here.contains(&h) || seen || v.hit_by.contains(&h) {
            format!("核实：第 {id} 号报告属实（{name}{zh}） / verified: report {id} is confirmed ({en} at {name})")
        } else {
            format!(
                "核实：{name}未发现所报{zh}险情，第 {id} 号报告不实 / verified: no {en} found at {name}; report {id} is not confirmed"
            )
        })
    }
}

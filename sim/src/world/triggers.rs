//! Plan triggers: conditions on the simulated world that make a response level due.

use super::*;
use crate::scenario::Trigger;

impl World {
    /// Whether a trigger holds now.
    pub fn trigger_met(&self, trigger: &Trigger) -> bool {
        match trigger {
            Trigger::RainOver { hours, mm } => self.rain_over(*hours) >= *mm,
            Trigger::GaugeAbove { gauge, stage } => {
                self.gauges.iter().any(|g| &g.name == gauge && g.stage >= Some(*stage))
            }
            Trigger::FireArea { hectares } => self.fire.as_ref().is_some_and(|f| f.area_ha() >= *hectares),
            Trigger::FireBurning { hours } => match (self.fire_started_s, &self.fire) {
                (Some(start), Some(f)) => f.is_active() && (self.t_s - start) as f64 >= hours * 3600.0,
                _ => false,
            },
            Trigger::RainIntensityDuration { scale_mm_per_h, exponent } => {
                let curve = crate::hazard::landslide::IntensityDuration {
                    scale_mm_per_h: *scale_mm_per_h,
                    exponent: *exponent,
                };
                curve.worst_window(&self.rain_mm, self.scenario.tick_s as f64 / 3600.0).is_some_and(|e| e.exceeded())
            }
            Trigger::SlopeSigns { point } => self.slopes.iter().any(|(n, p, _)| n == point && p.signs),
            Trigger::SlopeFailed { point } => self.slopes.iter().any(|(n, p, _)| n == point && p.failed),
            Trigger::FirstReport => !self.reports.is_empty(),
            Trigger::AtMinute(m) => self.t_s as f64 >= m * 60.0,
            Trigger::Any(any) => any.iter().any(|t| self.trigger_met(t)),
        }
    }

    /// Emits `LevelTriggered` the first time each level's trigger holds.
    pub(super) fn check_levels(&mut self) {
        let plan = &self.scenario.plan;
        let due: Vec<Level> = plan
            .levels
            .iter()
            .filter(|l| !self.levels_triggered.contains(&l.level) && self.trigger_met(&l.trigger))
            .map(|l| l.level)
            .collect();
        for level in due {
            self.levels_triggered.push(level);
            self.emit(EventKind::LevelTriggered { level });
        }
    }
}

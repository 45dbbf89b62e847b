//! Plan triggers, evaluated in one place: [`Trigger::met`] reads a small set of facts that both
//! the world (the truth, for the plan's levels and the injects) and a player's view (what a
//! command post knows, for bots) can answer.

use crate::hazard::landslide::IntensityDuration;
use crate::scenario::{Stage, Trigger};
use crate::weather::Weather;

/// What a trigger may ask about the drill.
pub trait TriggerFacts {
    /// Simulated seconds since the start.
    fn now_s(&self) -> u32;
    /// The weather of the last tick, rain totals included.
    fn weather(&self) -> &Weather;
    /// The stage a gauge reads, `None` below 设防水位 or for an unknown gauge.
    fn gauge_stage(&self, gauge: &str) -> Option<Stage>;
    /// Burned and burning area, hectares.
    fn fire_area_ha(&self) -> f64;
    /// Since when open flame has been burning without a break, seconds; `None` when none burns.
    fn fire_burning_since_s(&self) -> Option<u32>;
    fn slope_signs(&self, point: &str) -> bool;
    fn slope_failed(&self, point: &str) -> bool;
    /// Whether a report of a hazard has reached a command post.
    fn first_report_in(&self) -> bool;
}

impl Trigger {
    /// Whether the trigger holds now.
    pub fn met(&self, facts: &impl TriggerFacts) -> bool {
        match self {
            Trigger::RainOver { hours, mm } => facts.weather().rain_over(*hours).is_some_and(|total| total >= *mm),
            Trigger::GaugeAbove { gauge, stage } => facts.gauge_stage(gauge).is_some_and(|s| s >= *stage),
            Trigger::FireArea { hectares } => facts.fire_area_ha() >= *hectares,
            Trigger::FireBurning { hours } => facts
                .fire_burning_since_s()
                .is_some_and(|start| facts.now_s().saturating_sub(start) as f64 >= hours * 3600.0),
            Trigger::RainIntensityDuration { scale_mm_per_h, exponent } => {
                let curve = IntensityDuration { scale_mm_per_h: *scale_mm_per_h, exponent: *exponent };
                let record_h = facts.now_s() as f64 / 3600.0;
                // The mean intensity over each whole-hour spell the drill has lasted.
                facts.weather().rain_totals_mm.iter().enumerate().any(|(i, total)| {
                    let d = (i + 1) as f64;
                    d <= record_h + 1e-9 && total / d >= curve.threshold_mm_per_h(d)
                })
            }
            Trigger::SlopeSigns { point } => facts.slope_signs(point),
            Trigger::SlopeFailed { point } => facts.slope_failed(point),
            Trigger::FirstReport => facts.first_report_in(),
            Trigger::AtMinute(m) => facts.now_s() as f64 >= m * 60.0,
            Trigger::Any(any) => any.iter().any(|t| t.met(facts)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Facts {
        now_s: u32,
        weather: Weather,
    }

    impl TriggerFacts for Facts {
        fn now_s(&self) -> u32 {
            self.now_s
        }
        fn weather(&self) -> &Weather {
            &self.weather
        }
        fn gauge_stage(&self, gauge: &str) -> Option<Stage> {
            (gauge == "G").then_some(Stage::Warning)
        }
        fn fire_area_ha(&self) -> f64 {
            3.0
        }
        fn fire_burning_since_s(&self) -> Option<u32> {
            Some(600)
        }
        fn slope_signs(&self, point: &str) -> bool {
            point == "P"
        }
        fn slope_failed(&self, _: &str) -> bool {
            false
        }
        fn first_report_in(&self) -> bool {
            false
        }
    }

    #[test]
    fn each_trigger_reads_its_fact() {
        let weather = Weather {
            rain_mm_per_h: 30.0,
            rain_totals_mm: std::array::from_fn(|i| if i == 0 { 30.0 } else { 60.0 }),
            wind_m_per_s: 0.0,
            wind_from_deg: 0.0,
            temperature_c: 20.0,
            humidity_percent: 90.0,
        };
        let f = Facts { now_s: 4 * 3600, weather };
        assert!(Trigger::RainOver { hours: 3.0, mm: 50.0 }.met(&f));
        assert!(!Trigger::RainOver { hours: 1.0, mm: 50.0 }.met(&f));
        assert!(Trigger::GaugeAbove { gauge: "G".into(), stage: Stage::Alert }.met(&f));
        assert!(!Trigger::GaugeAbove { gauge: "G".into(), stage: Stage::Guaranteed }.met(&f));
        assert!(!Trigger::GaugeAbove { gauge: "H".into(), stage: Stage::Alert }.met(&f));
        assert!(Trigger::FireArea { hectares: 2.0 }.met(&f));
        assert!(Trigger::FireBurning { hours: 3.5 }.met(&f));
        assert!(!Trigger::FireBurning { hours: 4.0 }.met(&f));
        // Caine: 30 mm in 1 h is above 14.82 mm/h.
        assert!(Trigger::RainIntensityDuration { scale_mm_per_h: 14.82, exponent: 0.39 }.met(&f));
        assert!(!Trigger::RainIntensityDuration { scale_mm_per_h: 100.0, exponent: 0.39 }.met(&f));
        assert!(Trigger::SlopeSigns { point: "P".into() }.met(&f));
        assert!(!Trigger::FirstReport.met(&f));
        assert!(Trigger::Any(vec![Trigger::FirstReport, Trigger::AtMinute(240.0)]).met(&f));
        assert!(!Trigger::AtMinute(241.0).met(&f));
    }
}

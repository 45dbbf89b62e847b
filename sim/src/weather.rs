//! The weather of a tick, worked out once: the scenario's weather point plus the controller's
//! cloudbursts, and the rain totals over the last 1 to 24 hours (the rain gauges' hourly record,
//! which holds the rainstorm signals' 1, 3, 6, 12 and 24 h spells). The flood, the fire, the
//! landslides, the plan's triggers and every role's view read this one value.

use serde::{Deserialize, Serialize};

use crate::scenario::WeatherPoint;

/// The spells China's rainstorm signals (暴雨预警信号) and rain reports quote, hours: what the
/// clients show.
pub const RAIN_WINDOWS_H: [u32; 5] = [1, 3, 6, 12, 24];
/// Rain totals are kept for every whole hour up to this many: `RainOver` triggers use one.
pub const RAIN_RECORD_H: usize = 24;

/// The weather over the last tick, as everyone on a township-sized map feels it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Weather {
    /// Rain rate over the last tick, cloudbursts included, mm/h.
    pub rain_mm_per_h: f64,
    /// Rain over the last 1, 2, ... [`RAIN_RECORD_H`] hours, mm (less while the drill is younger).
    pub rain_totals_mm: [f64; RAIN_RECORD_H],
    pub wind_m_per_s: f64,
    /// Direction the wind blows from, degrees clockwise from north.
    pub wind_from_deg: f64,
    pub temperature_c: f64,
    pub humidity_percent: f64,
}

impl Weather {
    /// Rain over the last `hours`, mm, for a whole number of hours from 1 to [`RAIN_RECORD_H`].
    pub fn rain_over(&self, hours: f64) -> Option<f64> {
        window_index(hours).map(|i| self.rain_totals_mm[i])
    }
}

/// The index in [`Weather::rain_totals_mm`] of a window of `hours`.
pub fn window_index(hours: f64) -> Option<usize> {
    let whole = hours.round();
    ((whole - hours).abs() < 1e-9 && (1.0..=RAIN_RECORD_H as f64).contains(&whole)).then(|| whole as usize - 1)
}

/// The scenario's weather point in force at `t_s` (points hold until the next one).
pub fn point_at(points: &[WeatherPoint], t_s: u32) -> WeatherPoint {
    let t_min = t_s as f64 / 60.0;
    points.iter().rev().find(|w| w.at_min <= t_min).or(points.first()).cloned().unwrap_or(WeatherPoint {
        at_min: 0.0,
        rain_mm_per_h: 0.0,
        wind_m_per_s: 0.0,
        wind_from_deg: 0.0,
        temperature_c: 20.0,
        humidity_percent: 60.0,
    })
}

/// The drill's weather: the rain that fell each tick, the controller's cloudbursts, and the
/// value of the current tick.
#[derive(Clone, Debug, Serialize)]
pub struct WeatherState {
    tick_s: u32,
    /// Rain per tick so far, mm.
    rain_mm: Vec<f32>,
    /// Extra rain from injects: (until, mm/h).
    cloudbursts: Vec<(u32, f64)>,
    now: Weather,
}

impl WeatherState {
    pub fn new(points: &[WeatherPoint], tick_s: u32) -> WeatherState {
        let p = point_at(points, 0);
        let now = Weather {
            rain_mm_per_h: p.rain_mm_per_h,
            rain_totals_mm: [0.0; RAIN_RECORD_H],
            wind_m_per_s: p.wind_m_per_s,
            wind_from_deg: p.wind_from_deg,
            temperature_c: p.temperature_c,
            humidity_percent: p.humidity_percent,
        };
        WeatherState { tick_s: tick_s.max(1), rain_mm: Vec::new(), cloudbursts: Vec::new(), now }
    }

    /// The weather of the tick that starts at `t_s`: the point in force then, plus the
    /// cloudbursts still running. Its rain is added to the record.
    pub fn advance(&mut self, points: &[WeatherPoint], t_s: u32) -> &Weather {
        let p = point_at(points, t_s);
        let burst: f64 = self.cloudbursts.iter().filter(|(until, _)| *until > t_s).map(|(_, r)| r).sum();
        let rain = p.rain_mm_per_h + burst;
        self.rain_mm.push((rain * self.tick_s as f64 / 3600.0) as f32);
        let mut totals = [0.0; RAIN_RECORD_H];
        for (i, total) in totals.iter_mut().enumerate() {
            *total = self.total_over((i + 1) as f64);
        }
        self.now = Weather {
            rain_mm_per_h: rain,
            rain_totals_mm: totals,
            wind_m_per_s: p.wind_m_per_s,
            wind_from_deg: p.wind_from_deg,
            temperature_c: p.temperature_c,
            humidity_percent: p.humidity_percent,
        };
        &self.now
    }

    /// Extra rain over the whole map from `now_s` for `for_min` minutes (a `Cloudburst` inject).
    pub fn add_cloudburst(&mut self, now_s: u32, rain_mm_per_h: f64, for_min: f64) {
        self.cloudbursts.push((now_s + (for_min * 60.0) as u32, rain_mm_per_h));
    }

    /// The weather of the last tick.
    pub fn now(&self) -> &Weather {
        &self.now
    }

    /// Rain over the last `hours`, mm, summed from the ticks' record.
    fn total_over(&self, hours: f64) -> f64 {
        let ticks = ((hours * 3600.0) / self.tick_s as f64).ceil() as usize;
        self.rain_mm.iter().rev().take(ticks).map(|&r| r as f64).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(at_min: f64, rain: f64) -> WeatherPoint {
        WeatherPoint {
            at_min,
            rain_mm_per_h: rain,
            wind_m_per_s: 2.0,
            wind_from_deg: 90.0,
            temperature_c: 18.0,
            humidity_percent: 80.0,
        }
    }

    #[test]
    fn totals_follow_the_record_and_cloudbursts_add_to_the_rate() {
        let points = [point(0.0, 10.0), point(120.0, 40.0)];
        let mut w = WeatherState::new(&points, 600);
        for i in 0..6 {
            w.advance(&points, i * 600);
        }
        // One hour at 10 mm/h.
        assert!((w.now().rain_over(1.0).unwrap() - 10.0).abs() < 1e-4);
        w.add_cloudburst(3600, 50.0, 30.0);
        let now = w.advance(&points, 3600).clone();
        assert_eq!(now.rain_mm_per_h, 60.0);
        // The last hour: five ten-minute ticks at 10 mm/h and this one at 60 mm/h.
        assert!((now.rain_over(1.0).unwrap() - (5.0 * 10.0 / 6.0 + 10.0)).abs() < 1e-3, "{now:?}");
        assert!((now.rain_over(3.0).unwrap() - 20.0).abs() < 1e-3, "the whole record");
        // The burst ends after 30 minutes.
        w.advance(&points, 4200);
        assert_eq!(w.advance(&points, 5400).rain_mm_per_h, 10.0);
        assert_eq!(w.advance(&points, 7200).rain_mm_per_h, 40.0);
        assert_eq!(now.rain_over(1.5), None, "whole hours only");
        assert_eq!(now.rain_over(25.0), None, "24 h at most");
        assert!(RAIN_WINDOWS_H.iter().all(|&h| window_index(h as f64).is_some()));
    }
}

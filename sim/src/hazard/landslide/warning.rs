//! Rainfall intensity–duration warning thresholds. Caine (1980), from 73 shallow landslides and
//! debris flows worldwide: landslides become possible once the mean intensity I (mm/h) over a
//! rain spell of duration D (h) exceeds I = 14.82 D^-0.39, for 10 min ≤ D ≤ 10 days. Anyone with
//! a rain gauge can check it before a slope moves, which is why plans use such curves for
//! geological-hazard weather warnings. A scenario may give another curve of the same form
//! (regional thresholds, e.g. Guzzetti et al. 2008).

use serde::Serialize;

pub const CAINE_SCALE_MM_PER_H: f64 = 14.82;
pub const CAINE_EXPONENT: f64 = 0.39;
/// Longest spell the curve was fitted on, hours (10 days).
pub const MAX_DURATION_H: f64 = 240.0;

/// A threshold curve I = scale · D^-exponent.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct IntensityDuration {
    pub scale_mm_per_h: f64,
    pub exponent: f64,
}

/// The window of recent rain that stands highest against the curve.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Exceedance {
    pub duration_h: f64,
    pub intensity_mm_per_h: f64,
    pub threshold_mm_per_h: f64,
}

impl Exceedance {
    pub fn exceeded(&self) -> bool {
        self.intensity_mm_per_h >= self.threshold_mm_per_h
    }
}

impl IntensityDuration {
    pub const CAINE_1980: IntensityDuration =
        IntensityDuration { scale_mm_per_h: CAINE_SCALE_MM_PER_H, exponent: CAINE_EXPONENT };

    pub fn threshold_mm_per_h(&self, duration_h: f64) -> f64 {
        self.scale_mm_per_h * duration_h.max(1e-9).powf(-self.exponent)
    }

    /// Tests the windows that end now, from one step up to 10 days, over `rain_mm` (rain per
    /// step, oldest first, each step `step_h` long): every window up to 60 steps, then windows
    /// growing by 2 % (the mean intensity of a long spell changes little from one step to the
    /// next, and this keeps a 10-day scan of one-minute steps to a few hundred curve points).
    /// Returns the window with the highest ratio of intensity to threshold, or `None` without rain.
    pub fn worst_window(&self, rain_mm: &[f32], step_h: f64) -> Option<Exceedance> {
        let mut total = 0.0;
        let mut best: Option<(f64, Exceedance)> = None;
        let mut next_k = 0usize;
        let last = rain_mm.len().saturating_sub(1);
        for (k, &r) in rain_mm.iter().rev().enumerate() {
            let duration_h = (k + 1) as f64 * step_h;
            if duration_h > MAX_DURATION_H + 1e-9 {
                break;
            }
            total += r as f64;
            if total <= 0.0 || (k < next_k && k != last) {
                continue;
            }
            next_k = if k < 60 { k + 1 } else { (k as f64 * 1.02).ceil() as usize };
            let e = Exceedance {
                duration_h,
                intensity_mm_per_h: total / duration_h,
                threshold_mm_per_h: self.threshold_mm_per_h(duration_h),
            };
            let ratio = e.intensity_mm_per_h / e.threshold_mm_per_h;
            if best.is_none_or(|(b, _)| ratio > b) {
                best = Some((ratio, e));
            }
        }
        best.map(|(_, e)| e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caine_curve_values() {
        let c = IntensityDuration::CAINE_1980;
        assert!((c.threshold_mm_per_h(1.0) - 14.82).abs() < 1e-12);
        // 24 h: 14.82 × 24^-0.39 = 4.2911 mm/h (about 103 mm in a day).
        assert!((c.threshold_mm_per_h(24.0) - 4.2911).abs() < 1e-3);
        assert!((c.threshold_mm_per_h(240.0) - 1.7481).abs() < 1e-3);
    }

    #[test]
    fn finds_the_window_that_crosses_the_curve() {
        let c = IntensityDuration::CAINE_1980;
        // 3 mm/h for 30 h, in hourly steps: 30 h threshold 3.93 mm/h, not exceeded.
        let mut rain = vec![3.0f32; 30];
        assert!(!c.worst_window(&rain, 1.0).expect("rain").exceeded());
        // Then 20 mm/h for an hour: 20 mm in 1 h exceeds 14.82.
        rain.push(20.0);
        let e = c.worst_window(&rain, 1.0).expect("rain");
        assert!(e.exceeded() && e.duration_h == 1.0, "{e:?}");
        assert_eq!(c.worst_window(&[0.0; 5], 1.0), None);
    }

    #[test]
    fn sampled_long_windows_agree_with_the_full_scan() {
        // Ten days of one-minute steps: a steady 2.5 mm/h after a dry spell. The full scan's
        // worst window and the sampled one differ by well under 1 % of the ratio.
        let c = IntensityDuration::CAINE_1980;
        let rain: Vec<f32> = (0..14_400).map(|i| if i < 4_000 { 0.0 } else { 2.5 / 60.0 }).collect();
        let sampled = c.worst_window(&rain, 1.0 / 60.0).expect("rain");
        let full = (1..=10_400)
            .map(|k| {
                let d = k as f64 / 60.0;
                let total: f64 = rain[rain.len() - k..].iter().map(|&r| r as f64).sum();
                total / d / c.threshold_mm_per_h(d)
            })
            .fold(0.0, f64::max);
        let ratio = sampled.intensity_mm_per_h / sampled.threshold_mm_per_h;
        assert!((ratio / full - 1.0).abs() < 0.01, "sampled {ratio}, full {full}");
        assert!(sampled.exceeded());
    }
}

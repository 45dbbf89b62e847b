//! The two results read from the scored form: the 100-point grade (优 / 良 / 一般 / 差, thresholds
//! from the scenario) and HSEEP's P / S / M / U for each objective (one per category with
//! applicable items), read from the share of its points earned and whether any of its required
//! actions is missing:
//!
//! - **P** (performed without challenges): share ≥ 0.9 and nothing missing;
//! - **S** (some challenges): share ≥ 0.75 (a missing action caps a category at S);
//! - **M** (major challenges): share ≥ 0.4, or anything at all earned;
//! - **U** (unable to perform): nothing earned (everything missing or done too late to count).

use crate::scenario::GradeThresholds;

use super::{Evidence, Grade, ObjectiveRating, Psmu, Text, indicators::Tree};

/// The grade of a score.
pub fn grade(score: f64, t: &GradeThresholds) -> Grade {
    if score >= t.excellent {
        Grade::Excellent
    } else if score >= t.good {
        Grade::Good
    } else if score >= t.fair {
        Grade::Fair
    } else {
        Grade::Poor
    }
}

/// P/S/M/U from the share earned and whether any required action is missing.
pub fn psmu(share: f64, missing: bool, earned_any: bool) -> Psmu {
    if share >= 0.9 && !missing {
        Psmu::P
    } else if share >= 0.75 {
        Psmu::S
    } else if share >= 0.4 || earned_any {
        Psmu::M
    } else {
        Psmu::U
    }
}

/// How many deductions an objective's rating quotes as its reasons.
const REASONS: usize = 5;

/// One rating per category with applicable items, with the reasons (the largest deductions)
/// and their evidence.
pub(crate) fn objectives(tree: &Tree) -> Vec<ObjectiveRating> {
    let mut out = Vec::new();
    for c in &tree.categories {
        if c.max <= 0.0 {
            continue;
        }
        let share = (c.got / c.max).clamp(0.0, 1.0);
        let missing: Vec<&String> =
            tree.missing.iter().filter(|(cat, _)| *cat == c.category).map(|(_, id)| id).collect();
        let rating = psmu(share, !missing.is_empty(), c.got > 0.0);
        let mut deductions: Vec<_> = c
            .indicators
            .iter()
            .flat_map(|i| i.items.iter().filter(|it| it.applicable))
            .flat_map(|it| it.deductions.iter())
            .collect();
        deductions.sort_by(|a, b| b.points.total_cmp(&a.points));
        let mut reasons = vec![Text::new(
            format!(
                "得分 {:.1}/{:.1} ({:.0}%), 缺项 {} 个 → {}",
                c.got,
                c.max,
                share * 100.0,
                missing.len(),
                rating.label().zh
            ),
            format!(
                "{:.1} of {:.1} points ({:.0}%), {} missing → {}",
                c.got,
                c.max,
                share * 100.0,
                missing.len(),
                rating.label().en
            ),
        )];
        reasons.extend(deductions.iter().take(REASONS).map(|d| {
            Text::new(format!("扣 {:.1} 分: {}", d.points, d.reason.zh), format!("-{:.1}: {}", d.points, d.reason.en))
        }));
        let evidence: Vec<Evidence> =
            deductions.iter().take(REASONS).flat_map(|d| d.evidence.iter().cloned()).collect();
        out.push(ObjectiveRating { category: c.category, label: c.label.clone(), rating, share, reasons, evidence });
    }
    out
}

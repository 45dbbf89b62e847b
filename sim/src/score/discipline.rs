//! Report discipline (信息报告纪律): 迟报, 漏报, 谎报, 瞒报, 初报要素, 续报 and 核实 findings, and
//! the reports judged false. A stub until the discipline helper's module replaces this file.

use super::{FalseReports, Finding, ScoreInput};

/// Every breach of report discipline in the record up to the moment scored.
pub fn findings(_input: &ScoreInput) -> Vec<Finding> {
    Vec::new()
}

/// The reports (and villages) judged false, for plan scoring.
pub fn false_reports(_input: &ScoreInput) -> FalseReports {
    FalseReports::default()
}

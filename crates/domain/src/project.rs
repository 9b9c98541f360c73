//! Key projects (重点项目, domain.md §9.3): the stages a project passes with their dates, the
//! year's planned against completed investment with the gap to time progress (§2.5) and a light,
//! and the rates the reports quote: 开工率 = started ÷ planned new starts, 投产率 = producing ÷
//! planned commissioning ("47 of 63 planned new projects started = 74.6%" [S21]).

use serde::{Deserialize, Serialize};

use crate::lang::Lang;
use crate::period::Month;
use crate::targets::{Light, LightRule, Progress, TimeBasis, quantity_progress, time_progress};

/// A project's stage: 签约 → 开工 → 在建 → 竣工 → 投产.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProjectStage {
    Signed,
    Started,
    Building,
    Completed,
    Producing,
}

impl ProjectStage {
    pub const ALL: [ProjectStage; 5] = [
        ProjectStage::Signed,
        ProjectStage::Started,
        ProjectStage::Building,
        ProjectStage::Completed,
        ProjectStage::Producing,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ProjectStage::Signed => "signed",
            ProjectStage::Started => "started",
            ProjectStage::Building => "building",
            ProjectStage::Completed => "completed",
            ProjectStage::Producing => "producing",
        }
    }

    pub fn parse(text: &str) -> Option<ProjectStage> {
        ProjectStage::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            ProjectStage::Signed => lang.pick("签约", "Signed"),
            ProjectStage::Started => lang.pick("开工", "Started"),
            ProjectStage::Building => lang.pick("在建", "Under construction"),
            ProjectStage::Completed => lang.pick("竣工", "Completed"),
            ProjectStage::Producing => lang.pick("投产", "In production"),
        }
    }

    /// Whether a project may move from `self` to `to`: forward only (a stage may be skipped when
    /// it was passed unrecorded, e.g. started and building reported together).
    pub fn can_move(self, to: ProjectStage) -> bool {
        to > self
    }

    /// Whether the project has started work (开工 or later).
    pub fn has_started(self) -> bool {
        self >= ProjectStage::Started
    }
}

/// 亿元以上项目: total investment of at least 100 M CNY (10,000 万元).
pub const LARGE_PROJECT_WAN: f64 = 10_000.0;

/// The year's investment of a project against its plan through `month`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct InvestmentProgress {
    pub planned_wan: f64,
    pub completed_wan: f64,
    pub progress: Option<Progress>,
    pub light: Option<Light>,
}

/// Completion of the year's planned investment against time progress (months elapsed of 12)
/// with the default quantity lights (10 / 30 points behind).
pub fn investment_progress(planned_wan: f64, completed_wan: f64, month: Month) -> InvestmentProgress {
    let progress = quantity_progress(completed_wan, planned_wan, time_progress(month, TimeBasis::Months));
    InvestmentProgress {
        planned_wan,
        completed_wan,
        light: progress.map(|p| LightRule::QUANTITY_DEFAULT.light(p.gap_pp, true)),
        progress,
    }
}

/// A rate of the year: how many of the planned did it, in percent.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Rate {
    pub done: usize,
    pub planned: usize,
    pub pct: Option<f64>,
}

impl Rate {
    pub fn new(done: usize, planned: usize) -> Rate {
        Rate { done, planned, pct: (planned > 0).then(|| done as f64 / planned as f64 * 100.0) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_published_start_rate_and_stages_forward_only() {
        let rate = Rate::new(47, 63);
        assert_eq!(format!("{:.1}", rate.pct.expect("planned")), "74.6", "47 of 63 started [S21]");
        assert_eq!(Rate::new(7, 10).pct, Some(70.0));
        assert_eq!(Rate::new(0, 0).pct, None);
        assert!(ProjectStage::Signed.can_move(ProjectStage::Building));
        assert!(!ProjectStage::Completed.can_move(ProjectStage::Started));
        assert!(!ProjectStage::Started.can_move(ProjectStage::Started));
        assert!(ProjectStage::Building.has_started() && !ProjectStage::Signed.has_started());
    }

    #[test]
    fn investment_behind_time_progress_turns_yellow_then_red() {
        let june = Month::parse("2024-06").expect("month");
        // Plan 12,000 万元; 6,000 by June is on time (50% against 50%).
        let on_time = investment_progress(12_000.0, 6_000.0, june);
        assert_eq!(on_time.light, Some(Light::Green));
        // 4,200 is 35%: 15 points behind, yellow; 2,000 is 16.7%: 33 points behind, red.
        assert_eq!(investment_progress(12_000.0, 4_200.0, june).light, Some(Light::Yellow));
        let red = investment_progress(12_000.0, 2_000.0, june);
        assert_eq!(red.light, Some(Light::Red));
        assert!((red.progress.expect("planned").gap_pp - (2_000.0 / 12_000.0 - 0.5) * 100.0).abs() < 1e-9);
        assert_eq!(investment_progress(0.0, 100.0, june).light, None, "no plan, no light");
    }
}

//! Scoring (README.md, "Scoring"): `speed` — the Kahoot formula plus an optional streak bonus — or
//! `correct` — one point per correct answer. Ties are broken by the total time taken by correct
//! answers.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scoring {
    Speed,
    Correct,
}

impl Scoring {
    pub fn parse(s: &str) -> Option<Scoring> {
        match s.trim().to_ascii_lowercase().as_str() {
            "speed" => Some(Scoring::Speed),
            "correct" => Some(Scoring::Correct),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Scoring::Speed => "speed",
            Scoring::Correct => "correct",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rules {
    pub scoring: Scoring,
    /// Speed mode: +100 per consecutive correct answer before this one, at most +500.
    pub streak_bonus: bool,
}

/// Answers this fast score the maximum in speed mode.
pub const FULL_MARKS_WITHIN_MS: u64 = 500;
pub const STREAK_STEP: u32 = 100;
pub const STREAK_CAP: u32 = 500;

/// Points for one answer. `elapsed_ms` is the time from the question opening to the click,
/// `limit_ms` the question's time limit, `streak_before` the player's run of correct answers
/// just before this question.
pub fn points(
    rules: Rules,
    correct: bool,
    elapsed_ms: u64,
    limit_ms: u64,
    streak_before: u32,
) -> u32 {
    if !correct {
        return 0;
    }
    match rules.scoring {
        Scoring::Correct => 1,
        Scoring::Speed => {
            let limit = limit_ms.max(1);
            let t = elapsed_ms.min(limit);
            let base = if t <= FULL_MARKS_WITHIN_MS {
                1000
            } else {
                (1000.0 * (1.0 - t as f64 / (2.0 * limit as f64))).round() as u32
            };
            let bonus = if rules.streak_bonus {
                (STREAK_STEP * streak_before).min(STREAK_CAP)
            } else {
                0
            };
            base + bonus
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEED: Rules = Rules {
        scoring: Scoring::Speed,
        streak_bonus: true,
    };

    #[test]
    fn kahoot_formula() {
        // round(1000 × (1 − t / 2T)), T = 20 s
        assert_eq!(points(SPEED, true, 0, 20_000, 0), 1000);
        assert_eq!(
            points(SPEED, true, 500, 20_000, 0),
            1000,
            "first half second"
        );
        assert_eq!(points(SPEED, true, 501, 20_000, 0), 987);
        assert_eq!(points(SPEED, true, 10_000, 20_000, 0), 750);
        assert_eq!(points(SPEED, true, 20_000, 20_000, 0), 500);
        assert_eq!(
            points(SPEED, true, 25_000, 20_000, 0),
            500,
            "clamped at the limit"
        );
        assert_eq!(points(SPEED, false, 0, 20_000, 3), 0);
    }

    #[test]
    fn streak_bonus_is_capped_and_optional() {
        assert_eq!(points(SPEED, true, 0, 20_000, 2), 1200);
        assert_eq!(points(SPEED, true, 0, 20_000, 9), 1500);
        let no_bonus = Rules {
            streak_bonus: false,
            ..SPEED
        };
        assert_eq!(points(no_bonus, true, 0, 20_000, 9), 1000);
    }

    #[test]
    fn correct_mode_is_one_point() {
        let rules = Rules {
            scoring: Scoring::Correct,
            streak_bonus: true,
        };
        assert_eq!(points(rules, true, 19_999, 20_000, 4), 1);
        assert_eq!(points(rules, false, 1, 20_000, 4), 0);
    }
}

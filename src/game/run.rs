//! A self-paced run: one member, one question at a time, at their own pace — an assignment, a
//! practice or a review of their mistakes. Pure, like the live session: the store loads a
//! run's [`Progress`], applies one [`Progress::answer`] and saves the result in the same
//! transaction, so two clicks racing each other can never both count.

use crate::quiz::model::Pick;
use crate::quiz::Question;

/// What a run is for; it decides which boards an answer counts toward.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunKind {
    /// A `/quiz assign` post: counts toward the leaderboard and `/stats`; one run per member.
    Assignment,
    /// `/quiz practice`: counts toward `/stats` and `/review`, not the leaderboard.
    Practice,
    /// `/review`: re-taking one's own mistakes; a right answer clears the mistake.
    Review,
}

impl RunKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RunKind::Assignment => "assignment",
            RunKind::Practice => "practice",
            RunKind::Review => "review",
        }
    }

    pub fn parse(s: &str) -> Option<RunKind> {
        match s {
            "assignment" => Some(RunKind::Assignment),
            "practice" => Some(RunKind::Practice),
            "review" => Some(RunKind::Review),
            _ => None,
        }
    }
}

/// How far a member is in a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    /// Questions in the run.
    pub questions: usize,
    /// Questions answered so far, which is also the position of the next one.
    pub answered: usize,
    pub correct: u32,
    /// Correct answers in a row up to the last one.
    pub streak: u32,
    pub best_streak: u32,
}

/// One answer taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Taken {
    pub position: usize,
    /// As [`Pick::stored`] keeps it.
    pub choice: u16,
    pub correct: bool,
    /// This was the last question: the run is complete.
    pub finished: bool,
}

/// Why an answer was not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunRefusal {
    /// That question was answered already (a double click, or an old message): the stored
    /// answer stands.
    AlreadyAnswered,
    /// A question further on than the next one (a forged id).
    NotYet,
    /// The run is complete.
    Finished,
    /// The assignment's due time has passed.
    Closed,
    NoSuchOption,
}

impl Progress {
    pub fn new(questions: usize) -> Self {
        Progress {
            questions,
            ..Progress::default()
        }
    }

    pub fn is_finished(&self) -> bool {
        self.answered >= self.questions
    }

    /// Takes the answer `pick` to `question`, at `position` in the run. `closes_at` is the
    /// assignment's due time (Unix ms), if the run has one.
    pub fn answer(
        &mut self,
        position: usize,
        pick: Pick,
        question: &Question,
        now: i64,
        closes_at: Option<i64>,
    ) -> Result<Taken, RunRefusal> {
        if position < self.answered {
            return Err(RunRefusal::AlreadyAnswered);
        }
        if self.is_finished() {
            return Err(RunRefusal::Finished);
        }
        if position > self.answered {
            return Err(RunRefusal::NotYet);
        }
        if closes_at.is_some_and(|due| now >= due) {
            return Err(RunRefusal::Closed);
        }
        if !question.accepts(pick) {
            return Err(RunRefusal::NoSuchOption);
        }
        let correct = question.is_correct(pick);
        self.answered += 1;
        if correct {
            self.correct += 1;
            self.streak += 1;
            self.best_streak = self.best_streak.max(self.streak);
        } else {
            self.streak = 0;
        }
        Ok(Taken {
            position,
            choice: pick.stored(),
            correct,
            finished: self.is_finished(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A question with `options` options, the correct one at `correct`.
    fn q(options: usize, correct: usize) -> Question {
        Question::choice(
            "?",
            (0..options).map(|i| format!("o{i}")).collect(),
            correct,
        )
    }

    #[test]
    fn a_multi_select_is_right_only_with_the_whole_set() {
        let mut multi = q(4, 0);
        multi.answers = vec![0, 2];
        let mut p = Progress::new(3);
        assert!(
            p.answer(0, Pick::set(&[0, 2]), &multi, 0, None)
                .unwrap()
                .correct
        );
        assert!(
            !p.answer(1, Pick::set(&[0]), &multi, 0, None)
                .unwrap()
                .correct
        );
        assert_eq!(
            p.answer(2, Pick::One(0), &multi, 0, None),
            Err(RunRefusal::NoSuchOption),
            "a button click on a multi-select"
        );
        assert_eq!(
            p.answer(2, Pick::set(&[5]), &multi, 0, None),
            Err(RunRefusal::NoSuchOption)
        );
        assert_eq!(
            p.answer(2, Pick::Set(0), &multi, 0, None),
            Err(RunRefusal::NoSuchOption)
        );
        assert_eq!(p.answered, 2);
    }

    #[test]
    fn answers_advance_one_question_at_a_time_and_count_streaks() {
        let mut p = Progress::new(3);
        let a = p.answer(0, Pick::One(1), &q(4, 1), 0, None).unwrap();
        assert!(a.correct && !a.finished);
        p.answer(1, Pick::One(1), &q(4, 1), 0, None).unwrap();
        let last = p.answer(2, Pick::One(0), &q(4, 1), 0, None).unwrap();
        assert!(!last.correct && last.finished);
        assert_eq!(
            (p.answered, p.correct, p.streak, p.best_streak),
            (3, 2, 0, 2)
        );
        assert!(p.is_finished());
    }

    #[test]
    fn a_second_click_on_an_answered_question_changes_nothing() {
        let mut p = Progress::new(3);
        p.answer(0, Pick::One(0), &q(4, 1), 0, None).unwrap();
        let before = p;
        assert_eq!(
            p.answer(0, Pick::One(1), &q(4, 1), 0, None),
            Err(RunRefusal::AlreadyAnswered)
        );
        assert_eq!(p, before);
    }

    #[test]
    fn questions_ahead_and_missing_options_are_refused() {
        let mut p = Progress::new(3);
        assert_eq!(
            p.answer(2, Pick::One(0), &q(4, 1), 0, None),
            Err(RunRefusal::NotYet)
        );
        assert_eq!(
            p.answer(0, Pick::One(4), &q(4, 1), 0, None),
            Err(RunRefusal::NoSuchOption)
        );
        assert_eq!(p.answered, 0);
    }

    #[test]
    fn after_the_due_time_nothing_is_taken() {
        let mut p = Progress::new(3);
        assert_eq!(
            p.answer(0, Pick::One(0), &q(4, 1), 1_000, Some(1_000)),
            Err(RunRefusal::Closed)
        );
        assert!(p
            .answer(0, Pick::One(0), &q(4, 1), 999, Some(1_000))
            .is_ok());
    }

    #[test]
    fn a_finished_run_takes_no_more() {
        let mut p = Progress::new(1);
        p.answer(0, Pick::One(0), &q(2, 0), 0, None).unwrap();
        assert_eq!(
            p.answer(1, Pick::One(0), &q(2, 0), 0, None),
            Err(RunRefusal::Finished)
        );
    }

    #[test]
    fn kinds_round_trip() {
        for k in [RunKind::Assignment, RunKind::Practice, RunKind::Review] {
            assert_eq!(RunKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(RunKind::parse("live"), None);
    }
}

//! A live quiz as a pure state machine: questions open and close, answers are accepted or
//! refused, totals and standings follow. No I/O and no clock: every call takes `now` (Unix
//! milliseconds), so each transition is tested in microseconds and a restart can rebuild the
//! state from stored answers.

use std::collections::HashMap;
use std::sync::Arc;

use super::scoring::{self, Rules};
use crate::quiz::model::Pick;
use crate::quiz::Quiz;

/// How a session plays, fixed when it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    /// Seconds per question unless the quiz file sets its own.
    pub seconds: u32,
    pub rules: Rules,
    /// Players may change their answer while the question is open.
    pub allow_change: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    NotStarted,
    Open { position: usize },
    Closed { position: usize },
    Finished,
}

/// When a question opened and when it closes (Unix ms).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Opened {
    pub at: i64,
    pub deadline: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// What was picked, as [`Pick::stored`] keeps it: the option's index, or the set's bits on
    /// a multi-select question.
    pub choice: u16,
    pub at: i64,
    pub elapsed_ms: u64,
    pub correct: bool,
    pub points: u32,
    /// What the player typed, for a typed-answer question.
    pub typed: Option<String>,
}

impl Answer {
    /// What was picked, read for `question`; `None` for a value it cannot have.
    pub fn pick(&self, question: &crate::quiz::Question) -> Option<Pick> {
        Pick::from_stored(question, self.choice)
    }
}

/// Why an answer was not taken; each becomes a polite ephemeral reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The question was closed (deadline passed or revealed).
    Closed,
    /// Not opened yet (a forged id for a later question).
    NotOpen,
    /// One answer per question; this is the one already given.
    AlreadyAnswered {
        pick: Pick,
    },
    Finished,
    /// The choice is not one of the question's options (or a set on a single-choice question,
    /// or one option on a multi-select one).
    NoSuchOption,
}

/// An accepted answer, with what it replaced (when changes are allowed) so that a failed
/// commit can be undone exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    pub position: usize,
    pub question_index: usize,
    pub answer: Answer,
    pub previous: Option<Answer>,
}

/// A player's running totals over the closed questions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Totals {
    pub points: u64,
    pub correct: u32,
    pub answered: u32,
    /// Total time of correct answers: the tie-breaker.
    pub correct_ms: u64,
    pub streak: u32,
    pub best_streak: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    pub rank: usize,
    pub user: u64,
    pub name: String,
    pub totals: Totals,
}

/// What a reveal shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reveal {
    pub position: usize,
    pub question_index: usize,
    /// Answers per option, in option order (on a multi-select question, how many picked each
    /// option among the rest).
    pub counts: Vec<u64>,
    pub answered: u64,
    /// How many got it right (the whole set, on a multi-select question).
    pub correct: u64,
    /// A typed-answer question's most common wrong answers (as first typed) with how many
    /// typed each, most first, at most [`WRONG_ANSWERS_SHOWN`].
    pub wrong: Vec<(String, u64)>,
    /// The fastest correct player's name and time.
    pub fastest: Option<(u64, String, u64)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hardest {
    pub position: usize,
    pub question_index: usize,
    pub correct: u64,
    pub answered: u64,
}

/// How many of the wrong answers typed a reveal names.
pub const WRONG_ANSWERS_SHOWN: usize = 3;

/// The most common wrong answers: grouped as they are matched (case, accents, punctuation
/// do not count), each shown as its first spelling; most first, then alphabetically.
pub fn common_wrong<'a>(typed: impl Iterator<Item = &'a str>) -> Vec<(String, u64)> {
    let mut groups: HashMap<String, (String, u64)> = HashMap::new();
    for t in typed {
        let key = super::typed_answer::normalise(t);
        groups
            .entry(key)
            .or_insert_with(|| (t.trim().to_string(), 0))
            .1 += 1;
    }
    let mut all: Vec<(String, u64)> = groups.into_values().collect();
    all.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    all.truncate(WRONG_ANSWERS_SHOWN);
    all
}

/// A random order for `/quiz start shuffle:true` (xorshift seeded by the clock: no need for
/// anything stronger to mix up quiz questions).
pub fn shuffled(n: usize, seed: u64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    let mut x = crate::quiz::model::mixed_seed(seed);
    for i in (1..n).rev() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        order.swap(i, (x % (i as u64 + 1)) as usize);
    }
    order
}

pub struct LiveSession {
    pub id: i64,
    pub quiz: Arc<Quiz>,
    /// Question indexes in play order (shuffled or not).
    pub order: Vec<usize>,
    pub settings: Settings,
    phase: Phase,
    opened: Vec<Option<Opened>>,
    answers: Vec<HashMap<u64, Answer>>,
    /// Names as the latest interaction carried them.
    names: HashMap<u64, String>,
    totals: HashMap<u64, Totals>,
}

impl LiveSession {
    pub fn new(id: i64, quiz: Arc<Quiz>, order: Vec<usize>, settings: Settings) -> Self {
        let n = order.len();
        LiveSession {
            id,
            quiz,
            order,
            settings,
            phase: Phase::NotStarted,
            opened: vec![None; n],
            answers: vec![HashMap::new(); n],
            names: HashMap::new(),
            totals: HashMap::new(),
        }
    }

    pub fn phase(&self) -> Phase {
        self.phase
    }

    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    pub fn question_at(&self, position: usize) -> Option<&crate::quiz::Question> {
        self.order
            .get(position)
            .and_then(|&i| self.quiz.questions.get(i))
    }

    /// The time limit of the question at `position`, in seconds.
    pub fn seconds_at(&self, position: usize) -> u32 {
        self.order
            .get(position)
            .map_or(self.settings.seconds, |&i| {
                self.quiz.seconds_for(i, self.settings.seconds)
            })
    }

    /// How many questions have been opened so far.
    pub fn opened_count(&self) -> usize {
        self.opened.iter().filter(|o| o.is_some()).count()
    }

    pub fn opened_at(&self, position: usize) -> Option<Opened> {
        self.opened.get(position).copied().flatten()
    }

    /// The next position to open: 0 at first, then after the closed one; `None` when done.
    pub fn next_position(&self) -> Option<usize> {
        let next = match self.phase {
            Phase::NotStarted => 0,
            Phase::Closed { position } => position + 1,
            Phase::Open { .. } | Phase::Finished => return None,
        };
        (next < self.order.len()).then_some(next)
    }

    /// Opens the next question at `now`; its deadline is `now` plus its time limit.
    pub fn open_next(&mut self, now: i64) -> Option<(usize, Opened)> {
        let position = self.next_position()?;
        let opened = Opened {
            at: now,
            deadline: now + i64::from(self.seconds_at(position)) * 1000,
        };
        self.opened[position] = Some(opened);
        self.phase = Phase::Open { position };
        Some((position, opened))
    }

    /// Gives the open question at `position` its whole time again from `now` — for a question
    /// whose message appeared late — unless someone has already answered it (their speed was
    /// counted from the first opening). The new timing, or `None` when it stays as it was.
    pub fn reopen(&mut self, position: usize, now: i64) -> Option<Opened> {
        if self.phase != (Phase::Open { position }) || !self.answers.get(position)?.is_empty() {
            return None;
        }
        let opened = Opened {
            at: now,
            deadline: now + i64::from(self.seconds_at(position)) * 1000,
        };
        self.opened[position] = Some(opened);
        Some(opened)
    }

    /// The open question at `position` and its timing, or why it takes no answer at `now`.
    fn open_at(&self, position: usize, now: i64) -> Result<(usize, Opened), Refusal> {
        let open = match self.phase {
            Phase::Finished => return Err(Refusal::Finished),
            Phase::NotStarted => return Err(Refusal::NotOpen),
            Phase::Closed { position: p } if position <= p => return Err(Refusal::Closed),
            Phase::Closed { .. } => return Err(Refusal::NotOpen),
            Phase::Open { position: p } if position < p => return Err(Refusal::Closed),
            Phase::Open { position: p } if position > p => return Err(Refusal::NotOpen),
            Phase::Open { position: p } => p,
        };
        let opened = self.opened[open].ok_or(Refusal::NotOpen)?;
        if now > opened.deadline {
            return Err(Refusal::Closed);
        }
        Ok((open, opened))
    }

    /// Whether `user` may still answer the typed-answer question at `position`: asked before
    /// the box to type in is shown, so that nobody types an answer that cannot count.
    pub fn may_type(&self, user: u64, position: usize, now: i64) -> Result<(), Refusal> {
        let (open, _) = self.open_at(position, now)?;
        let question = &self.quiz.questions[self.order[open]];
        if !question.is_typed() {
            return Err(Refusal::NoSuchOption);
        }
        match self.answers[open].get(&user) {
            Some(prev) if !self.settings.allow_change => Err(Refusal::AlreadyAnswered {
                pick: prev.pick(question).unwrap_or(Pick::Typed(None)),
            }),
            _ => Ok(()),
        }
    }

    /// Takes a typed answer to the open question: judged against its accepted answers
    /// ([`super::typed_answer::matching`]) and kept as typed.
    pub fn answer_typed(
        &mut self,
        user: u64,
        name: &str,
        position: usize,
        text: &str,
        now: i64,
    ) -> Result<Accepted, Refusal> {
        let matched = self
            .question_at(position)
            .filter(|q| q.is_typed())
            .map(|q| super::typed_answer::matching(text, &q.accepted, q.exact))
            .ok_or(Refusal::NoSuchOption)?;
        let pick = Pick::Typed(matched.and_then(|i| u8::try_from(i).ok()));
        self.take(
            user,
            name,
            position,
            pick,
            Some(text.trim().to_string()),
            now,
        )
    }

    /// Takes a click. `now` is when the interaction arrived.
    pub fn answer(
        &mut self,
        user: u64,
        name: &str,
        position: usize,
        pick: Pick,
        now: i64,
    ) -> Result<Accepted, Refusal> {
        if matches!(pick, Pick::Typed(_)) {
            return Err(Refusal::NoSuchOption); // only [`Self::answer_typed`] judges text
        }
        self.take(user, name, position, pick, None, now)
    }

    fn take(
        &mut self,
        user: u64,
        name: &str,
        position: usize,
        pick: Pick,
        typed: Option<String>,
        now: i64,
    ) -> Result<Accepted, Refusal> {
        let (open, opened) = self.open_at(position, now)?;
        let question_index = self.order[open];
        let question = &self.quiz.questions[question_index];
        if !question.accepts(pick) {
            return Err(Refusal::NoSuchOption);
        }
        let choice = pick.stored();
        let previous = self.answers[open].get(&user).cloned();
        if let Some(prev) = &previous {
            if !self.settings.allow_change || (prev.choice == choice && prev.typed == typed) {
                return Err(Refusal::AlreadyAnswered {
                    pick: prev.pick(question).unwrap_or(pick),
                });
            }
        }
        let elapsed_ms = (now - opened.at).max(0) as u64;
        let correct = question.is_correct(pick);
        let limit_ms = (opened.deadline - opened.at).max(1) as u64;
        let streak = self.totals.get(&user).map_or(0, |t| t.streak);
        let answer = Answer {
            choice,
            at: now,
            elapsed_ms,
            correct,
            // A question worth double counts double, bonus and all; a warm-up counts nothing.
            points: scoring::points(self.settings.rules, correct, elapsed_ms, limit_ms, streak)
                .saturating_mul(question.points),
            typed,
        };
        self.answers[open].insert(user, answer.clone());
        self.names.insert(user, name.to_string());
        Ok(Accepted {
            position: open,
            question_index,
            answer,
            previous,
        })
    }

    /// Undoes an accepted answer whose commit failed: the player is told to try again.
    pub fn rollback(&mut self, user: u64, accepted: &Accepted) {
        let Some(answers) = self.answers.get_mut(accepted.position) else {
            return;
        };
        if answers.get(&user) != Some(&accepted.answer) {
            return; // something newer replaced it
        }
        match &accepted.previous {
            Some(prev) => {
                answers.insert(user, prev.clone());
            }
            None => {
                answers.remove(&user);
            }
        }
    }

    /// Puts back an answer read from storage (restart recovery); no checks, no scoring.
    pub fn restore_answer(&mut self, user: u64, name: &str, position: usize, answer: Answer) {
        if let Some(answers) = self.answers.get_mut(position) {
            answers.insert(user, answer);
            self.names.insert(user, name.to_string());
        }
    }

    /// Re-opens a question as it was (restart recovery): its stored timing, no new deadline.
    /// Replaying open → answers → close for each question rebuilds the totals exactly.
    pub fn restore_open(&mut self, position: usize, opened: Opened) -> bool {
        if position >= self.order.len() || self.next_position() != Some(position) {
            return false;
        }
        self.opened[position] = Some(opened);
        self.phase = Phase::Open { position };
        true
    }

    /// Answers given so far to the open (or last) question.
    pub fn answered_count(&self, position: usize) -> u64 {
        self.answers.get(position).map_or(0, |a| a.len() as u64)
    }

    pub fn answer_of(&self, user: u64, position: usize) -> Option<&Answer> {
        self.answers.get(position).and_then(|a| a.get(&user))
    }

    /// All answers to the question at `position`, by user.
    pub fn answers_at(&self, position: usize) -> impl Iterator<Item = (u64, &Answer)> {
        self.answers
            .get(position)
            .into_iter()
            .flat_map(|a| a.iter().map(|(u, a)| (*u, a)))
    }

    /// Closes the open question: no more answers; totals take it in.
    pub fn close(&mut self) -> Option<Reveal> {
        let Phase::Open { position } = self.phase else {
            return None;
        };
        self.phase = Phase::Closed { position };
        let question_index = self.order[position];
        let question = &self.quiz.questions[question_index];
        let mut counts = vec![0u64; question.options.len()];
        let mut fastest: Option<(u64, u64)> = None;
        let mut correct = 0;
        let mut wrong_typed = Vec::new();
        for (&user, a) in &self.answers[position] {
            // A multi-select answer counts once for every option in its set.
            for i in a.pick(question).map(Pick::indexes).unwrap_or_default() {
                if let Some(c) = counts.get_mut(i) {
                    *c += 1;
                }
            }
            correct += u64::from(a.correct);
            if !a.correct {
                if let Some(t) = &a.typed {
                    wrong_typed.push((a.at, user, t.as_str()));
                }
            }
            if a.correct && fastest.is_none_or(|(u, ms)| (a.elapsed_ms, user) < (ms, u)) {
                fastest = Some((user, a.elapsed_ms));
            }
        }
        // Everyone who ever answered has totals; those who skipped this question lose their
        // streak.
        let answered: Vec<(u64, Answer)> = self.answers[position]
            .iter()
            .map(|(u, a)| (*u, a.clone()))
            .collect();
        for t in self.totals.values_mut() {
            t.streak = 0;
        }
        for (user, a) in &answered {
            let streak = if a.correct {
                self.previous_streak(*user, position) + 1
            } else {
                0
            };
            let t = self.totals.entry(*user).or_default();
            t.answered += 1;
            t.points += u64::from(a.points);
            if a.correct {
                t.correct += 1;
                t.correct_ms += a.elapsed_ms;
                t.streak = streak;
                t.best_streak = t.best_streak.max(streak);
            }
        }
        Some(Reveal {
            position,
            question_index,
            answered: answered.len() as u64,
            correct,
            wrong: {
                // In the order they were given, so that each group shows its first spelling.
                wrong_typed.sort_unstable();
                common_wrong(wrong_typed.into_iter().map(|(_, _, t)| t))
            },
            counts,
            fastest: fastest.map(|(u, ms)| (u, self.name(u).to_string(), ms)),
        })
    }

    /// Consecutive correct answers just before `position`.
    fn previous_streak(&self, user: u64, position: usize) -> u32 {
        (0..position)
            .rev()
            .take_while(|&p| self.answers[p].get(&user).is_some_and(|a| a.correct))
            .count() as u32
    }

    /// Ends the quiz; an open question is closed first (its reveal is returned).
    pub fn finish(&mut self) -> Option<Reveal> {
        let reveal = self.close();
        self.phase = Phase::Finished;
        reveal
    }

    pub fn name(&self, user: u64) -> &str {
        self.names.get(&user).map_or("someone", String::as_str)
    }

    pub fn totals_of(&self, user: u64) -> Option<&Totals> {
        self.totals.get(&user)
    }

    pub fn players(&self) -> usize {
        self.totals.len()
    }

    /// Everyone ranked: points, then less time on correct answers, then user id.
    pub fn standings(&self) -> Vec<Standing> {
        let mut ranked: Vec<(&u64, &Totals)> = self.totals.iter().collect();
        ranked.sort_by(|(ua, a), (ub, b)| {
            b.points
                .cmp(&a.points)
                .then(a.correct_ms.cmp(&b.correct_ms))
                .then(ua.cmp(ub))
        });
        ranked
            .into_iter()
            .enumerate()
            .map(|(i, (user, totals))| Standing {
                rank: i + 1,
                user: *user,
                name: self.name(*user).to_string(),
                totals: totals.clone(),
            })
            .collect()
    }

    /// The closed question fewest players got right (by share of those who answered).
    pub fn hardest(&self) -> Option<Hardest> {
        let closed = match self.phase {
            Phase::Closed { position } => position + 1,
            Phase::Finished => self.opened.iter().filter(|o| o.is_some()).count(),
            _ => 0,
        };
        (0..closed)
            .map(|p| {
                let answered = self.answers[p].len() as u64;
                let correct = self.answers[p].values().filter(|a| a.correct).count() as u64;
                Hardest {
                    position: p,
                    question_index: self.order[p],
                    correct,
                    answered,
                }
            })
            // Lowest correct share; on a tie the earlier question. Unanswered questions count
            // as 0 of 0, the hardest of all.
            .min_by(|a, b| {
                (a.correct * b.answered.max(1))
                    .cmp(&(b.correct * a.answered.max(1)))
                    .then(a.position.cmp(&b.position))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shuffle_is_a_permutation() {
        let mut order = shuffled(10, 12345);
        assert_ne!(order, (0..10).collect::<Vec<_>>());
        order.sort();
        assert_eq!(order, (0..10).collect::<Vec<_>>());
    }
    use crate::game::scoring::Scoring;
    use crate::quiz::{Question, Quiz};

    fn quiz(n: usize) -> Arc<Quiz> {
        Arc::new(Quiz {
            id: "t".into(),
            title: "T".into(),
            description: String::new(),
            question_seconds: None,
            questions: (0..n)
                .map(|i| Question {
                    number: i + 1,
                    ..Question::choice(format!("Q{i}"), vec!["a".into(), "b".into(), "c".into()], 1)
                })
                .collect(),
            tiers: Vec::new(),
        })
    }

    fn session(n: usize, scoring: Scoring, allow_change: bool) -> LiveSession {
        LiveSession::new(
            1,
            quiz(n),
            (0..n).collect(),
            Settings {
                seconds: 20,
                rules: Rules {
                    scoring,
                    streak_bonus: true,
                },
                allow_change,
            },
        )
    }

    /// A session of the one-question quiz `q`, a point per right answer, no changes allowed.
    fn one_point_each(q: Quiz) -> LiveSession {
        LiveSession::new(
            1,
            Arc::new(q),
            vec![0],
            Settings {
                seconds: 20,
                rules: Rules {
                    scoring: Scoring::Correct,
                    streak_bonus: false,
                },
                allow_change: false,
            },
        )
    }

    #[test]
    fn a_multi_select_scores_the_whole_set_and_counts_every_option_picked() {
        let mut q = (*quiz(1)).clone();
        q.questions[0].answers = vec![0, 2];
        q.questions[0].answer = 0;
        let mut s = one_point_each(q);
        s.open_next(0);
        let right = s.answer(1, "all", 0, Pick::set(&[0, 2]), 1_000).unwrap();
        assert!(right.answer.correct);
        assert_eq!(right.answer.points, 1);
        let part = s.answer(2, "part", 0, Pick::set(&[0]), 1_000).unwrap();
        assert!(!part.answer.correct, "all or nothing: one of two is wrong");
        assert_eq!(part.answer.points, 0);
        let over = s
            .answer(3, "over", 0, Pick::set(&[0, 1, 2]), 1_000)
            .unwrap();
        assert!(!over.answer.correct, "an extra option is wrong");
        assert_eq!(
            s.answer(4, "button", 0, Pick::One(0), 1_000),
            Err(Refusal::NoSuchOption),
            "a single option is not an answer to a multi-select"
        );
        assert_eq!(
            s.answer(1, "all", 0, Pick::set(&[1]), 2_000),
            Err(Refusal::AlreadyAnswered {
                pick: Pick::set(&[0, 2])
            })
        );
        let reveal = s.close().unwrap();
        assert_eq!(
            reveal.counts,
            [3, 1, 2],
            "each option counted per player who picked it"
        );
        assert_eq!((reveal.answered, reveal.correct), (3, 1));
        assert_eq!(reveal.fastest.map(|f| f.0), Some(1));
    }

    #[test]
    fn typed_answers_are_judged_forgiven_a_slip_unless_exact_and_the_wrong_ones_tallied() {
        for exact in [false, true] {
            let mut q = (*quiz(1)).clone();
            q.questions[0].exact = exact;
            q.questions[0].options.clear();
            q.questions[0].accepted = vec!["Paris".into(), "City of Light".into()];
            let mut s = one_point_each(q);
            s.open_next(0);
            assert_eq!(s.may_type(1, 0, 10), Ok(()));
            let right = s.answer_typed(1, "a", 0, " PARIS! ", 10).unwrap();
            assert!(right.answer.correct);
            assert_eq!(right.answer.typed.as_deref(), Some("PARIS!"));
            assert_eq!(right.answer.choice, 0);
            let other = s.answer_typed(2, "b", 0, "city of light", 10).unwrap();
            assert_eq!(other.answer.choice, 1, "which accepted answer matched");
            let slip = s.answer_typed(3, "c", 0, "Pariss", 10).unwrap();
            assert_eq!(slip.answer.correct, !exact, "exact: {exact}");
            for (user, text) in [
                (4, "London"),
                (5, "london."),
                (6, "Lyon"),
                (7, "Rome"),
                (8, "Rome"),
            ] {
                s.answer_typed(user, "x", 0, text, 10).unwrap();
            }
            assert!(matches!(
                s.may_type(1, 0, 20),
                Err(Refusal::AlreadyAnswered { .. })
            ));
            assert_eq!(
                s.answer(9, "button", 0, Pick::One(0), 10),
                Err(Refusal::NoSuchOption),
                "a letter is no answer to a typed question"
            );
            let reveal = s.close().unwrap();
            // Most first, then alphabetically ("Lyon" before an exact quiz's "Pariss"); each
            // group as first typed ("London", not the later "london.").
            let want = [("London", 2), ("Rome", 2), ("Lyon", 1)];
            let got: Vec<(&str, u64)> =
                reveal.wrong.iter().map(|(t, n)| (t.as_str(), *n)).collect();
            assert_eq!(got, want, "exact: {exact}");
            assert_eq!(reveal.correct, if exact { 2 } else { 3 });
        }
    }

    #[test]
    fn opening_sets_the_deadline_from_the_time_limit() {
        let mut s = session(2, Scoring::Speed, false);
        assert_eq!(s.next_position(), Some(0));
        let (p, o) = s.open_next(1_000).unwrap();
        assert_eq!((p, o.at, o.deadline), (0, 1_000, 21_000));
        assert_eq!(s.phase(), Phase::Open { position: 0 });
        assert_eq!(s.open_next(2_000), None, "one open question at a time");
    }

    #[test]
    fn an_answer_is_scored_by_speed_and_counted_once() {
        let mut s = session(1, Scoring::Speed, false);
        s.open_next(0);
        let a = s.answer(7, "ann", 0, Pick::One(1), 10_000).unwrap();
        assert_eq!(
            (a.answer.correct, a.answer.points, a.answer.elapsed_ms),
            (true, 750, 10_000)
        );
        assert_eq!(
            s.answer(7, "ann", 0, Pick::One(2), 11_000),
            Err(Refusal::AlreadyAnswered { pick: Pick::One(1) })
        );
        assert_eq!(s.answered_count(0), 1);
    }

    #[test]
    fn changes_only_when_allowed_and_rollback_restores() {
        let mut s = session(1, Scoring::Correct, true);
        s.open_next(0);
        let first = s.answer(7, "ann", 0, Pick::One(0), 1_000).unwrap();
        let second = s.answer(7, "ann", 0, Pick::One(1), 2_000).unwrap();
        assert_eq!(second.previous, Some(first.answer.clone()));
        s.rollback(7, &second);
        assert_eq!(s.answer_of(7, 0), Some(&first.answer));
        s.rollback(7, &first);
        assert_eq!(s.answer_of(7, 0), None);
    }

    #[test]
    fn refusals_for_closed_future_finished_and_invalid() {
        let mut s = session(2, Scoring::Speed, false);
        assert_eq!(s.answer(1, "a", 0, Pick::One(0), 0), Err(Refusal::NotOpen));
        s.open_next(0);
        assert_eq!(
            s.answer(1, "a", 1, Pick::One(0), 0),
            Err(Refusal::NotOpen),
            "a later question"
        );
        assert_eq!(
            s.answer(1, "a", 0, Pick::One(3), 0),
            Err(Refusal::NoSuchOption)
        );
        assert_eq!(
            s.answer(1, "a", 0, Pick::One(0), 20_001),
            Err(Refusal::Closed),
            "after the deadline"
        );
        s.close();
        assert_eq!(s.answer(1, "a", 0, Pick::One(0), 1), Err(Refusal::Closed));
        s.open_next(30_000);
        assert_eq!(
            s.answer(1, "a", 0, Pick::One(0), 30_001),
            Err(Refusal::Closed),
            "an earlier question"
        );
        s.finish();
        assert_eq!(
            s.answer(1, "a", 1, Pick::One(0), 30_002),
            Err(Refusal::Finished)
        );
    }

    #[test]
    fn close_counts_per_option_and_finds_the_fastest_correct() {
        let mut s = session(1, Scoring::Speed, false);
        s.open_next(0);
        s.answer(1, "slow", 0, Pick::One(1), 5_000).unwrap();
        s.answer(2, "fast", 0, Pick::One(1), 2_000).unwrap();
        s.answer(3, "wrong", 0, Pick::One(0), 1_000).unwrap();
        let r = s.close().unwrap();
        assert_eq!(r.counts, vec![1, 2, 0]);
        assert_eq!(r.answered, 3);
        assert_eq!(r.fastest, Some((2, "fast".into(), 2_000)));
        assert_eq!(s.phase(), Phase::Closed { position: 0 });
        assert_eq!(s.close(), None, "closing twice does nothing");
    }

    #[test]
    fn streak_bonus_grows_with_consecutive_correct_answers_and_resets_on_a_miss() {
        let mut s = session(4, Scoring::Speed, false);
        let mut points = Vec::new();
        for (q, choice) in [1u8, 1, 0, 1].iter().enumerate() {
            let t0 = q as i64 * 100_000;
            s.open_next(t0);
            points.push(
                s.answer(9, "p", q, Pick::One(*choice), t0)
                    .unwrap()
                    .answer
                    .points,
            );
            s.close();
        }
        assert_eq!(points, [1000, 1100, 0, 1000]);
        let t = s.totals_of(9).unwrap();
        assert_eq!(
            (t.points, t.correct, t.answered, t.best_streak),
            (3100, 3, 4, 2)
        );
    }

    #[test]
    fn a_late_question_is_reopened_only_while_nobody_answered() {
        let mut s = session(2, Scoring::Speed, false);
        let (_, first) = s.open_next(0).unwrap();
        let fresh = s.reopen(0, 10_000).unwrap();
        assert_eq!(
            (fresh.at, fresh.deadline),
            (10_000, 10_000 + first.deadline)
        );
        // Speed counts from the new opening: an answer 0.3 s after it scores full marks.
        assert_eq!(
            s.answer(9, "p", 0, Pick::One(1), 10_300)
                .unwrap()
                .answer
                .points,
            1000
        );
        assert_eq!(
            s.reopen(0, 20_000),
            None,
            "someone answered: the time stands"
        );
        assert_eq!(s.reopen(1, 20_000), None, "not the open question");
        s.close();
        assert_eq!(s.reopen(0, 30_000), None, "closed");
    }

    #[test]
    fn a_skipped_question_breaks_the_streak() {
        let mut s = session(3, Scoring::Speed, false);
        s.open_next(0);
        s.answer(9, "p", 0, Pick::One(1), 0).unwrap();
        s.close();
        s.open_next(100_000);
        s.close(); // no answer
        s.open_next(200_000);
        assert_eq!(
            s.answer(9, "p", 2, Pick::One(1), 200_000)
                .unwrap()
                .answer
                .points,
            1000
        );
    }

    #[test]
    fn standings_rank_by_points_then_time_on_correct_answers() {
        let mut s = session(1, Scoring::Correct, false);
        s.open_next(0);
        s.answer(1, "later", 0, Pick::One(1), 3_000).unwrap();
        s.answer(2, "sooner", 0, Pick::One(1), 1_000).unwrap();
        s.answer(3, "wrong", 0, Pick::One(0), 500).unwrap();
        s.close();
        let names: Vec<_> = s
            .standings()
            .into_iter()
            .map(|st| (st.rank, st.name))
            .collect();
        assert_eq!(
            names,
            [
                (1, "sooner".into()),
                (2, "later".into()),
                (3, "wrong".into())
            ]
        );
    }

    #[test]
    fn replaying_stored_questions_rebuilds_the_same_totals() {
        let mut live = session(3, Scoring::Speed, false);
        let mut replayed = session(3, Scoring::Speed, false);
        let mut stored = Vec::new();
        for q in 0..2 {
            let (_, opened) = live.open_next(q as i64 * 100_000).unwrap();
            for (user, choice) in [(1u64, 1u8), (2, if q == 0 { 1 } else { 0 })] {
                let a = live
                    .answer(user, "p", q, Pick::One(choice), opened.at + 1_000)
                    .unwrap();
                stored.push((q, opened, user, a.answer));
            }
            live.close();
        }
        for q in 0..2 {
            let opened = stored.iter().find(|s| s.0 == q).unwrap().1;
            assert!(replayed.restore_open(q, opened));
            for (_, _, user, a) in stored.iter().filter(|s| s.0 == q) {
                replayed.restore_answer(*user, "p", q, a.clone());
            }
            replayed.close();
        }
        assert_eq!(replayed.standings(), live.standings());
        assert!(
            !replayed.restore_open(0, stored[0].1),
            "only the next question can be re-opened"
        );
    }

    #[test]
    fn finish_closes_an_open_question_and_hardest_is_the_least_answered_right() {
        let mut s = session(3, Scoring::Correct, false);
        s.open_next(0);
        s.answer(1, "a", 0, Pick::One(1), 1).unwrap();
        s.close();
        s.open_next(10);
        s.answer(1, "a", 1, Pick::One(0), 11).unwrap();
        s.answer(2, "b", 1, Pick::One(1), 12).unwrap();
        let reveal = s.finish().expect("the open question is revealed");
        assert_eq!(reveal.position, 1);
        assert_eq!(s.phase(), Phase::Finished);
        assert_eq!(s.next_position(), None);
        let h = s.hardest().unwrap();
        assert_eq!((h.position, h.correct, h.answered), (1, 1, 2));
    }
}

//! The quiz as every format parses into it. Texts keep their Markdown (bold, code, links) so that
//! Discord renders them as the author wrote them.

use serde::{Deserialize, Serialize};

/// A whole quiz: what `quizbot show --json` prints and what a session plays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quiz {
    /// The file name without extension (`day-42-attention-mechanisms`); unique per server.
    pub id: String,
    pub title: String,
    /// Text before the first question (the seed's "Instructions"); may be empty.
    pub description: String,
    /// Default seconds per question from the file (TOML `question_seconds`), if it sets one.
    pub question_seconds: Option<u32>,
    /// Never empty once validation passed.
    pub questions: Vec<Question>,
    /// In the order the file lists them; never overlapping once validation passed.
    pub tiers: Vec<Tier>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    /// 1-based position in the quiz.
    pub number: usize,
    /// 1-based source line where the question starts.
    pub line: usize,
    pub prompt: String,
    /// 2 to 10 options, in the order they are lettered (A, B, C, …); none for a typed-answer
    /// question.
    pub options: Vec<String>,
    /// Zero-based index into `options`: the correct option, or for a multi-select question the
    /// first of [`Question::answers`].
    pub answer: usize,
    /// Every correct option of a multi-select question (two or more, sorted, zero-based);
    /// empty for a question with one correct option. A player scores it by picking exactly
    /// this set (docs/quiz-format.md, "Multi-select questions").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub answers: Vec<usize>,
    /// The answers a typed-answer question accepts (the first is the one a reveal shows); empty
    /// for a question with options. Matched as `game::typed_answer` says.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accepted: Vec<String>,
    /// The typed answer must match without a slip: the file said `exact` (TOML `exact = true`,
    /// Markdown front matter `exact: true`). Kept with the question, so that `/review` judges
    /// it as the quiz it came from did.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub exact: bool,
    /// May be empty when the author gave none.
    pub explanation: String,
    /// This question's own time limit, if the file sets one.
    pub seconds: Option<u32>,
    /// What a correct answer is worth, as a multiple of an ordinary question's points: 1 is
    /// ordinary, 2 double (Kahoot's "double points"), 0 a warm-up that scores nothing. Quizzes
    /// stored before this field existed read as 1.
    #[serde(default = "ordinary_points")]
    pub points: u32,
    /// Topics a game can be narrowed to (`/quiz start tag:`), lower case, as written: Open
    /// Trivia DB's category, TOML `tags`, Markdown `**Tags:**`.
    #[serde(default)]
    pub tags: Vec<String>,
    /// `easy`, `medium`, `hard` or the author's own word, lower case; `None` when unsaid.
    #[serde(default)]
    pub difficulty: Option<String>,
    /// The image files its prompt, options and explanation name, read when the quiz was
    /// checked (docs/quiz-format.md, "Images"); web images are not listed. A picture whose file
    /// was missing is not here: the question is asked without it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pictures: Vec<Picture>,
}

/// An image file a question shows, attached to its message: named in the text by `path`, sent
/// as `filename`, its bytes found by `hash` (the SHA-256 of the file, in hex).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Picture {
    /// As the text names it, from the quiz's folder, `/`-separated.
    pub path: String,
    /// The attachment's name, unique within the question (`attachment://<filename>`).
    pub filename: String,
    #[serde(rename = "sha256")]
    pub hash: String,
    pub size: usize,
}

/// Most tags one question keeps, and the longest tag or difficulty (longer ones are refused).
pub const MAX_TAGS: usize = 10;
pub const MAX_TAG_CHARS: usize = 50;

/// A tag or difficulty as it is kept and matched: trimmed, lower case, spaces collapsed; `None`
/// when empty or too long.
pub fn label_word(text: &str) -> Option<String> {
    let word = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    (!word.is_empty() && word.chars().count() <= MAX_TAG_CHARS).then_some(word)
}

/// A seed for xorshift from any number: splitmix64, so that neighbouring seeds (a clock, an
/// id) start far apart; never 0 (xorshift's one fixed point).
pub fn mixed_seed(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    (z ^ (z >> 31)) | 1
}

/// The most a question may be worth, in ordinary questions' points.
pub const MAX_POINTS: u32 = 10;

fn ordinary_points() -> u32 {
    1
}

/// A band of scores with the label shown next to a player's final score ("9/10 — Excellent").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tier {
    /// Inclusive bounds in correct answers.
    pub min: u32,
    pub max: u32,
    pub label: String,
}

impl Quiz {
    /// The tier a score of `correct` falls into, if the quiz has one for it.
    pub fn tier_for(&self, correct: u32) -> Option<&Tier> {
        self.tiers
            .iter()
            .find(|t| t.min <= correct && correct <= t.max)
    }

    /// The time limit of question `index`: its own, else the quiz's, else `default`.
    pub fn seconds_for(&self, index: usize, default: u32) -> u32 {
        self.questions
            .get(index)
            .and_then(|q| q.seconds)
            .or(self.question_seconds)
            .unwrap_or(default)
    }
}

impl Quiz {
    /// The quiz as a game plays it: its first [`MAX_PLAYED`] questions.
    pub fn for_a_game(self: &std::sync::Arc<Quiz>) -> std::sync::Arc<Quiz> {
        if self.questions.len() <= MAX_PLAYED {
            return std::sync::Arc::clone(self);
        }
        let mut quiz = Quiz {
            questions: self.questions[..MAX_PLAYED].to_vec(),
            ..Quiz::clone_header(self)
        };
        quiz.questions.shrink_to_fit();
        std::sync::Arc::new(quiz)
    }

    /// The quiz as a game plays it: `count` questions drawn at random from the whole bank
    /// (in the file's order, numbered afresh), or without a count its first [`MAX_PLAYED`].
    /// The same `seed` always draws the same questions; a game keeps what it drew (in
    /// SQLite), so a restart plays the same ones whatever the seed.
    pub fn drawn(
        self: &std::sync::Arc<Quiz>,
        count: Option<usize>,
        seed: u64,
    ) -> std::sync::Arc<Quiz> {
        let Some(count) = count else {
            return self.for_a_game();
        };
        let count = count.clamp(1, MAX_PLAYED);
        if count >= self.questions.len() {
            return self.for_a_game();
        }
        // A partial Fisher–Yates over the indexes (xorshift: mixing quiz questions needs no
        // more), then the chosen ones back in file order.
        let mut picks: Vec<usize> = (0..self.questions.len()).collect();
        let mut x = mixed_seed(seed);
        for i in 0..count {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let j = i + (x % (picks.len() - i) as u64) as usize;
            picks.swap(i, j);
        }
        picks.truncate(count);
        picks.sort_unstable();
        let questions = picks
            .iter()
            .enumerate()
            .map(|(n, &i)| Question {
                number: n + 1,
                ..self.questions[i].clone()
            })
            .collect();
        std::sync::Arc::new(Quiz {
            questions,
            ..Quiz::clone_header(self)
        })
    }

    /// Only the questions with `tag` among their tags and of `difficulty` (each matched as
    /// [`label_word`] writes it, when given), numbered afresh; `None` when no question is left.
    pub fn narrowed(
        self: &std::sync::Arc<Quiz>,
        tag: Option<&str>,
        difficulty: Option<&str>,
    ) -> Option<std::sync::Arc<Quiz>> {
        let tag = tag.and_then(label_word);
        let difficulty = difficulty.and_then(label_word);
        if tag.is_none() && difficulty.is_none() {
            return Some(std::sync::Arc::clone(self));
        }
        let questions: Vec<Question> = self
            .questions
            .iter()
            .filter(|q| tag.as_ref().is_none_or(|t| q.tags.contains(t)))
            .filter(|q| difficulty.is_none() || q.difficulty == difficulty)
            .enumerate()
            .map(|(n, q)| Question {
                number: n + 1,
                ..q.clone()
            })
            .collect();
        (!questions.is_empty()).then(|| {
            std::sync::Arc::new(Quiz {
                questions,
                ..Quiz::clone_header(self)
            })
        })
    }

    /// Every tag of the quiz's questions, sorted, once each.
    pub fn tags(&self) -> Vec<&str> {
        let mut tags: Vec<&str> = self
            .questions
            .iter()
            .flat_map(|q| q.tags.iter().map(String::as_str))
            .collect();
        tags.sort_unstable();
        tags.dedup();
        tags
    }

    /// Everything but the questions.
    fn clone_header(&self) -> Quiz {
        Quiz {
            id: self.id.clone(),
            title: self.title.clone(),
            description: self.description.clone(),
            question_seconds: self.question_seconds,
            questions: Vec::new(),
            tiers: self.tiers.clone(),
        }
    }
}

impl Question {
    /// An ordinary question with one correct option: numbered 1 at line 1, no explanation, no
    /// time of its own, worth 1, no tags. What tests and generated quizzes start from.
    pub fn choice(prompt: impl Into<String>, options: Vec<String>, answer: usize) -> Question {
        Question {
            number: 1,
            line: 1,
            prompt: prompt.into(),
            options,
            answer,
            answers: Vec::new(),
            accepted: Vec::new(),
            exact: false,
            explanation: String::new(),
            seconds: None,
            points: 1,
            pictures: Vec::new(),
            tags: Vec::new(),
            difficulty: None,
        }
    }

    /// A typed-answer question: no options, these answers accepted (the first is the one a
    /// reveal shows); otherwise as [`Question::choice`].
    pub fn typed(prompt: impl Into<String>, accepted: Vec<String>) -> Question {
        Question {
            accepted,
            ..Question::choice(prompt, Vec::new(), 0)
        }
    }

    pub fn correct_option(&self) -> &str {
        &self.options[self.answer]
    }

    /// Several options are correct: the player picks a set.
    pub fn is_multi(&self) -> bool {
        self.answers.len() > 1
    }

    /// No options: the player types the answer.
    pub fn is_typed(&self) -> bool {
        !self.accepted.is_empty()
    }

    /// The correct options as a [`Pick`].
    pub fn correct_pick(&self) -> Pick {
        if self.is_typed() {
            Pick::Typed(Some(0))
        } else if self.is_multi() {
            Pick::set(&self.answers)
        } else {
            Pick::One(self.answer as u8)
        }
    }

    /// Every correct option, in order: one, or the set of a multi-select question (none for a
    /// typed answer).
    pub fn correct_indexes(&self) -> Vec<usize> {
        if self.is_typed() {
            Vec::new()
        } else if self.is_multi() {
            self.answers.clone()
        } else {
            vec![self.answer]
        }
    }

    /// How many options a player of a multi-select question must pick, when the prompt says
    /// it ("Choose 2", "select three") and the answer agrees; `None` otherwise ("Select all
    /// that apply" leaves it open, and a prompt that miscounts is not believed).
    pub fn stated_pick_count(&self) -> Option<usize> {
        if !self.is_multi() {
            return None;
        }
        let words: Vec<String> = self
            .prompt
            .to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect();
        const NUMBERS: [&str; 9] = [
            "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        ];
        words.windows(2).find_map(|w| {
            let verb = matches!(
                w[0].as_str(),
                "choose" | "select" | "pick" | "mark" | "identify"
            );
            let n = w[1]
                .parse::<usize>()
                .ok()
                .or_else(|| NUMBERS.iter().position(|&n| n == w[1]).map(|i| i + 2))?;
            (verb && n == self.answers.len()).then_some(n)
        })
    }

    /// Whether `pick` is exactly the correct answer (the whole set, for a multi-select).
    pub fn is_correct(&self, pick: Pick) -> bool {
        match pick {
            Pick::Typed(matched) => self.is_typed() && matched.is_some(),
            _ => pick == self.correct_pick(),
        }
    }

    /// Whether `pick` is a possible answer to this question: one option of a single-choice
    /// question, a non-empty set of its options for a multi-select one.
    pub fn accepts(&self, pick: Pick) -> bool {
        let n = self.options.len();
        match pick {
            Pick::One(i) => !self.is_multi() && !self.is_typed() && usize::from(i) < n,
            Pick::Set(mask) => self.is_multi() && mask != 0 && u32::from(mask) < (1u32 << n),
            Pick::Typed(matched) => {
                self.is_typed() && matched.is_none_or(|i| usize::from(i) < self.accepted.len())
            }
        }
    }

    /// A stable name for the question's content (prompt, options, answer): the same question
    /// in a re-uploaded file keeps its key, an edited one gets a new one. `/review` tracks
    /// mistakes by it. FNV-1a, 64 bits, as 16 hex digits.
    pub fn key(&self) -> String {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        let mut feed = |bytes: &[u8]| {
            for &b in bytes {
                h ^= u64::from(b);
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
            // A separator no text contains, so ("ab", "c") and ("a", "bc") differ.
            h ^= 0xff;
            h = h.wrapping_mul(0x0100_0000_01b3);
        };
        feed(self.prompt.as_bytes());
        for o in &self.options {
            feed(o.as_bytes());
        }
        feed(&(self.answer as u64).to_le_bytes());
        // Single-choice keys stay as they were before multi-select existed.
        if self.is_multi() {
            for &a in &self.answers {
                feed(&(a as u64).to_le_bytes());
            }
        }
        for a in &self.accepted {
            feed(a.as_bytes());
        }
        format!("{h:016x}")
    }
}

/// What a player answered: one option, the set picked on a multi-select question (bit `i` for
/// option `i`), or for a typed answer which accepted answer it matched (`None`: none, wrong).
/// Stored as one integer (see [`Pick::stored`]); a typed answer's text is kept beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pick {
    One(u8),
    Set(u16),
    Typed(Option<u8>),
}

/// How a typed answer that matched nothing is stored.
const NO_MATCH: u16 = u16::MAX;

impl Pick {
    /// The set of these option indexes (those past the tenth are ignored).
    pub fn set(indexes: &[usize]) -> Pick {
        Pick::Set(
            indexes
                .iter()
                .filter(|&&i| i < 16)
                .fold(0u16, |m, &i| m | (1 << i)),
        )
    }

    /// The options picked, in order.
    pub fn indexes(self) -> Vec<usize> {
        match self {
            Pick::One(i) => vec![usize::from(i)],
            Pick::Set(mask) => (0..16).filter(|i| mask & (1 << i) != 0).collect(),
            Pick::Typed(_) => Vec::new(),
        }
    }

    /// "B", or "A, C" for a set.
    pub fn letters(self) -> String {
        self.indexes()
            .into_iter()
            .filter(|&i| i < 26)
            .map(|i| letter(i).to_string())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The integer an answer keeps (and SQLite's `choice` columns).
    pub fn stored(self) -> u16 {
        match self {
            Pick::One(i) => u16::from(i),
            Pick::Set(mask) => mask,
            Pick::Typed(Some(i)) => u16::from(i),
            Pick::Typed(None) => NO_MATCH,
        }
    }

    /// A stored integer read back for `question` (its kind says which form it has); `None`
    /// for a value no answer could have stored.
    pub fn from_stored(question: &Question, stored: u16) -> Option<Pick> {
        let pick = if question.is_typed() {
            Pick::Typed(
                (stored != NO_MATCH)
                    .then(|| u8::try_from(stored).ok())
                    .flatten(),
            )
        } else if question.is_multi() {
            Pick::Set(stored)
        } else {
            Pick::One(u8::try_from(stored).ok()?)
        };
        question.accepts(pick).then_some(pick)
    }
}

/// The letter shown for option `index`: A, B, C, …
pub fn letter(index: usize) -> char {
    debug_assert!(index < 26);
    (b'A' + index as u8) as char
}

/// The option index of a letter, either case: `b` → 1.
pub fn index_of_letter(c: char) -> Option<usize> {
    let lower = c.to_ascii_lowercase();
    lower
        .is_ascii_lowercase()
        .then(|| (lower as u8 - b'a') as usize)
}

/// How many options a question may have: two at least, and at most ten so that the answer
/// buttons fit in two rows of five.
pub const MIN_OPTIONS: usize = 2;
pub const MAX_OPTIONS: usize = 10;
/// Most accepted answers one typed-answer question lists, and the longest (a player types at
/// most this much: the answer box of the modal takes 100 characters).
pub const MAX_ACCEPTED: usize = 20;
pub const MAX_ACCEPTED_CHARS: usize = 100;

/// Most questions one game plays (a live quiz, an assignment, a practice run): a file may hold
/// any number, but a game of five thousand questions would never end, and every game keeps a
/// copy of what it plays (in SQLite, and read again on each private answer and each "My
/// results"). A game asked for a number of questions draws them from the whole file (see
/// [`Quiz::drawn`]); without one it plays the first ones.
pub const MAX_PLAYED: usize = 200;

/// Quiz files larger than this are refused before parsing. Large enough for whole question
/// banks (the Open Trivia DB's 5,250 questions are 1.3 MB) and equal to the attachment size
/// Discord allows every bot; reading a file this size takes well under a second.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;

#[cfg(test)]
mod tests {
    use super::*;

    fn q(prompt: &str, options: &[&str], answer: usize) -> Question {
        Question::choice(
            prompt,
            options.iter().map(|o| o.to_string()).collect(),
            answer,
        )
    }

    #[test]
    fn a_game_plays_at_most_the_first_questions_of_a_bank() {
        let bank = std::sync::Arc::new(Quiz {
            id: "bank".into(),
            title: "Bank".into(),
            description: String::new(),
            question_seconds: None,
            questions: (0..MAX_PLAYED + 50)
                .map(|i| q(&format!("Q{i}?"), &["a", "b"], 0))
                .collect(),
            tiers: Vec::new(),
        });
        let game = bank.for_a_game();
        assert_eq!(game.questions.len(), MAX_PLAYED);
        assert_eq!(game.questions[0].prompt, "Q0?");
        assert_eq!(game.title, "Bank");
        let small = std::sync::Arc::new(Quiz {
            questions: bank.questions[..3].to_vec(),
            ..(*bank).clone()
        });
        assert!(
            std::sync::Arc::ptr_eq(&small.for_a_game(), &small),
            "no copy when it fits"
        );
    }

    #[test]
    fn a_bank_draws_the_count_asked_for_the_same_for_one_seed() {
        let bank = std::sync::Arc::new(Quiz {
            id: "bank".into(),
            title: "Bank".into(),
            description: String::new(),
            question_seconds: None,
            questions: (0..500)
                .map(|i| q(&format!("Q{i}"), &["a", "b"], 0))
                .collect(),
            tiers: Vec::new(),
        });
        let a = bank.drawn(Some(10), 42);
        assert_eq!(a.questions.len(), 10);
        let prompts = |quiz: &Quiz| -> Vec<String> {
            quiz.questions.iter().map(|q| q.prompt.clone()).collect()
        };
        assert_eq!(
            prompts(&a),
            prompts(&bank.drawn(Some(10), 42)),
            "one seed, one draw"
        );
        assert_ne!(prompts(&a), prompts(&bank.drawn(Some(10), 43)));
        let mut unique = prompts(&a);
        unique.dedup();
        assert_eq!(unique.len(), 10, "no question twice");
        let numbers: Vec<usize> = a.questions.iter().map(|q| q.number).collect();
        assert_eq!(numbers, (1..=10).collect::<Vec<_>>(), "numbered afresh");
        let index = |p: &String| p[1..].parse::<usize>().unwrap();
        let at: Vec<usize> = prompts(&a).iter().map(index).collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "file order: {at:?}");
        assert!(
            at.iter().any(|&i| i >= MAX_PLAYED),
            "drawn from the whole bank: {at:?}"
        );
        // Past the bank's size, or no count: the first ones, as before.
        assert_eq!(bank.drawn(None, 1).questions.len(), MAX_PLAYED);
        assert_eq!(bank.drawn(Some(1_000), 1).questions.len(), MAX_PLAYED);
        assert_eq!(bank.drawn(Some(0), 1).questions.len(), 1);
        // Every question of a bank gets drawn sooner or later.
        let mut seen = std::collections::HashSet::new();
        for seed in 0..400 {
            for q in &bank.drawn(Some(10), seed).questions {
                seen.insert(q.prompt.clone());
            }
        }
        assert!(
            seen.len() > 450,
            "{} of 500 drawn over 400 games",
            seen.len()
        );
    }

    #[test]
    fn a_multi_select_says_how_many_to_pick_only_when_the_answer_agrees() {
        let multi = |prompt: &str, answers: &[usize]| Question {
            answers: answers.to_vec(),
            answer: answers[0],
            ..q(prompt, &["a", "b", "c", "d"], 0)
        };
        for (prompt, answers, want) in [
            ("Which are prime? (Choose 2)", &[0, 1][..], Some(2)),
            ("Select three of these.", &[0, 1, 3], Some(3)),
            ("PICK 2: which are prime?", &[1, 2], Some(2)),
            ("Which are prime? Select all that apply.", &[0, 1], None),
            ("Choose 3 of these", &[0, 1], None), // the prompt miscounts: not believed
            ("Which 2 are prime?", &[0, 1], None),
        ] {
            assert_eq!(multi(prompt, answers).stated_pick_count(), want, "{prompt}");
        }
        assert_eq!(q("Choose 2", &["a", "b"], 0).stated_pick_count(), None);
    }

    #[test]
    fn picks_are_stored_as_one_number_and_read_back_by_the_question() {
        let one = q("?", &["a", "b", "c"], 1);
        let mut multi = one.clone();
        multi.answers = vec![0, 2];
        multi.answer = 0;
        assert_eq!(Pick::set(&[2, 0]).stored(), 0b101);
        assert_eq!(Pick::from_stored(&multi, 0b101), Some(Pick::set(&[0, 2])));
        assert_eq!(Pick::from_stored(&one, 1), Some(Pick::One(1)));
        assert_eq!(Pick::from_stored(&one, 3), None, "no fourth option");
        assert_eq!(Pick::from_stored(&multi, 0b1000), None);
        assert_eq!(Pick::set(&[0, 2]).letters(), "A, C");
        assert!(multi.is_correct(Pick::set(&[2, 0])));
        assert!(!multi.is_correct(Pick::set(&[0])));
        assert_ne!(
            one.key(),
            multi.key(),
            "a different answer, a different question"
        );
    }

    #[test]
    fn a_question_key_follows_its_content_not_its_place() {
        let a = q("Which layer?", &["Link", "Network"], 1);
        let mut moved = a.clone();
        moved.number = 7;
        moved.line = 90;
        moved.explanation = "edited explanation".into();
        assert_eq!(a.key(), moved.key());
        assert_eq!(a.key().len(), 16);
        assert_ne!(a.key(), q("Which layer?", &["Link", "Network"], 0).key());
        assert_ne!(q("ab", &["c", "d"], 0).key(), q("a", &["bc", "d"], 0).key());
    }
}

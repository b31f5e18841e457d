//! Whether a question fits the messages it is shown in. `quiz/` knows nothing of Discord: the
//! caller of [`super::check_bytes`] passes a [`Fit`], and the bot's is
//! `render::preflight::DiscordFit`, which renders each question exactly as the bot will. The
//! checks in `validate.rs` turn what it reports into diagnostics (and clip explanations).

use super::model::Question;

pub trait Fit {
    /// How the question's message and its reveal, with the largest numbers and names a game
    /// can produce, break the limits; both empty when they fit.
    fn problems(&self, quiz_title: &str, question: &Question, total: usize) -> Problems;

    /// A cheap bound: true only when both messages certainly fit, so most questions need not
    /// be rendered to know.
    fn surely_fits(&self, question: &Question) -> bool;
}

/// What a [`Fit`] found, per message, described for a human.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Problems {
    pub question: Vec<String>,
    pub reveal: Vec<String>,
}

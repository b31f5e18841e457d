//! Button clicks, select-menu picks and submitted answer boxes (modals). poise routes none of
//! them, so one persistent handler here parses the typed custom id and acts; everything it
//! needs is in the id (and the picked values or typed text), so components posted before a
//! restart keep working.

use std::sync::Arc;

use poise::serenity_prelude as serenity;
use serenity::{ComponentInteraction, CreateInteractionResponse, ModalInteraction};

use super::convert;
use super::types::Error;
use crate::quiz::model::{MAX_ACCEPTED_CHARS, MAX_OPTIONS};
use crate::quiz::Pick;
use crate::render::custom_id::CustomId;
use crate::render::notices;
use crate::render::question::answer_modal;
use crate::runtime::app::App;
use crate::runtime::live::answer as live;
use crate::runtime::study::{self, Reply};

/// The name a player goes by here, as the interaction carried it.
pub fn display_name(member: Option<&serenity::Member>, user: &serenity::User) -> String {
    member
        .and_then(|m| m.nick.clone())
        .or_else(|| user.global_name.clone())
        .unwrap_or_else(|| user.name.clone())
}

/// What a click needs from the interaction: a few hundred bytes, where serenity's parsed
/// interaction (with the whole question message) is kilobytes.
pub struct Click {
    id: serenity::InteractionId,
    token: String,
    user: u64,
    guild: u64,
    name: String,
    custom_id: String,
    /// The options picked in a select menu (as our values: option indexes), or the one text of
    /// a submitted modal (a typed answer); empty for a button.
    values: Vec<String>,
    message: u64,
}

impl Click {
    /// The click as the bot acts on it; `None` for bots' clicks (bots do not play).
    pub fn of(interaction: &ComponentInteraction) -> Option<Click> {
        let i = interaction;
        let values = match &i.data.kind {
            serenity::ComponentInteractionDataKind::StringSelect { values } => values.clone(),
            _ => Vec::new(),
        };
        Click::from_member(i.id, &i.token, &i.user, i.member.as_ref(), i.guild_id).map(|c| Click {
            custom_id: i.data.custom_id.clone(),
            values,
            message: i.message.id.get(),
            ..c
        })
    }

    /// Who acts, where, through which interaction; `None` for a bot.
    fn from_member(
        id: serenity::InteractionId,
        token: &str,
        user: &serenity::User,
        member: Option<&serenity::Member>,
        guild: Option<serenity::GuildId>,
    ) -> Option<Click> {
        (!user.bot).then(|| Click {
            id,
            token: token.to_string(),
            user: user.id.get(),
            guild: guild.map_or(0, |g| g.get()),
            name: display_name(member, user),
            custom_id: String::new(),
            values: Vec::new(),
            message: 0,
        })
    }

    /// A modal submitted (a typed answer): its one text box's value is the click's one value.
    pub fn of_modal(interaction: &ModalInteraction) -> Option<Click> {
        let i = interaction;
        let typed = interaction
            .data
            .components
            .iter()
            .flat_map(|row| &row.components)
            .find_map(|c| match c {
                serenity::ActionRowComponent::InputText(t) => {
                    Some(t.value.clone().unwrap_or_default())
                }
                _ => None,
            })
            .unwrap_or_default();
        Click::from_member(i.id, &i.token, &i.user, i.member.as_ref(), i.guild_id).map(|c| Click {
            custom_id: i.data.custom_id.clone(),
            values: vec![typed.chars().take(MAX_ACCEPTED_CHARS).collect()],
            message: i.message.as_ref().map_or(0, |m| m.id.get()),
            ..c
        })
    }

    /// The text of a submitted modal.
    fn typed(&self) -> &str {
        self.values.first().map_or("", String::as_str)
    }

    pub fn id(&self) -> serenity::InteractionId {
        self.id
    }

    pub fn user(&self) -> u64 {
        self.user
    }

    /// The set picked in a select menu. Values that are not option indexes of ours make an
    /// empty set, which every question refuses.
    fn picked(&self) -> Pick {
        let indexes: Option<Vec<usize>> = self
            .values
            .iter()
            .map(|v| v.parse::<usize>().ok().filter(|&i| i < MAX_OPTIONS))
            .collect();
        Pick::set(&indexes.unwrap_or_default())
    }
}

/// Acts on a click and answers it. Runs in a task of its own that holds only the [`Click`]:
/// at the peak of a quiz night thousands wait for their commit at once, and the task serenity
/// spawned for the event (with the parsed interaction in it) is long gone by then.
pub async fn handle(http: &serenity::Http, app: &Arc<App>, click: Click) -> Result<(), Error> {
    let received = std::time::Instant::now();
    if !app.first_delivery(click.id.get(), "click") {
        tracing::info!(interaction = %click.id, "the same click delivered twice; handled once");
        metrics::counter!("quizbot_clicks_total", "kind" => "duplicate").increment(1);
        return Ok(());
    }
    let (user, guild) = (click.user, click.guild);
    let parsed = click.custom_id.parse::<CustomId>();
    metrics::counter!("quizbot_clicks_total", "kind" => kind_of(parsed.as_ref().ok())).increment(1);
    // Everything but a live answer is boxed: a click's future is as large as its largest
    // branch, and at the peak of a quiz night thousands of live answers wait at once.
    let reply = match parsed {
        Ok(CustomId::Start { assignment }) => {
            Box::pin(study::press_start(app, assignment, guild, user))
                .await
                .unwrap_or_else(|e| failed(&e, user))
        }
        Ok(CustomId::RunType { run, question }) => Reply::Modal(answer_modal(
            CustomId::RunTypeSubmit { run, question }.to_string(),
            &format!("Question {}", question + 1),
        )),
        Ok(
            id @ (CustomId::RunAnswer { run, question, .. }
            | CustomId::RunPick { run, question }
            | CustomId::RunTypeSubmit { run, question }),
        ) => Box::pin(study::answer(
            app,
            run,
            question as usize,
            study::Given {
                pick: match id {
                    CustomId::RunAnswer { choice, .. } => Pick::One(choice),
                    _ => click.picked(),
                },
                typed: matches!(id, CustomId::RunTypeSubmit { .. }).then(|| click.typed()),
            },
            (guild, user, &click.name),
        ))
        .await
        .unwrap_or_else(|e| {
            tracing::warn!(run, user, error = %e, "run answer not stored");
            Reply::New(notices::text(
                "⚠️ Your answer could not be saved — please click again.",
            ))
        }),
        Ok(CustomId::RunNext { run, .. }) => Box::pin(study::next(app, run, guild, user))
            .await
            .unwrap_or_else(|e| failed(&e, user)),
        Ok(CustomId::Type { session, question }) => {
            match live::open_answer_box(app, session, guild, user, question as usize).await {
                Ok(Ok(())) => Reply::Modal(answer_modal(
                    CustomId::TypeSubmit { session, question }.to_string(),
                    &format!("Question {}", question + 1),
                )),
                Ok(Err(refused)) => Reply::New(refused),
                Err(e) => failed(&e, user),
            }
        }
        Ok(
            id @ (CustomId::Answer {
                session, question, ..
            }
            | CustomId::Pick { session, question }
            | CustomId::TypeSubmit { session, question }),
        ) => {
            let answer = live::Click {
                user,
                name: &click.name,
                position: question as usize,
                pick: match id {
                    CustomId::Answer { choice, .. } => Pick::One(choice),
                    _ => click.picked(),
                },
                typed: matches!(id, CustomId::TypeSubmit { .. }).then(|| click.typed()),
                message: (click.message != 0).then_some(click.message),
            };
            // A store that cannot be read still gets the member an answer, never silence.
            match live::click(app, session, guild, answer).await {
                Ok(view) => Reply::New(view),
                Err(e) => failed(&e, user),
            }
        }
        Ok(CustomId::MyResults { session }) => {
            Box::pin(live::my_results(app, session, user, guild))
                .await
                .map_or_else(|e| failed(&e, user), Reply::New)
        }
        Err(_) => {
            tracing::warn!(custom_id = %click.custom_id.chars().take(100).collect::<String>(), user, guild, "refused an unrecognised button");
            Reply::New(notices::text("That button isn't one of mine (or it is from an old version); nothing was recorded."))
        }
    };
    let _permit = app.replies.acquire().await?;
    let response = match reply {
        Reply::New(view) => {
            let (view, files) = convert::attached(&app.library, view).await;
            CreateInteractionResponse::Message(convert::interaction_message(view, files, true))
        }
        Reply::Update(view) => {
            let (view, files) = convert::attached(&app.library, view).await;
            CreateInteractionResponse::UpdateMessage(convert::interaction_update(view, files))
        }
        Reply::Modal(modal) => CreateInteractionResponse::Modal(convert::modal(&modal)),
    };
    let sent = serenity::Builder::execute(response, http, (click.id, &click.token)).await;
    super::retry::count_rest(
        "POST /interactions/{id}/{token}/callback",
        sent.as_ref().err(),
    );
    let result = if sent.is_ok() { "ok" } else { "failed" };
    metrics::counter!("quizbot_interaction_responses_total", "result" => result).increment(1);
    metrics::histogram!("quizbot_ack_latency_seconds").record(received.elapsed().as_secs_f64());
    sent?;
    Ok(())
}

/// The label of a click in `quizbot_clicks_total`.
fn kind_of(id: Option<&CustomId>) -> &'static str {
    match id {
        Some(CustomId::Answer { .. } | CustomId::Pick { .. } | CustomId::TypeSubmit { .. }) => {
            "live_answer"
        }
        Some(CustomId::Type { .. } | CustomId::RunType { .. }) => "answer_box",
        Some(
            CustomId::RunAnswer { .. } | CustomId::RunPick { .. } | CustomId::RunTypeSubmit { .. },
        ) => "run_answer",
        Some(CustomId::Start { .. }) => "start",
        Some(CustomId::RunNext { .. }) => "next",
        Some(CustomId::MyResults { .. }) => "my_results",
        None => "unknown",
    }
}

fn failed(e: &crate::store::StoreError, user: u64) -> Reply {
    tracing::error!(user, error = %e, "click failed");
    Reply::New(notices::text(
        "Something went wrong on my side — it has been logged. Please try again.",
    ))
}

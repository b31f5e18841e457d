//! Views → serenity builders. Every message leaves with `allowed_mentions` that pings nobody,
//! and goes through [`measure::fit`] first: renderers stay within Discord's limits by design,
//! and a bug that breaks one is logged and cut rather than refused by Discord mid-quiz.

use poise::serenity_prelude as serenity;
use serenity::{
    ButtonStyle, CreateActionRow, CreateAllowedMentions, CreateAttachment, CreateButton,
    CreateEmbed, CreateEmbedFooter, CreateInputText, CreateInteractionResponseMessage,
    CreateMessage, CreateModal, CreateSelectMenu, CreateSelectMenuKind, CreateSelectMenuOption,
    EditAttachments, EditMessage, InputTextStyle,
};

use crate::library::Library;
use crate::render::measure;
use crate::render::view::{self, Files, MessageView};

/// The view's files with their bytes, as serenity sends them. A picture no quiz has any more
/// (an upload replaced while its game ran, then the bot restarted) is left out, and so is the
/// embed image that named it: the question goes out without it rather than not at all.
pub async fn attached(
    library: &Library,
    mut v: MessageView,
) -> (MessageView, Vec<CreateAttachment>) {
    let Files::Set(wanted) = &v.files else {
        return (v, Vec::new());
    };
    let mut files = Vec::with_capacity(wanted.len());
    let mut kept = Vec::with_capacity(wanted.len());
    for f in wanted {
        match library.picture(&f.hash).await {
            Some(bytes) => {
                files.push(CreateAttachment::bytes(bytes.to_vec(), f.filename.clone()));
                kept.push(f.clone());
            }
            None => {
                tracing::warn!(file = %f.filename, hash = %f.hash, "a quiz picture is gone; sent without it")
            }
        }
    }
    if kept.len() < wanted.len() {
        for e in &mut v.embeds {
            let gone = e
                .image
                .as_deref()
                .and_then(|i| i.strip_prefix("attachment://"))
                .is_some_and(|name| !kept.iter().any(|f| f.filename == name));
            if gone {
                e.image = None;
            }
        }
        v.files = Files::Set(kept);
    }
    (v, files)
}

/// The view, cut to Discord's limits if a renderer went over (logged: that is a bug).
pub fn checked(mut v: MessageView) -> MessageView {
    let problems = measure::problems(&v);
    if !problems.is_empty() {
        tracing::error!(problems = ?problems, "a message broke Discord's limits and was cut");
        measure::fit(&mut v);
    }
    v
}

pub fn embed(e: &view::EmbedView) -> CreateEmbed {
    let mut out = CreateEmbed::new();
    if !e.title.is_empty() {
        out = out.title(&e.title);
    }
    if !e.description.is_empty() {
        out = out.description(&e.description);
    }
    for f in &e.fields {
        out = out.field(&f.name, &f.value, f.inline);
    }
    if !e.footer.is_empty() {
        out = out.footer(CreateEmbedFooter::new(&e.footer));
    }
    if let Some(url) = &e.image {
        out = out.image(url);
    }
    if let Some(c) = e.color {
        out = out.color(c);
    }
    out
}

pub fn rows(v: &MessageView) -> Vec<CreateActionRow> {
    let select = v.select.as_ref().map(|m| {
        let options = m
            .options
            .iter()
            .map(|(label, value)| CreateSelectMenuOption::new(label, value))
            .collect();
        CreateActionRow::SelectMenu(
            CreateSelectMenu::new(&m.custom_id, CreateSelectMenuKind::String { options })
                .placeholder(&m.placeholder)
                .min_values(m.min_values)
                .max_values(m.max_values)
                .disabled(m.disabled),
        )
    });
    select
        .into_iter()
        .chain(v.rows.iter().map(|row| {
            CreateActionRow::Buttons(
                row.iter()
                    .map(|b| {
                        CreateButton::new(&b.custom_id)
                            .label(&b.label)
                            .style(match b.style {
                                view::ButtonStyle::Primary => ButtonStyle::Primary,
                                view::ButtonStyle::Secondary => ButtonStyle::Secondary,
                                view::ButtonStyle::Success => ButtonStyle::Success,
                                view::ButtonStyle::Danger => ButtonStyle::Danger,
                            })
                            .disabled(b.disabled)
                    })
                    .collect(),
            )
        }))
        .collect()
}

/// The box to type an answer in: one short text input, required.
pub fn modal(m: &view::ModalView) -> CreateModal {
    let input = CreateInputText::new(InputTextStyle::Short, &m.label, "answer")
        .placeholder(&m.placeholder)
        .max_length(m.max_length)
        .required(true);
    CreateModal::new(&m.custom_id, &m.title).components(vec![CreateActionRow::InputText(input)])
}

/// A post; `files` from [`attached`].
pub fn create_message(v: MessageView, files: Vec<CreateAttachment>) -> CreateMessage {
    let v = checked(v);
    let mut m = CreateMessage::new()
        .embeds(v.embeds.iter().map(embed).collect())
        .components(rows(&v))
        .files(files)
        .allowed_mentions(CreateAllowedMentions::new());
    if !v.content.is_empty() {
        m = m.content(v.content);
    }
    m
}

/// An edit: with [`Files::Keep`] the message keeps its files (no `attachments` field is
/// sent), with [`Files::Set`] they are replaced by `files`.
pub fn edit_message(v: MessageView, files: Vec<CreateAttachment>) -> EditMessage {
    let v = checked(v);
    let m = EditMessage::new()
        .content(v.content.clone())
        .embeds(v.embeds.iter().map(embed).collect())
        .components(rows(&v))
        .allowed_mentions(CreateAllowedMentions::new());
    match v.files {
        Files::Keep => m,
        Files::Set(_) => files.into_iter().fold(
            m.attachments(EditAttachments::new()),
            EditMessage::new_attachment,
        ),
    }
}

pub fn interaction_message(
    v: MessageView,
    files: Vec<CreateAttachment>,
    ephemeral: bool,
) -> CreateInteractionResponseMessage {
    let v = checked(v);
    let mut m = CreateInteractionResponseMessage::new()
        .embeds(v.embeds.iter().map(embed).collect())
        .components(rows(&v))
        .files(files)
        .ephemeral(ephemeral)
        .allowed_mentions(CreateAllowedMentions::new());
    if !v.content.is_empty() {
        m = m.content(v.content);
    }
    m
}

/// The message a button is on, replaced by `v` (type 7): content, embeds and buttons are all
/// sent, so nothing of the old message lingers.
pub fn interaction_update(
    v: MessageView,
    files: Vec<CreateAttachment>,
) -> CreateInteractionResponseMessage {
    let v = checked(v);
    CreateInteractionResponseMessage::new()
        .content(v.content.clone())
        .embeds(v.embeds.iter().map(embed).collect())
        .components(rows(&v))
        .files(files)
        .allowed_mentions(CreateAllowedMentions::new())
}

pub fn reply(v: MessageView, ephemeral: bool) -> poise::CreateReply {
    reply_with(v, Vec::new(), ephemeral)
}

/// [`reply`] with the view's files, from [`attached`].
pub fn reply_with(
    v: MessageView,
    files: Vec<CreateAttachment>,
    ephemeral: bool,
) -> poise::CreateReply {
    let v = checked(v);
    let mut r = poise::CreateReply::default()
        .components(rows(&v))
        .ephemeral(ephemeral)
        .allowed_mentions(CreateAllowedMentions::new());
    for e in &v.embeds {
        r = r.embed(embed(e));
    }
    for f in files {
        r = r.attachment(f);
    }
    if !v.content.is_empty() {
        r = r.content(v.content);
    }
    r
}

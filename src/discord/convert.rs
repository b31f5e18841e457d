//! Views → serenity builders. Every message leaves with `allowed_mentions` that pings nobody,
//! and goes through [`measure::fit`] first: renderers stay within Discord's limits by design,
//! and a bug that breaks one is logged and cut rather than refused by Discord mid-quiz.

use poise::serenity_prelude as serenity;
use serenity::{
    ButtonStyle, CreateActionRow, CreateAllowedMentions, CreateButton, CreateEmbed,
    CreateEmbedFooter, CreateInputText, CreateInteractionResponseMessage, CreateMessage,
    CreateModal, CreateSelectMenu, CreateSelectMenuKind, CreateSelectMenuOption, EditMessage,
    InputTextStyle,
};

use crate::render::measure;
use crate::render::view::{self, MessageView};

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

pub fn create_message(v: MessageView) -> CreateMessage {
    let v = checked(v);
    let mut m = CreateMessage::new()
        .embeds(v.embeds.iter().map(embed).collect())
        .components(rows(&v))
        .allowed_mentions(CreateAllowedMentions::new());
    if !v.content.is_empty() {
        m = m.content(v.content);
    }
    m
}

pub fn edit_message(v: MessageView) -> EditMessage {
    let v = checked(v);
    EditMessage::new()
        .content(v.content.clone())
        .embeds(v.embeds.iter().map(embed).collect())
        .components(rows(&v))
        .allowed_mentions(CreateAllowedMentions::new())
}

pub fn interaction_message(v: MessageView, ephemeral: bool) -> CreateInteractionResponseMessage {
    let v = checked(v);
    let mut m = CreateInteractionResponseMessage::new()
        .embeds(v.embeds.iter().map(embed).collect())
        .components(rows(&v))
        .ephemeral(ephemeral)
        .allowed_mentions(CreateAllowedMentions::new());
    if !v.content.is_empty() {
        m = m.content(v.content);
    }
    m
}

/// The message a button is on, replaced by `v` (type 7): content, embeds and buttons are all
/// sent, so nothing of the old message lingers.
pub fn interaction_update(v: MessageView) -> CreateInteractionResponseMessage {
    let v = checked(v);
    CreateInteractionResponseMessage::new()
        .content(v.content.clone())
        .embeds(v.embeds.iter().map(embed).collect())
        .components(rows(&v))
        .allowed_mentions(CreateAllowedMentions::new())
}

pub fn reply(v: MessageView, ephemeral: bool) -> poise::CreateReply {
    let v = checked(v);
    let mut r = poise::CreateReply::default()
        .components(rows(&v))
        .ephemeral(ephemeral)
        .allowed_mentions(CreateAllowedMentions::new());
    for e in &v.embeds {
        r = r.embed(embed(e));
    }
    if !v.content.is_empty() {
        r = r.content(v.content);
    }
    r
}

//! Interaction callbacks (types 4–9) and the interaction webhook: followups and `@original`.
//! Enforces the 3-second deadline, one initial response, and the 15-minute token life.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::messages::{edit_stored, insert, Target};
use super::{judge_message, Reply, Req};
use crate::judge::mentions::Origin;
use crate::judge::schema;
use crate::payloads;
use crate::world::{InteractionKind, Response, ViolationKind, World};
use crate::Shared;

/// Discord fails the interaction for the user if the first response takes longer.
pub const DEADLINE: Duration = Duration::from_secs(3);
/// Followups and edits work for this long after the interaction.
pub const TOKEN_LIFE: Duration = Duration::from_secs(15 * 60);

pub fn callback(shared: &Arc<Shared>, req: &Req) -> Reply {
    const TEMPLATE: &str = "/interactions/{interaction_id}/{interaction_token}/callback";
    let route = req.route(TEMPLATE);
    let now = Instant::now();
    let (id, token) = (req.id(1), req.seg(2).to_string());
    let empty = json!({});
    let body = req.body.as_ref().unwrap_or(&empty);
    let kind = body.get("type").and_then(Value::as_u64).unwrap_or(0) as u8;
    let mut world = shared.world.lock();
    let Some(interaction) = world.interactions.get(&id).filter(|i| i.token == token) else {
        world.violation(
            &route,
            ViolationKind::UnknownInteraction,
            format!("no interaction {id} with that token"),
        );
        return Reply::error(404, 10062, "Unknown interaction");
    };
    let (ikind, created) = (interaction.kind, interaction.created);
    if let Some(first) = interaction.response {
        world.violation(
            &route,
            ViolationKind::DoubleResponse,
            format!(
                "second initial response (type {kind}) to interaction {id}, first was type {}",
                first.kind
            ),
        );
        return Reply::error(400, 40060, "Interaction has already been acknowledged.");
    }
    let elapsed = now.duration_since(created);
    if elapsed > DEADLINE {
        world.violation(
            &route,
            ViolationKind::LateResponse,
            format!(
                "response to interaction {id} after {} ms (deadline 3000 ms)",
                elapsed.as_millis()
            ),
        );
        if let Some(i) = world.interactions.get_mut(&id) {
            i.response = Some(Response {
                kind,
                at: now,
                late: true,
            });
        }
        return Reply::error(404, 10062, "Unknown interaction");
    }
    use InteractionKind::{Autocomplete, Command, Component, ModalSubmit};
    let fits = match kind {
        4 | 5 => ikind != Autocomplete,
        6 | 7 => matches!(ikind, Component | ModalSubmit),
        8 => ikind == Autocomplete,
        9 => matches!(ikind, Command | Component),
        _ => false,
    };
    if !fits {
        world.violation(
            &route,
            ViolationKind::WrongCallback,
            format!("callback type {kind} does not fit a {ikind:?} interaction"),
        );
        return Reply::invalid_form(&[format!(
            "interaction callback type {kind} is not valid here"
        )]);
    }
    let component = match kind {
        4 | 5 => "CreateMessageInteractionCallbackRequest",
        6 | 7 => "UpdateMessageInteractionCallbackRequest",
        8 => "ApplicationCommandAutocompleteCallbackRequest",
        _ => "ModalInteractionCallbackRequest",
    };
    let data = body.get("data").unwrap_or(&empty);
    let validator = schema::component(component);
    if matches!(kind, 4 | 7) {
        let problems = validator
            .map(|v| schema::errors(&v, body))
            .unwrap_or_default();
        if !problems.is_empty() {
            world.violation(&route, ViolationKind::Schema, problems.join("; "));
            return Reply::invalid_form(&problems);
        }
        if let Err(reply) = judge_message(&mut world, &route, None, data, Origin::Interaction) {
            return reply;
        }
    } else if let Some(v) = validator {
        let mut problems = schema::errors(&v, body);
        if kind == 9 {
            problems.extend(crate::judge::limits::modal_problems(data));
        }
        if !problems.is_empty() {
            world.violation(&route, ViolationKind::Schema, problems.join("; "));
            return Reply::invalid_form(&problems);
        }
    }
    respond(&mut world, id, kind, data, req);
    shared
        .responded
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    Reply::no_content()
}

/// Records the response and makes what it shows.
fn respond(world: &mut World, id: u64, kind: u8, data: &Value, req: &Req) {
    let Some((channel_id, user_id, message_id)) = world
        .interactions
        .get(&id)
        .map(|i| (i.channel_id, i.user_id, i.message_id))
    else {
        return;
    };
    let ephemeral = data.get("flags").and_then(Value::as_u64).unwrap_or(0) & 64 != 0;
    let target = |loading| Target {
        channel_id,
        ephemeral_for: ephemeral.then_some(user_id),
        interaction_id: Some(id),
        loading,
    };
    let original = match kind {
        4 => Some(insert(world, target(false), data, &req.files)),
        5 => Some(insert(world, target(true), &json!({}), &[])),
        6 => message_id,
        7 => {
            if let Some(message_id) = message_id {
                edit_stored(world, message_id, data, &req.files);
            }
            message_id
        }
        _ => None,
    };
    if let Some(stored) = world.interactions.get_mut(&id) {
        stored.response = Some(Response {
            kind,
            at: Instant::now(),
            late: false,
        });
        stored.original_message = original;
        match kind {
            8 => stored.choices = data.get("choices").cloned(),
            9 => stored.modal = Some(data.clone()),
            _ => {}
        }
    }
}

/// What the webhook routes need of an interaction (copied out, not the whole record).
struct WebhookView {
    created: Instant,
    response: Option<Response>,
    original_message: Option<u64>,
    followups: Vec<u64>,
    channel_id: u64,
    user_id: u64,
}

impl WebhookView {
    fn of(i: &crate::world::Interaction) -> Self {
        WebhookView {
            created: i.created,
            response: i.response,
            original_message: i.original_message,
            followups: i.followups.clone(),
            channel_id: i.channel_id,
            user_id: i.user_id,
        }
    }
}

/// `/webhooks/{application_id}/{token}[/messages/{id|@original}]`.
pub fn webhook(shared: &Arc<Shared>, req: &Req) -> Reply {
    let mut world = shared.world.lock();
    let token = req.seg(2).to_string();
    let template = match req.segments.len() {
        3 => "/webhooks/{webhook_id}/{webhook_token}".to_string(),
        5 if req.seg(4) == "@original" => {
            "/webhooks/{webhook_id}/{webhook_token}/messages/@original".to_string()
        }
        _ => "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}".to_string(),
    };
    let route = req.route(&template);
    let Some(&id) = world.tokens.get(&token) else {
        world.violation(
            &route,
            ViolationKind::UnknownInteraction,
            "unknown webhook token",
        );
        return Reply::error(404, 10015, "Unknown Webhook");
    };
    if req.id(1) != world.app.id {
        return Reply::error(404, 10015, "Unknown Webhook");
    }
    let Some(i) = world.interactions.get(&id).map(WebhookView::of) else {
        return Reply::error(404, 10015, "Unknown Webhook");
    };
    if i.created.elapsed() > TOKEN_LIFE {
        world.violation(
            &route,
            ViolationKind::UnknownInteraction,
            "interaction token older than 15 minutes",
        );
        return Reply::error(401, 50027, "Invalid Webhook Token");
    }
    if i.response.is_none_or(|r| r.late) {
        world.violation(
            &route,
            ViolationKind::UnknownInteraction,
            "webhook call before any initial response",
        );
        return Reply::error(404, 10015, "Unknown Webhook");
    }
    let body = req.body.clone().unwrap_or(json!({}));
    match (req.method.as_str(), req.segments.len()) {
        ("POST", 3) => {
            if let Err(reply) = judge_message(
                &mut world,
                &route,
                schema::for_route("POST", &template),
                &body,
                Origin::Interaction,
            ) {
                return reply;
            }
            // The first followup after a deferred reply fills the "thinking…" message.
            let loading = i
                .original_message
                .filter(|m| world.messages.get(m).is_some_and(|m| m.loading));
            let message_id = match loading {
                Some(m) => {
                    edit_stored(&mut world, m, &body, &req.files);
                    m
                }
                None => {
                    let ephemeral =
                        body.get("flags").and_then(Value::as_u64).unwrap_or(0) & 64 != 0;
                    let m = insert(
                        &mut world,
                        Target {
                            channel_id: i.channel_id,
                            ephemeral_for: ephemeral.then_some(i.user_id),
                            interaction_id: Some(id),
                            loading: false,
                        },
                        &body,
                        &req.files,
                    );
                    if let Some(stored) = world.interactions.get_mut(&id) {
                        stored.followups.push(m);
                    }
                    m
                }
            };
            Reply::json(payloads::message(&world, &world.messages[&message_id]))
        }
        (method, 5) if req.seg(3) == "messages" => {
            let message_id = if req.seg(4) == "@original" {
                i.original_message
            } else {
                let m = req.id(4);
                (i.original_message == Some(m) || i.followups.contains(&m)).then_some(m)
            };
            let Some(message_id) =
                message_id.filter(|m| world.messages.get(m).is_some_and(|m| !m.deleted))
            else {
                return Reply::error(404, 10008, "Unknown Message");
            };
            match method {
                "GET" => Reply::json(payloads::message(&world, &world.messages[&message_id])),
                "PATCH" => {
                    if let Err(reply) = judge_message(
                        &mut world,
                        &route,
                        schema::for_route("PATCH", &template),
                        &body,
                        Origin::Interaction,
                    ) {
                        return reply;
                    }
                    edit_stored(&mut world, message_id, &body, &req.files);
                    Reply::json(payloads::message(&world, &world.messages[&message_id]))
                }
                "DELETE" => {
                    if let Some(m) = world.messages.get_mut(&message_id) {
                        m.deleted = true;
                    }
                    Reply::no_content()
                }
                _ => Reply::not_found(),
            }
        }
        _ => Reply::not_found(),
    }
}

//! Channel messages: create (JSON or multipart with files), edit, delete, get, list. Also the
//! helpers interaction replies use to create and edit messages the same way.

use std::sync::Arc;
use std::time::SystemTime;

use serde_json::{json, Value};

use super::{judge_message, FilePart, Reply, Req};
use crate::judge::mentions::Origin;
use crate::judge::schema;
use crate::payloads;
use crate::world::permissions::{self, EMBED_LINKS, SEND_MESSAGES, VIEW_CHANNEL};
use crate::world::{Attachment, Message, ViolationKind, World};
use crate::Shared;

/// Where a new message goes and who sees it.
pub struct Target {
    pub channel_id: u64,
    pub ephemeral_for: Option<u64>,
    pub interaction_id: Option<u64>,
    pub loading: bool,
}

/// Stores a new message from a body (content, embeds, components, flags) and files.
pub fn insert(world: &mut World, target: Target, body: &Value, files: &[FilePart]) -> u64 {
    let id = world.ids.next();
    let guild_id = world
        .channels
        .get(&target.channel_id)
        .map_or(0, |c| c.guild_id);
    let attachments = store_files(world, files);
    judge_files(world, files);
    let mut m = Message {
        id,
        channel_id: target.channel_id,
        guild_id,
        author_id: world.app.bot_user_id,
        content: String::new(),
        embeds: Vec::new(),
        components: Vec::new(),
        attachments,
        flags: 0,
        ephemeral_for: target.ephemeral_for,
        interaction_id: target.interaction_id,
        created_at: SystemTime::now(),
        edited_at: None,
        edits: 0,
        deleted: false,
        loading: target.loading,
        json: None,
    };
    apply(&mut m, body);
    resolve_embed_files(world, &mut m);
    if target.ephemeral_for.is_some() {
        m.flags |= 64;
    }
    if target.loading {
        m.flags |= 128;
    }
    if let Some(c) = world.channels.get_mut(&target.channel_id) {
        c.messages.push(id);
    }
    world.messages.insert(id, m);
    id
}

/// Applies the fields a body carries; absent fields stay as they are, `null` clears.
pub fn apply(m: &mut Message, body: &Value) {
    let list = |v: &Value| v.as_array().cloned().unwrap_or_default();
    if let Some(content) = body.get("content") {
        m.content = content.as_str().unwrap_or("").to_string();
    }
    if let Some(embeds) = body.get("embeds") {
        m.embeds = list(embeds);
    }
    if let Some(components) = body.get("components") {
        m.components = list(components);
    }
    if let Some(flags) = body.get("flags").and_then(Value::as_u64) {
        // Only SUPPRESS_EMBEDS (4) and SUPPRESS_NOTIFICATIONS (4096) are settable; the
        // ephemeral flag is fixed at creation.
        m.flags = (m.flags & 64) | (flags & (4 | 4096));
    }
}

/// Edits a stored message: applies the body, marks it edited, and sets its files as Discord
/// does — with an `attachments` list, the message keeps the existing attachments it names by
/// id and gains the new files; without one, it keeps all it had and gains the new files.
pub fn edit_stored(world: &mut World, id: u64, body: &Value, files: &[FilePart]) {
    let attachments = store_files(world, files);
    judge_files(world, files);
    let Some(mut m) = world.messages.remove(&id) else {
        return;
    };
    apply(&mut m, body);
    if let Some(listed) = body.get("attachments").and_then(Value::as_array) {
        let named = |a: &Value| {
            let id = a.get("id").and_then(|v| match v {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            });
            listed.iter().any(|l| {
                let l = l.get("id").map(|v| match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                });
                l.is_some() && l == id
            })
        };
        m.attachments.retain(named);
    }
    m.attachments.extend(attachments);
    resolve_embed_files(world, &mut m);
    m.loading = false;
    m.flags &= !128;
    m.edited_at = Some(SystemTime::now());
    m.edits += 1;
    world.messages.insert(id, m);
}

/// Discord's limits on a message's files: at most ten, each within the 10 MiB a bot may
/// send without a boosted server.
fn judge_files(world: &mut World, files: &[FilePart]) {
    const MAX_FILES: usize = 10;
    const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
    if files.len() > MAX_FILES {
        world.violation(
            "files",
            ViolationKind::Limit,
            format!(
                "{} files in one message; Discord takes at most {MAX_FILES}",
                files.len()
            ),
        );
    }
    for f in files.iter().filter(|f| f.bytes.len() > MAX_FILE_BYTES) {
        world.violation(
            "files",
            ViolationKind::Limit,
            format!(
                "file `{}` has {} bytes; Discord takes at most {MAX_FILE_BYTES}",
                f.filename,
                f.bytes.len()
            ),
        );
    }
}

/// An embed image `attachment://<filename>` becomes the URL of the message's attachment of
/// that name, as Discord serves it; one the message does not carry is a violation (Discord
/// would show no picture).
fn resolve_embed_files(world: &mut World, m: &mut Message) {
    let mut missing = Vec::new();
    for e in &mut m.embeds {
        let Some(url) = e.pointer("/image/url").and_then(Value::as_str) else {
            continue;
        };
        let Some(name) = url.strip_prefix("attachment://") else {
            continue;
        };
        let found = m
            .attachments
            .iter()
            .find(|a| a.get("filename").and_then(Value::as_str) == Some(name))
            .and_then(|a| a.get("url").cloned());
        match found {
            Some(real) => {
                e["image"]["url"] = real.clone();
                e["image"]["proxy_url"] = real;
            }
            None => missing.push(name.to_string()),
        }
    }
    for name in missing {
        world.violation(
            "embeds",
            ViolationKind::Limit,
            format!("an embed shows attachment://{name}, but the message has no file of that name"),
        );
    }
}

fn store_files(world: &mut World, files: &[FilePart]) -> Vec<Value> {
    let base = world_base_url(world);
    files
        .iter()
        .map(|f| {
            let id = world.ids.next();
            world.attachments.insert(
                id,
                Attachment {
                    id,
                    filename: f.filename.clone(),
                    content_type: f.content_type.clone(),
                    bytes: f.bytes.clone(),
                },
            );
            attachment_json(&base, id, &f.filename, &f.content_type, f.bytes.len())
        })
        .collect()
}

pub fn attachment_json(
    base: &str,
    id: u64,
    filename: &str,
    content_type: &str,
    size: usize,
) -> Value {
    let url = format!("{base}/attachments/{id}/{filename}");
    json!({
        "id": id.to_string(),
        "filename": filename,
        "size": size,
        "url": url,
        "proxy_url": url,
        "content_type": content_type,
    })
}

/// The base URL for attachment downloads is kept in the world so REST handlers can build it.
fn world_base_url(world: &World) -> String {
    world.base_url.clone()
}

pub fn create(shared: &Arc<Shared>, req: &Req) -> Reply {
    const TEMPLATE: &str = "/channels/{channel_id}/messages";
    let channel_id = req.id(1);
    let body = req.body.clone().unwrap_or(json!({}));
    let mut world = shared.world.lock();
    if !world.channels.contains_key(&channel_id) {
        return Reply::error(404, 10003, "Unknown Channel");
    }
    let perms = world.permissions_in(channel_id, world.app.bot_user_id);
    let has_embeds = body
        .get("embeds")
        .and_then(Value::as_array)
        .is_some_and(|e| !e.is_empty());
    let needed = VIEW_CHANNEL | SEND_MESSAGES | if has_embeds { EMBED_LINKS } else { 0 };
    if perms & needed != needed {
        let missing = [VIEW_CHANNEL, SEND_MESSAGES, EMBED_LINKS]
            .into_iter()
            .filter(|bit| needed & bit != 0 && perms & bit == 0)
            .map(permissions::name)
            .collect::<Vec<_>>()
            .join(", ");
        world.violation(
            &req.route(TEMPLATE),
            ViolationKind::MissingPermission,
            format!("the bot lacks {missing} in channel {channel_id}"),
        );
        return Reply::error(403, 50013, "Missing Permissions");
    }
    if let Err(reply) = judge_message(
        &mut world,
        &req.route(TEMPLATE),
        schema::for_route("POST", TEMPLATE),
        &body,
        Origin::Channel,
    ) {
        return reply;
    }
    let empty = body
        .get("content")
        .and_then(Value::as_str)
        .is_none_or(str::is_empty)
        && !has_embeds
        && req.files.is_empty()
        && body
            .get("components")
            .and_then(Value::as_array)
            .is_none_or(Vec::is_empty);
    if empty {
        return Reply::error(400, 50006, "Cannot send an empty message");
    }
    let nonce = match nonce_of(&body) {
        Ok(n) => n,
        Err(reply) => return reply,
    };
    let enforce = body.get("enforce_nonce").and_then(Value::as_bool) == Some(true);
    let author = world.app.bot_user_id;
    if let (Some(n), true) = (&nonce, enforce) {
        let key = (channel_id, author, n.clone());
        if let Some(&(existing, at)) = world.nonces.get(&key) {
            let fresh = at.elapsed().is_ok_and(|age| age < NONCE_WINDOW);
            if let Some(m) = world
                .messages
                .get(&existing)
                .filter(|m| fresh && !m.deleted)
            {
                return Reply::json(payloads::message(&world, m));
            }
        }
    }
    let id = insert(
        &mut world,
        Target {
            channel_id,
            ephemeral_for: None,
            interaction_id: None,
            loading: false,
        },
        &body,
        &req.files,
    );
    if let (Some(n), true) = (nonce, enforce) {
        world
            .nonces
            .insert((channel_id, author, n), (id, SystemTime::now()));
    }
    Reply::json(payloads::message(&world, &world.messages[&id]))
}

/// How long a nonce with `enforce_nonce` returns the message it made. Discord says "the past few
/// minutes" without a number; two minutes, so that nothing built on the simulator relies on more.
pub const NONCE_WINDOW: std::time::Duration = std::time::Duration::from_secs(120);

/// A create's `nonce` (a string of at most 25 characters, or an integer), as a string.
fn nonce_of(body: &Value) -> Result<Option<String>, Reply> {
    match body.get("nonce") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.chars().count() <= 25 => Ok(Some(s.clone())),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(_) => Err(Reply::error(
            400,
            50035,
            "Invalid Form Body (nonce: must be an integer or a string of 25 or fewer characters)",
        )),
    }
}

pub fn get(shared: &Arc<Shared>, channel_id: u64, message_id: u64) -> Reply {
    let world = shared.world.lock();
    match world.messages.get(&message_id) {
        Some(m) if m.channel_id == channel_id && !m.deleted && m.ephemeral_for.is_none() => {
            Reply::json(payloads::message(&world, m))
        }
        _ => Reply::error(404, 10008, "Unknown Message"),
    }
}

pub fn list(shared: &Arc<Shared>, req: &Req) -> Reply {
    let world = shared.world.lock();
    let Some(channel) = world.channels.get(&req.id(1)) else {
        return Reply::error(404, 10003, "Unknown Channel");
    };
    let limit: usize = req
        .query
        .get("limit")
        .and_then(|l| l.parse().ok())
        .unwrap_or(50)
        .clamp(1, 100);
    let messages: Vec<Value> = channel
        .messages
        .iter()
        .rev()
        .filter_map(|id| world.messages.get(id))
        .filter(|m| !m.deleted && m.ephemeral_for.is_none())
        .take(limit)
        .map(|m| payloads::message(&world, m))
        .collect();
    Reply::json(Value::Array(messages))
}

pub fn edit(shared: &Arc<Shared>, req: &Req) -> Reply {
    const TEMPLATE: &str = "/channels/{channel_id}/messages/{message_id}";
    let (channel_id, message_id) = (req.id(1), req.id(3));
    let body = req.body.clone().unwrap_or(json!({}));
    let mut world = shared.world.lock();
    let bot = world.app.bot_user_id;
    match world.messages.get(&message_id) {
        Some(m) if m.channel_id == channel_id && !m.deleted && m.ephemeral_for.is_none() => {
            if m.author_id != bot {
                return Reply::error(403, 50005, "Cannot edit a message authored by another user");
            }
        }
        _ => return Reply::error(404, 10008, "Unknown Message"),
    }
    if let Err(reply) = judge_message(
        &mut world,
        &req.route(TEMPLATE),
        schema::for_route("PATCH", TEMPLATE),
        &body,
        Origin::Channel,
    ) {
        return reply;
    }
    edit_stored(&mut world, message_id, &body, &req.files);
    Reply::json(payloads::message(&world, &world.messages[&message_id]))
}

pub fn delete(shared: &Arc<Shared>, req: &Req) -> Reply {
    let (channel_id, message_id) = (req.id(1), req.id(3));
    let mut world = shared.world.lock();
    match world.messages.get_mut(&message_id) {
        Some(m) if m.channel_id == channel_id && !m.deleted && m.ephemeral_for.is_none() => {
            m.deleted = true;
            Reply::no_content()
        }
        _ => Reply::error(404, 10008, "Unknown Message"),
    }
}

//! What members see, and what the simulator recorded: messages, ephemerals, interactions,
//! registered commands, the log and the rule violations.

use serde_json::Value;

use crate::payloads;
use crate::snapshot::{InteractionRecord, Message};
use crate::world::{Interaction, Violation, World};
use crate::{log, Sim};

impl Sim {
    /// The channel as `viewer` sees it: its messages and `viewer`'s own ephemeral replies, in
    /// order.
    pub fn channel_messages(&self, channel: u64, viewer: u64) -> Vec<Message> {
        let world = self.shared.world.lock();
        let Some(c) = world.channels.get(&channel) else {
            return Vec::new();
        };
        c.messages
            .iter()
            .filter_map(|id| world.messages.get(id))
            .filter(|m| world.visible_to(m, viewer))
            .map(Message::from_world)
            .collect()
    }

    /// The channel's public messages (no one's ephemeral replies).
    pub fn public_messages(&self, channel: u64) -> Vec<Message> {
        let world = self.shared.world.lock();
        let Some(c) = world.channels.get(&channel) else {
            return Vec::new();
        };
        c.messages
            .iter()
            .filter_map(|id| world.messages.get(id))
            .filter(|m| !m.deleted && m.ephemeral_for.is_none())
            .map(Message::from_world)
            .collect()
    }

    /// Every ephemeral message shown to `user`, oldest first.
    pub fn ephemerals(&self, user: u64) -> Vec<Message> {
        let world = self.shared.world.lock();
        let mut out: Vec<Message> = world
            .messages
            .values()
            .filter(|m| m.ephemeral_for == Some(user) && !m.deleted)
            .map(Message::from_world)
            .collect();
        out.sort_by_key(|m| m.id);
        out
    }

    pub fn message(&self, id: u64) -> Option<Message> {
        self.shared
            .world
            .lock()
            .messages
            .get(&id)
            .filter(|m| !m.deleted)
            .map(Message::from_world)
    }

    /// The bytes of a file a message carries, by the URL its attachment object gives.
    pub fn attachment_bytes(&self, url: &str) -> Option<Vec<u8>> {
        let id: u64 = url
            .split("/attachments/")
            .nth(1)?
            .split('/')
            .next()?
            .parse()
            .ok()?;
        let world = self.shared.world.lock();
        world.attachments.get(&id).map(|a| a.bytes.clone())
    }

    pub fn interaction(&self, id: u64) -> Option<InteractionRecord> {
        let world = self.shared.world.lock();
        world.interactions.get(&id).map(|i| record(&world, i))
    }

    /// The READY payload the gateway sends on Identify (for checking that it parses).
    pub fn ready_payload(&self) -> Value {
        let world = self.shared.world.lock();
        payloads::ready(&world, "session", &self.gateway_url(), [0, 1])
    }

    /// The GUILD_CREATE payload of a guild.
    pub fn guild_create_payload(&self, guild: u64) -> Option<Value> {
        let world = self.shared.world.lock();
        world
            .guilds
            .get(&guild)
            .map(|g| payloads::guild_create(&world, g))
    }

    /// A message object as REST returns it.
    pub fn message_payload(&self, id: u64) -> Option<Value> {
        let world = self.shared.world.lock();
        world
            .messages
            .get(&id)
            .map(|m| payloads::message(&world, m))
    }

    /// The INTERACTION_CREATE payload dispatched for an interaction, as sent.
    pub fn interaction_payload(&self, id: u64) -> Option<Value> {
        self.shared
            .world
            .lock()
            .interactions
            .get(&id)
            .and_then(|i| serde_json::from_str(&i.payload).ok())
    }

    /// Every interaction so far, oldest first.
    pub fn interactions(&self) -> Vec<InteractionRecord> {
        let world = self.shared.world.lock();
        let mut out: Vec<InteractionRecord> = world
            .interactions
            .values()
            .map(|i| record(&world, i))
            .collect();
        out.sort_by_key(|r| r.id);
        out
    }

    /// The registered commands that apply in `guild` (its own, then global), as stored.
    pub fn commands(&self, guild: u64) -> Vec<Value> {
        self.shared
            .world
            .lock()
            .commands_for(guild)
            .cloned()
            .collect()
    }

    pub fn log(&self) -> Vec<log::LogLine> {
        self.shared.log.snapshot()
    }

    pub fn violations(&self) -> Vec<Violation> {
        self.shared.world.lock().violations.clone()
    }

    /// Panics with every violation recorded so far, if there is any.
    #[track_caller]
    pub fn assert_no_violations(&self) {
        let v = self.violations();
        assert!(
            v.is_empty(),
            "the bot broke Discord's rules {} time(s):\n{}",
            v.len(),
            v.iter()
                .map(|v| format!("- {:?} on {}: {}", v.kind, v.route, v.detail))
                .collect::<Vec<_>>()
                .join("\n")
        );
    }

    /// 429s the simulator answered because a bucket ran out (not injected ones).
    pub fn rate_limited_count(&self) -> u64 {
        self.shared
            .rate_limited
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Interactions answered in time so far (cheap: a counter).
    pub fn responded_count(&self) -> u64 {
        self.shared
            .responded
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Whether a bot is connected to the gateway now.
    pub fn bot_connected(&self) -> bool {
        self.shared.gateway.connected()
    }

    /// The shards with a connected session (ascending) and the shard count the bot identified
    /// with last.
    pub fn connected_shards(&self) -> (Vec<u32>, u32) {
        (
            self.shared.gateway.connected_shards(),
            self.shared.gateway.shard_total(),
        )
    }

    /// Identifies accepted per shard id, and identifies refused (op 9) for coming too fast in
    /// their bucket.
    pub fn identifies_per_shard(&self) -> (std::collections::BTreeMap<u32, u64>, u64) {
        (
            self.shared.gateway.identifies_per_shard(),
            self.shared
                .gateway
                .paced
                .load(std::sync::atomic::Ordering::Relaxed),
        )
    }

    /// Identifies and resumes seen so far.
    pub fn gateway_sessions(&self) -> (u64, u64) {
        use std::sync::atomic::Ordering::Relaxed;
        (
            self.shared.gateway.identifies.load(Relaxed),
            self.shared.gateway.resumes.load(Relaxed),
        )
    }
}

fn record(world: &World, i: &Interaction) -> InteractionRecord {
    let msg = |id: &u64| {
        world
            .messages
            .get(id)
            .filter(|m| !m.deleted)
            .map(Message::from_world)
    };
    InteractionRecord {
        id: i.id,
        user_id: i.user_id,
        channel_id: i.channel_id,
        kind: i.kind as u8,
        custom_id: i.custom_id.clone(),
        command: i.command.clone(),
        response_kind: i.response.map(|r| r.kind),
        latency_ms: i
            .response
            .map(|r| r.at.duration_since(i.created).as_secs_f64() * 1000.0),
        late: i.response.is_some_and(|r| r.late),
        original: i.original_message.as_ref().and_then(msg),
        followups: i.followups.iter().filter_map(msg).collect(),
        choices: i.choices.clone(),
        modal: i.modal.clone(),
    }
}

//! Waiting for the bot: until a check holds, re-checked after every change in the world.

use std::time::Duration;

use crate::snapshot::{Handle, InteractionRecord, Message};
use crate::Sim;

use super::{SimError, RECHECK};

impl Sim {
    /// Waits until `check` returns something, re-checking after every change in the world.
    pub async fn wait_until<T>(
        &self,
        timeout: Duration,
        what: &str,
        mut check: impl FnMut(&Sim) -> Option<T>,
    ) -> Result<T, SimError> {
        let mut changes = self.shared.subscribe();
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            if let Some(found) = check(self) {
                return Ok(found);
            }
            tokio::select! {
                changed = changes.changed() => {
                    if changed.is_err() {
                        return Err(SimError::Timeout(timeout, what.to_string()));
                    }
                }
                // A condition may depend on more than the simulator (the bot's own state, a
                // database): look again now and then, not only when the world changes.
                _ = tokio::time::sleep(RECHECK) => {}
                _ = tokio::time::sleep_until(deadline) => {
                    return check(self).ok_or_else(|| SimError::Timeout(timeout, what.to_string()));
                }
            }
        }
    }

    /// Waits for the bot to have identified and registered at least one command.
    pub async fn wait_ready(&self, timeout: Duration) -> Result<(), SimError> {
        self.wait_until(
            timeout,
            "the bot to connect and register its commands",
            |sim| {
                let world = sim.shared.world.lock();
                let registered = !world.global_commands.is_empty()
                    || world.guilds.values().any(|g| !g.commands.is_empty());
                (registered && sim.shared.gateway.connected()).then_some(())
            },
        )
        .await
    }

    /// Waits for the bot's initial response to an interaction.
    pub async fn wait_response(
        &self,
        handle: &Handle,
        timeout: Duration,
    ) -> Result<InteractionRecord, SimError> {
        self.wait_until(timeout, "a response to the interaction", |sim| {
            sim.interaction(handle.id)
                .filter(|r| r.response_kind.is_some())
        })
        .await
    }

    /// Waits for a message in `channel`, as `viewer` sees it, that satisfies `pred`.
    pub async fn wait_message(
        &self,
        channel: u64,
        viewer: u64,
        timeout: Duration,
        mut pred: impl FnMut(&Message) -> bool,
    ) -> Result<Message, SimError> {
        self.wait_until(timeout, "a message", |sim| {
            sim.channel_messages(channel, viewer)
                .into_iter()
                .rev()
                .find(|m| pred(m))
        })
        .await
    }

    /// Waits for an ephemeral message to `user` that satisfies `pred`.
    pub async fn wait_ephemeral(
        &self,
        user: u64,
        timeout: Duration,
        mut pred: impl FnMut(&Message) -> bool,
    ) -> Result<Message, SimError> {
        self.wait_until(timeout, "an ephemeral message", |sim| {
            sim.ephemerals(user).into_iter().rev().find(|m| pred(m))
        })
        .await
    }
}

//! Discord's judgement of what a bot sends: the OpenAPI schema, the limits, and pings.

pub mod limits;
pub mod mentions;
pub mod schema;

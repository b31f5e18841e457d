//! Answers on PostgreSQL: every answer waiting in the writer's batch goes in with three
//! statements, however many there are — the answers (the primary key refuses a second one
//! per player per question: `ON CONFLICT DO NOTHING`, or `DO UPDATE` where answers may be
//! changed), the players' names, and the question's message id where its own record of it has
//! not landed. One statement per answer took 1.9 s for a 10,000-click burst; this takes a few
//! per cent of that (docs/performance.md).

use std::collections::HashMap;

use super::{get, query, Conn};
use crate::store::{AnswerRow, Inserted, StoreError};

type Key = (i64, i64, i64);

fn key(a: &AnswerRow) -> Key {
    (a.session_id, a.position as i64, a.user_id as i64)
}

/// Writes `answers` (each with its `replace`), in order, as one answer after another would:
/// of two answers of a player to a question, the first is stored and the second refused —
/// or, with `replace`, the second replaces the first. Each answer's outcome, in order.
pub(super) async fn insert_many(
    c: &Conn,
    answers: &[(&AnswerRow, bool)],
) -> Result<Vec<Inserted>, StoreError> {
    let mut outcomes = vec![Inserted::AlreadyAnswered; answers.len()];
    // Which answer of the batch goes to the database for each key: the first (refusing
    // ones) or the last (replacing ones).
    let mut chosen: HashMap<Key, usize> = HashMap::new();
    for (i, (a, replace)) in answers.iter().enumerate() {
        match chosen.entry(key(a)) {
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(i);
            }
            std::collections::hash_map::Entry::Occupied(mut e) if *replace => {
                outcomes[*e.get()] = Inserted::Stored;
                e.insert(i);
            }
            std::collections::hash_map::Entry::Occupied(_) => {}
        }
    }
    let mut picked: Vec<usize> = chosen.into_values().collect();
    picked.sort_unstable();
    for replace in [false, true] {
        let part: Vec<usize> = picked
            .iter()
            .copied()
            .filter(|&i| answers[i].1 == replace)
            .collect();
        if part.is_empty() {
            continue;
        }
        let stored = insert_part(c, answers, &part, replace).await?;
        for i in part {
            if replace || stored.contains(&key(answers[i].0)) {
                outcomes[i] = Inserted::Stored;
            }
        }
    }
    players(c, answers).await?;
    message_ids(c, answers).await?;
    Ok(outcomes)
}

/// One INSERT for the answers at `part` (distinct keys); the keys it stored.
async fn insert_part(
    c: &Conn,
    answers: &[(&AnswerRow, bool)],
    part: &[usize],
    replace: bool,
) -> Result<std::collections::HashSet<Key>, StoreError> {
    let column = |f: &dyn Fn(&AnswerRow) -> i64| -> Vec<i64> {
        part.iter().map(|&i| f(answers[i].0)).collect()
    };
    let sessions = column(&|a| a.session_id);
    let positions = column(&|a| a.position as i64);
    let users = column(&|a| a.user_id as i64);
    let choices = column(&|a| i64::from(a.answer.choice));
    let elapsed = column(&|a| a.answer.elapsed_ms as i64);
    let points = column(&|a| i64::from(a.answer.points));
    let at = column(&|a| a.answer.at);
    let correct: Vec<bool> = part.iter().map(|&i| answers[i].0.answer.correct).collect();
    let typed: Vec<Option<&str>> = part
        .iter()
        .map(|&i| answers[i].0.answer.typed.as_deref())
        .collect();
    let on_conflict = if replace {
        "ON CONFLICT (session_id, position, user_id) DO UPDATE SET choice = excluded.choice,
           correct = excluded.correct, elapsed_ms = excluded.elapsed_ms, points = excluded.points,
           answered_at = excluded.answered_at, typed = excluded.typed"
    } else {
        "ON CONFLICT DO NOTHING"
    };
    let sql = format!(
        "INSERT INTO answers (session_id, position, user_id, choice, correct, elapsed_ms, points, answered_at, typed)
         SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::boolean[],
                              $6::bigint[], $7::bigint[], $8::bigint[], $9::text[])
         {on_conflict} RETURNING session_id, position, user_id"
    );
    let rows = query(
        c,
        &sql,
        &[
            &sessions, &positions, &users, &choices, &correct, &elapsed, &points, &at, &typed,
        ],
    )
    .await?;
    rows.iter()
        .map(|r| Ok((get(r, 0)?, get(r, 1)?, get(r, 2)?)))
        .collect()
}

/// The players' names as their latest click carried them.
async fn players(c: &Conn, answers: &[(&AnswerRow, bool)]) -> Result<(), StoreError> {
    let mut latest: HashMap<(i64, i64), (&str, i64)> = HashMap::new();
    for (a, _) in answers {
        latest.insert(
            (a.guild_id as i64, a.user_id as i64),
            (a.name.as_str(), a.answer.at),
        );
    }
    let (mut guilds, mut users, mut names, mut seen) = (vec![], vec![], vec![], vec![]);
    for ((g, u), (name, at)) in latest {
        guilds.push(g);
        users.push(u);
        names.push(name);
        seen.push(at);
    }
    super::execute(
        c,
        "INSERT INTO players (guild_id, user_id, name, seen_at)
         SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::bigint[])
         ON CONFLICT (guild_id, user_id) DO UPDATE SET name = excluded.name, seen_at = excluded.seen_at",
        &[&guilds, &users, &names, &seen],
    )
    .await
    .map(drop)
}

/// The question message the clicks came from, where the question's own record of it has not
/// landed (a crash in between must not lose it).
async fn message_ids(c: &Conn, answers: &[(&AnswerRow, bool)]) -> Result<(), StoreError> {
    let mut known: HashMap<(i64, i64), i64> = HashMap::new();
    for (a, _) in answers {
        if let Some(m) = a.message_id {
            known
                .entry((a.session_id, a.position as i64))
                .or_insert(m as i64);
        }
    }
    if known.is_empty() {
        return Ok(());
    }
    let (mut sessions, mut positions, mut messages) = (vec![], vec![], vec![]);
    for ((s, p), m) in known {
        sessions.push(s);
        positions.push(p);
        messages.push(m);
    }
    super::execute(
        c,
        "UPDATE posted_questions q SET message_id = v.message_id
         FROM unnest($1::bigint[], $2::bigint[], $3::bigint[]) AS v(session_id, position, message_id)
         WHERE q.session_id = v.session_id AND q.position = v.position AND q.message_id IS NULL",
        &[&sessions, &positions, &messages],
    )
    .await
    .map(drop)
}

//! The quiz a session, an assignment or a run plays is kept with it as JSON, so that a file
//! edited or removed later changes nothing already begun. This is the one place that writes
//! and reads that column.

use crate::quiz::Quiz;

use super::StoreError;

pub fn encode(quiz: &Quiz) -> Result<String, StoreError> {
    serde_json::to_string(quiz).map_err(|e| StoreError::Encoding(e.to_string()))
}

pub fn decode(json: &str) -> Result<Quiz, StoreError> {
    serde_json::from_str(json)
        .map_err(|e| StoreError::Encoding(format!("a stored quiz cannot be read: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quiz_survives_the_column_and_garbage_is_an_encoding_error() {
        let quiz = Quiz {
            id: "q".into(),
            title: "Q".into(),
            description: String::new(),
            question_seconds: Some(20),
            questions: Vec::new(),
            tiers: Vec::new(),
        };
        assert_eq!(decode(&encode(&quiz).unwrap()).unwrap(), quiz);
        assert!(matches!(decode("{not json"), Err(StoreError::Encoding(_))));
    }
}

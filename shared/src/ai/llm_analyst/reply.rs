//! What the model is asked to return, as JSON Schemas and the types they
//! deserialise into. Claims come first and each starts with its quote and
//! line, so the model finds the words before it says what they mean; the
//! overview comes last, written from what it has already extracted. Who
//! said a quote is never taken from the model: it is read off the line
//! the quote is found in.

use serde::Deserialize;

use crate::ai::llm::JsonSchema;

/// The categories a risk flag may have; severity follows from the category
/// in code (`substance_use` may be raised to urgent by the model).
pub(crate) const RISK_CATEGORIES: &[&str] = &[
    "self_harm",
    "harm_to_others",
    "safeguarding",
    "medical_red_flag",
    "substance_use",
    "hopelessness",
    "burnout",
    "panic_anxiety",
    "not_eating",
    "abuse_harassment",
];

pub(crate) const ANALYSIS_SCHEMA: &str = r#"{
  "type": "object",
  "additionalProperties": false,
  "required": ["commitments", "risk_flags", "clients", "themes", "coach_observations", "overview"],
  "properties": {
    "commitments": {
      "type": "array",
      "description": "Every concrete action someone in the session said they will do, once each, not hedges, metaphors or withdrawn plans.",
      "items": {
        "type": "object",
        "additionalProperties": false,
        "required": ["line", "quote", "text", "when", "promised_to"],
        "properties": {
          "line": {"type": "integer", "description": "The number of the transcript line the commitment is made in."},
          "quote": {"type": "string", "description": "The exact words of that line that make the commitment."},
          "text": {"type": "string", "description": "The action as a short imperative with its object spelled out, e.g. 'Send Ravi the budget'."},
          "when": {"type": ["string", "null"], "description": "The words of the transcript that say when, e.g. 'by Friday', 'every morning'; null if none."},
          "promised_to": {"type": "array", "items": {"type": "string"}, "description": "For the coach's commitments: the first names of the clients it was promised to, or [\"all\"] for the whole group. Empty for clients' commitments."}
        }
      }
    },
    "risk_flags": {
      "type": "array",
      "description": "A client's own words that show a risk to them or to others. Not figures of speech, not the coach's questions, not other people's history, not film plots.",
      "items": {
        "type": "object",
        "additionalProperties": false,
        "required": ["line", "quote", "category", "immediate_danger"],
        "properties": {
          "line": {"type": "integer"},
          "quote": {"type": "string", "description": "The exact words of that line."},
          "category": {"type": "string", "enum": ["self_harm", "harm_to_others", "safeguarding", "medical_red_flag", "substance_use", "hopelessness", "burnout", "panic_anxiety", "not_eating", "abuse_harassment"]},
          "immediate_danger": {"type": "boolean"}
        }
      }
    },
    "clients": {
      "type": "array",
      "description": "One entry per client who attended.",
      "items": {
        "type": "object",
        "additionalProperties": false,
        "required": ["name", "insights", "highlights"],
        "properties": {
          "name": {"type": "string", "description": "The client's name as given in the session facts."},
          "insights": {"type": "array", "items": {"type": "string"}, "description": "2-4 observations for the coach about this client: what they worked on, shifts, sticking points."},
          "highlights": {"type": "array", "items": {"type": "string"}, "description": "1-3 sentences addressed to the client ('You ...') recalling what they achieved or realised, for their follow-up email. Nothing about risk."}
        }
      }
    },
    "themes": {"type": "array", "items": {"type": "string"}, "description": "3-6 short themes a coach would recognise (2-5 words each)."},
    "coach_observations": {"type": "array", "items": {"type": "string"}, "description": "2-4 observations on the coach's practice, grounded in the coaching metrics given."},
    "overview": {"type": "string", "description": "Two or three sentences: who met, what was worked on, what was decided."}
  }
}"#;

/// Combining the parts of a long transcript: the reading of the whole
/// session (commitments and risk flags come from the parts, grounded).
pub(crate) const SUMMARY_SCHEMA: &str = r#"{
  "type": "object",
  "additionalProperties": false,
  "required": ["clients", "themes", "coach_observations", "overview"],
  "properties": {
    "clients": {
      "type": "array",
      "items": {
        "type": "object",
        "additionalProperties": false,
        "required": ["name", "insights", "highlights"],
        "properties": {
          "name": {"type": "string"},
          "insights": {"type": "array", "items": {"type": "string"}},
          "highlights": {"type": "array", "items": {"type": "string"}, "description": "1-3 sentences addressed to the client ('You ...') for their follow-up email. Nothing about risk."}
        }
      }
    },
    "themes": {"type": "array", "items": {"type": "string"}},
    "coach_observations": {"type": "array", "items": {"type": "string"}},
    "overview": {"type": "string"}
  }
}"#;

pub(crate) const DRAFT_SCHEMA: &str = r#"{
  "type": "object",
  "additionalProperties": false,
  "required": ["subject", "body"],
  "properties": {
    "subject": {"type": "string"},
    "body": {"type": "string"}
  }
}"#;

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct AnalysisReply {
    pub commitments: Vec<CommitmentClaim>,
    pub risk_flags: Vec<RiskClaim>,
    pub clients: Vec<ClientReading>,
    pub themes: Vec<String>,
    pub coach_observations: Vec<String>,
    pub overview: String,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct CommitmentClaim {
    pub line: i64,
    pub quote: String,
    pub text: String,
    pub when: Option<String>,
    pub promised_to: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct RiskClaim {
    pub line: i64,
    pub quote: String,
    pub category: String,
    pub immediate_danger: bool,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct ClientReading {
    pub name: String,
    pub insights: Vec<String>,
    pub highlights: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct SummaryReply {
    pub clients: Vec<ClientReading>,
    pub themes: Vec<String>,
    pub coach_observations: Vec<String>,
    pub overview: String,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct DraftReply {
    pub subject: String,
    pub body: String,
}

/// Both schemas, checked once when the analyst is built.
pub(crate) struct Schemas {
    pub analysis: JsonSchema,
    pub summary: JsonSchema,
    pub draft: JsonSchema,
}

impl Schemas {
    pub fn new() -> Result<Self, String> {
        Ok(Self {
            analysis: JsonSchema::new("session_analysis", ANALYSIS_SCHEMA)?,
            summary: JsonSchema::new("session_summary", SUMMARY_SCHEMA)?,
            draft: JsonSchema::new("follow_up_email", DRAFT_SCHEMA)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schemas_are_valid_and_list_every_risk_category() {
        Schemas::new().unwrap();
        let schema: serde_json::Value = serde_json::from_str(ANALYSIS_SCHEMA).unwrap();
        let listed: Vec<&str> = schema["properties"]["risk_flags"]["items"]["properties"]
            ["category"]["enum"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(listed, RISK_CATEGORIES);
    }

    #[test]
    fn quotes_come_before_what_the_model_says_about_them() {
        let at = |needle: &str| ANALYSIS_SCHEMA.find(needle).unwrap();
        assert!(at(r#""required": ["line", "quote", "text""#) > 0);
        assert!(at(r#""commitments": {"#) < at(r#""overview": {"#));
        assert!(at(r#""risk_flags": {"#) < at(r#""clients": {"#));
    }
}

//! The built-in follow-up templates every coach starts with: a warm recap, a
//! brief action list and a GROW-model recap. Their ids are fixed so stored
//! follow-ups keep pointing at the same template across deployments.

use uuid::Uuid;

use crate::ai::analyst::FollowUpTemplate;

pub const WARM_RECAP_ID: Uuid = Uuid::from_u128(0x0b5e1c7a_3f2d_4c8e_9a61_2d4f7e8b9c01);
pub const BRIEF_ACTION_LIST_ID: Uuid = Uuid::from_u128(0x0b5e1c7a_3f2d_4c8e_9a61_2d4f7e8b9c02);
pub const GROW_RECAP_ID: Uuid = Uuid::from_u128(0x0b5e1c7a_3f2d_4c8e_9a61_2d4f7e8b9c03);

/// A template shipped with FlowCoach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuiltinTemplate {
    pub id: Uuid,
    pub name: &'static str,
    pub subject: &'static str,
    pub body: &'static str,
    /// Guidance for an LLM writing or refining a follow-up in this style.
    pub instructions: &'static str,
}

impl BuiltinTemplate {
    pub fn to_follow_up_template(&self) -> FollowUpTemplate {
        FollowUpTemplate {
            id: self.id,
            version: 1,
            name: self.name.to_string(),
            subject: self.subject.to_string(),
            body: self.body.to_string(),
            instructions: self.instructions.to_string(),
        }
    }
}

/// The three built-ins, the warm recap (the default) first.
pub fn builtin_follow_up_templates() -> Vec<BuiltinTemplate> {
    vec![
        BuiltinTemplate {
            id: WARM_RECAP_ID,
            name: "Warm recap",
            subject: "Thank you for today, {{ client_first_name }}",
            body: WARM_RECAP_BODY,
            instructions: WARM_RECAP_INSTRUCTIONS,
        },
        BuiltinTemplate {
            id: BRIEF_ACTION_LIST_ID,
            name: "Brief action list",
            subject: "Your actions from our session on {{ session_date }}",
            body: BRIEF_ACTION_LIST_BODY,
            instructions: BRIEF_ACTION_LIST_INSTRUCTIONS,
        },
        BuiltinTemplate {
            id: GROW_RECAP_ID,
            name: "GROW recap",
            subject: "Your session recap: goal, reality, options and will",
            body: GROW_RECAP_BODY,
            instructions: GROW_RECAP_INSTRUCTIONS,
        },
    ]
}

// Block tags on their own line leave no trace (trim_blocks); `+%}` keeps the
// line break after an inline `{% endif %}` that ends a list item.

const WARM_RECAP_BODY: &str = r#"Hi {{ client_first_name }},

Thank you for our session on {{ session_date }}. I appreciated how openly you talked things through, and it was good to think alongside you.
{% if highlights %}

A few things that stayed with me:
{% for h in highlights %}
- {{ h }}
{% endfor %}
{% endif %}
{% if commitments %}

Here is what you decided to take forward:
{% for c in commitments %}
- {{ c.text }}{% if c.due %} (by {{ c.due }}){% endif +%}
{% endfor %}

These are yours to adapt if something shifts. I'd love to hear how they went.
{% else %}

We didn't pin down specific actions this time, and that's fine. Notice what stays with you from our conversation over the next few days.
{% endif %}
{% if coach_commitments %}

As promised, from my side:
{% for c in coach_commitments %}
- {{ c.text }}{% if c.due %} (by {{ c.due }}){% endif +%}
{% endfor %}
{% endif %}
{% if next_session_date %}

I'm looking forward to seeing you on {{ next_session_date }}.
{% else %}

Whenever you're ready, just reply and we'll find a time for our next session.
{% endif %}

Warmly,
{{ coach_signature }}
"#;

const WARM_RECAP_INSTRUCTIONS: &str = "Tone: warm, personal and encouraging, in the coach's own voice (first person), plain language, no jargon or therapy-speak. Length: 120 to 220 words. Structure: greet the client by first name; one or two sentences appreciating the session and naming what they explored, using their own words where possible; their commitments as a short bulleted list with due dates; anything the coach promised to do; the next session date if known; sign off with the coach's signature. Only list commitments this client actually made in this session and never invent new ones; if there are none, say so kindly. Never mention other clients, risk flags, diagnoses or sensitive health details. Write in the language the session was held in.";

const BRIEF_ACTION_LIST_BODY: &str = r#"Hi {{ client_first_name }},

A quick recap of our session on {{ session_date }}.
{% if commitments %}

Your actions:
{% for c in commitments %}
{{ loop.index }}. {{ c.text }}{% if c.due %}, by {{ c.due }}{% endif +%}
{% endfor %}
{% else %}

No specific actions this time. Reply if you'd like to set one before we next meet.
{% endif %}
{% if coach_commitments %}

Mine:
{% for c in coach_commitments %}
- {{ c.text }}{% if c.due %}, by {{ c.due }}{% endif +%}
{% endfor %}
{% endif %}
{% if next_session_date %}

Next session: {{ next_session_date }}.
{% endif %}

Best,
{{ coach_signature }}
"#;

const BRIEF_ACTION_LIST_INSTRUCTIONS: &str = "Tone: friendly and businesslike. Length: under 100 words. Structure: a one-line greeting; a numbered list of the client's actions, each starting with a verb and ending with its due date when one was agreed; the coach's own actions; the next session date if known; a short sign-off with the coach's signature. No reflections, praise or commentary. Only include actions this client agreed in this session; never invent actions, dates or other clients' actions, and leave out anything sensitive. Write in the language the session was held in.";

const GROW_RECAP_BODY: &str = r#"Hi {{ client_first_name }},

Here is a short recap of our session on {{ session_date }}, following the GROW steps we use together.

Goal
{% if themes %}
We focused on {{ themes[:2]|join(" and ") }}.
{% else %}
We came back to what you want from our work together.
{% endif %}

Reality
{% if highlights %}
{% for h in highlights %}
- {{ h }}
{% endfor %}
{% else %}
We looked honestly at where things stand right now.
{% endif %}

Options
{% if themes|length > 2 %}
We also touched on {{ themes[2:]|join(", ") }}, which may open up further options.
{% else %}
We weighed a few possible ways forward before you chose your next steps.
{% endif %}

Will
{% if commitments %}
You chose to:
{% for c in commitments %}
- {{ c.text }}{% if c.due %} (by {{ c.due }}){% endif +%}
{% endfor %}
{% else %}
You didn't fix on specific actions this time. Notice what you find yourself drawn to before we next speak.
{% endif %}
{% if coach_commitments %}

From my side:
{% for c in coach_commitments %}
- {{ c.text }}{% if c.due %} (by {{ c.due }}){% endif +%}
{% endfor %}
{% endif %}
{% if next_session_date %}

We'll pick this up on {{ next_session_date }}.
{% endif %}

All the best,
{{ coach_signature }}
"#;

const GROW_RECAP_INSTRUCTIONS: &str = "Tone: clear, supportive and structured, in the coach's own voice. Length: 150 to 250 words. Structure: a greeting by first name, then four short headed sections: Goal (what the client wants from this topic, in one or two sentences), Reality (where things stand now, using the client's own words where possible), Options (the possibilities the client considered, without adding new advice), Will (the commitments they chose, as a bulleted list with due dates, plus anything the coach promised); then the next session date if known and a sign-off with the coach's signature. Only use what was said in this session, never invent commitments, and never mention other clients, risk flags or sensitive health details. Write in the language the session was held in.";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ai::template::{render, validate};
    use serde_json::json;

    fn context(with_commitments: bool) -> serde_json::Value {
        json!({
            "client_first_name": "Sam",
            "client_name": "Sam Lee",
            "coach_name": "Alex Morgan",
            "coach_signature": "Alex\nMorgan Coaching",
            "session_title": "Fortnightly session",
            "session_date": "Tuesday 8 September 2026",
            "themes": ["delegation", "sleep", "boundaries"],
            "commitments": if with_commitments {
                json!([{"text": "Hand the weekly report to Jo", "due": "Friday 11 September"}, {"text": "Walk twice a week", "due": null}])
            } else {
                json!([])
            },
            "coach_commitments": [{"text": "Send Sam the article", "due": "Tuesday 8 September"}],
            "next_session_date": "Tuesday 22 September 2026",
            "highlights": ["We explored delegation and sleep."],
        })
    }

    #[test]
    fn ids_are_stable_and_distinct() {
        let templates = builtin_follow_up_templates();
        let names: Vec<&str> = templates.iter().map(|t| t.name).collect();
        assert_eq!(names, vec!["Warm recap", "Brief action list", "GROW recap"]);
        assert_eq!(
            templates[0].id.to_string(),
            "0b5e1c7a-3f2d-4c8e-9a61-2d4f7e8b9c01"
        );
        let mut ids: Vec<Uuid> = templates.iter().map(|t| t.id).collect();
        ids.dedup();
        assert_eq!(ids.len(), 3);
    }

    #[test]
    fn all_builtins_validate_and_render_with_and_without_commitments() {
        for template in builtin_follow_up_templates() {
            validate(template.subject).expect("subject valid");
            validate(template.body).expect("body valid");
            assert!(!template.instructions.is_empty());
            let full = render(template.body, &context(true)).expect("renders");
            assert!(full.contains("Hand the weekly report to Jo"), "{full}");
            assert!(full.contains("Friday 11 September"), "{full}");
            assert!(full.contains("Walk twice a week\n"), "{full}");
            assert!(full.contains("Send Sam the article"), "{full}");
            assert!(full.contains("Alex\nMorgan Coaching"), "{full}");
            assert!(full.starts_with("Hi Sam,"), "{full}");
            let empty = render(template.body, &context(false)).expect("renders");
            assert!(!empty.contains("Hand the weekly report"), "{empty}");
            assert!(empty.contains("Alex\nMorgan Coaching"), "{empty}");
            let subject = render(template.subject, &context(true)).expect("subject");
            assert!(!subject.contains('{'), "{subject}");
        }
    }

    #[test]
    fn warm_recap_reads_naturally() {
        let out = render(WARM_RECAP_BODY, &context(true)).expect("renders");
        assert!(out.contains(
            "Here is what you decided to take forward:\n- Hand the weekly report to Jo (by Friday 11 September)\n- Walk twice a week\n"
        ), "{out}");
    }
}

//! End-to-end tests of the local analyser on synthetic requests: group-session
//! follow-ups, dates, template errors and a crisis. The labelled fixtures are
//! scored by the tests crate (`tests/tests/all/analysis_fixtures.rs`).

use crate::ai::analyst::RiskSeverity;
use crate::ai::builtin_templates::builtin_follow_up_templates;

use super::test_support::{client_id_of, one_to_one_request, request_with, COACH_NAME};
use super::LocalAnalyst;

#[test]
fn group_session_gets_one_draft_per_client_without_leakage() {
    let alma = "Alma Reyes";
    let bo = "Bo Lindqvist";
    let chen = "Chen Wu";
    let mut request = request_with(
        &[alma, bo, chen],
        &[
            (
                COACH_NAME,
                "Welcome back, everyone. What are you each taking on?",
            ),
            (alma, "I'll send the hiring plan to finance by Friday."),
            (bo, "I'm going to book a long weekend for myself tomorrow."),
            (chen, "Honestly I'm still thinking about it."),
            (
                COACH_NAME,
                "I'll email everyone the feedback model this afternoon.",
            ),
            (COACH_NAME, "And I'll call Bo on Monday about the offsite."),
        ],
    );
    // Different templates per client: each draft must use its own.
    let templates = builtin_follow_up_templates();
    for (client, template) in request.clients.iter_mut().zip(&templates) {
        client.template = template.to_follow_up_template();
    }
    let analysis = LocalAnalyst.analyse_now(&request).expect("analysis");
    assert_eq!(analysis.follow_ups.len(), 3);

    let draft_for = |name: &str| {
        analysis
            .follow_ups
            .iter()
            .find(|d| d.client_id == client_id_of(name))
            .expect("draft for every client")
    };
    let alma_draft = draft_for(alma);
    let bo_draft = draft_for(bo);
    let chen_draft = draft_for(chen);
    assert_eq!(alma_draft.template_id, templates[0].id);
    assert_eq!(bo_draft.template_id, templates[1].id);
    assert_eq!(chen_draft.template_id, templates[2].id);

    assert!(
        alma_draft.body.contains("Send the hiring plan to finance"),
        "{}",
        alma_draft.body
    );
    assert!(
        !alma_draft.body.contains("long weekend"),
        "{}",
        alma_draft.body
    );
    assert!(
        bo_draft.body.contains("Book a long weekend for yourself"),
        "{}",
        bo_draft.body
    );
    assert!(!bo_draft.body.contains("hiring plan"), "{}", bo_draft.body);
    assert!(
        !chen_draft.body.contains("hiring plan"),
        "{}",
        chen_draft.body
    );
    assert!(
        !chen_draft.body.contains("long weekend"),
        "{}",
        chen_draft.body
    );
    // Everyone hears about the coach's shared action; only Bo about his call.
    for draft in [alma_draft, bo_draft, chen_draft] {
        assert!(
            draft.body.contains("Email everyone the feedback model"),
            "{}",
            draft.body
        );
        assert!(draft.body.contains("Cora"), "{}", draft.body);
    }
    assert!(
        bo_draft.body.contains("Call you on Monday"),
        "{}",
        bo_draft.body
    );
    assert!(!alma_draft.body.contains("offsite"), "{}", alma_draft.body);
    assert!(alma_draft.body.starts_with("Hi Alma,"));
    assert!(!chen_draft.subject.is_empty());
}

#[test]
fn follow_up_shows_dates_and_next_session() {
    let mut request = one_to_one_request(&[
        ("Coach", "What will you do next?"),
        ("Client", "I'll ring the landlord about the lease tomorrow."),
    ]);
    request.next_session_on = chrono::NaiveDate::from_ymd_opt(2026, 3, 24);
    let analysis = LocalAnalyst.analyse_now(&request).expect("analysis");
    let body = &analysis.follow_ups[0].body;
    assert!(
        body.contains("Ring the landlord about the lease (by Wednesday 11 March)"),
        "{body}"
    );
    assert!(body.contains("Tuesday 24 March 2026"), "{body}");
    assert_eq!(analysis.follow_ups[0].subject, "Thank you for today, Casey");
}

#[test]
fn a_broken_template_is_a_permanent_error() {
    let mut request = one_to_one_request(&[("Client", "I'll tidy the garage on Saturday.")]);
    request.clients[0].template.body = "Hi {{ client_first_name }\n".to_string();
    let error = LocalAnalyst
        .analyse_now(&request)
        .expect_err("bad template");
    assert!(matches!(
        error,
        crate::ai::analyst::AnalystError::Permanent(_)
    ));
    assert!(error.to_string().contains("line 1"), "{error}");
}

#[test]
fn crisis_in_session_is_urgent_and_in_overview() {
    let request = one_to_one_request(&[
        ("Coach", "How have things been?"),
        (
            "Client",
            "Honestly, I don't want to be here anymore. Work is killing me.",
        ),
    ]);
    let analysis = LocalAnalyst.analyse_now(&request).expect("analysis");
    assert_eq!(analysis.risk_flags.len(), 1);
    assert_eq!(analysis.risk_flags[0].severity, RiskSeverity::Urgent);
    assert!(
        analysis.overview.contains("safety concern"),
        "{}",
        analysis.overview
    );
    assert!(!analysis.follow_ups[0].body.contains("safety"));
}

/// Issue 9's group rule, in words no fixture uses: a promise to one member
/// reaches that member's draft only, addressed to them; a promise to the
/// whole group reaches every draft; nothing appears twice.
#[test]
fn each_members_draft_holds_only_the_promises_made_to_them() {
    let ines = "Ines Moreau";
    let tomas = "Tomas Berg";
    let wren = "Wren Okoye";
    let request = request_with(
        &[ines, tomas, wren],
        &[
            (COACH_NAME, "Good to see the three of you again."),
            (ines, "My manager wants the rota redone before the audit."),
            (
                COACH_NAME,
                "I'll ring you on Thursday, Ines, to walk through it.",
            ),
            (tomas, "Can I see the template you showed last time?"),
            (COACH_NAME, "Of course, I'll forward it to you tonight."),
            (
                COACH_NAME,
                "And I'll email all of you the summary sheet by Friday.",
            ),
            (
                COACH_NAME,
                "I'll send Wren's reference letter to the panel tomorrow.",
            ),
        ],
    );
    let analysis = LocalAnalyst.analyse_now(&request).expect("analysis");
    let body_of = |name: &str| {
        analysis
            .follow_ups
            .iter()
            .find(|d| d.client_id == client_id_of(name))
            .map(|d| d.body.clone())
            .expect("a draft for every member")
    };
    let (ines_body, tomas_body, wren_body) = (body_of(ines), body_of(tomas), body_of(wren));

    let thursday_call = |body: &str| body.to_lowercase().contains("thursday");
    assert!(thursday_call(&ines_body), "{ines_body}");
    assert!(!thursday_call(&tomas_body) && !thursday_call(&wren_body));

    let forward = |body: &str| body.to_lowercase().contains("forward the template");
    assert!(forward(&tomas_body), "{tomas_body}");
    assert!(!forward(&ines_body) && !forward(&wren_body));

    for body in [&ines_body, &tomas_body, &wren_body] {
        assert_eq!(body.matches("summary sheet").count(), 1, "{body}");
    }

    // Addressed to Wren, the promise about her letter reads in the second person.
    assert!(wren_body.contains("your reference letter"), "{wren_body}");
    assert!(!wren_body.contains("Wren's"), "{wren_body}");
    assert!(!ines_body.contains("reference letter") && !tomas_body.contains("reference letter"));
}

//! Versioned schema migrations (refinery) and the built-in templates they need.

use super::templates::{self, TemplateText};
use super::{Executor, Pool, StoreError};
use crate::ai::builtin_templates::builtin_follow_up_templates;

mod embedded {
    refinery::embed_migrations!("migrations");
}

/// Applies pending migrations, then upserts the built-in templates.
/// Returns the versions that were applied now.
pub async fn run(pool: &Pool) -> Result<Vec<u32>, StoreError> {
    let mut object = pool.get().await?;
    let client: &mut tokio_postgres::Client = &mut object;
    let report = embedded::migrations::runner()
        .run_async(client)
        .await
        .map_err(StoreError::Migration)?;
    seed_builtin_templates(client).await?;
    Ok(report
        .applied_migrations()
        .iter()
        .map(|m| m.version())
        .collect())
}

/// A fingerprint of every migration, so a test template database can be
/// reused while the schema is unchanged.
pub fn fingerprint() -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    for migration in embedded::migrations::runner().get_migrations() {
        hasher.update(migration.name());
        hasher.update(migration.version().to_le_bytes());
        hasher.update(migration.checksum().to_le_bytes());
    }
    hex::encode(&hasher.finalize()[..8])
}

/// Inserts the built-ins, or gives one a new version when this release
/// changed its text (drafts keep the version they were written from).
async fn seed_builtin_templates(client: &tokio_postgres::Client) -> Result<(), StoreError> {
    for template in builtin_follow_up_templates() {
        let changed = client
            .fetch_optional(
                "INSERT INTO templates (id, coach_id, kind, name, subject, body, instructions, current_version)
                 VALUES ($1, NULL, 'follow_up', $2, $3, $4, $5, 1)
                 ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, subject = EXCLUDED.subject,
                     body = EXCLUDED.body, instructions = EXCLUDED.instructions,
                     current_version = templates.current_version + 1, updated_at = now()
                  WHERE (templates.name, templates.subject, templates.body, templates.instructions)
                        IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.subject, EXCLUDED.body, EXCLUDED.instructions)
                 RETURNING current_version",
                &[&template.id, &template.name, &template.subject, &template.body, &template.instructions],
            )
            .await?;
        if let Some(row) = changed {
            let text = TemplateText {
                name: template.name.to_owned(),
                subject: template.subject.to_owned(),
                body: template.body.to_owned(),
                instructions: template.instructions.to_owned(),
            };
            templates::insert_version(client, None, template.id, row.get(0), &text).await?;
        }
    }
    Ok(())
}

//! Versioned schema migrations (refinery) and the built-in templates they need.

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

async fn seed_builtin_templates(client: &tokio_postgres::Client) -> Result<(), StoreError> {
    for template in builtin_follow_up_templates() {
        client
            .exec(
                "INSERT INTO templates (id, coach_id, kind, name, subject, body, instructions)
                 VALUES ($1, NULL, 'follow_up', $2, $3, $4, $5)
                 ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, subject = EXCLUDED.subject,
                     body = EXCLUDED.body, instructions = EXCLUDED.instructions, updated_at = now()",
                &[&template.id, &template.name, &template.subject, &template.body, &template.instructions],
            )
            .await?;
    }
    Ok(())
}

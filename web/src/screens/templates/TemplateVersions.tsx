import { useQuery } from '@tanstack/react-query'

import { useApi } from '../../app/context'
import { formatDateTime } from '../../components/format'
import { QueryView } from '../../components/QueryView'
import { templateVersionsQuery } from './templateQueries'

/** Every kept version, newest first, each with its text to read. */
export function TemplateVersions({ templateId, current }: { templateId: string; current: number }) {
  const api = useApi()
  const versions = useQuery(templateVersionsQuery(api, templateId))
  return (
    <section className="card" aria-labelledby="versions-heading">
      <h2 id="versions-heading">Versions</h2>
      <QueryView query={versions} loading="Loading versions…">
        {(list) => (
          <ol className="stack" reversed>
            {[...list].reverse().map((version) => (
              <li key={version.version}>
                <details>
                  <summary>
                    Version {version.version}
                    {version.version === current && ' (current)'}, saved {formatDateTime(version.created_at)}:{' '}
                    {version.name}
                  </summary>
                  <p>
                    <strong>Subject:</strong> {version.subject}
                  </p>
                  <pre className="preview-text">{version.body}</pre>
                </details>
              </li>
            ))}
          </ol>
        )}
      </QueryView>
    </section>
  )
}

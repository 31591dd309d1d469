// The follow-up templates a coach can pick from, shared by the template
// list, the template pickers on the client page and in settings.

import { queryOptions } from '@tanstack/react-query'

import { data, type Api } from '../../api/client'
import { keys } from '../../api/keys'

export function followUpTemplatesQuery(api: Api) {
  return queryOptions({
    queryKey: [...keys.templates, 'list', 'follow_up'],
    queryFn: () => data(api.GET('/v1/templates', { params: { query: { kind: 'follow_up' } } })),
  })
}

/** The ETag of a template version, as `If-Match` wants it. */
export function etagOf(version: number): string {
  return `"${version}"`
}

export function templateQuery(api: Api, id: string) {
  return queryOptions({
    queryKey: keys.template(id),
    queryFn: () => data(api.GET('/v1/templates/{id}', { params: { path: { id } } })),
  })
}

export function templateVersionsQuery(api: Api, id: string) {
  return queryOptions({
    queryKey: keys.templateVersions(id),
    queryFn: () => data(api.GET('/v1/templates/{id}/versions', { params: { path: { id } } })),
  })
}

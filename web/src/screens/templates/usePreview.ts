import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { useMemo } from 'react'

import { data } from '../../api/client'
import { keys } from '../../api/keys'
import { useApi } from '../../app/context'
import { useDebouncedValue } from './useDebouncedValue'

/** Long enough to wait out a burst of typing, short enough to feel live. */
export const PREVIEW_DELAY_MS = 400

export const SAMPLE_VALUES = 'sample'

/** A "Preview with" choice (`session:client` ids, or sample values) as the request's context. */
function contextOf(choice: string): { session_id?: string; client_id?: string } {
  if (choice === SAMPLE_VALUES) return {}
  const [session_id, client_id] = choice.split(':')
  return { session_id, client_id }
}

/**
 * The template filled in, with the unsaved `subject` and `body` when given
 * (else the saved text), once the coach pauses typing.
 */
export function usePreview(
  templateId: string,
  text: { subject?: string; body?: string },
  context: string,
) {
  const api = useApi()
  const { subject, body } = text
  const request = useMemo(() => ({ subject, body, ...contextOf(context) }), [subject, body, context])
  const settled = useDebouncedValue(request, PREVIEW_DELAY_MS)
  return useQuery({
    queryKey: [...keys.template(templateId), 'preview', settled],
    queryFn: ({ signal }) =>
      data(api.POST('/v1/templates/{id}/preview', { params: { path: { id: templateId } }, body: settled, signal })),
    // A preview changes nothing; a failed one is shown, not retried.
    retry: false,
    staleTime: Infinity,
    // The last preview stays on screen while the next one is filled in.
    placeholderData: keepPreviousData,
  })
}

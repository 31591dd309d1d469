import { useMutation, useQueryClient } from '@tanstack/react-query'
import { Button } from 'react-aria-components'
import { useNavigate } from 'react-router'

import { data, idempotencyKey } from '../../api/client'
import { keys } from '../../api/keys'
import type { Template } from '../../api/types'
import { useApi } from '../../app/context'
import { ErrorNotice } from '../../components/ErrorNotice'

/** Copies a template (a built-in, typically) into one of the coach's own, and opens the copy. */
export function DuplicateButton({ template, describedBy }: { template: Template; describedBy?: string }) {
  const api = useApi()
  const queryClient = useQueryClient()
  const navigate = useNavigate()
  const duplicate = useMutation({
    mutationFn: () =>
      data(
        api.POST('/v1/templates', {
          params: { header: { 'Idempotency-Key': idempotencyKey() } },
          body: { copy_of: template.id },
        }),
      ),
    onSuccess: (copy) => {
      void queryClient.invalidateQueries({ queryKey: keys.templates })
      navigate(`/templates/${copy.id}`)
    },
  })
  return (
    <div className="stack">
      <Button
        className="button"
        onPress={() => duplicate.mutate()}
        isDisabled={duplicate.isPending}
        aria-describedby={describedBy}
      >
        {duplicate.isPending ? 'Duplicating…' : 'Duplicate'}
      </Button>
      {duplicate.isError && <ErrorNotice error={duplicate.error} />}
    </div>
  )
}

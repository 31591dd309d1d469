// Every change a coach makes to a follow-up, as one request each, and the
// hook that runs one and keeps the cached follow-up in step with the answer.

import { useIsMutating, useMutation, useQueryClient } from '@tanstack/react-query'

import { data, idempotencyKey, type Api } from '../../api/client'
import { keys } from '../../api/keys'
import type { components } from '../../api/schema'
import type { FollowUp } from '../../api/types'
import { useApi } from '../../app/context'

export type EditFollowUp = components['schemas']['EditFollowUp']
export type Outcome = components['schemas']['Outcome']

/** The version as the strong ETag the API compares `If-Match` with. */
export function ifMatch(version: number): string {
  return `"${version}"`
}

export function editFollowUp(api: Api, id: string, version: number, change: EditFollowUp): Promise<FollowUp> {
  return data(
    api.PATCH('/v1/follow-ups/{id}', {
      params: { path: { id }, header: { 'If-Match': ifMatch(version) } },
      body: change,
    }),
  )
}

/** Approves exactly the version the coach read: a newer one is refused with 412. */
export function approveFollowUp(api: Api, id: string, version: number): Promise<FollowUp> {
  return data(
    api.POST('/v1/follow-ups/{id}/approve', {
      params: { path: { id }, header: { 'If-Match': ifMatch(version), 'Idempotency-Key': idempotencyKey() } },
    }),
  )
}

/** `localTime` is the client's wall clock (`2026-12-03T09:00`); the API reads it in their zone. */
export function scheduleFollowUp(api: Api, id: string, localTime: string): Promise<FollowUp> {
  return data(
    api.POST('/v1/follow-ups/{id}/schedule', {
      params: { path: { id }, header: { 'Idempotency-Key': idempotencyKey() } },
      body: { local_time: localTime },
    }),
  )
}

export function sendFollowUpNow(api: Api, id: string): Promise<FollowUp> {
  return data(
    api.POST('/v1/follow-ups/{id}/send-now', {
      params: { path: { id }, header: { 'Idempotency-Key': idempotencyKey() } },
    }),
  )
}

export function cancelFollowUp(api: Api, id: string): Promise<FollowUp> {
  return data(
    api.POST('/v1/follow-ups/{id}/cancel', {
      params: { path: { id }, header: { 'Idempotency-Key': idempotencyKey() } },
    }),
  )
}

/** A revision of exactly the version the coach read, by the language model; it streams as live events. */
export function refineFollowUp(api: Api, id: string, version: number, instruction: string): Promise<FollowUp> {
  return data(
    api.POST('/v1/follow-ups/{id}/refine', {
      params: { path: { id }, header: { 'If-Match': ifMatch(version), 'Idempotency-Key': idempotencyKey() } },
      body: { instruction },
    }),
  )
}

/** Brings back version `to` as a new version, if `current` is still the current one. */
export function revertFollowUp(api: Api, id: string, current: number, to: number): Promise<FollowUp> {
  return data(
    api.POST('/v1/follow-ups/{id}/revert', {
      params: { path: { id }, header: { 'If-Match': ifMatch(current), 'Idempotency-Key': idempotencyKey() } },
      body: { version: to },
    }),
  )
}

export function resolveFollowUp(api: Api, id: string, outcome: Outcome): Promise<FollowUp> {
  return data(
    api.POST('/v1/follow-ups/{id}/resolve', {
      params: { path: { id }, header: { 'Idempotency-Key': idempotencyKey() } },
      body: { outcome },
    }),
  )
}

function actionKey(id: string) {
  return ['follow-ups', 'action', id] as const
}

/**
 * Runs one change of follow-up `id`. The answer is the follow-up as it now
 * is: it replaces the cached one at once, and everything listing follow-ups
 * is refetched.
 */
export function useFollowUpChange<Variables>(
  id: string,
  send: (api: Api, variables: Variables) => Promise<FollowUp>,
  onChanged: (changed: FollowUp, variables: Variables) => void,
) {
  const api = useApi()
  const queryClient = useQueryClient()
  return useMutation({
    mutationKey: actionKey(id),
    mutationFn: (variables: Variables) => send(api, variables),
    onSuccess: (changed, variables) => {
      queryClient.setQueryData(keys.followUp(id), changed)
      void queryClient.invalidateQueries({ queryKey: keys.followUps })
      void queryClient.invalidateQueries({ queryKey: keys.sessionFollowUps(changed.session_id) })
      onChanged(changed, variables)
    },
  })
}

/** Whether any change of follow-up `id` is under way: one at a time, so two never race. */
export function useChangePending(id: string): boolean {
  return useIsMutating({ mutationKey: actionKey(id) }) > 0
}

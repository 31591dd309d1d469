import { describe, expect, it } from 'vitest'

import { ApiProblem, humanMessage, requestIdOf } from './problem'

describe('problems as sentences', () => {
  it('uses the API detail, which is written for people', () => {
    const problem = new ApiProblem(409, { detail: 'The session is being processed; wait until it is ready.', request_id: 'r1' }, null)
    expect(humanMessage(problem)).toBe('The session is being processed; wait until it is ready.')
    expect(requestIdOf(problem)).toBe('r1')
  })

  it('never shows a server error as anything but an apology with the id', () => {
    const problem = new ApiProblem(500, { detail: 'Internal Server Error', request_id: 'r2' }, null)
    expect(humanMessage(problem)).toMatch(/went wrong on our side/)
    expect(humanMessage(problem)).not.toMatch(/Internal/)
  })

  it('names each invalid field, with the place in a template as the API wrote it', () => {
    const message = '`client_frist_name` on line 3, column 7 is not a placeholder FlowCoach knows.'
    const problem = new ApiProblem(
      422,
      { detail: 'the request has invalid fields', errors: [{ field: 'body', message, line: 3, column: 7 }] },
      null,
    )
    expect(humanMessage(problem)).toBe(`body: ${message}`)
    expect(problem.fieldMessage('body')).toBe(message)
    expect(problem.fieldMessage('subject')).toBeUndefined()
  })

  it('explains a stale edit and an unreachable server', () => {
    expect(humanMessage(new ApiProblem(412, null, null))).toMatch(/changed since you opened it/)
    expect(humanMessage(new TypeError('Failed to fetch'))).toMatch(/could not be reached/)
    expect(requestIdOf(new Error('x'))).toBeNull()
  })
})

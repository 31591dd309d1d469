// A template's mistakes as the API reports them: a 422 whose field errors
// carry the line and column in the field's text, and whose messages
// (`fieldMessage`) already say where.

import { ApiProblem } from '../../api/problem'

/** Whether `error` refused some of the text's fields (a 422 naming them). */
export function isRefusal(error: unknown): error is ApiProblem {
  return error instanceof ApiProblem && error.status === 422 && error.fields.length > 0
}

/** The first of `failures` that refuses `field`. */
export function refusing(field: string, ...failures: unknown[]): ApiProblem | undefined {
  return failures.find(
    (failure): failure is ApiProblem => isRefusal(failure) && failure.fieldMessage(field) !== undefined,
  )
}

/** Where `refusal` places its mistake in `field`, when it gives a line. */
export function placeOf(refusal: ApiProblem | undefined, field: string): { line: number; column: number } | undefined {
  const found = refusal?.fields.find((problem) => problem.field === field)
  return found?.line ? { line: found.line, column: found.column ?? 1 } : undefined
}

/** The character offset of a 1-based line and column in `text`. */
export function offsetOf(text: string, line: number, column: number): number {
  const lines = text.split('\n')
  const before = lines.slice(0, line - 1).reduce((sum, current) => sum + current.length + 1, 0)
  const within = Math.min(Math.max(column - 1, 0), lines[line - 1]?.length ?? 0)
  return Math.min(before + within, text.length)
}

// A template's mistakes as the API reports them: a 422 whose field errors
// may carry the line and column in the field's text.

import { ApiProblem, type FieldProblem } from '../../api/problem'

export function fieldProblemsOf(error: unknown): FieldProblem[] {
  return error instanceof ApiProblem && error.status === 422 ? error.fields : []
}

export function problemFor(problems: FieldProblem[], field: string): FieldProblem | undefined {
  return problems.find((problem) => problem.field === field)
}

/** The message, with its place when the message does not already say it. */
export function messageOf(problem: FieldProblem | undefined): string | undefined {
  if (!problem) return undefined
  if (!problem.line || /\bline \d+/.test(problem.message)) return problem.message
  return `${problem.message} (line ${problem.line}, column ${problem.column ?? 1})`
}

/** The character offset of a 1-based line and column in `text`. */
export function offsetOf(text: string, line: number, column: number): number {
  const lines = text.split('\n')
  const before = lines.slice(0, line - 1).reduce((sum, current) => sum + current.length + 1, 0)
  const within = Math.min(Math.max(column - 1, 0), lines[line - 1]?.length ?? 0)
  return Math.min(before + within, text.length)
}

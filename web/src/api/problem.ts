// Every failure the API can answer is problem+json with a request id. The app
// shows it as a sentence a coach can act on, with the id to quote to support.

export interface FieldProblem {
  field: string
  message: string
  line?: number
  column?: number
}

export interface ProblemBody {
  type?: string
  title?: string
  status?: number
  detail?: string
  request_id?: string
  errors?: FieldProblem[]
}

export class ApiProblem extends Error {
  readonly status: number
  readonly title: string
  readonly detail: string
  readonly requestId: string | null
  readonly fields: FieldProblem[]

  constructor(status: number, body: ProblemBody | null, requestId: string | null) {
    super(body?.detail || body?.title || `HTTP ${status}`)
    this.name = 'ApiProblem'
    this.status = status
    this.title = body?.title ?? ''
    this.detail = body?.detail ?? ''
    this.requestId = body?.request_id ?? requestId
    this.fields = body?.errors ?? []
  }

  /**
   * The message for one field, if the API named it, as the API wrote it: a
   * mistake placed in a template already says its line and column.
   */
  fieldMessage(field: string): string | undefined {
    return this.fields.find((error) => error.field === field)?.message
  }
}

const BY_STATUS: Record<number, string> = {
  401: 'Your sign-in has expired. Sign in again to carry on.',
  403: 'You are not allowed to do that.',
  404: 'That could not be found. It may have been deleted.',
  409: 'Someone else changed this at the same time. Reload and try again.',
  412: 'This changed since you opened it. Reload to see the latest version, then make your change again.',
  413: 'That is too large to upload.',
  415: 'That kind of file is not accepted.',
  429: 'Too many requests just now. Wait a moment and try again.',
  503: 'FlowCoach is busy or restarting. Try again in a minute.',
  504: 'FlowCoach took too long to answer. Try again in a minute.',
}

/** A sentence for any error, for a person. */
export function humanMessage(error: unknown): string {
  if (error instanceof ApiProblem) {
    if (error.status === 422 && error.fields.length > 0) {
      return error.fields.map((field) => `${field.field}: ${field.message}`).join(' ')
    }
    // 501 (not configured), 502 (the language model's reply unusable) and 503
    // say what to do; any other 5xx is ours, and says nothing useful.
    if (error.status >= 500 && ![501, 502, 503, 504].includes(error.status)) {
      return 'Something went wrong on our side. Nothing you entered was lost; try again, and quote the request id if it keeps happening.'
    }
    // The API's own detail is written for people (internal errors never reach it).
    return error.detail || BY_STATUS[error.status] || error.title || `The request failed (HTTP ${error.status}).`
  }
  if (error instanceof TypeError) return 'FlowCoach could not be reached. Check your connection and try again.'
  if (error instanceof Error) return error.message
  return 'Something went wrong.'
}

export function requestIdOf(error: unknown): string | null {
  return error instanceof ApiProblem ? error.requestId : null
}

/** Reads a failed response into an ApiProblem, whatever its body. */
export async function problemFrom(response: Response): Promise<ApiProblem> {
  let body: ProblemBody | null = null
  try {
    const text = await response.clone().text()
    body = text ? (JSON.parse(text) as ProblemBody) : null
  } catch {
    body = null
  }
  return new ApiProblem(response.status, body, response.headers.get('x-request-id'))
}

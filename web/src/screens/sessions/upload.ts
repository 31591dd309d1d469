// Sends a transcript file with upload progress (fetch cannot report it, so
// XMLHttpRequest): straight to the API up to the direct limit, else to the
// presigned target the API hands out.

import type { Api } from '../../api/client'
import { data, idempotencyKey } from '../../api/client'
import { ApiProblem, type ProblemBody } from '../../api/problem'

/** The API's direct-upload limit (`ingest::DIRECT_UPLOAD_LIMIT`). */
export const DIRECT_UPLOAD_LIMIT = 4 * 1024 * 1024

export const ACCEPTED_EXTENSIONS = ['.vtt', '.srt', '.txt', '.json']

export interface UploadRequest {
  method: string
  url: string
  headers: Record<string, string>
}

export type Progress = (loaded: number, total: number) => void

/** Why a file cannot be sent at all, before any byte goes out. */
export function refuseFile(file: File, maxBytes: number = 64 * 1024 * 1024): string | null {
  const name = file.name.toLowerCase()
  if (!ACCEPTED_EXTENSIONS.some((extension) => name.endsWith(extension))) {
    return `FlowCoach reads WebVTT (.vtt), SRT (.srt), plain text (.txt) and JSON (.json) transcripts; ${file.name} is none of these.`
  }
  if (file.size === 0) return `${file.name} is empty.`
  if (file.size > maxBytes) return `${file.name} is larger than the ${Math.round(maxBytes / 1048576)} MiB FlowCoach accepts.`
  return null
}

export function send(request: UploadRequest, file: Blob, onProgress: Progress, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open(request.method, request.url)
    for (const [name, value] of Object.entries(request.headers)) xhr.setRequestHeader(name, value)
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded, event.total)
    }
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(file.size, file.size)
        resolve()
        return
      }
      let body: ProblemBody | null = null
      try {
        body = JSON.parse(xhr.responseText) as ProblemBody
      } catch {
        body = null
      }
      reject(new ApiProblem(xhr.status, body, xhr.getResponseHeader('x-request-id')))
    }
    xhr.onerror = () => reject(new TypeError('The upload could not reach FlowCoach.'))
    xhr.onabort = () => reject(new DOMException('The upload was cancelled.', 'AbortError'))
    signal?.addEventListener('abort', () => xhr.abort())
    xhr.send(file)
  })
}

/** Uploads `file` as the session's transcript, by the route its size calls for. */
export async function uploadTranscript(
  api: Api,
  apiBase: string,
  token: string,
  sessionId: string,
  file: File,
  onProgress: Progress,
  signal?: AbortSignal,
): Promise<void> {
  if (file.size <= DIRECT_UPLOAD_LIMIT) {
    const url = `${apiBase}/v1/sessions/${encodeURIComponent(sessionId)}/transcript?filename=${encodeURIComponent(file.name)}`
    await send(
      { method: 'PUT', url, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'text/plain' } },
      file,
      onProgress,
      signal,
    )
    return
  }
  const target = await data(
    api.POST('/v1/sessions/{id}/transcript-upload-url', {
      params: { path: { id: sessionId }, header: { 'Idempotency-Key': idempotencyKey() } },
      body: { filename: file.name },
    }),
  )
  if (file.size > target.max_bytes) {
    throw new Error(`${file.name} is larger than the ${Math.round(target.max_bytes / 1048576)} MiB FlowCoach accepts.`)
  }
  const headers: Record<string, string> = {}
  for (const header of target.headers) headers[header.name] = header.value
  if (target.requires_bearer_token) headers.Authorization = `Bearer ${token}`
  await send({ method: target.method, url: target.url, headers }, file, onProgress, signal)
}

// A scripted OpenAI-compatible chat-completions server for the browser
// tests: every streamed request gets the same revision, piece by piece with
// a pause between, as a model writes. Anything else is refused, so a test
// that reaches it unexpectedly fails loudly.

import { createServer, type Server } from 'node:http'

export const REVISION_PIECES = [
  'Subject: Your next step\n\n',
  'Hi Tobias,\n\nThank you for a thoughtful session today. ',
  'Try the box-breathing exercise each morning this week, ',
  'and let me know how it goes.\n\nDana',
]

const PAUSE_MS = 600

function chunk(delta: object, finish: string | null): string {
  const event = { model: 'scripted-model-1', choices: [{ index: 0, delta, finish_reason: finish }] }
  return `data: ${JSON.stringify(event)}\n\n`
}

export function startScriptedModel(): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    let body = ''
    request.on('data', (part: Buffer) => (body += part.toString()))
    request.on('end', () => {
      const sent = JSON.parse(body || '{}') as { stream?: boolean }
      if (request.url !== '/v1/chat/completions' || !sent.stream) {
        response.writeHead(400, { 'content-type': 'application/json' })
        response.end(JSON.stringify({ error: { message: 'the scripted model only streams' } }))
        return
      }
      response.writeHead(200, { 'content-type': 'text/event-stream' })
      const frames = [
        ...REVISION_PIECES.map((piece) => chunk({ content: piece }, null)),
        chunk({}, 'stop'),
        `data: ${JSON.stringify({ model: 'scripted-model-1', choices: [], usage: { prompt_tokens: 600, completion_tokens: 50 } })}\n\n`,
        'data: [DONE]\n\n',
      ]
      const next = () => {
        const frame = frames.shift()
        if (frame === undefined) return response.end()
        response.write(frame)
        setTimeout(next, PAUSE_MS)
      }
      next()
    })
  })
  return new Promise((done) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      done({ url: `http://127.0.0.1:${port}/v1`, server })
    })
  })
}

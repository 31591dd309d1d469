import { useInfiniteQuery } from '@tanstack/react-query'
import { useState, type FormEvent } from 'react'
import { Button, Input, Label, TextField } from 'react-aria-components'
import { Link, useSearchParams } from 'react-router'

import { data } from '../../api/client'
import { keys } from '../../api/keys'
import type { SearchAnswer, SearchFilter, SearchPassage, SearchSpeaker } from '../../api/types'
import { useClients } from '../../api/useClients'
import { useApi } from '../../app/context'
import { ErrorNotice } from '../../components/ErrorNotice'
import { formatDate, formatTimestamp } from '../../components/format'
import { LoadMore } from '../../components/LoadMore'
import { PageHeader } from '../../components/PageHeader'
import { Empty, Loading } from '../../components/QueryView'
import { SelectField } from '../../components/SelectField'
import { filterLabel, passageLink } from './passages'

const ANY = 'any'
const PAGE_SIZE = 10
const SPEAKERS = [
  { id: ANY, label: 'Anyone' },
  { id: 'client', label: 'Clients' },
  { id: 'coach', label: 'Me (the coach)' },
]

/** What was asked: the question and the filters, as the URL keeps them. */
interface Asked {
  question: string
  client: string
  from: string
  to: string
  speaker: string
}

function askedFrom(params: URLSearchParams): Asked {
  return {
    question: params.get('q') ?? '',
    client: params.get('client') ?? ANY,
    from: params.get('from') ?? '',
    to: params.get('to') ?? '',
    speaker: params.get('speaker') ?? ANY,
  }
}

function Fragments({ passage }: { passage: SearchPassage }) {
  return (
    <blockquote className="passage-text">
      {passage.fragments.map((fragment, index) =>
        fragment.highlighted ? <mark key={index}>{fragment.text}</mark> : <span key={index}>{fragment.text}</span>,
      )}
    </blockquote>
  )
}

function Passage({ passage, number }: { passage: SearchPassage; number: number }) {
  const kind = { transcript: 'Transcript', summary: 'Summary', commitment: 'Commitment' }[passage.kind]
  return (
    <li id={`passage-${number}`} className="card passage" aria-label={`Passage ${number}`}>
      <p className="passage-meta">
        <span className="passage-number">[{number}]</span> <span className="badge">{kind}</span>{' '}
        <Link to={passageLink(passage)}>{passage.session_title}</Link>{' '}
        <span className="muted">
          {formatDate(passage.held_at)}
          {passage.clients.length > 0 && ` · ${passage.clients.map((c) => c.name).join(', ')}`}
          {passage.speaker && passage.kind === 'transcript' && ` · ${passage.speaker}`}
          {passage.start_ms != null && ` · at ${formatTimestamp(passage.start_ms)}`}
        </span>
      </p>
      <Fragments passage={passage} />
    </li>
  )
}

function Answer({ answer }: { answer: SearchAnswer }) {
  return (
    <section className="card answer" aria-labelledby="answer-heading">
      <h2 id="answer-heading">Answer</h2>
      <p className="muted">
        {answer.written_by === 'quoted' ? 'Quoted from the passages below.' : 'Written from the passages below.'}
      </p>
      <ul className="stack">
        {answer.sentences.map((sentence, index) => (
          <li key={index}>
            {sentence.text}{' '}
            {sentence.citations.map((citation) => (
              <a key={citation} href={`#passage-${citation}`} aria-label={`Passage ${citation}`}>
                [{citation}]
              </a>
            ))}
          </li>
        ))}
      </ul>
    </section>
  )
}

function Applied({ filters }: { filters: SearchFilter[] }) {
  if (filters.length === 0) return null
  return (
    <p className="applied-filters" aria-label="Filters applied">
      Filtered by {filters.map(filterLabel).join('; ')}.
    </p>
  )
}

/**
 * A question over every session: passages from transcripts, summaries and
 * commitments with the question's words marked, each opening its session
 * at that moment, and an answer citing them.
 */
export default function Search() {
  const api = useApi()
  const clients = useClients()
  const [params, setParams] = useSearchParams()
  const asked = askedFrom(params)
  const [draft, setDraft] = useState<Asked>(asked)

  const results = useInfiniteQuery({
    queryKey: keys.search(asked),
    enabled: asked.question.trim() !== '',
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      data(
        api.POST('/v1/search', {
          body: {
            question: asked.question,
            client_id: asked.client === ANY ? undefined : asked.client,
            from: asked.from || undefined,
            to: asked.to || undefined,
            speaker: asked.speaker === ANY ? undefined : (asked.speaker as SearchSpeaker),
            limit: PAGE_SIZE,
            cursor: pageParam,
          },
        }),
      ),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  })

  const submit = (event: FormEvent) => {
    event.preventDefault()
    const next = new URLSearchParams()
    if (draft.question.trim()) next.set('q', draft.question.trim())
    if (draft.client !== ANY) next.set('client', draft.client)
    if (draft.from) next.set('from', draft.from)
    if (draft.to) next.set('to', draft.to)
    if (draft.speaker !== ANY) next.set('speaker', draft.speaker)
    setParams(next)
  }
  const set = (field: keyof Asked) => (value: string) => setDraft((current) => ({ ...current, [field]: value }))

  const clientOptions = [
    { id: ANY, label: 'Any client' },
    ...(clients.data?.items ?? []).map((client) => ({ id: client.id, label: client.name })),
  ]
  const first = results.data?.pages[0]
  const passages = results.data?.pages.flatMap((page) => page.passages) ?? []

  return (
    <div>
      <PageHeader title="Search" />
      <form className="stack search-form" role="search" aria-label="Search your sessions" onSubmit={submit}>
        <TextField className="field" value={draft.question} onChange={set('question')} maxLength={500}>
          <Label>Question</Label>
          <Input placeholder="Which clients talked about burnout in October?" />
        </TextField>
        <div className="filters">
          <SelectField label="Client" value={draft.client} onChange={set('client')} options={clientOptions} />
          <TextField className="field" value={draft.from} onChange={set('from')}>
            <Label>From</Label>
            <Input type="date" />
          </TextField>
          <TextField className="field" value={draft.to} onChange={set('to')}>
            <Label>To</Label>
            <Input type="date" />
          </TextField>
          <SelectField label="Whose words" value={draft.speaker} onChange={set('speaker')} options={SPEAKERS} />
        </div>
        <p>
          <Button type="submit" className="button button-primary" isDisabled={draft.question.trim() === ''}>
            Search
          </Button>
        </p>
      </form>
      {asked.question === '' && (
        <p className="muted">
          Ask in your own words. A client&apos;s name or a period (&ldquo;in October&rdquo;, &ldquo;last
          month&rdquo;) in the question becomes a filter.
        </p>
      )}
      {results.isFetching && !results.isFetchingNextPage && <Loading label="Searching…" />}
      {results.isError && !results.isFetchNextPageError && (
        <ErrorNotice error={results.error} onRetry={() => void results.refetch()} />
      )}
      {first && <Applied filters={first.applied_filters} />}
      {first?.nothing_found && (
        <Empty title="Nothing found.">
          <p>No passage in your sessions is close enough to this question. Try other words or fewer filters.</p>
        </Empty>
      )}
      {first?.answer && <Answer answer={first.answer} />}
      {passages.length > 0 && (
        <ol className="stack passages" aria-label="Passages">
          {passages.map((passage, index) => (
            <Passage key={`${passage.kind}-${passage.id}`} passage={passage} number={index + 1} />
          ))}
        </ol>
      )}
      <LoadMore pages={results} label="More passages" />
    </div>
  )
}

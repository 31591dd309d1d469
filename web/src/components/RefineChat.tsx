import { useMutation } from '@tanstack/react-query'
import { useState, type FormEvent } from 'react'
import { Button, FieldError, Form, Label, TextArea, TextField } from 'react-aria-components'

import type { RefinementTarget } from '../api/events'
import { useLiveEvents } from '../app/LiveEvents'
import { ErrorNotice } from './ErrorNotice'
import type { Instructed } from './refinement'

const MAX_INSTRUCTION_CHARS = 2000

/**
 * The coach's conversation with the language model about one text: the
 * instructions so far, each with the version it made, and a box for the
 * next. While a revision is written it appears here as it streams (live
 * events); the stored version then replaces the text above.
 */
export function RefineChat({
  target,
  id,
  what,
  history,
  refine,
  onRefined,
}: {
  target: RefinementTarget
  /** The follow-up's id, or the session's for its summary. */
  id: string
  /** What is refined, for the explanation: "this email", "the overview". */
  what: string
  history: Instructed[]
  refine: (instruction: string) => Promise<{ version: number }>
  onRefined?: (version: number) => void
}) {
  const [instruction, setInstruction] = useState('')
  const [problem, setProblem] = useState<string | undefined>()
  const [streamed, setStreamed] = useState('')
  const run = useMutation({
    mutationFn: (given: string) => refine(given),
    onSuccess: (refined) => {
      setInstruction('')
      onRefined?.(refined.version)
    },
  })
  useLiveEvents((event) => {
    if (event.type === 'refinement.delta' && event.target === target && event.id === id && run.isPending) {
      setStreamed((text) => text + event.text)
    }
  })

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const given = instruction.trim()
    if (given === '') return setProblem('Say what to change.')
    if ([...given].length > MAX_INSTRUCTION_CHARS) {
      return setProblem(`Keep the instruction to ${MAX_INSTRUCTION_CHARS} characters.`)
    }
    setProblem(undefined)
    setStreamed('')
    run.mutate(given)
  }

  return (
    <section className="card" aria-labelledby={`refine-${id}`}>
      <h2 id={`refine-${id}`}>Refine with FlowCoach</h2>
      <p className="muted">
        Tell FlowCoach how to change {what}: “warmer”, “shorter”, “add the breathing exercise”. Each revision is a new
        version you can compare and undo below.
      </p>
      {history.length > 0 && (
        <ol className="stack" aria-label="Your instructions so far">
          {history.map((step) => (
            <li key={step.version}>
              You asked: “{step.instruction}” — version {step.version}
            </li>
          ))}
        </ol>
      )}
      <Form validationBehavior="aria" onSubmit={onSubmit} aria-label={`Refine ${what}`}>
          <TextField
            className="field"
            value={instruction}
            onChange={setInstruction}
            isInvalid={problem !== undefined}
            isDisabled={run.isPending}
          >
            <Label>Instruction</Label>
            <TextArea rows={2} />
            <FieldError className="field-error">{problem}</FieldError>
          </TextField>
          <Button type="submit" className="button button-primary" isDisabled={run.isPending}>
            {run.isPending ? 'Refining…' : 'Refine'}
          </Button>
        </Form>
      {run.isPending && (
        <div className="stack" aria-busy="true">
          <p className="muted">FlowCoach is writing…</p>
          <div className="refine-stream" aria-label="The revision so far" role="region">
            {streamed}
          </div>
        </div>
      )}
      <div aria-live="polite">{run.isSuccess && <p className="notice">Refined: now version {run.data.version}.</p>}</div>
      {run.isError && <ErrorNotice error={run.error} title="The revision did not work." />}
    </section>
  )
}

import { useState, type FormEvent } from 'react'
import { Button, Checkbox, FieldError, Form, Input, Label, TextArea, TextField } from 'react-aria-components'

import { ApiProblem } from '../../api/problem'
import type { FollowUp } from '../../api/types'
import { approveFollowUp, editFollowUp, useChangePending, useFollowUpChange, type EditFollowUp } from './actions'
import { ChangeError } from './ChangeError'

const MAX_SUBJECT_CHARS = 200

interface Text {
  subject: string
  body: string
}

function validate({ subject, body }: Text): Partial<Record<keyof Text, string>> {
  const problems: Partial<Record<keyof Text, string>> = {}
  if (subject.trim() === '') problems.subject = 'Enter a subject.'
  else if ([...subject.trim()].length > MAX_SUBJECT_CHARS) {
    problems.subject = `Keep the subject to ${MAX_SUBJECT_CHARS} characters.`
  }
  if (body.trim() === '') problems.body = 'Write the email’s text.'
  return problems
}

/** Only what the coach changed: an edit names the subject, the body, or both. */
function changeFrom(base: Text, edited: Text): EditFollowUp {
  const change: EditFollowUp = {}
  if (edited.subject !== base.subject) change.subject = edited.subject
  if (edited.body !== base.body) change.body = edited.body
  return change
}

function serverMessage(error: unknown, field: keyof Text): string | undefined {
  return error instanceof ApiProblem ? error.fieldMessage(field) : undefined
}

/**
 * The draft's subject and body, saved as a new version against the version
 * the coach started from, and its approval. The coach's typing is theirs: a
 * newer version arriving meanwhile never overwrites it, and saving then is
 * refused (412) rather than silently replacing what someone else wrote.
 */
export function DraftForm({
  followUp,
  onReload,
  announce,
}: {
  followUp: FollowUp
  onReload: () => void
  announce: (message: string) => void
}) {
  const [base, setBase] = useState<FollowUp>(followUp)
  const [text, setText] = useState<Text>({ subject: followUp.subject, body: followUp.body })
  const [problems, setProblems] = useState<Partial<Record<keyof Text, string>>>({})
  const [reviewed, setReviewed] = useState(false)
  const busy = useChangePending(followUp.id)

  const dirty = text.subject !== base.subject || text.body !== base.body
  if (!dirty && followUp.version !== base.version) {
    // A newer version arrived while nothing was typed: show it.
    setBase(followUp)
    setText({ subject: followUp.subject, body: followUp.body })
  }
  const overtaken = dirty && followUp.version !== base.version

  const adopt = (saved: FollowUp) => {
    setBase(saved)
    setText({ subject: saved.subject, body: saved.body })
  }
  const save = useFollowUpChange(
    followUp.id,
    (api, edit: { version: number; change: EditFollowUp }) => editFollowUp(api, followUp.id, edit.version, edit.change),
    (saved) => {
      adopt(saved)
      announce(`Saved as version ${saved.version}.`)
    },
  )
  const approve = useFollowUpChange(
    followUp.id,
    (api, version: number) => approveFollowUp(api, followUp.id, version),
    (approved) => announce(`Approved version ${approved.approved_version ?? approved.version}. Schedule it or send it now.`),
  )

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const found = validate(text)
    setProblems(found)
    if (Object.keys(found).length > 0 || !dirty) return
    approve.reset()
    save.mutate({ version: base.version, change: changeFrom(base, text) })
  }

  const subjectError = problems.subject ?? serverMessage(save.error, 'subject')
  const bodyError = problems.body ?? serverMessage(save.error, 'body')
  const needsReview = followUp.needs_review
  const approvable = !dirty && (!needsReview || reviewed)

  return (
    <>
      <Form validationBehavior="aria" onSubmit={onSubmit} aria-label="Draft">
        <TextField
          className="field"
          value={text.subject}
          onChange={(subject) => setText((current) => ({ ...current, subject }))}
          isInvalid={subjectError !== undefined}
          isRequired
        >
          <Label>Subject</Label>
          <Input />
          <FieldError className="field-error">{subjectError}</FieldError>
        </TextField>
        <TextField
          className="field"
          value={text.body}
          onChange={(body) => setText((current) => ({ ...current, body }))}
          isInvalid={bodyError !== undefined}
          isRequired
        >
          <Label>Body</Label>
          <TextArea rows={14} />
          <FieldError className="field-error">{bodyError}</FieldError>
        </TextField>
        {overtaken && (
          <p className="notice notice-warn">
            A newer version of this follow-up was saved while you were editing. Saving will be refused; reload to
            see it first.
          </p>
        )}
        <div className="row">
          <Button type="submit" className="button button-primary" isDisabled={!dirty || busy}>
            {save.isPending ? 'Saving…' : 'Save changes'}
          </Button>
          {dirty && (
            <Button className="button" isDisabled={busy} onPress={() => adopt(base)}>
              Undo changes
            </Button>
          )}
        </div>
        {save.isError && <ChangeError error={save.error} onReload={onReload} />}
      </Form>

      <div className="stack">
        <h3>Approve</h3>
        <p className="muted">Approving fixes this version as the one that is sent. You can then schedule it or send it.</p>
        {needsReview && (
          <Checkbox className="checkbox" isSelected={reviewed} onChange={setReviewed} isDisabled={busy}>
            <span className="box" aria-hidden="true" />I have reviewed this draft with the reason above in mind
          </Checkbox>
        )}
        {dirty && <p>Save or undo your changes first: only a saved version can be approved.</p>}
        <Button
          className="button button-primary"
          isDisabled={!approvable || busy}
          onPress={() => {
            save.reset()
            approve.mutate(base.version)
          }}
        >
          {approve.isPending ? 'Approving…' : 'Approve'}
        </Button>
        {approve.isError && <ChangeError error={approve.error} onReload={onReload} />}
      </div>
    </>
  )
}

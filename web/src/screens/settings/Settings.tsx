import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState, type FormEvent } from 'react'
import { Button, Checkbox, FieldError, Form, Input, Label, Text, TextField } from 'react-aria-components'

import { data } from '../../api/client'
import { keys } from '../../api/keys'
import { ApiProblem } from '../../api/problem'
import type { Coach } from '../../api/types'
import { useApi } from '../../app/context'
import { ErrorNotice } from '../../components/ErrorNotice'
import { OptionalNumberSetting } from '../../components/OptionalNumberSetting'
import { PageHeader } from '../../components/PageHeader'
import { QueryView } from '../../components/QueryView'
import { SelectField } from '../../components/SelectField'
import { TemplateSelect } from '../../components/TemplateSelect'
import { TimeZoneField } from '../../components/TimeZoneField'
import {
  AUTO_SEND_HOURS,
  RETENTION_DAYS,
  settingsOf,
  updateOf,
  type AnalyserChoice,
  type SettingsDraft,
} from './settingsDraft'

const ANALYSER_OPTIONS: { id: AnalyserChoice; label: string }[] = [
  { id: 'default', label: 'FlowCoach’s default (the language model, where one is set up)' },
  { id: 'language_model', label: 'The language model' },
  { id: 'local', label: 'The built-in analyser (offline, rule-based)' },
]

function Analyser({ draft, onChange }: { draft: SettingsDraft; onChange: (draft: SettingsDraft) => void }) {
  return (
    <section className="card" aria-labelledby="analysis-heading">
      <h2 id="analysis-heading">Analysis</h2>
      <SelectField
        label="Who analyses your sessions"
        value={draft.analyser}
        onChange={(analyser) => onChange({ ...draft, analyser: analyser as AnalyserChoice })}
        options={ANALYSER_OPTIONS}
      />
      <p className="field-hint">
        A language model writes fuller summaries and warmer drafts; every commitment and risk it reports must quote
        the transcript. The built-in analyser never sends a transcript anywhere. Either way, the built-in risk check
        reads every session, and a session that raises an urgent risk waits for your review. Without a language model
        set up, the built-in analyser is used.
      </p>
    </section>
  )
}

function ApprovalRule({
  draft,
  onChange,
  errorMessage,
}: {
  draft: SettingsDraft
  onChange: (draft: SettingsDraft) => void
  errorMessage?: string
}) {
  return (
    <OptionalNumberSetting
      heading="Approval"
      switchLabel="Send drafts without my approval after a set time"
      explanation={
        <>
          Off by default: every follow-up waits for you to approve it. When on, a draft is sent once it is this
          many hours old, even if you have not approved it. Drafts held for review, such as after a session that
          raised a risk, are never sent this way: they always wait for you.
        </>
      }
      isOn={draft.autoSend}
      onToggle={(autoSend) => onChange({ ...draft, autoSend })}
      numberLabel="Hours after the draft is written"
      range={AUTO_SEND_HOURS}
      rangeHint={`From ${AUTO_SEND_HOURS.min} to ${AUTO_SEND_HOURS.max} hours (30 days).`}
      value={draft.autoSendHours}
      onValue={(autoSendHours) => onChange({ ...draft, autoSendHours })}
      errorMessage={errorMessage}
    />
  )
}

function Retention({
  draft,
  onChange,
  errorMessage,
}: {
  draft: SettingsDraft
  onChange: (draft: SettingsDraft) => void
  errorMessage?: string
}) {
  return (
    <OptionalNumberSetting
      heading="Retention"
      switchLabel="Remove transcripts after a set number of days"
      explanation={
        <>
          Off by default: transcripts are kept until you delete them. When on, a daily clean-up removes the
          transcript of every session held longer ago than this: its text, its search index and every stored copy
          of the file. Summaries, commitments and follow-ups stay unless you choose below to remove summaries too.
          This cannot be undone.
        </>
      }
      isOn={draft.purgeTranscripts}
      onToggle={(purgeTranscripts) => onChange({ ...draft, purgeTranscripts })}
      numberLabel="Days after the session"
      range={RETENTION_DAYS}
      rangeHint={`From ${RETENTION_DAYS.min} days to ${RETENTION_DAYS.max} days (ten years).`}
      value={draft.retentionDays}
      onValue={(retentionDays) => onChange({ ...draft, retentionDays })}
      errorMessage={errorMessage}
    >
      <Checkbox
        className="checkbox"
        isSelected={draft.deleteSummaries}
        onChange={(deleteSummaries) => onChange({ ...draft, deleteSummaries })}
      >
        <span className="box" aria-hidden="true" />
        Remove each session’s summary and its commitments with the transcript
      </Checkbox>
    </OptionalNumberSetting>
  )
}

function SettingsForm({ coach }: { coach: Coach }) {
  const api = useApi()
  const queryClient = useQueryClient()
  const [draft, setDraft] = useState(() => settingsOf(coach))
  const [saved, setSaved] = useState('')
  const save = useMutation({
    mutationFn: (next: SettingsDraft) => data(api.PATCH('/v1/me', { body: updateOf(next) })),
    onSuccess: (updated) => {
      queryClient.setQueryData(keys.me, updated)
      // Which template is the default shows in every template list.
      void queryClient.invalidateQueries({ queryKey: keys.templates })
      setDraft(settingsOf(updated))
      setSaved('Settings saved.')
    },
  })
  const problem = save.error instanceof ApiProblem ? save.error : null
  const edit = (next: SettingsDraft) => {
    setDraft(next)
    setSaved('')
  }
  const submit = (event: FormEvent) => {
    event.preventDefault()
    setSaved('')
    save.mutate(draft)
  }
  return (
    <Form onSubmit={submit} aria-label="Settings" validationBehavior="aria">
      <section className="card" aria-labelledby="emails-heading">
        <h2 id="emails-heading">Follow-up emails</h2>
        <TextField
          className="field"
          value={draft.senderName}
          onChange={(senderName) => edit({ ...draft, senderName })}
          maxLength={100}
          autoComplete="name"
          isInvalid={!!problem?.fieldMessage('sender_name')}
        >
          <Label>Sender name</Label>
          <Input />
          <Text slot="description" className="field-hint">
            The name clients see as the sender and the sign-off of your follow-ups. Leave it blank to use your account
            name, {coach.display_name}.
          </Text>
          <FieldError>{problem?.fieldMessage('sender_name')}</FieldError>
        </TextField>
        <TemplateSelect
          label="Default follow-up template"
          value={draft.defaultTemplateId}
          onChange={(defaultTemplateId) => edit({ ...draft, defaultTemplateId })}
          defaultLabel="FlowCoach’s default (warm recap)"
          description="Used for every client who has no template of their own."
          errorMessage={problem?.fieldMessage('default_follow_up_template_id')}
        />
      </section>
      <section className="card" aria-labelledby="zone-heading">
        <h2 id="zone-heading">Your time zone</h2>
        <TimeZoneField
          value={draft.timeZone}
          onChange={(timeZone) => edit({ ...draft, timeZone })}
          description="Your daily digest of due and overdue commitments goes out at 08:00 in this time zone."
          errorMessage={problem?.fieldMessage('time_zone')}
        />
      </section>
      <ApprovalRule
        draft={draft}
        onChange={edit}
        errorMessage={problem?.fieldMessage('send_without_approval_after_hours')}
      />
      <Retention draft={draft} onChange={edit} errorMessage={problem?.fieldMessage('transcript_retention_days')} />
      <Analyser draft={draft} onChange={edit} />
      {save.isError && <ErrorNotice error={save.error} />}
      <div className="row">
        <Button type="submit" className="button button-primary" isDisabled={save.isPending}>
          {save.isPending ? 'Saving…' : 'Save changes'}
        </Button>
        <p role="status" aria-live="polite">
          {saved}
        </p>
      </div>
    </Form>
  )
}

export default function Settings() {
  const api = useApi()
  const me = useQuery({ queryKey: keys.me, queryFn: () => data(api.GET('/v1/me')) })
  return (
    <div>
      <PageHeader title="Settings" />
      <QueryView query={me} loading="Loading your settings…">
        {(coach) => <SettingsForm key={coach.id} coach={coach} />}
      </QueryView>
    </div>
  )
}

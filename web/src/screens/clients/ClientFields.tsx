import { FieldError, Input, Label, Text, TextField } from 'react-aria-components'

import type { ApiProblem } from '../../api/problem'
import { DescribedCheckbox } from '../../components/DescribedCheckbox'
import { TimeZoneField } from '../../components/TimeZoneField'
import { CONSENT } from './consent'

/** What the coach types about a client, before it is sent. */
export interface ClientDraft {
  name: string
  email: string
  timeZone: string
  consentAi: boolean
  consentEmail: boolean
}

function ConsentCheckbox({
  isSelected,
  onChange,
  label,
  detail,
  errorMessage,
}: {
  isSelected: boolean
  onChange: (selected: boolean) => void
  label: string
  detail: string
  errorMessage?: string
}) {
  return (
    <div className="field">
      <DescribedCheckbox isSelected={isSelected} onChange={onChange} label={label} description={detail} />
      {errorMessage && <p className="field-error">{errorMessage}</p>}
    </div>
  )
}

/** Name, email, time zone and the two consents: the same on "New client" and a client's page. */
export function ClientFields({
  draft,
  onChange,
  problem,
}: {
  draft: ClientDraft
  onChange: (draft: ClientDraft) => void
  problem: ApiProblem | null
}) {
  const set = <K extends keyof ClientDraft>(key: K) => (value: ClientDraft[K]) => onChange({ ...draft, [key]: value })
  return (
    <>
      <div className="grid-2">
        <TextField
          className="field"
          value={draft.name}
          onChange={set('name')}
          isRequired
          maxLength={200}
          autoComplete="off"
          isInvalid={!!problem?.fieldMessage('name')}
        >
          <Label>Name</Label>
          <Input />
          <FieldError>{problem?.fieldMessage('name')}</FieldError>
        </TextField>
        <TextField
          className="field"
          type="email"
          value={draft.email}
          onChange={set('email')}
          autoComplete="off"
          isInvalid={!!problem?.fieldMessage('email')}
        >
          <Label>Email</Label>
          <Input />
          <Text slot="description" className="field-hint">
            Where follow-ups go. Leave it blank if they get none.
          </Text>
          <FieldError>{problem?.fieldMessage('email')}</FieldError>
        </TextField>
      </div>
      <TimeZoneField
        value={draft.timeZone}
        onChange={set('timeZone')}
        description="A follow-up scheduled for a time of day is sent at that time here."
        errorMessage={problem?.fieldMessage('time_zone')}
      />
      <ConsentCheckbox
        isSelected={draft.consentAi}
        onChange={set('consentAi')}
        label={CONSENT.ai.label}
        detail={CONSENT.ai.detail}
        errorMessage={problem?.fieldMessage('consent_ai_processing')}
      />
      <ConsentCheckbox
        isSelected={draft.consentEmail}
        onChange={set('consentEmail')}
        label={CONSENT.email.label}
        detail={CONSENT.email.detail}
        errorMessage={problem?.fieldMessage('consent_email')}
      />
    </>
  )
}

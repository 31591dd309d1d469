import { useQuery } from '@tanstack/react-query'
import { Button, FieldError, Label, ListBox, ListBoxItem, Popover, Select, SelectValue, Text } from 'react-aria-components'

import { useApi } from '../app/context'
import { followUpTemplatesQuery } from '../screens/templates/templateQueries'
import { ErrorNotice } from './ErrorNotice'

/** The option that stores no template of its own (`null` in the API). */
const DEFAULT_OPTION = 'default'

/**
 * A labelled choice among the coach's follow-up templates and the built-ins,
 * plus a "default" option whose meaning the caller words (`defaultLabel`).
 */
export function TemplateSelect({
  value,
  onChange,
  label = 'Follow-up template',
  defaultLabel,
  description,
  errorMessage,
  isDisabled,
}: {
  value: string | null
  onChange: (templateId: string | null) => void
  label?: string
  defaultLabel: string
  description?: string
  errorMessage?: string
  isDisabled?: boolean
}) {
  const api = useApi()
  const templates = useQuery(followUpTemplatesQuery(api))
  const options = [
    { id: DEFAULT_OPTION, label: defaultLabel },
    ...(templates.data ?? []).map((template) => ({
      id: template.id,
      label: template.built_in ? `${template.name} (built-in)` : template.name,
    })),
  ]
  // A template archived since it was chosen is no longer offered; say so rather than show "default".
  const known = value === null || options.some((option) => option.id === value)
  if (!known) options.push({ id: value, label: templates.isSuccess ? 'A template that was archived' : 'Loading…' })

  return (
    <div>
      <Select
        className="field"
        value={value ?? DEFAULT_OPTION}
        onChange={(key) => onChange(key === DEFAULT_OPTION || key === null ? null : String(key))}
        isDisabled={isDisabled || templates.isPending}
        isInvalid={!!errorMessage}
      >
        <Label>{label}</Label>
        <Button className="button select-button">
          <SelectValue />
          <span aria-hidden="true">▾</span>
        </Button>
        {templates.isPending && (
          <Text slot="description" className="field-hint">
            Loading templates…
          </Text>
        )}
        {description && !templates.isPending && (
          <Text slot="description" className="field-hint">
            {description}
          </Text>
        )}
        <FieldError>{errorMessage}</FieldError>
        <Popover className="popover">
          <ListBox className="listbox" items={options}>
            {(option) => (
              <ListBoxItem className="listbox-item" id={option.id}>
                {option.label}
              </ListBoxItem>
            )}
          </ListBox>
        </Popover>
      </Select>
      {templates.isError && (
        <ErrorNotice
          title="The templates could not be loaded."
          error={templates.error}
          onRetry={() => void templates.refetch()}
        />
      )}
    </div>
  )
}

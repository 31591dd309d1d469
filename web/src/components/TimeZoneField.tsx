import { useMemo } from 'react'
import { Button, ComboBox, FieldError, Input, Label, ListBox, ListBoxItem, Popover, Text } from 'react-aria-components'

function zoneOptions(current: string): { id: string; label: string }[] {
  const zones = Intl.supportedValuesOf('timeZone')
  // The API accepts UTC (its default) and any zone it stored, which some
  // engines leave out of their canonical list.
  const extra = ['UTC', current].filter((zone) => zone && !zones.includes(zone))
  return [...new Set([...extra, ...zones])].map((zone) => ({ id: zone, label: zone.replaceAll('_', ' ') }))
}

/** A labelled, type-to-filter choice of IANA time zone. */
export function TimeZoneField({
  value,
  onChange,
  label = 'Time zone',
  description,
  errorMessage,
  isDisabled,
}: {
  value: string
  onChange: (zone: string) => void
  label?: string
  description?: string
  errorMessage?: string
  isDisabled?: boolean
}) {
  const zones = useMemo(() => zoneOptions(value), [value])
  return (
    <ComboBox
      className="field"
      defaultItems={zones}
      value={value}
      onChange={(key) => {
        if (key !== null) onChange(String(key))
      }}
      isInvalid={!!errorMessage}
      isDisabled={isDisabled}
    >
      <Label>{label}</Label>
      <div className="row combobox-control">
        <Input />
        <Button className="button" aria-label={`Show all ${label.toLowerCase()}s`}>
          <span aria-hidden="true">▾</span>
        </Button>
      </div>
      {description && (
        <Text slot="description" className="field-hint">
          {description}
        </Text>
      )}
      <FieldError>{errorMessage}</FieldError>
      <Popover className="popover">
        <ListBox className="listbox">
          {(zone: { id: string; label: string }) => (
            <ListBoxItem className="listbox-item" id={zone.id} textValue={zone.label}>
              {zone.label}
            </ListBoxItem>
          )}
        </ListBox>
      </Popover>
    </ComboBox>
  )
}

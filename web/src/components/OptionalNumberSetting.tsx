import { useId, type ReactNode } from 'react'
import { Button, FieldError, Group, Input, Label, NumberField, Text } from 'react-aria-components'

import { DescribedCheckbox } from './DescribedCheckbox'

/** A whole number the server accepts for a setting, and how it is spoken of. */
export interface SettingRange {
  min: number
  max: number
  /** Plural noun for the steppers' labels ("hours", "days"). */
  unit: string
}

/**
 * A setting that is off unless the coach turns it on and then gives a number
 * (send without approval after N hours, remove transcripts after N days):
 * a card with the switch, what it does, and the number once it is on.
 */
export function OptionalNumberSetting({
  heading,
  switchLabel,
  explanation,
  isOn,
  onToggle,
  numberLabel,
  range,
  rangeHint,
  value,
  onValue,
  errorMessage,
  children,
}: {
  heading: string
  switchLabel: string
  explanation: ReactNode
  isOn: boolean
  onToggle: (isOn: boolean) => void
  numberLabel: string
  range: SettingRange
  rangeHint: string
  value: number
  onValue: (value: number) => void
  errorMessage?: string
  /** Further choices shown only while the setting is on. */
  children?: ReactNode
}) {
  const headingId = useId()
  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>{heading}</h2>
      <DescribedCheckbox isSelected={isOn} onChange={onToggle} label={switchLabel} description={explanation} />
      {isOn && (
        <>
          <NumberField
            className="field"
            value={value}
            // An emptied field keeps the number it had rather than saving a guess.
            onChange={(next) => {
              if (!Number.isNaN(next)) onValue(next)
            }}
            minValue={range.min}
            maxValue={range.max}
            step={1}
            isInvalid={!!errorMessage}
          >
            <Label>{numberLabel}</Label>
            <Group className="row">
              <Button slot="decrement" className="button" aria-label={`Fewer ${range.unit}`}>
                −
              </Button>
              <Input />
              <Button slot="increment" className="button" aria-label={`More ${range.unit}`}>
                +
              </Button>
            </Group>
            <Text slot="description" className="field-hint">
              {rangeHint}
            </Text>
            <FieldError>{errorMessage}</FieldError>
          </NumberField>
          {children}
        </>
      )}
    </section>
  )
}

import { Button, Label, ListBox, ListBoxItem, Popover, Select, SelectValue } from 'react-aria-components'

export interface SelectOption {
  id: string
  label: string
}

/** A labelled single choice from a short list (React Aria's accessible select). */
export function SelectField({
  label,
  value,
  onChange,
  options,
  isDisabled,
}: {
  label: string
  value: string
  onChange: (value: string) => void
  options: SelectOption[]
  isDisabled?: boolean
}) {
  return (
    <Select
      className="field"
      selectedKey={value}
      onSelectionChange={(key) => key !== null && onChange(String(key))}
      isDisabled={isDisabled}
    >
      <Label>{label}</Label>
      <Button className="button select-button">
        <SelectValue />
        <span aria-hidden="true">▾</span>
      </Button>
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
  )
}

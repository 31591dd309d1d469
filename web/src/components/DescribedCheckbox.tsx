import { useId, type ReactNode } from 'react'
import { Checkbox } from 'react-aria-components'

/** A checkbox and the sentence that explains it, read out with it. */
export function DescribedCheckbox({
  isSelected,
  onChange,
  label,
  description,
}: {
  isSelected: boolean
  onChange: (selected: boolean) => void
  label: ReactNode
  description: ReactNode
}) {
  const descriptionId = useId()
  return (
    <>
      <Checkbox className="checkbox" isSelected={isSelected} onChange={onChange} aria-describedby={descriptionId}>
        <span className="box" aria-hidden="true" />
        {label}
      </Checkbox>
      <p id={descriptionId} className="field-hint">
        {description}
      </p>
    </>
  )
}

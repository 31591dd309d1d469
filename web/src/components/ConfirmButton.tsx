import type { ReactNode } from 'react'
import { Button, Dialog, DialogTrigger, Heading, Modal, ModalOverlay } from 'react-aria-components'

/**
 * A button that asks first: a modal dialog says what will happen, and the
 * action runs only on its confirm button. Focus starts on the dialog,
 * "Cancel" comes first, and Escape closes it: a stray key changes nothing.
 */
export function ConfirmButton({
  label,
  title,
  confirmLabel,
  onConfirm,
  isDisabled,
  children,
}: {
  label: string
  title: string
  confirmLabel: string
  onConfirm: () => void
  isDisabled?: boolean
  children: ReactNode
}) {
  return (
    <DialogTrigger>
      <Button className="button button-danger" isDisabled={isDisabled}>
        {label}
      </Button>
      <ModalOverlay className="modal-overlay" isDismissable>
        <Modal className="modal">
          <Dialog className="dialog" role="alertdialog">
            {({ close }) => (
              <>
                <Heading slot="title" level={2}>
                  {title}
                </Heading>
                {children}
                <div className="row">
                  <Button className="button" onPress={close}>
                    Cancel
                  </Button>
                  <Button
                    className="button button-danger"
                    onPress={() => {
                      close()
                      onConfirm()
                    }}
                  >
                    {confirmLabel}
                  </Button>
                </div>
              </>
            )}
          </Dialog>
        </Modal>
      </ModalOverlay>
    </DialogTrigger>
  )
}

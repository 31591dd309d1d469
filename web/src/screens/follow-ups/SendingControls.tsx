import { Button, Dialog, DialogTrigger, Heading, Modal, ModalOverlay } from 'react-aria-components'

import type { FollowUp } from '../../api/types'
import { ErrorNotice } from '../../components/ErrorNotice'
import { cancelFollowUp, resolveFollowUp, sendFollowUpNow, useChangePending, useFollowUpChange, type Outcome } from './actions'

type Announce = (message: string) => void

export function SendNow({ followUp, announce }: { followUp: FollowUp; announce: Announce }) {
  const busy = useChangePending(followUp.id)
  const send = useFollowUpChange<void>(
    followUp.id,
    (api) => sendFollowUpNow(api, followUp.id),
    () => announce('It will be sent within a minute.'),
  )
  return (
    <div className="stack">
      <h3>Send now</h3>
      <p className="muted">It goes out at the next dispatch, within a minute.</p>
      <Button className="button" isDisabled={busy} onPress={() => send.mutate()}>
        {send.isPending ? 'Sending…' : 'Send now'}
      </Button>
      {send.isError && <ErrorNotice error={send.error} />}
    </div>
  )
}

/** Cancelling cannot be undone, so it is asked once more in a dialog. */
export function CancelFollowUp({ followUp, announce }: { followUp: FollowUp; announce: Announce }) {
  const busy = useChangePending(followUp.id)
  const cancel = useFollowUpChange<void>(
    followUp.id,
    (api) => cancelFollowUp(api, followUp.id),
    () => announce('Cancelled. It will not be sent.'),
  )
  return (
    <DialogTrigger onOpenChange={(open) => open && cancel.reset()}>
      <Button className="button button-danger" isDisabled={busy}>
        Cancel follow-up
      </Button>
      <ModalOverlay className="modal-overlay" isDismissable={!cancel.isPending}>
        <Modal className="modal">
          <Dialog className="card dialog" role="alertdialog">
            {({ close }) => (
              <>
                <Heading slot="title" level={2}>Cancel this follow-up?</Heading>
                <p>It will not be sent to {followUp.client_name}. This cannot be undone.</p>
                {cancel.isError && <ErrorNotice error={cancel.error} />}
                <div className="row">
                  <Button className="button" onPress={close} isDisabled={cancel.isPending}>
                    Keep it
                  </Button>
                  <Button
                    className="button button-danger"
                    isDisabled={cancel.isPending}
                    onPress={() => cancel.mutate(undefined, { onSuccess: close })}
                  >
                    {cancel.isPending ? 'Cancelling…' : 'Yes, cancel it'}
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

/**
 * An `unknown` follow-up was handed to the mail provider but its outcome was
 * never recorded. Only the coach can find out whether it arrived; FlowCoach
 * never sends it again on its own.
 */
export function ResolveUnknown({ followUp, announce }: { followUp: FollowUp; announce: Announce }) {
  const busy = useChangePending(followUp.id)
  const resolve = useFollowUpChange(
    followUp.id,
    (api, outcome: Outcome) => resolveFollowUp(api, followUp.id, outcome),
    (_, outcome) =>
      announce(outcome === 'sent' ? 'Marked as sent.' : 'It will be sent again within a minute.'),
  )
  const descriptionId = `resolve-${followUp.id}`
  return (
    <section className="card" aria-labelledby="resolve-heading">
      <h2 id="resolve-heading">Did it arrive?</h2>
      <p id={descriptionId}>
        FlowCoach handed this email to the mail provider but never heard whether it went out. Ask{' '}
        {followUp.client_name} or look in your sent mail, then say what happened. If you say it did not arrive it is
        sent again; should it have arrived after all, {followUp.client_name} gets it twice.
      </p>
      <div className="row">
        <Button
          className="button button-primary"
          isDisabled={busy}
          aria-describedby={descriptionId}
          onPress={() => resolve.mutate('sent')}
        >
          It arrived
        </Button>
        <Button className="button" isDisabled={busy} aria-describedby={descriptionId} onPress={() => resolve.mutate('resend')}>
          It did not arrive
        </Button>
      </div>
      {resolve.isPending && <p className="muted">Saving your answer…</p>}
      {resolve.isError && <ErrorNotice error={resolve.error} />}
    </section>
  )
}

import { useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { Button, DropZone, FileTrigger, Label, ProgressBar, Text } from 'react-aria-components'

import { keys } from '../../api/keys'
import { useApi, useConfig } from '../../app/context'
import { useAuth } from '../../auth/AuthContext'
import { ErrorNotice } from '../../components/ErrorNotice'
import { ACCEPTED_EXTENSIONS, refuseFile, uploadTranscript } from './upload'

type UploadState =
  | { kind: 'idle' }
  | { kind: 'refused'; reason: string }
  | { kind: 'uploading'; name: string; loaded: number; total: number }
  | { kind: 'failed'; error: unknown }
  | { kind: 'done'; name: string }

/** Picks or takes a dropped transcript and uploads it with a progress bar. */
export function TranscriptUpload({ sessionId, onUploaded }: { sessionId: string; onUploaded?: () => void }) {
  const api = useApi()
  const config = useConfig()
  const { token } = useAuth()
  const queryClient = useQueryClient()
  const [state, setState] = useState<UploadState>({ kind: 'idle' })

  const start = async (file: File) => {
    const refusal = refuseFile(file)
    if (refusal) {
      setState({ kind: 'refused', reason: refusal })
      return
    }
    setState({ kind: 'uploading', name: file.name, loaded: 0, total: file.size })
    try {
      await uploadTranscript(api, config.apiBase, token ?? '', sessionId, file, (loaded, total) =>
        setState({ kind: 'uploading', name: file.name, loaded, total }),
      )
      setState({ kind: 'done', name: file.name })
      void queryClient.invalidateQueries({ queryKey: keys.session(sessionId) })
      void queryClient.invalidateQueries({ queryKey: ['sessions', 'list'] })
      onUploaded?.()
    } catch (error) {
      setState({ kind: 'failed', error })
    }
  }

  const pick = (files: FileList | null) => {
    const file = files?.[0]
    if (file) void start(file)
  }
  const busy = state.kind === 'uploading'

  return (
    <div className="upload stack">
      <DropZone
        className="drop-zone"
        isDisabled={busy}
        getDropOperation={() => 'copy'}
        onDrop={async (event) => {
          const item = event.items.find((entry) => entry.kind === 'file')
          if (item && item.kind === 'file') void start(await item.getFile())
        }}
      >
        <Text slot="label">Drop a transcript here ({ACCEPTED_EXTENSIONS.join(', ')}), or</Text>{' '}
        <FileTrigger acceptedFileTypes={ACCEPTED_EXTENSIONS} onSelect={pick}>
          <Button className="button" isDisabled={busy}>
            Choose transcript file
          </Button>
        </FileTrigger>
      </DropZone>
      {state.kind === 'uploading' && (
        <ProgressBar value={state.loaded} maxValue={Math.max(state.total, 1)} className="progress-field">
          {({ percentage }) => (
            <>
              <Label>Uploading {state.name}</Label>
              <span className="muted"> {Math.round(percentage ?? 0)}%</span>
              <div className="progress">
                <div className="progress-fill" style={{ width: `${percentage ?? 0}%` }} />
              </div>
            </>
          )}
        </ProgressBar>
      )}
      <div aria-live="polite">
        {state.kind === 'done' && <p className="notice">Uploaded {state.name}. Processing has started.</p>}
      </div>
      {state.kind === 'refused' && (
        <p className="notice notice-error" role="alert">
          {state.reason}
        </p>
      )}
      {state.kind === 'failed' && <ErrorNotice error={state.error} title="The upload did not finish" />}
    </div>
  )
}

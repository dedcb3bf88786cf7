// The alert thresholds, the heavy-user threshold, the idle timeout and the default capacity, edited as one
// form: each field is checked as it is typed, and only the changed ones are saved.
import { useId, useState, type FormEvent } from 'react'
import { DEFAULT_SETTINGS, type PipelineSettings } from '../../../../shared/settings'
import { useApi } from '../../app/api-context'
import { Panel } from '../../components/Panel'
import { useQuery } from '../../hooks/useQuery'
import { formatTime } from '../../lib/format'
import {
  draftOf,
  NONE,
  patchOf,
  THRESHOLD_GROUPS,
  validateDraft,
  type ThresholdDraft,
  type ThresholdField,
  valueOf,
} from './threshold-fields'

export function ThresholdsPanel() {
  const api = useApi()
  const settings = useQuery('settings', () => api.call('settings:get', {}))
  return (
    <Panel
      title="Alert thresholds, idle timeout and default capacity"
      id="settings-thresholds"
      loading={settings.loading}
      error={settings.error}
    >
      {settings.data && <ThresholdsForm initial={settings.data} />}
    </Panel>
  )
}

type SaveState =
  { kind: 'idle' } | { kind: 'saving' } | { kind: 'saved'; at: number } | { kind: 'failed'; message: string }

function ThresholdsForm({ initial }: { initial: PipelineSettings }) {
  const api = useApi()
  const idPrefix = useId()
  const [saved, setSaved] = useState(initial)
  const [draft, setDraft] = useState<ThresholdDraft>(() => draftOf(initial))
  const [save, setSave] = useState<SaveState>({ kind: 'idle' })
  const errors = validateDraft(draft)
  const invalid = Object.keys(errors).length > 0
  const patch = patchOf(draft, saved)
  const changed = Object.keys(patch).length > 0

  const submit = (e: FormEvent) => {
    e.preventDefault()
    if (invalid || !changed) return
    setSave({ kind: 'saving' })
    api
      .call('settings:update', patch)
      .then((next) => {
        setSaved(next)
        setDraft(draftOf(next))
        setSave({ kind: 'saved', at: Date.now() })
      })
      .catch((error: Error) => setSave({ kind: 'failed', message: error.message }))
  }

  const edit = (key: ThresholdField['key'], value: string) => {
    setDraft((d) => ({ ...d, [key]: value }))
    if (save.kind !== 'saving') setSave({ kind: 'idle' })
  }

  return (
    <form
      className="st-thresholds"
      onSubmit={submit}
      noValidate
      aria-label="Alert thresholds"
      data-testid="thresholds-form"
    >
      <p className="st-note">
        Changes apply to the event-time minutes judged from now on; alerts already raised keep their history.
      </p>
      <div className="st-groups">
        {THRESHOLD_GROUPS.map((group) => (
          <fieldset key={group.title} className="st-group">
            <legend>{group.title}</legend>
            {group.fields.map((field) => (
              <ThresholdInput
                key={field.key}
                id={`${idPrefix}-${field.key}`}
                field={field}
                value={draft[field.key]}
                error={errors[field.key]}
                changed={field.key in patch || (patch.alerts !== undefined && field.key in patch.alerts)}
                onChange={(value) => edit(field.key, value)}
              />
            ))}
          </fieldset>
        ))}
      </div>
      <div className="st-form-buttons">
        <button
          type="submit"
          className="st-primary"
          disabled={invalid || !changed || save.kind === 'saving'}
          data-testid="thresholds-save"
        >
          {save.kind === 'saving' ? 'Saving…' : 'Save'}
        </button>
        <button
          type="button"
          onClick={() => setDraft(draftOf(saved))}
          disabled={!changed || save.kind === 'saving'}
        >
          Undo changes
        </button>
        <span className="st-save-state" aria-live="polite" data-testid="thresholds-status">
          {invalid
            ? 'Fix the fields marked in red to save.'
            : save.kind === 'saved' && !changed
              ? `Saved at ${formatTime(save.at)}.`
              : changed
                ? 'Unsaved changes.'
                : ''}
        </span>
      </div>
      {save.kind === 'failed' && (
        <p className="state-error st-error" role="alert">
          Could not save: {save.message}
        </p>
      )}
    </form>
  )
}

function ThresholdInput({
  id,
  field,
  value,
  error,
  changed,
  onChange,
}: {
  id: string
  field: ThresholdField
  value: string
  error: string | undefined
  changed: boolean
  onChange: (value: string) => void
}) {
  const none = value === NONE
  // The number to come back to when "none" is unticked: the last one typed, or the default.
  const [lastNumber, setLastNumber] = useState(() =>
    none ? String(valueOf(DEFAULT_SETTINGS, field.key) ?? '') : value,
  )
  return (
    <div className={`st-field ${changed ? 'st-changed' : ''}`}>
      <label htmlFor={id}>
        {field.label} <span className="st-unit">({field.unit})</span>
      </label>
      <input
        id={id}
        type="number"
        inputMode="decimal"
        step={field.integer ? 1 : 'any'}
        min={field.floor === 'positive' ? undefined : 0}
        max={field.max}
        value={none ? '' : value}
        disabled={none}
        onChange={(e) => {
          setLastNumber(e.target.value)
          onChange(e.target.value)
        }}
        aria-invalid={error !== undefined}
        aria-describedby={`${id}-help${error ? ` ${id}-error` : ''}`}
        data-testid={`threshold-${field.key}`}
      />
      {field.none !== undefined && (
        <label className="st-none">
          <input
            type="checkbox"
            checked={none}
            onChange={(e) => onChange(e.target.checked ? NONE : lastNumber)}
            data-testid={`threshold-${field.key}-none`}
          />{' '}
          {field.none}
        </label>
      )}
      <span id={`${id}-help`} className="st-help">
        {field.help}
      </span>
      {error && (
        <span id={`${id}-error`} className="st-field-error" data-testid={`threshold-${field.key}-error`}>
          {error}
        </span>
      )}
    </div>
  )
}

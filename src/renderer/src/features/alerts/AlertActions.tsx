// Acknowledge or silence one pending or firing alert, signed with a name (remembered) and a comment: both are
// logged with who, when and why.
import { useId, useState, type FormEvent } from 'react'
import type { AlertDto } from '../../../../shared/alerts'
import { useApi } from '../../app/api-context'
import { rememberedName, rememberName } from './ack-name'
import { isActive, SILENCE_CHOICES } from './alert-text'

type Action = 'ack' | 'silence'

export function AlertActions({ alert, onChanged }: { alert: AlertDto; onChanged: () => void }) {
  const [action, setAction] = useState<Action | null>(null)
  if (!isActive(alert)) return null
  if (action) {
    return (
      <ActionForm
        alert={alert}
        action={action}
        onClose={() => setAction(null)}
        onDone={() => {
          setAction(null)
          onChanged()
        }}
      />
    )
  }
  return (
    <div className="al-actions">
      {alert.ackedAt === null && (
        <button type="button" onClick={() => setAction('ack')} data-testid="alert-ack-open">
          Acknowledge…
        </button>
      )}
      <button type="button" onClick={() => setAction('silence')} data-testid="alert-silence-open">
        Silence…
      </button>
    </div>
  )
}

function ActionForm({
  alert,
  action,
  onClose,
  onDone,
}: {
  alert: AlertDto
  action: Action
  onClose: () => void
  onDone: () => void
}) {
  const api = useApi()
  const ids = { who: useId(), comment: useId(), minutes: useId(), error: useId() }
  const [who, setWho] = useState(rememberedName)
  // Focus goes where typing starts: the name the first time, the comment once the name is remembered.
  const [nameFirst] = useState(() => who === '')
  const [comment, setComment] = useState('')
  const [minutes, setMinutes] = useState(SILENCE_CHOICES[1]!.minutes)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const verb = action === 'ack' ? 'Acknowledge' : 'Silence'

  const submit = (e: FormEvent) => {
    e.preventDefault()
    if (who.trim() === '') {
      setError('Enter your name: the log says who acted.')
      return
    }
    setBusy(true)
    setError(null)
    rememberName(who)
    const call =
      action === 'ack'
        ? api.call('alerts:ack', { id: alert.id, who: who.trim(), comment: comment.trim() })
        : api.call('alerts:silence', { id: alert.id, minutes, who: who.trim(), comment: comment.trim() })
    call
      .then((changed) => {
        if (changed) onDone()
        else setError('This alert is no longer pending or firing: nothing was changed.')
      })
      .catch((e: Error) => setError(e.message))
      .finally(() => setBusy(false))
  }

  return (
    <form
      className="al-form"
      onSubmit={submit}
      aria-label={`${verb} alert ${alert.id}`}
      data-testid={`alert-${action}-form`}
    >
      <div className="al-field">
        <label htmlFor={ids.who}>Your name</label>
        <input
          id={ids.who}
          value={who}
          onChange={(e) => setWho(e.target.value)}
          maxLength={100}
          aria-required="true"
          autoComplete="name"
          autoFocus={nameFirst}
          aria-invalid={error !== null && who.trim() === ''}
          aria-describedby={error ? ids.error : undefined}
          data-testid="alert-action-who"
        />
      </div>
      {action === 'silence' && (
        <div className="al-field">
          <label htmlFor={ids.minutes}>Silence for</label>
          <select
            id={ids.minutes}
            value={minutes}
            onChange={(e) => setMinutes(Number(e.target.value))}
            data-testid="alert-silence-minutes"
          >
            {SILENCE_CHOICES.map((c) => (
              <option key={c.minutes} value={c.minutes}>
                {c.label}
              </option>
            ))}
          </select>
        </div>
      )}
      <div className="al-field al-field-wide">
        <label htmlFor={ids.comment}>
          {action === 'ack' ? 'Comment (what is being done)' : 'Comment (why)'}
        </label>
        <input
          id={ids.comment}
          value={comment}
          onChange={(e) => setComment(e.target.value)}
          maxLength={1000}
          autoFocus={!nameFirst}
          data-testid="alert-action-comment"
        />
      </div>
      <div className="al-form-buttons">
        <button type="submit" className="al-primary" disabled={busy} data-testid="alert-action-submit">
          {busy ? `${verb === 'Acknowledge' ? 'Acknowledging' : 'Silencing'}…` : verb}
        </button>
        <button type="button" onClick={onClose} disabled={busy}>
          Cancel
        </button>
      </div>
      {error && (
        <p id={ids.error} className="state-error al-form-error" role="alert">
          {error}
        </p>
      )}
    </form>
  )
}

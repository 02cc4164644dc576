// The session-timeout warning: the GOV.UK / HMRC timeout-warning pattern.
//
// The session ends SESSION_COOKIE_AGE seconds after the last request (SESSION_SAVE_EVERY_REQUEST), so the
// page knows when: data-session-seconds after it loaded. data-warning-seconds before that, a modal dialog
// says so and offers "Stay signed in", which POSTs to the keep-alive endpoint (a 204 that refreshes the
// session). Escape does the same. The dialog is a native <dialog> opened with showModal(): the rest of the
// page is inert while it is open, focus moves into it and goes back where it was when it closes, and its
// title and text are read out; a live region says how long is left as the minutes (then the last
// seconds, in steps of 20) go by.
//
// When the time runs out, the hidden timeout form is submitted: it signs the user out and sends them to
// sign in, back to this page afterwards. If a form on this page (posting to this page) has been typed
// into, that form is submitted to the timeout endpoint instead, so that what was typed is kept for the
// user to check and save after signing in again (organisation/typed_work.py).
//
// Tabs share the expiry time through localStorage: a page loaded, or "Stay signed in" chosen, in one
// tab also refreshed the session for the others, so they do not warn or sign out.

const SHARED_KEY = 'app-session-expires-at'

function readShared () {
  try {
    return Number(window.localStorage.getItem(SHARED_KEY)) || 0
  } catch (error) {
    return 0
  }
}

function writeShared (time) {
  try {
    window.localStorage.setItem(SHARED_KEY, String(time))
  } catch (error) {
    // Storage may be off (private browsing); each tab then keeps its own time.
  }
}

function plural (count, unit) {
  return `${count} ${unit}${count === 1 ? '' : 's'}`
}

// '2 minutes' down to '1 minute', then '59 seconds' ... '1 second'.
export function visibleWords (seconds) {
  return seconds >= 60 ? plural(Math.ceil(seconds / 60), 'minute') : plural(seconds, 'second')
}

// What a screen reader hears: whole minutes, then the last minute in steps of 20 seconds.
export function audibleWords (seconds) {
  if (seconds > 60) return plural(Math.ceil(seconds / 60), 'minute')
  const step = Math.ceil(seconds / 20) * 20
  return step >= 60 ? '1 minute' : plural(step, 'second')
}

export function initTimeoutWarning (dialog) {
  const timeoutForm = document.querySelector('[data-timeout-form]')
  if (!dialog || !timeoutForm || typeof dialog.showModal !== 'function') return

  const sessionMs = Number(dialog.dataset.sessionSeconds) * 1000
  const warningMs = Number(dialog.dataset.warningSeconds) * 1000
  if (!(sessionMs > 0) || !(warningMs > 0)) return

  const countdown = dialog.querySelector('[data-timeout-countdown]')
  const announcement = dialog.querySelector('[data-timeout-announcement]')
  const stayButton = dialog.querySelector('[data-timeout-stay]')
  const tokenInput = timeoutForm.querySelector('input[name="csrfmiddlewaretoken"]')

  let expiresAt = Date.now() + sessionMs
  let warnTimer = null
  let endTimer = null
  let ticker = null
  let lastAudible = ''
  let returnFocusTo = null
  let typedForm = null
  let signingOut = false

  writeShared(Math.max(readShared(), expiresAt))

  function clearTimers () {
    window.clearTimeout(warnTimer)
    window.clearTimeout(endTimer)
    window.clearInterval(ticker)
    warnTimer = endTimer = ticker = null
  }

  function schedule ({ warn = true } = {}) {
    clearTimers()
    const now = Date.now()
    if (warn) warnTimer = window.setTimeout(check, Math.max(0, expiresAt - warningMs - now))
    endTimer = window.setTimeout(check, Math.max(0, expiresAt - now))
  }

  // Another tab refreshed the session: take its time. True if it did.
  function adoptShared () {
    const shared = readShared()
    if (shared > expiresAt + 1000) {
      expiresAt = shared
      if (dialog.open) dialog.close()
      schedule()
      return true
    }
    return false
  }

  function secondsLeft () {
    return Math.max(0, Math.ceil((expiresAt - Date.now()) / 1000))
  }

  function check () {
    if (signingOut || adoptShared()) return
    const now = Date.now()
    if (now >= expiresAt) {
      timeOut()
    } else if (now >= expiresAt - warningMs) {
      if (!dialog.open) openWarning()
    } else {
      schedule()
    }
  }

  function tick () {
    if (adoptShared()) return
    const seconds = secondsLeft()
    if (seconds <= 0) {
      timeOut()
      return
    }
    countdown.textContent = visibleWords(seconds)
    const audible = audibleWords(seconds)
    if (audible !== lastAudible) {
      lastAudible = audible
      announcement.textContent = `We will sign you out in ${audible}.`
    }
  }

  function openWarning () {
    returnFocusTo = document.activeElement
    const seconds = secondsLeft()
    countdown.textContent = visibleWords(seconds)
    // The dialog's own text is read when it opens; the live region speaks only when the time changes.
    lastAudible = audibleWords(seconds)
    announcement.textContent = ''
    dialog.showModal()
    stayButton.focus()
    window.clearInterval(ticker)
    ticker = window.setInterval(tick, 1000)
  }

  function onClosed () {
    window.clearInterval(ticker)
    ticker = null
    if (returnFocusTo && document.contains(returnFocusTo) && typeof returnFocusTo.focus === 'function') {
      returnFocusTo.focus()
    }
    returnFocusTo = null
  }

  async function staySignedIn () {
    if (signingOut) return
    if (dialog.open) dialog.close()
    let response = null
    try {
      response = await window.fetch(dialog.dataset.keepAliveUrl, {
        method: 'POST',
        credentials: 'same-origin',
        redirect: 'manual',
        headers: { 'X-CSRFToken': tokenInput ? tokenInput.value : '' }
      })
    } catch (error) {
      // No network: the session cannot be refreshed from here. Keep the time it runs out, without warning again.
      schedule({ warn: false })
      return
    }
    if (response.status === 204) {
      expiresAt = Date.now() + sessionMs
      writeShared(expiresAt)
      schedule()
    } else {
      // Signed out already (a redirect to sign in, or a refused token): say so on the sign-in page.
      timeOut()
    }
  }

  function isTypedWorkForm (form) {
    if (!form || dialog.contains(form) || form === timeoutForm) return false
    if ((form.getAttribute('method') || '').toLowerCase() !== 'post') return false
    if (form.querySelector('input[type="file"]')) return false
    const target = new URL(form.getAttribute('action') || window.location.href, window.location.href)
    return target.origin === window.location.origin && target.pathname === window.location.pathname
  }

  function noteTyping (event) {
    const form = event.target && event.target.form
    if (isTypedWorkForm(form)) typedForm = form
  }

  function timeOut () {
    if (signingOut) return
    signingOut = true
    clearTimers()
    const form = typedForm && document.contains(typedForm) ? typedForm : timeoutForm
    if (form !== timeoutForm) {
      // setAttribute, not form.action: a field named "action" would hide the property.
      form.setAttribute('action', timeoutForm.getAttribute('action'))
      form.setAttribute('method', 'post')
    }
    HTMLFormElement.prototype.submit.call(form)
  }

  stayButton.addEventListener('click', staySignedIn)
  // Escape closes the dialog (the browser does) and keeps the session, as "Stay signed in" does.
  dialog.addEventListener('cancel', () => { staySignedIn() })
  dialog.addEventListener('close', onClosed)
  document.addEventListener('input', noteTyping, true)
  document.addEventListener('change', noteTyping, true)
  // Timers sleep with the computer and are slowed in background tabs: look again when the page is seen.
  document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'visible') check() })
  window.addEventListener('pageshow', check)
  window.addEventListener('storage', (event) => { if (event.key === SHARED_KEY) adoptShared() })

  schedule()
}

initTimeoutWarning(document.querySelector('[data-module="app-timeout-warning"]'))

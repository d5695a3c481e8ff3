// When a list may refresh by itself (live updates, issue 10): only while the user is not editing
// — no dialog open (an order window, an editor, a confirmation) and no focus in a field, except
// a list's quick search box that holds just the query on screen.

const EDITABLE_INPUT_TYPES = new Set(['', 'text', 'search', 'number', 'date', 'datetime-local', 'time', 'month', 'week', 'email', 'tel', 'url', 'password']);

/** Whether an element takes typing. */
export function isTypingTarget(el: Element | null): boolean {
  if (!el) return false;
  if (el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement) return true;
  if (el instanceof HTMLInputElement) return EDITABLE_INPUT_TYPES.has(el.type);
  return el instanceof HTMLElement && el.isContentEditable;
}

/** Whether the user is editing something a refresh could disturb. */
export function isEditing(doc: Document = document): boolean {
  if (doc.querySelector('[role="dialog"], [role="alertdialog"], .modal-backdrop')) return true;
  const el = doc.activeElement;
  if (!isTypingTarget(el)) return false;
  // The quick search box (focused when a list opens) is not editing while it holds the query on screen.
  if (el instanceof HTMLInputElement && el.dataset.testid === 'query-input') {
    const shown = el.closest('.module-view')?.querySelector('[data-testid="result-bar"]')?.getAttribute('data-pattern') ?? '';
    return el.value.trim() !== shown.trim();
  }
  return true;
}

const AUTO_KEY = 'pim.live.autoRefresh.';

/** The user's choice: lists refresh by themselves on news (kept per user on this machine). */
export function loadAutoRefresh(username: string): boolean {
  try {
    return localStorage.getItem(AUTO_KEY + username) === '1';
  } catch {
    return false;
  }
}

export function saveAutoRefresh(username: string, on: boolean): void {
  try {
    if (on) localStorage.setItem(AUTO_KEY + username, '1');
    else localStorage.removeItem(AUTO_KEY + username);
  } catch {
    // not kept: the choice lasts this session
  }
}

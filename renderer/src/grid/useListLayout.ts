import { useCallback, useEffect, useRef, useState } from 'react';
import type { ModuleDef } from '../../../shared/modules/types.js';
import { defaultLayout, normalizeLayout, type ListLayout } from '../../../shared/grid/layout.js';
import type { ApiClient } from '../api/client.js';

// Saving waits for a pause so that dragging a column edge does not send a save per pixel.
const SAVE_DELAY_MS = 600;

type Change = (current: ListLayout) => ListLayout;

export interface ListLayoutState {
  layout: ListLayout;
  /** false until the stored layout has been read (the grid waits, to avoid a visible jump). */
  ready: boolean;
  update(change: Change): void;
  reset(): void;
}

/**
 * The signed-in user's layout of one list: read from the service, saved back as it changes.
 * Changes made before the stored layout arrives are replayed on it, never saved over it; when
 * it cannot be read, changes stay on screen and nothing is saved (the stored one is kept).
 */
export function useListLayout(client: ApiClient, module: ModuleDef, listId: string = module.id): ListLayoutState {
  const [layout, setLayout] = useState<ListLayout>(() => defaultLayout(module));
  const [ready, setReady] = useState(false);
  const current = useRef(layout);
  const loaded = useRef(false);
  const early = useRef<Change[]>([]);
  const pending = useRef<ListLayout | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const flush = useCallback(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    const toSave = pending.current;
    pending.current = null;
    // A layout that cannot be saved (server gone) is not worth interrupting the clerk for.
    if (toSave && loaded.current) void client.call('layout.save', { list: listId, layout: toSave }).catch(() => undefined);
  }, [client, listId]);

  const schedule = useCallback(
    (next: ListLayout) => {
      pending.current = next;
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(flush, SAVE_DELAY_MS);
    },
    [flush],
  );

  const show = (next: ListLayout) => {
    current.current = next;
    setLayout(next);
  };

  useEffect(() => {
    let live = true;
    loaded.current = false;
    early.current = [];
    setReady(false);
    show(defaultLayout(module));
    client
      .call('layout.get', { list: listId })
      .then((r) => {
        if (!live) return;
        loaded.current = true;
        const replayed = early.current.reduce((l, change) => change(l), normalizeLayout(module, r.layout));
        show(replayed);
        if (early.current.length) schedule(replayed);
        early.current = [];
      })
      .catch(() => undefined)
      .finally(() => live && setReady(true));
    return () => {
      live = false;
      flush();
    };
  }, [client, module, listId, flush, schedule]);

  const update = useCallback(
    (change: Change) => {
      const next = change(current.current);
      if (next === current.current) return;
      show(next);
      if (loaded.current) schedule(next);
      else early.current.push(change);
    },
    [schedule],
  );

  // The query panel's conditions are not part of the arrangement being reset.
  const reset = useCallback(() => update((l) => ({ ...defaultLayout(module), query: l.query })), [update, module]);

  return { layout, ready, update, reset };
}

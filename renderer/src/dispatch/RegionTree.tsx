import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RegionNode } from '../../../shared/dispatch/schemas.js';
import type { ApiClient } from '../api/client.js';
import { ContextMenu, type MenuItem } from '../grid/ContextMenu.js';
import { errorText } from '../i18n/errors.js';
import { ConfirmDialog, DialogWindow, FormError, useEscapeKey } from '../dialogs/ConfirmDialog.js';
import { regionPath } from './editor-form.js';
import { ancestorIds, filterTree, subtreeIds, visibleLines, type TreeLine } from './region-tree-model.js';
import './dispatch.css';

interface Props {
  client: ApiClient;
  /** The order's region now: selected and shown when the tree opens. */
  selectedId: number | null;
  /** OK or Enter on a node: the node, its path ("华东 / 上海") and the tree as it stands now. */
  onPick(node: RegionNode, path: string, nodes: RegionNode[]): void;
  onCancel(): void;
}

type Edit = { kind: 'new'; parentId: number | null } | { kind: 'rename'; id: number };
type Menu = { x: number; y: number; id: number | null };

const REGION_DRAG_TYPE = 'application/x-pim-region';
const MAX_NAME = 50;

/**
 * The sales-region picker (legacy 3.1: "pick the sales region from a tree; right-click a node
 * to create, delete or move nodes"). Arrows move and fold, Enter picks, F2 renames, Insert adds
 * a child, Delete deletes; right-click or Shift+F10 opens the node menu; a node can be dragged
 * onto another. The server refuses cycles and deletes of nodes in use; the tree also never
 * offers a node or its descendants as a new parent.
 */
export function RegionTree({ client, selectedId, onPick, onCancel }: Props) {
  const { t } = useTranslation();
  const [nodes, setNodes] = useState<RegionNode[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [selected, setSelected] = useState<number | null>(selectedId);
  const [expanded, setExpanded] = useState<ReadonlySet<number>>(new Set());
  const [edit, setEdit] = useState<Edit | null>(null);
  const [name, setName] = useState('');
  const [menu, setMenu] = useState<Menu | null>(null);
  const [confirmDelete, setConfirmDelete] = useState<number | null>(null);
  const [moving, setMoving] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [dropTarget, setDropTarget] = useState<number | 'root' | null>(null);
  /** Typed into the filter box: name, pinyin or initials (hx finds 华信); the tree shows the matches and the nodes above them. */
  const [filter, setFilter] = useState('');
  const treeRef = useRef<HTMLDivElement>(null);
  const filterRef = useRef<HTMLInputElement>(null);
  const dragging = useRef<number | null>(null);

  const byId = useMemo(() => new Map(nodes.map((n) => [n.id, n])), [nodes]);
  const filtered = useMemo(() => filterTree(nodes, filter), [nodes, filter]);
  const lines = useMemo(() => (filtered ? visibleLines(filtered.nodes, new Set(), true) : visibleLines(nodes, expanded)), [filtered, nodes, expanded]);

  /** Reads the tree again; `select` is kept (and its ancestors opened) when it still exists. */
  const load = useCallback(
    async (select: number | null, open: number[] = []) => {
      try {
        const r = await client.call('regions.tree', {});
        setNodes(r.nodes);
        const exists = select !== null && r.nodes.some((n) => n.id === select);
        setSelected(exists ? select : (r.nodes.find((n) => n.parentId === null)?.id ?? null));
        setExpanded((prev) => {
          const next = new Set(prev);
          // The first time, the top level is open so the clerk sees the regions at once.
          if (!prev.size) for (const n of r.nodes) if (n.parentId === null) next.add(n.id);
          for (const id of exists ? ancestorIds(r.nodes, select) : []) next.add(id);
          for (const id of open) next.add(id);
          return next;
        });
        return true;
      } catch (err) {
        setError(errorText(t, err));
        return false;
      } finally {
        setLoaded(true);
      }
    },
    [client, t],
  );

  useEffect(() => {
    void load(selectedId);
    // Opened once per dialog: later reloads keep what the clerk selected.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const focusTree = () => requestAnimationFrame(() => treeRef.current?.focus());
  useEffect(() => {
    if (loaded) focusTree();
  }, [loaded]);

  // The selected node stays in view as the arrows move it.
  useEffect(() => {
    if (selected === null) return;
    treeRef.current?.querySelector(`[data-testid="region-node-${selected}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [selected, lines]);

  const pick = () => {
    const node = selected === null ? undefined : byId.get(selected);
    if (!node) {
      setError(t('regionTree.pickOne'));
      return;
    }
    onPick(node, regionPath(nodes, node.id), nodes);
  };

  // Esc closes the innermost thing open: the inline name, the delete question, then the dialog.
  useEscapeKey(() => {
    if (menu || moving !== null) return; // they close themselves
    if (edit) {
      setEdit(null);
      focusTree();
    } else if (confirmDelete !== null) {
      setConfirmDelete(null);
      focusTree();
    } else onCancel();
  });

  // ---- changes ---------------------------------------------------------------------------
  const run = async (action: () => Promise<unknown>, after: (ok: boolean) => Promise<void> | void) => {
    setBusy(true);
    setError(null);
    try {
      await action();
      await after(true);
    } catch (err) {
      setError(errorText(t, err));
      await after(false);
    } finally {
      setBusy(false);
    }
  };

  const startNew = (parentId: number | null) => {
    setError(null);
    setConfirmDelete(null);
    if (parentId !== null) setExpanded((prev) => new Set(prev).add(parentId));
    setEdit({ kind: 'new', parentId });
    setName('');
  };
  const startRename = (id: number) => {
    setError(null);
    setConfirmDelete(null);
    setEdit({ kind: 'rename', id });
    setName(byId.get(id)?.name ?? '');
  };

  const commitEdit = () => {
    if (!edit || busy) return;
    const value = name.trim();
    if (!value) {
      setError(t('regionTree.nameRequired'));
      return;
    }
    if (value.length > MAX_NAME) {
      setError(t('regionTree.nameTooLong', { max: MAX_NAME }));
      return;
    }
    if (edit.kind === 'rename' && byId.get(edit.id)?.name === value) {
      setEdit(null);
      focusTree();
      return;
    }
    let created: number | null = null;
    void run(
      async () => {
        if (edit.kind === 'new') created = (await client.call('regions.create', { parentId: edit.parentId, name: value })).id;
        else await client.call('regions.rename', { id: edit.id, name: value });
      },
      async (ok) => {
        if (!ok) return; // the name stays in the box to be corrected
        setEdit(null);
        await load(edit.kind === 'new' ? created : edit.id, edit.kind === 'new' && edit.parentId !== null ? [edit.parentId] : []);
        focusTree();
      },
    );
  };

  const askDelete = (id: number) => {
    const node = byId.get(id);
    if (!node) return;
    setEdit(null);
    // The reasons the server gives, told before asking, in the clerk's language.
    if (node.childCount > 0) setError(t('regionTree.hasChildren', { name: node.name, count: node.childCount }));
    else if (node.orderCount > 0) setError(t('regionTree.hasOrders', { name: node.name, count: node.orderCount }));
    else {
      setError(null);
      setConfirmDelete(id);
    }
  };
  const doDelete = (id: number) => {
    const node = byId.get(id);
    void run(
      () => client.call('regions.delete', { id }),
      async (ok) => {
        setConfirmDelete(null);
        if (ok) await load(node?.parentId ?? null);
        else await load(id);
        focusTree();
      },
    );
  };

  const forbiddenTargets = (id: number) => subtreeIds(nodes, id);
  const doMove = (id: number, parentId: number | null) => {
    const node = byId.get(id);
    if (!node) return;
    if (parentId !== null && forbiddenTargets(id).has(parentId)) {
      setError(t('regionTree.cycle', { name: node.name }));
      return;
    }
    if (node.parentId === parentId) return;
    void run(
      () => client.call('regions.move', { id, parentId }),
      async () => {
        await load(id, parentId !== null ? [parentId] : []);
        focusTree();
      },
    );
  };

  // ---- menu ------------------------------------------------------------------------------
  const menuItems = (id: number | null): MenuItem[] => {
    if (id === null) return [{ id: 'new', label: t('regionTree.menu.newTop'), onSelect: () => startNew(null) }];
    return [
      { id: 'new', label: t('regionTree.menu.new'), onSelect: () => startNew(id) },
      { id: 'rename', label: t('regionTree.menu.rename'), onSelect: () => startRename(id) },
      { id: 'delete', label: t('regionTree.menu.delete'), onSelect: () => askDelete(id) },
      { id: 'move', label: t('regionTree.menu.move'), separatorBefore: true, onSelect: () => setMoving(id) },
      { id: 'new-top', label: t('regionTree.menu.newTop'), separatorBefore: true, onSelect: () => startNew(null) },
    ];
  };

  const openMenuAt = (id: number | null) => {
    const el = id === null ? treeRef.current : treeRef.current?.querySelector(`[data-testid="region-node-${id}"] .region-label`);
    const r = el?.getBoundingClientRect();
    setMenu({ id, x: r ? r.left + 12 : 100, y: r ? r.bottom : 100 });
  };

  // ---- filter ------------------------------------------------------------------------------
  const onFilter = (text: string) => {
    setFilter(text);
    const found = filterTree(nodes, text);
    // The first match is selected, so that Enter takes it.
    if (found) {
      const first = visibleLines(found.nodes, new Set(), true).find((l) => found.matches.has(l.node.id));
      setSelected(first ? first.node.id : null);
    }
  };
  const onFilterKey = (e: React.KeyboardEvent<HTMLInputElement>) => {
    if (e.nativeEvent.isComposing) return;
    if (e.key === 'Enter') {
      e.preventDefault();
      pick();
    } else if (e.key === 'ArrowDown') {
      e.preventDefault();
      treeRef.current?.focus();
    } else if (e.key === 'Escape' && filter) {
      e.preventDefault();
      e.stopPropagation();
      e.nativeEvent.stopImmediatePropagation();
      onFilter('');
    }
  };

  // ---- keys --------------------------------------------------------------------------------
  const onTreeKey = (e: React.KeyboardEvent) => {
    if (edit || e.target !== treeRef.current) return;
    const index = lines.findIndex((l) => l.node.id === selected);
    const line = index >= 0 ? lines[index] : undefined;
    const go = (i: number) => lines[i] && setSelected(lines[i].node.id);
    let handled = true;
    switch (e.key) {
      case 'ArrowDown':
        go(index < 0 ? 0 : Math.min(lines.length - 1, index + 1));
        break;
      case 'ArrowUp':
        go(index < 0 ? 0 : Math.max(0, index - 1));
        break;
      case 'Home':
        go(0);
        break;
      case 'End':
        go(lines.length - 1);
        break;
      case 'ArrowRight':
        if (line?.hasChildren && !expanded.has(line.node.id)) setExpanded((p) => new Set(p).add(line.node.id));
        else if (line?.hasChildren) go(index + 1);
        break;
      case 'ArrowLeft':
        if (line?.hasChildren && expanded.has(line.node.id)) {
          setExpanded((p) => {
            const n = new Set(p);
            n.delete(line.node.id);
            return n;
          });
        } else if (line?.node.parentId) setSelected(line.node.parentId);
        break;
      case 'Enter':
        pick();
        break;
      case 'F2':
        if (selected !== null) startRename(selected);
        break;
      case 'Insert':
        startNew(selected);
        break;
      case 'Delete':
        if (selected !== null) askDelete(selected);
        break;
      case 'ContextMenu':
        openMenuAt(selected);
        break;
      case 'F10':
        if (e.shiftKey) openMenuAt(selected);
        else handled = false;
        break;
      default:
        // Typing a letter in the tree narrows it: the letter goes to the filter box.
        if (e.key.length === 1 && e.key !== ' ' && !e.ctrlKey && !e.altKey && !e.metaKey) {
          onFilter(filter + e.key);
          filterRef.current?.focus();
        } else handled = false;
    }
    if (handled) e.preventDefault();
  };

  const toggle = (id: number) =>
    setExpanded((p) => {
      const n = new Set(p);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });

  // ---- drawing -----------------------------------------------------------------------------
  const nameInput = (
    <input
      className="region-name-input"
      data-testid="region-name-input"
      aria-label={t('regionTree.name')}
      autoFocus
      value={name}
      maxLength={MAX_NAME + 10}
      disabled={busy}
      placeholder={t('regionTree.namePlaceholder')}
      onChange={(e) => setName(e.target.value)}
      onKeyDown={(e) => {
        if (e.key === 'Enter') {
          e.preventDefault();
          commitEdit();
        }
      }}
      onBlur={(e) => {
        // Clicking away keeps the name unless it was empty; OK / Enter saves it.
        if (!name.trim() && !busy && !e.relatedTarget?.closest('.region-tree-dialog')) setEdit(null);
      }}
    />
  );

  const newLine = (parentId: number | null, depth: number) =>
    edit?.kind === 'new' && edit.parentId === parentId ? (
      <div className="region-line region-new" style={{ paddingLeft: 6 + depth * 18 }}>
        <span className="region-toggle" />
        {nameInput}
        <span className="region-edit-hint">{t('regionTree.editHint')}</span>
      </div>
    ) : null;

  const renderLine = (l: TreeLine) => {
    const { node, depth, hasChildren } = l;
    const open = expanded.has(node.id);
    const isSelected = node.id === selected;
    const renaming = edit?.kind === 'rename' && edit.id === node.id;
    const dragForbidden = dragging.current !== null && forbiddenTargets(dragging.current).has(node.id);
    return (
      <div key={node.id} role="none">
        <div
          id={`region-node-${node.id}`}
          role="treeitem"
          aria-level={depth + 1}
          aria-selected={isSelected}
          aria-expanded={hasChildren ? open : undefined}
          className={`region-line${isSelected ? ' selected' : ''}${dropTarget === node.id ? ' drop-target' : ''}${dragForbidden ? ' drop-forbidden' : ''}`}
          data-testid={`region-node-${node.id}`}
          data-name={node.name}
          data-id={node.id}
          style={{ paddingLeft: 6 + depth * 18 }}
          draggable={!edit && !busy}
          onMouseDown={(e) => {
            // No preventDefault: it would stop the node from being dragged. The click focuses the tree.
            if (e.button === 0 || e.button === 2) setSelected(node.id);
          }}
          onDoubleClick={(e) => {
            if (!(e.target as HTMLElement).closest('.region-toggle, input')) pick();
          }}
          onContextMenu={(e) => {
            e.preventDefault();
            e.stopPropagation();
            setSelected(node.id);
            setMenu({ x: e.clientX, y: e.clientY, id: node.id });
          }}
          onDragStart={(e) => {
            dragging.current = node.id;
            e.dataTransfer.setData(REGION_DRAG_TYPE, String(node.id));
            e.dataTransfer.effectAllowed = 'move';
          }}
          onDragEnd={() => {
            dragging.current = null;
            setDropTarget(null);
          }}
          onDragOver={(e) => {
            const from = dragging.current;
            if (from === null || forbiddenTargets(from).has(node.id)) return;
            e.preventDefault();
            e.stopPropagation();
            e.dataTransfer.dropEffect = 'move';
            if (dropTarget !== node.id) setDropTarget(node.id);
          }}
          onDrop={(e) => {
            const from = dragging.current;
            dragging.current = null;
            setDropTarget(null);
            if (from === null) return;
            e.preventDefault();
            e.stopPropagation();
            doMove(from, node.id);
          }}
        >
          <span
            className="region-toggle"
            aria-hidden="true"
            onMouseDown={(e) => {
              e.stopPropagation();
              e.preventDefault();
              if (hasChildren) toggle(node.id);
              setSelected(node.id);
              treeRef.current?.focus();
            }}
          >
            {hasChildren ? (open ? '▾' : '▸') : ''}
          </span>
          {renaming ? (
            nameInput
          ) : (
            <span
              className={`region-label${filtered?.matches.has(node.id) ? ' region-match' : ''}`}
              title={t('regionTree.usage', { orders: node.orderCount, children: node.childCount })}
            >
              {node.name}
            </span>
          )}
          {renaming && <span className="region-edit-hint">{t('regionTree.editHint')}</span>}
        </div>
        {open && newLine(node.id, depth + 1)}
      </div>
    );
  };

  const deleting = confirmDelete === null ? undefined : byId.get(confirmDelete);
  const selectedNode = selected === null ? undefined : byId.get(selected);

  return (
    <DialogWindow
      backdropClassName="dispatch-backdrop"
      className="region-tree-dialog"
      titleId="region-tree-title"
      testId="region-tree-dialog"
      title={t('regionTree.title')}
      over={
        <>
          {deleting && (
            <ConfirmDialog
              title={t('regionTree.delete')}
              message={t('regionTree.confirmDelete', { name: deleting.name })}
              buttons={[
                { id: 'yes', label: t('regionTree.delete'), danger: true, disabled: busy, testId: 'region-delete-yes' },
                { id: 'no', label: t('common.cancel'), testId: 'region-delete-no' },
              ]}
              cancelId="no"
              testId="region-delete-confirm"
              backdropClassName="dispatch-backdrop"
              onChoose={(id) => {
                if (id === 'yes') doDelete(deleting.id);
                else {
                  setConfirmDelete(null);
                  focusTree();
                }
              }}
            />
          )}
          {menu && (
            <ContextMenu
              x={menu.x}
              y={menu.y}
              testId="region-menu"
              itemTestIdPrefix="region-menu-"
              items={menuItems(menu.id)}
              onClose={() => {
                setMenu(null);
                focusTree();
              }}
            />
          )}
          {moving !== null && byId.get(moving) && (
            <RegionMoveDialog
              nodes={nodes}
              node={byId.get(moving)!}
              onMove={(parentId) => {
                const id = moving;
                setMoving(null);
                doMove(id, parentId);
              }}
              onCancel={() => {
                setMoving(null);
                focusTree();
              }}
            />
          )}
        </>
      }
    >
      <div className="dialog-body region-tree-body">
        <input
          ref={filterRef}
          type="search"
          className="region-filter"
          data-testid="region-filter"
          value={filter}
          placeholder={t('regionTree.filter')}
          title={t('picker.hint')}
          aria-label={t('regionTree.filter')}
          spellCheck={false}
          autoComplete="off"
          onChange={(e) => onFilter(e.target.value)}
          onKeyDown={onFilterKey}
        />
        <div className="region-path" data-testid="region-selected-path">
          {selectedNode ? regionPath(nodes, selectedNode.id) : t('regionTree.noneSelected')}
        </div>
        <div
          ref={treeRef}
          className={`region-tree${dropTarget === 'root' ? ' drop-target' : ''}`}
          role="tree"
          tabIndex={0}
          aria-label={t('regionTree.title')}
          aria-activedescendant={selected !== null ? `region-node-${selected}` : undefined}
          aria-busy={busy || !loaded}
          data-testid="region-tree"
          data-selected={selected ?? ''}
          onKeyDown={onTreeKey}
          onContextMenu={(e) => {
            e.preventDefault();
            setMenu({ x: e.clientX, y: e.clientY, id: null });
          }}
          onDragOver={(e) => {
            if (dragging.current === null) return;
            e.preventDefault();
            if (dropTarget !== 'root') setDropTarget('root');
          }}
          onDragLeave={(e) => {
            if (e.target === treeRef.current) setDropTarget(null);
          }}
          onDrop={(e) => {
            const from = dragging.current;
            dragging.current = null;
            setDropTarget(null);
            if (from === null) return;
            e.preventDefault();
            doMove(from, null);
          }}
        >
          {!loaded && <div className="region-empty">{t('common.loading')}</div>}
          {loaded && filtered && filtered.matches.size === 0 && <div className="region-empty">{t('picker.noMatch', { text: filter.trim() })}</div>}
          {loaded && !nodes.length && !edit && <div className="region-empty">{t('regionTree.empty')}</div>}
          {newLine(null, 0)}
          {lines.map(renderLine)}
        </div>
        <div className="region-keys">{t('regionTree.keys')}</div>
        <FormError text={error} testId="region-error" className="region-error" />
      </div>
      <div className="dialog-buttons">
        <button type="button" className="btn btn-primary" data-testid="region-ok" disabled={busy || !selectedNode || !!edit} onClick={pick}>
          {t('regionTree.ok')}
        </button>
        <button type="button" className="btn" data-testid="region-cancel" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </DialogWindow>
  );
}

/** "Move to…": the same tree, fully open; the node itself and everything below it cannot be chosen. */
function RegionMoveDialog({ nodes, node, onMove, onCancel }: { nodes: RegionNode[]; node: RegionNode; onMove(parentId: number | null): void; onCancel(): void }) {
  const { t } = useTranslation();
  const forbidden = useMemo(() => subtreeIds(nodes, node.id), [nodes, node.id]);
  const lines = useMemo(() => visibleLines(nodes, new Set(), true), [nodes]);
  // 'root' is the top level; a number is a node.
  const options = useMemo(() => ['root' as const, ...lines.filter((l) => !forbidden.has(l.node.id)).map((l) => l.node.id)], [lines, forbidden]);
  const [target, setTarget] = useState<number | 'root'>(() => {
    const first = options.find((o) => o !== (node.parentId ?? 'root'));
    return first ?? 'root';
  });
  const listRef = useRef<HTMLDivElement>(null);
  useEffect(() => listRef.current?.focus(), []);
  useEffect(() => {
    listRef.current?.querySelector(`[data-target="${target}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [target]);
  // Before the tree's own listener, which would close the whole picker.
  useEscapeKey(onCancel, { capture: true });

  const current = node.parentId ?? 'root';
  const ok = () => target !== current && onMove(target === 'root' ? null : target);
  const row = (key: number | 'root', label: string, depth: number, disabled: boolean, hint?: string) => (
    <div
      key={key}
      role="option"
      aria-selected={target === key}
      aria-disabled={disabled || undefined}
      data-target={key}
      data-testid={`region-move-target-${key}`}
      className={`region-line${target === key ? ' selected' : ''}${disabled ? ' disabled' : ''}`}
      style={{ paddingLeft: 6 + depth * 18 }}
      onMouseDown={(e) => {
        e.preventDefault();
        if (!disabled) setTarget(key);
        listRef.current?.focus();
      }}
      onDoubleClick={() => !disabled && key !== current && onMove(key === 'root' ? null : key)}
    >
      <span className="region-label">{label}</span>
      {hint && <span className="region-edit-hint">{hint}</span>}
    </div>
  );

  return (
    <DialogWindow
      backdropClassName="dispatch-backdrop"
      className="region-move-dialog"
      titleId="region-move-title"
      testId="region-move-dialog"
      title={t('regionTree.moveTitle', { name: node.name })}
    >
      <div className="dialog-body">
        <div
          ref={listRef}
          className="region-tree"
          role="listbox"
          tabIndex={0}
          aria-label={t('regionTree.moveTitle', { name: node.name })}
          onKeyDown={(e) => {
            const i = options.indexOf(target);
            if (e.key === 'ArrowDown') setTarget(options[Math.min(options.length - 1, i + 1)]);
            else if (e.key === 'ArrowUp') setTarget(options[Math.max(0, i - 1)]);
            else if (e.key === 'Enter') ok();
            else return;
            e.preventDefault();
          }}
        >
          {row('root', t('regionTree.topLevel'), 0, false, current === 'root' ? t('regionTree.currentParent') : undefined)}
          {lines.map((l) =>
            row(
              l.node.id,
              l.node.name,
              l.depth + 1,
              forbidden.has(l.node.id),
              l.node.id === node.id ? t('regionTree.itself') : l.node.id === current ? t('regionTree.currentParent') : undefined,
            ),
          )}
        </div>
        <div className="region-keys">{t('regionTree.moveHint')}</div>
      </div>
      <div className="dialog-buttons">
        <button type="button" className="btn btn-primary" data-testid="region-move-ok" disabled={target === current} onClick={ok}>
          {t('regionTree.moveOk')}
        </button>
        <button type="button" className="btn" data-testid="region-move-cancel" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </DialogWindow>
  );
}

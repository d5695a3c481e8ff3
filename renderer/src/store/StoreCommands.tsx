import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Row } from '../../../shared/query.js';
import { mayCall } from '../../../shared/roles.js';
import type { CommandProps } from '../modules/commands.js';
import { RowDetailDialog } from '../modules/RowDetailDialog.js';
import { BalanceView } from './BalanceView.js';
import { DocumentView } from './DocumentView.js';
import { IssueWindow } from './IssueWindow.js';
import { PartEditor } from './PartEditor.js';
import { ReturnWindow } from './ReturnWindow.js';
import { SerialFinder } from './SerialFinder.js';
import { AdjustWindow, ReceiptWindow, type StockPreset } from './StockWindows.js';
import { WarehousesDialog } from './WarehousesDialog.js';
import './store.css';

// The store's commands on its lists (售服材料领用, 售服退料, 库存余额, 库存流水, 物料档案). Each
// command shows only for roles that may call its method (shared/roles.ts mayCall): warehouse
// staff and administrators post; everyone else reads, opens documents and exports.

const text = (v: Row[string] | undefined) => (v === null || v === undefined ? '' : String(v));

function Button({ testId, onClick, disabled, primary, title, children }: { testId: string; onClick(): void; disabled?: boolean; primary?: boolean; title?: string; children: ReactNode }) {
  return (
    <button type="button" className={`btn btn-small${primary ? ' btn-primary' : ''}`} data-testid={testId} disabled={disabled} title={title} onClick={onClick}>
      {children}
    </button>
  );
}

/** The document a row of a document list (issue, return lines; ledger rows) belongs to. */
const docNoOf = (row: Row | null | undefined) => (row ? text(row.doc_no) : '');

/** 查看 a selected row's document, or the row Enter opened: the document view. */
function useDocumentView({ selected, opened, onOpenedClose }: Pick<CommandProps, 'selected' | 'opened' | 'onOpenedClose'>) {
  const [viewing, setViewing] = useState<string | null>(null);
  const single = selected.length === 1 ? docNoOf(selected[0]) : '';
  const shown = opened ? docNoOf(opened) : viewing;
  return {
    single,
    shown: shown || null,
    view: () => single && setViewing(single),
    close: () => (opened ? onOpenedClose() : setViewing(null)),
  };
}

/** 售服材料领用 / 售服退料: a new document (warehouse staff) and the view of a selected one. */
function DocumentListCommands(props: CommandProps & { kind: 'issue' | 'return' }) {
  const { t } = useTranslation();
  const { client, role, refresh, kind } = props;
  const [creating, setCreating] = useState(false);
  const view = useDocumentView(props);
  const mayPost = mayCall(role, kind === 'issue' ? 'issues.post' : 'returns.post');
  const Window = kind === 'issue' ? IssueWindow : ReturnWindow;
  return (
    <>
      {mayPost && (
        <Button testId={`cmd-${kind}-new`} primary onClick={() => setCreating(true)}>
          {t(kind === 'issue' ? 'store.cmd.issueNew' : 'store.cmd.returnNew')}
        </Button>
      )}
      <Button testId="cmd-view" disabled={!view.single} onClick={view.view} title={t('store.cmd.viewTitle')}>
        {t('store.cmd.view')}
      </Button>
      <span className="grid-toolbar-divider" aria-hidden="true" />
      {creating && <Window client={client} role={role} onPosted={() => refresh()} onClose={() => setCreating(false)} />}
      {view.shown && <DocumentView client={client} role={role} docNo={view.shown} onChanged={refresh} onClose={view.close} />}
    </>
  );
}

export function IssueCommands(props: CommandProps) {
  return <DocumentListCommands {...props} kind="issue" />;
}

export function ReturnCommands(props: CommandProps) {
  return <DocumentListCommands {...props} kind="return" />;
}

type StockDialog = { kind: 'receive' | 'adjust'; preset?: StockPreset } | { kind: 'serials'; initial?: string } | { kind: 'balance'; partNo: string; warehouse: string | null } | null;

/** The selected rows' parts, in one warehouse when they share it. */
function presetOf(rows: readonly Row[]): StockPreset | undefined {
  if (!rows.length) return undefined;
  const stores = new Set(rows.map((r) => text(r.warehouse)));
  return { warehouse: stores.size === 1 ? [...stores][0] : null, partNos: [...new Set(rows.map((r) => text(r.part_no)).filter(Boolean))] };
}

/** 库存余额: 入库 and 盘点调整 (for the selected parts), the serial finder, a part's stock in every warehouse. */
export function StockCommands({ client, role, selected, opened, onOpenedClose, refresh }: CommandProps) {
  const { t } = useTranslation();
  const [dialog, setDialog] = useState<StockDialog>(null);
  const mayReceive = mayCall(role, 'stock.receive');
  const mayAdjust = mayCall(role, 'stock.adjust');
  const balanceOf = (row: Row) => ({ kind: 'balance' as const, partNo: text(row.part_no), warehouse: text(row.warehouse) || null });
  const shown: StockDialog = opened ? balanceOf(opened) : dialog;
  const close = () => (opened ? onOpenedClose() : setDialog(null));
  const open = (next: StockDialog) => {
    if (opened) onOpenedClose();
    setDialog(next);
  };

  return (
    <>
      {mayReceive && (
        <Button testId="cmd-receive" primary onClick={() => open({ kind: 'receive', preset: presetOf(selected) })} title={t('store.cmd.receiveTitle')}>
          {t('store.cmd.receive')}
        </Button>
      )}
      {mayAdjust && (
        <Button testId="cmd-adjust" onClick={() => open({ kind: 'adjust', preset: presetOf(selected) })} title={t('store.cmd.adjustTitle')}>
          {t('store.cmd.adjust')}
        </Button>
      )}
      <Button testId="cmd-view" disabled={selected.length !== 1} onClick={() => selected[0] && open(balanceOf(selected[0]))} title={t('store.cmd.balanceTitle')}>
        {t('store.cmd.balance')}
      </Button>
      <Button testId="cmd-serial-finder" onClick={() => open({ kind: 'serials' })}>
        {t('store.cmd.serialFinder')}
      </Button>
      <span className="grid-toolbar-divider" aria-hidden="true" />
      {shown?.kind === 'receive' && <ReceiptWindow client={client} role={role} preset={shown.preset} onPosted={() => refresh()} onClose={close} />}
      {shown?.kind === 'adjust' && <AdjustWindow client={client} role={role} preset={shown.preset} onPosted={() => refresh()} onClose={close} />}
      {shown?.kind === 'serials' && <SerialFinder client={client} role={role} initial={shown.initial} onClose={close} />}
      {shown?.kind === 'balance' && (
        <BalanceView
          client={client}
          partNo={shown.partNo}
          warehouse={shown.warehouse}
          actions={[
            ...(mayReceive ? [{ label: t('store.cmd.receive'), testId: 'balance-receive', kinds: ['main'] as const, run: (w: string) => open({ kind: 'receive', preset: { warehouse: w, partNos: [shown.partNo] } }) }] : []),
            ...(mayAdjust ? [{ label: t('store.cmd.adjust'), testId: 'balance-adjust', kinds: ['main', 'faulty'] as const, run: (w: string) => open({ kind: 'adjust', preset: { warehouse: w, partNos: [shown.partNo] } }) }] : []),
          ]}
          onSerial={(s) => open({ kind: 'serials', initial: s })}
          onClose={close}
        />
      )}
    </>
  );
}

/** 库存流水: the document of a movement (Enter opens it too) and the serial finder (with the row's serial). */
export function LedgerCommands(props: CommandProps) {
  const { t } = useTranslation();
  const { client, role, selected, refresh } = props;
  const view = useDocumentView(props);
  const [finder, setFinder] = useState<string | null>(null);
  return (
    <>
      <Button testId="cmd-view" disabled={!view.single} onClick={view.view} title={t('store.cmd.viewTitle')}>
        {t('store.cmd.view')}
      </Button>
      <Button testId="cmd-serial-finder" onClick={() => setFinder(selected.length === 1 ? text(selected[0].serial_no) : '')}>
        {t('store.cmd.serialFinder')}
      </Button>
      <span className="grid-toolbar-divider" aria-hidden="true" />
      {view.shown && <DocumentView client={client} role={role} docNo={view.shown} onChanged={refresh} onClose={view.close} />}
      {finder !== null && <SerialFinder client={client} role={role} initial={finder} onClose={() => setFinder(null)} />}
    </>
  );
}

/** 物料档案: new and modify a part, the warehouses (warehouse staff and administrators change them). */
export function PartsCommands({ client, role, module, selected, opened, onOpenedClose, refresh }: CommandProps) {
  const { t } = useTranslation();
  const [dialog, setDialog] = useState<{ kind: 'part'; row?: Row } | { kind: 'warehouses' } | null>(null);
  const mayEdit = mayCall(role, 'parts.save');
  const shown = opened ? (mayEdit ? { kind: 'part' as const, row: opened } : null) : dialog;
  const close = () => (opened ? onOpenedClose() : setDialog(null));
  return (
    <>
      {mayEdit && (
        <>
          <Button testId="cmd-part-new" primary onClick={() => setDialog({ kind: 'part' })}>
            {t('store.cmd.partNew')}
          </Button>
          <Button testId="cmd-part-modify" disabled={selected.length !== 1} onClick={() => setDialog({ kind: 'part', row: selected[0] })}>
            {t('store.cmd.partModify')}
          </Button>
        </>
      )}
      <Button testId="cmd-warehouses" onClick={() => setDialog({ kind: 'warehouses' })}>
        {t('store.cmd.warehouses')}
      </Button>
      <span className="grid-toolbar-divider" aria-hidden="true" />
      {shown?.kind === 'part' && <PartEditor key={text(shown.row?.id)} client={client} row={shown.row} onSaved={() => refresh()} onClose={close} />}
      {shown?.kind === 'warehouses' && <WarehousesDialog client={client} mayEdit={mayCall(role, 'warehouses.save')} onClose={close} />}
      {opened && !mayEdit && <RowDetailDialog module={module} row={opened} onClose={onOpenedClose} />}
    </>
  );
}

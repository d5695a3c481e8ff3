import type { ComponentType } from 'react';
import type { ModuleDef } from '../../../shared/modules/types.js';
import type { QueryRequest, Row } from '../../../shared/query.js';
import type { ApiClient } from '../api/client.js';
import type { Role } from '../../../shared/roles.js';
import { DispatchCommands } from '../dispatch/DispatchCommands.js';
import { IssueCommands, LedgerCommands, PartsCommands, ReturnCommands, StockCommands } from '../store/StoreCommands.js';
import { MaterialsCommands } from '../orders/ViewOrderCommand.js';
import { OwedCommands } from '../owed/OwedCommands.js';

/** What a module's own commands get from the list they sit on. */
export interface CommandProps {
  client: ApiClient;
  module: ModuleDef;
  role: Role;
  /** Selected rows, in display order. */
  selected: Row[];
  /** The row opened with Enter or a double-click, until the module closes it. */
  opened: Row | null;
  onOpenedClose(): void;
  /** Runs the list's current query again (after a save or a delete). */
  refresh(): void;
  /** The query on screen: its request and the quick-search text it came from. */
  query: { request: QueryRequest; pattern: string };
  /** Runs another query as the list's own (a quick condition of the module's). */
  runQuery(request: QueryRequest, pattern: string): void;
}

// A module's commands (new, modify, delete, view …) beyond the shared grid. A module without
// them gets the generic read-only row view.
const commands: Partial<Record<string, ComponentType<CommandProps>>> = {
  dispatch: DispatchCommands,
  materials: MaterialsCommands,
  owed: OwedCommands,
  issue: IssueCommands,
  return: ReturnCommands,
  stock: StockCommands,
  ledger: LedgerCommands,
  parts: PartsCommands,
};

export function commandsFor(module: ModuleDef): ComponentType<CommandProps> | undefined {
  return commands[module.id];
}

import { useCallback, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { AllCommunityModule, ModuleRegistry, themeBalham, type ColDef, type GetRowIdParams } from 'ag-grid-community';
import { AgGridReact } from 'ag-grid-react';
import { AG_GRID_LOCALE_CN } from '@ag-grid-community/locale';
import type { ModuleDef } from '../../../shared/modules/types.js';
import type { Row } from '../../../shared/query.js';
import { compareText, enumComparator, formatCell, headerWidth } from './format.js';

// Community modules only (no enterprise, no licence key).
ModuleRegistry.registerModules([AllCommunityModule]);

export const FONT_STACK = ['Microsoft YaHei', 'PingFang SC', 'Noto Sans CJK SC', 'WenQuanYi Micro Hei', 'sans-serif'];

// A calm, dense desktop look: Balham (spreadsheet-like) with the system Chinese fonts. No
// web fonts are loaded (the CSP forbids them and desks may be offline).
const gridTheme = themeBalham.withParams({
  fontFamily: FONT_STACK,
  fontSize: 13,
  headerFontSize: 13,
  headerFontWeight: 600,
  rowHeight: 28,
  headerHeight: 32,
  accentColor: '#2f6fb3',
  backgroundColor: '#ffffff',
  foregroundColor: '#1f2933',
  headerBackgroundColor: '#eef2f6',
  oddRowBackgroundColor: '#f8fafc',
  borderColor: '#d5dbe3',
  selectedRowBackgroundColor: '#dbe8f7',
  wrapperBorderRadius: 0,
});

interface Props {
  module: ModuleDef;
  rows: Row[];
  loading: boolean;
}

/**
 * The legacy "data window" grid, driven entirely by the module definition. Grouping, the
 * header menu, the field box and exports (legacy 1.2) will grow here.
 */
export function DataGrid({ module, rows, loading }: Props) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;

  const columnDefs = useMemo<ColDef<Row>[]>(
    () =>
      module.columns.map((col) => {
        const label = t(col.labelKey);
        const def: ColDef<Row> = {
          colId: col.field,
          field: col.field,
          headerName: label,
          headerTooltip: label,
          width: Math.max(col.width, headerWidth(label)),
          minWidth: 48,
          hide: col.hidden ?? false,
          sortable: true,
          resizable: true,
          valueFormatter: (p) => formatCell(col, p.value as Row[string], t, lang),
          comparator:
            col.type === 'enum' && col.enumValues
              ? enumComparator(col.enumValues)
              : col.type === 'text'
                ? (a, b) => compareText(a, b)
                : undefined,
        };
        if (col.type === 'text') def.tooltipValueGetter = (p) => (p.value === null || p.value === undefined ? null : String(p.value));
        if (col.type === 'number' || col.type === 'money') def.type = 'rightAligned';
        if (col.type === 'bool') def.cellClass = 'cell-center';
        // Enum cells carry their value as a class (e.g. enum-urgency-urgent) for quiet emphasis.
        if (col.type === 'enum') def.cellClass = (p) => ['cell-center', `enum-${col.enumKey ?? col.field}-${String(p.value ?? '')}`];
        return def;
      }),
    [module, t, lang],
  );

  const getRowId = useCallback((p: GetRowIdParams<Row>) => String(p.data[module.rowKey]), [module.rowKey]);
  const localeText = lang === 'zh-CN' ? AG_GRID_LOCALE_CN : undefined;
  // Row keys in query order, for tests and tools that must see every row the grid holds
  // (the grid itself only renders the rows in view).
  const rowKeys = useMemo(() => JSON.stringify(rows.map((r) => r[module.rowKey])), [rows, module.rowKey]);

  return (
    <div className="data-grid" data-testid="data-grid" data-module={module.id} data-row-count={rows.length} data-row-keys={rowKeys}>
      <AgGridReact<Row>
        // The grid reads its locale text once; a language switch builds it anew.
        key={lang}
        theme={gridTheme}
        localeText={localeText}
        rowData={rows}
        columnDefs={columnDefs}
        getRowId={getRowId}
        loading={loading}
        rowSelection={{ mode: 'multiRow', checkboxes: false, headerCheckbox: false, enableClickSelection: true, ctrlASelectsRows: true }}
        animateRows={false}
        tooltipShowDelay={600}
        tooltipShowMode="whenTruncated"
        suppressDragLeaveHidesColumns
        enableCellTextSelection
      />
    </div>
  );
}

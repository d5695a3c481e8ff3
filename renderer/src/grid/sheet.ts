import type { TFunction } from 'i18next';
import type { ColumnDef, ModuleDef } from '../../../shared/modules/types.js';
import type { GridLine } from '../../../shared/grid/grouping.js';
import type { ListLayout } from '../../../shared/grid/layout.js';
import { gridToSheetLines, groupLabelText, type SheetColumn, type SheetLine, type SheetSpec } from '../../../shared/export/sheet.js';

/**
 * The list as the user sees it, in the one shape the exports take: visible columns in screen
 * order and widths (grouped columns are shown by their group rows instead), the sort, the groups.
 */
export function sheetSpec(module: ModuleDef, layout: ListLayout, t: TFunction, title: string): SheetSpec {
  const byField = new Map(module.columns.map((c) => [c.field, c]));
  const columns: SheetColumn[] = [];
  for (const c of layout.columns) {
    const def = byField.get(c.field);
    if (!def || c.hidden || layout.groupBy.includes(c.field)) continue;
    columns.push(sheetColumn(def, c.width, t));
  }
  // Group columns and the words of the sums let export-all label its groups as the screen does.
  const groupColumns = layout.groupBy.map((f) => byField.get(f)).filter((d) => d !== undefined).map((d) => sheetColumn(d, d.width, t));
  const summed = module.columns.filter((c) => c.summable);
  const sumLabels = Object.fromEntries(summed.map((c) => [c.field, t('grid.sumOf', { column: t(c.labelKey) })]));
  // Hidden summed columns still name their sums in group labels, as money or numbers.
  const sumColumns = summed.filter((d) => !columns.some((c) => c.field === d.field)).map((d) => sheetColumn(d, d.width, t));
  return {
    title,
    columns,
    groupBy: [...layout.groupBy],
    sort: layout.sort.map((s) => ({ ...s })),
    emptyLabel: t('grid.emptyValue'),
    groupColumns,
    sumLabels,
    sumColumns,
    // Export-all may run on a server in another zone: creation times are written in this one.
    timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
  };
}

export function sheetColumn(def: ColumnDef, widthPx: number, t: TFunction): SheetColumn {
  const col: SheetColumn = { field: def.field, label: t(def.labelKey), type: def.type, widthPx };
  if (def.type === 'enum' && def.enumKey && def.enumValues) {
    col.enumLabels = Object.fromEntries(def.enumValues.map((v) => [v, t(`${def.enumKey}.${v}`)]));
  }
  if (def.type === 'bool') col.boolLabels = [t('bool.true'), t('bool.false')];
  if (def.summable) col.summable = true;
  return col;
}

/**
 * Group rows' text, the same on screen and in the files: the one rule of
 * shared/export/sheet.ts (groupLabelText), from the spec's group columns and sum labels.
 */
export function groupLabel(_module: ModuleDef, spec: SheetSpec, line: Extract<GridLine, { kind: 'group' }>, _t: TFunction): string {
  return groupLabelText(spec, line.field, line.value, line.count, line.sums);
}

export function sheetLines(_module: ModuleDef, spec: SheetSpec, lines: readonly GridLine[], _t: TFunction): SheetLine[] {
  return gridToSheetLines(spec, lines);
}

import { useState, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';

export const GROUP_DRAG_TYPE = 'application/x-pim-group';

interface Props {
  panelRef: RefObject<HTMLDivElement | null>;
  groupBy: readonly string[];
  labelOf(field: string): string;
  /** A header is being dragged over the panel. */
  headerOver: boolean;
  /** A refusal to show for a moment (e.g. too many levels). */
  notice: string | null;
  /** What the group counts cover (the whole result, or only the rows on hand, and why). */
  scope?: { text: string; title?: string; partial: boolean } | null;
  onChange(groupBy: string[]): void;
}

/** Index among the chips at which a drop at clientX lands. */
export function chipIndexAt(panel: HTMLElement, clientX: number): number {
  const chips = [...panel.querySelectorAll<HTMLElement>('[data-group-chip]')];
  const index = chips.findIndex((chip) => {
    const r = chip.getBoundingClientRect();
    return clientX < r.left + r.width / 2;
  });
  return index === -1 ? chips.length : index;
}

/**
 * The group panel (分类) above the headers: headers dropped here group the rows; the chips can
 * be dragged to change the levels, or back onto the headers (or ×) to ungroup.
 */
export function GroupPanel({ panelRef, groupBy, labelOf, headerOver, notice, scope, onChange }: Props) {
  const { t } = useTranslation();
  const [chipOver, setChipOver] = useState(false);

  return (
    <div
      ref={panelRef}
      className={`group-panel${headerOver || chipOver ? ' drop-target' : ''}`}
      data-testid="group-panel"
      data-group-by={groupBy.join(',')}
      onDragOver={(e) => {
        if (!e.dataTransfer.types.includes(GROUP_DRAG_TYPE)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'move';
        setChipOver(true);
      }}
      onDragLeave={() => setChipOver(false)}
      onDrop={(e) => {
        setChipOver(false);
        const field = e.dataTransfer.getData(GROUP_DRAG_TYPE);
        if (!field || !groupBy.includes(field)) return;
        e.preventDefault();
        const rest = groupBy.filter((f) => f !== field);
        const at = chipIndexAt(e.currentTarget, e.clientX);
        // The index counted the dragged chip itself when it sits before the drop point.
        const from = groupBy.indexOf(field);
        const index = at > from ? at - 1 : at;
        rest.splice(index, 0, field);
        onChange(rest);
      }}
    >
      {groupBy.length === 0 && <span className="group-panel-hint">{t('grid.groupPanelHint')}</span>}
      {groupBy.map((field, level) => (
        <span key={field} className="group-chip-wrap">
          {level > 0 && <span className="group-chip-arrow" aria-hidden="true">›</span>}
          <span
            className="group-chip"
            data-group-chip={field}
            data-testid={`group-chip-${field}`}
            draggable
            title={t('grid.groupChipTitle')}
            onDragStart={(e) => {
              e.dataTransfer.setData(GROUP_DRAG_TYPE, field);
              e.dataTransfer.effectAllowed = 'move';
            }}
          >
            {labelOf(field)}
            <button
              type="button"
              className="group-chip-remove"
              data-testid={`group-chip-remove-${field}`}
              aria-label={t('grid.ungroup', { column: labelOf(field) })}
              title={t('grid.ungroup', { column: labelOf(field) })}
              onClick={() => onChange(groupBy.filter((f) => f !== field))}
            >
              ×
            </button>
          </span>
        </span>
      ))}
      {notice && <span className="group-panel-notice" role="status">{notice}</span>}
      {scope && groupBy.length > 0 && (
        <span className={`group-panel-scope${scope.partial ? ' partial' : ''}`} data-testid="group-scope" title={scope.title}>
          {scope.text}
        </span>
      )}
    </div>
  );
}

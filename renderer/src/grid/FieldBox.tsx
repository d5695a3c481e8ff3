import { useState, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';

export const COLUMN_DRAG_TYPE = 'application/x-pim-column';

interface Props {
  boxRef: RefObject<HTMLDivElement | null>;
  /** Hidden columns, in their layout order. */
  hidden: readonly { field: string; label: string }[];
  headerOver: boolean;
  onShow(field: string): void;
  onClose(): void;
}

/**
 * The field box (字段框): a floating column chooser. Headers dragged into it are hidden; its
 * items dragged back onto the headers (or double-clicked) are shown again.
 */
export function FieldBox({ boxRef, hidden, headerOver, onShow, onClose }: Props) {
  const { t } = useTranslation();
  const [offset, setOffset] = useState({ x: 0, y: 0 });

  // The title bar moves the box, so it never sits over the column the user wants.
  const startMove = (e: React.MouseEvent) => {
    if (e.button !== 0 || (e.target as HTMLElement).closest('button')) return;
    e.preventDefault();
    const start = { x: e.clientX - offset.x, y: e.clientY - offset.y };
    const move = (m: MouseEvent) => setOffset({ x: m.clientX - start.x, y: m.clientY - start.y });
    const up = () => {
      window.removeEventListener('mousemove', move);
      window.removeEventListener('mouseup', up);
    };
    window.addEventListener('mousemove', move);
    window.addEventListener('mouseup', up);
  };

  return (
    <div
      ref={boxRef}
      className={`field-box${headerOver ? ' drop-target' : ''}`}
      data-testid="field-box"
      role="dialog"
      aria-label={t('grid.fieldBox')}
      style={{ transform: `translate(${offset.x}px, ${offset.y}px)` }}
    >
      <div className="field-box-title" onMouseDown={startMove}>
        <span>{t('grid.fieldBox')}</span>
        <button type="button" className="field-box-close" data-testid="field-box-close" aria-label={t('grid.close')} onClick={onClose}>
          ×
        </button>
      </div>
      <div className="field-box-hint">{t('grid.fieldBoxHint')}</div>
      <ul className="field-box-list">
        {hidden.length === 0 && <li className="field-box-empty">{t('grid.fieldBoxEmpty')}</li>}
        {hidden.map((c) => (
          <li
            key={c.field}
            className="field-box-item"
            data-testid={`field-box-item-${c.field}`}
            draggable
            tabIndex={0}
            title={t('grid.fieldBoxItemTitle')}
            onDragStart={(e) => {
              e.dataTransfer.setData(COLUMN_DRAG_TYPE, c.field);
              e.dataTransfer.effectAllowed = 'move';
            }}
            onDoubleClick={() => onShow(c.field)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') onShow(c.field);
            }}
          >
            {c.label}
          </li>
        ))}
      </ul>
    </div>
  );
}

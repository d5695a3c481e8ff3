import type { TFunction } from 'i18next';
import type { Engineer, RegionNode } from '../../../shared/dispatch/schemas.js';
import { engineerInRegion, regionFamilyNames, regionPath } from '../dispatch/editor-form.js';
import type { PickOption } from './PinyinSelect.js';

// The engineer pickers outside the order window (service-content lines, the store's issue
// window) offer the engineers as the order window does: found by name, pinyin or phone, those of
// the order's region first under a header naming it.

export interface EngineerPicker {
  /** Every engineer, inactive ones marked; `engineerOptions` keeps the one a line already names. */
  all: readonly (PickOption & { active: boolean })[];
  sectionLabels?: Record<number, string>;
}

/** The engineers for a picker of an order in `regionId` (null: unknown, one list). */
export function engineerPicker(engineers: readonly Engineer[], regions: readonly RegionNode[], regionId: number | null, t: TFunction): EngineerPicker {
  const family = regionFamilyNames(regions, regionId);
  const all = engineers.map((en) => ({
    value: String(en.id),
    label: en.name + (en.active ? '' : t('editor.inactive')),
    detail: [en.region, en.phone].filter(Boolean).join(' · '),
    texts: [en.name, en.phone],
    section: engineerInRegion(en.region, family) ? 0 : 1,
    active: en.active,
  }));
  // Without a region the sections would only reorder the list.
  const sectionLabels = family.size
    ? { 0: t('editor.engineersOfRegion', { region: regionPath(regions, regionId) }), 1: t('editor.engineersOther') }
    : undefined;
  return { all: family.size ? all : all.map((o) => ({ ...o, section: 0 })), sectionLabels };
}

/**
 * The choices of one picker: the active engineers, and the chosen one even when no longer active
 * (or not in the list at all: then by its number) so a stored line still shows who it names.
 */
export function engineerOptions(picker: EngineerPicker, chosen: string): PickOption[] {
  const options: PickOption[] = picker.all.filter((o) => o.active || o.value === chosen);
  if (chosen && !options.some((o) => o.value === chosen)) options.push({ value: chosen, label: `#${chosen}`, texts: [] });
  return options;
}

import { describe, expect, it } from 'vitest';
import { filterByPinyin, pinyinMatch, pinyinRank } from '../../shared/text/pinyin-match.js';
import { customerCondition, lookupRequest, emptyValues } from '../../renderer/src/dispatch/lookup-request.js';
import { contractRegionId, engineerInRegion, regionFamilyNames } from '../../renderer/src/dispatch/editor-form.js';
import { filterTree } from '../../renderer/src/dispatch/region-tree-model.js';
import { mergePartMatches } from '../../renderer/src/orders/PartPicker.js';
import { engineerOptions, engineerPicker } from '../../renderer/src/text/engineer-options.js';
import type { Engineer, RegionNode } from '../../shared/dispatch/schemas.js';
import type { TFunction } from 'i18next';
import type { PartOption } from '../../shared/warehouse/schemas.js';

describe('finding Chinese names by pinyin', () => {
  it('hx, huaxin and 华信 all find 华信, in any case and full width', () => {
    for (const q of ['hx', 'huaxin', '华信', 'HX', 'ＨＸ', 'huax', 'hua xin', ' hx ']) expect(pinyinMatch('华信机电设备厂', q), q).toBe(true);
  });

  it('does not find what does not match', () => {
    for (const q of ['hxx', 'xh', 'bj', '北京']) expect(pinyinMatch('华信机电设备厂', q), q).toBe(false);
    expect(pinyinMatch('刘俊', 'hx')).toBe(false);
    expect(pinyinMatch(null, 'hx')).toBe(false);
  });

  it('finds initials inside the name, text as text, and `*` pieces in order', () => {
    expect(pinyinMatch('北京安泰机床有限公司', 'at')).toBe(true);
    expect(pinyinMatch('华信机电设备厂', 'hx*sb')).toBe(true);
    expect(pinyinMatch('华信机电设备厂', 'sb*hx')).toBe(false);
    expect(pinyinMatch('2BY.5084.1044.1', '2by*5084*4*1')).toBe(true);
    expect(pinyinMatch('PLC模块', 'plcmk')).toBe(true);
    // Polyphonic characters match either reading (重庆: chongqing).
    expect(pinyinMatch('重庆鑫源环保科技有限公司', 'cq')).toBe(true);
    expect(pinyinMatch('anything', '')).toBe(true);
  });

  it('ranks names that start with the typed text first', () => {
    expect(pinyinRank('华信机电设备厂', 'hx')).toBe(0);
    expect(pinyinRank('辽宁协力', 'xl')).toBe(1);
    const names = ['辽宁华信', '华信机电设备厂', '北京安泰'];
    expect(filterByPinyin(names, 'hx', (n) => [n])).toEqual(['华信机电设备厂', '辽宁华信']);
    expect(filterByPinyin(names, '', (n) => [n])).toEqual(names);
  });
});

describe('text typed as text matches as the lists match it (shared/text/fold.ts)', () => {
  it('width and case of every script, as the search folds them', () => {
    expect(pinyinMatch('Straße 5', 'STRASSE')).toBe(true);
    expect(pinyinMatch('STRASSE 7', 'straße')).toBe(true);
    expect(pinyinMatch('ÄRZTE GmbH', 'ärzte')).toBe(true);
    expect(pinyinMatch('Ärzte GmbH', 'ÄRZTE*GMBH')).toBe(true);
    expect(pinyinMatch('ＡＢＣ机电', 'abc')).toBe(true);
    expect(pinyinMatch('ABC机电', 'ａｂｃ＊机电')).toBe(true);
    expect(pinyinMatch('ΣΟΦΟΣ', 'σοφος')).toBe(true);
    expect(pinyinRank('Ärzte GmbH', 'ÄR')).toBe(0);
    expect(pinyinRank('ＨＴ２０２４', 'ht')).toBe(0);
  });

  it('% _ \\ and quotes are plain characters; an empty or all-star query finds everything', () => {
    expect(pinyinMatch(`100%_a\\'"`, '%_a')).toBe(true);
    expect(pinyinMatch(`100%_a\\'"`, `\\'"`)).toBe(true);
    expect(pinyinMatch('100 a', '%')).toBe(false);
    expect(pinyinMatch('axb', 'a_b')).toBe(false);
    for (const q of ['', '   ', '＊', '**']) expect(pinyinMatch('华信', q), q).toBe(true);
    expect(pinyinMatch('', 'a')).toBe(false);
  });
});

describe('the engineer pickers of the content lines and the issue window', () => {
  const t = ((key: string, o?: Record<string, unknown>) => (o ? `${key}(${Object.values(o).join()})` : key)) as unknown as TFunction;
  const node = (id: number, parentId: number | null, name: string): RegionNode => ({ id, parentId, name, orderCount: 0, childCount: 0 });
  const regions = [node(1, null, '华东区'), node(2, 1, '江苏省'), node(3, 2, '南京市'), node(4, 1, '上海市')];
  const engineer = (id: number, name: string, region: string | null, active = true): Engineer => ({ id, name, phone: `1390000000${id}`, region, active });
  const engineers = [engineer(1, '樊伟琪', '上海市'), engineer(2, '何娟强', '江苏省'), engineer(3, '刘俊', '江苏省', false), engineer(4, '张坤琪', null)];

  it("puts the engineers of the order's region first, under a header naming it", () => {
    const picker = engineerPicker(engineers, regions, 3, t);
    expect(picker.all.map((o) => [o.value, o.section])).toEqual([['1', 1], ['2', 0], ['3', 0], ['4', 1]]);
    expect(picker.sectionLabels).toEqual({ 0: 'editor.engineersOfRegion(华东区 / 江苏省 / 南京市)', 1: 'editor.engineersOther' });
    // By name, initials, full pinyin or phone.
    for (const q of ['何娟强', 'hjq', 'hejuanqiang', 'HJQ', 'ｈｊｑ', '13900000002']) expect(filterByPinyin(engineerOptions(picker, ''), q, (o) => o.texts).map((o) => o.value), q).toEqual(['2']);
  });

  it('one list without headers when the region is not known', () => {
    const picker = engineerPicker(engineers, regions, null, t);
    expect(picker.sectionLabels).toBeUndefined();
    expect(new Set(picker.all.map((o) => o.section))).toEqual(new Set([0]));
  });

  it('offers the active engineers, and the one already chosen even when inactive or unknown', () => {
    const picker = engineerPicker(engineers, regions, 3, t);
    expect(engineerOptions(picker, '').map((o) => o.value)).toEqual(['1', '2', '4']);
    expect(engineerOptions(picker, '3').map((o) => [o.value, o.label])).toEqual([['1', '樊伟琪'], ['2', '何娟强'], ['3', '刘俊editor.inactive'], ['4', '张坤琪']]);
    expect(engineerOptions(picker, '99').at(-1)).toEqual({ value: '99', label: '#99', texts: [] });
    expect(engineerOptions(engineerPicker([], [], null, t), '')).toEqual([]);
  });
});

describe('pickers that use it', () => {
  it("the contract lookup's customer field: characters stay the server's contains, letters are its pinyin", () => {
    expect(customerCondition('华信')).toEqual({ field: 'customer', op: 'contains', value: '华信' });
    expect(customerCondition(' hx ')).toEqual({ field: 'customer', op: 'pinyin', value: 'hx' });
    expect(customerCondition('huaxin')).toEqual({ field: 'customer', op: 'pinyin', value: 'huaxin' });
    expect(lookupRequest({ ...emptyValues, contractNo: ' ht2024* ', customer: 'hx' }).conditions).toEqual([
      { field: 'contract_no', op: 'contains', value: 'ht2024*' },
      { field: 'customer', op: 'pinyin', value: 'hx' },
    ]);
    expect(lookupRequest(emptyValues).conditions).toEqual([]);
  });

  it('letters mixed with characters, or full width, are still pinyin; characters and signs alone stay text', () => {
    expect(customerCondition('hx*机电')).toEqual({ field: 'customer', op: 'pinyin', value: 'hx*机电' });
    expect(customerCondition('ＨＸ')).toEqual({ field: 'customer', op: 'pinyin', value: 'ＨＸ' });
    expect(customerCondition('华信*机电')).toEqual({ field: 'customer', op: 'contains', value: '华信*机电' });
    expect(customerCondition(`%_\\'"`)).toEqual({ field: 'customer', op: 'contains', value: `%_\\'"` });
    expect(customerCondition('2024*01')).toEqual({ field: 'customer', op: 'contains', value: '2024*01' });
  });

  const node = (id: number, parentId: number | null, name: string): RegionNode => ({ id, parentId, name, orderCount: 0, childCount: 0 });
  const regions = [node(1, null, '华东区'), node(2, 1, '江苏省'), node(3, 2, '南京市'), node(4, 1, '上海市'), node(5, 4, '浦东新区'), node(6, null, '华北区')];

  it("engineers of the order's region: the node, the nodes above and below it", () => {
    const family = regionFamilyNames(regions, 3);
    expect([...family].sort()).toEqual(['华东区', '南京市', '江苏省'].sort());
    expect(engineerInRegion('江苏省', family)).toBe(true);
    expect(engineerInRegion('华东区 / 江苏省', family)).toBe(true);
    expect(engineerInRegion('上海市', family)).toBe(false);
    expect(engineerInRegion(null, family)).toBe(false);
    expect([...regionFamilyNames(regions, 1)]).toContain('浦东新区');
  });

  it("the contract's region fills the order's: by id, else by a name only one node has", () => {
    expect(contractRegionId({ region_id: 5, region: 'x' }, regions)).toBe(5);
    expect(contractRegionId({ region: '南京市' }, regions)).toBe(3);
    expect(contractRegionId({ region: '不存在' }, regions)).toBeNull();
    expect(contractRegionId({ region: '南京市' }, [...regions, node(9, 6, '南京市')])).toBeNull();
  });

  it('the region tree filter keeps the matches and the nodes above them', () => {
    const found = filterTree(regions, 'pd')!;
    expect([...found.matches]).toEqual([5]);
    expect(found.nodes.map((n) => n.id)).toEqual([1, 4, 5]);
    expect(filterTree(regions, '  ')).toBeNull();
    expect([...filterTree(regions, 'hd')!.matches]).toEqual([1]);
  });

  it("the part picker adds parts found by pinyin after the service's matches", () => {
    const part = (id: number, partNo: string, name: string): PartOption => ({ id, partNo, name, spec: '', unit: '个', unitPriceFen: 0, serialTracked: false, active: true });
    const all = [part(1, 'MT-001', '伺服电机'), part(2, 'SF-100', '水泵'), part(3, 'PLC-1', 'PLC模块')];
    expect(mergePartMatches([all[1]], all, 'sf').map((p) => p.id)).toEqual([2, 1]);
    expect(mergePartMatches([], all, 'sfdj').map((p) => p.id)).toEqual([1]);
    expect(mergePartMatches([all[0]], all, '伺服').map((p) => p.id)).toEqual([1]);
    expect(mergePartMatches([all[0]], null, 'sf').map((p) => p.id)).toEqual([1]);
  });
});

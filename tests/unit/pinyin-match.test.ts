import { describe, expect, it } from 'vitest';
import { filterByPinyin, pinyinMatch, pinyinRank } from '../../renderer/src/text/pinyin-match.js';
import { customerCondition, lookupRequest, emptyValues } from '../../renderer/src/dispatch/lookup-request.js';
import { contractRegionId, engineerInRegion, regionFamilyNames } from '../../renderer/src/dispatch/editor-form.js';
import { filterTree } from '../../renderer/src/dispatch/region-tree-model.js';
import { mergePartMatches } from '../../renderer/src/orders/PartPicker.js';
import type { RegionNode } from '../../shared/dispatch/schemas.js';
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

describe('pickers that use it', () => {
  const customers = ['华信机电设备厂', '湖北富士达机床有限公司', '北京安泰机床有限公司'];

  it("the contract lookup's customer field: characters stay the server's contains, letters become the matching names", () => {
    expect(customerCondition('华信', customers)).toEqual({ field: 'customer', op: 'contains', value: '华信' });
    expect(customerCondition('hx', customers)).toEqual({ field: 'customer', op: 'in', value: ['华信机电设备厂'] });
    expect(customerCondition('huaxin', customers)).toEqual({ field: 'customer', op: 'in', value: ['华信机电设备厂'] });
    expect(customerCondition('jc', customers)).toEqual({ field: 'customer', op: 'in', value: ['湖北富士达机床有限公司', '北京安泰机床有限公司'] });
    // Nothing matches, or no list: the server decides.
    expect(customerCondition('zzz', customers)).toEqual({ field: 'customer', op: 'contains', value: 'zzz' });
    expect(customerCondition('hx', null)).toEqual({ field: 'customer', op: 'contains', value: 'hx' });
    expect(lookupRequest({ ...emptyValues, contractNo: ' ht2024* ', customer: 'hx' }, customers).conditions).toEqual([
      { field: 'contract_no', op: 'contains', value: 'ht2024*' },
      { field: 'customer', op: 'in', value: ['华信机电设备厂'] },
    ]);
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

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure, makeFixture, orderInput, type Fixture } from './dispatch-fixture.js';

let f: Fixture;
beforeAll(async () => {
  f = await makeFixture(0);
});
afterAll(() => f?.close());

const tree = async () => (await f.backend.call('regions.tree', {}, f.token.clerk)).nodes;
const create = async (parentId: number | null, name: string) => (await f.backend.call('regions.create', { parentId, name }, f.token.clerk)).id;
const parentOf = async (id: number) => (await tree()).find((n) => n.id === id)!.parentId;

describe('the sales region tree', () => {
  it('lists every node with its parent, children and orders', async () => {
    const nodes = await tree();
    expect(nodes.length).toBe(f.db.prepare('SELECT count(*) FROM sales_regions').pluck().get());
    const top = nodes.filter((n) => n.parentId === null);
    expect(top.length).toBeGreaterThan(2);
    expect(top[0].childCount).toBeGreaterThan(0);
  });

  it('creates a child and renames it; names are unique among siblings', async () => {
    const root = await create(null, '测试大区');
    const child = await create(root, '测试省');
    expect(await parentOf(child)).toBe(root);
    expect((await failure(create(root, '测试省'))).issues).toEqual([{ path: 'name', message: expect.stringMatching(/already/) }]);
    expect((await failure(create(null, '测试大区'))).code).toBe('INVALID_PARAMS');
    await f.backend.call('regions.rename', { id: child, name: '测试省2' }, f.token.clerk);
    expect((await tree()).find((n) => n.id === child)!.name).toBe('测试省2');
    await create(root, '测试省'); // the old name is free again
    const err = await failure(f.backend.call('regions.rename', { id: child, name: '测试省' }, f.token.clerk));
    expect(err.code).toBe('INVALID_PARAMS');
    expect((await failure(create(999999, 'x'))).issues?.[0].path).toBe('parentId');
  });

  it('refuses to delete a node with children or orders, and deletes an unused leaf', async () => {
    const root = await create(null, '删除测试');
    const leaf = await create(root, '叶子');
    let err = await failure(f.backend.call('regions.delete', { id: root }, f.token.clerk));
    expect([err.code, err.message]).toEqual(['REFUSED', expect.stringMatching(/1 child node/)]);
    const { orderNo } = await f.backend.call('dispatch.create', { order: orderInput(f, { regionId: leaf }) }, f.token.clerk);
    err = await failure(f.backend.call('regions.delete', { id: leaf }, f.token.clerk));
    expect([err.code, err.message]).toEqual(['REFUSED', expect.stringMatching(/1 dispatch order/)]);
    expect((await tree()).find((n) => n.id === leaf)!.orderCount).toBe(1);
    // Contracts and engineers hold a region too.
    const used = f.db.prepare('SELECT region_id FROM sales_contracts LIMIT 1').pluck().get() as number;
    err = await failure(f.backend.call('regions.delete', { id: used }, f.token.clerk));
    expect(err.message).toMatch(/sales contract/);
    await f.backend.call('dispatch.delete', { orderNos: [orderNo] }, f.token.clerk);
    await f.backend.call('regions.delete', { id: leaf }, f.token.clerk);
    await f.backend.call('regions.delete', { id: root }, f.token.clerk);
    expect((await tree()).some((n) => n.id === root || n.id === leaf)).toBe(false);
  });

  it('refuses moves that would make a cycle: under itself, a child, a grandchild', async () => {
    const a = await create(null, '甲');
    const b = await create(a, '乙');
    const c = await create(b, '丙');
    for (const target of [a, b, c]) {
      const err = await failure(f.backend.call('regions.move', { id: a, parentId: target }, f.token.clerk));
      expect(err.code).toBe('REFUSED');
    }
    expect(await parentOf(a)).toBeNull();
    expect(await parentOf(b)).toBe(a);
  });

  it('allows moves up, across and to the top', async () => {
    const a = await create(null, '移动甲');
    const b = await create(a, '移动乙');
    const c = await create(b, '移动丙');
    const other = await create(null, '移动丁');
    await f.backend.call('regions.move', { id: c, parentId: a }, f.token.clerk); // up one level
    expect(await parentOf(c)).toBe(a);
    await f.backend.call('regions.move', { id: b, parentId: other }, f.token.clerk); // across
    expect(await parentOf(b)).toBe(other);
    await f.backend.call('regions.move', { id: a, parentId: b }, f.token.clerk); // a is no longer above b
    expect(await parentOf(a)).toBe(b);
    await f.backend.call('regions.move', { id: a, parentId: null }, f.token.clerk); // to the top
    expect(await parentOf(a)).toBeNull();
    // A sibling with the same name at the target is refused.
    const twin = await create(other, '移动甲');
    expect(twin).toBeGreaterThan(0);
    const err = await failure(f.backend.call('regions.move', { id: a, parentId: other }, f.token.clerk));
    expect(err.code).toBe('INVALID_PARAMS');
  });
});

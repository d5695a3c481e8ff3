import type { RegionNode } from '../../../shared/dispatch/schemas.js';
import { normalizeQuery, pinyinMatch } from '../text/pinyin-match.js';

// The sales-region tree as the picker shows it: children by parent, in pinyin order, and the
// lines visible with the folded nodes closed.

const collator = new Intl.Collator('zh-Hans-u-co-pinyin', { sensitivity: 'base', numeric: true });

export interface TreeLine {
  node: RegionNode;
  depth: number;
  hasChildren: boolean;
}

export function childrenOf(nodes: readonly RegionNode[]): Map<number | null, RegionNode[]> {
  const ids = new Set(nodes.map((n) => n.id));
  const map = new Map<number | null, RegionNode[]>();
  for (const n of nodes) {
    // A node whose parent is not in the answer is shown at the top rather than lost.
    const parent = n.parentId !== null && ids.has(n.parentId) ? n.parentId : null;
    const list = map.get(parent) ?? [];
    list.push(n);
    map.set(parent, list);
  }
  for (const list of map.values()) list.sort((a, b) => collator.compare(a.name, b.name) || a.id - b.id);
  return map;
}

/** The lines on screen: every node whose ancestors are all expanded (`all` ignores folding). */
export function visibleLines(nodes: readonly RegionNode[], expanded: ReadonlySet<number>, all = false): TreeLine[] {
  const kids = childrenOf(nodes);
  const out: TreeLine[] = [];
  const seen = new Set<number>();
  const walk = (parent: number | null, depth: number) => {
    for (const node of kids.get(parent) ?? []) {
      if (seen.has(node.id)) continue;
      seen.add(node.id);
      const children = kids.get(node.id) ?? [];
      out.push({ node, depth, hasChildren: children.length > 0 });
      if (children.length && (all || expanded.has(node.id))) walk(node.id, depth + 1);
    }
  };
  walk(null, 0);
  return out;
}

/** The node and everything below it: never a place to move the node to. */
export function subtreeIds(nodes: readonly RegionNode[], id: number): Set<number> {
  const kids = childrenOf(nodes);
  const out = new Set<number>([id]);
  const stack = [id];
  while (stack.length) {
    const current = stack.pop()!;
    for (const child of kids.get(current) ?? []) {
      if (!out.has(child.id)) {
        out.add(child.id);
        stack.push(child.id);
      }
    }
  }
  return out;
}

/** The ids above a node, nearest first. */
export function ancestorIds(nodes: readonly RegionNode[], id: number | null): number[] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const out: number[] = [];
  let node = id === null ? undefined : byId.get(id);
  while (node && node.parentId !== null && !out.includes(node.parentId)) {
    out.push(node.parentId);
    node = byId.get(node.parentId);
  }
  return out;
}

/**
 * The tree narrowed to the nodes whose names match what was typed (name, pinyin or initials),
 * with the nodes above them for context; null when nothing is typed.
 */
export function filterTree(nodes: readonly RegionNode[], query: string): { nodes: RegionNode[]; matches: Set<number> } | null {
  if (!normalizeQuery(query)) return null;
  const matches = new Set(nodes.filter((n) => pinyinMatch(n.name, query)).map((n) => n.id));
  const keep = new Set(matches);
  for (const id of matches) for (const above of ancestorIds(nodes, id)) keep.add(above);
  return { nodes: nodes.filter((n) => keep.has(n.id)), matches };
}

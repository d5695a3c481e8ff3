import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SessionFiles } from '../../electron/bridge-handler.js';

// The desktop bridge's file rules (electron/main.ts only wires them to IPC and dialogs).
const dir = mkdtempSync(join(tmpdir(), 'pim-bridge-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const bytes = new TextEncoder().encode('<!DOCTYPE html>');

describe('save dialog options', () => {
  it('offers only the xlsx or html type, whatever the page sends', () => {
    const files = new SessionFiles();
    expect(files.dialogOptions({ defaultName: '派工单-20260630-1000.xlsx', format: 'xlsx', filters: [{ name: 'All', extensions: ['*'] }] })).toEqual({
      defaultPath: '派工单-20260630-1000.xlsx',
      filters: [{ name: 'Excel (*.xlsx)', extensions: ['xlsx'] }],
    });
    expect(files.dialogOptions({ defaultName: 'list.html', format: 'html' })).toEqual({
      defaultPath: 'list.html',
      filters: [{ name: 'HTML (*.html)', extensions: ['html', 'htm'] }],
    });
    for (const bad of [{ defaultName: 'x.exe', format: 'exe' }, { defaultName: 'x' }, null, 'xlsx', { format: ['xlsx'] }]) {
      expect(() => files.dialogOptions(bad)).toThrow(/xlsx or html/);
    }
  });

  it('keeps only a file name with the format extension', () => {
    const files = new SessionFiles();
    const name = (defaultName: unknown, format = 'xlsx') => files.dialogOptions({ defaultName, format }).defaultPath;
    expect(name('/etc/cron.d/job')).toBe('job.xlsx');
    expect(name('C:\\Windows\\System32\\evil.bat')).toBe('evil.bat.xlsx');
    expect(name('run.sh', 'html')).toBe('run.sh.html');
    expect(name('page.HTM', 'html')).toBe('page.HTM');
    expect(name('')).toBe('export.xlsx');
    expect(name(42)).toBe('export.xlsx');
  });
});

describe('writing and opening files', () => {
  it('writes a chosen path once, and nothing else', async () => {
    const files = new SessionFiles();
    const chosen = join(dir, 'a.html');
    await expect(files.write(chosen, bytes)).rejects.toThrow(/chosen in the save dialog/);
    files.choose(chosen);
    await expect(files.write(chosen, 'text')).rejects.toThrow(/bytes/);
    // The failed attempt used the path up too.
    await expect(files.write(chosen, bytes)).rejects.toThrow(/once/);
    files.choose(chosen);
    await files.write(chosen, bytes);
    expect(readFileSync(chosen, 'utf8')).toBe('<!DOCTYPE html>');
    await expect(files.write(chosen, bytes)).rejects.toThrow(/once/);
    await expect(files.write(join(dir, 'b.html'), bytes)).rejects.toThrow();
    await expect(files.write(42, bytes)).rejects.toThrow();
  });

  it('opens only exports this session wrote through the bridge', async () => {
    const files = new SessionFiles();
    const written: string[] = [];
    const fake = async (path: string) => {
      written.push(path);
    };
    for (const name of ['r.xlsx', 'r.html', 'R.HTM', 'evil.exe', 'evil.js', 'noext', 'r.xlsx.desktop']) {
      files.choose(join(dir, name));
      await files.write(join(dir, name), bytes, fake);
    }
    expect(written).toHaveLength(7);
    expect(files.mayOpen(join(dir, 'r.xlsx'))).toBe(true);
    expect(files.mayOpen(join(dir, 'r.html'))).toBe(true);
    expect(files.mayOpen(join(dir, 'R.HTM'))).toBe(true);
    // Written, but not an export's type: never handed to the system.
    for (const name of ['evil.exe', 'evil.js', 'noext', 'r.xlsx.desktop']) expect(files.mayOpen(join(dir, name)), name).toBe(false);
    // Chosen but never written, or never seen.
    files.choose(join(dir, 'chosen.xlsx'));
    expect(files.mayOpen(join(dir, 'chosen.xlsx'))).toBe(false);
    expect(files.mayOpen(join(dir, 'other.xlsx'))).toBe(false);
    expect(files.mayOpen(undefined)).toBe(false);
    // Files main copied itself (export-all) count as written.
    files.wrote(join(dir, 'all.xlsx'));
    expect(files.mayOpen(join(dir, 'all.xlsx'))).toBe(true);
  });

  it('does not record a write that failed', async () => {
    const files = new SessionFiles();
    const path = join(dir, 'missing-folder', 'x.xlsx');
    files.choose(path);
    await expect(files.write(path, bytes)).rejects.toThrow();
    expect(files.mayOpen(path)).toBe(false);
  });
});

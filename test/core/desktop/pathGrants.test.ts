import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_GRANTS, PathGrants } from '../../../src/core/desktop/pathGrants';

describe('PathGrants', () => {
  it('grants what the user handed over, and what lies inside a handed-over folder — nothing else', () => {
    const grants = new PathGrants();
    grants.grant(['/scans/a.pdf', '/drop/folder'], 'drop');
    expect(grants.isGranted('/scans/a.pdf')).toBe(true);
    expect(grants.isGranted('/drop/folder/sub/b.tif')).toBe(true);
    expect(grants.isGranted('/scans/b.pdf')).toBe(false);
    expect(grants.isGranted('/drop/folder/../other/c.pdf')).toBe(false);
    expect(grants.isGranted('/drop/folder-2/c.pdf')).toBe(false);
    expect(grants.isGranted('/')).toBe(false);
    expect(grants.isGranted('relative.pdf')).toBe(false);
  });

  it('says how many were refused, in words the user can act on', () => {
    const grants = new PathGrants();
    grants.grant(['/a.pdf'], 'picker');
    expect(grants.problem(['/a.pdf'])).toBeNull();
    expect(grants.problem(['/a.pdf', '/etc/passwd', '/home/x/.ssh/id_rsa'])).toBe(
      '2 of these files were not chosen by you here: Intake reads only documents you drop on its window, pick with "Add documents" or open with Intake.',
    );
  });

  it('network and device paths count only when chosen in the picker', () => {
    const grants = new PathGrants(path.win32);
    expect(grants.grant(['\\\\fileserver\\scans\\a.pdf', '\\\\?\\C:\\x.pdf'], 'drop')).toEqual([]);
    expect(grants.isGranted('\\\\fileserver\\scans\\a.pdf')).toBe(false);
    grants.grant(['\\\\fileserver\\scans'], 'picker');
    expect(grants.isGranted('\\\\fileserver\\scans\\a.pdf')).toBe(true);
    grants.grant(['C:\\Users\\n\\Desktop\\scan.pdf'], 'launch');
    expect(grants.isGranted('C:\\Users\\n\\Desktop\\scan.pdf')).toBe(true);
  });

  it('forgets the oldest grants past its bound', () => {
    const grants = new PathGrants();
    grants.grant(['/first.pdf'], 'drop');
    grants.grant(Array.from({ length: MAX_GRANTS }, (_, i) => `/many/${i}.pdf`), 'drop');
    expect(grants.isGranted('/first.pdf')).toBe(false);
    expect(grants.isGranted(`/many/${MAX_GRANTS - 1}.pdf`)).toBe(true);
  });
});

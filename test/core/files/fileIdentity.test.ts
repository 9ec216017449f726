import { constants } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CREATE_EXCLUSIVE, identityOf, READ_NO_FOLLOW, sameIdentity } from '../../../src/core/files/fileIdentity';

describe('file identity (the very file that was checked)', () => {
  it('is the device and inode, nothing else', () => {
    expect(identityOf({ dev: 7, ino: 42, size: 10 } as { dev: number; ino: number })).toEqual({ dev: 7, ino: 42 });
  });

  it('is the same only when device and inode both match', () => {
    expect(sameIdentity({ dev: 1, ino: 2 }, { dev: 1, ino: 2 })).toBe(true);
    expect(sameIdentity({ dev: 1, ino: 2 }, { dev: 1, ino: 3 })).toBe(false);
    expect(sameIdentity({ dev: 1, ino: 2 }, { dev: 9, ino: 2 })).toBe(false);
  });

  it('opens for reading without following a planted link, and creates only new files', () => {
    if (process.platform !== 'win32') {
      expect(READ_NO_FOLLOW & constants.O_NOFOLLOW).toBe(constants.O_NOFOLLOW);
      expect(CREATE_EXCLUSIVE & constants.O_NOFOLLOW).toBe(constants.O_NOFOLLOW);
    }
    expect(READ_NO_FOLLOW & (constants.O_WRONLY | constants.O_RDWR)).toBe(0);
    for (const flag of [constants.O_WRONLY, constants.O_CREAT, constants.O_EXCL]) expect(CREATE_EXCLUSIVE & flag).toBe(flag);
  });
});

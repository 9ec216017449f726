/**
 * A local stand-in for Electron's download site, for ELECTRON_MIRROR: it serves
 * electron-v<version>-<platform>-<arch>.zip (holding one `electron` executable
 * of our making) and the SHASUMS256.txt that vouches for it (Electron's
 * installer checks against it when electron_use_remote_checksums is set, since
 * its bundled checksums are for the real zip). Counts what it was asked for.
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { crc32 } from 'node:zlib';

export interface ElectronMirror {
  readonly url: string;
  readonly requests: string[];
  close(): Promise<void>;
}

export async function startElectronMirror(version: string, executable: string): Promise<ElectronMirror> {
  const zipName = `electron-v${version}-${process.platform}-${process.arch}.zip`;
  const zip = storedZip('electron', Buffer.from(executable), 0o755);
  const sums = `${createHash('sha256').update(zip).digest('hex')} *${zipName}\n`;
  const requests: string[] = [];
  const server = createServer((request, response) => {
    const path = request.url ?? '';
    requests.push(path);
    if (path === `/v${version}/${zipName}`) response.writeHead(200, { 'content-type': 'application/zip', 'content-length': zip.length }).end(zip);
    else if (path === `/v${version}/SHASUMS256.txt`) response.writeHead(200, { 'content-type': 'text/plain' }).end(sums);
    else response.writeHead(404).end();
  });
  await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    close: () => new Promise<void>((resolveClose) => server.close(() => resolveClose())),
  };
}

/** A zip archive of one uncompressed file with Unix permissions `mode` (the extractor must keep it executable). */
function storedZip(name: string, data: Buffer, mode: number): Buffer {
  const fileName = Buffer.from(name);
  const crc = crc32(data);
  const DOS_DATE_1980_01_01 = 0x21;
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(10, 4); // version needed: stored
  local.writeUInt16LE(DOS_DATE_1980_01_01, 12);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(fileName.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE((3 << 8) | 20, 4); // made by Unix, so the external attributes carry the mode
  central.writeUInt16LE(10, 6);
  central.writeUInt16LE(DOS_DATE_1980_01_01, 14);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(fileName.length, 28);
  central.writeUInt32LE(((0o100000 | mode) << 16) >>> 0, 38);
  const centralOffset = local.length + fileName.length + data.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + fileName.length, 12);
  end.writeUInt32LE(centralOffset, 16);
  return Buffer.concat([local, fileName, data, central, fileName, end]);
}

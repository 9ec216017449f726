/** This process's file descriptors open on `path`, by number (Linux: /proc/self/fd names what each one is). */
import { readdir, readlink } from 'node:fs/promises';

export async function openDescriptors(path: string): Promise<number[]> {
  const open: number[] = [];
  for (const fd of await readdir('/proc/self/fd')) {
    if ((await readlink(`/proc/self/fd/${fd}`).catch(() => '')) === path) open.push(Number(fd));
  }
  return open;
}

/** How many of them there are: a file's reader must close what it opened. */
export async function openDescriptorCount(path: string): Promise<number> {
  return (await openDescriptors(path)).length;
}

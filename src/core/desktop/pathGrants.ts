/**
 * The paths the user handed to Intake: chosen in the native picker, dropped
 * or pasted on the window (the preload records the real path of each File),
 * or given by the OS (a second launch, "Open with", a drop on the tray or
 * dock icon). Main reads nothing else for the renderer: a compromised page
 * cannot name a file or folder of its own. A granted folder grants what is
 * inside it (a dropped folder is expanded). Network (UNC) and device paths
 * are accepted only from the picker, where the user chose them knowingly.
 */
import path from 'node:path';

export type GrantSource = 'picker' | 'drop' | 'launch';

/** Grants kept; the oldest are forgotten past this (a long session drops thousands of files). */
export const MAX_GRANTS = 20_000;

const NETWORK_OR_DEVICE = /^[\\/]{2}/;

export class PathGrants {
  private readonly granted = new Map<string, GrantSource>();

  constructor(private readonly paths: Pick<typeof path, 'resolve' | 'relative' | 'isAbsolute' | 'sep'> = path) {}

  /** Records what the user handed over; returns the paths granted (a network path from a drop is not). */
  grant(candidates: readonly string[], source: GrantSource): string[] {
    const accepted: string[] = [];
    for (const candidate of candidates) {
      if (typeof candidate !== 'string' || candidate.length === 0 || candidate.includes('\0') || !this.paths.isAbsolute(candidate)) continue;
      if (source !== 'picker' && NETWORK_OR_DEVICE.test(candidate)) continue;
      const resolved = this.paths.resolve(candidate);
      this.granted.delete(resolved);
      this.granted.set(resolved, source);
      accepted.push(candidate);
    }
    while (this.granted.size > MAX_GRANTS) this.granted.delete(this.granted.keys().next().value as string);
    return accepted;
  }

  /** True when the user handed over this path or a folder holding it. */
  isGranted(candidate: string): boolean {
    if (typeof candidate !== 'string' || !this.paths.isAbsolute(candidate) || candidate.includes('\0')) return false;
    const resolved = this.paths.resolve(candidate);
    if (NETWORK_OR_DEVICE.test(candidate) && !this.fromPicker(resolved)) return false;
    for (let current = resolved; ; ) {
      if (this.granted.has(current)) return true;
      const parent = this.paths.resolve(current, '..');
      if (parent === current) return false;
      current = parent;
    }
  }

  /** Why these paths may not be read, or null when every one was handed over by the user. */
  problem(candidates: readonly string[]): string | null {
    const refused = candidates.filter((candidate) => !this.isGranted(candidate)).length;
    if (refused === 0) return null;
    const which = refused === 1 ? 'One of these files was' : `${refused} of these files were`;
    return `${which} not chosen by you here: Intake reads only documents you drop on its window, pick with "Add documents" or open with Intake.`;
  }

  private fromPicker(resolved: string): boolean {
    for (let current = resolved; ; ) {
      if (this.granted.get(current) === 'picker') return true;
      const parent = this.paths.resolve(current, '..');
      if (parent === current) return false;
      current = parent;
    }
  }
}

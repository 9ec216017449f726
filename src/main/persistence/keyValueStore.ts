/**
 * The slice of electron-store the shell uses. Tests pass an in-memory map;
 * production passes electron-store (atomic, fsync'd writes of one JSON file).
 */
export interface KeyValueStore {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  delete(key: string): void;
}

export function memoryKeyValueStore(initial: Record<string, unknown> = {}): KeyValueStore & { data: Record<string, unknown> } {
  const data: Record<string, unknown> = structuredClone(initial);
  return {
    data,
    get: (key) => (key in data ? structuredClone(data[key]) : undefined),
    set: (key, value) => {
      data[key] = structuredClone(value);
    },
    delete: (key) => {
      delete data[key];
    },
  };
}

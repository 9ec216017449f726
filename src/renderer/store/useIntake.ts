/** React access to the one store. Selectors keep re-renders to what changed. */
import { createContext, useContext, useEffect, useEffectEvent, useSyncExternalStore } from 'react';
import type { IntakeBridge } from '../../shared/ipc';
import type { QueueJob } from '../../shared/queueJob';
import type { IntakeState, IntakeStore, MainCommand } from './intakeStore';
import type { JobFilter } from './jobList';

export interface IntakeContextValue {
  store: IntakeStore;
  bridge: IntakeBridge;
}
export const IntakeContext = createContext<IntakeContextValue | null>(null);

function useIntakeContext(): IntakeContextValue {
  const value = useContext(IntakeContext);
  if (value === null) throw new Error('IntakeContext missing: wrap the app in <IntakeContext.Provider>.');
  return value;
}

export function useBridge(): IntakeBridge {
  return useIntakeContext().bridge;
}

export function useIntake<T>(select: (state: IntakeState) => T): T {
  const { store } = useIntakeContext();
  return useSyncExternalStore(store.subscribe, () => select(store.getState()));
}

/** One job, by id: re-renders only when that job changes, not on every delta. */
export function useJob(id: string): QueueJob | undefined {
  const { store } = useIntakeContext();
  return useSyncExternalStore(store.subscribe, () => store.job(id));
}

/** The batch line of a job's batch (a string: re-renders only when its text changes); null without a batch. */
export function useBatchLine(batchId: string | undefined): string | null {
  const { store } = useIntakeContext();
  return useSyncExternalStore(store.subscribe, () => (batchId === undefined ? null : store.batchLine(batchId)));
}

/** The ids a filter shows; a new array only when its members change. */
export function useJobIds(filter: JobFilter): readonly string[] {
  const { store } = useIntakeContext();
  return useSyncExternalStore(store.subscribe, () => store.idsMatching(filter));
}

/** Handles each command from main once (the handler always sees the latest props and state). */
export function useMainCommands(handle: (command: MainCommand) => void): void {
  const { store } = useIntakeContext();
  const onCommand = useEffectEvent(handle);
  useEffect(() => store.onCommand((command) => onCommand(command)), [store]);
}

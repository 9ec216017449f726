/** Seed 004's `batch:update`, read tolerantly (the connection reads it; the window shows it on the batch's jobs). */
export interface BatchProgress {
  batchId: string;
  total: number | null;
  completed: number | null;
  progress: number | null;
  status: string;
  message: string;
}

/**
 * Creates server jobs the plain way a peer would: one multipart POST per job
 * (fetch + FormData). Used to give the fan-out, recovery and polling figures
 * open jobs to follow; it is set-up, not a measured figure.
 */
import type { SocketIoDialect } from '../../src/shared/dialect';
import { tinyPdf } from './documents';

export interface SeededJob {
  jobId: string;
  chartNumber: string;
}

/** `dialect`: a Socket.IO backend's upload path and field names (default PROTOCOL.md §1's). */
export async function seedJobs(baseUrl: string, count: number, label: string, concurrency = 8, dialect?: SocketIoDialect): Promise<SeededJob[]> {
  const names = dialect ? { path: dialect.rest.upload, chart: dialect.form.chartNumber, files: dialect.form.documents, id: dialect.fields.jobId } : { path: '/documents/upload', chart: 'chartNumber', files: 'documents', id: 'jobId' };
  const pdf = tinyPdf();
  const jobs: SeededJob[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      const chartNumber = `${label}-${index}`;
      const form = new FormData();
      form.append(names.chart, chartNumber);
      form.append(names.files, new Blob([pdf], { type: 'application/pdf' }), 'doc.pdf');
      const response = await fetch(`${baseUrl}${names.path}`, { method: 'POST', body: form });
      const body = (await response.json()) as Record<string, unknown>;
      const jobId = body[names.id];
      if (!response.ok || typeof jobId !== 'string') throw new Error(`seeding job ${index} failed: HTTP ${response.status} ${String(body.message ?? '')}`);
      jobs[index] = { jobId, chartNumber };
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return jobs;
}

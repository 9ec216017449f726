/**
 * Creates server jobs the plain way a peer would: one multipart POST per job
 * (fetch + FormData). Used to give the fan-out, recovery and polling figures
 * open jobs to follow; it is set-up, not a measured figure.
 */
import { tinyPdf } from './documents';

export interface SeededJob {
  jobId: string;
  chartNumber: string;
}

export async function seedJobs(baseUrl: string, count: number, label: string, concurrency = 8): Promise<SeededJob[]> {
  const pdf = tinyPdf();
  const jobs: SeededJob[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      const chartNumber = `${label}-${index}`;
      const form = new FormData();
      form.append('chartNumber', chartNumber);
      form.append('documents', new Blob([pdf], { type: 'application/pdf' }), 'doc.pdf');
      const response = await fetch(`${baseUrl}/documents/upload`, { method: 'POST', body: form });
      const body = (await response.json()) as { jobId?: string; message?: string };
      if (!response.ok || typeof body.jobId !== 'string') throw new Error(`seeding job ${index} failed: HTTP ${response.status} ${body.message ?? ''}`);
      jobs[index] = { jobId: body.jobId, chartNumber };
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return jobs;
}

/** curl, the peer of the upload figures: the same multipart POST a script would make. */
import { spawn } from 'node:child_process';

function runProcess(command: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** One `curl -F` upload; throws unless the server answered 201. */
export async function curlUpload(baseUrl: string, chartNumber: string, filePath: string): Promise<void> {
  const result = await runProcess('curl', [
    '-sS', '-o', '/dev/null', '-w', '%{http_code}',
    '-F', `chartNumber=${chartNumber}`,
    '-F', `documents=@${filePath};type=application/pdf`,
    `${baseUrl}/documents/upload`,
  ]);
  if (result.code !== 0 || result.stdout !== '201') throw new Error(`curl upload failed: exit ${result.code}, HTTP ${result.stdout} ${result.stderr.trim()}`);
}

/** Many files, one job each, in a plain shell loop (what an integrator would script). */
export async function curlShellLoop(baseUrl: string, label: string, filePaths: string[]): Promise<void> {
  const script = [
    'set -e; i=0',
    'for f in "$@"; do',
    `  code=$(curl -sS -o /dev/null -w '%{http_code}' -F "chartNumber=${label}-$i" -F "documents=@$f;type=application/pdf" '${baseUrl}/documents/upload')`,
    '  [ "$code" = 201 ] || { echo "HTTP $code for file $i" >&2; exit 1; }',
    '  i=$((i+1))',
    'done',
  ].join('\n');
  const result = await runProcess('bash', ['-c', script, 'curl-loop', ...filePaths]);
  if (result.code !== 0) throw new Error(`curl loop failed: exit ${result.code} ${result.stderr.trim()}`);
}

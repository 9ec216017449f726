/**
 * `--fail-plan SPEC`: a deterministic failure plan for a server *process*
 * (a function cannot be passed on a command line).
 *   chart              a chart number containing "fail<N>" (any case, e.g.
 *                      "C-17-fail2") fails its first N attempts; others succeed
 *   every:K=N[,...]    jobs whose index (0-based, upload order) is a multiple
 *                      of K fail N attempts; the first matching rule wins
 * N >= --max-attempts fails the job for good.
 */
export type FailPlan = (info: { chartNumber: string; jobIndex: number }) => number;

export function parseFailPlan(spec: string): FailPlan | string {
  if (spec === 'chart') {
    return ({ chartNumber }) => Number(/fail(\d+)/i.exec(chartNumber)?.[1] ?? 0);
  }
  const rules: Array<{ every: number; failures: number }> = [];
  for (const part of spec.split(',')) {
    const match = /^every:(\d+)=(\d+)$/.exec(part.trim());
    const every = Number(match?.[1]);
    if (match === null || every < 1) {
      return `--fail-plan must be "chart" or "every:K=N[,every:K=N...]" with K >= 1 (got "${spec}").`;
    }
    rules.push({ every, failures: Number(match[2]) });
  }
  return ({ jobIndex }) => rules.find((rule) => jobIndex % rule.every === 0)?.failures ?? 0;
}

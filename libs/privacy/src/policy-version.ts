// Pure rules of policy versions: what may be published, and which published version is in force.

export interface PublishCheckInput {
  status: 'draft' | 'published';
  effectiveAt: Date | null;
  title: string;
  body: string;
}

/** Field → message, empty when the version may be published at `now`. */
export function publishProblems(v: PublishCheckInput, now: Date): Record<string, string> {
  const problems: Record<string, string> = {};
  if (v.effectiveAt === null) problems.effectiveAt = 'Set the effective date before publishing.';
  // A minute of slack for the clock of whoever clicks "publish now".
  else if (v.effectiveAt.getTime() < now.getTime() - 60_000) problems.effectiveAt = 'The effective date is in the past; choose today (now) or a later date.';
  if (!v.title.trim()) problems.title = 'The title must not be empty.';
  if (!v.body.trim()) problems.body = 'The body must not be empty.';
  return problems;
}

export interface PublishedVersionRef {
  id: string;
  effectiveAt: Date;
  publishedAt: Date;
}

/** The version in force at `now`: the published one with the latest effective date not after now. */
export function versionInForce<T extends PublishedVersionRef>(versions: readonly T[], now: Date): T | undefined {
  let best: T | undefined;
  for (const v of versions) {
    if (v.effectiveAt.getTime() > now.getTime()) continue;
    if (!best || v.effectiveAt > best.effectiveAt || (v.effectiveAt.getTime() === best.effectiveAt.getTime() && v.publishedAt > best.publishedAt)) best = v;
  }
  return best;
}

/** YYYY-MM-DD in UTC. */
export function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

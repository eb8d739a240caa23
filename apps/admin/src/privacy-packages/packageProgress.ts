/** A package's status as GET /admin/privacy-packages/:id answers it (AccessPackageStatus on the API side). */
export interface PackageStatusRecord {
  id: string;
  state: 'queued' | 'building' | 'ready' | 'failed' | 'purged';
  attempts: number;
  progress: { categoriesDone: number; categoriesTotal: number; bytes: number };
  size?: number;
  sha256?: string;
  errorCode?: string;
  readyAt?: string;
  expiresAt?: string;
}

export const PACKAGE_STATE_CHOICES = [
  { id: 'queued', name: 'Queued' },
  { id: 'building', name: 'Building' },
  { id: 'ready', name: 'Ready' },
  { id: 'failed', name: 'Failed' },
  { id: 'purged', name: 'Purged' },
];

/** Percentage shown by the bar: categories walked make the first 50 %, the zip the rest (its final size is unknown until ready). */
export function progressPercent(status: Pick<PackageStatusRecord, 'state' | 'progress'>): number | undefined {
  if (status.state === 'ready' || status.state === 'purged') return 100;
  if (status.state !== 'building') return undefined;
  const { categoriesDone, categoriesTotal, bytes } = status.progress;
  if (categoriesTotal > 0 && categoriesDone < categoriesTotal) return Math.round((categoriesDone / categoriesTotal) * 50);
  return bytes > 0 ? 75 : 50;
}

/** 1536 → "1.5 kB" (decimal units, as file managers show). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** Polling stops once the package can no longer change by itself. */
export function isSettled(state: PackageStatusRecord['state']): boolean {
  return state === 'ready' || state === 'failed' || state === 'purged';
}

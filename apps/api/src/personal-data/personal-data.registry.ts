// The one list of every place that holds personal data about an end user. Each module that stores
// personal data registers a source (from its onModuleInit) that can export it (access and
// portability requests) and erase it (deletion requests, retention). The privacy-request and
// erasure engines walk this registry; they never know the modules' tables.
import { Injectable } from '@nestjs/common';

/** Whose data: the user's id (the email is looked up by sources that need it). */
export interface PersonalDataSubject {
  userId: string;
}

/** A file that belongs in the access package's `media/` folder, read from our storage. */
export interface PersonalDataMedia {
  /** Path inside `media/`, e.g. `videos/<jobId>.mp4`. */
  path: string;
  storageKey: string;
  contentType: string;
}

/** One exported record (one row of `data.json`'s category and of its CSV), with its files. */
export interface PersonalDataRecord {
  data: Record<string, string | number | boolean | null | string[] | Record<string, unknown>>;
  media?: PersonalDataMedia[];
}

/** What an eraser did, for the deletion certificate. */
export interface ErasureOutcome {
  deleted: number;
  anonymised: number;
  /** What was kept and why (a legal hold, accounting, the audit trail). */
  retained: { count: number; basis: string }[];
  /** Outside systems reached (e.g. `stripe`, `video-provider`). */
  systemsReached?: string[];
}

export interface PersonalDataSource {
  /** Stable category key used in `data.json` and the certificate, e.g. `identity.profile`. */
  category: string;
  /** Human description for the access report: what the data is. */
  description: string;
  /** Why we hold it (the policy's purposes). */
  purposes: string[];
  /** Where it came from: `user`, `device`, `stripe`, `staff`, `system`. */
  sources: string[];
  /** Streams the subject's records; large categories page through the database. */
  export(subject: PersonalDataSubject): AsyncIterable<PersonalDataRecord>;
  /** Erases (or anonymises where others' records depend on it) the subject's data. Must be idempotent. */
  erase(subject: PersonalDataSubject): Promise<ErasureOutcome>;
  /**
   * When this source is erased relative to the others: lower first (default 100). The account itself
   * (rows others reference) goes last, e.g. 1000.
   */
  eraseOrder?: number;
}

@Injectable()
export class PersonalDataRegistry {
  private readonly sources = new Map<string, PersonalDataSource>();

  register(source: PersonalDataSource): void {
    if (this.sources.has(source.category)) throw new Error(`Personal data category "${source.category}" is registered twice.`);
    this.sources.set(source.category, source);
  }

  /** Every registered source, in category order (stable packages and certificates). */
  list(): PersonalDataSource[] {
    return [...this.sources.values()].sort((a, b) => a.category.localeCompare(b.category));
  }

  /** Every source in the order erasure runs them (eraseOrder, then category). */
  erasureOrder(): PersonalDataSource[] {
    return this.list().sort((a, b) => (a.eraseOrder ?? 100) - (b.eraseOrder ?? 100) || a.category.localeCompare(b.category));
  }

  get(category: string): PersonalDataSource | undefined {
    return this.sources.get(category);
  }
}

/** Collects an exporter's records into an array (small categories and tests). */
export async function collectRecords(source: PersonalDataSource, subject: PersonalDataSubject): Promise<PersonalDataRecord[]> {
  const out: PersonalDataRecord[] = [];
  for await (const record of source.export(subject)) out.push(record);
  return out;
}

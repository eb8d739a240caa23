import { Injectable } from '@nestjs/common';
import { SALE_SHARING, fieldPurpose, purposeField } from '@soar2/privacy';
import { DataSource } from 'typeorm';
import { ValidationFailedException } from '../errors/domain.exception';
import type { ClientInfo } from '../identity/client-info';
import { ConsentService } from './consent.service';

/** `{marketingEmails, analytics, productImprovement, …}` booleans, `doNotSellOrShare`, and when GPC was honoured. */
export type Preferences = Record<string, boolean | string | null>;

const DO_NOT_SELL = 'doNotSellOrShare';

/** The caller's own communication and data-use preferences, kept as entries of the consent ledger. */
@Injectable()
export class PreferencesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly consent: ConsentService,
  ) {}

  async get(userId: string): Promise<Preferences> {
    const state = await this.consent.current(userId);
    const out: Preferences = {};
    for (const [purpose, s] of Object.entries(state.purposes)) {
      if (purpose === SALE_SHARING) out[DO_NOT_SELL] = !s.granted;
      else out[purposeField(purpose)] = s.granted;
    }
    out.gpcHonouredAt = state.gpc.firstAt ? state.gpc.firstAt.toISOString() : null;
    return out;
  }

  /** Applies the given booleans (others unchanged); unknown names or non-booleans answer 422 with a message per field. */
  async update(userId: string, body: unknown, client: ClientInfo): Promise<Preferences> {
    const changes = this.parse(body);
    await this.dataSource.transaction(async (manager) => {
      for (const [purpose, granted] of changes) {
        await this.consent.record({ userId, purpose, granted, source: 'user', ip: client.ip, userAgent: client.userAgent }, manager);
      }
    });
    return this.get(userId);
  }

  private parse(body: unknown): Array<[string, boolean]> {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new ValidationFailedException({ body: 'Send an object of preference names and true/false values.' });
    const known = [...this.consent.purposes.filter((p) => p !== SALE_SHARING).map(purposeField), DO_NOT_SELL];
    const errors: Record<string, string> = {};
    const out: Array<[string, boolean]> = [];
    for (const [field, value] of Object.entries(body as Record<string, unknown>)) {
      if (!known.includes(field)) errors[field] = `"${field.slice(0, 64)}" is not a preference; use ${known.join(', ')}.`;
      else if (typeof value !== 'boolean') errors[field] = `${field} must be true or false.`;
      else out.push(field === DO_NOT_SELL ? [SALE_SHARING, !value] : [fieldPurpose(field), value]);
    }
    if (Object.keys(body as object).length === 0) errors.body = `Send at least one of ${known.join(', ')}.`;
    if (Object.keys(errors).length > 0) throw new ValidationFailedException(errors);
    return out;
  }
}

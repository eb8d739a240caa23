// Which privacy law governs a request, from the requester's region (ISO 3166-1 alpha-2, EU, or US-XX).
import type { Regime, RequesterType } from './request-types';

/** EU member states plus the EEA (IS, LI, NO) where the GDPR applies, and GB (UK GDPR, same deadlines). */
export const GDPR_COUNTRIES: ReadonlySet<string> = new Set(
  'AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE IS LI NO GB EU'.split(' '),
);
/** Outermost regions and territories that are part of the EU though they have their own ISO codes. */
const GDPR_TERRITORIES: ReadonlySet<string> = new Set('GF GP MQ RE YT MF AX'.split(' '));

/** The regime a region implies: GDPR in the EU/EEA/UK, CCPA in California, `other` elsewhere or unknown. */
export function regimeForRegion(region: string | null | undefined): Regime {
  const code = (region ?? '').trim().toUpperCase();
  if (GDPR_COUNTRIES.has(code) || GDPR_TERRITORIES.has(code)) return 'gdpr';
  if (code === 'US-CA') return 'ccpa';
  return 'other';
}

/**
 * Every regime that applies to a request: the one the requester named, the one their region
 * implies, and COPPA for a parent acting for a child. `other` only when nothing else applies.
 */
export function applicableRegimes(input: { regulation?: Regime | null; region?: string | null; requesterType: RequesterType }): Regime[] {
  const found = new Set<Regime>();
  if (input.regulation) found.add(input.regulation);
  found.add(regimeForRegion(input.region));
  if (input.requesterType === 'parent') found.add('coppa');
  if (found.size > 1) found.delete('other');
  const order: Regime[] = ['gdpr', 'ccpa', 'coppa', 'other'];
  return order.filter((r) => found.has(r));
}

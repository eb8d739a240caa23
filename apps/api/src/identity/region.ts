// The `region` of a user profile: where the user lives, which decides the privacy regime of their
// requests (GDPR for EU/EEA countries, CCPA for US-CA, …). Accepted forms:
//   - an ISO 3166-1 alpha-2 country code that is officially assigned (e.g. FR, US, GB);
//   - EU, for a user who only tells us they live in the European Union;
//   - a US state, DC or territory as an ISO 3166-2:US subdivision (e.g. US-CA), because US privacy
//     law is made state by state. Subdivisions of other countries are not asked for.
// Input is case-insensitive; the stored form is upper case.

/** ISO 3166-1 alpha-2, officially assigned codes (249). */
const COUNTRIES = new Set(
  `AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ
   CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR
   GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP
   KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT
   MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW
   SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG
   UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW`.split(/\s+/),
);

/** ISO 3166-2:US: the 50 states, DC and the outlying territories. */
const US_SUBDIVISIONS = new Set(
  `AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA
   RI SC SD TN TX UT VT VA WA WV WI WY DC AS GU MP PR UM VI`.split(/\s+/),
);

export const ISO_COUNTRY_CODES: ReadonlySet<string> = COUNTRIES;
export const US_SUBDIVISION_CODES: ReadonlySet<string> = US_SUBDIVISIONS;

export type RegionCheck = { ok: true; region: string } | { ok: false; message: string };

const FORMS = 'a two-letter country code such as FR or US, EU, or a US state such as US-CA';

/** Validates and normalises a region code; the message of a refusal is a sentence for the user. */
export function parseRegion(input: string): RegionCheck {
  const code = input.trim().toUpperCase();
  if (code === 'EU' || COUNTRIES.has(code)) return { ok: true, region: code };
  if (code === 'UK') return { ok: false, message: 'The region code of the United Kingdom is GB.' };
  const sub = /^([A-Z]{2})-([A-Z0-9]{1,3})$/.exec(code);
  if (sub) {
    const [, country = '', part = ''] = sub;
    if (country === 'US' && US_SUBDIVISIONS.has(part)) return { ok: true, region: code };
    if (country === 'US') return { ok: false, message: `"${code}" is not a US state, DC or territory; use ${FORMS}.` };
    if (COUNTRIES.has(country)) return { ok: false, message: `Regions within ${country} are not used; give the country code ${country} alone.` };
  }
  return { ok: false, message: `The region must be ${FORMS}.` };
}

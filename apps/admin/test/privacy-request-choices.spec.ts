// The console's privacy-request choices are written out for the browser bundle (libs/privacy also
// holds node-only code); this keeps them the same as the rules' vocabulary.
import { DENIAL_REASONS, REGIMES, REQUEST_STATUSES, REQUEST_TYPES } from '../../../libs/privacy/src/request-types';
import { DENIAL_REASON_CHOICES, REGIME_CHOICES, REQUEST_STATUS_CHOICES, REQUEST_TYPE_CHOICES } from '../src/privacy-requests/privacyRequestChoices';

const ids = (choices: ReadonlyArray<{ id: string }>): string[] => choices.map((c) => c.id);

describe('privacy-request choices in the console', () => {
  it('offer exactly the request types, regimes, statuses and denial reasons of libs/privacy', () => {
    expect(ids(REQUEST_TYPE_CHOICES)).toEqual([...REQUEST_TYPES]);
    expect(ids(REGIME_CHOICES)).toEqual([...REGIMES]);
    expect(ids(REQUEST_STATUS_CHOICES).sort()).toEqual([...REQUEST_STATUSES].sort());
    expect(ids(DENIAL_REASON_CHOICES)).toEqual([...DENIAL_REASONS]);
  });
});

import { LedgerMovement, unusedAllowance } from './allowance-expiry';

const at = (day: number): Date => new Date(Date.UTC(2026, 0, day));
const grant = (id: string, amount: number, expires: Date | null): LedgerMovement => ({ id, kind: expires ? 'grant' : 'purchase', amount, expiresAt: expires, grantId: null });
const spend = (id: string, amount: number, kind = 'capture'): LedgerMovement => ({ id, kind, amount: -amount, expiresAt: null, grantId: null });

describe('unusedAllowance', () => {
  it('expires the whole allowance when nothing was spent', () => {
    expect(unusedAllowance([grant('g', 100, at(31))], 'g', 100)).toBe(100);
  });

  it('spends the allowance before purchased credits', () => {
    const moves = [grant('p', 50, null), grant('g', 100, at(31)), spend('c1', 30)];
    expect(unusedAllowance(moves, 'g', 120)).toBe(70);
  });

  it('expires nothing once spending exceeded the allowance, and never touches purchases', () => {
    const moves = [grant('p', 50, null), grant('g', 100, at(31)), spend('c1', 120)];
    expect(unusedAllowance(moves, 'g', 30)).toBe(0);
  });

  it('takes from the allowance that expires first', () => {
    const moves = [grant('g1', 100, at(31)), grant('g2', 100, at(60)), spend('c', 150)];
    expect(unusedAllowance(moves, 'g1', 50)).toBe(0);
    expect(unusedAllowance(moves, 'g2', 50)).toBe(50);
  });

  it('never expires credits that are held (caps at available)', () => {
    expect(unusedAllowance([grant('g', 100, at(31))], 'g', 40)).toBe(40);
  });

  it('never expires more than is available when the balance is negative', () => {
    const moves = [grant('g', 100, at(31)), spend('x', 150, 'clawback')];
    expect(unusedAllowance(moves, 'g', -50)).toBe(0);
  });

  it('counts an earlier expiry of the same grant', () => {
    const moves: LedgerMovement[] = [grant('g', 100, at(31)), { id: 'e', kind: 'expiry', amount: -100, expiresAt: null, grantId: 'g' }];
    expect(unusedAllowance(moves, 'g', 0)).toBe(0);
  });

  it('is zero for an unknown grant', () => {
    expect(unusedAllowance([], 'nope', 10)).toBe(0);
  });
});

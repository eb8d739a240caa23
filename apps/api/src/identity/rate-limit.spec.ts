import { clientNetworkKey } from './rate-limit';

describe('clientNetworkKey', () => {
  it('keeps IPv4 addresses, including IPv4-mapped IPv6 ones', () => {
    expect(clientNetworkKey('203.0.113.9')).toBe('203.0.113.9');
    expect(clientNetworkKey('::ffff:203.0.113.9')).toBe('203.0.113.9');
  });

  it('reduces IPv6 addresses to their /64, however they are written', () => {
    const key = '2001:db8:85a3:8d3::/64';
    expect(clientNetworkKey('2001:db8:85a3:8d3:1319:8a2e:370:7348')).toBe(key);
    expect(clientNetworkKey('2001:0db8:85a3:08d3::1')).toBe(key);
    expect(clientNetworkKey('2001:DB8:85A3:8D3:ffff::')).toBe(key);
    expect(clientNetworkKey('2001:db8:85a3:8d4::1')).not.toBe(key);
    expect(clientNetworkKey('::1')).toBe('0:0:0:0::/64');
    expect(clientNetworkKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(clientNetworkKey('64:ff9b::192.0.2.33')).toBe('64:ff9b:0:0::/64');
  });

  it('puts clients without a readable address in one shared bucket', () => {
    expect(clientNetworkKey(undefined)).toBe('unknown');
    expect(clientNetworkKey('not an ip')).toBe('unknown');
  });
});

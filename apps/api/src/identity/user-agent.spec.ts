import { MAX_USER_AGENT_LENGTH, ParsedUserAgent, parseUserAgent } from './user-agent';

const cases: Array<[string, string, ParsedUserAgent]> = [
  [
    'Chrome on Windows 11',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
    { deviceType: 'desktop', browser: 'Chrome 126', os: 'Windows 10/11' },
  ],
  [
    'Edge on Windows',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36 Edg/125.0.2535.67',
    { deviceType: 'desktop', browser: 'Edge 125', os: 'Windows 10/11' },
  ],
  [
    'Firefox on Windows 7',
    'Mozilla/5.0 (Windows NT 6.1; Win64; x64; rv:115.0) Gecko/20100101 Firefox/115.0',
    { deviceType: 'desktop', browser: 'Firefox 115', os: 'Windows 7' },
  ],
  [
    'Safari on macOS',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
    { deviceType: 'desktop', browser: 'Safari 17', os: 'macOS 10.15' },
  ],
  [
    'Firefox on Ubuntu',
    'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0',
    { deviceType: 'desktop', browser: 'Firefox 127', os: 'Ubuntu' },
  ],
  [
    'Chrome on a Chromebook',
    'Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
    { deviceType: 'desktop', browser: 'Chrome 124', os: 'ChromeOS' },
  ],
  [
    'Safari on iPhone',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
    { deviceType: 'mobile', browser: 'Safari 17', os: 'iOS 17.5' },
  ],
  [
    'Chrome on iPhone',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 16_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/126.0.6478.54 Mobile/15E148 Safari/604.1',
    { deviceType: 'mobile', browser: 'Chrome 126', os: 'iOS 16' },
  ],
  [
    'Firefox on iPad',
    'Mozilla/5.0 (iPad; CPU OS 15_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/127.0 Mobile/15E148 Safari/605.1.15',
    { deviceType: 'tablet', browser: 'Firefox 127', os: 'iOS 15.2' },
  ],
  [
    'Chrome on an Android phone',
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478.71 Mobile Safari/537.36',
    { deviceType: 'mobile', browser: 'Chrome 126', os: 'Android 14' },
  ],
  [
    'Samsung Internet on an Android tablet',
    'Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Safari/537.36',
    { deviceType: 'tablet', browser: 'Samsung Internet 25', os: 'Android 13' },
  ],
  [
    'an Android WebView inside an app',
    'Mozilla/5.0 (Linux; Android 12.1; SM-G991B; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0.6099.230 Mobile Safari/537.36',
    { deviceType: 'mobile', browser: 'Android WebView 120', os: 'Android 12.1' },
  ],
  [
    'Opera on Windows',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 OPR/110.0.0.0',
    { deviceType: 'desktop', browser: 'Opera 110', os: 'Windows 10/11' },
  ],
  [
    'Internet Explorer 11',
    'Mozilla/5.0 (Windows NT 6.3; Trident/7.0; rv:11.0) like Gecko',
    { deviceType: 'desktop', browser: 'Internet Explorer 11', os: 'Windows 8.1' },
  ],
  [
    'Googlebot',
    'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
    { deviceType: 'bot', browser: 'Googlebot 2', os: null },
  ],
  [
    'headless Chrome (automation)',
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/126.0.0.0 Safari/537.36',
    { deviceType: 'bot', browser: 'Headless Chrome 126', os: 'Linux' },
  ],
  ['curl', 'curl/8.5.0', { deviceType: 'other', browser: 'curl 8', os: null }],
  ['python-requests', 'python-requests/2.32.3', { deviceType: 'other', browser: 'python-requests 2', os: null }],
  ['an unknown program', 'SoarClient/1.0', { deviceType: 'other', browser: null, os: null }],
];

describe('parseUserAgent', () => {
  it.each(cases)('reads %s', (_name, ua, expected) => {
    expect(parseUserAgent(ua)).toEqual(expected);
  });

  it('answers nulls for a missing or empty header', () => {
    for (const ua of [undefined, null, '', '   ']) expect(parseUserAgent(ua)).toEqual({ deviceType: 'other', browser: null, os: null });
  });

  it('parses only the first 512 characters of an oversized header', () => {
    const huge = `Mozilla/5.0 (Windows NT 10.0) ${'x'.repeat(100_000)} Chrome/126.0`;
    expect(parseUserAgent(huge)).toEqual({ deviceType: 'desktop', browser: null, os: 'Windows 10/11' });
    expect(MAX_USER_AGENT_LENGTH).toBe(512);
  });
});

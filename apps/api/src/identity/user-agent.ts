// Reads the device type, browser and operating system out of a User-Agent header, for the access
// log (compatibility and security review). Pure and deliberately small: it names the families that
// matter for support, and answers null rather than guess.

export const DEVICE_TYPES = ['desktop', 'mobile', 'tablet', 'bot', 'other'] as const;
export type DeviceType = (typeof DEVICE_TYPES)[number];

export interface ParsedUserAgent {
  deviceType: DeviceType;
  /** Family and major version, e.g. "Chrome 126"; null when not recognised. */
  browser: string | null;
  /** Family and version where the header tells it, e.g. "Android 14", "iOS 17.5"; null when not recognised. */
  os: string | null;
}

/** Longer headers are cut before parsing (and before storing): no real browser sends more. */
export const MAX_USER_AGENT_LENGTH = 512;

const BOT = /bot\b|bot\/|crawler|spider|slurp|facebookexternalhit|headlesschrome|lighthouse|\bpingdom/i;

/** Ordered: Chromium-based browsers name themselves before the "Chrome/" token they all carry. */
const BROWSERS: Array<[RegExp, string]> = [
  [/\bEdg(?:e|A|iOS)?\/(\d+)/, 'Edge'],
  [/\bOPR\/(\d+)/, 'Opera'],
  [/\bOPiOS\/(\d+)/, 'Opera'],
  [/\bSamsungBrowser\/(\d+)/, 'Samsung Internet'],
  [/\bYaBrowser\/(\d+)/, 'Yandex Browser'],
  [/\bVivaldi\/(\d+)/, 'Vivaldi'],
  [/\bHeadlessChrome\/(\d+)/, 'Headless Chrome'],
  [/\bFirefox\/(\d+)/, 'Firefox'],
  [/\bFxiOS\/(\d+)/, 'Firefox'],
  [/\bCriOS\/(\d+)/, 'Chrome'],
  [/; wv\).*?\bChrome\/(\d+)/, 'Android WebView'],
  [/\bChromium\/(\d+)/, 'Chromium'],
  [/\bChrome\/(\d+)/, 'Chrome'],
  [/\bVersion\/(\d+)(?:\.\d+)*(?: Mobile\/\w+)? Safari\//, 'Safari'],
  [/\bMSIE (\d+)/, 'Internet Explorer'],
  [/\bTrident\/.*?\brv:(\d+)/, 'Internet Explorer'],
  [/\bGooglebot\/(\d+)/, 'Googlebot'],
  [/\bbingbot\/(\d+)/, 'Bingbot'],
];

/** Programs rather than browsers: named with their major version, device type "other". */
const TOOLS: Array<[RegExp, string]> = [
  [/^curl\/(\d+)/i, 'curl'],
  [/^Wget\/(\d+)/i, 'Wget'],
  [/^python-requests\/(\d+)/i, 'python-requests'],
  [/^okhttp\/(\d+)/i, 'OkHttp'],
  [/^Go-http-client\/(\d+)/i, 'Go http client'],
  [/^axios\/(\d+)/i, 'axios'],
  [/^node-fetch\/(\d+)/i, 'node-fetch'],
  [/^PostmanRuntime\/(\d+)/i, 'Postman'],
];

const WINDOWS_VERSIONS: Record<string, string> = {
  '10.0': '10/11', // Windows 11 still sends "Windows NT 10.0"
  '6.3': '8.1',
  '6.2': '8',
  '6.1': '7',
  '6.0': 'Vista',
  '5.2': 'XP',
  '5.1': 'XP',
};

function version(major: string | undefined, minor: string | undefined): string {
  return minor !== undefined && minor !== '0' ? `${major}.${minor}` : `${major}`;
}

function parseOs(ua: string): string | null {
  let m: RegExpExecArray | null;
  if (/Windows Phone/.test(ua)) return 'Windows Phone';
  if ((m = /Windows NT (\d+\.\d+)/.exec(ua))) return `Windows ${WINDOWS_VERSIONS[m[1] ?? ''] ?? m[1]}`;
  if (/Windows/.test(ua)) return 'Windows';
  if ((m = /(?:iPhone|iPad|iPod)(?:.*?) OS (\d+)[_.](\d+)/.exec(ua))) return `iOS ${version(m[1], m[2])}`;
  if (/iPhone|iPad|iPod/.test(ua)) return 'iOS';
  if ((m = /Android (\d+)(?:\.(\d+))?/.exec(ua))) return `Android ${version(m[1], m[2])}`;
  if (/Android/.test(ua)) return 'Android';
  if (/CrOS/.test(ua)) return 'ChromeOS';
  if ((m = /Mac OS X (\d+)[_.](\d+)/.exec(ua))) return `macOS ${version(m[1], m[2])}`;
  if (/Macintosh/.test(ua)) return 'macOS';
  if (/Ubuntu/.test(ua)) return 'Ubuntu';
  if (/Linux|X11/.test(ua)) return 'Linux';
  return null;
}

function parseDevice(ua: string, bot: boolean, tool: boolean): DeviceType {
  if (bot) return 'bot';
  if (tool) return 'other';
  if (/iPad|Tablet|Kindle|Silk\/|PlayBook/.test(ua) || (/Android/.test(ua) && !/Mobile/.test(ua))) return 'tablet';
  if (/iPhone|iPod|Windows Phone|Mobile|Opera Mini/.test(ua)) return 'mobile';
  if (/Windows|Macintosh|X11|Linux|CrOS/.test(ua)) return 'desktop';
  return 'other';
}

export function parseUserAgent(header: string | null | undefined): ParsedUserAgent {
  const ua = (header ?? '').slice(0, MAX_USER_AGENT_LENGTH).trim();
  if (!ua) return { deviceType: 'other', browser: null, os: null };
  let browser: string | null = null;
  let tool = false;
  for (const [re, name] of TOOLS) {
    const m = re.exec(ua);
    if (m) {
      browser = `${name} ${m[1]}`;
      tool = true;
      break;
    }
  }
  if (!tool) {
    for (const [re, name] of BROWSERS) {
      const m = re.exec(ua);
      if (m) {
        browser = `${name} ${m[1]}`;
        break;
      }
    }
  }
  return { deviceType: parseDevice(ua, BOT.test(ua), tool), browser, os: tool ? null : parseOs(ua) };
}

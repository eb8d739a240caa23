import polyglotI18nProvider from 'ra-i18n-polyglot';
import { englishConsoleMessages } from '../i18n/en';

// allowMissing: an API sentence passed to notify() is shown as is rather than as a missing key.
export const i18nProvider = polyglotI18nProvider(() => englishConsoleMessages, 'en', [{ locale: 'en', name: 'English' }], { allowMissing: true });

import englishMessages from 'ra-language-english';
import { mergeTranslations, type TranslationMessages } from 'react-admin';

/** The stock English pack, with the console's own labels under `soar2` and per resource. */
export const englishConsoleMessages: TranslationMessages = mergeTranslations(englishMessages, {
  ra: { auth: { username: 'Email' } },
  soar2: {
    title: 'Soar2 Back-Office',
    roles: {
      admin: 'Admin',
      support_agent: 'Support agent',
      privacy_officer: 'Privacy officer',
      auditor: 'Auditor',
    },
    dashboard: {
      welcome: 'Welcome, %{name}',
      signed_in_as: 'Signed in as %{role}.',
      readiness: 'System readiness',
      ready: 'Ready',
      unavailable: 'Unavailable',
      loading: 'Checking…',
      unreachable: 'The API did not answer the readiness check.',
      processes: 'This process runs: %{roles}',
      latency: '%{ms} ms',
    },
    checks: { up: 'up', down: 'down' },
  },
  resources: {
    staff: {
      name: 'Staff member |||| Staff',
      fields: {
        email: 'Email',
        displayName: 'Name',
        role: 'Role',
        status: 'Status',
        lastLoginAt: 'Last sign-in',
        createdAt: 'Created',
        q: 'Search',
      },
    },
    notifications: {
      name: 'Email |||| Email outbox',
      fields: {
        kind: 'Kind',
        class: 'Class',
        to: 'To',
        subject: 'Subject',
        status: 'Status',
        attempts: 'Attempts',
        lastError: 'Last error',
        createdAt: 'Queued',
        sentAt: 'Sent',
        nextAttemptAt: 'Next attempt',
        text: 'Text',
      },
    },
  },
});

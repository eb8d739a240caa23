// Hands one message to the mail system: SMTP (SMTP_URL) in production, or one RFC 5322 .eml file
// per message under MAIL_DIR, so that development shows every email without a mail server.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { createTransport } from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';
import { parseConnectionUrl } from 'nodemailer/lib/shared';
import type SMTPPool from 'nodemailer/lib/smtp-pool';
import { APP_CONFIG, AppConfig } from '../config/app-config';

export interface MailToSend {
  notificationId: string;
  to: string;
  subject: string;
  text: string;
  html: string | null;
  headers: Record<string, string>;
}

export interface MailReceipt {
  /** The Message-ID header of what was sent. */
  messageId: string;
}

export type MailTransportMode = 'smtp' | 'file';

interface Sent {
  messageId: string;
  message?: unknown;
}

@Injectable()
export class MailerService implements OnApplicationShutdown {
  readonly mode: MailTransportMode;
  private readonly transport: Mail<Sent>;
  private readonly messageIdDomain: string;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.mode = config.mail.smtpUrl ? 'smtp' : 'file';
    this.messageIdDomain = /@([^>\s]+)>?\s*$/.exec(config.mail.from)?.[1] ?? 'soar2.local';
    this.transport = config.mail.smtpUrl ? smtpTransport(config.mail.smtpUrl) : createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  }

  async send(mail: MailToSend): Promise<MailReceipt> {
    const info = await this.transport.sendMail({
      from: this.config.mail.from,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      ...(mail.html !== null ? { html: mail.html } : {}),
      headers: mail.headers,
      // Derived from the row, so a retried message keeps its Message-ID and receivers can drop duplicates.
      messageId: `<${mail.notificationId}@${this.messageIdDomain}>`,
      disableFileAccess: true,
      disableUrlAccess: true,
    });
    if (this.mode === 'file') {
      if (!Buffer.isBuffer(info.message)) throw new Error('The file transport did not produce the message bytes.');
      await this.writeEml(mail.notificationId, info.message);
    }
    return { messageId: info.messageId };
  }

  /** Where the file transport writes a message. */
  emlPath(notificationId: string): string {
    return path.join(this.config.mail.fileDir, `${notificationId}.eml`);
  }

  /** For readiness: the file transport needs a writable directory; SMTP is not probed (the outbox rides out relay outages). */
  async check(): Promise<string> {
    if (this.mode === 'smtp') return 'smtp';
    await fs.mkdir(this.config.mail.fileDir, { recursive: true });
    await fs.access(this.config.mail.fileDir, fs.constants.W_OK);
    return 'file transport';
  }

  onApplicationShutdown(): void {
    this.transport.close();
  }

  private async writeEml(notificationId: string, bytes: Buffer): Promise<void> {
    const target = this.emlPath(notificationId);
    await fs.mkdir(path.dirname(target), { recursive: true });
    // Written aside and renamed, so a reader never sees half a message; 0600 because it holds personal data.
    const partial = `${target}.partial`;
    await fs.writeFile(partial, bytes, { mode: 0o600 });
    await fs.rename(partial, target);
  }
}

/** Pooled SMTP with bounded waits; query parameters of SMTP_URL (e.g. ?pool=false&ignoreTLS=true) override the defaults. */
function smtpTransport(url: string): Mail<Sent> {
  const options = {
    pool: true,
    maxConnections: 5,
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 60_000,
    logger: false,
    ...parseConnectionUrl(url),
  } as SMTPPool.Options;
  return createTransport(options);
}

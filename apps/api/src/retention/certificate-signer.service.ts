// Signs deletion certificates (Ed25519) and renders their PDF. The key comes from
// CERTIFICATE_SIGNING_KEY[_FILE]; outside production one is generated once under DATA_DIR.
import { generateKeyPairSync, type KeyObject, createPrivateKey, createPublicKey } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { keyFingerprint, signCertificate, type DeletionCertificateBody, type SignedDeletionCertificate } from '@soar2/privacy';
import PDFDocument from 'pdfkit';
import { APP_CONFIG, AppConfig } from '../config/app-config';

@Injectable()
export class CertificateSigner implements OnModuleInit {
  private readonly logger = new Logger('Retention');
  private key: KeyObject | undefined;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async onModuleInit(): Promise<void> {
    const { signingKey, keyFile } = this.config.certificates;
    let pem = signingKey;
    if (pem === undefined) {
      pem = await fs.readFile(keyFile, 'utf8').catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
        return undefined;
      });
    }
    if (pem === undefined) {
      if (this.config.production) throw new Error('CERTIFICATE_SIGNING_KEY or CERTIFICATE_SIGNING_KEY_FILE must be set in production mode.');
      pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      await fs.mkdir(path.dirname(keyFile), { recursive: true, mode: 0o700 });
      await fs.writeFile(keyFile, pem, { mode: 0o600, flag: 'wx' }).catch(async (err: NodeJS.ErrnoException) => {
        if (err.code !== 'EEXIST') throw err;
        pem = await fs.readFile(keyFile, 'utf8');
      });
      this.logger.log('generated a deletion-certificate signing key in the data directory (set CERTIFICATE_SIGNING_KEY in production)');
    }
    const key = createPrivateKey(pem);
    if (key.asymmetricKeyType !== 'ed25519') throw new Error('The deletion-certificate signing key must be an Ed25519 key.');
    this.key = key;
  }

  /** SHA-256 of the public key: publish it so anyone can check certificates (npm run verify-certificate). */
  fingerprint(): string {
    return keyFingerprint(createPublicKey(this.current()));
  }

  sign(body: DeletionCertificateBody): SignedDeletionCertificate {
    return signCertificate(body, this.current());
  }

  /** A one-page PDF of the certificate, with its fingerprint and signature, as a buffer. */
  renderPdf(signed: SignedDeletionCertificate): Promise<Buffer> {
    const c = signed.certificate;
    const doc = new PDFDocument({ size: 'A4', margin: 56, info: { Title: `Deletion certificate ${c.certificateId}`, Author: 'Soar2 AI', CreationDate: new Date(c.completedAt) } });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    const done = new Promise<Buffer>((resolve, reject) => {
      doc.on('end', () => resolve(Buffer.concat(chunks)));
      doc.on('error', reject);
    });
    doc.fontSize(20).text('Certificate of deletion', { align: 'left' });
    doc.moveDown(0.3).fontSize(10).fillColor('#555').text('Soar2 AI — erasure of an end-user account and its personal data');
    doc.moveDown().fillColor('#000').fontSize(11);
    const line = (label: string, value: string): void => {
      doc.font('Helvetica-Bold').text(`${label}: `, { continued: true }).font('Helvetica').text(value);
    };
    line('Certificate', c.certificateId);
    line('Account id', c.subjectId);
    line('Email (salted SHA-256)', c.subjectEmailHash);
    line('Salt', c.subjectEmailSalt);
    if (c.requestId) line('Privacy request', c.requestId);
    line('Started', c.startedAt);
    line('Completed', c.completedAt);
    line('Encryption key destroyed', c.dataKeyDestroyed ? 'yes (crypto-shredding: backups unreadable at once)' : 'no');
    line('Systems reached', c.systemsReached.join(', ') || 'none');
    doc.moveDown().font('Helvetica-Bold').fontSize(13).text('What was erased');
    doc.font('Helvetica').fontSize(10);
    for (const cat of c.categories) doc.text(`• ${cat.category}: ${cat.method} — ${cat.deleted} deleted, ${cat.anonymised} anonymised`);
    doc.moveDown().font('Helvetica-Bold').fontSize(13).text('What was kept, and why');
    doc.font('Helvetica').fontSize(10);
    if (c.retained.length === 0) doc.text('Nothing.');
    for (const r of c.retained) doc.text(`• ${r.category}: ${r.count} record(s) — ${r.basis}`);
    doc.moveDown().font('Helvetica-Bold').fontSize(13).text('Signature');
    doc.font('Courier').fontSize(8).text(`Ed25519 key fingerprint (SHA-256): ${signed.keyFingerprint}`).text(`Signature: ${signed.signature}`);
    doc.moveDown().font('Helvetica').fontSize(9).fillColor('#555').text('Check the JSON form of this certificate with: npm run verify-certificate <file.json>');
    doc.end();
    return done;
  }

  private current(): KeyObject {
    if (!this.key) throw new Error('The certificate signing key is read when the module starts; it is not loaded yet.');
    return this.key;
  }
}

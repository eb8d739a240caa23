// A real SMTP server on 127.0.0.1 (the `smtp-server` package) for tests that send email: records
// what it receives, and can answer chosen recipients with scripted failures or hold a message.
import type { AddressInfo } from 'node:net';
import PostalMime from 'postal-mime';
import { SMTPServer, SMTPServerAddress, SMTPServerDataStream, SMTPServerSession } from 'smtp-server';

export interface ReceivedMail {
  mailFrom: string;
  rcptTo: string[];
  raw: Buffer;
  parsed: PostalMime.Email;
}

export interface PeerReply {
  code: number;
  message: string;
}

export interface HeldMessage {
  /** Resolves when the message body has arrived and the peer is withholding its answer. */
  arrived: Promise<void>;
  /** Lets the peer accept the message. */
  release(): void;
}

type Phase = 'rcpt' | 'data';

function smtpError(reply: PeerReply): Error {
  return Object.assign(new Error(reply.message), { responseCode: reply.code });
}

export class SmtpPeer {
  readonly received: ReceivedMail[] = [];
  private readonly rcptSeen = new Map<string, number>();
  private readonly scripted = new Map<string, PeerReply[]>();
  private readonly held = new Map<string, { arrive: () => void; released: Promise<void> }>();

  private readonly server: SMTPServer;
  private port = 0;

  private constructor() {
    this.server = new SMTPServer({
      // Plain SMTP on loopback: no STARTTLS offered, no AUTH required.
      disabledCommands: ['STARTTLS', 'AUTH'],
      authOptional: true,
      logger: false,
      closeTimeout: 1000,
      onRcptTo: (address: SMTPServerAddress, _session: SMTPServerSession, callback: (err?: Error | null) => void) => this.onRcptTo(address, callback),
      onData: (stream: SMTPServerDataStream, session: SMTPServerSession, callback: (err?: Error | null) => void) => this.onData(stream, session, callback),
    });
  }

  static async start(): Promise<SmtpPeer> {
    const peer = new SmtpPeer();
    await new Promise<void>((resolve, reject) => {
      peer.server.once('error', reject);
      peer.server.listen(0, '127.0.0.1', () => resolve());
    });
    peer.port = (peer.server.server.address() as AddressInfo).port;
    return peer;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** The next answers for this recipient at RCPT TO or after DATA, one per attempt; afterwards it is accepted. */
  script(address: string, phase: Phase, ...replies: PeerReply[]): void {
    this.scripted.set(`${phase}:${address.toLowerCase()}`, replies);
  }

  /** Withholds the answer to the next message for this recipient until released. */
  hold(address: string): HeldMessage {
    let arrive!: () => void;
    let release!: () => void;
    const arrived = new Promise<void>((r) => (arrive = r));
    const released = new Promise<void>((r) => (release = r));
    this.held.set(address.toLowerCase(), { arrive, released });
    return { arrived, release };
  }

  /** How many times a client asked to deliver to this recipient (RCPT TO commands). */
  rcptCount(address: string): number {
    return this.rcptSeen.get(address.toLowerCase()) ?? 0;
  }

  /** Messages accepted for this recipient. */
  messagesTo(address: string): ReceivedMail[] {
    const a = address.toLowerCase();
    return this.received.filter((m) => m.rcptTo.includes(a));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private next(phase: Phase, address: string): PeerReply | undefined {
    return this.scripted.get(`${phase}:${address}`)?.shift();
  }

  private onRcptTo(address: SMTPServerAddress, callback: (err?: Error | null) => void): void {
    const a = address.address.toLowerCase();
    this.rcptSeen.set(a, this.rcptCount(a) + 1);
    const reply = this.next('rcpt', a);
    callback(reply ? smtpError(reply) : null);
  }

  private onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback: (err?: Error | null) => void): void {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      void (async () => {
        const rcptTo = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
        for (const a of rcptTo) {
          const reply = this.next('data', a);
          if (reply) return callback(smtpError(reply));
        }
        const raw = Buffer.concat(chunks);
        const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        this.received.push({ mailFrom, rcptTo, raw, parsed: await PostalMime.parse(raw) });
        for (const a of rcptTo) {
          const h = this.held.get(a);
          if (h) {
            this.held.delete(a);
            h.arrive();
            await h.released;
          }
        }
        callback(null);
      })().catch((err: Error) => callback(err));
    });
  }
}

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Entry } from '@napi-rs/keyring';
import { writeFileAtomic } from '../base/fs.ts';

/** A secret's name, as `${secret:NAME}` writes it. */
export const SECRET_NAME = /^[A-Za-z0-9_.-]{1,128}$/;
/** The environment variable that holds the passphrase of the encrypted secrets file, where there is no keychain. */
export const SECRETS_KEY_ENV = 'SWITCHBOARD_SECRETS_KEY';

/** Where secrets live: the OS keychain, or an encrypted file in the data dir. Values never touch mcp.json. */
export interface SecretStore {
  readonly kind: 'keychain' | 'file';
  /** For a person: where the secrets are. */
  readonly description: string;
  get(name: string): string | undefined;
  set(name: string, value: string): void;
  delete(name: string): boolean;
  names(): string[];
}

/** No store can be used here, and why (said at start, and by every `${secret:...}` that needs one). */
export interface NoSecretStore {
  readonly unavailable: string;
}

const SERVICE = 'MCP Switchboard';

/**
 * The OS keychain (macOS Keychain, Windows Credential Manager, the Secret Service on Linux: gnome-keyring, KWallet),
 * through @napi-rs/keyring. Each secret is one entry, under a service named after the data dir, so two data dirs
 * never share secrets. The keychain cannot list entries: their names are kept beside, in `secret-names.json`.
 */
export class KeychainSecrets implements SecretStore {
  readonly kind = 'keychain';
  readonly description = 'the OS keychain';
  private readonly service: string;
  private readonly index: string;

  constructor(dataDir: string) {
    this.service = `${SERVICE} (${path.resolve(dataDir)})`;
    this.index = path.join(dataDir, 'secret-names.json');
  }

  /** An entry; on Linux only the Secret Service (the kernel keyring forgets everything at reboot). */
  private entry(name: string): Entry {
    return new Entry(this.service, name, process.platform === 'linux' ? { linux: { store: 'secret-service' } } : undefined);
  }

  /** Throws when the keychain cannot be used here (no Secret Service on this Linux, a locked keychain). */
  probe(): void {
    this.entry('switchboard-probe').getPassword();
  }

  get(name: string): string | undefined {
    return this.entry(name).getPassword() ?? undefined;
  }

  set(name: string, value: string): void {
    this.entry(name).setPassword(value);
    this.writeNames([...new Set([...this.names(), name])]);
  }

  delete(name: string): boolean {
    const deleted = this.entry(name).deletePassword();
    this.writeNames(this.names().filter((known) => known !== name));
    return deleted;
  }

  names(): string[] {
    try {
      return (JSON.parse(fs.readFileSync(this.index, 'utf8')) as string[]).filter((name) => SECRET_NAME.test(name)).sort();
    } catch {
      return [];
    }
  }

  private writeNames(names: string[]): void {
    writeFileAtomic(this.index, `${JSON.stringify(names.sort(), null, 2)}\n`, { mode: 0o600 });
  }
}

interface SealedFile {
  version: 1;
  salt: string;
  iv: string;
  tag: string;
  data: string;
}

/**
 * Where there is no keychain (a server, a container): `secrets.enc` in the data dir, AES-256-GCM under a key derived
 * (scrypt) from the passphrase in SWITCHBOARD_SECRETS_KEY. Without the passphrase the file cannot be read.
 */
export class FileSecrets implements SecretStore {
  readonly kind = 'file';
  readonly description: string;
  private readonly file: string;

  constructor(
    dataDir: string,
    private readonly passphrase: string,
  ) {
    this.file = path.join(dataDir, 'secrets.enc');
    this.description = `the encrypted file ${this.file} (its key from ${SECRETS_KEY_ENV})`;
  }

  get(name: string): string | undefined {
    return this.read()[name];
  }

  set(name: string, value: string): void {
    this.write({ ...this.read(), [name]: value });
  }

  delete(name: string): boolean {
    const all = this.read();
    if (!(name in all)) return false;
    delete all[name];
    this.write(all);
    return true;
  }

  names(): string[] {
    return Object.keys(this.read()).sort();
  }

  private read(): Record<string, string> {
    let sealed: SealedFile;
    try {
      sealed = JSON.parse(fs.readFileSync(this.file, 'utf8')) as SealedFile;
    } catch {
      return {};
    }
    const key = crypto.scryptSync(this.passphrase, Buffer.from(sealed.salt, 'base64'), 32);
    const decipher = crypto.createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    try {
      return JSON.parse(Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]).toString('utf8')) as Record<string, string>;
    } catch {
      throw new Error(`${this.file} cannot be opened with the key in ${SECRETS_KEY_ENV}: it is not the key the secrets were stored with`);
    }
  }

  private write(all: Record<string, string>): void {
    const salt = crypto.randomBytes(16);
    const iv = crypto.randomBytes(12);
    const key = crypto.scryptSync(this.passphrase, salt, 32);
    const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
    const data = Buffer.concat([cipher.update(JSON.stringify(all), 'utf8'), cipher.final()]);
    const sealed: SealedFile = { version: 1, salt: salt.toString('base64'), iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
    writeFileAtomic(this.file, `${JSON.stringify(sealed)}\n`, { mode: 0o600 });
  }
}

/**
 * The secret store of a data dir: the OS keychain when there is one, else the encrypted file when
 * SWITCHBOARD_SECRETS_KEY is set, else none (and the reason, in a sentence).
 */
export function openSecretStore(dataDir: string, env: NodeJS.ProcessEnv = process.env): SecretStore | NoSecretStore {
  const passphrase = env[SECRETS_KEY_ENV];
  if (passphrase) return new FileSecrets(dataDir, passphrase);
  const keychain = new KeychainSecrets(dataDir);
  try {
    keychain.probe();
    return keychain;
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return { unavailable: `no OS keychain can be used here (${why}), and ${SECRETS_KEY_ENV} is not set for an encrypted secrets file in the data dir` };
  }
}

export function isSecretStore(store: SecretStore | NoSecretStore): store is SecretStore {
  return 'kind' in store;
}

/**
 * Password hashing with Argon2id. The cost is OWASP's minimum recommendation (19 MiB, two
 * passes): slow enough to make offline guessing expensive, cheap enough that logins do not
 * starve a two-core machine. argon2 encodes its parameters in the hash, so raising them
 * later keeps every stored hash verifiable.
 */
import argon2 from 'argon2';

export interface PasswordHasherOptions {
  memoryCostKiB?: number;
  timeCost?: number;
}

export class PasswordHasher {
  private readonly memoryCost: number;
  private readonly timeCost: number;
  /** Verified against when a login names nobody, so a miss costs as much time as a hit. */
  private dummyHash: Promise<string> | null = null;

  constructor(options: PasswordHasherOptions = {}) {
    this.memoryCost = options.memoryCostKiB ?? 19_456;
    this.timeCost = options.timeCost ?? 2;
  }

  hash(password: string): Promise<string> {
    return argon2.hash(password, {
      type: argon2.argon2id,
      memoryCost: this.memoryCost,
      timeCost: this.timeCost,
      parallelism: 1,
    });
  }

  async verify(hash: string, password: string): Promise<boolean> {
    try {
      return await argon2.verify(hash, password);
    } catch {
      // A malformed stored hash is a failed login, not a server error.
      return false;
    }
  }

  /** Spends a verification's time without any account, so unknown logins are not faster. */
  async verifyNobody(password: string): Promise<false> {
    this.dummyHash ??= this.hash('no such account');
    await this.verify(await this.dummyHash, password);
    return false;
  }
}

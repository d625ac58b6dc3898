import type { Sealed } from '@qa/domain';
import { SendTimeOpener } from './send-time.opener';
import type { FreshSealedOpener } from './send-time.opener';

/** A vault over a map of subject keys, counting fresh reads; erasing removes the subject. */
class CountingVault implements FreshSealedOpener {
  readonly erased = new Set<string>();
  freshReads = 0;
  opens = 0;
  async open(sealed: Sealed, options: { fresh?: boolean } = {}): Promise<string | null> {
    this.opens++;
    if (options.fresh) this.freshReads++;
    return this.erased.has(sealed.subject) ? null : `clear:${sealed.data}`;
  }
}

const sealed = (subject: string, data: string): Sealed => ({ subject, data }) as Sealed;

describe('SendTimeOpener', () => {
  let clock: number;
  let vault: CountingVault;
  let opener: SendTimeOpener;
  beforeEach(() => {
    clock = 1_000_000;
    vault = new CountingVault();
    opener = new SendTimeOpener(vault, 1_000, 100, () => clock);
  });

  it('shares one fresh read among sends to one subject within the window', async () => {
    expect(await opener.open(sealed('u1', 'a'))).toBe('clear:a');
    clock += 500;
    expect(await opener.open(sealed('u1', 'a'))).toBe('clear:a');
    expect(await opener.open(sealed('u1', 'b'))).toBe('clear:b');
    expect(vault.freshReads).toBe(1);
  });

  it('reads the key again once the window is over, so a later erasure is seen', async () => {
    expect(await opener.open(sealed('u1', 'a'))).toBe('clear:a');
    vault.erased.add('u1');
    clock += 1_001;
    expect(await opener.open(sealed('u1', 'a'))).toBeNull();
    expect(vault.freshReads).toBe(2);
  });

  it('sees an erasure at once after forget', async () => {
    await opener.open(sealed('u1', 'a'));
    vault.erased.add('u1');
    opener.forget('u1');
    expect(await opener.open(sealed('u1', 'a'))).toBeNull();
  });

  it('reads fresh every time when the window is zero', async () => {
    const strict = new SendTimeOpener(vault, 0);
    await strict.open(sealed('u1', 'a'));
    await strict.open(sealed('u1', 'a'));
    expect(vault.freshReads).toBe(2);
  });

  it('does not remember a failed read', async () => {
    let fail = true;
    const flaky: FreshSealedOpener = {
      open: async (s) => {
        if (fail) throw new Error('store unavailable');
        return `clear:${s.data}`;
      },
    };
    const o = new SendTimeOpener(flaky, 1_000, 100, () => clock);
    await expect(o.open(sealed('u1', 'a'))).rejects.toThrow('store unavailable');
    fail = false;
    expect(await o.open(sealed('u1', 'a'))).toBe('clear:a');
  });

  it('keeps at most its capacity of subjects', async () => {
    const small = new SendTimeOpener(vault, 1_000, 2, () => clock);
    for (const s of ['u1', 'u2', 'u3']) await small.open(sealed(s, 'a'));
    await small.open(sealed('u1', 'a'));
    expect(vault.freshReads).toBe(4);
  });
});

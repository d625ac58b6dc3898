import { DomainError } from './errors';
import {
  charCount,
  checkAnonymousName,
  checkBody,
  checkCategoryName,
  checkEmail,
  checkLevel,
  checkPassword,
  checkReason,
  checkSlug,
  checkTags,
  checkTitle,
  checkUsername,
  checkVoteValue,
  emailHashInput,
  slugify,
  validateFields,
} from './validation';

const valueOf = <T>(check: { ok: true; value: T } | { ok: false; message: string }) => {
  if (!check.ok) throw new Error(`expected a valid value, got: ${check.message}`);
  return check.value;
};
const messageOf = (check: { ok: boolean; message?: string }) => {
  if (check.ok) throw new Error('expected a refusal');
  return check.message;
};

const RLO = '\u202E';
const ZWSP = '\u200B';

describe('validation', () => {
  describe('username', () => {
    it('accepts 3-30 of A-Za-z0-9_.- and trims', () => {
      expect(valueOf(checkUsername('  Dora_99.x-y '))).toBe('Dora_99.x-y');
      expect(valueOf(checkUsername('abc'))).toBe('abc');
      expect(valueOf(checkUsername('a'.repeat(30)))).toBe('a'.repeat(30));
    });

    it('refuses too short, too long and non-strings', () => {
      expect(messageOf(checkUsername('ab'))).toMatch(/3-30/);
      expect(messageOf(checkUsername('a'.repeat(31)))).toMatch(/3-30/);
      expect(checkUsername(42).ok).toBe(false);
    });

    it('refuses emoji, accents, look-alike letters, spaces and invisible characters', () => {
      for (const name of [
        'dora😀',
        'dorá',
        'd\u043Era',
        'do ra',
        `do${ZWSP}ra`,
        `dora${RLO}x`,
        'do\nra',
      ])
        expect(checkUsername(name).ok).toBe(false);
      expect(valueOf(checkUsername('dora\n'))).toBe('dora');
    });
  });

  describe('email', () => {
    it('accepts ordinary addresses, trimmed', () => {
      expect(valueOf(checkEmail(' Dora+qa@Example.org '))).toBe('Dora+qa@Example.org');
      expect(valueOf(checkEmail("o'neil@mail.example.co.uk"))).toBe("o'neil@mail.example.co.uk");
      expect(valueOf(checkEmail('root@localhost'))).toBe('root@localhost');
    });

    it('refuses malformed addresses', () => {
      for (const bad of [
        '',
        'dora',
        '@example.org',
        'dora@',
        'do ra@example.org',
        'dora@@example.org',
        'a@b@example.org',
        '.dora@example.org',
        'do..ra@example.org',
        'dora@-example.org',
        'dora@example..org',
        'dora@exämple.org',
        'dörä@example.org',
        `dora${ZWSP}@example.org`,
      ])
        expect(checkEmail(bad).ok).toBe(false);
    });

    it('limits the local part to 64 and the whole to 254 characters', () => {
      expect(checkEmail(`${'a'.repeat(64)}@example.org`).ok).toBe(true);
      expect(checkEmail(`${'a'.repeat(65)}@example.org`).ok).toBe(false);
      const host = `${'b'.repeat(60)}.`.repeat(4);
      expect(checkEmail(`${'a'.repeat(10)}@${host}org`).ok).toBe(false);
    });

    it('lower-cases the hash input so case variants reserve the same address', () => {
      expect(emailHashInput(' Dora@Example.ORG ')).toBe(emailHashInput('dora@example.org'));
    });
  });

  describe('password', () => {
    it('needs 8 to 1024 characters and is never trimmed', () => {
      expect(valueOf(checkPassword(' secret1 '))).toBe(' secret1 ');
      expect(checkPassword('1234567').ok).toBe(false);
      expect(checkPassword('p'.repeat(1024)).ok).toBe(true);
      expect(checkPassword('p'.repeat(1025)).ok).toBe(false);
    });

    it('counts characters, not UTF-16 units', () => {
      expect(checkPassword('😀😀😀😀').ok).toBe(false);
      expect(checkPassword('😀'.repeat(8)).ok).toBe(true);
    });
  });

  describe('title', () => {
    it('accepts 12-120 characters after trimming', () => {
      expect(valueOf(checkTitle('  How do I fold?  '))).toBe('How do I fold?');
      expect(checkTitle('x'.repeat(12)).ok).toBe(true);
      expect(checkTitle('x'.repeat(11)).ok).toBe(false);
      expect(checkTitle('x'.repeat(120)).ok).toBe(true);
      expect(checkTitle('x'.repeat(121)).ok).toBe(false);
      expect(checkTitle(`   ${'x'.repeat(11)}   `).ok).toBe(false);
    });

    it('normalises to NFC before counting and stores the composed form', () => {
      const decomposed = 'Ame\u0301lie here'; // 12 code points, 11 once composed
      expect(charCount(decomposed)).toBe(12);
      expect(checkTitle(decomposed).ok).toBe(false);
      const title = valueOf(checkTitle('Ame\u0301lie is here'));
      expect(title).toBe('Amélie is here');
      expect(title).toBe('Amélie is here'.normalize('NFC'));
    });

    it('counts an emoji as one character', () => {
      expect(checkTitle('😀'.repeat(12)).ok).toBe(true);
      expect(checkTitle('😀'.repeat(120)).ok).toBe(true);
      expect(checkTitle('😀'.repeat(121)).ok).toBe(false);
    });

    it('refuses line breaks, tabs and other control characters', () => {
      expect(checkTitle('How do I fold\nan event stream?').ok).toBe(false);
      expect(checkTitle('How do I fold\tan event stream?').ok).toBe(false);
      expect(checkTitle('How do I fold\u0007 an event stream?').ok).toBe(false);
      expect(checkTitle('How do I fold\u2028an event stream?').ok).toBe(false);
    });

    it('refuses bidi overrides and zero-width spaces but keeps ZWJ emoji and RTL text', () => {
      expect(messageOf(checkTitle(`Invoice ${RLO}fdp.exe is here`))).toMatch(/bidirectional/);
      expect(messageOf(checkTitle(`Zero${ZWSP}width title here`))).toMatch(/invisible/);
      expect(checkTitle('Family 👨‍👩‍👧 emoji in title').ok).toBe(true);
      expect(checkTitle('كيف أطوي سلسلة الأحداث؟').ok).toBe(true);
    });

    it('refuses a title of invisible characters only', () => {
      expect(checkTitle('\u200C'.repeat(12)).ok).toBe(false);
      expect(checkTitle(' '.repeat(20)).ok).toBe(false);
    });
  });

  describe('body', () => {
    it('keeps line breaks, folds CRLF to LF and trims', () => {
      expect(valueOf(checkBody('\r\n  line one\r\nline two\n\t- item\r\n'))).toBe(
        'line one\nline two\n\t- item',
      );
    });

    it('accepts 1 to 12,000 characters', () => {
      expect(checkBody('x').ok).toBe(true);
      expect(checkBody('x'.repeat(12_000)).ok).toBe(true);
      expect(checkBody('x'.repeat(12_001)).ok).toBe(false);
      expect(checkBody('😀'.repeat(12_000)).ok).toBe(true);
      expect(checkBody('').ok).toBe(false);
      expect(checkBody(' \n\t ').ok).toBe(false);
    });

    it('refuses control characters other than tab and newline, and bidi overrides', () => {
      expect(checkBody('bell \u0007').ok).toBe(false);
      expect(checkBody('nul \u0000 byte').ok).toBe(false);
      expect(checkBody(`see [link](http://x) ${RLO}txt.exe`).ok).toBe(false);
    });

    it('refuses non-strings', () => {
      expect(checkBody(undefined).ok).toBe(false);
      expect(checkBody({ text: 'x' }).ok).toBe(false);
    });
  });

  describe('tags', () => {
    it('lower-cases, trims and de-duplicates, keeping the first position', () => {
      expect(valueOf(checkTags([' TypeScript', 'c#', 'typescript', 'C++', '.NET']))).toEqual([
        'typescript',
        'c#',
        'c++',
        '.net',
      ]);
    });

    it('allows none', () => {
      expect(valueOf(checkTags(undefined))).toEqual([]);
      expect(valueOf(checkTags([]))).toEqual([]);
    });

    it('allows five distinct tags, refuses six, counting after de-duplication', () => {
      expect(checkTags(['a', 'b', 'c', 'd', 'e']).ok).toBe(true);
      expect(checkTags(['a', 'b', 'c', 'd', 'e', 'A']).ok).toBe(true);
      expect(checkTags(['a', 'b', 'c', 'd', 'e', 'f']).ok).toBe(false);
    });

    it('limits each tag to 1-40 of a-z0-9+#.-', () => {
      expect(checkTags(['t'.repeat(40)]).ok).toBe(true);
      expect(messageOf(checkTags(['t'.repeat(41)]))).toMatch(/longer than 40/);
      expect(checkTags(['']).ok).toBe(false);
      expect(checkTags(['two words']).ok).toBe(false);
      expect(checkTags(['café']).ok).toBe(false);
      expect(checkTags(['snake_case']).ok).toBe(false);
      expect(checkTags([`ta${ZWSP}g`]).ok).toBe(false);
    });

    it('refuses anything but a list of strings', () => {
      expect(checkTags('typescript').ok).toBe(false);
      expect(checkTags([1]).ok).toBe(false);
    });
  });

  describe('anonymous name and reasons', () => {
    it('makes blank names null and limits them to 40 characters on one line', () => {
      expect(valueOf(checkAnonymousName(undefined))).toBeNull();
      expect(valueOf(checkAnonymousName('   '))).toBeNull();
      expect(valueOf(checkAnonymousName(' Zoë '))).toBe('Zoë');
      expect(checkAnonymousName('n'.repeat(40)).ok).toBe(true);
      expect(checkAnonymousName('n'.repeat(41)).ok).toBe(false);
      expect(checkAnonymousName('two\nlines').ok).toBe(false);
      expect(checkAnonymousName(`admin${RLO}`).ok).toBe(false);
    });

    it('makes blank reasons null and limits them to 300 characters', () => {
      expect(valueOf(checkReason(null))).toBeNull();
      expect(valueOf(checkReason(''))).toBeNull();
      expect(checkReason('r'.repeat(300)).ok).toBe(true);
      expect(checkReason('r'.repeat(301)).ok).toBe(false);
    });
  });

  describe('categories', () => {
    it('limits names to 1-80 characters', () => {
      expect(checkCategoryName('Q').ok).toBe(true);
      expect(checkCategoryName('').ok).toBe(false);
      expect(checkCategoryName('n'.repeat(81)).ok).toBe(false);
    });

    it('derives slugs from names and checks given ones', () => {
      expect(slugify('  Hello, World!  ')).toBe('hello-world');
      expect(slugify('C++ & Rust')).toBe('c-rust');
      expect(slugify('x'.repeat(79) + ' y')).toBe('x'.repeat(79));
      expect(valueOf(checkSlug(undefined, 'Event Sourcing'))).toBe('event-sourcing');
      expect(valueOf(checkSlug('my-slug-2', 'ignored'))).toBe('my-slug-2');
      expect(checkSlug('My Slug', 'x').ok).toBe(false);
      expect(checkSlug('s'.repeat(81), 'x').ok).toBe(false);
      expect(checkSlug(undefined, '日本語').ok).toBe(false);
    });
  });

  it('accepts only the listed levels and vote values', () => {
    for (const level of [0, 10, 20, 50, 80, 100, 120]) expect(checkLevel(level).ok).toBe(true);
    for (const level of [1, 30, 121, '0', null]) expect(checkLevel(level).ok).toBe(false);
    for (const value of [1, -1, 0]) expect(checkVoteValue(value).ok).toBe(true);
    for (const value of [2, -2, '1', null]) expect(checkVoteValue(value).ok).toBe(false);
  });

  describe('validateFields', () => {
    it('returns the normalised values', () => {
      expect(
        validateFields({ title: checkTitle(' A proper title '), tags: checkTags(['X']) }),
      ).toEqual({
        title: 'A proper title',
        tags: ['x'],
      });
    });

    it('lists every bad field in one VALIDATION_FAILED error', () => {
      let error: unknown;
      try {
        validateFields({
          title: checkTitle('short'),
          body: checkBody(''),
          tags: checkTags(['ok']),
        });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({
        kind: 'validation',
        code: 'VALIDATION_FAILED',
        errors: [
          { field: 'title', message: 'Title must be at least 12 characters.' },
          { field: 'body', message: 'Body must not be empty.' },
        ],
      });
    });
  });
});

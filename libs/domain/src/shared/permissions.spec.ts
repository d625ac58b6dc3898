import {
  admin,
  admin2,
  alice,
  bob,
  carol,
  editor,
  expert,
  moderator,
  superUser,
} from './domain.fixtures';
import { LEVELS } from './events';
import {
  canChangeLevel,
  canCloseQuestion,
  canCreateCategories,
  canEditPost,
  canErasePersonalData,
  canHidePosts,
  canSelectAnswer,
} from './permissions';

describe('permissions', () => {
  it('lets authors edit their own posts and editors and above edit any', () => {
    expect(canEditPost(alice, alice.userId)).toBe(true);
    expect(canEditPost(bob, alice.userId)).toBe(false);
    expect(canEditPost(expert, alice.userId)).toBe(false);
    expect(canEditPost(editor, alice.userId)).toBe(true);
    expect(canEditPost(superUser, null)).toBe(true);
    expect(canEditPost(alice, null)).toBe(false);
  });

  it('lets the question author or an expert and above select the best answer', () => {
    expect(canSelectAnswer(alice, alice.userId)).toBe(true);
    expect(canSelectAnswer(carol, alice.userId)).toBe(false);
    expect(canSelectAnswer(expert, alice.userId)).toBe(true);
    expect(canSelectAnswer(bob, null)).toBe(false);
  });

  it('lets the author or an editor and above close', () => {
    expect(canCloseQuestion(alice, alice.userId)).toBe(true);
    expect(canCloseQuestion(expert, alice.userId)).toBe(false);
    expect(canCloseQuestion(editor, alice.userId)).toBe(true);
  });

  it('lets editors and above hide, admins and above create categories', () => {
    expect([expert, editor, moderator, admin].map(canHidePosts)).toEqual([false, true, true, true]);
    expect([editor, moderator, admin, superUser].map(canCreateCategories)).toEqual([
      false,
      false,
      true,
      true,
    ]);
  });

  describe('changing levels', () => {
    const target = (level: number) => ({ userId: 'target', level: level as 0 });

    it('is for admins and above', () => {
      expect(canChangeLevel(moderator, target(LEVELS.basic), LEVELS.approved)).toBe(false);
      expect(canChangeLevel(admin, target(LEVELS.basic), LEVELS.approved)).toBe(true);
    });

    it("never raises anyone above the admin's own level", () => {
      expect(canChangeLevel(admin, target(LEVELS.basic), LEVELS.admin)).toBe(true);
      expect(canChangeLevel(admin, target(LEVELS.basic), LEVELS.super)).toBe(false);
    });

    it("never touches someone at or above the admin's own level", () => {
      expect(
        canChangeLevel(admin, { userId: admin2.userId, level: LEVELS.admin }, LEVELS.basic),
      ).toBe(false);
      expect(canChangeLevel(admin, target(LEVELS.super), LEVELS.admin)).toBe(false);
      expect(canChangeLevel(admin, target(LEVELS.moderator), LEVELS.basic)).toBe(true);
    });

    it('lets a super change anyone else, to any level', () => {
      expect(canChangeLevel(superUser, target(LEVELS.super), LEVELS.basic)).toBe(true);
      expect(canChangeLevel(superUser, target(LEVELS.basic), LEVELS.super)).toBe(true);
    });

    it('never lets anyone change their own level', () => {
      expect(
        canChangeLevel(superUser, { userId: superUser.userId, level: LEVELS.super }, LEVELS.admin),
      ).toBe(false);
      expect(
        canChangeLevel(admin, { userId: admin.userId, level: LEVELS.admin }, LEVELS.basic),
      ).toBe(false);
    });
  });

  it('lets the person or an admin erase personal data', () => {
    expect(canErasePersonalData(alice, alice.userId)).toBe(true);
    expect(canErasePersonalData(moderator, alice.userId)).toBe(false);
    expect(canErasePersonalData(admin, alice.userId)).toBe(true);
  });
});

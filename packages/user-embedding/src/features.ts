import type { Item, User } from '@personalab/core';

/** Side features as small integer codes (0 = unknown), shared by training and inference. */
export interface ItemFeatures {
  tagVocabulary: string[];
  /** n × tags multi-hot, row-major. */
  tags: Float32Array;
  /** Decade bucket per item: 0 unknown, 1 = before 1930, then one per decade. */
  yearBuckets: Int32Array;
}

export const yearBucketCount = 12;

export function yearBucket(year: number | undefined): number {
  if (year === undefined) return 0;
  return Math.max(1, Math.min(yearBucketCount - 1, Math.floor((year - 1920) / 10) + 1));
}

export function buildItemFeatures(itemIds: readonly string[], items: readonly Item[], tagVocabulary?: readonly string[]): ItemFeatures {
  const byId = new Map(items.map((item) => [item.id, item]));
  const vocabulary = tagVocabulary ? [...tagVocabulary] : [...new Set(items.flatMap((item) => item.tags))].sort();
  const tagIndex = new Map(vocabulary.map((tag, index) => [tag, index]));
  const tags = new Float32Array(itemIds.length * Math.max(1, vocabulary.length));
  const yearBuckets = new Int32Array(itemIds.length);
  itemIds.forEach((id, row) => {
    const item = byId.get(id);
    if (!item) return;
    for (const tag of item.tags) {
      const column = tagIndex.get(tag);
      if (column !== undefined) tags[row * Math.max(1, vocabulary.length) + column] = 1;
    }
    yearBuckets[row] = yearBucket(item.year);
  });
  return { tagVocabulary: vocabulary, tags, yearBuckets };
}

/** MovieLens age groups: unknown, <18, 18-24, 25-34, 35-44, 45-49, 50-55, 56+. */
export const ageBucketCount = 8;

export function ageBucket(age: number | undefined): number {
  if (age === undefined) return 0;
  const bounds = [18, 25, 35, 45, 50, 56];
  const index = bounds.findIndex((bound) => age < bound);
  return index === -1 ? 7 : index + 1;
}

export const genderCodes = ['unknown', 'F', 'M', 'other'] as const;

export interface UserFeatures {
  occupationVocabulary: string[];
  /** Per known user: [age bucket, gender code, occupation code (0 unknown)]. */
  codes: Int32Array;
}

export function buildUserFeatures(userIds: readonly string[], users: readonly User[], occupationVocabulary?: readonly string[]): UserFeatures {
  const byId = new Map(users.map((user) => [user.id, user]));
  const vocabulary = occupationVocabulary ? [...occupationVocabulary] : [...new Set(users.flatMap((user) => (user.occupation ? [user.occupation] : [])))].sort();
  const occupationIndex = new Map(vocabulary.map((occupation, index) => [occupation, index + 1]));
  const codes = new Int32Array(userIds.length * 3);
  userIds.forEach((id, row) => {
    const user = byId.get(id);
    if (!user) return;
    codes[row * 3] = ageBucket(user.age);
    codes[row * 3 + 1] = Math.max(0, genderCodes.indexOf(user.gender ?? 'unknown'));
    codes[row * 3 + 2] = user.occupation ? (occupationIndex.get(user.occupation) ?? 0) : 0;
  });
  return { occupationVocabulary: vocabulary, codes };
}

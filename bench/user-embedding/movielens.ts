import { PersonalabError } from '@personalab/core';
import { findDataset, howToGet, loadMovieLens100k } from '@personalab/datasets';
import { selectBackend } from '@personalab/user-embedding';

/** MovieLens 100K and the wasm backend the user-embedding benchmarks run on; throws `not_found` (saying how to get the data) when it is missing. */
export async function movieLensOnWasm(): Promise<{ data: Awaited<ReturnType<typeof loadMovieLens100k>>; backend: Awaited<ReturnType<typeof selectBackend>> }> {
  const directory = findDataset('movielens-100k');
  if (!directory) throw new PersonalabError('not_found', `movielens-100k not found: ${howToGet('movielens-100k')}`);
  const backend = await selectBackend({ preferred: 'wasm' });
  return { data: await loadMovieLens100k(directory), backend };
}

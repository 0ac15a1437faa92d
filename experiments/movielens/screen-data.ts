import { findDataset, howToGet, loadMovieLens100k, type MovieLens100k } from '@personalab/datasets';

/**
 * MovieLens 100K for the one-off screens of this folder: the folder given as DATA, else the usual data folders; when it
 * is missing the script says how to get it and exits 1.
 */
export async function loadScreenData(): Promise<MovieLens100k> {
  const directory = process.env.DATA ?? findDataset('movielens-100k', {});
  if (!directory) {
    console.error(`MovieLens 100K not found: ${howToGet('movielens-100k')}`);
    process.exit(1);
  }
  return loadMovieLens100k(directory);
}

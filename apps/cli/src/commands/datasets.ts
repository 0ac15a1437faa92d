import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { PersonalabError, createProgress, markdownTable } from '@personalab/core';
import { dataDirectoryCandidates, datasetFolders, datasetSources, datasetStatistics, fetchDataset, findDataset, type DatasetName } from '@personalab/datasets';
import { globalOptions, missingDatasetHint, requireDataset } from '../global-options.js';
import { parseHttpUrl } from '../url-option.js';

const names = Object.keys(datasetFolders) as DatasetName[];

/** `hint` says which names the command takes: `fetch` only the sets with a public download. */
function datasetName(value: string, hint = `known: ${names.join(', ')}`): DatasetName {
  if (!(names as string[]).includes(value)) throw new PersonalabError('invalid_argument', `unknown data set "${value}"; ${hint}`);
  return value as DatasetName;
}

const fetchable = Object.keys(datasetSources).join(', ');

/** `--url` and `--md5`, checked before any download and named as the user typed them (the package's checks name neither). */
function checkFetchOptions(options: { url?: string; md5?: string }): void {
  if (options.url !== undefined) parseHttpUrl('--url', options.url);
  if (options.md5 !== undefined && !/^[0-9a-f]{32}$/i.test(options.md5)) {
    throw new PersonalabError('invalid_argument', `--md5 must be 32 hexadecimal digits, got ${JSON.stringify(options.md5)}`);
  }
}

/** `personalab datasets fetch|list|stats`: download public sets, show which sets are found where, count what is in them. */
export function registerDatasetsCommand(program: Command): void {
  const datasets = program.command('datasets').description('download, locate and summarise the data sets');

  datasets
    .command('fetch')
    .description('download a public data set from its official URL, check its checksum and unzip it into --data-dir, else $PERSONALAB_DATA_DIR, else ./datasets')
    .argument('<name>', `data set to download (${fetchable})`)
    .option('--url <url>', 'download from another mirror')
    .option('--md5 <md5>', 'expected MD5 of the archive (default: the official one)')
    .option('--force', 'replace the folder if it already exists')
    .action(async (name: string, options: { url?: string; md5?: string; force?: boolean }, command: Command) => {
      const dataset = datasetName(name, `fetch downloads ${fetchable}`);
      checkFetchOptions(options);
      const global = globalOptions(command);
      // Downloads go where `npm start` fetches and the search starts: --data-dir, else $PERSONALAB_DATA_DIR, else ./datasets (never ../shared).
      const chosen = [global.dataDir, global.dataDirectory.environmentDataDir].find((value) => value !== undefined && value !== '');
      const dataDirectory = resolve(chosen ?? 'datasets');
      let progress: ReturnType<typeof createProgress> | undefined;
      const result = await fetchDataset(dataset, {
        dataDirectory,
        force: options.force ?? false,
        ...(options.url === undefined ? {} : { url: options.url }),
        ...(options.md5 === undefined ? {} : { md5: options.md5 }),
        onProgress: (received, total) => {
          progress ??= createProgress({ label: `downloading ${name}`, total: total ?? 0, quiet: global.quiet });
          progress.update(received);
        },
      }).finally(() => progress?.stop());
      if (!result.downloaded) {
        process.stdout.write(`${name} is already in ${result.directory} (use --force to download again)\n`);
        return;
      }
      process.stdout.write(`${name}: ${result.bytes} bytes, MD5 ${result.md5} verified, ${result.files.length} files written to ${result.directory}\n`);
    });

  datasets
    .command('list')
    .description('show which data sets are found, and where')
    .action((_options: unknown, command: Command) => {
      const global = globalOptions(command);
      const where = global.dataDirectory;
      // A folder that is not there (a typo in $PERSONALAB_DATA_DIR, say) is named as such, not passed over in silence.
      const searched = (where.dataDir ? [resolve(where.dataDir)] : dataDirectoryCandidates(where)).map((directory) =>
        !existsSync(directory) ? `${directory} (does not exist)` : statSync(directory).isDirectory() ? directory : `${directory} (a file, not a folder)`,
      );
      const rows = names.map((name) => {
        const found = findDataset(name, where);
        return [name, found ?? 'missing', found ? '' : missingDatasetHint(name, global)];
      });
      process.stdout.write(`${markdownTable(['data set', 'found in', 'how to get it'], rows)}\n\nsearched: ${searched.join(', ')}\n`);
    });

  datasets
    .command('stats')
    .summary("validate a data set's files and count them")
    .description("load and validate a data set's files and print their counts (MovieLens: u.data, u.item, u.user, splits; Persona-Chat: every .txt; Synthetic-Persona-Chat: every .csv; PersonaMem: questions*.csv, shared_contexts*.jsonl)")
    .argument('<name>', `one of ${names.join(', ')}`)
    .action(async (name: string, _options: unknown, command: Command) => {
      const dataset = datasetName(name);
      const directory = requireDataset(dataset, globalOptions(command));
      const rows = await datasetStatistics(dataset, directory);
      process.stdout.write(`${name} in ${directory}\n\n${markdownTable(['file', 'statistic', 'value'], rows.map((row) => [row.file, row.statistic, row.value]))}\n`);
    });
}

import type { Command } from 'commander';
import { getConfig, PersonalabError } from '@personalab/core';
import { serve } from '@personalab/recommender';
import { candidateModelName, defaultCandidateModel } from '@personalab/user-embedding';
import { globalOptions } from '../global-options.js';
import { integerOption } from '../integer-option.js';

const datasets = ['auto', 'movielens-100k', 'synthetic'] as const;

/** `personalab serve`: the main job — data, model, item index, then the Chat-Rec API and chat page. */
export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('start the Chat-Rec recommender (API, chat page at /, docs at /docs) on MovieLens 100K or the synthetic world')
    .addOption(integerOption('--port <port>', 'port to listen on (default $PORT or 3000)', { min: 0, max: 65_535 }))
    .option('--host <host>', 'interface to bind (default $PERSONALAB_HOST or 127.0.0.1)')
    .option('--dataset <name>', 'auto | movielens-100k | synthetic', 'auto')
    .option('--retrain', 'train the model even if a saved one matches the data')
    .option('--model <name>', 'candidate model: context-ease (EASE with rating pages + GF-CF low-pass: the better rankings) | page-ease (EASE with rating pages: ~2.5x faster training)', defaultCandidateModel)
    .action(async (options: { port?: number; host?: string; dataset: 'auto' | 'movielens-100k' | 'synthetic'; retrain?: boolean; model: string }, command: Command) => {
      if (!(datasets as readonly string[]).includes(options.dataset)) throw new PersonalabError('invalid_argument', `--dataset must be one of ${datasets.join(', ')}, got "${options.dataset}"`);
      const model = candidateModelName(options.model, '--model');
      const global = globalOptions(command);
      const config = getConfig();
      const server = await serve({
        config,
        dataDir: global.dataDir,
        dataset: options.dataset,
        quiet: global.quiet,
        retrain: options.retrain ?? false,
        model,
        ...(options.port === undefined ? {} : { port: options.port }),
        ...(options.host === undefined ? {} : { host: options.host }),
      });
      process.stdout.write(`\nChat-Rec is running (${server.source === 'synthetic' ? 'synthetic world' : 'MovieLens 100K'}).\n`);
      process.stdout.write(`  chat page: ${server.url}\n  API docs:  ${server.app.listeningOrigin}/docs\n  API key:   ${server.apiKey}\n\nPress Ctrl+C to stop.\n`);
      const stop = async () => {
        await server.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop());
      process.once('SIGTERM', () => void stop());
    });
}

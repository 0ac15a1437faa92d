import type { Command } from 'commander';
import { getConfig, PersonalabError } from '@personalab/core';
import { defaultShutdownGraceMs, serve, type RunningServer } from '@personalab/recommender';
import { candidateModelName, defaultCandidateModel } from '@personalab/user-embedding';
import { outliveClosedPipe } from '../closed-pipe.js';
import { globalOptions } from '../global-options.js';
import { integerOption } from '../integer-option.js';
import { interruptOnSignals } from '../interrupt.js';
import { refuseFileAsFolder } from '../writable-folder.js';

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
    .option('--model <name>', 'candidate model: context-ease (EASE with rating pages + GF-CF low-pass) | page-ease (EASE with rating pages: ~2.5x faster training) | context-ease+lightgcn (context-ease blended with a tfjs LightGCN: the best P1 rankings, ~45 s more training on MovieLens 100K)', defaultCandidateModel)
    .option(
      '--model-dir <dir>',
      'serve the model saved in <dir> by personalab train (any kind, the context-ease+lightgcn blend included) instead of training one: never retrained or written; refused when it scores items the served catalogue lacks; not with --model or --retrain',
    )
    .addOption(
      integerOption(
        '--shutdown-timeout <seconds>',
        'on SIGTERM or SIGINT, how long requests in flight may take before their connections are dropped (a second signal drops them at once)',
        { min: 0, max: 3600 },
        defaultShutdownGraceMs / 1000,
      ),
    )
    .addHelpText(
      'after',
      '\nSIGTERM or SIGINT stops it (requests in flight finish, the store and lock are closed, exit 0), then the LLM usage line if an LLM was used;\n' +
        'while it starts (loading data, training), it stops after the step under way without serving (a second signal exits at once).\n' +
        '--model-dir serves a model from personalab train (e.g. personalab train --model context-ease+lightgcn --refit --out models/blend, then\n' +
        'personalab serve --dataset movielens-100k --model-dir models/blend): the start-up log says which model was loaded from where.\n' +
        'stdout carries the start banner only: when its reader goes away (… | head -3) the server goes on and says so on stderr.',
    )
    .action(async (options: { port?: number; host?: string; dataset: 'auto' | 'movielens-100k' | 'synthetic'; retrain?: boolean; model: string; modelDir?: string; shutdownTimeout: number }, command: Command) => {
      if (!(datasets as readonly string[]).includes(options.dataset)) throw new PersonalabError('invalid_argument', `--dataset must be one of ${datasets.join(', ')}, got "${options.dataset}"`);
      const model = candidateModelName(options.model, '--model');
      // --model has a default: only one given on the command line is refused beside --model-dir (by serve).
      const modelGiven = command.getOptionValueSource('model') !== 'default';
      const global = globalOptions(command);
      const config = getConfig();
      // The service writes its store, model and lock under the state folder: a file there had failed with ENOTDIR and a
      // stack trace once the data was read.
      refuseFileAsFolder(`PERSONALAB_STATE_DIR ${config.stateDir}`, config.stateDir);
      // Handled from the start: as PID 1 (a container) a signal with no handler is ignored, and a SIGTERM sent while the
      // model trained had been, so the server started serving anyway (until the supervisor's SIGKILL).
      // The first SIGTERM or SIGINT stops the start after the step under way (data, training, index), closing what it
      // opened; a second one (not tsx's relayed copy of the first) exits at once.
      const starting = interruptOnSignals({ stopping: 'stopping the start-up after the current step, before serving', kept: 'nothing was served' });
      let server: RunningServer;
      try {
        server = await serve({
          config,
          signal: starting.signal,
          dataDir: global.dataDir,
          dataset: options.dataset,
          quiet: global.quiet,
          ...(options.retrain ? { retrain: true } : {}),
          ...(options.modelDir === undefined ? { model } : { modelDir: options.modelDir, ...(modelGiven ? { model } : {}) }),
          ...(options.port === undefined ? {} : { port: options.port }),
          ...(options.host === undefined ? {} : { host: options.host }),
        });
      } catch (error) {
        if (starting.signal.aborted && PersonalabError.is(error, 'cancelled')) return void process.stderr.write('stopped before serving\n');
        throw error;
      } finally {
        starting.dispose();
      }
      // Asked to stop after the last step that checks: close at once, before anything is printed or served.
      if (starting.signal.aborted) {
        await server.close({ graceMs: 0 });
        return void process.stderr.write('stopped before serving\n');
      }
      // Before the URL is printed: whoever reads it (a supervisor, a test) may signal at once.
      const stopped = stopOnSignals(server, options.shutdownTimeout * 1000);
      // stdout carries this banner only: a reader that goes away (`… | head -3`, a log collector restarting) must not
      // take the service down, nor end the process before the store is closed and the lock removed.
      const restore = outliveClosedPipe(process.stdout, () => process.stderr.write('stdout was closed (EPIPE); the server goes on: SIGTERM or Ctrl+C stops it\n'));
      try {
        process.stdout.write(`\nChat-Rec is running (${server.source === 'synthetic' ? 'synthetic world' : 'MovieLens 100K'}).\n`);
        process.stdout.write(`  chat page: ${server.url}\n  API docs:  ${server.origin}/docs\n  API key:   ${server.apiKey}\n\nPress Ctrl+C to stop.\n`);
        // The command ends once the server has stopped, so the CLI ends as after any command (the LLM usage line, exit 0).
        await stopped;
      } finally {
        restore();
      }
    });
}


/**
 * SIGTERM or SIGINT stops the server: no new connections, requests in flight finish (up to `graceMs`, then their
 * connections are dropped, so a stalled client cannot keep the process alive), the store and lock are closed, and
 * the promise resolves (the command returns and the process exits 0; it rejects when closing failed). A second signal
 * drops the remaining connections at once.
 */
function stopOnSignals(server: RunningServer, graceMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        process.stderr.write(`${signal} again: dropping the connections still open\n`);
        void server.close({ graceMs: 0 });
        return;
      }
      stopping = true;
      process.stderr.write(`\n${signal}: stopping; requests in flight have ${graceMs / 1000} s to finish (${signal} again stops at once)\n`);
      server
        .close({ graceMs })
        .finally(() => {
          process.removeListener('SIGINT', stop);
          process.removeListener('SIGTERM', stop);
        })
        .then(resolve, (error: unknown) => reject(new PersonalabError('internal', `error while stopping the server: ${error instanceof Error ? error.message : String(error)}`, { cause: error })));
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

import type { Command } from 'commander';
import { registerDatasetsCommand } from './datasets.js';
import { registerExperimentMovielensCommand } from './experiment-movielens.js';
import { registerPersonamemCommand } from './personamem.js';
import { registerProfileCommand } from './profile.js';
import { registerServeCommand } from './serve.js';
import { registerSimulateCommand } from './simulate.js';
import { registerTrainCommand } from './train.js';

/**
 * Each command lives in its own file and is registered here, one line each.
 */
export function registerCommands(program: Command): void {
  registerDatasetsCommand(program);
  registerPersonamemCommand(program);
  registerProfileCommand(program);
  registerServeCommand(program);
  registerSimulateCommand(program);
  registerTrainCommand(program);
  registerExperimentMovielensCommand(program);
}

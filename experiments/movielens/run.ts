/**
 * MovieLens-100K experiments P1 (top-10), P2 (top-5) and P3 (rating prediction).
 * Usage: npx tsx --conditions=development experiments/movielens/run.ts [p1|p2|p3|all] [--quick] [--seeds 42,7,1] [--models ease,bpr-mf] [--out DIR]
 * (P2 is computed from P1's rankings.) Runs `personalab experiment movielens ...`: the same options, checked
 * the same way, and the same folders (`--out` and `--results` name the same one): the committed results/ only for the headline
 * run, $PERSONALAB_STATE_DIR/experiments/movielens-quick for `--quick`, .../movielens-partial for other `--seeds`
 * or some `--models`.
 */
import { runProgram } from '@personalab/cli';

process.exitCode = await runProgram(['node', 'personalab', 'experiment', 'movielens', ...process.argv.slice(2)]);

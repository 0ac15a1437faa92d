export { createProgram, runProgram } from './program.js';

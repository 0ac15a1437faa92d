#!/usr/bin/env node
import { PersonalabError } from '@personalab/core';
import { createProgram } from './program.js';

try {
  await createProgram().parseAsync(process.argv);
} catch (error) {
  if (PersonalabError.is(error)) {
    console.error(`error (${error.code}): ${error.message}`);
    process.exitCode = 2;
  } else {
    throw error;
  }
}

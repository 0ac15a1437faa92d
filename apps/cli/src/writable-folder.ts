import { blockingFile, PersonalabError } from '@personalab/core';

/**
 * Refuses, before any work, a folder a command will write into that is, or lies under, a file (`blockingFile`): mkdir
 * had failed there with EEXIST or ENOTDIR and a stack trace, some writes only once the work was done. `what` names the
 * path as the user gave it: "--store runs/s.sqlite", "PERSONALAB_STATE_DIR /tmp/st". A missing folder is fine: it is made.
 */
export function refuseFileAsFolder(what: string, folder: string): void {
  const blocking = blockingFile(folder);
  if (blocking !== undefined) throw new PersonalabError('invalid_argument', `${what}: ${blocking} is a file, not a folder`);
}

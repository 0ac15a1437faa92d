import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PersonalabError } from '@personalab/core';
import { datasetFolderProblem, type DatasetName } from './data-dir.js';
import { loadMovieLens100k, loadMovieLensSplit, movieLensSplitNames, resolveMovieLensDirectory } from './movielens/movielens-100k.js';
import { countTurnPairs, loadPersonaChat } from './persona-chat/persona-chat.js';
import { loadSyntheticPersonaChat } from './persona-chat/synthetic-persona-chat.js';
import { contextForQuestion, countByQuestionType, loadPersonaMemContexts, loadPersonaMemQuestions } from './personamem/personamem.js';

/** One line of a data set summary: what was counted, in which file, and the count. */
export interface DatasetStatistic {
  file: string;
  statistic: string;
  value: number;
}

/** The files `datasetStatistics` reads, per set, for the message when a folder has none of them. */
const filesRead: Record<DatasetName, string> = {
  'movielens-100k': 'u.data, u.item, u.user and the uN/ua/ub splits',
  'persona-chat': '*.txt',
  'synthetic-persona-chat': '*.csv',
  'personamem-32k': 'questions*.csv and shared_contexts*.jsonl',
  'personamem-dev': 'questions*.csv and shared_contexts*.jsonl',
};

/**
 * Loads (and so validates) the files of a data set found in `directory` (its own folder, `.../movielens-100k`) and
 * counts what is in them: MovieLens' u.data, u.item, u.user and official splits; every `.txt` of Persona-Chat and
 * `.csv` of Synthetic-Persona-Chat; PersonaMem's `questions*.csv` and `shared_contexts*.jsonl`.
 * A folder that is missing, a file, or holds none of those is `not_found` naming it, never an empty summary.
 * Used by `personalab datasets stats NAME`.
 */
export async function datasetStatistics(name: DatasetName, directory: string): Promise<DatasetStatistic[]> {
  const problem = datasetFolderProblem(name, directory);
  if (problem !== undefined) throw new PersonalabError('not_found', `${directory} ${problem}: not a ${name} folder`, { details: { file: directory } });
  const rows = await countDataset(name, directory);
  if (rows.length === 0) throw new PersonalabError('not_found', `${directory} holds none of the files read for ${name} (${filesRead[name]})`, { details: { file: directory } });
  return rows;
}

async function countDataset(name: DatasetName, directory: string): Promise<DatasetStatistic[]> {
  const rows: DatasetStatistic[] = [];
  const add = (file: string, statistic: string, value: number) => rows.push({ file, statistic, value });
  switch (name) {
    case 'movielens-100k': {
      const data = await loadMovieLens100k(directory);
      add('u.data', 'ratings', data.ratings.length);
      add('u.user', 'users', data.users.length);
      add('u.item', 'items', data.items.length);
      add('u.data', 'density', data.ratings.length / Math.max(1, data.users.length * data.items.length));
      add('u.data', 'mean rating', data.ratings.reduce((sum, rating) => sum + rating.value, 0) / Math.max(1, data.ratings.length));
      for (let value = 1; value <= 5; value++) add('u.data', `ratings = ${value}`, data.ratings.filter((rating) => rating.value === value).length);
      const folder = resolveMovieLensDirectory(directory);
      for (const split of movieLensSplitNames) {
        if (!existsSync(join(folder, `${split}.base`))) continue;
        const { train, test } = await loadMovieLensSplit(directory, split);
        add(`${split}.base`, 'ratings', train.length);
        add(`${split}.test`, 'ratings', test.length);
      }
      return rows;
    }
    case 'persona-chat': {
      for (const file of readdirSync(directory).filter((entry) => entry.endsWith('.txt')).sort()) {
        const { dialogues } = await loadPersonaChat(join(directory, file));
        add(file, 'dialogues', dialogues.length);
        add(file, 'turn pairs', countTurnPairs(dialogues));
        add(file, 'your-persona sentences', dialogues.reduce((sum, dialogue) => sum + dialogue.yourPersona.length, 0));
        add(file, "partner's-persona sentences", dialogues.reduce((sum, dialogue) => sum + dialogue.partnerPersona.length, 0));
      }
      return rows;
    }
    case 'synthetic-persona-chat': {
      for (const file of readdirSync(directory).filter((entry) => entry.endsWith('.csv')).sort()) {
        const { conversations } = await loadSyntheticPersonaChat(join(directory, file));
        add(file, 'conversations', conversations.length);
        add(file, 'turns', conversations.reduce((sum, conversation) => sum + conversation.turns.length, 0));
      }
      return rows;
    }
    case 'personamem-32k':
    case 'personamem-dev': {
      const contextsFiles = readdirSync(directory).filter((entry) => /^shared_contexts.*\.jsonl$/.test(entry)).sort();
      const contexts = new Map<string, { role: 'system' | 'user' | 'assistant'; content: string }[]>();
      for (const file of contextsFiles) {
        const loaded = await loadPersonaMemContexts(join(directory, file));
        add(file, 'contexts', loaded.contexts.size);
        for (const [id, messages] of loaded.contexts) contexts.set(id, messages);
      }
      for (const file of readdirSync(directory).filter((entry) => /^questions.*\.csv$/.test(entry)).sort()) {
        const { questions } = await loadPersonaMemQuestions(join(directory, file));
        add(file, 'questions', questions.length);
        for (const [type, count] of countByQuestionType(questions)) add(file, `type ${type}`, count);
        if (contexts.size > 0) add(file, 'questions joined to a context', questions.filter((question) => contexts.has(question.sharedContextId) && contextForQuestion(question, contexts).length >= 0).length);
      }
      return rows;
    }
  }
}

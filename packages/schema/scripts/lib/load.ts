/** Reads a session CSV from disk into labelled sessions, with errors that name the file. */
import { readFileSync } from 'node:fs';
import { parseCsv } from './csv.js';
import { ScoreScriptError } from './errors.js';
import { readSessions, type Session } from './sessions.js';

export function loadSessions(path: string): Session[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new ScoreScriptError('file_unreadable', `cannot read ${path}: ${reason}`, { cause });
  }
  try {
    return readSessions(parseCsv(text));
  } catch (err) {
    if (err instanceof ScoreScriptError) {
      throw new ScoreScriptError(err.code, `${path}: ${err.message}`, { cause: err });
    }
    throw err;
  }
}
